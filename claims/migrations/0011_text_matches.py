"""TextMatch replaces ClaimMatch: near matches are stored once per pair of texts, exact ones not at all.

Claims with the same masked fingerprint (a family of copies) or the same
fingerprint match without a row; two families whose masked texts are near
are joined by a TextMatch row, both ways; the kind of a match is derived
when it is read (claims.matching). Forwards, on a database holding matches:

- the masked fingerprint now counts the acronyms a quote keeps ("ICE" /
  "ice" have one masked text but not one meaning key): it is computed again
  for the claims whose quote has capitals (the others keep theirs), and a
  family that this splits gets band keys for its new part;
- every near ClaimMatch (different fingerprints and masked fingerprints)
  becomes the TextMatch row of its two texts; the exact ones need none;
- ClaimMatch is dropped; ClaimBand keeps its foreign key in Django but not
  in the database (no check per key written). Match groups are kept.

`manage.py match_claims` computes everything again from the claims (the
near texts searched once per text), as after any change of the masking lists.
"""

import django.db.models.deletion
from django.db import migrations, models

from claims.bands import band_keys
from claims.masking import acronyms, masked_fingerprint

BATCH = 2000


def convert(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    ClaimBand = apps.get_model("claims", "ClaimBand")
    changed, texts = [], set()
    capitals = Claim.objects.exclude(masked_text="").filter(quote__regex=r"[A-Z][A-Z0-9]")
    for pk, quote, masked, old in capitals.order_by("pk").values_list(
        "pk", "quote", "masked_text", "masked_fingerprint"
    ).iterator(BATCH):
        new = masked_fingerprint(masked, acronyms(quote))
        if new != old:
            changed.append(Claim(pk=pk, masked_fingerprint=new))
            texts.update((new, old))
        if len(changed) >= BATCH:
            Claim.objects.bulk_update(changed, ["masked_fingerprint"], batch_size=500)
            changed = []
    Claim.objects.bulk_update(changed, ["masked_fingerprint"], batch_size=500)
    # Band keys for the texts (families) left without any.
    texts = sorted(texts)
    for start in range(0, len(texts), 500):
        chunk = texts[start : start + 500]
        keyed = set(
            ClaimBand.objects.filter(claim__masked_fingerprint__in=chunk)
            .values_list("claim__masked_fingerprint", flat=True).distinct()
        )
        firsts = {}
        for pk, text, masked in (
            Claim.objects.filter(masked_fingerprint__in=set(chunk) - keyed).order_by("pk")
            .values_list("pk", "masked_fingerprint", "masked_text")
        ):
            firsts.setdefault(text, (pk, masked))
        ClaimBand.objects.bulk_create(
            [ClaimBand(key=key, claim_id=pk) for pk, masked in firsts.values() for key in set(band_keys(masked))],
            batch_size=BATCH,
        )
    schema_editor.execute(
        """INSERT INTO claims_textmatch (text, other, score)
           SELECT c.masked_fingerprint, o.masked_fingerprint, MIN(m.score)
           FROM claims_claimmatch m
           JOIN claims_claim c ON c.id = m.claim_id
           JOIN claims_claim o ON o.id = m.other_id
           WHERE c.masked_fingerprint <> '' AND o.masked_fingerprint <> ''
             AND c.masked_fingerprint <> o.masked_fingerprint AND c.fingerprint <> o.fingerprint
           GROUP BY c.masked_fingerprint, o.masked_fingerprint"""
    )


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0010_claim_bands'),
    ]

    operations = [
        migrations.AlterField(
            model_name='claim',
            name='masked_fingerprint',
            field=models.CharField(blank=True, default='', help_text='Hash of masked_text and the acronyms the quote keeps: the same sentence about another state has the same one. Claims sharing it match one another (claims.matching).', max_length=64),
        ),
        migrations.AlterField(
            model_name='claim',
            name='masked_text',
            field=models.TextField(blank=True, default='', help_text='The quote normalised, with names of states, agencies and programmes masked (claims.masking): what near matching across documents compares. Filled when the claim is created (and by matching when its text changes).'),
        ),
        migrations.CreateModel(
            name='TextMatch',
            fields=[
                ('pk', models.CompositePrimaryKey('text', 'other', blank=True, editable=False, primary_key=True, serialize=False)),
                ('text', models.CharField(help_text='Masked fingerprint of one text.', max_length=64)),
                ('other', models.CharField(help_text='Masked fingerprint of a text near it.', max_length=64)),
                ('score', models.PositiveSmallIntegerField(help_text='Similarity of the masked texts, 0-100 (rapidfuzz ratio).')),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('text', models.F('other')), _negated=True), name='claims_textmatch_not_self')],
            },
        ),
        migrations.RunPython(convert, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='claimband',
            name='claim',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='claims.claim'),
        ),
        migrations.DeleteModel(
            name='ClaimMatch',
        ),
    ]
