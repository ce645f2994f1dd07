"""`manage.py createeditor USERNAME`: a staff user in the Editors group."""

import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from claims import roles


class RoleUserCommand(BaseCommand):
    """Create (or promote) a staff user in one role's group. Subclasses name the group."""

    group = roles.EDITORS

    @property
    def help(self):
        return (
            f"Create a staff user in the {self.group} group (or give an existing user that role). "
            f"Prompts for the password, or reads it from an environment variable."
        )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="read the password from environment variable VAR instead of prompting",
        )

    def handle(self, *args, username, email, password_from_env, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=email, is_staff=True)
            password = self._password(user, password_from_env)
            user.set_password(password)
            user.save()
            verb = "Created"
        else:
            if password_from_env:
                user.set_password(self._password(user, password_from_env))
            user.is_staff = True
            user.save()
            verb = "Updated existing"
        roles.add_to_group(user, self.group)
        self.stdout.write(f"{verb} staff user '{username}' in the {self.group} group; sign in at /admin/.")

    def _password(self, user, env_var) -> str:
        if env_var:
            password = os.environ.get(env_var)
            if not password:
                raise CommandError(
                    f"--password-from-env {env_var}: the environment variable {env_var} is not set or empty"
                )
        else:
            if sys.stdin is None or not sys.stdin.isatty():
                raise CommandError(
                    "no terminal to prompt for a password: run interactively or use --password-from-env VAR"
                )
            password = getpass.getpass(f"Password for {user.username}: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the two passwords differ; nothing was created")
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(f"password refused: {' '.join(exc.messages)}") from None
        return password


class Command(RoleUserCommand):
    group = roles.EDITORS
