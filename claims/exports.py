"""Rows of the public claims export, shared by the CSV and JSON downloads."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from collections.abc import Callable, Iterable, Iterator

from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.db.models.functions import Coalesce

from claims.claimreview import public_rationale, published_on
from claims.models import ClaimStatus, Flag
from sources.models import Citation

FIELDS = [
    "id",
    "url",
    "document",
    "document_url",
    "question_number",
    "position",
    "quote",
    "start",
    "end",
    "statement",
    "status",
    "status_label",
    "rationale",
    "reviewed_on",
    "citation_count",
    "open_flag_count",
    "match_group",  # issue 13: claims matched across documents share it (empty when found nowhere else)
    # Issue 11: the last version of its page a removed claim was in (empty while it is on the page):
    # its verdict stays in the export, about the earlier text.
    "removed_after_version",
]


# Read per exported claim, as plain tuples: building a model instance and reversing
# two URLs per row was most of an export's time.
_VALUES = [
    "pk", "position", "quote", "start", "end", "statement", "status", "rationale", "reviewed_at",
    "question__number", "question__document__title", "question__document__slug",
    "citation_count", "open_flag_count", "match_group", "removed_after_version",
]


@dataclass(frozen=True)
class _Verdict:
    """The fields claimreview's public_rationale and published_on read, without a model instance."""

    status: str
    reviewed_at: object
    rationale: str

    @property
    def status_choice(self) -> ClaimStatus:
        return ClaimStatus(self.status)


def export_rows(claims, absolute: Callable[[str], str]) -> Iterator[dict]:
    """Each claim of export_queryset(claims) as exported, streamed from the database in batches."""
    claim_url = absolute(reverse("claims:detail", kwargs={"pk": 1})).removesuffix("1/")
    document_url = absolute(reverse("faq:detail", kwargs={"slug": "x"})).removesuffix("x/")
    rows = export_queryset(claims).values_list(*_VALUES).iterator(chunk_size=2000)
    for (pk, position, quote, start, end, statement, status, rationale, reviewed_at,
         number, title, slug, citation_count, open_flag_count, match_group, removed_after_version) in rows:
        verdict = _Verdict(status, reviewed_at, rationale)
        yield {
            "id": pk,
            "url": f"{claim_url}{pk}/",
            "document": title,
            "document_url": f"{document_url}{slug}/",
            "question_number": number,
            "position": position,
            "quote": quote,
            "start": start,
            "end": end,
            "statement": statement,
            "status": status,
            "status_label": verdict.status_choice.label,
            "rationale": public_rationale(verdict),
            "reviewed_on": published_on(verdict),
            "citation_count": citation_count,
            "open_flag_count": open_flag_count,
            "match_group": match_group,  # the same claim in other documents (claims/matching/)
            "removed_after_version": removed_after_version,
        }


# A spreadsheet runs a cell that starts with one of these as a formula. Imported
# text is data, so in the CSV such a cell is prefixed with an apostrophe (OWASP's
# advice for CSV injection); the JSON export keeps every text exactly as stored.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Line:
    """A file-like target for csv.writer that hands back each line it is given."""

    def write(self, text: str) -> str:
        return text


def csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    """The CSV export, one line at a time (for a streaming response)."""
    writer = csv.DictWriter(_Line(), fieldnames=FIELDS, lineterminator="\r\n")
    yield writer.writeheader()
    for row in rows:
        yield writer.writerow({key: csv_cell(value) for key, value in row.items()})


def to_csv(rows: Iterable[dict]) -> str:
    return "".join(csv_lines(rows))


def json_chunks(rows: Iterable[dict], **meta) -> Iterator[str]:
    """The JSON export in pieces: the metadata, each claim, then the count of claims written."""
    head = json.dumps(meta, ensure_ascii=False, indent=1)
    yield head[:-2] + ',\n "claims": [' if meta else '{\n "claims": ['
    count = 0
    for row in rows:
        yield ("\n" if count == 0 else ",\n") + json.dumps(row, ensure_ascii=False)
        count += 1
    yield f'\n ],\n "count": {count}\n}}\n'


def to_json(rows: Iterable[dict], **meta) -> str:
    return "".join(json_chunks(rows, **meta))


def export_queryset(claims):
    """The filtered claims as the exports read them: in document order, each with its counts.

    The counts are correlated subqueries, so a streamed export never groups the
    whole table; the document's full text is never loaded.
    """
    citations = Citation.objects.filter(claim=OuterRef("pk")).order_by().values("claim").annotate(n=Count("pk"))
    flags = Flag.objects.open().filter(claim=OuterRef("pk")).order_by().values("claim").annotate(n=Count("pk"))
    return (
        claims.annotate(
            citation_count=Coalesce(Subquery(citations.values("n")), 0),
            open_flag_count=Coalesce(Subquery(flags.values("n")), 0),
        )
        .order_by("question__document__title", "question__document_id", "question__number", "position", "pk")
    )
