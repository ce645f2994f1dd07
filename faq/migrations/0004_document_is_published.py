from django.db import migrations, models


def publish_existing(apps, schema_editor):
    # Documents imported before this field existed were already public: they stay so.
    apps.get_model("faq", "Document").objects.update(is_published=True)


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0003_pagecapture_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="is_published",
            field=models.BooleanField(
                default=False,
                help_text="Shown on the public site. A new import stays unpublished until an editor publishes it, "
                "so its claims can be triaged first.",
            ),
        ),
        migrations.RunPython(publish_existing, migrations.RunPython.noop),
        # "/faq/<slug>/" lost its <slug> in the admin, which renders help text as HTML.
        migrations.AlterField(
            model_name="document",
            name="slug",
            field=models.SlugField(
                help_text="The document's address on the public site: /faq/ followed by this slug.",
                max_length=200,
                unique=True,
            ),
        ),
    ]
