"""A source is a legal text or a document about it, never both; lists of citations attach one each (issue 15)."""

import pytest
from django.db import IntegrityError, transaction
from test_admin_citations import page_errors, q16, type_citation
from workflow_helpers import change_url, claim, editor, form_data, fresh, inline_row, reviewer  # noqa: F401

from claims import workflow
from sources.models import Citation, NotACitation, Source, SourceKind

pytestmark = pytest.mark.django_db

SCAAP_PAGE = "https://bja.ojp.gov/program/state-criminal-alien-assistance-program-scaap/overview"


def scaap_page() -> Source:
    return Source.objects.create(
        kind=SourceKind.AGENCY_DOCUMENT, title="SCAAP: overview", url=SCAAP_PAGE, discusses="8 U.S.C. § 1231(i)"
    )


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


# --- the database keeps the two apart ------------------------------------------


def test_the_database_refuses_a_document_that_holds_a_legal_citation():
    refused(lambda: Source.objects.create(kind="agency_document", title="Page", citation="8 U.S.C. § 1231"))
    refused(lambda: Source.objects.create(kind="news", title="Story", citation="8 U.S.C. § 1373"))


def test_the_database_refuses_a_legal_text_without_a_citation_or_one_that_discusses_another():
    refused(lambda: Source.objects.create(kind="statute", title="Some statute"))
    refused(lambda: Source.objects.create(kind="other", title="FR", citation="82 Fed. Reg. 8799", discusses="x"))


def test_typing_the_citation_a_document_discusses_gives_the_statute_not_the_document():
    page = scaap_page()
    found = Source.objects.resolve_citation("8 U.S.C. § 1231(a)(5)")
    assert found.created and found.source != page
    statute = found.source
    assert (statute.kind, statute.citation, found.pinpoint) == ("statute", "8 U.S.C. § 1231", "(a)(5)")
    assert statute.url == "https://www.law.cornell.edu/uscode/text/8/1231"
    assert fresh(page).citation == "" and Source.objects.from_citation("SCAAP") == statute


def test_a_typed_citation_cannot_be_made_into_a_document():
    with pytest.raises(ValueError, match="never a agency document|never a"):
        Source.objects.resolve_citation("8 U.S.C. § 1231", kind=SourceKind.AGENCY_DOCUMENT)
    assert not Source.objects.exists()


def test_a_list_resolves_to_one_legal_text_each_in_one_go():
    found = Source.objects.resolve_citations("8 U.S.C. §§ 1373 and 1644")
    assert [(f.source.citation, f.created) for f in found] == [("8 U.S.C. § 1373", True), ("8 U.S.C. § 1644", True)]
    again = Source.objects.resolve_citations("8 USC 1373; 8 USC 1644")
    assert [f.created for f in again] == [False, False] and Source.objects.count() == 2


def test_a_near_miss_writes_nothing_and_says_what_is_missing():
    with pytest.raises(NotACitation, match="names chapter 162A of the N.C. General Statutes but no section"):
        Source.objects.resolve_citations("NCGS 162A-?")
    with pytest.raises(NotACitation, match="short form"):
        Source.objects.resolve_citation("Id. at 935")
    assert not Source.objects.exists()


# --- the workflow: a list typed for a claim ------------------------------------


def test_a_list_typed_for_a_claim_cites_each_source_with_its_own_pinpoint(claim, reviewer):
    added = workflow.add_typed_citations(
        claim, user=reviewer, text="42 U.S.C. §§ 1396a(a)(7) and 1320b-7", stance="context", note="federal rules"
    )
    assert [(c.source.citation, c.pinpoint, c.stance, c.note) for c in added] == [
        ("42 U.S.C. § 1396a", "(a)(7)", "context", "federal rules"),
        ("42 U.S.C. § 1320b-7", "", "context", "federal rules"),
    ]


def test_a_list_is_all_or_nothing(claim, reviewer):
    workflow.add_typed_citation(claim, user=reviewer, text="8 U.S.C. § 1644", stance="refutes")
    with pytest.raises(workflow.WorkflowError, match="already cites"):
        workflow.add_typed_citations(claim, user=reviewer, text="8 U.S.C. §§ 1373, 1644", stance="refutes")
    assert list(claim.citations.values_list("source__citation", flat=True)) == ["8 U.S.C. § 1644"]
    assert not Source.objects.filter(citation="8 U.S.C. § 1373").exists()


