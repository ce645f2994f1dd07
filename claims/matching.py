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

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from rapidfuzz import fuzz

from claims.bands import band_keys
from claims.masking import acronyms, document_jurisdiction, mask, masked_fingerprint, places
from claims.models import Claim, ClaimBand, MatchKind, TextMatch

__all__ = ["THRESHOLD", "Match", "classify", "document_jurisdiction", "match_document", "matches_of", "rematch_claims"]

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


# --- reading ---------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """A claim of another document that matches a claim, as read by matches_of (nothing of it is stored)."""

    other: Claim  # with its question and document loaded
    kind: str
    score: int

    @property
    def other_id(self) -> int:
        return self.other.pk

    @property
    def kind_choice(self) -> MatchKind:
        return MatchKind(self.kind)


MATCH_ORDER = ("match_kind", "-match_score", "question__document__title", "pk")


class _TextOrNear(Func):
    """`column` is `text` or a text a TextMatch row joins to it, as one condition an index can serve.

    On PostgreSQL `= ANY(ARRAY(SELECT …))`: the texts are read once (an
    init plan) and the claims looked up by index, OR-ed with the fingerprint
    lookup; `IN (SELECT …)` under an OR cannot use an index, and the planner
    read every claim of every published document instead.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, column, text: str):
        super().__init__(column)
        self.text = text

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        table = TextMatch._meta.db_table
        if connection.vendor == "postgresql":
            return (
                f"{column} = ANY(ARRAY(SELECT other FROM {table} WHERE text = %s) || %s::varchar)",
                [*params, self.text, self.text],
            )
        return f"{column} IN (SELECT other FROM {table} WHERE text = %s UNION ALL SELECT %s)", [*params, self.text, self.text]


def matches_of(claim: Claim):
    """The claims of other documents that match `claim`: a queryset of Claim (one query, no similarity work)
    annotated with `match_kind` and `match_score`, in no order (MATCH_ORDER is the pages' order).

    Its family (the same masked fingerprint), the claims with its fingerprint, and the families a TextMatch
    row joins to its text; the kind is classify()'s, written in SQL: the same fingerprint in the same
    jurisdiction is a duplicate, other wording in the same jurisdiction similar, anything about another
    place a lead. `claim` needs its question and document (one query more when they are not loaded)."""
    document = claim.question.document
    text, fp = claim.masked_fingerprint, claim.fingerprint
    found = Q(fingerprint=fp)
    if text:
        found |= Q(_TextOrNear(F("masked_fingerprint"), text))
    own_places = claim.masked_places if claim.masked_text else " ".join(sorted(places(claim.quote)))
    same_place = Q(masked_places=own_places)
    if document.matching_jurisdiction:
        same_place &= Q(question__document__matching_jurisdiction="") | Q(
            question__document__matching_jurisdiction=document.matching_jurisdiction
        )
    near = TextMatch.objects.filter(text=text, other=OuterRef("masked_fingerprint")).values("score")[:1]
    exact = Q(fingerprint=fp) | Q(masked_fingerprint=text) if text else Q(fingerprint=fp)
    return (
        Claim.objects.filter(found)
        .exclude(question__document_id=document.pk)
        .annotate(
            match_kind=Case(
                When(same_place & Q(fingerprint=fp), then=Value(MatchKind.DUPLICATE.value)),
                When(same_place, then=Value(MatchKind.SIMILAR.value)),
                default=Value(MatchKind.OTHER_JURISDICTION.value),
            ),
            match_score=Case(When(exact, then=Value(100)), default=Subquery(near), output_field=IntegerField()),
        )
    )


def as_matches(claims) -> list[Match]:
    """Match objects of claims read from matches_of (their question and document selected with them)."""
    return [Match(c, c.match_kind, c.match_score) for c in claims]


# --- storing -----------------------------------------------------------------

_SIGNATURE_VALUES = (
    "id", "question__document_id", "quote", "fingerprint", "question__document__jurisdiction",
    "question__document__title", "masked_text", "masked_places",
)


def _signatures(queryset, *, stored: bool = True, extra: dict | None = None) -> dict[int, Signature]:
    """Signatures of the claims; `stored` uses their stored masked text (else computed from the quote).
    `extra`, when given, receives each claim's stored (masked_text, masked_fingerprint, masked_places,
    match_group), read in the same query."""
    jurisdictions: dict[tuple, str] = {}
    signatures = {}
    for row in queryset.order_by().values_list(*_SIGNATURE_VALUES, "masked_fingerprint", "match_group"):
        if extra is not None:
            extra[row[0]] = (row[6], row[8], row[7], row[9])
        key = (row[4], row[5])
        if key not in jurisdictions:
            jurisdictions[key] = document_jurisdiction(*key)
        signatures[row[0]] = Signature.of(
            row[0], row[1], row[2], row[3], jurisdictions[key], masked=row[6] if stored else "",
            named=row[7] if stored else None,
        )
    return signatures


def match_document(document, *, recompute: set[str] | None = None, fresh: bool = False) -> int:
    """Match every claim of `document` against the other documents'; return how many of its claims match.

    Called by the importer once the claims are saved (one transaction with
    the import), after a new version of a page and after a claim is split or
    merged. Stores what the claims' texts need (masked text, fingerprint and
    places when the importer has not, band keys of new texts, the TextMatch
    rows of texts first seen) and the claims' match groups.

    `recompute`: a set of texts (masked fingerprints) whose near matches are
    searched again even if known (`match_claims` passes one set through its
    run: each text is searched once); each text searched is added to it.
    `fresh`: the claims were all just created by the importer (Claim.from_span),
    their masked fields are read, not computed again from the quotes.
    """
    if document.matching_jurisdiction != document_jurisdiction(document.jurisdiction, document.title):
        document.save(update_fields=["matching_jurisdiction"])  # derived on save; a row written around it
    return _match(document.pk, Claim.objects.filter(question__document=document), recompute=recompute, fresh=fresh)


def rematch_claims(claim_ids, *, gone=(), gone_texts=()) -> int:
    """Match these claims (of one document) again after their text changed (a split or a merge).

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


