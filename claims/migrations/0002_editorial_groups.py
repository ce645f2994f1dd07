"""Create the Editors and Reviewers groups with the permissions listed in claims/roles.py.

Permissions are normally created by the post_migrate signal, after every
migration has run; they are created here first so the groups can be given them
on a fresh database. The list itself lives in claims.roles (one place); this
migration only applies it.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from claims.roles import assign_permissions


def create_groups(apps, schema_editor):
    alias = schema_editor.connection.alias
    for label in ("faq", "sources", "claims"):
        create_permissions(global_apps.get_app_config(label), apps=apps, using=alias, verbosity=0)
    # Not strict: a permission added to claims.roles later, for a model this migration's state lacks,
    # is granted by ensure_groups() (quickstart) or a later migration instead.
    assign_permissions(
        apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), using=alias, strict=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("faq", "0001_initial"),
        ("sources", "0001_initial"),
        ("claims", "0001_initial"),
    ]

    # Backwards leaves the groups: they may hold users and hand-granted permissions.
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
