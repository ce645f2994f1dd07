"""Typed citations in the admin: the claim's citation inline, the citation page, and the citations
found in a claim's own text with their one-click "attach as context" (issue 5)."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from workflow_helpers import (  # noqa: F401 (fixtures)
    change_url,
    claim,
    claims_of,
    editor,
    form_data,
    fresh,
    inline_row,
    make_user,
    new_source,
    reviewer,
)

from claims import workflow
from claims.models import Claim
from sources.models import Citation, Source

pytestmark = pytest.mark.django_db

NCGS_108A_80 = "https://www.ncleg.gov/EnactedLegislation/Statutes/HTML/BySection/Chapter_108A/GS_108A-80.html"


def q16(document, position) -> Claim:
    """A claim of the seed's question 16 (oversight of the data sharing); position 2 names FERPA."""
    return Claim.objects.get(question__document=document, question__number=16, position=position)


def type_citation(client, claim, text, stance="supports", **fields):
    """Open the claim's change page, add a citation row with a typed citation, and save."""
    data = form_data(client.get(change_url(claim)))
    inline_row(data, "citations", typed_citation=text, stance=stance, **fields)
    return client.post(change_url(claim), data)


def page_errors(response) -> str:
    """Every error on a re-rendered claim change page: the main form's and the citation rows'."""
    form = response.context["adminform"].form
    rows = [str(errors) for inline in response.context["inline_admin_formsets"] for errors in inline.formset.errors]
    return " ".join([*map(str, form.non_field_errors()), str(form.errors), *rows])


def attach(client, claim, canonical):
    return client.post(f"/admin/claims/claim/{claim.pk}/attach-context/", {"citation": canonical})


# --- the citation inline -----------------------------------------------------


def test_a_reviewer_types_gs_108a_80_a_on_a_seed_claim_and_gets_the_statute_with_its_link_and_pinpoint(
    client, seed_document, reviewer
):
    claim = q16(seed_document, 3)  # "… the North Carolina General Assembly has laws in place …"
    client.force_login(reviewer)
    assert type_citation(client, claim, "G.S. 108A-80(a)").status_code == 302
    citation = claim.citations.select_related("source").get()
    assert (citation.source.citation, citation.source.title) == ("N.C. Gen. Stat. § 108A-80",) * 2
    assert (citation.source.url, citation.source.kind) == (NCGS_108A_80, "statute")
    assert (citation.pinpoint, citation.stance, citation.added_by) == ("(a)", "supports", reviewer)
    assert citation.source.history.get().history_user == reviewer


def test_typing_ncgs_108a_80_later_reuses_the_same_source(client, seed_document, reviewer):
    first, later = q16(seed_document, 3), q16(seed_document, 4)
    client.force_login(reviewer)
    type_citation(client, first, "G.S. 108A-80(a)")
    assert type_citation(client, later, "NCGS 108A-80", stance="context").status_code == 302
    assert Source.objects.count() == 1
    reused = later.citations.get()
    assert (reused.source, reused.pinpoint) == (first.citations.get().source, "")


def test_a_pinpoint_typed_in_its_own_box_wins_over_the_one_in_the_citation(client, claim, reviewer):
    client.force_login(reviewer)
    type_citation(client, claim, "42 U.S.C. § 1396a(a)(7)", pinpoint="(a)(7)(A)")
    citation = claim.citations.select_related("source").get()
    assert (citation.source.citation, citation.pinpoint) == ("42 U.S.C. § 1396a", "(a)(7)(A)")


def test_text_that_is_not_a_citation_is_a_form_error_naming_the_problem(client, claim, reviewer):
    client.force_login(reviewer)
    response = type_citation(client, claim, "the state privacy law")
    assert response.status_code == 200
    problem = "&#x27;the state privacy law&#x27; is not a citation: no known citation form matches it"
    assert problem in page_errors(response)
    assert not Source.objects.exists() and not claim.citations.exists()


