"""When two claims say the same thing: the threshold, the meaning key, classify() and the kind of a match.

Pure functions of two claims' signatures; the labelled pairs (claims/match_pairs.py) test them directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from claims.masking import acronyms, mask, masked_fingerprint, places
from claims.models import MatchKind

# Chosen on the 82 labelled pairs of claims/match_pairs.py (32 same, 50 different): at 90, precision 1.0 and
# recall 0.97 (the one miss adds ", including ICE", a new acronym, which the meaning key refuses on purpose).
# At 85-89 "criticised" / "welcomed" in one frame matches (precision 0.97); below 85 different claims sharing
# a long boilerplate frame match; from 91 a reordered "state and federal" or a clause added at the end is
# missed (recall 0.91 and falling).
THRESHOLD = 90


# Words whose change changes what a claim says, even when the rest of the sentence is the same.
_MEANING_WORDS = frozenset(
    """not no never none nor neither without cannot can't won't don't doesn't isn't aren't wasn't weren't
    must may might shall should can could will would required require requires requiring prohibit prohibits
    prohibited prohibiting forbid forbids forbidden ban bans banned allow allows allowed permit permits
    permitted mandate mandates mandatory optional always only all some most few many every any
    before after more less fewer greater higher lower increase increases decrease decreases""".split()
)
_WORD = re.compile(r"[\w']+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def meaning_key(masked: str, quote: str = "") -> tuple[frozenset[str], tuple[str, ...], frozenset[str]]:
    """What a near match must keep: the negations, modal verbs, quantifiers and numbers of a masked text,
    and the acronyms of its quote ("ICE" is not "IRS"; state codes and masked agencies aside)."""
    words, numbers = _meaning_words(masked)
    return words, numbers, acronyms(quote)


@lru_cache(maxsize=50_000)
def _meaning_words(masked: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The meaning words and numbers of a masked text (cached: a series repeats one masked text dozens of times)."""
    words = frozenset(w for w in _WORD.findall(masked) if w in _MEANING_WORDS or w.endswith("n't"))
    return words, tuple(_NUMBER.findall(masked))


@dataclass(frozen=True)
class Signature:
    """What matching needs of one claim."""

    id: int
    document_id: int
    fingerprint: str
    masked: str
    places: frozenset[str]
    jurisdiction: str
    key: tuple
    text: str  # the masked fingerprint: the family (claims.masking.masked_fingerprint)

    @classmethod
    def of(cls, id, document_id, quote, fingerprint, jurisdiction, masked: str = "", named: str | None = None) -> Signature:
        """`masked` and `named` (the places, space-separated) as stored, when they are (a candidate's);
        computed from the quote otherwise."""
        masked = masked or mask(quote)
        found = frozenset(named.split()) if named is not None and masked else places(quote)
        key = meaning_key(masked, quote)
        return cls(id, document_id, fingerprint, masked, found, jurisdiction, key, masked_fingerprint(masked, key[2]))

    @property
    def places_text(self) -> str:
        return " ".join(sorted(self.places))


def same_jurisdiction(a: Signature, b: Signature) -> bool:
    """Whether two claims speak of the same place: the states they name, and their documents' (when both known)."""
    if a.places != b.places:
        return False
    return not (a.jurisdiction and b.jurisdiction and a.jurisdiction != b.jurisdiction)


def score(a_masked: str, b_masked: str) -> int:
    """Similarity of two masked texts, 0-100 (rapidfuzz's normalised Indel ratio), rounded down."""
    return int(fuzz.ratio(a_masked, b_masked))


def kind(a: Signature, b: Signature) -> MatchKind:
    """The kind of a match between two claims that match (classify); matches_of says the same in SQL."""
    if a.fingerprint == b.fingerprint:
        return MatchKind.DUPLICATE if same_jurisdiction(a, b) else MatchKind.OTHER_JURISDICTION
    return MatchKind.SIMILAR if same_jurisdiction(a, b) else MatchKind.OTHER_JURISDICTION


def classify(a: Signature, b: Signature, *, threshold: int = THRESHOLD) -> tuple[str, int] | None:
    """(kind, score) when `b` says what `a` says, else None. Pure: the labelled pairs test it directly.

    What is stored follows from it: claims of one family (the same masked text and meaning key) score 100;
    between two families the score and the meaning key are the texts', so one TextMatch row holds them."""
    if a.fingerprint == b.fingerprint:
        return kind(a, b), 100
    if a.key != b.key:
        return None
    value = 100 if a.masked == b.masked else score(a.masked, b.masked)
    if value < threshold:
        return None
    return kind(a, b), value
