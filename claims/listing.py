"""The public claims table: its sorts, its pages and the rows it shows.

Every sort ends with the claim's id, so ties never reorder between pages, and
pages are walked by keyset (config/paging.py): a page costs the same whether it
is the first or the last of a million claims. Each sort is served by an index:
document order by faq_document_title_idx and the (question, position)
constraint, the status sort by claims_claim_severity_idx, the id sort by the
primary key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from claims.models import Claim, ClaimStatus, Flag, severity
from config.paging import Key, KeysetPage, capped_count, keyset_page
from sources.models import Citation

PER_PAGE = 50
# The table says "more than 500 claims" rather than counting a million rows per request.
COUNT_CAP = 500

_DOCUMENT_ORDER = [
    Key("question__document__title"),
    Key("question__document_id"),
    Key("question__number"),
    Key("position"),
]

# sort parameter -> keys (the id is always added last)
SORTS = {
    "document": _DOCUMENT_ORDER,
    "id": [],
    "status": [Key("severity")],
}


@dataclass(frozen=True)
class Column:
    label: str
    sort: str | None = None
    numeric: bool = False


COLUMNS = [
    Column("Claim", "id"),
    Column("Statement"),
    Column("Document", "document"),
    Column("Question"),
    Column("Status", "status"),
    Column("Citations", numeric=True),
    Column("Open flags", numeric=True),
]


def parse_sort(value: str) -> tuple[str, bool]:
    """(sort name, descending) from ?sort=; anything unknown is the default document order."""
    name = value.removeprefix("-")
    if name not in SORTS:
        return "document", False
    return name, value.startswith("-")


def table_page(queryset, params) -> tuple[KeysetPage, dict]:
    """The page of filtered claims that `params` asks for, each row with its counts; and the header state."""
    sort, descending = parse_sort(params.get("sort", ""))
    keys = [Key(key.name, descending) for key in SORTS[sort]] or [Key("pk", descending)]
    rows = (
        queryset.select_related("question__document")
        .only(
            "id", "statement", "status", "removed_after_version", "question__number",
            "question__document__title", "question__document__slug",
        )
    )
    if sort == "status":
        rows = rows.annotate(severity=severity())
    page = keyset_page(rows, keys, params, PER_PAGE)
    _attach_counts(page.rows)
    return page, {"sort": sort, "descending": descending}


def _attach_counts(claims: list[Claim]):
    """Citation and open-flag counts for the rows of one page: two small grouped queries."""
    ids = [claim.pk for claim in claims]
    citations = flags = {}
    if ids:
        citations = dict(
            Citation.objects.filter(claim_id__in=ids).order_by().values_list("claim_id").annotate(n=Count("pk"))
        )
        flags = dict(
            Flag.objects.open().filter(claim_id__in=ids).order_by().values_list("claim_id").annotate(n=Count("pk"))
        )
    for claim in claims:
        claim.citation_count = citations.get(claim.pk, 0)
        claim.open_flag_count = flags.get(claim.pk, 0)
        claim.status_badge = ClaimStatus(claim.status)


def headers(params, sort: str, descending: bool) -> list[dict]:
    """Each column's label and, for sortable ones, the link that sorts by it (again: reversed)."""
    out = []
    for column in COLUMNS:
        header = {"column": column, "link": None, "state": ""}
        if column.sort:
            current = column.sort == sort
            query = params.copy()
            for name in ("after", "before", "last", "sort"):
                query.pop(name, None)
            query["sort"] = f"-{column.sort}" if current and not descending else column.sort
            header["link"] = query.urlencode()
            if current:
                header["state"] = "desc" if descending else "asc"
        out.append(header)
    return out


def claim_total(queryset) -> tuple[int, bool]:
    return capped_count(queryset, COUNT_CAP)
