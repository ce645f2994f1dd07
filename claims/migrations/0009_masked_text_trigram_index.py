"""A trigram (GIN) index on Claim.masked_text, on PostgreSQL only: near matching's candidate lookup.

CREATE EXTENSION IF NOT EXISTS, so another migration creating pg_trgm too is
harmless. SQLite has no trigram index; matching there compares in rapidfuzz.
"""

from django.db import migrations

INDEX = "claims_claim_masked_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON claims_claim USING gin (masked_text gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0008_claim_matching")]

    operations = [migrations.RunPython(create, drop)]
