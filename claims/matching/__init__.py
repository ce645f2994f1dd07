"""Claims across documents: the same assertion found in other documents, at import, never per request.

Two claims of different documents match (classify) when

- exact: they have the same normalised text (`Claim.fingerprint`);
- near: their texts with the names of places, agencies and programmes
  masked (claims.masking) are close: rapidfuzz's `ratio` of the masked texts
  is at least THRESHOLD, and the words that carry a claim's meaning -
  negations, modal and legal verbs ("requires" / "prohibits"), quantifiers,
  every number or year and the acronyms ("ICE" / "IRS") - are the same.

What is stored is one thing per *family of copies*, not a row per pair:

- a family is the claims with the same masked fingerprint (the masked text
  and the acronyms its quote keeps): its members match one another, and
  claims with the same fingerprint match, without any row;
- two families whose texts are near are joined by a TextMatch row (both
  ways), written when one of the texts is first seen. A page of a series,
  whose texts are all known, writes no row at all.

The kind of a match (MatchKind) is derived when it is read (matches_of), from
the two claims' fingerprints, masked places and documents' jurisdictions
(Document.matching_jurisdiction, derived on save): a *duplicate* is the same
text in a document of the same jurisdiction (a copy of the page: its verdict
may be applied in one step); *other jurisdiction* is the same wording about
another state (a lead only: a verdict on North Carolina law says nothing of
Idaho's); *similar* is close wording in the same jurisdiction (a lead).
classify() is the definition; matches_of() says the same in SQL (tested
against it pair by pair).

Near candidates come from B-tree lookups, so the cost does not grow with the
table and is the same on SQLite and PostgreSQL: the LSH band keys of the
masked text (claims.bands, ClaimBand rows, one set per family), which find
texts sharing most of their words; rapidfuzz then scores each distinct
candidate text once.

Match groups (Claim.match_group) are "the same claim" as a reader expects:
every member matches its group's founder, so near matches do not chain
(assign_groups); a new copy joins the group of its family's founder.
"""

from claims.masking import document_jurisdiction
from claims.matching.reading import MATCH_ORDER, Match, as_matches, matches_of
from claims.matching.similarity import (
    THRESHOLD,
    Signature,
    classify,
    kind,
    meaning_key,
    same_jurisdiction,
    score,
)
from claims.matching.storing import (
    assign_groups,
    ensure_bands,
    match_document,
    rematch_claims,
)

__all__ = [
    "MATCH_ORDER",
    "THRESHOLD",
    "Match",
    "Signature",
    "as_matches",
    "assign_groups",
    "classify",
    "document_jurisdiction",
    "ensure_bands",
    "kind",
    "match_document",
    "matches_of",
    "meaning_key",
    "rematch_claims",
    "same_jurisdiction",
    "score",
]
