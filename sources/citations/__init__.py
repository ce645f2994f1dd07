"""Recognise legal citations and turn them into canonical sources.

Reviewers type a citation in whatever form they are used to ("20 USC
1232g", "G.S. 108A-80(a)", "E.O. 13768", "U.S. Const. amend. X", "Printz v.
United States, 521 U.S. 898 (1997)", "8 U.S.C. §§ 1373 and 1644"); this
package returns, for each citation, the canonical citation, the pinpoint,
the kind of source and its official URL. Pure functions: no Django, no
database.

Split by domain:

* ``statutes``: statutes, regulations, session laws, bills, executive
  orders and the Constitution, through citeurl and the project's templates
  in ``sources/citation_templates.yaml``;
* ``cases``: case law, through eyecite and reporters-db;
* ``hints``: what to tell a reviewer whose text is nearly a citation.

This module joins them: one citation typed alone (``parse_citation``),
several typed together (``parse_citations``), all of those in a passage
(``find_citations``), and why a text is not one (``citation_hint``).
"""

from __future__ import annotations

import re

from sources.citations import cases, statutes
from sources.citations.base import ParsedCitation, bounds
from sources.citations.hints import citation_hint
from sources.citations.statutes import BILL_NEEDS_SESSION_YEAR, TEMPLATES_PATH, get_citator

__all__ = [
    "BILL_NEEDS_SESSION_YEAR",
    "TEMPLATES_PATH",
    "ParsedCitation",
    "citation_hint",
    "find_citations",
    "get_citator",
    "parse_citation",
    "parse_citations",
]

# What may stand between the citations of a list: "," ";" "and" "&" (", and" too).
_SEPARATOR = re.compile(r"\s*(?:[,;]\s*)?(?:(?:and|&)\s+)?", re.I)


def parse_citation(text: str) -> ParsedCitation | None:
    """Parse a string that is, as a whole, one citation.

    Surrounding whitespace and trailing punctuation (".,;:") are ignored
    and statute forms match ignoring case. Returns None when the string is
    not exactly one recognised citation ("hello", "section 5", "see 20
    U.S.C. § 1232g and more", "8 U.S.C. §§ 1373, 1644": see
    ``parse_citations``), and for a bill without its session year ("H.B.
    318"), which is ambiguous: ``citation_hint`` explains such cases.
    ``span`` is relative to ``text`` as given.
    """
    if not text or not text.strip():
        return None
    return statutes.parse(text) or cases.parse(text)


def parse_citations(text: str) -> list[ParsedCitation]:
    """Parse a string that is one citation or a list of them; [] when it is neither.

    A list is citations separated by ",", ";", "and" or "&", where a bare
    section continues the citation before it: "8 U.S.C. §§ 1373, 1644" and
    "8 U.S.C. §§ 1373 and 1644" are 8 U.S.C. § 1373 and 8 U.S.C. § 1644;
    "G.S. 108A-80; 42 U.S.C. § 1396a(a)(7)" is two citations of two codes.
    A range ("§§ 431.300-431.307") stays one citation. Any other word makes
    the whole text not a list (``citation_hint`` and the caller say why).
    The same citation typed twice is returned once.
    """
    one = parse_citation(text)
    if one is not None:
        return [one]
    if not text or not text.strip():
        return []
    pieces = _pieces(text, typed=True)
    results: list[ParsedCitation] = []
    previous = None  # the citeurl citation a bare section would continue
    end = bounds(text)[-1][1]
    pos = len(text) - len(text.lstrip())
    while pos < end:
        if results:
            separator = _SEPARATOR.match(text, pos, end)
            if not separator.group().strip():
                return []
            pos = separator.end()
        piece = pieces.get(pos)
        if piece is not None:
            parsed, cite = piece
            if parsed is None or parsed.span[1] > end:
                return []
            results.append(parsed)
            previous, pos = cite, parsed.span[1]
            continue
        item = statutes.LIST_ITEM.match(text, pos, end)
        if previous is None or item is None:
            return []
        parsed = statutes.list_item(previous, item.group(), item.span(), plural_only=False)
        if parsed is None:
            return []
        results.append(parsed)
        pos = item.end()
    return _unique(results) if len(results) > 1 else []


def find_citations(text: str) -> list[ParsedCitation]:
    """Find every citation in a passage, in order of appearance.

    Statute forms match case-sensitively (as citations are printed), so
    ordinary words are not mistaken for abbreviations; cases are found by
    eyecite. Overlapping matches are resolved in favour of the one starting
    first, then the longest. A list opened by "§§" or "sections" gives one
    citation per section ("8 U.S.C. §§ 1373 and 1644": the "1644" is the
    second). Bills without a session year are skipped. Each result's
    ``span`` satisfies ``text[span[0]:span[1]] == result.text``; results
    never overlap.
    """
    if not text:
        return []
    pieces = _pieces(text, typed=False)
    results: list[ParsedCitation] = []
    for start in sorted(pieces):
        parsed, cite = pieces[start]
        if parsed is None:
            continue
        if results and start < results[-1].span[1]:
            continue
        results.append(parsed)
        if cite is not None:
            results.extend(_list_continuation(text, cite, pieces))
    return results


def _list_continuation(text: str, cite, pieces: dict) -> list[ParsedCitation]:
    """The bare sections after a "§§" citation in prose: "1644" in "8 U.S.C. §§ 1373 and 1644 say"."""
    found, pos = [], cite.span[1]
    while True:
        separator = _SEPARATOR.match(text, pos)
        if not separator.group().strip() or separator.end() in pieces:
            return found
        item = statutes.LIST_ITEM.match(text, separator.end())
        if item is None or re.match(r"[\w§]", text[item.end() : item.end() + 1]):
            return found
        parsed = statutes.list_item(cite, item.group(), item.span(), plural_only=True)
        if parsed is None:
            return found
        found.append(parsed)
        pos = item.end()


def _pieces(text: str, *, typed: bool) -> dict[int, tuple]:
    """Citations in ``text`` by start: {start: (ParsedCitation or None, citeurl Citation or None)}.

    Statute forms (ignoring case when ``typed``) and eyecite's full case
    citations, without overlaps: the earlier start wins, then the longer.
    None stands for a form that is not a citation (a bill without a year).
    """
    candidates = [
        (cite.span[0], cite.span[1], statutes.to_parsed(cite), cite)
        for cite in statutes.scan(text, ignore_case=typed)
    ]
    candidates += [(case.span[0], case.span[1], case, None) for case in cases.find(text)]
    candidates.sort(key=lambda item: (item[0], -item[1]))
    pieces, last_end = {}, 0
    for start, end, parsed, cite in candidates:
        if start < last_end:
            continue
        pieces[start] = (parsed, cite)
        last_end = end
    return pieces


def _unique(found: list[ParsedCitation]) -> list[ParsedCitation]:
    seen, unique = set(), []
    for parsed in found:
        key = (parsed.canonical, parsed.pinpoint)
        if key not in seen:
            seen.add(key)
            unique.append(parsed)
    return unique
