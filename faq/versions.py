"""A changed text for an existing document: a new version, its claims re-anchored with their verdicts.

`plan_version` compares the document's current claims with the new parsed
text and says, claim by claim, what would happen; it writes nothing, so the
dry run and the admin preview show the plan. `apply_version` carries it out in
one transaction. Every claim keeps its id, citations, flags, relations and
history. In order:

- *unchanged*: the quote is found word for word in some answer of the new text
  (its own question's first, nearest its old place; it may have moved to
  another question). Only its span, question and position change.
- *restyled*: the quote is found once spacing and quotation marks are evened
  out (curly to straight, runs of whitespace to one space). The span and quote
  follow the new text; the meaning did not change, so the verdict stands
  without a flag.
- *edited*: a sentence of the new text is close enough to the quote
  (rapidfuzz's normalised Indel similarity, `EDIT_THRESHOLD`). The span, quote
  and (unless an editor rewrote it) statement follow the new text; the old
  quote stays in the claim's history and in a ClaimChange. A claim with a
  verdict keeps it, is marked changed since the verdict and gets an open
  "text changed" flag (claims.workflow.reanchor_claim).
- *removed*: not found. The claim is kept with its last span, marked removed
  after the current version number; its verdict stays public, shown as
  applying to the earlier text.
- *new*: every sentence of the new text that no claim covers becomes a new
  unreviewed claim, with the parser's pre-triage suggestion.

Questions follow the new text: a question is matched by its wording (exactly,
else closely), kept and renumbered; a new question is added. A question gone
from the page that still holds removed claims is kept, marked removed, and
numbered after the current ones, so those claims keep their answer as it read;
one that holds nothing is deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rapidfuzz import fuzz
from simple_history.utils import bulk_create_with_history

from claims import workflow
from claims.models import Claim
from faq.models import ClaimChange, ClaimChangeKind, Document, DocumentVersion, PageLink, Question
from faq.parsing import ParsedDocument

# Similarity (0-100, rapidfuzz.fuzz.ratio over the evened texts) at which a
# sentence of the new text no claim holds is taken for an edited claim. On the
# seed (tests/test_versions.py): a softened verb, a changed fact, an added
# statute or clause, a negation score 83-95; a rewording that reorders the
# clauses scores about 64 and becomes removed + new (a reviewer sees both). The
# seed's most alike different sentences score 72 within an answer, but the
# fuzzy pass only offers sentences that no claim found word for word, so an
# unchanged sentence is never handed to another claim.
EDIT_THRESHOLD = 70
# A claim scoring this close with a sentence in its own question wins over a
# slightly better match elsewhere: answers repeat phrases across questions.
_SAME_QUESTION_BONUS = 3

# Numbers moved out of the way and back, as claims.workflow does for positions:
# PostgreSQL checks unique constraints row by row within one UPDATE.
_SHIFT = 1_000_000

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"'})
_SPACE = re.compile(r"\s+")


def evened(text: str) -> str:
    """The text with quotation marks made straight and whitespace runs made one space: what 'restyled' ignores."""
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip()


@dataclass
class ClaimPlan:
    """What the new version does to one existing claim."""

    claim: Claim
    kind: str
    question_index: int | None = None  # into parsed.questions; None when removed
    start: int = 0
    end: int = 0
    quote: str = ""
    score: float = 100.0
    old_quote: str = field(init=False)

    def __post_init__(self):
        # Read now: applying the plan moves the claim (and its quote) on.
        self.old_quote = self.claim.quote


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    quote: str
    triage_rule: str


@dataclass
class NewClaim:
    question_index: int
    start: int
    end: int
    quote: str
    triage_rule: str


@dataclass
class VersionPlan:
    document: Document
    parsed: ParsedDocument
    body: str
    number: int
    question_rows: list[Question | None]  # per parsed question: the kept row, or None for a new question
    gone_questions: list[Question]
    claims: list[ClaimPlan]
    new_claims: list[NewClaim] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[ClaimPlan]:
        return [plan for plan in self.claims if plan.kind in kinds]

    @property
    def edited_plans(self) -> list[ClaimPlan]:
        return self.of_kind(ClaimChangeKind.EDITED)

    @property
    def removed_plans(self) -> list[ClaimPlan]:
        return self.of_kind(ClaimChangeKind.REMOVED)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "unchanged": len(self.of_kind("unchanged", ClaimChangeKind.RESTYLED)),
            "edited": len(self.of_kind(ClaimChangeKind.EDITED)),
            "removed": len(self.of_kind(ClaimChangeKind.REMOVED)),
            "new": len(self.new_claims),
        }

    @property
    def summary(self) -> str:
        c = self.counts
        return f"{c['unchanged']} unchanged, {c['edited']} edited, {c['removed']} removed, {c['new']} new claims"

    def lines(self) -> list[str]:
        """The edited and removed claims, old and new wording, for the dry run."""
        out = []
        for plan in self.of_kind(ClaimChangeKind.EDITED):
            verdict = " (has a verdict: will be flagged 'text changed')" if plan.claim.has_verdict else ""
            out.append(f"  edited claim {plan.claim.pk}{verdict}, similarity {plan.score:.0f}:")
            out.append(f"    was: {plan.old_quote}")
            out.append(f"    now: {plan.quote}")
        for plan in self.of_kind(ClaimChangeKind.REMOVED):
            verdict = " (its verdict stays, shown as about the earlier text)" if plan.claim.has_verdict else ""
            out.append(f"  removed claim {plan.claim.pk}{verdict}: {plan.old_quote}")
        return out

    def to_dict(self) -> dict:
        return {
            "version": self.number,
            "counts": self.counts,
            "edited": [
                {"claim": p.claim.pk, "old": p.old_quote, "new": p.quote, "similarity": round(p.score, 1)}
                for p in self.of_kind(ClaimChangeKind.EDITED)
            ],
            "removed": [{"claim": p.claim.pk, "old": p.old_quote} for p in self.of_kind(ClaimChangeKind.REMOVED)],
            "new": [{"question": n.question_index + 1, "quote": n.quote} for n in self.new_claims],
        }


def current_version_number(document: Document) -> int:
    return document.versions.order_by("-number").values_list("number", flat=True).first() or 0


def plan_version(document: Document, parsed: ParsedDocument, body: str) -> VersionPlan:
    """Compare the document's current claims with a new parsed text; write nothing."""
    questions = list(document.questions.filter(removed_after_version__isnull=True).order_by("number"))
    claims = list(
        Claim.objects.on_page().filter(question__document=document).select_related("question").order_by(
            "question__number", "position"
        )
    )
    rows = _match_questions(questions, parsed)
    index_of_row = {row.pk: i for i, row in enumerate(rows) if row is not None}
    answers = [q.answer for q in parsed.questions]
    taken: list[list[tuple[int, int]]] = [[] for _ in answers]
    plans: dict[int, ClaimPlan] = {}

    def free(qi, start, end):
        return all(end <= s or start >= e for s, e in taken[qi])

    def take(claim, kind, qi, start, end, score=100.0):
        taken[qi].append((start, end))
        plans[claim.pk] = ClaimPlan(claim, kind, qi, start, end, answers[qi][start:end], score)

    # 1. Word for word: its own question first, nearest its old place; then anywhere.
    for claim in claims:
        home = index_of_row.get(claim.question_id)
        order = ([home] if home is not None else []) + [i for i in range(len(answers)) if i != home]
        for qi in order:
            hits = [m.start() for m in re.finditer(re.escape(claim.quote), answers[qi])] if claim.quote else []
            hits = [h for h in hits if free(qi, h, h + len(claim.quote))]
            if hits:
                start = min(hits, key=lambda h: abs(h - claim.start)) if qi == home else hits[0]
                take(claim, "unchanged", qi, start, start + len(claim.quote))
                break

    sentences = [
        (qi, span) for qi, question in enumerate(parsed.questions) for span in question.claims
    ]

    def pieces(qi, span):
        """The parts of a sentence no claim covers yet, trimmed; only those with a letter.

        A list item's number left over ("1.") is not a claim: the layout reader
        may read an item's number into the sentence that a claim quotes without it.
        """
        cuts = sorted((s, e) for s, e in taken[qi] if s < span.end and e > span.start)
        out, at = [], span.start
        for s, e in cuts + [(span.end, span.end)]:
            text = answers[qi][at:s]
            if any(ch.isalpha() for ch in text):
                lead = len(text) - len(text.lstrip())
                out.append(_Piece(at + lead, at + lead + len(text.strip()), text.strip(), span.triage_rule))
            at = max(at, e)
        return out

    # 2. Same words, other spacing or quotation marks.
    by_evened: dict[str, list[tuple[int, object]]] = {}
    for qi, span in sentences:
        for piece in pieces(qi, span):
            by_evened.setdefault(evened(piece.quote), []).append((qi, piece))
    for claim in claims:
        if claim.pk in plans:
            continue
        for qi, span in by_evened.get(evened(claim.quote), []):
            if free(qi, span.start, span.end):
                take(claim, ClaimChangeKind.RESTYLED, qi, span.start, span.end)
                break

    # 3. Close enough: the best pairs first, each claim and sentence used once.
    left = [claim for claim in claims if claim.pk not in plans]
    # A sentence partly covered (an editor split it into claims) offers its uncovered part.
    candidates = [(qi, piece) for qi, span in sentences for piece in pieces(qi, span)]
    pairs = []
    for claim in left:
        old = evened(claim.quote)
        home = index_of_row.get(claim.question_id)
        for n, (qi, span) in enumerate(candidates):
            score = fuzz.ratio(old, evened(span.quote))
            if score >= EDIT_THRESHOLD:
                bonus = _SAME_QUESTION_BONUS if qi == home else 0
                pairs.append((score + bonus, score, claim.pk, n))
    pairs.sort(key=lambda p: (-p[0], p[2], p[3]))
    by_pk = {claim.pk: claim for claim in left}
    used = set()
    for _, score, pk, n in pairs:
        if pk in plans or n in used:
            continue
        qi, span = candidates[n]
        if not free(qi, span.start, span.end):
            continue
        used.add(n)
        take(by_pk[pk], ClaimChangeKind.EDITED, qi, span.start, span.end, score)

    # 4. Not found: removed.
    for claim in claims:
        if claim.pk not in plans:
            plans[claim.pk] = ClaimPlan(claim, ClaimChangeKind.REMOVED, start=claim.start, end=claim.end)

    new_claims = [
        NewClaim(qi, piece.start, piece.end, piece.quote, piece.triage_rule if piece.quote == span.quote else "")
        for qi, span in sentences
        for piece in pieces(qi, span)
    ]
    kept = {row.pk for row in rows if row is not None}
    return VersionPlan(
        document=document,
        parsed=parsed,
        body=body,
        number=current_version_number(document) + 1,
        question_rows=rows,
        gone_questions=[q for q in questions if q.pk not in kept],
        claims=[plans[claim.pk] for claim in claims],
        new_claims=new_claims,
    )


