"""Stable paging: walking any sort page by page, forwards or backwards, shows every claim exactly once."""

import html as html_lib
import json
import re

import pytest
from django.http import QueryDict
from public_support import claims_of, publish, set_status

from claims.listing import SORTS
from claims.models import Claim, ClaimStatus
from config.paging import Key, keyset_page

pytestmark = pytest.mark.django_db

EVERY_SORT = [prefix + name for name in SORTS for prefix in ("", "-")]


@pytest.fixture
def many_ties(seed_document, import_text):
    """The seed and a second document with the same title, most claims sharing a status: ties everywhere."""
    twin = import_text(
        "\n".join(["Categories X", "", seed_document.title, ""] + [f"{n}. Q{n}?\n\nOne. Two. Three.\n" for n in (1, 2)]),
        slug="twin",
    )
    claims = claims_of(seed_document) + claims_of(twin)
    for claim in claims[::3]:
        publish(claim, ClaimStatus.SUPPORTED)
    for claim in claims[1::7]:
        set_status(claim, ClaimStatus.FLAGGED)
    return claims


def rows(page_html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<td data-col="id"><a href="/claims/(\d+)/">#', page_html)]


def link(page_html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="\?([^"]*)" rel="{rel}">', page_html)
    return html_lib.unescape(found.group(1)) if found else None


def walk(client, query: str, rel: str) -> list[list[int]]:
    pages = []
    while query is not None and len(pages) < 20:
        page_html = client.get(f"/claims/?{query}").content.decode()
        pages.append(rows(page_html))
        query = link(page_html, rel)
    return pages


@pytest.mark.parametrize("sort", EVERY_SORT)
def test_paging_through_every_sort_sees_each_claim_exactly_once(client, many_ties, sort):
    forwards = walk(client, f"sort={sort}", "next")
    seen = [pk for page in forwards for pk in page]
    assert len(forwards) == 3 and sorted(seen) == sorted(claim.pk for claim in many_ties)
    # Backwards from the last page: the same claims, each once, in the same order.
    backwards = walk(client, f"sort={sort}&last=1", "prev")
    assert [pk for page in reversed(backwards) for pk in page][-len(seen):] == seen
    assert len({pk for page in backwards for pk in page}) == len(seen)


def test_paging_with_a_filter_sees_each_matching_claim_once(client, many_ties):
    unreviewed = set(Claim.objects.filter(status=ClaimStatus.UNREVIEWED).values_list("pk", flat=True))
    assert len(unreviewed) > 50
    seen = [pk for page in walk(client, "status=unreviewed&sort=-status", "next") for pk in page]
    assert sorted(seen) == sorted(unreviewed)


def test_ties_are_broken_by_id(client, many_ties):
    seen = [pk for page in walk(client, "sort=status", "next") for pk in page]
    severity = {ClaimStatus.SUPPORTED: 0, ClaimStatus.FLAGGED: 1, ClaimStatus.UNREVIEWED: 3}
    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert seen == sorted(seen, key=lambda pk: (severity[statuses[pk]], pk))


def test_a_page_edge_that_no_longer_exists_gives_the_first_page(client, many_ties):
    assert rows(client.get("/claims/?after=999999").content.decode()) == rows(client.get("/claims/").content.decode())


def test_the_feed_pages_through_every_published_verdict_once(client, many_ties, settings):
    import claims.views

    claims.views.FEED_PER_PAGE, saved = 10, claims.views.FEED_PER_PAGE
    try:
        url, seen = "/claimreview.json", []
        while url:
            response = client.get(url)
            feed = json.loads(response.content)
            seen += [element["item"]["url"] for element in feed["dataFeedElement"]]
            url = feed.get("nextPage")
            assert (url is None) == ("Link" not in response or 'rel="next"' not in response["Link"])
    finally:
        claims.views.FEED_PER_PAGE = saved
    published = Claim.objects.filter(status=ClaimStatus.SUPPORTED).values_list("pk", flat=True)
    assert len(published) > 20 and sorted(seen) == sorted(f"http://testserver/claims/{pk}/" for pk in published)


def test_keyset_pages_of_a_queryset_with_mixed_directions(many_ties):
    queryset = Claim.objects.all()
    keys = [Key("status"), Key("position", descending=True)]
    page = keyset_page(queryset, keys, QueryDict(), 40)
    seen = list(page.rows)

    while page.has_next:
        page = keyset_page(queryset, keys, QueryDict(page.next_link), 40)
        seen += page.rows
    # The id breaks ties in the direction of the last key.
    expected = sorted(Claim.objects.all(), key=lambda c: -c.pk)
    expected = sorted(expected, key=lambda c: -c.position)
    expected = sorted(expected, key=lambda c: c.status)
    assert [c.pk for c in seen] == [c.pk for c in expected]
