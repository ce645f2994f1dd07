"""Document.matching_jurisdiction: the jurisdiction matching reads (derived on save), filled for every document.

Matches across documents are no longer stored with their kind: it is derived
when they are read (claims.matching.matches_of), in SQL, from this column.
"""

from django.db import migrations, models

from claims.masking import document_jurisdiction


def fill(apps, schema_editor):
    Document = apps.get_model("faq", "Document")
    changed = []
    for document in Document.objects.only("pk", "jurisdiction", "title").iterator(2000):
        value = document_jurisdiction(document.jurisdiction, document.title)
        if value:
            document.matching_jurisdiction = value
            changed.append(document)
    Document.objects.bulk_update(changed, ["matching_jurisdiction"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('faq', '0010_document_check_validators'),
    ]

    operations = [
        migrations.AddField(
            model_name='document',
            name='matching_jurisdiction',
            field=models.CharField(blank=True, default='', editable=False, help_text='Derived on save: the jurisdiction, else the one state the title names (claims.masking.document_jurisdiction). Matches across documents are told apart by it (same claim or other jurisdiction) when they are read.', max_length=50),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
