"""ClaimBand: near matching's candidates come from LSH band keys (claims.bands) instead of trigrams.

The masked text of every claim already matched is computed again (postal
codes that are also words, "a photo ID", are no longer masked as states) and
its band keys stored (once per family of equal masked texts, under its first claim), 2,000 claims a batch (about 0.3 ms a claim); claims
never matched get theirs from `manage.py match_claims`, like their masked
text. The stored matches themselves are found again by `manage.py
match_claims` (run it once after upgrading). The trigram index on the masked
text, which no query reads any more, is dropped (PostgreSQL).
"""

import django.db.models.deletion
from django.db import migrations, models

from claims.bands import band_keys
from claims.masking import mask, masked_fingerprint, places

TRIGRAM_INDEX = "claims_claim_masked_trgm_idx"
BATCH = 2000


def fill_bands(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    ClaimBand = apps.get_model("claims", "ClaimBand")
    rows, changed, seen = [], [], set()
    claims = Claim.objects.exclude(masked_text="").order_by("pk").values_list("pk", "quote", "masked_text")
    for claim_id, quote, _ in claims.iterator(BATCH):
        masked = mask(quote)
        changed.append(Claim(pk=claim_id, masked_text=masked, masked_fingerprint=masked_fingerprint(masked),
                             masked_places=" ".join(sorted(places(quote)))))
        if masked_fingerprint(masked) not in seen:  # one family of equal masked texts, one set of keys
            seen.add(masked_fingerprint(masked))
            rows.extend(ClaimBand(key=key, claim_id=claim_id) for key in set(band_keys(masked)))
        if len(rows) >= BATCH * 20:
            ClaimBand.objects.bulk_create(rows, batch_size=BATCH)
            rows = []
        if len(changed) >= BATCH:
            Claim.objects.bulk_update(changed, ["masked_text", "masked_fingerprint", "masked_places"], batch_size=500)
            changed = []
    ClaimBand.objects.bulk_create(rows, batch_size=BATCH)
    Claim.objects.bulk_update(changed, ["masked_text", "masked_fingerprint", "masked_places"], batch_size=500)


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON claims_claim USING gin (masked_text gin_trgm_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0009_masked_text_trigram_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='claim',
            name='masked_places',
            field=models.CharField(blank=True, default='', help_text="Postal codes of the states the quote names (claims.masking.places), space-separated and sorted: what masking took out, read with masked_text when matching. Filled with it.", max_length=160),
        ),
        migrations.AlterField(
            model_name='claim',
            name='match_group',
            field=models.PositiveIntegerField(blank=True, help_text="Claims matched across documents share this number: the id of the group's first claim, which every member matches (claims.matching); empty for a claim found nowhere else. Exported, so a series' copies of one claim can be grouped.", null=True),
        ),
        migrations.CreateModel(
            name='ClaimBand',
            fields=[
                ('pk', models.CompositePrimaryKey('key', 'claim', blank=True, editable=False, primary_key=True, serialize=False)),
                ('key', models.BigIntegerField(help_text="Hash of one band of the masked text's MinHash signature (claims.bands).")),
                ('claim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='claims.claim')),
            ],
            options={
                'indexes': [models.Index(fields=['claim'], name='claims_band_claim_idx')],
            },
        ),
        migrations.RunPython(fill_bands, migrations.RunPython.noop),
        migrations.RunPython(drop_trigram_index, create_trigram_index),
    ]
