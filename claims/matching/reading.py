"""A claim's matches read from the claims and the stored near texts: one query, no similarity work.

The claim page, the admin and the workflow read matches here (matches_of).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from claims.masking import places
from claims.models import Claim, MatchKind, TextMatch


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
