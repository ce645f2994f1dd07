"""Every document imported before versions existed gets its text as version 1."""

from django.db import migrations


def add_version_one(apps, schema_editor):
    Document = apps.get_model("faq", "Document")
    DocumentVersion = apps.get_model("faq", "DocumentVersion")
    PageCapture = apps.get_model("faq", "PageCapture")
    Claim = apps.get_model("claims", "Claim")
    for document in Document.objects.filter(versions__isnull=True).iterator():
        capture = PageCapture.objects.filter(document=document).order_by("retrieved_at").first()
        DocumentVersion.objects.create(
            document=document,
            number=1,
            body=document.body,
            content_sha256=document.content_sha256,
            capture=capture,
            created_at=document.created_at,
            new_count=Claim.objects.filter(question__document=document).count(),
        )


def remove_versions(apps, schema_editor):
    # Reversing drops only the versions this migration could have made (version 1 of each document).
    apps.get_model("faq", "DocumentVersion").objects.filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0008_versions"),
        ("claims", "0007_versions"),
    ]

    operations = [migrations.RunPython(add_version_one, remove_versions)]
