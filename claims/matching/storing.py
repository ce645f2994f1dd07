"""Matching at import: a document's claims matched against every other document's, and what is stored.

match_document (the importer, match_claims) and rematch_claims (split, merge)
fill the claims' masked fields, band keys, near texts (TextMatch) and match groups.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.expressions import RawSQL
from rapidfuzz import fuzz

from claims.bands import band_keys
from claims.masking import document_jurisdiction
from claims.matching.similarity import THRESHOLD, Signature, meaning_key
from claims.models import Claim, ClaimBand, TextMatch

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
