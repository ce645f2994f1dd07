"""dumpdata and loaddata reproduce every public page byte for byte, headers (ETags) included.

Django's own JSON serializer cut timestamps to milliseconds, so a round trip
changed every <time datetime>, dateModified and ETag; config/serializers.py
keeps microseconds. The same test runs on SQLite and PostgreSQL.
"""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from workflow_helpers import claims_of

from claims import roles, workflow
from claims.models import Claim
from config.snapshot import public_urls, render
from people.models import StaffProfile
from sources.models import Source

pytestmark = pytest.mark.django_db

# Rebuilt by migrate/flush on any database, so not part of the data.
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


GENERATED_FAQ = "Round Trip FAQ\n\n" + "\n".join(
    f"{n}. Question number {n}?\n\nAnswer {n} starts here. It says one thing. It says another thing. It ends.\n"
    for n in range(1, 6)
)


@pytest.fixture
def reviewed(import_text, small_document):
    from django.contrib.auth.models import User

    document = import_text(GENERATED_FAQ, slug="round-trip")

    reviewer = User.objects.create_user("rita", is_staff=True)
    roles.add_to_group(reviewer, roles.REVIEWERS)
    reviewer = User.objects.get(pk=reviewer.pk)
    StaffProfile.objects.create(user=reviewer, public_name="Rita R.")
    source = Source.objects.create(kind="statute", title="Confidentiality", citation="N.C. Gen. Stat. § 108A-80")
    claims = claims_of(document)
    for claim in claims[:6]:
        workflow.add_citation(claim, user=reviewer, source=source, stance="refutes", pinpoint=f"({claim.pk})")
        workflow.set_verdict(claim, user=reviewer, status="contradicted", finding="The statute says otherwise.", rationale="The statute says otherwise.")
    for _ in range(6):  # a history longer than the claim page shows
        workflow.reopen(claims[0], user=reviewer, reason="again")
        workflow.set_verdict(claims[0], user=reviewer, status="contradicted", finding="Still no.", rationale="Still no.")
    workflow.flag(claims[7], user=reviewer, reason="citation_needed")
    return document


def dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", natural_foreign=True, exclude=EXCLUDE, format="json", indent=1, stdout=out)
    return out.getvalue()


def test_a_dump_keeps_timestamps_to_the_microsecond(reviewed):
    history = Claim.history.order_by("history_date").last()
    assert history.history_date.microsecond  # (a one-in-a-million chance of a whole-millisecond time aside)
    rows = json.loads(dump())
    dumped = next(row for row in rows if row["model"] == "claims.historicalclaim" and row["pk"] == history.pk)
    assert dumped["fields"]["history_date"] == history.history_date.isoformat().replace("+00:00", "Z")


def test_dump_flush_load_reproduces_every_public_page_byte_for_byte(reviewed, tmp_path):
    urls = public_urls()
    assert len(urls) > 50  # every document, claim, history page, source, list page and export
    before = render(urls)
    assert all(status == 200 for status, _, _ in before.values())
    backup = tmp_path / "claimledger.json"
    backup.write_text(dump(), encoding="utf-8")

    if connection.vendor == "postgresql":
        # Inside the test's transaction, run the deferred foreign-key checks now so TRUNCATE may proceed.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # back to deferred, as loaddata expects
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    assert Claim.objects.count() == 0
    call_command("loaddata", str(backup), verbosity=0)

    assert public_urls() == urls
    after = render(urls)
    changed = [url for url in urls if after[url] != before[url]]
    assert changed == []
