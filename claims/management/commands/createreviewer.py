"""`manage.py createreviewer USERNAME`: a staff user in the Reviewers group."""

from claims import roles
from claims.management.commands.createeditor import RoleUserCommand


class Command(RoleUserCommand):
    group = roles.REVIEWERS
