"""Source.citing_claims: the claims citing each source, kept from now on by sources.counts; counted here once."""

from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_citing_claims(apps, schema_editor):
    Source = apps.get_model("sources", "Source")
    Citation = apps.get_model("sources", "Citation")
    citing = (
        Citation.objects.filter(source=OuterRef("pk")).order_by().values("source")
        .annotate(n=Count("claim", distinct=True)).values("n")
    )
    Source.objects.update(citing_claims=Coalesce(Subquery(citing), 0))


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0002_source_legal_text_or_document'),
    ]

    operations = [
        migrations.AddField(
            model_name='source',
            name='citing_claims',
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False, help_text='Claims of any document citing this source, kept by sources.counts whenever a citation is saved or deleted. The sources page subtracts those of unpublished documents.'),
        ),
        migrations.RunPython(count_citing_claims, migrations.RunPython.noop),
    ]