def test_a_bill_without_its_session_year_is_refused_with_the_reason(client, claim, reviewer):
    client.force_login(reviewer)
    response = type_citation(client, claim, "H.B. 318")
    assert "Cite a bill with its session year" in page_errors(response)
    assert not Source.objects.exists()


def test_a_row_with_neither_a_source_nor_a_typed_citation_asks_for_one(client, claim, reviewer):
    client.force_login(reviewer)
    data = inline_row(form_data(client.get(change_url(claim))), "citations", stance="context", note="which law?")
    response = client.post(change_url(claim), data)
    assert "choose a source, or type its citation in the next box" in page_errors(response)
    assert not claim.citations.exists()


def test_choosing_one_source_and_typing_another_citation_is_refused(client, claim, reviewer):
    ferpa = Source.objects.from_citation("FERPA")
    client.force_login(reviewer)
    response = type_citation(client, claim, "G.S. 108A-80", source=ferpa.pk)
    assert "choose a source or type a citation, not both" in page_errors(response)
    assert Source.objects.count() == 1 and not claim.citations.exists()


def test_a_refused_row_keeps_no_source_it_would_have_created(client, claim, reviewer):
    client.force_login(reviewer)
    data = form_data(client.get(change_url(claim)))
    inline_row(data, "citations", typed_citation="G.S. 108A-80(a)", stance="supports")
    inline_row(data, "citations", typed_citation="N.C.G.S. § 108A-80(a)", stance="context")
    response = client.post(change_url(claim), data)
    assert "already cites N.C. Gen. Stat. § 108A-80 at pinpoint &#x27;(a)&#x27;" in page_errors(response)
    assert not Source.objects.exists() and not claim.citations.exists()


def test_typing_a_citation_on_an_existing_row_moves_it_to_that_source_and_pinpoint(client, claim, reviewer):
    citation = workflow.add_citation(claim, user=reviewer, source=new_source(title="A guess"), stance="context")
    client.force_login(reviewer)
    data = form_data(client.get(change_url(claim)))
    data["citations-0-typed_citation"] = "20 USC 1232g(b)(1)"
    assert client.post(change_url(claim), data).status_code == 302
    moved = fresh(citation)
    assert (moved.source.citation, moved.pinpoint, moved.stance) == ("20 U.S.C. § 1232g", "(b)(1)", "context")


def test_who_may_cite_but_not_add_sources_cites_recorded_ones_only(client, claim):
    recorded = Source.objects.from_citation("FERPA")
    citer = make_user("cy")
    perms = ["view_claim", "change_claim", "view_source", "view_citation", "add_citation"]
    citer.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    client.force_login(fresh(citer))
    response = type_citation(client, claim, "G.S. 108A-80")
    assert "may add sources (no source is recorded yet for N.C. Gen. Stat. § 108A-80)" in page_errors(response)
    assert type_citation(client, claim, "20 U.S.C. § 1232g").status_code == 302
    assert list(Source.objects.all()) == [recorded] and claim.citations.get().source == recorded


# --- the citation page -------------------------------------------------------


def test_the_citation_page_accepts_a_typed_citation(client, claim, reviewer):
    client.force_login(reviewer)
    data = {"claim": claim.pk, "typed_citation": "8 USC 1373(a)", "stance": "refutes", "pinpoint": ""}
    response = client.post("/admin/sources/citation/add/", data)
    citation = Citation.objects.select_related("source").get()
    assert response.status_code == 302 and response["Location"] == "/admin/sources/citation/"
    assert (citation.claim, citation.source.citation, citation.pinpoint) == (claim, "8 U.S.C. § 1373", "(a)")
    assert fresh(claim).version == 2  # through the workflow: the claim's history says who cited what


def test_the_citation_page_shows_bad_text_as_a_field_error(client, claim, reviewer):
    client.force_login(reviewer)
    data = {"claim": claim.pk, "typed_citation": "§", "stance": "refutes"}
    response = client.post("/admin/sources/citation/add/", data)
    assert response.status_code == 200
    assert "&#x27;§&#x27; is not a citation" in str(response.context["adminform"].form.errors["typed_citation"])