def _match(document_id: int, queryset, *, gone: set[int] = frozenset(), gone_texts=(), recompute=None, fresh=False) -> int:
    """Match the claims of `queryset` (all of one document) against every other document's; see match_document."""
    with transaction.atomic():
        stored: dict[int, tuple] = {}
        own = _signatures(queryset, stored=fresh, extra=stored)
        if not own:
            ensure_bands(set(gone_texts))
            assign_groups(set(Claim.objects.filter(match_group__in=list(gone)).values_list("pk", flat=True)))
            return 0
        # The importer stores the masked fields with the claims (Claim.from_span); only claims whose text
        # changed since (a split, a merge, older claims, new masking lists) are written here.
        changed = [
            (s.masked, s.text, s.places_text, s.id) for s in own.values() if stored[s.id][:3] != (s.masked, s.text, s.places_text)
        ]
        _update_claims(["masked_text", "masked_fingerprint", "masked_places"], changed)
        texts = {s.text for s in own.values()}
        # How many claims hold each text: those only these claims hold are first seen.
        mine: dict[str, int] = defaultdict(int)
        for s in own.values():
            mine[s.text] += 1
        held = {}
        for where in _in_filters("masked_fingerprint", sorted(texts), "text"):
            held.update(
                Claim.objects.filter(where).order_by().values("masked_fingerprint")
                .annotate(n=Count("pk")).values_list("masked_fingerprint", "n")
            )
        new_texts = {text for text in texts if held.get(text, 0) <= mine[text]}
        if changed:
            ClaimBand.objects.filter(claim_id__in=[row[-1] for row in changed]).delete()
            ensure_bands({stored[row[-1]][1] for row in changed} | set(gone_texts) | texts - {""})
        elif fresh:
            # New claims hold no keys yet: a text no other claim holds gets its keys under its first claim here
            # without looking (a page of new sentences); the others are checked (a series' texts have theirs).
            firsts = {}
            for s in sorted(own.values(), key=lambda s: s.id):
                if s.text in new_texts and s.text:
                    firsts.setdefault(s.text, s)
            _store_bands([(key, s.id) for s in firsts.values() for key in set(band_keys(s.masked))])
            ensure_bands((texts - new_texts | set(gone_texts)) - {""})
        else:
            ensure_bands((texts | set(gone_texts)) - {""})
        if recompute is not None:
            new_texts |= texts - recompute
            recompute |= texts
        if new_texts:
            firsts = {}
            for s in sorted(own.values(), key=lambda s: s.id):
                if s.text in new_texts:
                    firsts.setdefault(s.text, s)
            _store_near(list(firsts.values()))
        # Claims of other groups founded by one of these: their founder's text may have changed.
        followers = set()
        if changed or gone:
            followers = set(
                Claim.objects.filter(match_group__in=[*own, *gone]).exclude(pk__in=list(own))
                .order_by().values_list("pk", flat=True)
            )
        known = {s.id: (s.document_id, s.fingerprint, s.text, stored[s.id][3]) for s in own.values()}
        unshared = {text for text in texts if held.get(text, 0) <= mine[text]}
        groups = assign_groups(set(own) | followers, known=known, unshared=unshared)
    return sum(1 for pk in own if groups.get(pk) is not None)


