"""The claim page: context, status, evidence, relations, flags, history and ClaimReview JSON-LD."""

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from django.core.cache import caches
from django.contrib.auth.models import User
from public_support import REVIEWED_AT, claims_of, publish, set_status

from claims.models import Claim, ClaimRelation, ClaimStatus, Flag
from sources.models import Citation, Source
from people.models import StaffProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(small_document):
    return claims_of(small_document)


@pytest.fixture
def ferpa():
    return Source.objects.create(
        kind="statute",
        title="Family Educational Rights and Privacy Act",
        citation="20 U.S.C. § 1232g",
        url="https://www.law.cornell.edu/uscode/text/20/1232g",
    )


def page(client, claim) -> str:
    response = client.get(f"/claims/{claim.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def json_ld(html: str):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    return [json.loads(block) for block in blocks]


def test_claim_page_shows_the_claim_highlighted_in_its_answer(client, claims):
    html = page(client, claims[1])
    assert '<mark class="this st-unreviewed">' in html
    assert re.search(r'<mark class="this[^"]*"[^>]*>It is blue because of Rayleigh scattering, e.g. of sunlight.</mark>', html)
    assert "The sky is blue." in html
    assert "Question 1: Is the sky blue?" in html


def test_claim_page_shows_status_rationale_reviewer_and_date_of_a_published_verdict(client, claims):
    reviewer = User.objects.create(username="rev", first_name="Rita", last_name="Reviewer")
    StaffProfile.objects.create(user=reviewer, public_name="R. Reviewer, legal desk")
    publish(claims[2], ClaimStatus.SUPPORTED, rationale="Section 1232g covers education records.", reviewed_by=reviewer)
    html = page(client, claims[2])
    assert 'Status: <span class="badge st-supported">Supported</span>' in html
    assert "Section 1232g covers education records." in html
    assert "Verdict published by R. Reviewer, legal desk on" in html and "14 March 2025" in html


def test_a_reviewer_with_no_public_name_publishes_under_the_organisation_name(client, claims, settings):
    settings.ORG_NAME = "Example Fact Desk"
    reviewer = User.objects.create(username="zq_reviewer_8812", first_name="Rita", last_name="Reviewer")
    publish(claims[2], ClaimStatus.SUPPORTED, reviewed_by=reviewer)
    html = page(client, claims[2])
    assert "Verdict published by Example Fact Desk on" in html
    assert "zq_reviewer_8812" not in html and "Rita" not in html


def test_an_unpublished_claim_shows_no_reviewer_rationale_or_claimreview(client, claims):
    reviewer = User.objects.create(username="rev", first_name="Rita")
    set_status(claims[0], ClaimStatus.IN_REVIEW, rationale="Draft: probably true.", reviewed_by=reviewer)
    html = page(client, claims[0])
    assert "In review" in html
    assert "Draft: probably true." not in html and "Rita" not in html
    assert json_ld(html) == []


def test_citations_are_grouped_by_stance_with_citation_pinpoint_excerpt_and_links(client, claims, ferpa):
    other = Source.objects.create(title="A news story", url="https://news.example/story")
    Citation.objects.create(claim=claims[2], source=ferpa, stance="supports", pinpoint="(a)(4)", excerpt="education records")
    Citation.objects.create(claim=claims[2], source=other, stance="context")
    html = page(client, claims[2])
    supports, context = html.index("<h3>Supports"), html.index("<h3>Context")
    assert supports < html.index("20 U.S.C. § 1232g</a>") < context < html.index("A news story</a>")
    assert "<h3>Refutes" not in html
    assert '<span class="pinpoint">(a)(4)</span>' in html
    assert "education records</p></blockquote>" in html
    assert f'href="/sources/{ferpa.pk}/"' in html
    assert 'href="https://www.law.cornell.edu/uscode/text/20/1232g"' in html


def test_a_citation_in_the_claim_text_links_to_its_source_page(client, claims, ferpa):
    html = page(client, claims[2])  # "FERPA covers education records."
    link = f'<a class="cite" href="/sources/{ferpa.pk}/" title="20 U.S.C. § 1232g">FERPA</a>'
    assert f'<h1 class="statement">{link} covers education records.</h1>' in html
    assert re.search(f'<mark class="this[^"]*"[^>]*>{re.escape(link)} covers education records.</mark>', html)


def test_a_citation_without_a_recorded_source_links_to_its_official_text(client, claims):
    html = page(client, claims[2])
    assert (
        '<a class="cite" href="https://www.law.cornell.edu/uscode/text/20/1232g" title="20 U.S.C. § 1232g" '
        'rel="nofollow noopener">FERPA</a> covers education records.</h1>'
    ) in html


def test_the_seed_q16_claim_links_ferpa_to_its_source_page(client, seed_document):
    claim = Claim.objects.get(question__document=seed_document, question__number=16, quote__contains="FERPA")
    source = Source.objects.from_citation("FERPA")
    html = page(client, claim)
    link = f'<a class="cite" href="/sources/{source.pk}/" title="20 U.S.C. § 1232g">'
    assert f"privacy regulations and the {link}Family Educational Rights and Privacy Act (FERPA)</a>." in html
    assert html.count(link) == 2  # the statement and the claim highlighted in its answer


def test_text_around_a_linked_citation_stays_escaped(client, claims):
    Claim.objects.filter(pk=claims[0].pk).update(statement="<b>Per</b> G.S. 108A-80(a) <script>x()</script>")
    html = page(client, claims[0])
    assert "<b>Per</b>" not in html and "<script>x()" not in html
    assert "&lt;b&gt;Per&lt;/b&gt; <a class=\"cite\"" in html
    assert 'title="N.C. Gen. Stat. § 108A-80 (a)" rel="nofollow noopener">G.S. 108A-80(a)</a> &lt;script&gt;' in html


def test_a_claim_without_citations_says_so(client, claims):
    assert "No sources are cited for this claim yet." in page(client, claims[0])


def test_contradictions_show_on_both_claims_and_one_way_relations_read_backwards(client, claims):
    ClaimRelation.objects.create(from_claim=claims[2], to_claim=claims[3], kind="contradicts", note="Both cannot hold.")
    ClaimRelation.objects.create(from_claim=claims[0], to_claim=claims[3], kind="qualifies")
    html = page(client, claims[3])
    assert "Contradicting claims" in html and "FERPA covers education records." in html and "Both cannot hold." in html
    assert "Qualified by" in html and "The sky is blue." in html
    html = page(client, claims[2])
    assert "Contradicting claims" in html and "It does not cover benefits records." in html
    html = page(client, claims[0])
    assert "Related claims" in html and "Qualifies" in html


def test_open_flags_show_their_reason_but_never_their_internal_note(client, claims):
    Flag.objects.create(claim=claims[0], reason="citation_needed", note="INTERNAL: ask Bob")
    Flag.objects.create(claim=claims[0], reason="vague", note="old", resolved_at=datetime.now(timezone.utc))
    html = page(client, claims[0])
    assert "Open flags" in html and "<li>Citation needed</li>" in html
    assert "INTERNAL" not in html and "Vague" not in html


def test_the_status_timeline_lists_each_status_change_with_its_date(client, claims):
    claim, now = claims[0], datetime.now(timezone.utc)
    days = [now + timedelta(days=n) for n in (1, 2, 40, 41)]
    set_status(claim, ClaimStatus.FLAGGED, when=days[0])
    set_status(claim, ClaimStatus.FLAGGED, when=days[1])
    set_status(claim, ClaimStatus.IN_REVIEW, when=days[2])
    set_status(claim, ClaimStatus.CONTRADICTED, rationale="No.", reviewed_at=days[3], when=days[3])
    html = page(client, claim)
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, flags=re.S).group(1)
    entries = [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in re.findall(r"<li>(.*?)</li>", timeline, re.S)]
    assert entries == [
        f"{days[3]:%-d %b %Y} changed to Contradicted",
        f"{days[2]:%-d %b %Y} changed to In review",
        f"{days[0]:%-d %b %Y} changed to Flagged",
        f"{now:%-d %b %Y} recorded as Unreviewed",
    ]
    assert "The full status history" not in html


