"""The home page and the document page: claims marked in place by status."""

import re

import pytest
from public_support import claims_of, publish, set_status

from claims.models import ClaimStatus

pytestmark = pytest.mark.django_db


def test_home_lists_each_document_with_a_bar_of_its_claims_by_status(client, small_document):
    first, second, *_ = claims_of(small_document)
    publish(first, ClaimStatus.CONTRADICTED)
    set_status(second, ClaimStatus.IN_REVIEW)
    html = client.get("/").content.decode()
    assert f'href="/faq/{small_document.slug}/"' in html and "A Small FAQ" in html
    # The bar's parts, in status order, each as wide as its count.
    assert re.findall(r'<rect class="st-(\w+)" x="(\d+)" y="0" width="(\d+)" height="1"><title>(.*?)</title>', html) == [
        ("unreviewed", "0", "2", "Unreviewed: 2"),
        ("in_review", "2", "1", "In review: 1"),
        ("contradicted", "3", "1", "Contradicted: 1"),
    ]
    assert "Contradicted: <strong>1</strong>" in html and "In review: <strong>1</strong>" in html
    assert "2 questions, 4 claims" in html
    # The legend explains each status and links to its claims; it counts nothing over the whole table.
    assert 'href="/claims/?status=contradicted"' in html


def test_home_says_so_when_there_are_no_documents(client, db):
    assert "No documents yet" in client.get("/").content.decode()


def test_document_page_shows_title_category_source_and_every_question_with_an_anchor(client, small_document):
    html = client.get(f"/faq/{small_document.slug}/").content.decode()
    assert "<h1>A Small FAQ</h1>" in html
    assert "Test Category" in html
    assert 'href="https://example.org/faq"' in html
    assert 'id="q1"' in html and 'id="q2"' in html
    assert "Does 20 U.S.C. § 1232g apply?" in html


def test_document_page_highlights_every_claim_in_place_with_a_link_a_colour_and_a_label(client, small_document):
    claims = claims_of(small_document)
    publish(claims[2], ClaimStatus.SUPPORTED)
    html = client.get(f"/faq/{small_document.slug}/").content.decode()
    for claim in claims:
        assert f'href="/claims/{claim.pk}/"' in html
    marked = re.search(rf'<a class="claim st-(\w+) verdict-claim" id="c{claims[2].pk}"[^>]*><mark>(.*?)</mark> '
                       r'<span class="tag">(.*?)</span><span class="preview"><strong>(.*?)</strong> (.*?) <span', html)
    assert marked.groups() == (
        "supported", "FERPA covers education records.", "Supported", "Supported.", "The statute says otherwise."
    )
    # Claims without a verdict are links too, but not marked as verdicts.
    assert html.count("verdict-claim") == 1 and html.count('<a class="claim st-unreviewed"') == len(claims) - 1


def test_document_page_keeps_the_text_between_claims_and_its_paragraphs(client, import_text):
    text = "Title\n\n1. A question?\n\nFirst claim. Second claim.\n\nA new paragraph.\nWith a line break.\n"
    document = import_text(text)
    html = client.get(f"/faq/{document.slug}/").content.decode()
    paragraphs = re.findall(r'<p class="answer">(.*?)</p>', html, flags=re.S)
    bracketed = [
        re.sub(r'<a class="claim[^"]*"[^>]*><mark>(.*?)</mark> <span class="tag">Unreviewed</span>'
               r'<span class="preview">.*?</span></span></a>', r"[\1]", p)
        for p in paragraphs
    ]
    assert bracketed == ["[First claim.] [Second claim.]", "[A new paragraph.]\n[With a line break.]"]


def test_document_page_legend_counts_claims_by_status(client, small_document):
    first, second, *_ = claims_of(small_document)
    publish(first, ClaimStatus.MISLEADING)
    publish(second, ClaimStatus.MISLEADING)
    html = client.get(f"/faq/{small_document.slug}/").content.decode()
    assert "Misleading: <strong>2</strong>" in html and "Unreviewed: <strong>2</strong>" in html
    assert "Literally true but misleading in context." in html


def test_an_unknown_document_is_404(client, db):
    assert client.get("/faq/no-such-faq/").status_code == 404


