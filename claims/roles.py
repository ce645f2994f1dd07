"""The editorial roles: which permissions the Editors and Reviewers groups hold.

This module is the one place that says who may do what. The data migration
`claims/migrations/0002_editorial_groups.py`, `ensure_groups()` (run by
`quickstart`) and the workflow's refusal messages all read ROLE_PERMISSIONS.

The workflow checks permissions (`user.has_perm(...)`), never `is_staff` or
group names, so a non-staff system user in the Reviewers group (such as the one
that loads a reviewed seed) may publish verdicts through the same functions.
Superusers hold every permission.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

EDITORS = "Editors"
REVIEWERS = "Reviewers"

# The permission a reviewer needs to publish, change or reopen a verdict.
PUBLISH_VERDICT = "claims.publish_verdict"

EDITOR_PERMISSIONS = (
    # Import documents (the admin's import form) and correct their metadata.
    "faq.view_document",
    "faq.add_document",
    "faq.change_document",
    "faq.view_question",
    # See the page as fetched or uploaded, kept with the document as evidence.
    "faq.view_pagecapture",
    # Edit statements, split and merge claims, mark not checkable, move to review.
    "claims.view_claim",
    "claims.change_claim",
    # Raise and resolve flags.
    "claims.view_flag",
    "claims.add_flag",
    "claims.change_flag",
    # Record relations between claims.
    "claims.view_claimrelation",
    "claims.add_claimrelation",
    "claims.change_claimrelation",
    "claims.delete_claimrelation",
    # See the evidence reviewers attach.
    "sources.view_source",
    "sources.view_citation",
)

REVIEWER_PERMISSIONS = EDITOR_PERMISSIONS + (
    PUBLISH_VERDICT,
    "sources.add_source",
    "sources.change_source",
    # Only sources nobody cites: a cited source is protected (admin and database).
    "sources.delete_source",
    "sources.add_citation",
    "sources.change_citation",
    "sources.delete_citation",
)

# Neither group may delete claims: withdrawal is a status, not a delete. A
# superuser may delete a claim that has never had a verdict (claims/admin/claim.py).
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    EDITORS: EDITOR_PERMISSIONS,
    REVIEWERS: REVIEWER_PERMISSIONS,
}

SYSTEM_REVIEWER_USERNAME = "claimledger-seed-review"


def groups_holding(perm: str) -> list[str]:
    """Names of the groups that hold `perm` ("app_label.codename"), for refusal messages."""
    return [name for name, perms in ROLE_PERMISSIONS.items() if perm in perms]


def assign_permissions(group_model, permission_model, *, using="default", strict=True) -> list:
    """Create both groups and add their permissions; works with real or migration-state models.

    Permissions are only ever added, so a permission an administrator granted
    by hand is kept. With `strict`, raises LookupError naming any permission
    that does not exist (a typo here must not silently leave a group without
    a right). The data migration is not strict: it runs against the models as
    they were then, which may lack a model this list names later.
    """
    groups = []
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.using(using).get_or_create(name=name)
        wanted = set(perms)
        found = list(
            permission_model.objects.using(using).filter(
                content_type__app_label__in={p.split(".")[0] for p in wanted},
                codename__in={p.split(".")[1] for p in wanted},
            ).select_related("content_type")
        )
        found = [p for p in found if f"{p.content_type.app_label}.{p.codename}" in wanted]
        missing = wanted - {f"{p.content_type.app_label}.{p.codename}" for p in found}
        if missing and strict:
            raise LookupError(f"group {name}: unknown permissions {', '.join(sorted(missing))}")
        group.permissions.add(*found)
        groups.append(group)
    return groups


def ensure_groups() -> list[Group]:
    """Create the Editors and Reviewers groups with their permissions if missing (idempotent)."""
    return assign_permissions(Group, Permission)


def add_to_group(user, group_name: str) -> None:
    """Put `user` in the group (creating the groups first if needed)."""
    ensure_groups()
    user.groups.add(Group.objects.get(name=group_name))


def ensure_system_reviewer(username: str = SYSTEM_REVIEWER_USERNAME):
    """Return the non-staff, no-login user in the Reviewers group that scripted reviews act as.

    It cannot sign in to the admin (not staff, unusable password); history
    rows written by a script name it, so scripted verdicts are told apart from
    a person's.
    """
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": "ClaimLedger seed review", "is_staff": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    add_to_group(user, REVIEWERS)
    return User.objects.get(pk=user.pk)  # fresh: has_perm caches permissions per instance
