"""Cut an answer into plain text and claim spans, for highlighting claims in place,
and a claim's text into plain text and linked citations.

Pure functions over the answer text and claim offsets (W3C Web Annotation's
TextPositionSelector idea). Templates escape every piece; nothing here marks
imported text safe.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from claims.models import ClaimStatus

_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")

@dataclass(frozen=True)
class Segment:
    """A run of answer text; `claim` is set when the run is that claim's quote."""

    text: str
    claim: object | None = None


def locate(text: str, claim) -> tuple[int, int] | None:
    """The claim's span in `text`: its offsets when they still hold the quote, else the quote's first occurrence."""
    if text[claim.start : claim.end] == claim.quote:
        return claim.start, claim.end
    found = text.find(claim.quote) if claim.quote else -1
    return (found, found + len(claim.quote)) if found != -1 else None


def segments(text: str, claims: Iterable) -> list[Segment]:
    """Split `text` into plain runs and claim runs, in order, covering every character exactly once.

    A claim that overlaps an earlier one keeps only its part after the earlier
    one ends, so no text is shown twice; a claim whose quote is no longer in
    the text is left out.
    """
    spans = sorted(
        ((span, claim) for claim in claims if (span := locate(text, claim)) is not None),
        key=lambda item: item[0],
    )
    out: list[Segment] = []
    pos = 0
    for (start, end), claim in spans:
        start = max(start, pos)
        if end <= start:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], claim))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def paragraphs(text: str, claims: Iterable = ()) -> list[list[Segment]]:
    """`segments` grouped into paragraphs at blank lines (single line breaks stay inside a paragraph)."""
    result: list[list[Segment]] = [[]]
    for segment in segments(text, claims):
        if segment.claim is not None:
            result[-1].append(segment)
            continue
        for i, part in enumerate(_BLANK_LINE.split(segment.text)):
            if i:
                result.append([])
            if part:
                result[-1].append(Segment(part))
    return [paragraph for paragraph in result if paragraph]


@dataclass(frozen=True)
class Linked:
    """A run of text; a citation found in it carries the `url` it links to and the `title` it cites."""

    text: str
    url: str = ""
    title: str = ""
    external: bool = False


def link_citations(text: str, found: Iterable, url_for) -> list[Linked]:
    """Split `text` into plain runs and the citations `found` in it, each linked to `url_for(citation)`.

    `found` are sources.citations.find_citations results for `text` (in order,
    not overlapping, `text[span[0]:span[1]] == citation.text`). `url_for`
    returns (url, external); a citation it gives no URL for, or whose span no
    longer matches, stays plain text. The runs cover every character once.
    """
    out: list[Linked] = []
    pos = 0
    for citation in found:
        start, end = citation.span
        if start < pos or text[start:end] != citation.text:
            continue
        url, external = url_for(citation)
        if not url:
            continue
        if start > pos:
            out.append(Linked(text[pos:start]))
        where = f" {citation.pinpoint}" if citation.pinpoint else ""
        out.append(Linked(text[start:end], url, f"{citation.canonical}{where}", external))
        pos = end
    if pos < len(text):
        out.append(Linked(text[pos:]))
    return out


@dataclass(frozen=True)
class StatusCount:
    status: ClaimStatus
    count: int
    total: int
    # Claims counted before this status, so a bar can place its part without inline style.
    before: int = 0

    @property
    def label(self) -> str:
        return self.status.label

    @property
    def colour(self) -> str:
        return self.status.colour

    @property
    def meaning(self) -> str:
        return self.status.meaning


def status_counts(statuses: Iterable[str] | Counter, *, include_empty: bool = False) -> list[StatusCount]:
    """Counts per status in ClaimStatus order, from status values or a ready Counter."""
    counter = statuses if isinstance(statuses, Counter) else Counter(statuses)
    total = sum(counter.values())
    counts, before = [], 0
    for status in ClaimStatus:
        count = counter.get(status.value, 0)
        if include_empty or count:
            counts.append(StatusCount(status, count, total, before))
        before += count
    return counts
