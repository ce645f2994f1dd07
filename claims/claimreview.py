"""schema.org ClaimReview for published verdicts, as plain dicts ready for JSON.

Pure functions: the caller supplies absolute URLs and the author, so the
same builders serve the claim page's JSON-LD and the /claimreview.json feed.
Mapping: alternateName is the status label; ratingValue on a 1–5
scale where one exists (none for unverifiable); bestRating 5, worstRating 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.utils import timezone

from claims.models import Claim, ClaimStatus

CONTEXT = "https://schema.org"
BEST_RATING = 5
WORST_RATING = 1


def is_published(claim: Claim) -> bool:
    """A claim carries a ClaimReview once it holds a verdict with a publication time."""
    return claim.status_choice.is_verdict and claim.reviewed_at is not None


def public_rationale(claim: Claim) -> str:
    """The rationale a reader may see: a published verdict's, or why a claim is not checkable.

    While a claim is in review its rationale is a draft of an unpublished verdict.
    """
    if is_published(claim) or claim.status == ClaimStatus.NOT_CHECKABLE:
        return claim.rationale
    return ""


def published_on(claim: Claim) -> str | None:
    """The verdict's publication date (ISO 8601), or None."""
    return _date(claim.reviewed_at) if is_published(claim) else None


def review_rating(status: ClaimStatus) -> dict:
    rating = {"@type": "Rating", "alternateName": status.label}
    if status.rating_value is not None:
        rating["ratingValue"] = status.rating_value
    rating["bestRating"] = BEST_RATING
    rating["worstRating"] = WORST_RATING
    return rating


def _date(moment: datetime) -> str:
    return timezone.localdate(moment).isoformat()


def claim_review(claim: Claim, *, url: str, document_url: str, author: dict, context: bool = True) -> dict:
    """One ClaimReview for a published claim.

    `url` is the claim page's absolute address, `document_url` the document
    page's; `claim.question.document` should be loaded with the claim.
    """
    if not is_published(claim):
        raise ValueError(f"claim {claim.pk} has no published verdict (status {claim.status!r})")
    document = claim.question.document
    item = {"@type": "Claim"}
    if document.source_url:
        item["appearance"] = {"@type": "CreativeWork", "url": document.source_url}
    item["firstAppearance"] = {
        "@type": "CreativeWork",
        "url": document_url,
        "name": document.title,
        "headline": document.title,
    }
    review = {"@context": CONTEXT} if context else {}
    review.update(
        {
            "@type": "ClaimReview",
            "url": url,
            # The wording the verdict was about, even after the page changed it (faq.versions).
            "claimReviewed": claim.reviewed_quote or claim.statement,
            "datePublished": published_on(claim),
            "author": dict(author),
            "reviewRating": review_rating(claim.status_choice),
            "itemReviewed": item,
        }
    )
    return review


def data_feed(
    claims: Iterable[Claim],
    *,
    feed_url: str,
    absolute: Callable[[str], str],
    author: dict,
    name: str = "ClaimLedger ClaimReview feed",
) -> dict:
    """A schema.org DataFeed of the ClaimReviews of published claims.

    `absolute` turns a site path into an absolute URL (request.build_absolute_uri).
    """
    elements = []
    newest = None
    for claim in claims:
        if not is_published(claim):
            continue
        newest = claim.reviewed_at if newest is None else max(newest, claim.reviewed_at)
        review = claim_review(
            claim,
            url=absolute(claim.get_absolute_url()),
            document_url=absolute(claim.question.document.get_absolute_url()),
            author=author,
            context=False,
        )
        elements.append(
            {
                "@type": "DataFeedItem",
                "dateModified": claim.reviewed_at.isoformat(),
                "item": review,
            }
        )
    feed = {"@context": CONTEXT, "@type": "DataFeed", "name": name, "url": feed_url}
    if newest is not None:
        feed["dateModified"] = newest.isoformat()
    feed["dataFeedElement"] = elements
    return feed
