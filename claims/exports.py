"""Rows of the public claims export, shared by the CSV and JSON downloads."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from claims.claimreview import public_rationale, published_on
from claims.models import Claim, Flag
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
]


def export_row(claim: Claim, absolute: Callable[[str], str]) -> dict:
    """One claim as exported. `claim` comes from export_queryset() (document loaded, counts annotated)."""
    document = claim.question.document
    return {
        "id": claim.pk,
        "url": absolute(claim.get_absolute_url()),
        "document": document.title,
        "document_url": absolute(document.get_absolute_url()),
        "question_number": claim.question.number,
        "position": claim.position,
        "quote": claim.quote,
        "start": claim.start,
        "end": claim.end,
        "statement": claim.statement,
        "status": claim.status,
        "status_label": claim.get_status_display(),
        "rationale": public_rationale(claim),
        "reviewed_on": published_on(claim),
        "citation_count": claim.citation_count,
        "open_flag_count": claim.open_flag_count,
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
        claims.select_related("question__document")
        .only(
            "id", "position", "quote", "start", "end", "statement", "status", "rationale", "reviewed_at",
            "question__number", "question__document__title", "question__document__slug",
        )
        .annotate(
            citation_count=Coalesce(Subquery(citations.values("n")), 0),
            open_flag_count=Coalesce(Subquery(flags.values("n")), 0),
        )
        .order_by("question__document__title", "question__document_id", "question__number", "position", "pk")
    )