def _store_near(firsts: list[Signature]) -> None:
    """Search the near texts of these texts (one claim of each) and store them, both ways, in TextMatch.

    The band keys of their masked texts are looked up (the (key, claim)
    primary key) to find the texts sharing one; each distinct text is
    scored once in rapidfuzz; classify()'s rule between two families (the
    same meaning key, ratio >= THRESHOLD) decides. A row depends on the two
    texts only, so rows found before (a text seen again after all its claims
    were gone) stay true and are kept.
    """
    wanted: dict[int, set[str]] = defaultdict(set)  # key -> texts
    for s in firsts:
        for key in band_keys(s.masked):
            wanted[key].add(s.text)
    if not wanted:
        return
    # The keys' claims first (an index-only scan of the primary key), then each claim's text once: a text
    # sharing several keys came back once per key with its text and quote when they were joined (3,000 rows
    # of text for a page of new sentences at 1,000,000 claims).
    sharing: dict[int, set[str]] = defaultdict(set)  # representative claim -> own texts sharing a key
    for where in _in_filters("key", sorted(wanted), "bigint"):
        for key, claim_id in ClaimBand.objects.filter(where).order_by().values_list("key", "claim_id"):
            sharing[claim_id].update(wanted[key])
    near: list[tuple[Signature, int, str, int]] = []  # (own text, representative, its text, score)
    by_text = {s.text: s for s in firsts}
    for where in _in_filters("pk", sorted(sharing), "bigint"):
        for claim_id, fp, masked in Claim.objects.filter(where).order_by().values_list(
            "pk", "masked_fingerprint", "masked_text"
        ):
            for text in sharing[claim_id]:
                s = by_text[text]
                if fp == s.text or not fp:
                    continue
                # The ratio first (with a cutoff it is quick to refuse); the meaning key only of the few near.
                value = int(fuzz.ratio(s.masked, masked, score_cutoff=THRESHOLD))
                if value >= THRESHOLD:
                    near.append((s, claim_id, fp, value))
    quotes = {}
    for where in _in_filters("pk", sorted({claim_id for _, claim_id, _, _ in near}), "bigint"):
        quotes.update((pk, (masked, quote)) for pk, masked, quote in Claim.objects.filter(where).order_by()
                      .values_list("pk", "masked_text", "quote"))
    rows: set[tuple[str, str, int]] = set()
    for s, claim_id, fp, value in near:
        if meaning_key(*quotes[claim_id]) == s.key:
            rows.add((s.text, fp, value))
            rows.add((fp, s.text, value))
    _insert_text_matches(sorted(rows))


def _insert_text_matches(rows: list[tuple[str, str, int]]) -> None:
    if not rows:
        return
    table = TextMatch._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (text, other, score) SELECT * FROM unnest(%s::text[], %s::text[], %s::int[]) "
                f"ON CONFLICT DO NOTHING",
                [list(column) for column in zip(*rows)],
            )
        else:
            cursor.executemany(f"INSERT INTO {table} (text, other, score) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING", rows)


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
    _store_bands(rows)


def _store_bands(rows: list[tuple[int, int]]) -> None:
    """Store ClaimBand rows (key, claim)."""
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




def _holding(texts: set[str], fps: set[str]):
    """Filters (Q) for the claims holding one of `texts` (masked fingerprints) or `fps` (fingerprints): one
    query for each (on PostgreSQL an OR of two array lookups is planned as a scan of every claim, 750 ms at
    a million claims; each alone is an index lookup). A claim may be returned by both."""
    yield from _in_filters("masked_fingerprint", sorted(texts - {""}), "text")
    yield from _in_filters("fingerprint", sorted(fps), "text")


