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

Candidates come from B-tree lookups, so the cost does not grow with the
table and is the same on SQLite and PostgreSQL: the exact and masked
fingerprints, and the LSH band keys of the masked text (claims.bands, a
ClaimBand row per key), which find texts sharing most of their words;
rapidfuzz then scores each distinct candidate text once.

Match groups (Claim.match_group) are "the same claim" as a reader expects:
every member matches its group's founder, so near matches do not chain
(assign_groups).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from rapidfuzz import fuzz

from claims.masking import AGENCIES, STATES, mask, masked_fingerprint, places
from claims.bands import band_keys
from claims.models import Claim, ClaimBand, ClaimMatch, MatchKind

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
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]+\b")
_MASKED_ACRONYMS = frozenset(name.casefold() for name in AGENCIES if name.isupper())


def meaning_key(masked: str, quote: str = "") -> tuple[frozenset[str], tuple[str, ...], frozenset[str]]:
    """What a near match must keep: the negations, modal verbs, quantifiers and numbers of a masked text,
    and the acronyms of its quote ("ICE" is not "IRS"; state codes and masked agencies aside)."""
    words, numbers = _meaning_words(masked)
    acronyms = frozenset(a for a in _ACRONYM.findall(quote) if a not in STATES and a.casefold() not in _MASKED_ACRONYMS)
    return words, numbers, acronyms


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

    @classmethod
    def of(cls, id, document_id, quote, fingerprint, jurisdiction, masked: str = "", named: str | None = None) -> Signature:
        """`masked` and `named` (the places, space-separated) as stored, when they are (a candidate's);
        computed from the quote otherwise."""
        masked = masked or mask(quote)
        found = frozenset(named.split()) if named is not None and masked else places(quote)
        return cls(id, document_id, fingerprint, masked, found, jurisdiction, meaning_key(masked, quote))

    @property
    def places_text(self) -> str:
        return " ".join(sorted(self.places))


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
    "question__document__title", "masked_text", "masked_places",
)


def _signatures(queryset, *, stored: bool = True, groups: dict | None = None) -> dict[int, Signature]:
    """Signatures of the claims; `stored` uses their stored masked text (a new document's is computed).
    `groups`, when given, receives each claim's match_group (read in the same query)."""
    jurisdictions: dict[tuple, str] = {}
    signatures = {}
    for row in queryset.order_by().values_list(*_SIGNATURE_VALUES, "match_group"):
        if groups is not None:
            groups[row[0]] = row[8]
        key = (row[4], row[5])
        if key not in jurisdictions:
            jurisdictions[key] = document_jurisdiction(*key)
        signatures[row[0]] = Signature.of(
            row[0], row[1], row[2], row[3], jurisdictions[key], masked=row[6] if stored else "",
            named=row[7] if stored else None,
        )
    return signatures


def match_document(document) -> int:
    """Find and store the matches of every claim of `document` in other documents; return how many pairs.

    Called by the importer once the claims are saved (one transaction with
    the import), after a new version of a page and after a claim is split or
    merged; also fills the claims' masked text, fingerprint and band keys,
    which the lookups of later imports read. Running it again replaces the
    document's matches.
    """
    return _match(document.pk, Claim.objects.filter(question__document=document))


def rematch_claims(claim_ids, *, gone=(), gone_texts=()) -> int:
    """Match these claims (of one document) again after their text changed (a split or a merge); return pairs.

    `gone`: ids of claims just deleted (merged away), whose groups' members
    are given a group again; `gone_texts`: their masked fingerprints, whose
    band keys another claim of the same text may have to hold now.
    """
    claims = Claim.objects.filter(pk__in=list(claim_ids))
    documents = set(claims.values_list("question__document_id", flat=True))
    if not documents:
        return 0
    (document_id,) = documents
    return _match(document_id, claims, gone=set(gone), gone_texts=set(gone_texts) - {""})


