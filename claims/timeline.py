"""A claim's public status history: its status changes, newest first, bounded on the claim page.

A claim reopened and republished a thousand times has thousands of history
rows; the claim page shows the latest few and links to the full history,
which is paginated. The database finds the changes (a window function
comparing each row's status with the one before), so neither page reads more
rows than it shows.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import F, Value, Window
from django.db.models.functions import Coalesce, Lag

from claims.models import Claim, ClaimStatus

# Entries on the claim page; the rest are on its history pages.
LATEST_ON_CLAIM_PAGE = 10
HISTORY_PAGE_SIZE = 50


@dataclass(frozen=True)
class TimelineEntry:
    when: object
    status: ClaimStatus
    first: bool


def status_changes(claim_id: int):
    """(history_date, status, previous status or "") of each status change of a claim, newest first.

    Saves that kept the status are left out; the first row ("recorded as") has
    no previous status.
    """
    order = [F("history_date").asc(), F("history_id").asc()]
    return (
        Claim.history.filter(id=claim_id)
        .annotate(previous=Coalesce(Window(Lag("status"), order_by=order), Value("")))
        .exclude(previous=F("status"))
        .order_by("-history_date", "-history_id")
        .values_list("history_date", "status", "previous")
    )


def entries(rows) -> list[TimelineEntry]:
    return [TimelineEntry(when, ClaimStatus(status), first=not previous) for when, status, previous in rows]


def latest(claim_id: int) -> tuple[list[TimelineEntry], bool]:
    """The latest LATEST_ON_CLAIM_PAGE changes, and whether there are older ones (one query)."""
    rows = list(status_changes(claim_id)[: LATEST_ON_CLAIM_PAGE + 1])
    return entries(rows[:LATEST_ON_CLAIM_PAGE]), len(rows) > LATEST_ON_CLAIM_PAGE


def history_page(claim_id: int, number):
    """One page of the full history (a Paginator page; its object_list is TimelineEntry)."""
    page = Paginator(status_changes(claim_id), HISTORY_PAGE_SIZE).get_page(number)
    page.object_list = entries(page.object_list)
    return page
