"""Statutes, regulations, session laws, bills, executive orders and the Constitution, through citeurl.

Recognition is done by the ``citeurl`` library. Its built-in templates
(U.S. Code, C.F.R., public laws, Statutes at Large, Federal Register, the
Immigration and Nationality Act, North Carolina General Statutes) are
loaded, and the project's own templates in ``sources/citation_templates.yaml``
are loaded on top: they restate the built-ins the project uses with the
project's canonical names and official URLs, and add what citeurl lacks (NC
short forms such as "G.S." and "NCGS", NC session laws and bills, executive
orders by number, the Constitution, ranges, popular names). Every form is
expressed there; this module only runs the templates and shapes the results.

Rules worth knowing (all enforced by the templates):

* The canonical never includes the pinpoint: "42 U.S.C. § 1396a(a)(7)"
  gives canonical "42 U.S.C. § 1396a" and pinpoint "(a)(7)"; "U.S. Const.
  art. VI, cl. 2" gives "U.S. Const. art. VI" at "cl. 2".
* A range ("42 C.F.R. §§ 431.300-431.307") is canonicalised to its FIRST
  section, with no pinpoint. A list ("8 U.S.C. §§ 1373, 1644") is several
  citations: see ``list_item``.
* NC bills: the session year is normalised to the session's first, odd
  year ("H.B. 10 (2024)" is "H.B. 10 (2023 session)"); a bill without a
  year is ambiguous and is not a citation (``BILL_NEEDS_SESSION_YEAR``).
* Popular names give the codified citation as canonical and keep the name
  in ``popular_name``: FERPA → 20 U.S.C. § 1232g; SCAAP → 8 U.S.C. § 1231,
  pinpoint (i); "INA § 287(g)" → 8 U.S.C. § 1357, pinpoint (g); the
  Supremacy Clause → U.S. Const. art. VI, pinpoint cl. 2.
* Federal Register citations have kind "other" (a page may be a notice as
  well as a rule); a pincite ("82 Fed. Reg. 8799, 8801") becomes the pinpoint.
"""

from __future__ import annotations

import re
from dataclasses import replace
import threading
from pathlib import Path

from sources.citations.base import ParsedCitation, bounds

TEMPLATES_PATH = Path(__file__).resolve().parent.parent / "citation_templates.yaml"

# citeurl's built-in template files that the project's templates inherit
# from (caselaw is eyecite's job: see cases.py).
_BUILTIN_TEMPLATE_FILES = ("general federal law", "specific federal laws", "state law")

BILL_NEEDS_SESSION_YEAR = (
    "A bill number alone is ambiguous: each session of the General Assembly "
    "numbers its bills afresh, so different bills share a number like "
    "\"H.B. 318\". Cite a bill with its session year, e.g. \"H.B. 318 (2025)\"."
)

# A section number continuing a list after a citation: "1644" in "8 U.S.C. §§ 1373, 1644".
LIST_ITEM = re.compile(r"\d[\w.\-]*\w(\(\w{1,5}\))*|\d(\(\w{1,5}\))*")
# Templates whose citations name a section that a list may continue.
_LISTABLE = ("U.S. Code", "Code of Federal Regulations", "North Carolina General Statutes")

_citator = None
_templates: tuple = ()
_lock = threading.Lock()


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


class _Missing(dict):
    def __missing__(self, key):
        raise KeyError(key)


def _pinpoint(meta: dict, values: dict) -> str:
    template = meta.get("pinpoint")
    if not template:
        return values.get("subsection") or values.get("pincite") or ""
    try:
        return template.format_map(_Missing(values))
    except KeyError:  # the pinpoint's token was not typed: no pinpoint
        return ""


def out_of_range(cite) -> str:
    """"" or why a numbered part is past the last one ("amendment 28: the Constitution has 27")."""
    limits = cite.template.meta.get("max") or {}
    if not limits:
        return ""
    values = dict(cite.tokens)
    from citeurl.tokens import TokenOperation

    for name, highest in limits.items():
        source = name.removesuffix("_number")
        value = values.get(source)
        if not value:
            continue
        number = int(TokenOperation("number_style", "digit")(value))
        if number > int(highest):
            return f"there is no {source} {value} ({number}): the last is {highest}"
    return ""


