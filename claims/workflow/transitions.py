"""The status transitions: flag, resolve, not checkable, triage suggestions, review, verdict, reopen, edit, delete."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from claims import roles
from claims.models import Claim, ClaimStatus, Flag, FlagReason
from claims.workflow.base import (
    NotAllowed,
    WorkflowError,
    _delete,
    _refuse_if_verdict,
    _resolve_open_flags,
    _save,
    _save_claim,
    _shift_positions,
    _sync,
    can_publish,
    check_version,
    require,
)
from claims.workflow.rules import _stances, verdict_problem
from faq.models import Question


def flag(claim: Claim, *, user, reason: str, note: str = "", expected_version: int | None = None) -> Flag:
    """Raise a flag on a claim and mark it flagged. Editors and reviewers (claims.add_flag).

    A claim with a published verdict is refused: a reviewer reopens it first.
    A claim may carry several open flags; it stays flagged until the last is resolved.
    """
    require(user, "claims.add_flag", "flag claims")
    if reason not in FlagReason.values:
        raise WorkflowError(f"unknown flag reason {reason!r}; the reasons are {', '.join(FlagReason.values)}")
    with transaction.atomic():
        locked = check_version(claim, expected_version)
        _refuse_if_verdict(locked, "flagged")
        new_flag = Flag(claim=locked, reason=reason, note=note, raised_by=user)
        _save(new_flag, user=user)
        locked.status = ClaimStatus.FLAGGED
        _save_claim(locked, user=user, reason=f"flagged: {FlagReason(reason).label}")
    _sync(claim, locked)
    return new_flag


def resolve_flag(flag: Flag, *, user, resolution: str) -> Flag:
    """Resolve an open flag, saying how. Editors and reviewers (claims.change_flag).

    When it was the claim's last open flag and the claim is flagged, the claim
    returns to the status it had before it was flagged (unreviewed, not
    checkable or in review), as found in its history.
    """
    require(user, "claims.change_flag", "resolve flags")
    resolution = (resolution or "").strip()
    if not resolution:
        raise WorkflowError("resolving a flag needs a resolution saying what was done about it")
    with transaction.atomic():
        locked = check_version(flag.claim, None)
        current = Flag.objects.select_for_update().get(pk=flag.pk)
        if not current.is_open:
            raise WorkflowError(f"flag {current.pk} is already resolved ({current.resolution})")
        current.resolved_by, current.resolved_at, current.resolution = user, timezone.now(), resolution
        _save(current, user=user)
        if locked.status == ClaimStatus.FLAGGED and not locked.flags.open().exists():
            locked.status = _status_before_flagging(locked)
        if (
            current.reason == FlagReason.TEXT_CHANGED
            and not locked.flags.open().filter(reason=FlagReason.TEXT_CHANGED).exists()
        ):
            # The reviewer found the verdict holds for the new wording.
            locked.changed_since_verdict, locked.reviewed_quote = False, ""
        _save_claim(locked, user=user, reason=f"flag resolved: {current.get_reason_display()}")
    _sync(flag, current)
    _sync(flag.claim, locked)
    return flag


def _status_before_flagging(claim: Claim) -> str:
    earlier = (
        claim.history.exclude(status=ClaimStatus.FLAGGED)
        .order_by("-history_date", "-history_id")
        .values_list("status", flat=True)
        .first()
    )
    if earlier is None:
        return ClaimStatus.UNREVIEWED
    if ClaimStatus(earlier).is_verdict:  # flagging refuses verdicts, but history may predate that rule
        return ClaimStatus.IN_REVIEW
    return earlier


def mark_not_checkable(claim: Claim, *, user, note: str = "", expected_version: int | None = None) -> Claim:
    """Mark a claim as opinion, advice or filler, not a factual claim. Editors and reviewers (claims.change_claim).

    Its open flags are resolved by the decision; `note` says why and is kept
    whole in the history's change reason.
    """
    require(user, "claims.change_claim", "mark claims not checkable")
    with transaction.atomic():
        locked = check_version(claim, expected_version)
        _refuse_if_verdict(locked, "marked not checkable")
        if locked.status == ClaimStatus.NOT_CHECKABLE:
            raise WorkflowError(f"claim {locked.pk} is already marked not checkable")
        note = (note or "").strip()
        _resolve_open_flags(locked, user=user, resolution="claim marked not checkable" + (f": {note}" if note else ""))
        locked.status = ClaimStatus.NOT_CHECKABLE
        locked.triage_pending = False  # the decision answers the importer's suggestion too
        _save_claim(locked, user=user, reason="marked not checkable" + (f": {note}" if note else ""))
    _sync(claim, locked)
    return claim


def accept_triage_suggestion(claim: Claim, *, user) -> Claim:
    """Accept the importer's suggestion that a claim is not checkable. Editors and reviewers (claims.change_claim).

    The claim is marked not checkable (as `mark_not_checkable`), the history
    naming the rule that suggested it. Refused when no suggestion is pending
    or the claim has left unreviewed since the import (someone decided it).
    """
    require(user, "claims.change_claim", "accept pre-triage suggestions")
    with transaction.atomic():
        locked = check_version(claim, None)
        _require_pending_suggestion(locked)
        return mark_not_checkable(
            claim, user=user, note=f"pre-triage suggestion accepted (rule '{locked.triage_rule}')"
        )


def reject_triage_suggestion(claim: Claim, *, user) -> Claim:
    """Reject the importer's not-checkable suggestion: the claim stays unreviewed, without the suggestion.

    Editors and reviewers (claims.change_claim); the history names the rule
    that was rejected, and the rule stays recorded on the claim.
    """
    require(user, "claims.change_claim", "reject pre-triage suggestions")
    with transaction.atomic():
        locked = check_version(claim, None)
        _require_pending_suggestion(locked)
        locked.triage_pending = False
        _save_claim(locked, user=user, reason=f"pre-triage suggestion rejected (rule '{locked.triage_rule}')")
    _sync(claim, locked)
    return claim


def _require_pending_suggestion(claim: Claim) -> None:
    if not claim.triage_pending:
        raise WorkflowError(f"claim {claim.pk} has no pending pre-triage suggestion")
    if claim.status != ClaimStatus.UNREVIEWED:
        raise WorkflowError(
            f"claim {claim.pk} is '{claim.status}', no longer unreviewed; its pre-triage suggestion no longer applies"
        )


def start_review(claim: Claim, *, user, expected_version: int | None = None) -> Claim:
    """Move a claim to in review. Editors and reviewers (claims.change_claim).

    Open flags stay open for the reviewer to deal with. A claim with a verdict
    is reopened instead (`reopen`).
    """
    require(user, "claims.change_claim", "move claims to review")
    with transaction.atomic():
        locked = check_version(claim, expected_version)
        if locked.has_verdict:
            raise WorkflowError(
                f"claim {locked.pk} has a published verdict ('{locked.status}'); reopen it to review it again"
            )
        if locked.status == ClaimStatus.IN_REVIEW:
            raise WorkflowError(f"claim {locked.pk} is already in review")
        locked.status = ClaimStatus.IN_REVIEW
        _save_claim(locked, user=user, reason="review started")
    _sync(claim, locked)
    return claim


def set_verdict(
    claim: Claim, *, user, status: str, rationale: str, finding: str, expected_version: int | None = None, via: str = ""
) -> Claim:
    """Publish (or change) a claim's verdict with its finding and rationale. Reviewers (claims.publish_verdict).

    The verdict must be one of the six verdict statuses and the claim must have
    the citations the verdict needs (VERDICT_NEEDS), a finding (one plain
    sentence, at most FINDING_MAX_LENGTH characters) and a rationale. Sets
    reviewed_by and reviewed_at, and resolves open flags. `via` says, in the
    history, where the verdict came from when it was applied from another claim. Setting the same
    verdict with the same finding and rationale again changes nothing.
    """
    require(user, roles.PUBLISH_VERDICT, "publish verdicts")
    rationale, finding = (rationale or "").strip(), (finding or "").strip()
    with transaction.atomic():
        locked = check_version(claim, expected_version)
        problem = verdict_problem(status, _stances(locked), rationale, finding=finding, claim_id=locked.pk)
        if problem:
            raise WorkflowError(problem)
        if (
            locked.status == status
            and locked.rationale == rationale
            and locked.finding == finding
            and not locked.changed_since_verdict
        ):
            _sync(claim, locked)
            return claim
        previous = locked.status
        label = ClaimStatus(status).label
        _resolve_open_flags(locked, user=user, resolution=f"resolved by the verdict '{label}'")
        locked.status, locked.rationale, locked.finding = status, rationale, finding
        locked.reviewed_by, locked.reviewed_at = user, timezone.now()
        # The verdict is now about the current wording.
        locked.changed_since_verdict, locked.reviewed_quote = False, ""
        if ClaimStatus(previous).is_verdict and previous != status:
            reason = f"verdict changed: {previous} → {status}"
        else:
            reason = f"verdict published: {status}"
        if via:  # e.g. "applied from claim 12" (apply_duplicate_verdict)
            reason += f" ({via})"
        _save_claim(locked, user=user, reason=reason)
    _sync(claim, locked)
    return claim


def reopen(claim: Claim, *, user, reason: str, expected_version: int | None = None) -> Claim:
    """Withdraw a published verdict for another look: the claim goes to in review. Reviewers only.

    The finding, rationale, reviewer and review time are cleared; the previous verdict
    stays in the history, with `reason` as the change reason.
    """
    require(user, roles.PUBLISH_VERDICT, "reopen verdicts")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("reopening a verdict needs a reason, recorded in the claim's history")
    with transaction.atomic():
        locked = check_version(claim, expected_version)
        if not locked.has_verdict:
            raise WorkflowError(f"claim {locked.pk} has no verdict to reopen (it is '{locked.status}')")
        previous = locked.status
        locked.status = ClaimStatus.IN_REVIEW
        locked.rationale, locked.finding, locked.reviewed_by, locked.reviewed_at = "", "", None, None
        locked.changed_since_verdict, locked.reviewed_quote = False, ""
        _save_claim(locked, user=user, reason=f"reopened (was {previous}): {reason}")
    _sync(claim, locked)
    return claim


def edit_statement(claim: Claim, *, user, statement: str, expected_version: int | None) -> Claim:
    """Change the claim as reviewed (ClaimReview's claimReviewed). Editors and reviewers (claims.change_claim).

    Refused when the claim changed since `expected_version` (StaleEdit). The
    statement of a claim with a published verdict is what the verdict is
    about: only a verdict publisher may change it.
    """
    require(user, "claims.change_claim", "edit claim statements")
    statement = (statement or "").strip()
    if not statement:
        raise WorkflowError("a claim's statement cannot be blank: it is what a verdict is about")
    with transaction.atomic():
        locked = check_version(claim, expected_version)
        if locked.has_verdict and not can_publish(user):
            raise NotAllowed(
                f"claim {locked.pk} has a published verdict; only reviewers may change the statement it is "
                f"about (permission {roles.PUBLISH_VERDICT})"
            )
        if statement != locked.statement:
            locked.statement = statement
            _save_claim(locked, user=user, reason="statement edited")
    _sync(claim, locked)
    return claim


def delete_claim(claim: Claim, *, user) -> None:
    """Delete a claim that has never had a verdict (claims.delete_claim: superusers only, by default).

    A claim that carries or ever carried a verdict is refused, whoever asks:
    withdrawal is a status, not a delete. The claims after it move up one
    position, so neighbours stay adjacent for merging. The deletion is in the
    claim's history.
    """
    require(user, "claims.delete_claim", "delete claims")
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=claim.question_id)
        locked = check_version(claim, None)
        if Claim.objects.ever_had_verdict().filter(pk=locked.pk).exists():
            raise NotAllowed(
                f"claim {locked.pk} has had a verdict, and a claim that has ever had a verdict is never deleted "
                f"(not even by a superuser); reopen it or mark it instead"
            )
        position = locked.position
        _delete(locked, user=user, reason="deleted")
        _shift_positions(question.pk, after=position, by=-1)
