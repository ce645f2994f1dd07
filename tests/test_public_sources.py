"""The source list and source pages, with the claims citing each source."""

import pytest
from public_support import claims_of

from sources.models import Citation, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def ferpa():
    return Source.objects.create(
        kind="statute",
        title="Family Educational Rights and Privacy Act",
        citation="20 U.S.C. § 1232g",
        jurisdiction="US",
        reliability="primary_law",
        url="https://www.law.cornell.edu/uscode/text/20/1232g",
        notes="Covers education records only.",
    )


def test_source_list_shows_each_source_with_how_many_claims_cite_it(client, small_document, ferpa):
    claims = claims_of(small_document)
    Citation.objects.create(claim=claims[2], source=ferpa, stance="supports", pinpoint="(a)")
    Citation.objects.create(claim=claims[2], source=ferpa, stance="supports", pinpoint="(b)")
    Citation.objects.create(claim=claims[3], source=ferpa, stance="refutes")
    Source.objects.create(title="Uncited report", kind="report")
    html = client.get("/sources/").content.decode()
    assert f'<a href="/sources/{ferpa.pk}/">Family Educational Rights and Privacy Act</a>' in html
    assert "<td>20 U.S.C. § 1232g</td>" in html and "<td>Statute</td>" in html and "<td>Primary law</td>" in html
    assert '<td class="num">2</td>' in html and '<td class="num">0</td>' in html


def test_source_page_shows_the_source_and_the_claims_citing_it_with_their_stance(client, small_document, ferpa):
    claims = claims_of(small_document)
    Citation.objects.create(claim=claims[2], source=ferpa, stance="supports", pinpoint="(a)(4)", excerpt="records")
    Citation.objects.create(claim=claims[3], source=ferpa, stance="refutes")
    html = client.get(f"/sources/{ferpa.pk}/").content.decode()
    assert "<h1>Family Educational Rights and Privacy Act</h1>" in html
    assert '<p class="canonical">20 U.S.C. § 1232g</p>' in html
    assert 'href="https://www.law.cornell.edu/uscode/text/20/1232g"' in html
    assert "Covers education records only." in html
    supports = html.index('<span class="stance">Supports</span> at <span class="pinpoint">(a)(4)</span>')
    refutes = html.index('<span class="stance">Refutes</span>')
    assert supports < html.index("FERPA covers education records.") < refutes
    assert html.index("It does not cover benefits records.") > refutes


def test_a_source_link_that_is_not_http_is_not_linked(client, db):
    source = Source.objects.create(title="Odd", url="javascript:alert(1)")
    html = client.get(f"/sources/{source.pk}/").content.decode()
    assert "javascript:" not in html


def test_an_uncited_source_says_so_and_an_unknown_one_is_404(client, db):
    source = Source.objects.create(title="Lonely")
    assert "No claim cites this source yet." in client.get(f"/sources/{source.pk}/").content.decode()
    assert client.get("/sources/999999/").status_code == 404


def test_source_pages_query_counts_do_not_grow_with_sources_or_citations(
    client, small_document, ferpa, django_assert_num_queries
):
    claims = claims_of(small_document)
    Citation.objects.create(claim=claims[0], source=ferpa, stance="context")
    # The data version, the page count, the page, the page's claim counts.
    with django_assert_num_queries(4):
        client.get("/sources/")
    with django_assert_num_queries(3):
        client.get(f"/sources/{ferpa.pk}/")
    for i in range(30):
        Source.objects.create(title=f"Report {i}", citation=f"R-{i}")
    for i, claim in enumerate(claims):
        Citation.objects.create(claim=claim, source=ferpa, stance="supports", pinpoint=f"({i})")
    # The data version, the page count, the page, the page's claim counts.
    with django_assert_num_queries(4):
        client.get("/sources/")
    with django_assert_num_queries(3):
        html = client.get(f"/sources/{ferpa.pk}/").content.decode()
    assert html.count('<span class="stance">') == 5


def test_a_document_page_says_what_law_it_is_about_and_links_to_it_without_claiming_to_be_it(
    client, db, django_assert_num_queries
):
    statute = Source.objects.from_citation("8 U.S.C. § 1231")
    page = Source.objects.create(
        kind="agency_document", title="SCAAP: overview", url="https://example.gov/scaap", discusses="8 U.S.C. § 1231(i)"
    )
    with django_assert_num_queries(4):  # the three of every source page, and the legal text it discusses
        html = client.get(f"/sources/{page.pk}/").content.decode()
    assert f'<a href="/sources/{statute.pk}/">8 U.S.C. § 1231(i)</a>' in html
    assert "a document about the law, not the law itself" in html
    assert '<p class="canonical">' not in html


def listed_count(client, source) -> str:
    """The 'claims citing' cell of `source`'s row on /sources/."""
    html = client.get("/sources/").content.decode()
    row = html.split(f'<a href="/sources/{source.pk}/">', 1)[1].split("</tr>", 1)[0]
    return row.rsplit('<td class="num">', 1)[1].split("</td>", 1)[0]


def test_the_claims_citing_count_follows_every_write_and_leaves_out_unpublished_documents(
    client, small_document, import_text, ferpa
):
    """Kept on the source (sources.counts), so the page need not count every citation of its sources."""
    from faq.publishing import set_published

    first, second = claims_of(small_document)[:2]
    assert listed_count(client, ferpa) == "0"
    a = Citation.objects.create(claim=first, source=ferpa, stance="supports", pinpoint="(a)")
    Citation.objects.create(claim=first, source=ferpa, stance="supports", pinpoint="(b)")  # the same claim again
    b = Citation.objects.create(claim=second, source=ferpa, stance="supports")
    assert listed_count(client, ferpa) == "2"

    draft = import_text(SMALL_DRAFT, published=False, slug="draft-faq", title="A Draft FAQ")
    Citation.objects.create(claim=claims_of(draft)[0], source=ferpa, stance="refutes")
    assert listed_count(client, ferpa) == "2"  # a document not yet published is not public
    set_published([draft], user=None, published=True)
    assert listed_count(client, ferpa) == "3"

    a.delete()  # the claim still cites it at (b)
    assert listed_count(client, ferpa) == "3"
    other = Source.objects.create(title="Another report", kind="report")
    b.source = other  # moved to another source: one claim less here, one more there
    b.save()
    assert listed_count(client, ferpa) == "2" and listed_count(client, other) == "1"
    draft.delete()  # its claims and their citations go with it
    assert listed_count(client, ferpa) == "1"
    ferpa.refresh_from_db()
    assert ferpa.citing_claims == 1


SMALL_DRAFT = """1. Is this a draft?

Draft pages say the agency keeps every record for ten years.
"""
