"""Claims across documents: the same assertion found in other documents, at import, never per request.

For each claim of a newly imported document, `match_document` finds the
claims of other documents that say the same thing and stores them as
ClaimMatch rows (both ways) with a shared `Claim.match_group`:

- exact: the same normalised text (`Claim.fingerprint`);
- near: the same text with the names of places, agencies and programmes
  masked (claims.masking), allowing small wording changes: rapidfuzz's
  `ratio` of the masked texts is at least THRESHOLD, and the words that carry
  a claim's meaning - negations, modal and legal verbs ("requires" /
  "prohibits"), quantifiers and every number or year - are the same.

Each match has a kind (MatchKind): a *duplicate* is the same text in a
document of the same jurisdiction (a copy of the page: its verdict may be
applied in one step); *other jurisdiction* is the same wording about another
state (a lead only: a verdict on North Carolina law says nothing of Idaho's);
*similar* is close wording in the same jurisdiction (a lead).

Candidates come from indexes, so the cost does not grow with the table: the
exact and masked fingerprints (B-tree), and on PostgreSQL the masked text's
trigrams (pg_trgm, GIN). SQLite, meant for small installations, compares the
masked text with every other claim's in rapidfuzz instead, which is the
ground truth the trigram path is tested against.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from rapidfuzz import fuzz, process

from claims.masking import AGENCIES, STATES, mask, masked_fingerprint, places
from claims.models import Claim, ClaimMatch, MatchKind

# Chosen on the 82 labelled pairs of claims/match_pairs.py (32 same, 50 different): at 90, precision 1.0 and
# recall 0.97 (the one miss adds ", including ICE", a new acronym, which the meaning key refuses on purpose).
# At 85-89 "criticised" / "welcomed" in one frame matches (precision 0.97); below 85 different claims sharing
# a long boilerplate frame match; from 91 a reordered "state and federal" or a clause added at the end is
# missed (recall 0.91 and falling).
THRESHOLD = 90

# Candidates on PostgreSQL: trigram similarity (0-1) of the masked texts. Well below what THRESHOLD needs,
# so the index never hides a pair rapidfuzz would accept; rapidfuzz then decides.
TRIGRAM_CANDIDATE = 0.5
# At most this many near candidates per claim (exact matches are not limited).
NEAR_LIMIT = 200

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
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]+\b")
_MASKED_ACRONYMS = frozenset(name.casefold() for name in AGENCIES if name.isupper())


def meaning_key(masked: str, quote: str = "") -> tuple[frozenset[str], tuple[str, ...], frozenset[str]]:
    """What a near match must keep: the negations, modal verbs, quantifiers and numbers of a masked text,
    and the acronyms of its quote ("ICE" is not "IRS"; state codes and masked agencies aside)."""
    words = frozenset(w for w in _WORD.findall(masked) if w in _MEANING_WORDS or w.endswith("n't"))
    acronyms = frozenset(a for a in _ACRONYM.findall(quote) if a not in STATES and a.casefold() not in _MASKED_ACRONYMS)
    return words, tuple(_NUMBER.findall(masked)), acronyms


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

    @classmethod
    def of(cls, id, document_id, quote, fingerprint, jurisdiction, masked: str = "") -> Signature:
        """`masked` as stored, when it is (a candidate's); computed from the quote otherwise."""
        masked = masked or mask(quote)
        return cls(id, document_id, fingerprint, masked, places(quote), jurisdiction, meaning_key(masked, quote))


def document_jurisdiction(jurisdiction: str, title: str) -> str:
    """The document's jurisdiction code, else the one state its title names, else ''."""
    if jurisdiction:
        return jurisdiction.strip().upper()
    named = places(title)
    return next(iter(named)) if len(named) == 1 else ""


def same_jurisdiction(a: Signature, b: Signature) -> bool:
    """Whether two claims speak of the same place: the states they name, and their documents' (when both known)."""
    if a.places != b.places:
        return False
    return not (a.jurisdiction and b.jurisdiction and a.jurisdiction != b.jurisdiction)


def score(a_masked: str, b_masked: str) -> int:
    """Similarity of two masked texts, 0-100 (rapidfuzz's normalised Indel ratio), rounded down."""
    return int(fuzz.ratio(a_masked, b_masked))


def classify(a: Signature, b: Signature, *, threshold: int = THRESHOLD) -> tuple[str, int] | None:
    """(kind, score) when `b` says what `a` says, else None. Pure: the labelled pairs test it directly."""
    if a.fingerprint == b.fingerprint:
        return (MatchKind.DUPLICATE if same_jurisdiction(a, b) else MatchKind.OTHER_JURISDICTION), 100
    if a.key != b.key:
        return None
    value = 100 if a.masked == b.masked else score(a.masked, b.masked)
    if value < threshold:
        return None
    return (MatchKind.SIMILAR if same_jurisdiction(a, b) else MatchKind.OTHER_JURISDICTION), value


# --- storing -----------------------------------------------------------------

_SIGNATURE_VALUES = (
    "id", "question__document_id", "quote", "fingerprint", "question__document__jurisdiction",
    "question__document__title", "masked_text",
)


def _signatures(queryset, *, stored: bool = True) -> dict[int, Signature]:
    """Signatures of the claims; `stored` uses their stored masked text (a new document's is computed)."""
    jurisdictions: dict[tuple, str] = {}
    signatures = {}
    for row in queryset.values_list(*_SIGNATURE_VALUES):
        key = (row[4], row[5])
        if key not in jurisdictions:
            jurisdictions[key] = document_jurisdiction(*key)
        signatures[row[0]] = Signature.of(
            row[0], row[1], row[2], row[3], jurisdictions[key], masked=row[6] if stored else ""
        )
    return signatures


def match_document(document) -> int:
    """Find and store the matches of every claim of `document` in other documents; return how many pairs.

    Called by the importer once the claims are saved (one transaction with
    the import); also fills the claims' masked text and fingerprint, which the
    indexes of later imports search. Running it again replaces the document's
    matches.
    """
    with transaction.atomic():
        own = _signatures(Claim.objects.filter(question__document=document), stored=False)
        if not own:
            return 0
        Claim.objects.bulk_update(
            [Claim(pk=s.id, masked_text=s.masked, masked_fingerprint=masked_fingerprint(s.masked)) for s in own.values()],
            ["masked_text", "masked_fingerprint"],
            batch_size=500,
        )
        ClaimMatch.objects.filter(Q(claim_id__in=own) | Q(other_id__in=own)).delete()
        own_list = list(own.values())
        by_text: dict[str, set[int]] = defaultdict(set)
        for claim_id, fp, mfp in (
            Claim.objects.exclude(question__document=document)
            .filter(
                Q(fingerprint__in={s.fingerprint for s in own_list})
                | Q(masked_fingerprint__in={masked_fingerprint(s.masked) for s in own_list})
            )
            .values_list("id", "fingerprint", "masked_fingerprint")
        ):
            by_text[fp].add(claim_id)
            by_text[mfp].add(claim_id)
        # The near search (the costly one) only for claims with no copy equal but for names: a claim that has
        # such copies joins their match group, which already holds the near variants found when they came in.
        searched = [s for s in own_list if s.fingerprint not in by_text and masked_fingerprint(s.masked) not in by_text]
        near_of = dict(zip((s.id for s in searched), _near_candidates(searched, document.pk)))
        near = [near_of.get(s.id, set()) for s in own_list]
        wanted = set().union(*by_text.values(), *near)
        candidates = _signatures(Claim.objects.filter(pk__in=wanted)) if wanted else {}
        rows = []
        for index, new in enumerate(own_list):
            ids = by_text.get(new.fingerprint, set()) | by_text.get(masked_fingerprint(new.masked), set()) | near[index]
            for other in (candidates[i] for i in ids if i in candidates):
                found = classify(new, other)
                if found:
                    kind, value = found
                    rows.append(ClaimMatch(claim_id=new.id, other_id=other.id, kind=kind, score=value))
                    rows.append(ClaimMatch(claim_id=other.id, other_id=new.id, kind=kind, score=value))
        # Unique by construction (each candidate once per claim, the old rows deleted above).
        ClaimMatch.objects.bulk_create(rows, batch_size=2000)
        _regroup([(row.claim_id, row.other_id) for row in rows[::2]])
    return len(rows) // 2


def _near_candidates(own: list[Signature], document_id: int) -> list[set[int]]:
    """For each of `own`, the ids of claims of other documents whose masked text may be near its own."""
    texts = [s.masked for s in own]
    if not texts:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Inside the import's transaction: the threshold is this transaction's only.
            cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(TRIGRAM_CANDIDATE)])
            # Under LIMIT the planner may prefer scanning every row and computing similarity (1 s at 26,000
            # rows); the GIN index answers in tens of milliseconds.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(
                """
                SELECT q.n, near.id FROM unnest(%s::text[]) WITH ORDINALITY AS q(masked, n)
                CROSS JOIN LATERAL (
                    SELECT c.id FROM claims_claim c
                    JOIN faq_question qu ON qu.id = c.question_id
                    WHERE c.masked_text %% q.masked AND qu.document_id <> %s
                    LIMIT %s
                ) AS near
                """,
                [texts, document_id, NEAR_LIMIT],
            )
            found = [set() for _ in own]
            for n, claim_id in cursor.fetchall():
                found[n - 1].add(claim_id)
            return found
    # SQLite: every other claim, compared in rapidfuzz (C); a small installation's whole table.
    choices = dict(
        Claim.objects.exclude(question__document_id=document_id).exclude(masked_text="").values_list("id", "masked_text")
    )
    return [
        {claim_id for _, _, claim_id in process.extract(text, choices, scorer=fuzz.ratio, score_cutoff=THRESHOLD, limit=NEAR_LIMIT)}
        for text in texts
    ]


def _regroup(pairs: list[tuple[int, int]]) -> None:
    """Give every connected set of matched claims one match_group: the smallest group id or claim id in it."""
    if not pairs:
        return
    parent: dict[int, int] = {}

    def root(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[root(a)] = root(b)
    ids = list(parent)
    groups = dict(Claim.objects.filter(pk__in=ids).values_list("pk", "match_group"))
    members: dict[int, set[int]] = defaultdict(set)
    for claim_id in ids:
        members[root(claim_id)].add(claim_id)
    relabel: dict[int, int] = {}
    for component in members.values():
        old = {groups[c] for c in component if groups.get(c)}
        label = min(old | component)
        if old - {label}:  # two groups joined by a new claim: rare, one UPDATE each
            Claim.objects.filter(match_group__in=old - {label}).update(match_group=label)
        relabel.update({c: label for c in component if groups.get(c) != label})
    # One statement per 500 claims, not one per group.
    Claim.objects.bulk_update(
        [Claim(pk=claim_id, match_group=label) for claim_id, label in relabel.items()], ["match_group"], batch_size=500
    )
