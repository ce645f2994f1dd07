"""Migrations sources 0002 and 0003: a source mixing a document URL and a legal citation is split in two; cited sources get their count.

Runs the real migration backwards and forwards on the test database (SQLite or
PostgreSQL, whichever the suite runs on), with rows written through the models
as they were before it.
"""

import pytest
from migration_helpers import leaf_nodes, migrate

from claims.models import Claim

BEFORE = [("sources", "0001_initial")]
AFTER = [("sources", "0002_source_legal_text_or_document")]
SCAAP_PAGE = "https://bja.ojp.gov/program/state-criminal-alien-assistance-program-scaap/overview"


@pytest.fixture
def at_0001(transactional_db):
    """The database with sources at 0001; put back at the latest migration afterwards."""
    latest = leaf_nodes("sources")
    apps = migrate(BEFORE)
    yield apps
    migrate(latest)


def two_claims(import_text) -> tuple[Claim, Claim]:
    document = import_text()
    first, second = Claim.objects.filter(question__document=document).order_by("question__number", "position")[:2]
    return first, second


def test_a_mixed_source_is_split_and_citations_into_the_law_move_to_the_law(at_0001, import_text):
    Source, Citation = at_0001.get_model("sources", "Source"), at_0001.get_model("sources", "Citation")
    first, second = two_claims(import_text)
    title = "State Criminal Alien Assistance Program (SCAAP): overview"  # names 8 U.S.C. § 1231(i)
    page = Source.objects.create(
        kind="agency_document", title=title, url=SCAAP_PAGE, citation="8 U.S.C. § 1231", reliability="official"
    )
    about = Citation.objects.create(claim_id=first.pk, source=page, stance="refutes", pinpoint="(i)")
    plain = Citation.objects.create(claim_id=second.pk, source=page, stance="context", note="a payment program")
    typed = Citation.objects.create(claim_id=first.pk, source=page, stance="context", pinpoint="(a)(5)")
    orphan = Source.objects.create(kind="statute", title="A statute nobody cited by number")
    kept = Source.objects.create(kind="statute", title="FERPA", citation="20 U.S.C. § 1232g")

    apps = migrate(AFTER)
    Source, Citation = apps.get_model("sources", "Source"), apps.get_model("sources", "Citation")
    page, law = Source.objects.get(pk=page.pk), Source.objects.get(citation="8 U.S.C. § 1231")
    assert (page.kind, page.citation, page.discusses) == ("agency_document", "", "8 U.S.C. § 1231(i)")
    assert page.url == SCAAP_PAGE
    assert (law.kind, law.reliability) == ("statute", "primary_law")
    assert law.url == "https://www.law.cornell.edu/uscode/text/8/1231"
    assert Citation.objects.get(pk=about.pk).source_id == page.pk  # the subsection the page is about: stays
    assert Citation.objects.get(pk=plain.pk).source_id == page.pk  # no pinpoint: stays with the page
    assert Citation.objects.get(pk=typed.pk).source_id == law.pk  # another part of the statute: moves
    assert Source.objects.get(pk=orphan.pk).kind == "other"
    assert Source.objects.get(pk=kept.pk).citation == "20 U.S.C. § 1232g"

    history = apps.get_model("sources", "HistoricalSource").objects
    reason = history.get(id=page.pk).history_change_reason
    assert reason == f"split: its citation is now the legal text, source {law.pk}"
    assert history.get(id=law.pk, history_type="+").history_change_reason.startswith(f"split from document {page.pk}:")
    moved = apps.get_model("sources", "HistoricalCitation").objects.get(id=typed.pk)
    assert moved.source_id == law.pk and moved.history_change_reason.startswith(f"moved from document {page.pk}")


def test_reversing_merges_the_split_back(at_0001, import_text):
    Source, Citation = at_0001.get_model("sources", "Source"), at_0001.get_model("sources", "Citation")
    _, second = two_claims(import_text)
    page = Source.objects.create(
        kind="report", title="A report", url="https://example.org/r", citation="7 C.F.R. § 272.1"
    )
    typed = Citation.objects.create(claim_id=second.pk, source=page, stance="context", pinpoint="(c)")
    statute = Source.objects.create(kind="statute", title="No citation")

    migrate(AFTER)
    apps = migrate(BEFORE)
    Source, Citation = apps.get_model("sources", "Source"), apps.get_model("sources", "Citation")
    assert Source.objects.get(pk=page.pk).citation == "7 C.F.R. § 272.1"
    assert Citation.objects.get(pk=typed.pk).source_id == page.pk
    assert Source.objects.get(pk=statute.pk).kind == "statute"
    assert Source.objects.count() == 2


def test_migration_0003_counts_the_claims_citing_each_existing_source(transactional_db, import_text):
    """Sources cited before the count was kept get it from the migration (a claim citing twice counts once)."""
    latest = leaf_nodes("sources")
    first, second = two_claims(import_text)
    apps = migrate(AFTER)
    try:
        Source, Citation = apps.get_model("sources", "Source"), apps.get_model("sources", "Citation")
        cited = Source.objects.create(kind="report", title="A cited report", url="https://example.org/report")
        uncited = Source.objects.create(kind="report", title="An uncited report", url="https://example.org/other")
        Citation.objects.create(claim_id=first.pk, source=cited, stance="supports", pinpoint="p. 1")
        Citation.objects.create(claim_id=first.pk, source=cited, stance="supports", pinpoint="p. 2")
        Citation.objects.create(claim_id=second.pk, source=cited, stance="refutes")

        apps = migrate([("sources", "0003_source_citing_claims")])

        Source = apps.get_model("sources", "Source")
        assert Source.objects.get(pk=cited.pk).citing_claims == 2
        assert Source.objects.get(pk=uncited.pk).citing_claims == 0
    finally:
        migrate(latest)
