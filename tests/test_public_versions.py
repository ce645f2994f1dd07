"""The public view of change: the document says when it changed, versions are listed, viewed and compared."""

import json
import re

import pytest

from claims.models import VERDICT_VALUES, Claim
from claims.seed import load_seed_documents
from claims.seed_review import load_seed_review
from faq.importing import ImportOptions, import_faq_text
from faq.models import Document
from faq.publishing import set_published

SLUG = "state-benefits-data-sharing-with-ice-in-north-carolina"
MOVED = "State benefits data is shared with ICE in North Carolina on a regular basis."
GONE = "The frequency of this data sharing can vary depending on specific policies and agreements between the state agencies and ICE."


def mark_of(html, claim):
    """The <mark> of `claim` in the compared diff, from its opening tag to its </mark>."""
    match = re.search(rf'<mark class="claim-mark [^"]*" title="Claim {claim.pk}: [^"]*">.*?</mark>', html, re.S)
    assert match, f"claim {claim.pk} is not marked in the diff"
    return match.group(0)


@pytest.fixture
def changed(db, seed_text):
    """The seed, reviewed, then a second version: one verdict's wording edited (with markup), one sentence gone."""
    load_seed_documents()
    load_seed_review()
    edited = Claim.objects.filter(status__in=VERDICT_VALUES).exclude(quote__endswith=")").first()
    text = seed_text.replace(edited.quote, edited.quote.rstrip(".") + " <script>x</script>.")
    text = text.replace(" " + GONE, "")
    import_faq_text(text, name="v2.txt", options=ImportOptions(slug=SLUG))
    edited.refresh_from_db()
    return Document.objects.get(slug=SLUG), edited, Claim.objects.get(quote=GONE)


def test_the_document_page_says_when_it_changed_and_hides_removed_claims(client, changed, django_assert_num_queries):
    document, edited, gone = changed
    with django_assert_num_queries(5):
        html = client.get(document.get_absolute_url()).content.decode()
    assert "1 edited, 1 removed" in html and f"/faq/{SLUG}/versions/" in html
    assert f'id="c{gone.pk}"' not in html and f'id="c{edited.pk}"' in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x</script>" not in html


def test_the_versions_page_lists_every_version(client, changed, django_assert_num_queries):
    with django_assert_num_queries(3):
        html = client.get(f"/faq/{SLUG}/versions/").content.decode()
    assert "Version 2" in html and "Version 1" in html and f"/faq/{SLUG}/compare/1/2/" in html


def test_each_version_shows_its_own_text(client, changed, django_assert_num_queries):
    with django_assert_num_queries(4):
        first = client.get(f"/faq/{SLUG}/versions/1/").content.decode()
    assert GONE in first
    assert GONE not in client.get(f"/faq/{SLUG}/versions/2/").content.decode()


def test_two_versions_compare_as_an_escaped_diff_with_the_claims_marked(client, changed, django_assert_num_queries):
    document, edited, gone = changed
    with django_assert_num_queries(4):
        html = client.get(f"/faq/{SLUG}/compare/1/2/").content.decode()
    assert "<script>x" not in html
    # Each changed claim is marked inside the diff, not listed beside it: its mark holds its text.
    removed = mark_of(html, gone)
    assert f'<a class="mark-tag" href="/claims/{gone.pk}/">Removed claim {gone.pk} · {gone.get_status_display()}</a>' in removed
    assert f"<del>{GONE.rstrip('.')}" in removed
    assert f'class="claim-mark mark-removed st-{gone.status}"' in removed
    changed_mark = mark_of(html, edited)
    assert f">Edited claim {edited.pk} · {edited.get_status_display()}</a>" in changed_mark
    assert "<ins> &lt;script&gt;x&lt;/script&gt;</ins>" in changed_mark
    assert 'class="claim-changes"' not in html  # no table of changes beside the diff
    assert client.get(f"/faq/{SLUG}/compare/2/1/").status_code == 404
    assert client.get(f"/faq/{SLUG}/versions/9/").status_code == 404


def test_a_removed_claim_says_so_at_the_top_and_keeps_its_verdict_public(client, changed):
    document, edited, gone = changed
    html = client.get(gone.get_absolute_url()).content.decode()
    assert "This claim is no longer on the page: it was last seen in" in html
    assert html.index("no longer on the page") < html.index("<h1")
    assert gone.quote in html


def test_an_edited_claim_shows_its_wording_in_each_version_and_claimreview_rates_the_old_text(client, changed):
    document, edited, gone = changed
    html = client.get(edited.get_absolute_url()).content.decode()
    assert "Wording in each version" in html and "wording changed after this verdict" in html
    from claims.claimreview import claim_review

    review = claim_review(edited, url="https://x.test/c", document_url="https://x.test/d", author={})
    assert review["claimReviewed"] == edited.reviewed_quote and "<script>" not in review["claimReviewed"]
    assert "<script>" in edited.quote  # the page's new wording, which no verdict has rated yet


def test_a_gone_page_is_shown_as_no_longer_available(client, changed):
    from django.utils import timezone

    document = changed[0]
    Document.objects.filter(pk=document.pk).update(gone_since=timezone.now(), gone_reason="HTTP 404 Not Found")
    html = client.get(document.get_absolute_url()).content.decode()
    assert "The page is no longer available at its address since" in html


