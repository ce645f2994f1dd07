"""Helpers for the public-site tests: set statuses and evidence straight through the ORM.

Statuses are written with queryset.update() plus a history row, the record a
workflow transition leaves, so these tests do not depend on claims.workflow.
"""

from datetime import datetime, timezone

from claims.models import Claim

PUBLIC_URLS = [
    "/",
    "/faq/{slug}/",
    "/claims/",
    "/claims/export.csv",
    "/claims/export.json",
    "/claims/{claim}/",
    "/sources/",
    "/sources/{source}/",
    "/claimreview.json",
]

REVIEWED_AT = datetime(2025, 3, 14, 15, 9, tzinfo=timezone.utc)


def claims_of(document) -> list[Claim]:
    return list(Claim.objects.filter(question__document=document).order_by("question__number", "position"))


def set_status(claim, status, *, rationale="", finding="", reviewed_at=None, reviewed_by=None, when=None) -> Claim:
    """Give `claim` a status as a transition would, recording one history row dated `when` (default now)."""
    Claim.objects.filter(pk=claim.pk).update(
        status=status, rationale=rationale, finding=finding, reviewed_at=reviewed_at, reviewed_by=reviewed_by
    )
    claim.refresh_from_db()
    Claim.history.bulk_history_create([claim], update=True, default_date=when or datetime.now(timezone.utc))
    return claim


def publish(
    claim,
    status,
    *,
    rationale="Checked against the statute.",
    finding="The statute says otherwise.",
    reviewed_by=None,
    reviewed_at=REVIEWED_AT,
):
    return set_status(
        claim, status, rationale=rationale, finding=finding, reviewed_at=reviewed_at, reviewed_by=reviewed_by
    )


def body(response) -> bytes:
    """A response's body, whether rendered whole or streamed (the exports stream)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def get_json(client, url):
    import json

    return json.loads(body(client.get(url)))
