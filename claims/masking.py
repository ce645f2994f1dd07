"""Masking the names of places, agencies and programmes out of a claim's text (pure functions).

A machine-written series repeats one sentence for every state with the name
swapped in ("In Idaho, state benefits data…" / "In Illinois, …"). Matching
compares sentences with those names replaced by a placeholder, and keeps the
names it took out: the same wording about another jurisdiction is a lead, not
the same claim.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache

# The 50 states and the District of Columbia with their postal abbreviations.
STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri",
    "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio",
    "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "DC": "District of Columbia",
}
_CODE_OF_NAME = {name.casefold(): code for code, name in STATES.items()}
_CODE_OF_NAME["washington, d.c."] = _CODE_OF_NAME["washington dc"] = "DC"

# Demonyms whose form is simple enough to list; each names its state.
DEMONYMS = {
    "North Carolinian": "NC", "South Carolinian": "SC", "Californian": "CA", "Texan": "TX", "Floridian": "FL",
    "New Yorker": "NY", "Idahoan": "ID", "Illinoisan": "IL", "Ohioan": "OH", "Oregonian": "OR",
    "Virginian": "VA", "West Virginian": "WV", "Georgian": "GA", "Coloradan": "CO", "Arizonan": "AZ",
    "Nevadan": "NV", "Iowan": "IA", "Kansan": "KS", "Minnesotan": "MN", "Alaskan": "AK", "Hawaiian": "HI",
    "Pennsylvanian": "PA", "Tennessean": "TN", "Kentuckian": "KY", "Louisianan": "LA", "Alabamian": "AL",
    "Oklahoman": "OK", "Utahn": "UT", "Vermonter": "VT", "Wisconsinite": "WI", "Michigander": "MI",
}

# State agencies and programmes named differently in every state: masked as one placeholder, so
# "the North Carolina Department of Health and Human Services" reads like "the Idaho Department of Health
# and Welfare". Federal names (ICE, Medicaid, SNAP) are the same everywhere and are left alone.
AGENCIES = (
    "Department of Health and Human Services", "Department of Health and Welfare", "Department of Human Services",
    "Department of Social Services", "Department of Children and Families", "Department of Public Welfare",
    "Health and Human Services Commission", "Department of Labor", "Department of Motor Vehicles",
    "Division of Motor Vehicles", "Employment Security Commission", "Department of Commerce",
    "Medi-Cal", "CalFresh", "CalWORKs", "MassHealth", "TennCare", "SoonerCare", "BadgerCare", "Apple Health",
    "HUSKY Health", "MinnesotaCare", "Work First", "NC Medicaid", "NC FAST", "DHHS", "DSS", "HHSC", "DHS", "DMV",
)

PLACE, AGENCY = "‹place›", "‹agency›"

_STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_TRAILING = ".!?;:,… \t"


# Postal codes that are also English words or other common abbreviations ("a photo ID", "IN", "OR", "ME",
# "OK", "HI", "OH", "LA" for Los Angeles): a place only in an address ("Boise, ID"). Every other code standing
# alone in capitals ("NC law", "TX's") is its state.
AMBIGUOUS_CODES = frozenset({"ID", "IN", "OR", "ME", "OK", "HI", "OH", "LA"})


@cache
def _place_pattern() -> re.Pattern:
    names = [*STATES.values(), "Washington, D.C.", "Washington DC", *DEMONYMS]
    names = sorted({*names, *(name.upper() for name in names)}, key=len, reverse=True)
    alternatives = "|".join(re.escape(name) for name in names)
    codes = "|".join(sorted(set(STATES) - AMBIGUOUS_CODES))
    ambiguous = "|".join(sorted(AMBIGUOUS_CODES))
    # Proper nouns, matched as capitalised (or in a text in capitals): the lookahead lets the search skip every
    # other position fast (an IGNORECASE alternation of 90 names costs ~0.5 ms a sentence). "the state of X"
    # and "X's" are one place, whether X is a name or a postal code; a demonym may be plural. Codes only in
    # capitals and standing alone ("NC law"), never "in" or "or" in running text.
    return re.compile(
        rf"(?:\b[Tt]he [Ss]tate of |\bTHE STATE OF )?(?:"
        rf"\b(?=[A-Z])(?P<name>{alternatives})(?:s\b|'s\b|\b|(?<=\.))"
        rf"|(?<![\w.])(?P<code>{codes})(?:'s)?(?![\w])"
        rf"|(?<=, )(?P<ambiguous>{ambiguous})(?![\w]))"
    )


@cache
def _agency_pattern() -> re.Pattern:
    names = sorted(AGENCIES, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(name) for name in names) + r")\b", re.IGNORECASE)


def normalise(text: str) -> str:
    """NFKC, straight quotes and dashes, collapsed whitespace, casefolded, no trailing punctuation."""
    text = unicodedata.normalize("NFKC", text.translate(_STRAIGHT))
    return " ".join(text.split()).casefold().rstrip(_TRAILING)


def _code_of(match: re.Match) -> str:
    code = match.group("code") or match.group("ambiguous")
    if code:
        return code
    name = match.group("name").casefold()
    if name in _CODE_OF_NAME:
        return _CODE_OF_NAME[name]
    for demonym, code in DEMONYMS.items():
        if demonym.casefold() in (name, name.removesuffix("s")):
            return code
    return ""  # pragma: no cover - the pattern only holds listed names


def places(text: str) -> frozenset[str]:
    """The postal codes of the states `text` names (by name, "the state of X", code or demonym)."""
    return frozenset(_code_of(m) for m in _place_pattern().finditer(text))


def mask(text: str) -> str:
    """`text` normalised, with every state, postal code, demonym, agency and programme name as a placeholder."""
    text = unicodedata.normalize("NFKC", text.translate(_STRAIGHT))
    text = _agency_pattern().sub(AGENCY, text)
    text = _place_pattern().sub(PLACE, text)
    # A place before an agency names one thing ("the Idaho ‹agency›" / "the ‹agency›").
    text = text.replace(f"{PLACE} {AGENCY}", AGENCY)
    return normalise(text)


_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]+\b")
_MASKED_ACRONYMS = frozenset(name.casefold() for name in AGENCIES if name.isupper())


def acronyms(quote: str) -> frozenset[str]:
    """The acronyms of a quote that masking keeps ("ICE" is not "IRS"), state codes and masked agencies aside.

    The masked text is casefolded, so it does not tell "ICE" from "ice": a near match must keep them
    (claims.matching.meaning_key), and the masked fingerprint counts them."""
    return frozenset(a for a in _ACRONYM.findall(quote) if a not in STATES and a.casefold() not in _MASKED_ACRONYMS)


def masked_fingerprint(masked: str, kept: frozenset[str] | tuple = ()) -> str:
    """sha256 of a masked text and the acronyms its quote keeps: the key of a family of claims equal but for
    names (an exact lookup on an index). Claims sharing it have the same meaning key (claims.matching), so
    they match one another without comparing them; without acronyms it is the hash of the masked text alone."""
    if kept:
        masked = masked + "\x1f" + " ".join(sorted(kept))
    return hashlib.sha256(masked.encode("utf-8")).hexdigest()


def masked_fields(quote: str) -> tuple[str, str, str]:
    """(masked text, masked fingerprint, places) of a quote, as Claim stores them (masked_text,
    masked_fingerprint, masked_places): the importer fills them when it creates the claims."""
    masked = mask(quote)
    return masked, masked_fingerprint(masked, acronyms(quote)), " ".join(sorted(places(quote)))


def document_jurisdiction(jurisdiction: str, title: str) -> str:
    """The document's jurisdiction code, else the one state its title names, else ''."""
    if jurisdiction:
        return jurisdiction.strip().upper()
    named = places(title)
    return next(iter(named)) if len(named) == 1 else ""