def test_home_query_count_does_not_grow_with_documents_or_claims(
    client, small_document, django_assert_num_queries
):
    # The data version, the page of documents, their claims by status, their question counts.
    with django_assert_num_queries(4):
        client.get("/")
    from claims.seed import load_seed_documents

    load_seed_documents()
    with django_assert_num_queries(4):
        html = client.get("/").content.decode()
    assert html.count('<article class="document">') == 2


def test_document_page_query_count_is_the_same_for_a_small_document_and_the_seed(
    client, small_document, seed_document, django_assert_num_queries
):
    # The stamp, the document, its questions, their claims, its latest version.
    with django_assert_num_queries(5):
        assert client.get(f"/faq/{small_document.slug}/").status_code == 200
    with django_assert_num_queries(5):
        html = client.get(f"/faq/{seed_document.slug}/").content.decode()
    assert html.count('class="qa"') == 20
    assert html.count('<a class="claim st-') == len(claims_of(seed_document))


def test_the_stylesheet_can_filter_the_document_page_by_every_status():
    from django.conf import settings

    from claims.models import ClaimStatus

    css = (settings.BASE_DIR / "static" / "claimledger.css").read_text()
    for status in ClaimStatus:
        assert f".faq:has(#only-{status.value}:target) .qa:not(:has(a.claim.st-{status.value}))" in css


def test_each_count_on_home_links_to_those_claims_in_the_table(client, small_document):
    publish(claims_of(small_document)[0], ClaimStatus.CONTRADICTED)
    html = client.get("/").content.decode()
    link = f'<a href="/claims/?document={small_document.slug}&amp;status=contradicted">'
    assert f'{link}<span class="swatch st-contradicted" aria-hidden="true"></span>Contradicted: <strong>1</strong></a>' in html


def test_the_document_legend_leads_with_verdicts_and_each_entry_filters_the_page(client, small_document):
    first, second, *_ = claims_of(small_document)
    set_status(first, ClaimStatus.NOT_CHECKABLE)
    publish(second, ClaimStatus.CONTRADICTED)
    html = client.get(f"/faq/{small_document.slug}/").content.decode()
    order = re.findall(r'<a class="filter" href="#only-(\w+)">', html)
    assert order == ["contradicted", "unreviewed", "not_checkable"]
    for status in order:
        assert f'<span class="filter-target" id="only-{status}"></span>' in html
    assert '<input type="checkbox" id="mark-not-checkable">' in html
    assert "{#" not in html and "{%" not in html  # no template comment leaks onto the page


def test_a_stored_page_is_linked_and_served_as_received_in_a_sandbox(client, import_text, django_assert_num_queries):
    from faq.importing import import_faq_html

    html = (
        "<html><head><title>Pond Rules</title><script>alert(1)</script></head><body><main><h1>Pond Rules</h1>"
        "<h2>1. May I fish?</h2><p>Fishing is allowed on weekdays.</p>"
        "<h2>2. May I swim?</h2><p>Swimming is not allowed.</p></main></body></html>"
    ).encode("windows-1252")
    document = import_faq_html(html, name="pond.html").document
    document.is_published = True
    document.save()
    page = client.get(f"/faq/{document.slug}/").content.decode()
    assert f'<a href="/faq/{document.slug}/stored-copy/">The page as we stored it</a>' in page
    claim = document.questions.get(number=1).claims.get()
    assert f'<a href="/faq/{document.slug}/stored-copy/">the page as we stored it</a>' in client.get(
        f"/claims/{claim.pk}/"
    ).content.decode()

    with django_assert_num_queries(3):  # the ETag's stamp, the document, its newest capture
        stored = client.get(f"/faq/{document.slug}/stored-copy/")
    assert stored.content == html  # byte for byte, never re-encoded
    assert stored["Content-Type"] == "text/html"
    policy = stored["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "script-src" not in policy


def test_a_document_imported_from_text_has_no_stored_copy(client, small_document):
    assert client.get(f"/faq/{small_document.slug}/stored-copy/").status_code == 404
    assert "stored-copy" not in client.get(f"/faq/{small_document.slug}/").content.decode()