def _match(document_id: int, queryset, *, gone: set[int] = frozenset(), gone_texts=()) -> int:
    """Match the claims of `queryset` (all of one document) against every other document's; see match_document."""
    with transaction.atomic():
        own = _signatures(queryset, stored=False)
        if not own:
            ensure_bands(set(gone_texts))
            assign_groups(set(Claim.objects.filter(match_group__in=list(gone)).values_list("pk", flat=True)))
            return 0
        old_texts = set(queryset.order_by().values_list("masked_fingerprint", flat=True)) | set(gone_texts)
        _update_claims(
            ["masked_text", "masked_fingerprint", "masked_places"],
            [(s.masked, masked_fingerprint(s.masked), s.places_text, s.id) for s in own.values()],
        )
        own_list = list(own.values())
        ClaimBand.objects.filter(claim_id__in=own).delete()
        ensure_bands(old_texts | {masked_fingerprint(s.masked) for s in own_list} - {""})
        # Claims of other groups founded by one of these: their founder's matches are about to be replaced.
        followers = set(
            Claim.objects.filter(match_group__in=[*own, *gone]).exclude(pk__in=list(own))
            .order_by().values_list("pk", flat=True)
        )
        ClaimMatch.objects.filter(Q(claim_id__in=own) | Q(other_id__in=own)).delete()
        by_text: dict[str, set[int]] = defaultdict(set)
        for claim_id, fp, mfp in (
            Claim.objects.exclude(question__document_id=document_id)
            .filter(
                Q(fingerprint__in={s.fingerprint for s in own_list})
                | Q(masked_fingerprint__in={masked_fingerprint(s.masked) for s in own_list})
            )
            .order_by().values_list("id", "fingerprint", "masked_fingerprint")
        ):
            by_text[fp].add(claim_id)
            by_text[mfp].add(claim_id)
        # The near search only for claims with no copy equal but for names: a claim that has such copies is
        # matched to them, and they to the near variants found when they came in.
        searched = [s for s in own_list if s.fingerprint not in by_text and masked_fingerprint(s.masked) not in by_text]
        near_of = _near_candidates(searched, document_id)
        near = [near_of.get(s.id, set()) for s in own_list]
        wanted = set().union(*by_text.values(), *near)
        candidate_groups: dict[int, int | None] = {}
        candidates = {}
        for where in _in_filters("pk", sorted(wanted), "bigint"):
            candidates.update(_signatures(Claim.objects.filter(where), groups=candidate_groups))
        rows: list[tuple[int, int, str, int]] = []
        for index, new in enumerate(own_list):
            ids = by_text.get(new.fingerprint, set()) | by_text.get(masked_fingerprint(new.masked), set()) | near[index]
            for other in (candidates[i] for i in ids if i in candidates):
                if other.document_id == document_id:
                    continue  # another claim of the same document (a partial re-match)
                found = classify(new, other)
                if found:
                    kind, value = found
                    rows.append((new.id, other.id, kind, value))
                    rows.append((other.id, new.id, kind, value))
        # Unique by construction (each candidate once per claim, the old rows deleted above).
        _insert_matches(rows)
        matched: dict[int, set[int]] = {claim_id: set() for claim_id in own}
        for claim_id, other_id, _, _ in rows[::2]:
            matched[claim_id].add(other_id)
        assign_groups(set(own) | followers, known=matched, known_groups=candidate_groups)
    return len(rows) // 2


def _update_claims(columns: list[str], rows: list[tuple]) -> None:
    """UPDATE claims_claim SET each of `columns` for rows of (values…, id), in one statement on PostgreSQL.

    Django's bulk_update builds a CASE expression per row and field, which
    cost more than the rest of matching a series page.
    """
    if not rows:
        return
    table = Claim._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = {"masked_text": "text", "masked_fingerprint": "text", "masked_places": "text", "match_group": "bigint"}
            columns_sql = ", ".join(f"{c} = v.{c}" for c in columns)
            arrays = ", ".join(f"%s::{types[c]}[]" for c in columns)
            names = ", ".join(columns)
            cursor.execute(
                f"UPDATE {table} SET {columns_sql} FROM unnest({arrays}, %s::bigint[]) AS v({names}, id) "
                f"WHERE {table}.id = v.id",
                [list(column) for column in zip(*rows)],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} WHERE id = %s", [tuple(r) for r in rows]
            )