def test_json_ld_claimreview_of_a_published_verdict_field_by_field(client, claims, settings):
    settings.CLAIMREVIEW_AUTHOR = {"@type": "Organization", "name": "Desk", "url": "https://desk.example/"}
    claim = publish(claims[3], ClaimStatus.CONTRADICTED)
    document = claim.question.document
    [review] = json_ld(page(client, claim))
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"http://testserver/claims/{claim.pk}/"
    assert review["claimReviewed"] == "It does not cover benefits records."
    assert review["datePublished"] == REVIEWED_AT.date().isoformat()
    assert review["author"] == {"@type": "Organization", "name": "Desk", "url": "https://desk.example/"}
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Contradicted",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert review["itemReviewed"] == {
        "@type": "Claim",
        "appearance": {"@type": "CreativeWork", "url": "https://example.org/faq"},
        "firstAppearance": {
            "@type": "CreativeWork",
            "url": f"http://testserver/faq/{document.slug}/",
            "name": "A Small FAQ",
            "headline": "A Small FAQ",
        },
    }


@pytest.mark.parametrize(
    "status, value",
    [("supported", 5), ("partly_supported", 3), ("misleading", 2), ("outdated", 2), ("contradicted", 1)],
)
def test_json_ld_rating_value_follows_the_design_scale(client, claims, status, value):
    [review] = json_ld(page(client, publish(claims[0], status)))
    assert review["reviewRating"]["ratingValue"] == value
    assert review["reviewRating"]["alternateName"] == ClaimStatus(status).label


