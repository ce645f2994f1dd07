"""Rules every public page follows: safe methods only, cacheable, conditional GET, no cookies, semantic HTML."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from public_support import PUBLIC_URLS, body, claims_of, publish, set_status

from claims.models import ClaimRelation, ClaimStatus, Flag
from sources.models import Citation, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(small_document):
    claims = claims_of(small_document)
    source = Source.objects.create(title="FERPA", citation="20 U.S.C. § 1232g")
    Citation.objects.create(claim=claims[0], source=source, stance="supports")
    publish(claims[0], ClaimStatus.SUPPORTED)
    ClaimRelation.objects.create(from_claim=claims[0], to_claim=claims[1], kind="contradicts")
    Flag.objects.create(claim=claims[0], reason="dubious")
    return [url.format(slug=small_document.slug, claim=claims[0].pk, source=source.pk) for url in PUBLIC_URLS]


HTML_PAGES = [0, 1, 2, 5, 6, 7]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_every_public_page_refuses_methods_other_than_get_and_head(urls, method):
    # CSRF checks on, as for a real client: the answer must still be 405, not the CSRF middleware's 403.
    client = Client(enforce_csrf_checks=True)
    for url in [*urls, "/healthz"]:
        response = getattr(client, method)(url)
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD"


def test_every_public_page_answers_head(client, urls):
    for url in urls:
        response = client.head(url)
        assert response.status_code == 200, url
        assert body(response) == b""


def test_every_public_page_is_revalidated_by_browsers_and_shared_caches_keep_it_the_set_time(client, urls, settings):
    settings.PUBLIC_CACHE_SECONDS = 120
    for url in urls:
        response = client.get(url)
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=120", url
        assert response.has_header("ETag")


def test_anonymous_readers_get_no_cookie_and_pages_do_not_vary_by_cookie(client, urls):
    for url in urls:
        response = client.get(url)
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url


def test_conditional_get_answers_304_while_nothing_changed(client, urls, django_assert_num_queries):
    for url in urls:
        etag = client.get(url)["ETag"]
        with django_assert_num_queries(1):
            response = client.get(url, headers={"if-none-match": etag})
        assert response.status_code == 304, url
        assert body(response) == b""
        assert response["ETag"] == etag and response["Cache-Control"].startswith("public")


def test_conditional_get_answers_200_after_a_change(client, urls, small_document):
    etags = {url: client.get(url)["ETag"] for url in urls}
    set_status(claims_of(small_document)[3], ClaimStatus.IN_REVIEW)
    for url, etag in etags.items():
        response = client.get(url, headers={"if-none-match": etag})
        assert response.status_code == 200, url
        assert response["ETag"] != etag


@pytest.mark.parametrize(
    "change",
    [
        lambda claim: Flag.objects.create(claim=claim, reason="vague"),
        lambda claim: Source.objects.create(title="New source"),
        lambda claim: Citation.objects.create(claim=claim, source=Source.objects.get(title="FERPA"), stance="context", pinpoint="(z)"),
        lambda claim: ClaimRelation.objects.create(from_claim=claim, to_claim=claim.question.claims.last(), kind="duplicates"),
        lambda claim: claim.question.document.save(),
    ],
    ids=["flag", "source", "citation", "relation", "document"],
)
def test_any_change_to_public_data_changes_the_etag(client, urls, small_document, change):
    etag = client.get(urls[0])["ETag"]
    change(claims_of(small_document)[0])
    assert client.get(urls[0])["ETag"] != etag


def test_healthz_answers_ok_without_database_or_template(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert response.templates == []


class Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.headings, self.stylesheets, self.scripts = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        if tag == "script":
            self.scripts.append(attrs.get("type"))
        if tag == "meta" and attrs.get("name") == "viewport":
            self.tags.append("viewport")


def test_html_pages_have_landmarks_ordered_headings_one_stylesheet_and_no_javascript(client, urls):
    for url in [urls[i] for i in HTML_PAGES]:
        outline = Outline()
        outline.feed(client.get(url).content.decode())
        assert {"header", "nav", "main", "footer", "viewport"} <= set(outline.tags), url
        assert outline.headings[0] == 1 and outline.headings.count(1) == 1, url
        assert all(b - a <= 1 for a, b in zip(outline.headings, outline.headings[1:])), (url, outline.headings)
        assert outline.stylesheets == ["/static/claimledger.css"], url
        assert set(outline.scripts) <= {"application/ld+json"}, url


def test_the_stylesheet_is_served(client, db):
    from django.contrib.staticfiles import finders

    assert finders.find("claimledger.css")


# Queries per public page with the page cache empty: the data version plus the page's own, at any size.
EXPECTED_QUERIES = {
    "/": 4,
    "/faq/{slug}/": 5,  # the document, its newest version, its questions and their claims
    "/claims/": 6,
    "/claims/export.csv": 2,
    "/claims/export.json": 2,
    "/claims/{claim}/": 8,  # with its wording per version and its copies in other documents
    "/sources/": 4,
    "/sources/{source}/": 3,
    "/claimreview.json": 2,
}


def test_every_public_page_runs_the_same_queries_with_four_claims_and_with_the_seed(
    client, small_document, django_assert_num_queries
):
    from claims.seed import load_seed_documents

    def check(document, claim, source):
        for template, expected in EXPECTED_QUERIES.items():
            url = template.format(slug=document.slug, claim=claim.pk, source=source.pk)
            with django_assert_num_queries(expected):
                body(client.get(url))

    source = Source.objects.create(title="FERPA", citation="20 U.S.C. § 1232g")
    first = claims_of(small_document)[0]
    Citation.objects.create(claim=first, source=source, stance="supports")
    publish(first, ClaimStatus.SUPPORTED)
    check(small_document, first, source)

    seed = load_seed_documents()[0].document
    seed_claims = claims_of(seed)
    for claim in seed_claims[:60]:
        Citation.objects.create(claim=claim, source=source, stance="context")
        publish(claim, ClaimStatus.SUPPORTED)
    check(seed, seed_claims[0], source)