def test_unpublished_documents_have_no_public_versions(client, changed):
    set_published(Document.objects.filter(slug=SLUG), user=None, published=False)
    for url in (f"/faq/{SLUG}/versions/", f"/faq/{SLUG}/versions/1/", f"/faq/{SLUG}/compare/1/2/"):
        assert client.get(url).status_code == 404


def test_home_counts_the_current_texts_claims_and_tells_removed_ones_apart(client, changed, django_assert_num_queries):
    document, edited, gone = changed
    current = Claim.objects.filter(question__document=document, removed_after_version__isnull=True)
    with django_assert_num_queries(4):  # the data version, the documents, their claims by status, their questions
        html = client.get("/").content.decode()
    assert f"{current.count()} claims on the page now" in html
    assert f'<a href="/claims/?document={SLUG}&amp;removed=removed">1 removed from the page</a>' in html
    # The bar's parts add up to the current claims: the removed claim's status is not in them.
    label = re.search(r'<svg class="bar"[^>]*aria-label="([^"]*)"', html).group(1)
    assert sum(int(n) for n in re.findall(r": (\d+)", label)) == current.count()


def test_the_claims_table_lists_current_claims_and_offers_the_removed_ones(client, changed, django_assert_num_queries):
    document, edited, gone = changed
    row = f'<a href="/claims/{gone.pk}/">#{gone.pk}</a>'
    with django_assert_num_queries(4):  # no rows, so no citation or flag counts: the filter costs no query
        html = client.get(f"/claims/?sort=id&q={gone.quote[:30]}").content.decode()
    assert row not in html
    with django_assert_num_queries(6):  # as the table's other pages (test_public_table)
        html = client.get(f"/claims/?removed=removed&q={gone.quote[:30]}").content.decode()
    assert row in html and "removed from the page (last in version 1)" in html
    both = client.get(f"/claims/?removed=all&q={gone.quote[:30]}").content.decode()
    assert row in both
    # With no parameter at all the table still leaves the removed claim out.
    assert f'href="/claims/{gone.pk}/"' not in client.get("/claims/?sort=id&last=1").content.decode()
    assert Claim.objects.filter(question__document=document).count() > 50  # (so ?last=1 is a real last page)
    # Its page and verdict stay public.
    assert client.get(gone.get_absolute_url()).status_code == 200
    # The exports apply the same filters.
    csv = b"".join(client.get("/claims/export.csv").streaming_content).decode()
    assert f"/claims/{gone.pk}/" not in csv
    csv = b"".join(client.get("/claims/export.csv?removed=removed").streaming_content).decode()
    assert f"/claims/{gone.pk}/" in csv
    # ...and say which version of the page a removed claim was last in.
    rows = json.loads(b"".join(client.get("/claims/export.json?removed=all").streaming_content))["claims"]
    by_id = {row["id"]: row for row in rows}
    assert by_id[gone.pk]["removed_after_version"] == 1 and by_id[edited.pk]["removed_after_version"] is None


def test_the_compare_page_marks_new_edited_and_removed_claims_escaped_with_a_fixed_query_count(
    client, changed, seed_text, django_assert_num_queries
):
    document, edited, gone = changed
    # Version 3: many claims edited (one word each), one sentence added with markup, one more removed.
    v2 = document.versions.get(number=2).body
    claims = list(Claim.objects.filter(question__document=document, removed_after_version__isnull=True,
                                       quote__contains=" data ").exclude(pk=edited.pk).order_by("pk")[:25])
    text = v2
    for claim in claims:
        text = text.replace(claim.quote, claim.quote.replace(" data ", " records ", 1), 1)
    added = "Offices post <em>hours</em> & fees online every Monday."
    first = claims[0].quote.replace(" data ", " records ", 1)
    assert first in text
    text = text.replace(first, first + " " + added, 1)
    third_gone = claims[-1]
    text = text.replace(third_gone.quote.replace(" data ", " records ", 1), "", 1)
    import_faq_text(text, name="v3.txt", options=ImportOptions(slug=SLUG))
    with django_assert_num_queries(4):  # as for one change: the data version, the document, versions, changes
        html = client.get(f"/faq/{SLUG}/compare/2/3/").content.decode()
    new = Claim.objects.get(quote=added)
    new_mark = mark_of(html, new)
    assert f">New claim {new.pk} · Unreviewed</a>" in new_mark
    assert "&lt;em&gt;hours&lt;/em&gt; &amp; fees" in new_mark and "<em>hours" not in html
    assert "mark-new" in new_mark and "<ins>" in new_mark
    assert "Removed claim" in mark_of(html, third_gone) and "<del>" in mark_of(html, third_gone)
    for claim in claims[1:-1]:
        assert f">Edited claim {claim.pk} ·" in mark_of(html, claim)
    # The claims one version removed before the compared range are not marked again.
    assert f'title="Claim {gone.pk}:' not in html
    # Every title and label says the kind in words: the colour is never alone.
    assert html.count('<mark class="claim-mark') == html.count('<a class="mark-tag"') == len(claims) + 1
    # Comparing across both versions: the claim edited in 2 and again in 3 is one mark, from v1's words to v3's.
    assert f">Edited claim {edited.pk} ·" in mark_of(client.get(f"/faq/{SLUG}/compare/1/3/").content.decode(), edited)
