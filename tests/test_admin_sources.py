"""The source admin: adding a source by typing its citation, canonical citations, and the link check."""

from datetime import datetime, timezone

import pytest
from workflow_helpers import editor, fresh, reviewer  # noqa: F401 (fixtures)

from sources.models import Source

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/sources/source/add/"
LIST_URL = "/admin/sources/source/"
NCGS_108A_80 = "https://www.ncleg.gov/EnactedLegislation/Statutes/HTML/BySection/Chapter_108A/GS_108A-80.html"
CHECKED = datetime(2025, 5, 6, 7, 8, tzinfo=timezone.utc)


def add_source(client, **fields):
    return client.post(ADD_URL, fields)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def field_errors(response, name) -> str:
    return " ".join(response.context["adminform"].form.errors.get(name, []))


# --- the add form's citation box ---------------------------------------------


def test_the_citation_box_fills_in_the_rest_of_the_source(client, reviewer):
    client.force_login(reviewer)
    response = add_source(client, typed_citation="G.S. 108A-80(a)")
    source = Source.objects.get()
    assert response.status_code == 302 and response["Location"] == LIST_URL
    assert source.citation == source.title == "N.C. Gen. Stat. § 108A-80" and source.url == NCGS_108A_80
    assert (source.kind, source.jurisdiction, source.reliability) == ("statute", "NC", "primary_law")
    assert source.history.get().history_user == reviewer


def test_what_the_reviewer_fills_in_is_kept_and_the_rest_comes_from_the_citation(client, reviewer):
    client.force_login(reviewer)
    fields = {"title": "Executive Order 13768", "kind": "executive_order", "notes": "Jan 2017"}
    add_source(client, typed_citation="82 Fed. Reg. 8799", **fields)
    source = Source.objects.get()
    assert (source.citation, source.title, source.notes) == ("82 Fed. Reg. 8799", "Executive Order 13768", "Jan 2017")
    assert (source.kind, source.reliability) == ("executive_order", "primary_law")
    assert source.url.startswith("https://www.federalregister.gov/")


def test_a_citation_already_recorded_sends_the_reviewer_to_that_source(client, reviewer):
    recorded = Source.objects.from_citation("G.S. 108A-80")
    client.force_login(reviewer)
    response = client.post(ADD_URL, {"typed_citation": "N.C.G.S. § 108A-80(a)", "notes": "dup"}, follow=True)
    assert response.redirect_chain == [(f"/admin/sources/source/{recorded.pk}/change/", 302)]
    assert Source.objects.count() == 1 and fresh(recorded).notes == ""
    [message] = messages_of(response)
    assert message.startswith("“N.C.G.S. § 108A-80(a)” is N.C. Gen. Stat. § 108A-80, already recorded")


def test_in_a_popup_a_citation_already_recorded_is_selected_instead_of_added(client, reviewer):
    recorded = Source.objects.from_citation("FERPA")
    client.force_login(reviewer)
    response = client.post(ADD_URL, {"typed_citation": "20 USC 1232g", "_popup": "1"})
    assert response.status_code == 200 and f"&quot;value&quot;: &quot;{recorded.pk}&quot;" in response.content.decode()
    assert Source.objects.count() == 1


def test_bad_text_in_the_citation_box_is_a_form_error_naming_the_problem(client, reviewer):
    client.force_login(reviewer)
    response = add_source(client, typed_citation="see G.S. 108A-80 and 20 USC 1232g")
    assert response.status_code == 200
    assert "is not a citation: it contains 2 citations" in field_errors(response, "typed_citation")
    assert not Source.objects.exists()


def test_a_source_without_a_citation_needs_a_title_and_keeps_the_model_defaults(client, reviewer):
    client.force_login(reviewer)
    response = add_source(client, url="https://news.example/story")
    assert "give the source a title, or type its citation in the box above" in field_errors(response, "title")
    add_source(client, title="A news story", url="https://news.example/story")
    source = Source.objects.get()
    assert (source.title, source.kind, source.reliability, source.citation) == ("A news story", "other", "unknown", "")


def test_an_editor_cannot_add_a_source_by_typing_its_citation(client, editor):
    client.force_login(editor)
    assert client.get(ADD_URL).status_code == 403
    assert add_source(client, typed_citation="G.S. 108A-80(a)").status_code == 403
    assert not Source.objects.exists()