def to_parsed(cite) -> ParsedCitation | None:
    """Shape a citeurl ``Citation`` into a ``ParsedCitation`` (None for a form that is not one)."""
    meta = cite.template.meta
    if meta.get("ambiguous") or out_of_range(cite):
        return None
    canonical = cite.name
    if not canonical:
        return None
    values = {k: v for k, v in meta.items() if isinstance(v, str)}
    values.update({k: v for k, v in cite.tokens.items() if v})
    popular_name = meta.get("popular name", "")
    if popular_name:
        popular_name = popular_name.format(**values)
    title = f"{popular_name} ({canonical})" if popular_name else canonical
    return ParsedCitation(
        canonical=canonical,
        pinpoint=_pinpoint(meta, values),
        kind=meta["kind"],
        jurisdiction=meta["jurisdiction"],
        url=cite.URL or "",
        title=title,
        popular_name=popular_name,
        text=cite.text,
        span=cite.span,
    )


def fullmatch(text: str, start: int, end: int):
    """The first project citation (a citeurl ``Citation``) spanning exactly text[start:end], ignoring case."""
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


def lone_cite(text: str):
    """The citeurl ``Citation`` that is the whole of ``text`` (trimmed, trailing punctuation aside), or None."""
    for start, end in bounds(text):
        cite = fullmatch(text, start, end)
        if cite is not None:
            return cite
    return None


def parse(text: str) -> ParsedCitation | None:
    """``text`` as a whole as one statute-like citation, or None (see ``sources.citations.parse_citation``)."""
    if not text:
        return None
    cite = lone_cite(text)
    return to_parsed(cite) if cite is not None else None


def scan(text: str, *, ignore_case: bool = False) -> list:
    """Every project citation in ``text`` as citeurl ``Citation``s, in order and not overlapping.

    Overlaps go to the match starting first, then the longest, then the
    template listed first (so "N.C.G.S. 108A-80" is one citation, not also
    "G.S. 108A-80"). Case-sensitive by default, as citations are printed, so
    ordinary words are not taken for abbreviations; typed text is matched
    ignoring case.
    """
    from citeurl import Citation

    found = []
    for priority, template in enumerate(_project_templates()):
        if ignore_case:
            cites = []
            for regex in template.broad_regexes:
                for match in regex.finditer(text):
                    try:
                        cites.append(Citation(match, template))
                    except SyntaxError:
                        continue
        else:
            cites = template.list_longform_cites(text)
        for cite in cites:
            found.append((cite.span[0], -len(cite.text), priority, cite))
    found.sort(key=lambda item: item[:3])
    kept, last_end = [], 0
    for start, _, _, cite in found:
        if start < last_end:
            continue
        last_end = cite.span[1]
        kept.append(cite)
    return kept


def list_item(cite, item: str, span: tuple[int, int], *, plural_only: bool) -> ParsedCitation | None:
    """A bare section continuing ``cite``'s list ("1644" after "8 U.S.C. §§ 1373,") as its own citation.

    The item is read as the citation's own text with the section replaced,
    so it gets the same title, code and canonical form. With
    ``plural_only`` (prose), only a list opened by "§§" or "sections" is
    continued, so "42 U.S.C. § 1396a and 20 more" does not cite § 20.
    """
    groups = cite.match.groupdict()
    if cite.template.name not in _LISTABLE or not groups.get("section"):
        return None
    # An N.C. section is chapter-section ("108A-26.1"): the item replaces both.
    first = "chapter" if groups.get("chapter") else "section"
    head = cite.source_text[cite.span[0] : cite.match.start(first)]
    if plural_only and not re.search(r"§§|(?i:sections|secs\.)", head):
        return None
    head = re.sub(r"§§", "§", head)
    parsed = parse(head + item)
    if parsed is None:
        return None
    return replace(parsed, text=item, span=span)


def is_bill_without_year(text: str) -> bool:
    """True for a lone bill number without its session year ("H.B. 318")."""
    cite = lone_cite(text) if text else None
    return cite is not None and bool(cite.template.meta.get("ambiguous"))
