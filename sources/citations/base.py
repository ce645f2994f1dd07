"""What every citation parser of the package returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParsedCitation:
    """One recognised citation.

    ``canonical`` is the de-duplication key of the source (never with the
    pinpoint); ``text`` and ``span`` locate the citation as typed, so
    ``passage[span[0]:span[1]] == text``.
    """

    canonical: str
    pinpoint: str
    kind: str
    jurisdiction: str
    url: str
    title: str
    popular_name: str = ""
    text: str = ""
    span: tuple[int, int] = (0, 0)


# Whitespace and punctuation that may trail a citation typed on its own.
TRAILING = ".,;:"


def bounds(text: str) -> list[tuple[int, int]]:
    """Candidate (start, end) of a lone citation: trimmed, then without trailing punctuation."""
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    found = [(start, end)]
    stripped = text[start:end].rstrip(TRAILING + " \t\r\n")
    if start + len(stripped) != end:
        found.append((start, start + len(stripped)))
    return [(s, e) for s, e in found if e > s]