def test_json_ld_of_an_unverifiable_claim_has_no_rating_value(client, claims):
    [review] = json_ld(page(client, publish(claims[0], ClaimStatus.UNVERIFIABLE)))
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable", "bestRating": 5, "worstRating": 1}


def test_a_statement_cannot_break_out_of_the_json_ld_script(client, claims):
    Claim.objects.filter(pk=claims[0].pk).update(statement="Ends here </script><script>alert(1)</script> & <!--")
    html = page(client, publish(claims[0], ClaimStatus.MISLEADING))
    assert "</script><script>alert(1)" not in html
    [review] = json_ld(html)
    assert review["claimReviewed"] == "Ends here </script><script>alert(1)</script> & <!--"


def test_claimreview_feed_is_a_data_feed_of_published_verdicts_only(client, claims):
    publish(claims[0], ClaimStatus.SUPPORTED)
    publish(claims[3], ClaimStatus.UNVERIFIABLE, reviewed_at=datetime(2025, 4, 1, tzinfo=timezone.utc))
    set_status(claims[1], ClaimStatus.IN_REVIEW)
    response = client.get("/claimreview.json")
    assert response["Content-Type"].startswith("application/json")
    feed = response.json()
    assert feed["@context"] == "https://schema.org" and feed["@type"] == "DataFeed"
    assert feed["url"] == "http://testserver/claimreview.json"
    assert feed["dateModified"] == "2025-04-01T00:00:00+00:00"
    items = [element["item"] for element in feed["dataFeedElement"]]
    assert [element["@type"] for element in feed["dataFeedElement"]] == ["DataFeedItem", "DataFeedItem"]
    assert [item["url"] for item in items] == [
        f"http://testserver/claims/{claims[3].pk}/",
        f"http://testserver/claims/{claims[0].pk}/",
    ]
    assert {item["@type"] for item in items} == {"ClaimReview"}
    assert items[1]["reviewRating"]["ratingValue"] == 5


def test_an_unknown_claim_is_404(client, db):
    assert client.get("/claims/999999/").status_code == 404


def test_claim_page_query_count_does_not_grow_with_its_evidence_relations_flags_or_history(
    client, claims, ferpa, django_assert_num_queries
):
    target, others = claims[0], claims[1:]
    # The stamp, the claim, citations, relations, flags, history, its wording per version (ClaimChange),
    # and the same claim in other documents (claims.matching.matches_of).
    with django_assert_num_queries(8):
        page(client, target)
    publish(target, ClaimStatus.SUPPORTED, reviewed_by=User.objects.create(username="r"))
    for i, other in enumerate(others):
        Citation.objects.create(claim=target, source=ferpa, stance=["supports", "refutes", "context"][i], pinpoint=f"({i})")
        ClaimRelation.objects.create(from_claim=target, to_claim=other, kind="contradicts")
        ClaimRelation.objects.create(from_claim=other, to_claim=target, kind="qualifies")
        Flag.objects.create(claim=target, reason="dubious")
        set_status(other, ClaimStatus.IN_REVIEW)
    for _ in range(5):
        set_status(target, ClaimStatus.IN_REVIEW)
        publish(target, ClaimStatus.SUPPORTED)
    with django_assert_num_queries(8):
        html = page(client, target)
    assert html.count('class="citation ') == 3 and html.count("Dubious") == 3


@pytest.mark.parametrize(
    "statement, links",
    [("Under FERPA.", 1), ("Under FERPA, G.S. 108A-80(a), 8 U.S.C. § 1373 and 42 CFR 431.300(a).", 4)],
)
def test_claim_page_runs_one_query_for_all_the_citations_found_in_its_text(
    client, claims, ferpa, django_assert_num_queries, statement, links
):
    # The 7 of a claim that cites nothing, plus one for the sources of every citation found in its text.
    Claim.objects.filter(pk=claims[0].pk).update(statement=statement)
    with django_assert_num_queries(9):
        html = page(client, claims[0])
    assert html.count('<a class="cite"') == links


