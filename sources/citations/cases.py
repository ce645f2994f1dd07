"""Case law, through eyecite (Free Law Project's citation parser, with reporters-db).

eyecite finds "Printz v. United States, 521 U.S. 898 (1997)" and knows,
from reporters-db, every spelling of every reporter ("U. S.", "S.Ct.",
"F. 3d"). The canonical citation of a case is its reporter citation as
eyecite corrects it ("521 U.S. 898"): the case name is spelt many ways
("Printz v. U.S.") and the year is often left off, so neither can be part
of the key sources are unique on. The name and year go into the title.

The URL is CourtListener's citation look-up, https://www.courtlistener.com/c/U.S./521/898/,
which redirects to the opinion (or lists the candidates) when followed: no
API call is made while parsing.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from sources.citations.base import ParsedCitation, bounds

COURTLISTENER_CITATION = "https://www.courtlistener.com/c/{reporter}/{volume}/{page}/"

CASE_NEEDS_REPORTER = (
    "a case is cited by its reporter citation: volume, reporter and first page, as in "
    "\"Printz v. United States, 521 U.S. 898 (1997)\"; the case name alone does not say which decision"
)
SHORT_FORM = (
    "{form!r} is a short form that points back to a full citation given earlier; type the full citation "
    "(\"Printz v. United States, 521 U.S. 898 (1997)\"), with the page in the pinpoint box if needed"
)

# Reporters of federal courts; other reporters are a state's (or a region's).
_FEDERAL_REPORTERS = re.compile(
    r"^(U\.S\.|S\. Ct\.|L\. Ed\.( 2d)?|F\.( ?\dd| \dth)?|F\. Supp\.( \dd)?|F\. App'x|B\.R\.)$"
)
_NC_REPORTERS = re.compile(r"^N\.C\.( App\.)?$")
_CASE_NAME = re.compile(r"\bv\.? ")


def _jurisdiction(reporter: str, court: str | None) -> str:
    if _FEDERAL_REPORTERS.match(reporter) or court == "scotus" or re.fullmatch(r"ca(\d+|dc|fc)", court or ""):
        return "US"
    if _NC_REPORTERS.match(reporter) or (court or "").startswith("nc"):
        return "NC"
    return ""


def _full_cites(text: str) -> list:
    from eyecite import get_citations
    from eyecite.models import FullCaseCitation

    return [c for c in get_citations(text) if isinstance(c, FullCaseCitation)]


def _to_parsed(cite, text: str, start: int, end: int) -> ParsedCitation:
    groups = cite.groups
    reporter = cite.edition_guess.short_name if cite.edition_guess else groups["reporter"]
    canonical = f"{groups['volume']} {reporter} {groups['page']}"
    name = text[start : cite.span()[0]].strip().rstrip(",").strip()
    meta = cite.metadata
    title = canonical
    if name:
        title = f"{' '.join(name.split())}, {canonical}"
    tail = text[cite.span()[1] : end]
    paren = re.search(r"\(([^()]*\d{4})\)\s*$", tail)
    if paren:
        title += f" ({' '.join(paren.group(1).split())})"
    url = COURTLISTENER_CITATION.format(
        reporter=quote(reporter, safe="."), volume=groups["volume"], page=groups["page"]
    )
    return ParsedCitation(
        canonical=canonical,
        pinpoint=(meta.pin_cite or "").lstrip(", ").removeprefix("at ").strip(),
        kind="case",
        jurisdiction=_jurisdiction(reporter, meta.court),
        url=url,
        title=title,
        text=text[start:end],
        span=(start, end),
    )


def parse(text: str) -> ParsedCitation | None:
    """``text`` as a whole as one full case citation ("Printz v. United States, 521 U.S. 898 (1997)"), or None."""
    if not text or not re.search(r"\d", text):
        return None
    for start, end in bounds(text):
        cites = _full_cites(text[:end])
        if len(cites) != 1:
            continue
        cite = cites[0]
        cite_start, cite_end = cite.full_span()
        if cite_start <= start and cite_end >= end:
            return _to_parsed(cite, text, start, end)
    return None


def find(text: str) -> list[ParsedCitation]:
    """Every full case citation in a passage, each spanning its name (when eyecite finds one) to its year."""
    if not text or not re.search(r"\d", text):
        return []
    found = []
    for cite in _full_cites(text):
        start, end = cite.full_span()
        found.append(_to_parsed(cite, text, start, end))
    return found


def hint(text: str) -> str:
    """Why a case-like ``text`` is not a case citation, or ""."""
    from eyecite import get_citations
    from eyecite.models import IdCitation, ShortCaseCitation, SupraCitation

    stripped = text.strip()
    for cite in get_citations(stripped):
        if isinstance(cite, (ShortCaseCitation, IdCitation, SupraCitation)):
            return SHORT_FORM.format(form=stripped)
    if re.search(r"\bsupra\b", stripped, re.I) or re.match(r"(?i)id\.( at \d+)?$", stripped):
        return SHORT_FORM.format(form=stripped)
    if _CASE_NAME.search(stripped) and not _full_cites(stripped):
        return CASE_NEEDS_REPORTER
    return ""