def _insert_matches(rows: list[tuple[int, int, str, int]]) -> None:
    """Store ClaimMatch rows (claim, other, kind, score) in few statements, without building model objects.

    A page of a 50-state series stores about 15,000 rows; Django's bulk_create
    spent most of matching's time building and quoting them. On PostgreSQL a
    binary COPY: 14,000 rows took 95 ms against 150-190 ms for an INSERT from
    unnest() of array parameters (1,006,072 stored claims).
    """
    if not rows:
        return
    now = timezone.now()
    table = ClaimMatch._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.connection.cursor().copy(
                f"COPY {table} (claim_id, other_id, kind, score, created_at) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(["int8", "int8", "text", "int2", "timestamptz"])
                for row in rows:
                    copy.write_row((*row, now))
        else:
            cursor.executemany(
                f"INSERT INTO {table} (claim_id, other_id, kind, score, created_at) VALUES (%s, %s, %s, %s, %s)",
                [(*row, now) for row in rows],
            )


def ensure_bands(texts: set[str]) -> None:
    """Store the band keys of each masked text (by masked fingerprint) that has claims but no keys yet.

    One family of claims equal but for names (a series' copies of one
    sentence) has its keys stored once, under its earliest claim (its
    representative): a lookup returns each text once, and a series page
    writes no keys for its copies. When a representative changes text or is
    deleted, the family's next claim takes its place here.
    """
    if not texts:
        return
    # The texts that have keys already (a series page's: only their own claims' were just deleted) are found
    # in one query; the members of the others only are read (a page of new sentences: its own claims).
    keyed: set[str] = set()
    for where in _in_filters("masked_fingerprint", sorted(texts), "text"):
        keyed.update(
            Claim.objects.filter(where).exclude(masked_text="")
            .filter(Exists(ClaimBand.objects.filter(claim_id=OuterRef("pk"))))
            .order_by().values_list("masked_fingerprint", flat=True).distinct()
        )
    members: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for where in _in_filters("masked_fingerprint", sorted(texts - keyed), "text"):
        for claim_id, fp, masked in (
            Claim.objects.filter(where).exclude(masked_text="").order_by("pk")
            .values_list("pk", "masked_fingerprint", "masked_text")
        ):
            members[fp].append((claim_id, masked))
    rows = []
    for family in members.values():
        claim_id, masked = family[0]
        rows.extend((key, claim_id) for key in set(band_keys(masked)))
    if not rows:
        return
    table = ClaimBand._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # binary COPY, as _insert_matches
            with cursor.connection.cursor().copy(f"COPY {table} (key, claim_id) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int8", "int8"])
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} (key, claim_id) VALUES (%s, %s)", rows)


