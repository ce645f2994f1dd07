"""Rows of the public claims export, shared by the CSV and JSON downloads."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable

from claims.claimreview import public_rationale, published_on
from claims.models import Claim

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
]


def export_row(claim: Claim, absolute: Callable[[str], str]) -> dict:
    """One claim as exported. `claim` needs question__document loaded and with_counts() annotations."""
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
        "match_group": claim.match_group,  # issue 13
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


def to_csv(rows: Iterable[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_cell(value) for key, value in row.items()})
    return out.getvalue()


def to_json(rows: Iterable[dict], **meta) -> str:
    rows = list(rows)
    return json.dumps({**meta, "count": len(rows), "claims": rows}, ensure_ascii=False, indent=1)