def test_claimreview_feed_query_count_does_not_grow_with_verdicts(client, claims, django_assert_num_queries):
    publish(claims[0], ClaimStatus.SUPPORTED)
    with django_assert_num_queries(2):
        client.get("/claimreview.json")
    for claim in claims[1:]:
        publish(claim, ClaimStatus.OUTDATED)
    with django_assert_num_queries(2):
        assert len(client.get("/claimreview.json").json()["dataFeedElement"]) == 4


def test_a_long_history_shows_the_latest_changes_and_links_to_the_full_paginated_history(client, claims, django_assert_num_queries):
    from claims.timeline import HISTORY_PAGE_SIZE, LATEST_ON_CLAIM_PAGE

    claim, start = claims[0], datetime(2025, 1, 1, tzinfo=timezone.utc)
    cycle = [ClaimStatus.IN_REVIEW, ClaimStatus.FLAGGED]
    for n in range(120):  # 120 changes after "recorded as": 121 entries in all
        set_status(claim, cycle[n % 2], when=start + timedelta(hours=n + 1))
    html = page(client, claim)
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, flags=re.S).group(1)
    assert timeline.count("<li>") == LATEST_ON_CLAIM_PAGE
    assert f'<a href="/claims/{claim.pk}/history/">The full status history</a>' in html
    # The newest change is first; the bounded page does not grow with the history.
    assert re.search(r'<li><time datetime="2025-01-05T23:00:00\+00:00">', timeline)

    pages = [client.get(f"/claims/{claim.pk}/history/?page={n}").content.decode() for n in (1, 2, 3)]
    counts = [p.split('<ol class="timeline">')[1].split("</ol>")[0].count("<li>") for p in pages]
    assert counts == [HISTORY_PAGE_SIZE, HISTORY_PAGE_SIZE, 121 - 2 * HISTORY_PAGE_SIZE]
    assert "121 status changes, newest first." in pages[0] and "Page 1 of 3" in pages[0]
    assert "recorded as" in pages[2] and "recorded as" not in pages[0]
    caches["pages"].clear()  # page 2 was rendered above: measure a fresh render, not the page cache
    with django_assert_num_queries(4):  # ETag, claim, count, page
        client.get(f"/claims/{claim.pk}/history/?page=2")


def test_the_history_page_of_an_unknown_claim_is_404(client, db):
    assert client.get("/claims/987654/history/").status_code == 404
def test_the_claim_page_says_who_said_it_where_and_when_and_the_finding(client, import_text):
    from datetime import date

    document = import_text(
        source_url="https://www.agency.example/help/faq", retrieved_on=date(2026, 4, 29), slug="said"
    )
    claim = claims_of(document)[2]
    reviewer = User.objects.create(username="rlogin", first_name="Rita", last_name="Reviewer")
    StaffProfile.objects.create(user=reviewer, public_name="Rita Reviewer")
    publish(claim, ClaimStatus.CONTRADICTED, finding="FERPA covers schools, not benefits.", reviewed_by=reviewer)
    html = page(client, claim)
    assert "Said by <strong>agency.example</strong> in the FAQ" in html
    assert '<a href="https://www.agency.example/help/faq" rel="nofollow noopener">“A Small FAQ” (original page)</a>' in html
    assert 'as read on <time datetime="2026-04-29">29 April 2026</time>' in html
    assert '<p class="finding">FERPA covers schools, not benefits.</p>' in html
    assert '<a href="/how-we-rate/#contradicted">How we rate claims</a>' in html
    assert "by Rita Reviewer" in html and "rlogin" not in html


def test_an_unreviewed_claim_shows_no_finding(client, claims):
    set_status(claims[0], ClaimStatus.IN_REVIEW, finding="Draft finding.")
    assert "Draft finding." not in page(client, claims[0])


@pytest.mark.django_db
def test_how_we_rate_explains_every_status_and_what_each_verdict_needs(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # the ETag's stamp; the page itself reads no table
        html = client.get("/how-we-rate/").content.decode()
    for status in ClaimStatus:
        assert f'<div id="{status.value}"><dt><span class="badge st-{status.value}">{status.label}</span>' in html
        assert status.meaning in html
    assert "Needs at least one citation with stance &#x27;supports&#x27;, a finding and a rationale." in html
    assert "DESIGN" not in html