def _near_candidates(own: list[Signature], document_id: int) -> dict[int, set[int]]:
    """For each of `own`, the ids of claims of other documents whose masked text is near (ratio >= THRESHOLD).

    The band keys of `own`'s masked texts are looked up (the (key, claim)
    primary key) to find the texts sharing one; each distinct text is scored
    once in rapidfuzz, and the claims of the texts at the threshold or above
    are fetched by masked fingerprint. classify() then decides.
    """
    wanted: dict[int, set[int]] = defaultdict(set)  # key -> own claims
    for s in own:
        for key in band_keys(s.masked):
            wanted[key].add(s.id)
    if not wanted:
        return {}
    sharing: dict[int, set[int]] = defaultdict(set)  # own claim -> representatives found
    texts: dict[int, tuple[str, str]] = {}
    # The representatives' texts come with the keys (one join, not a second lookup by id).
    for where in _in_filters("key", sorted(wanted), "bigint"):
        for key, claim_id, fp, masked in ClaimBand.objects.filter(where).order_by().values_list(
            "key", "claim_id", "claim__masked_fingerprint", "claim__masked_text"
        ):
            texts[claim_id] = (fp, masked)
            for own_id in wanted[key]:
                sharing[own_id].add(claim_id)
    masked_of = {s.id: s.masked for s in own}
    near_texts: dict[int, set[str]] = {}
    for own_id, found in sharing.items():
        mine = masked_of[own_id]
        near_texts[own_id] = {
            fp for fp, masked in (texts[r] for r in found if r in texts)
            if masked == mine or fuzz.ratio(mine, masked, score_cutoff=THRESHOLD) >= THRESHOLD
        }
    family: dict[str, set[int]] = defaultdict(set)
    accepted = sorted(set().union(*near_texts.values())) if near_texts else []
    for where in _in_filters("masked_fingerprint", accepted, "text"):
        for claim_id, fp in (
            Claim.objects.filter(where).exclude(question__document_id=document_id).order_by()
            .values_list("pk", "masked_fingerprint")
        ):
            family[fp].add(claim_id)
    return {own_id: set().union(*(family[fp] for fp in fps)) if fps else set() for own_id, fps in near_texts.items()}


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _in_filters(field: str, values: list, sql_type: str):
    """Filters (Q) for `field` IN `values`: on PostgreSQL one, the values sent as one array parameter; on
    SQLite one per 500 values (its limit on parameters). The same rows either way.

    A lookup of 3,000 band keys was 7 statements of 500 parameters each; on
    PostgreSQL the round trips and the parsing of long IN lists were most of
    matching a page of new sentences.
    """
    if not values:
        return
    if connection.vendor == "postgresql":
        yield Q(**{f"{field}__in": RawSQL(f"SELECT unnest(%s::{sql_type}[])", (list(values),))})
        return
    for batch in _chunks(list(values), 500):
        yield Q(**{f"{field}__in": batch})


def assign_groups(
    claim_ids: set[int], *, known: dict[int, set[int]] | None = None, known_groups: dict[int, int | None] | None = None
) -> None:
    """Give each of these claims its match_group from its stored matches: the group of a founder it matches.

    A group is what a reader takes for "the same claim": every member
    matches the group's founder (the claim whose id is the group's number),
    so groups do not chain (A ~ B and B ~ C with A and C different leaves C
    out of A's group; C's match to B stays a lead on both claim pages). A
    claim keeps a founder it still matches; otherwise it joins the oldest
    founder among its matches, else founds a group with the claims it
    matches that have none (the oldest of them is the founder). A claim with
    no match has no group.
    """
    if not claim_ids:
        return
    matched: dict[int, set[int]] = defaultdict(set, known or {})
    for where in _in_filters("claim_id", sorted(set(claim_ids) - set(known or ())), "bigint"):
        for claim_id, other_id in ClaimMatch.objects.filter(where).order_by().values_list("claim_id", "other_id"):
            matched[claim_id].add(other_id)
    involved = set(claim_ids).union(*matched.values())
    groups: dict[int, int | None] = {pk: known_groups[pk] for pk in involved - set(claim_ids) if pk in (known_groups or {})}
    for where in _in_filters("pk", sorted(involved - set(groups)), "bigint"):
        groups.update(Claim.objects.filter(where).order_by().values_list("pk", "match_group"))
    before = dict(groups)
    for claim_id in sorted(claim_ids):
        mine = matched.get(claim_id, set())
        current = groups.get(claim_id)
        if not mine:
            groups[claim_id] = None
            continue
        if current == claim_id or (current in mine and groups.get(current) == current):
            continue  # a founder with matches, or a member that still matches its founder
        founders = [m for m in mine if groups.get(m) == m]
        if founders:
            groups[claim_id] = min(founders)
            continue
        founder = min({claim_id} | {m for m in mine if groups.get(m) is None})
        groups[founder] = founder
        groups[claim_id] = founder
    _update_claims(["match_group"], [(label, pk) for pk, label in groups.items() if before.get(pk) != label])
