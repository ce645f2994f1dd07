"""Splitting a claim in two and merging two neighbouring claims, keeping ids, evidence and history."""

from __future__ import annotations

from django.db import transaction

from claims.matching import rematch_claims
from claims.models import Claim, ClaimRelation, ClaimStatus, Flag
from claims.workflow.base import (
    WorkflowError,
    _delete,
    _refuse_if_verdict,
    _save,
    _save_claim,
    _shift_positions,
    _sync,
    check_version,
    require,
)
from claims.workflow.relations import _duplicate_relation
from faq.models import Question
from faq.parsing import fingerprint
from sources.models import Citation


def split_claim(claim: Claim, *, user, at: int, expected_version: int | None = None) -> tuple[Claim, Claim]:
    """Split a claim in two at character `at` of its quote. Editors and reviewers (claims.change_claim).

    0 < at < len(quote). Whitespace at the cut is left out of both parts, and
    both keep `answer[start:end] == quote`. The first part keeps the claim's
    id, status, citations, flags and relations; the second is a new
    unreviewed claim right after it, and later claims of the answer move down
    one position. Both statements become their quotes. A claim with a
    published verdict is refused (reopen it first).
    """
    require(user, "claims.change_claim", "split and merge claims")
    with transaction.atomic():
        # The question row serialises changes to the positions of its claims.
        question = Question.objects.select_for_update().get(pk=claim.question_id)
        locked = check_version(claim, expected_version)
        _refuse_if_verdict(locked, "split")
        quote = locked.quote
        if not isinstance(at, int) or not 0 < at < len(quote):
            raise WorkflowError(
                f"a split position must be between 1 and {len(quote) - 1} (inside the quote of claim "
                f"{locked.pk}, which is {len(quote)} characters long); got {at!r}"
            )
        first_text = quote[:at].rstrip()
        rest = quote[at:]
        second_text = rest.lstrip()
        if not first_text or not second_text:
            raise WorkflowError(
                f"splitting claim {locked.pk} at character {at} would leave a part with no text, only whitespace"
            )
        second_start = locked.start + at + (len(rest) - len(second_text))
        assert question.answer[second_start : locked.end] == second_text, "claim offsets out of step with its answer"

        _shift_positions(question.pk, after=locked.position, by=1)
        second = Claim(
            question=question,
            position=locked.position + 1,
            quote=second_text,
            start=second_start,
            end=locked.end,
            statement=second_text,
            fingerprint=fingerprint(second_text),
        )
        _save(second, user=user, reason=f"split from claim {locked.pk} at character {at}")
        edited = locked.statement != locked.quote
        locked.quote, locked.end = first_text, locked.start + len(first_text)
        locked.statement, locked.fingerprint = first_text, fingerprint(first_text)
        reason = f"split at character {at}: the rest is now claim {second.pk}"
        if edited:
            reason += "; the edited statement was reset to the quote"
        _save_claim(locked, user=user, reason=reason)
        rematch_claims([locked.pk, second.pk])  # both texts changed: their matches across documents too
    _sync(claim, locked)
    return claim, second


def merge_claims(first: Claim, second: Claim, *, user, expected_version: int | None = None) -> Claim:
    """Merge two adjacent claims of one answer into the earlier one. Editors and reviewers (claims.change_claim).

    The merged quote runs from the earlier claim's start to the later one's
    end, including any answer text between them, so `answer[start:end] ==
    quote` holds. Citations, flags and relations of the later claim move to
    the merged one (duplicates are dropped); the later claim is deleted and
    the claims after it move up one position. Refused when either claim has a
    published verdict, or the later one has ever had one. `expected_version`
    is checked against `first`.
    """
    require(user, "claims.change_claim", "split and merge claims")
    with transaction.atomic():
        if first.question_id != second.question_id:
            raise WorkflowError(
                f"claims {first.pk} and {second.pk} belong to different answers; only adjacent claims of one "
                f"answer can be merged"
            )
        question = Question.objects.select_for_update().get(pk=first.question_id)
        checked = check_version(first, expected_version)
        later = Claim.objects.select_for_update().get(pk=second.pk)
        earlier, later = sorted([checked, later], key=lambda c: c.position)
        if later.position != earlier.position + 1:
            raise WorkflowError(
                f"claims {earlier.pk} (position {earlier.position}) and {later.pk} (position {later.position}) "
                f"are not next to each other; only adjacent claims can be merged"
            )
        for c in (earlier, later):
            if c.has_verdict:
                raise WorkflowError(
                    f"claim {c.pk} has a published verdict ('{c.status}'); a reviewer must reopen it before it "
                    f"can be merged"
                )
        if Claim.objects.ever_had_verdict().filter(pk=later.pk).exists():
            raise WorkflowError(
                f"claim {later.pk} has had a verdict, and merging would delete it: a claim that has ever had a "
                f"verdict is never deleted"
            )
        moved = _move_children(later, earlier, user=user)
        untouched = earlier.statement == earlier.quote and later.statement == later.quote
        statement = None if untouched else f"{earlier.statement} {later.statement}"
        statuses = {earlier.status, later.status}
        later_pk, later_position, later_text = later.pk, later.position, later.masked_fingerprint
        _delete(later, user=user, reason=f"merged into claim {earlier.pk}")
        _shift_positions(question.pk, after=later_position, by=-1)

        quote = question.answer[earlier.start : later.end]
        earlier.quote, earlier.end, earlier.fingerprint = quote, later.end, fingerprint(quote)
        earlier.statement = statement or quote
        if earlier.flags.open().exists():
            earlier.status = ClaimStatus.FLAGGED
        elif len(statuses) > 1:
            earlier.status = ClaimStatus.IN_REVIEW if ClaimStatus.IN_REVIEW in statuses else ClaimStatus.UNREVIEWED
        _save_claim(earlier, user=user, reason=f"merged with claim {later_pk} ({moved})")
        rematch_claims([earlier.pk], gone=[later_pk], gone_texts=[later_text])  # the merged text's matches too
    if first.pk == earlier.pk:
        _sync(first, earlier)
    return earlier


def _move_children(old: Claim, new: Claim, *, user) -> str:
    """Move citations, flags and relations from `old` to `new`; say what moved and what was dropped."""
    moved = dropped = 0
    for citation in Citation.objects.filter(claim=old).select_for_update():
        if Citation.objects.filter(claim=new, source_id=citation.source_id, pinpoint=citation.pinpoint).exists():
            _delete(citation, user=user)
            dropped += 1
        else:
            citation.claim = new
            _save(citation, user=user)
            moved += 1
    for old_flag in Flag.objects.filter(claim=old).select_for_update():
        old_flag.claim = new
        _save(old_flag, user=user)
        moved += 1
    relations = ClaimRelation.objects.filter(from_claim=old) | ClaimRelation.objects.filter(to_claim=old)
    for relation in relations.select_for_update():
        if relation.from_claim_id == old.pk:
            relation.from_claim = new
        if relation.to_claim_id == old.pk:
            relation.to_claim = new
        if relation.from_claim_id == relation.to_claim_id or _duplicate_relation(
            relation.from_claim_id, relation.to_claim_id, relation.kind, excluding=relation.pk
        ):
            _delete(relation, user=user)
            dropped += 1
        else:
            _save(relation, user=user)
            moved += 1
    return f"{moved} citations, flags and relations moved, {dropped} duplicates dropped"