# --- canonical citations typed by hand ---------------------------------------


def test_a_citation_typed_by_hand_is_stored_in_canonical_form(client, reviewer):
    client.force_login(reviewer)
    add_source(client, title="Confidentiality of records", citation="G.S. 108A-80", kind="statute")
    source = Source.objects.get()
    assert (source.title, source.citation) == ("Confidentiality of records", "N.C. Gen. Stat. § 108A-80")


def test_a_hand_typed_spelling_of_a_recorded_citation_never_makes_a_second_source(client, reviewer):
    recorded = Source.objects.from_citation("G.S. 108A-80")
    client.force_login(reviewer)
    response = add_source(client, title="Again", citation="NCGS 108A-80(a)")
    problem = f"N.C. Gen. Stat. § 108A-80 is already the citation of the source “{recorded}” (id {recorded.pk})"
    assert problem in field_errors(response, "citation")
    assert Source.objects.count() == 1


def test_the_change_form_normalises_the_citation_and_keeps_unknown_forms_as_typed(client, reviewer):
    source = Source.objects.create(title="Plyler")
    client.force_login(reviewer)
    url = f"/admin/sources/source/{source.pk}/change/"
    data = {"title": "Plyler", "kind": "case", "reliability": "primary_law"}
    client.post(url, {**data, "citation": "Plyler v. Doe, 457 U.S. 202 (1982)"})
    assert fresh(source).citation == "457 U.S. 202"  # a case: its reporter citation, as eyecite corrects it
    client.post(url, {**data, "citation": "California v. HHS, No. 3:25-cv-05536 (N.D. Cal.)"})
    assert fresh(source).citation == "California v. HHS, No. 3:25-cv-05536 (N.D. Cal.)"
    client.post(url, {**data, "citation": "8 usc 1373"})
    assert fresh(source).citation == "8 U.S.C. § 1373"


def test_link_check_results_are_shown_but_not_editable(client, reviewer):
    source = Source.objects.create(title="Gone", url="https://example.org/x", link_status=404, link_checked_at=CHECKED)
    client.force_login(reviewer)
    url = f"/admin/sources/source/{source.pk}/change/"
    assert "link_status" not in client.get(url).context["adminform"].form.fields
    client.post(url, {"title": "Gone", "kind": "other", "reliability": "unknown", "link_status": "200"})
    assert fresh(source).link_status == 404


# --- the list: link status and the broken-link filter ------------------------


@pytest.fixture
def checked_sources(db):
    def make(title, **link):
        return Source.objects.create(title=title, url=f"https://example.org/{title}", **link)

    return {
        "ok": make("ok", link_status=200, link_checked_at=CHECKED),
        "gone": make("gone", link_status=404, link_checked_at=CHECKED),
        "timeout": make("timeout", link_error="timeout after 5s", link_checked_at=CHECKED),
        "never": make("never"),
    }


@pytest.mark.parametrize(
    "query, shown",
    [("link=broken", {"gone", "timeout"}), ("link=working", {"ok"}), ("link=unchecked", {"never"}), ("", None)],
)
def test_the_source_list_filters_by_link_check(client, reviewer, checked_sources, query, shown):
    client.force_login(reviewer)
    response = client.get(f"{LIST_URL}?{query}")
    listed = {source.title for source in response.context["cl"].result_list}
    assert listed == (shown or set(checked_sources))


def test_the_source_list_shows_each_links_status_and_when_it_was_checked(client, reviewer, checked_sources):
    client.force_login(reviewer)
    page = client.get(LIST_URL).content.decode()
    assert "✓ 200" in page and "✗ broken: HTTP 404" in page and "✗ broken: timeout after 5s" in page
    assert '<td class="field-link">not checked</td>' in page
    assert page.count("May 6, 2025, 7:08 a.m.") == 3


def test_editors_find_sources_that_only_link_to_a_front_page(client, reviewer, checked_sources):
    Source.objects.create(title="outlet", url="https://news.example/", link_status=200, link_checked_at=CHECKED)
    client.force_login(reviewer)
    response = client.get(f"{LIST_URL}?link=front_page")
    assert [source.title for source in response.context["cl"].result_list] == ["outlet"]
    assert "Needs a deep link (front page only)" in response.content.decode()