def test_an_editor_cannot_create_a_source_by_typing_a_citation(client, claim, editor):
    client.force_login(editor)
    data = {"claim": claim.pk, "typed_citation": "G.S. 108A-80(a)", "stance": "supports"}
    assert client.post("/admin/sources/citation/add/", data).status_code == 403
    assert type_citation(client, claim, "G.S. 108A-80(a)").status_code == 302  # the row is not theirs to add
    assert not Source.objects.exists() and not claim.citations.exists()


# --- citations found in the claim's text -------------------------------------


def test_the_change_page_lists_ferpa_found_in_the_q16_claim_with_an_attach_button(client, seed_document, reviewer):
    claim = q16(seed_document, 2)
    client.force_login(reviewer)
    response = client.get(change_url(claim))
    [found] = response.context["found_citations"]
    assert found.parsed.text == "Family Educational Rights and Privacy Act (FERPA)"
    assert found.parsed.canonical == "20 U.S.C. § 1232g" and found.source is None
    page = response.content.decode()
    assert "Citations found in this claim's text" in page and "Attach as context" in page
    assert f'action="/admin/claims/claim/{claim.pk}/attach-context/"' in page


def test_attach_as_context_cites_20_usc_1232g_on_the_q16_claim(client, seed_document, reviewer):
    claim = q16(seed_document, 2)
    client.force_login(reviewer)
    response = attach(client, claim, "20 U.S.C. § 1232g")
    assert response.status_code == 302 and response["Location"] == change_url(claim)
    citation = claim.citations.select_related("source").get()
    assert (citation.stance, citation.pinpoint, citation.added_by) == ("context", "", reviewer)
    assert (citation.source.citation, str(citation.source)) == ("20 U.S.C. § 1232g", "FERPA (20 U.S.C. § 1232g)")
    assert "citation added: FERPA (20 U.S.C. § 1232g) (context)" == claim.history.first().history_change_reason


def test_an_attached_citation_shows_as_attached_with_its_stance(client, seed_document, reviewer):
    claim = q16(seed_document, 2)
    workflow.add_typed_citation(claim, user=reviewer, text="FERPA", stance="refutes", pinpoint="(b)")
    client.force_login(reviewer)
    page = client.get(change_url(claim)).content.decode()
    assert "attached (refutes)" in page and "Attach as context" not in page
    assert f'href="/admin/sources/source/{Source.objects.get().pk}/change/"' in page


def test_attaching_twice_is_refused_with_a_message(client, seed_document, reviewer):
    claim = q16(seed_document, 2)
    client.force_login(reviewer)
    attach(client, claim, "20 U.S.C. § 1232g")
    response = attach(client, claim, "20 U.S.C. § 1232g")
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert any(m.startswith("Not attached: claim") and "already cites" in m for m in messages)
    assert claim.citations.count() == 1


def test_attach_only_takes_citations_found_in_the_claims_text(client, claim, reviewer):
    client.force_login(reviewer)
    response = attach(client, claim, "N.C. Gen. Stat. § 108A-80")  # "The sky is blue." cites nothing
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert f"is not among the citations found in the text of claim {claim.pk}" in messages[0]
    assert not Source.objects.exists()


def test_attach_as_context_is_a_csrf_protected_post(seed_document, reviewer):
    claim = q16(seed_document, 2)
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    assert client.get(f"/admin/claims/claim/{claim.pk}/attach-context/").status_code == 405
    assert attach(client, claim, "20 U.S.C. § 1232g").status_code == 403
    assert not claim.citations.exists()


def test_an_editor_sees_the_found_citations_but_may_not_attach_them(client, seed_document, editor):
    claim = q16(seed_document, 2)
    client.force_login(editor)
    page = client.get(change_url(claim)).content.decode()
    assert "Family Educational Rights and Privacy Act (FERPA)" in page and "Attach as context" not in page
    assert attach(client, claim, "20 U.S.C. § 1232g").status_code == 403
    assert not Source.objects.exists() and not claim.citations.exists()