def _match_questions(questions: list[Question], parsed: ParsedDocument) -> list[Question | None]:
    """For each parsed question, the existing row it continues: same wording, else close wording."""
    rows: list[Question | None] = [None] * len(parsed.questions)
    left = {q.pk: q for q in questions}
    by_text: dict[str, list[Question]] = {}
    for q in questions:
        by_text.setdefault(evened(q.question), []).append(q)
    for i, pq in enumerate(parsed.questions):
        for q in by_text.get(evened(pq.question), []):
            if q.pk in left:
                rows[i] = left.pop(q.pk)
                break
    pairs = sorted(
        (
            (fuzz.ratio(evened(q.question), evened(pq.question)), i, q.pk)
            for i, pq in enumerate(parsed.questions)
            if rows[i] is None
            for q in left.values()
        ),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    for score, i, pk in pairs:
        if score < EDIT_THRESHOLD:
            break
        if rows[i] is None and pk in left:
            rows[i] = left.pop(pk)
    return rows


def create_first_version(document: Document, *, user=None, capture=None) -> DocumentVersion:
    """Version 1 of a newly imported document (the importer's transaction)."""
    return DocumentVersion.objects.create(
        document=document,
        number=1,
        body=document.body,
        content_sha256=document.content_sha256,
        capture=capture,
        created_at=timezone.now(),
        created_by=user,
        new_count=Claim.objects.filter(question__document=document).count(),
    )


def apply_new_version(
    document: Document, parsed: ParsedDocument, body: str, *, sha: str, title: str, options, user=None,
    save_capture=None,
) -> tuple[VersionPlan, DocumentVersion]:
    """Plan and carry out a new version in one transaction; the document's text, questions and claims follow it.

    The plan is made again under the document's row lock, so a claim split or
    a version added since a preview cannot be missed. `save_capture(document)`
    stores the fetched page (if any) and returns it.
    """
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        plan = plan_version(document, parsed, body)
        previous = plan.number - 1
        capture = save_capture(document) if save_capture else None
        document.title, document.body, document.content_sha256 = title, plan.body, sha
        document.category = parsed.category or ""
        if options.retrieved_on:
            document.retrieved_on = options.retrieved_on
        document.gone_since, document.gone_reason = None, ""
        document.save()
        counts = plan.counts
        version = DocumentVersion.objects.create(
            document=document,
            number=plan.number,
            body=plan.body,
            content_sha256=sha,
            capture=capture,
            created_at=timezone.now(),
            created_by=user,
            unchanged_count=counts["unchanged"],
            edited_count=counts["edited"],
            removed_count=counts["removed"],
            new_count=counts["new"],
        )
        questions = _apply_questions(document, plan, previous)
        _apply_claims(plan, questions, version, previous, user=user)
        _apply_gone_questions(document, plan, previous, len(questions))
    return plan, version


def _apply_questions(document: Document, plan: VersionPlan, previous: int) -> list[Question]:
    Question.objects.filter(document=document).update(number=F("number") + _SHIFT)
    questions = []
    for number, (pq, row) in enumerate(zip(plan.parsed.questions, plan.question_rows, strict=True), start=1):
        if row is None:
            row = Question(document=document)
        row.number, row.question, row.answer, row.removed_after_version = number, pq.question, pq.answer, None
        row.save()
        questions.append(row)
    # The page's links follow its text: the old ones described the old answers.
    PageLink.objects.filter(question__in=questions).delete()
    PageLink.objects.bulk_create(
        PageLink(question=question, position=position, text=link.text, url=link.url)
        for question, pq in zip(questions, plan.parsed.questions, strict=True)
        for position, link in enumerate(pq.links, start=1)
    )
    return questions


def _apply_claims(plan: VersionPlan, questions: list[Question], version: DocumentVersion, previous: int, *, user):
    document = plan.document
    Claim.objects.filter(question__document=document).update(position=F("position") + _SHIFT)
    # Positions: each answer's claims in text order, then the removed ones it still holds.
    placed: dict[int, list[tuple[int, object]]] = {q.pk: [] for q in questions}
    for p in plan.claims:
        if p.kind != ClaimChangeKind.REMOVED:
            placed[questions[p.question_index].pk].append((p.start, p))
    for n in plan.new_claims:
        placed[questions[n.question_index].pk].append((n.start, n))
    new_rows, changes = [], []
    for question in questions:
        for position, (_, item) in enumerate(sorted(placed[question.pk], key=lambda x: x[0]), start=1):
            if isinstance(item, ClaimPlan):
                workflow.reanchor_claim(
                    item.claim,
                    user=user,
                    question=question,
                    position=position,
                    start=item.start,
                    end=item.end,
                    quote=item.quote,
                    kind=item.kind,
                    version_number=version.number,
                )
                if item.kind != "unchanged":
                    changes.append(ClaimChange(version=version, claim=item.claim, kind=item.kind,
                                               old_quote=item.old_quote, new_quote=item.quote))
            else:
                new_rows.append(Claim.from_span(question, position, item))
    removed = [p for p in plan.claims if p.kind == ClaimChangeKind.REMOVED]
    for p in removed:
        workflow.mark_removed_from_page(p.claim, user=user, last_version=previous)
        changes.append(ClaimChange(version=version, claim=p.claim, kind=p.kind, old_quote=p.old_quote))
    created = bulk_create_with_history(
        new_rows, Claim, batch_size=500, default_user=user, default_change_reason=f"new in version {version.number}"
    )
    # Every claim left at a shifted position (removed now or earlier) goes after the current ones of its answer.
    _renumber_removed(Claim.objects.filter(question__document=document, position__gt=_SHIFT))
    changes.extend(ClaimChange(version=version, claim=c, kind=ClaimChangeKind.NEW, new_quote=c.quote) for c in created)
    ClaimChange.objects.bulk_create(changes)


def _renumber_removed(claims) -> None:
    rows = list(claims.order_by("question_id", "position").values_list("pk", "question_id"))
    last: dict[int, int] = {}
    for question_id in {q for _, q in rows}:
        last[question_id] = (
            Claim.objects.filter(question_id=question_id, position__lt=_SHIFT).order_by("-position")
            .values_list("position", flat=True).first() or 0
        )
    for pk, question_id in rows:
        last[question_id] += 1
        Claim.objects.filter(pk=pk).update(position=last[question_id])


def _apply_gone_questions(document: Document, plan: VersionPlan, previous: int, current_count: int) -> None:
    gone = Question.objects.filter(document=document, number__gt=_SHIFT).order_by("number")
    number = current_count
    for question in gone:
        if not question.claims.exists():
            question.delete()
            continue
        number += 1
        question.number = number
        if question.removed_after_version is None:
            question.removed_after_version = previous
        question.save(update_fields=["number", "removed_after_version"])