def test_a_pinpoint_box_with_a_list_is_refused_as_ambiguous(claim, reviewer):
    with pytest.raises(workflow.WorkflowError, match="pinpoint '\\(a\\)' would be ambiguous"):
        workflow.add_typed_citations(
            claim, user=reviewer, text="8 U.S.C. §§ 1373, 1644", stance="refutes", pinpoint="(a)"
        )
    assert not claim.citations.exists()


# --- the admin: one row, one save, one confirmation -----------------------------


def test_the_q6_rationale_form_typed_in_the_inline_attaches_two_citations_with_one_message(
    client, seed_document, reviewer
):
    target = q16(seed_document, 3)
    client.force_login(reviewer)
    response = type_citation(client, target, "8 U.S.C. §§ 1373 and 1644", stance="context")
    assert response.status_code == 302
    cited = target.citations.order_by("source__citation").values_list("source__citation", "source__kind")
    assert list(cited) == [("8 U.S.C. § 1373", "statute"), ("8 U.S.C. § 1644", "statute")]
    shown = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert [m for m in shown if "is 2 citations" in m] == [
        "“8 U.S.C. §§ 1373 and 1644” is 2 citations; each is attached: 8 U.S.C. § 1373; 8 U.S.C. § 1644."
    ]


def test_a_list_typed_into_a_saved_citation_row_is_refused_naming_the_citations(client, seed_document, reviewer):
    target = q16(seed_document, 3)
    workflow.add_typed_citation(target, user=reviewer, text="8 U.S.C. § 1373", stance="context")
    client.force_login(reviewer)
    data = form_data(client.get(change_url(target)))
    data["citations-0-typed_citation"] = "8 U.S.C. §§ 1373, 1644"
    response = client.post(change_url(target), data)
    assert response.status_code == 200
    assert "a saved row is one citation" in page_errors(response)
    assert target.citations.count() == 1


def test_the_source_add_page_adds_one_legal_text_per_citation_of_a_list(client, reviewer):
    Source.objects.from_citation("E.O. 13768")
    client.force_login(reviewer)
    response = client.post("/admin/sources/source/add/", {"typed_citation": "E.O. 13768 and E.O. 14159"}, follow=True)
    assert response.status_code == 200
    recorded = sorted(Source.objects.values_list("citation", flat=True))
    assert recorded == ["Exec. Order No. 13768", "Exec. Order No. 14159"]
    shown = [str(m) for m in response.context["messages"]]
    assert "“E.O. 13768 and E.O. 14159” is 2 citations: added Exec. Order No. 14159; already recorded: " \
        "Exec. Order No. 13768." in shown


def test_the_source_add_page_refuses_to_make_a_typed_citation_an_agency_page(client, reviewer):
    client.force_login(reviewer)
    data = {"typed_citation": "8 U.S.C. § 1231(i)", "kind": "agency_document", "url": SCAAP_PAGE}
    response = client.post("/admin/sources/source/add/", data)
    assert response.status_code == 200
    assert "adds the legal text itself, never a agency document" in str(response.context["adminform"].form.errors)
    assert not Source.objects.exists()


def test_a_document_described_by_hand_keeps_the_citation_it_discusses_in_canonical_form(client, reviewer):
    client.force_login(reviewer)
    data = {"title": "SCAAP overview", "kind": "agency_document", "url": SCAAP_PAGE, "discusses": "8 usc 1231(i)"}
    assert client.post("/admin/sources/source/add/", data).status_code == 302
    page = Source.objects.get()
    assert (page.citation, page.discusses) == ("", "8 U.S.C. § 1231(i)")
    data["citation"] = "8 U.S.C. § 1231"
    response = client.post(f"/admin/sources/source/{page.pk}/change/", data)
    assert "identified by its URL, never by a legal citation" in str(response.context["adminform"].form.errors)
    assert fresh(page).citation == ""


def test_attach_as_context_takes_a_section_that_continues_a_list_in_the_claims_text(client, claim, reviewer):
    statement = "Federal law (8 U.S.C. §§ 1373 and 1644) bars restricting status information."
    workflow.edit_statement(claim, user=reviewer, statement=statement, expected_version=None)
    client.force_login(reviewer)
    found = [f.parsed.canonical for f in client.get(change_url(claim)).context["found_citations"]]
    assert found == ["8 U.S.C. § 1373", "8 U.S.C. § 1644"]
    client.post(f"/admin/claims/claim/{claim.pk}/attach-context/", {"citation": "8 U.S.C. § 1644"})
    cited = claim.citations.get()
    assert (cited.source.citation, cited.source.kind, cited.stance) == ("8 U.S.C. § 1644", "statute", "context")
