"""Recognise legal citations and turn them into canonical sources.

Reviewers type a citation in whatever form they are used to ("20 USC
1232g", "G.S. 108A-80(a)", "P.L. 104-193", "FERPA", "INA § 287(g)", ...);
this module returns the canonical citation, the pinpoint, the kind of
source and its official URL. Pure functions: no Django, no database.

Recognition is done by the ``citeurl`` library. Its built-in templates
(U.S. Code, C.F.R., public laws, Statutes at Large, Federal Register, the
Immigration and Nationality Act, North Carolina General Statutes) are
loaded, and the project's own templates in ``citation_templates.yaml``
(next to this file) are loaded on top: they restate the built-ins the
project uses with the project's canonical names and official URLs, and
add what citeurl lacks (NC short forms such as "G.S." and "NCGS", NC
session laws and bills, ranges, popular names). Every form is expressed
there; this module only runs the templates and shapes the results.

Rules worth knowing (all enforced by the templates):

* The canonical never includes the pinpoint: "42 U.S.C. § 1396a(a)(7)"
  gives canonical "42 U.S.C. § 1396a" and pinpoint "(a)(7)". Every
  spelling of one section gives the same canonical, since the app
  de-duplicates sources on it.
* A range ("42 C.F.R. §§ 431.300-431.307", "N.C. Gen. Stat. §§ 108A-80 to
  -81") is canonicalised to its FIRST section, with no pinpoint.
* NC bills: a General Assembly session spans two years (2023-2024) and
  numbers its bills once, so "House Bill 10 (2024)" is the same bill as
  "H.B. 10 (2023)". The year is normalised to the session's first, odd
  year, which is also the year the GA's bill lookup uses: both give
  canonical "H.B. 10 (2023 session)" and URL
  https://www.ncleg.gov/BillLookUp/2023/H10. An odd year is kept as typed.
  A bill without a year ("H.B. 318") is ambiguous and is not a citation;
  see ``BILL_NEEDS_SESSION_YEAR`` and ``citation_hint``.
* NC session laws keep the year as typed ("S.L. 2024-55"); their URL
  folder is the biennium (2024 → 2023-2024).
* Popular names give the codified citation as canonical and keep the name
  in ``popular_name``: FERPA → 20 U.S.C. § 1232g; SCAAP → 8 U.S.C. § 1231,
  pinpoint (i); HIPAA → Pub. L. 104-191; PRWORA → Pub. L. 104-193;
  "INA § 287(g)" → 8 U.S.C. § 1357, pinpoint (g). A spelled-out name with
  its acronym, "Family Educational Rights and Privacy Act (FERPA)", is one
  citation.
* Federal Register citations have kind "other"; a pincite
  ("82 Fed. Reg. 8799, 8801") becomes the pinpoint "8801".
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BILL_NEEDS_SESSION_YEAR",
    "ParsedCitation",
    "citation_hint",
    "find_citations",
    "get_citator",
    "parse_citation",
]

TEMPLATES_PATH = Path(__file__).with_name("citation_templates.yaml")

# citeurl's built-in template files that the project's templates inherit
# from (caselaw and secondary sources are not needed).
_BUILTIN_TEMPLATE_FILES = ("general federal law", "specific federal laws", "state law")

BILL_NEEDS_SESSION_YEAR = (
    "A bill number alone is ambiguous: each session of the General Assembly "
    "numbers its bills afresh, so different bills share a number like "
    "\"H.B. 318\". Cite a bill with its session year, e.g. \"H.B. 318 (2025)\"."
)

# Whitespace and punctuation that may trail a citation typed on its own.
_TRAILING = ".,;:"

_citator = None
_templates: tuple = ()
_lock = threading.Lock()


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


def get_citator():
    """Return the module's citeurl ``Citator``, building it on first use.

    Building compiles every template's regexes and takes a noticeable
    fraction of a second, so it happens once per process (thread-safe).
    The citator holds citeurl's built-in templates plus the project's
    ``citation_templates.yaml``; only the project's templates (those whose
    meta declares a ``kind``) are used for matching.
    """
    global _citator, _templates
    if _citator is None:
        with _lock:
            if _citator is None:
                from citeurl import Citator

                citator = Citator(
                    defaults=list(_BUILTIN_TEMPLATE_FILES),
                    yaml_paths=[TEMPLATES_PATH],
                )
                _templates = tuple(t for t in citator if t.meta.get("kind"))
                _citator = citator
    return _citator


def _project_templates() -> tuple:
    get_citator()
    return _templates


def _to_parsed(cite) -> ParsedCitation | None:
    """Shape a citeurl ``Citation`` into a ``ParsedCitation`` (or None)."""
    meta = cite.template.meta
    if meta.get("ambiguous"):
        return None
    canonical = cite.name
    if not canonical:
        return None
    values = dict(meta)
    values.update({k: v for k, v in cite.tokens.items() if v})
    pinpoint = values.get("subsection") or values.get("pincite") or ""
    popular_name = meta.get("popular name", "")
    if popular_name:
        popular_name = popular_name.format(**values)
    title = f"{popular_name} ({canonical})" if popular_name else canonical
    return ParsedCitation(
        canonical=canonical,
        pinpoint=pinpoint,
        kind=meta["kind"],
        jurisdiction=meta["jurisdiction"],
        url=cite.URL or "",
        title=title,
        popular_name=popular_name,
        text=cite.text,
        span=cite.span,
    )


def _fullmatch(text: str, start: int, end: int):
    """The first project citation spanning exactly text[start:end]."""
    from citeurl import Citation

    for template in _project_templates():
        for regex in template.broad_regexes:  # case-insensitive
            match = regex.fullmatch(text, start, end)
            if not match:
                continue
            try:
                return Citation(match, template)
            except SyntaxError:  # a mandatory token edit rejected it
                continue
    return None


def _bounds(text: str) -> list[tuple[int, int]]:
    """Candidate (start, end) of a lone citation: trimmed, then without
    trailing punctuation."""
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    bounds = [(start, end)]
    stripped = text[start:end].rstrip(_TRAILING + " \t\r\n")
    if start + len(stripped) != end:
        bounds.append((start, start + len(stripped)))
    return [(s, e) for s, e in bounds if e > s]


def parse_citation(text: str) -> ParsedCitation | None:
    """Parse a string that is, as a whole, one citation.

    Surrounding whitespace and trailing punctuation (".,;:") are ignored
    and matching is case-insensitive. Returns None when the string is not
    exactly one recognised citation ("hello", "section 5", "see 20 U.S.C.
    § 1232g and more"), and for a bill without its session year ("H.B.
    318"), which is ambiguous: ``citation_hint`` explains that case.
    ``span`` is relative to ``text`` as given.
    """
    if not text:
        return None
    for start, end in _bounds(text):
        cite = _fullmatch(text, start, end)
        if cite is not None:
            return _to_parsed(cite)
    return None


def find_citations(text: str) -> list[ParsedCitation]:
    """Find every citation in a passage, in order of appearance.

    Matching is case-sensitive (as citations are printed), so ordinary
    words are not mistaken for abbreviations. Overlapping matches are
    resolved in favour of the one starting first, then the longest (so
    "N.C.G.S. 108A-80" is one citation, not also "G.S. 108A-80"). Bills
    without a session year are skipped. Each result's ``span`` satisfies
    ``text[span[0]:span[1]] == result.text``; results never overlap.
    """
    if not text:
        return []
    found = []
    for priority, template in enumerate(_project_templates()):
        for cite in template.list_longform_cites(text):
            found.append((cite.span[0], -len(cite.text), priority, cite))
    found.sort(key=lambda item: item[:3])

    results: list[ParsedCitation] = []
    last_end = 0
    for start, _, _, cite in found:
        if start < last_end:
            continue
        last_end = cite.span[1]
        parsed = _to_parsed(cite)
        if parsed is not None:
            results.append(parsed)
    return results


def citation_hint(text: str) -> str:
    """Explain why ``text`` is not accepted as a citation, if we can.

    Returns ``BILL_NEEDS_SESSION_YEAR`` for a bill cited without its
    session year ("H.B. 318"), and "" otherwise (including for text that
    parses as a citation).
    """
    if not text:
        return ""
    for start, end in _bounds(text):
        cite = _fullmatch(text, start, end)
        if cite is not None:
            return BILL_NEEDS_SESSION_YEAR if cite.template.meta.get("ambiguous") else ""
    return ""
