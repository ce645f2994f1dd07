"""Markup inside imported text is shown as text on every page, and exports stay valid."""

import csv
import io
import json

import pytest
from public_support import body, claims_of, get_json, publish

from claims.models import ClaimRelation, ClaimStatus, Flag
from sources.models import Citation, Source

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"

HOSTILE_FAQ = f"""Categories <b>Bold</b> {IMG}

Markup {SCRIPT} FAQ

1. Is {SCRIPT} safe?

It shows {SCRIPT} as text. An image {IMG} stays text too.

2. And {IMG}?

Closing tags </p></mark></a></script> do nothing. Quotes " and ' too.
"""


@pytest.fixture
def hostile(import_text):
    document = import_text(HOSTILE_FAQ, slug="hostile", source_url="https://example.org/x")
    claims = claims_of(document)
    source = Source.objects.create(title=f"Source {SCRIPT}", citation=f"Cite {IMG}", notes=f"Notes {SCRIPT}")
    Citation.objects.create(claim=claims[0], source=source, stance="refutes", pinpoint=IMG, excerpt=SCRIPT)
    ClaimRelation.objects.create(from_claim=claims[0], to_claim=claims[1], kind="contradicts", note=SCRIPT)
    Flag.objects.create(claim=claims[0], reason="dubious", note=SCRIPT)
    publish(claims[0], ClaimStatus.CONTRADICTED, rationale=f"Because {SCRIPT} {IMG}")
    return document, claims, source


def assert_shown_as_text(html: str, url: str):
    assert SCRIPT not in html, url
    assert IMG not in html, url
    assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", ""), url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;img src=x onerror=alert(1)&gt;" in html, url


def test_markup_in_imported_text_is_escaped_on_every_html_page(client, hostile):
    document, claims, source = hostile
    urls = [
        "/",
        f"/faq/{document.slug}/",
        "/claims/",
        f"/claims/?q={IMG}",
        f"/claims/{claims[0].pk}/",
        f"/claims/{claims[1].pk}/",
        "/sources/",
        f"/sources/{source.pk}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_shown_as_text(response.content.decode(), url)


def test_the_document_page_shows_the_markup_as_the_reader_would_see_it(client, hostile):
    document, *_ = hostile
    html = client.get(f"/faq/{document.slug}/").content.decode()
    assert "<h1>Markup &lt;script&gt;alert(1)&lt;/script&gt; FAQ</h1>" in html
    assert "<mark>It shows &lt;script&gt;alert(1)&lt;/script&gt; as text.</mark>" in html
    assert "<mark>Closing tags &lt;/p&gt;&lt;/mark&gt;&lt;/a&gt;&lt;/script&gt; do nothing.</mark>" in html


def test_exports_and_the_feed_carry_the_text_unchanged_and_stay_valid(client, hostile):
    document, claims, _ = hostile
    rows = get_json(client, "/claims/export.json?document=hostile")["claims"]
    assert rows[0]["quote"] == f"It shows {SCRIPT} as text."
    assert rows[0]["rationale"] == f"Because {SCRIPT} {IMG}"
    table = list(csv.DictReader(io.StringIO(body(client.get("/claims/export.csv?document=hostile")).decode())))
    assert [row["quote"] for row in table] == [claim.quote for claim in claims]
    feed = json.loads(client.get("/claimreview.json").content)
    assert feed["dataFeedElement"][0]["item"]["claimReviewed"] == f"It shows {SCRIPT} as text."
    assert feed["dataFeedElement"][0]["item"]["itemReviewed"]["firstAppearance"]["name"] == f"Markup {SCRIPT} FAQ"


def test_internal_flag_notes_never_appear_anywhere(client, hostile):
    document, claims, source = hostile
    Flag.objects.filter(claim=claims[0]).update(note="SECRET-NOTE")
    for url in ["/", f"/faq/{document.slug}/", "/claims/", f"/claims/{claims[0].pk}/", "/claims/export.csv",
                "/claims/export.json", "/claimreview.json", f"/sources/{source.pk}/"]:
        assert "SECRET-NOTE" not in body(client.get(url)).decode(), url
