"""Give the editorial groups the permission to see page captures (listed in claims/roles.py)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from claims.roles import assign_permissions


def grant(apps, schema_editor):
    alias = schema_editor.connection.alias
    create_permissions(global_apps.get_app_config("faq"), apps=apps, using=alias, verbosity=0)
    assign_permissions(
        apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), using=alias, strict=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0002_page_capture"),
        ("claims", "0002_editorial_groups"),
    ]

    # Backwards leaves the groups as they are: they may hold hand-granted permissions.
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