def assign_groups(
    claim_ids: set[int], *, known: dict[int, tuple] | None = None, unshared: set[str] = frozenset()
) -> dict[int, int | None]:
    """Give each of these claims its match_group from what it matches: the group of a founder it matches.

    A group is what a reader takes for "the same claim": every member
    matches the group's founder (the claim whose id is the group's number),
    so groups do not chain (A ~ B and B ~ C with A and C different leaves C
    out of A's group; C's match to B stays a lead on both claim pages). A
    claim keeps a founder it still matches; otherwise it joins the oldest
    founder among its matches, else founds a group with the claims it
    matches that have none (the oldest of them is the founder). A claim with
    no match has no group. Returns the claims' groups.

    Only the founders and the claims without a group among the matches are
    read (a new copy of a sentence a series repeats 44 times reads its
    family's founder, not its 44 copies). `known`: (document, fingerprint,
    masked fingerprint, group) of claims already read; `unshared`: texts no
    other claim holds (a page of new sentences), not looked up again unless
    a TextMatch row joins them to another text.
    """
    if not claim_ids:
        return {}
    info: dict[int, tuple] = {pk: known[pk] for pk in claim_ids if known and pk in known}
    for where in _in_filters("pk", sorted(set(claim_ids) - set(info)), "bigint"):
        for pk, *rest in Claim.objects.filter(where).order_by().values_list(
            "pk", "question__document_id", "fingerprint", "masked_fingerprint", "match_group"
        ):
            info[pk] = tuple(rest)
    texts = {text for _, _, text, _ in info.values() if text}
    near_of: dict[str, set[str]] = defaultdict(set)
    for where in _in_filters("text", sorted(texts), "text"):
        for text, other in TextMatch.objects.filter(where).values_list("text", "other"):
            near_of[text].add(other)
    alone = {text for text in unshared if not near_of.get(text)}
    all_texts = (texts - alone).union(*near_of.values())
    fps = {fp for _, fp, _, _ in info.values()}
    heads: dict[int, tuple] = dict(info)  # founders and claims without a group, among the matches
    for where in _holding(all_texts, fps):
        for pk, *rest in (
            Claim.objects.filter(where).filter(Q(match_group=F("pk")) | Q(match_group=None)).order_by()
            .values_list("pk", "question__document_id", "fingerprint", "masked_fingerprint", "match_group")
        ):
            heads.setdefault(pk, tuple(rest))

    def index(rows):
        by_text, by_fp = defaultdict(set), defaultdict(set)
        for key, (document, fp, text, *_) in rows:
            by_fp[fp].add(key)
            if text:
                by_text[text].add(key)
        return by_text, by_fp

    def matched(pk, rows, by_text, by_fp):
        document, fp, text, _ = info[pk]
        found = set(by_fp.get(fp, ()))
        if text:
            for t in (text, *near_of.get(text, ())):
                found |= by_text.get(t, set())
        return {other for other in found if rows[other][0] != document}

    head_text, head_fp = index(heads.items())
    mine = {pk: matched(pk, heads, head_text, head_fp) for pk in claim_ids}
    # A claim whose matches all belong to other founders' groups still has matches (it founds its own group).
    lonely = [pk for pk in claim_ids if not mine[pk]]
    has_match: set[int] = set()
    if lonely:
        docs: dict[tuple, set] = defaultdict(set)
        l_texts = {info[pk][2] for pk in lonely if info[pk][2]} - alone
        l_texts |= set().union(*(near_of.get(t, set()) for t in l_texts))
        for where in _holding(l_texts, {info[pk][1] for pk in lonely}):
            for document, fp, text in (
                Claim.objects.filter(where).order_by()
                .values_list("question__document_id", "fingerprint", "masked_fingerprint").distinct()
            ):
                docs[("fp", fp)].add(document)
                docs[("text", text)].add(document)
        for pk in lonely:
            document, fp, text, _ = info[pk]
            keys = [("fp", fp)] + ([("text", t) for t in (text, *near_of.get(text, ()))] if text else [])
            if any(docs.get(k, set()) - {document} for k in keys):
                has_match.add(pk)
    groups = {pk: row[3] for pk, row in heads.items()}
    before = dict(groups)
    for claim_id in sorted(claim_ids):
        found = mine[claim_id]
        current = groups.get(claim_id)
        if not found and claim_id not in has_match:
            groups[claim_id] = None
            continue
        if current == claim_id or (current in found and groups.get(current) == current):
            continue  # a founder with matches, or a member that still matches its founder
        founders = [m for m in found if groups.get(m) == m]
        if founders:
            groups[claim_id] = min(founders)
            continue
        founder = min({claim_id} | {m for m in found if groups.get(m) is None})
        groups[founder] = founder
        groups[claim_id] = founder
    _update_claims(["match_group"], [(label, pk) for pk, label in groups.items() if before.get(pk) != label])
    return {pk: groups[pk] for pk in claim_ids}
