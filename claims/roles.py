"""The editorial roles: the Editors and Reviewers groups."""

from django.contrib.auth.models import Group

EDITORS = "Editors"
REVIEWERS = "Reviewers"


def ensure_groups() -> list[Group]:
    """Create the Editors and Reviewers groups if they are missing (idempotent)."""
    return [Group.objects.get_or_create(name=name)[0] for name in (EDITORS, REVIEWERS)]
