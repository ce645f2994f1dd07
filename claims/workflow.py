"""The status workflow: the one module that writes `Claim.status`.

Every transition of the status workflow is one function here. The
admin (forms, inlines, actions, views), management commands and scripts such
as a seed loader all call these functions; nothing else writes a claim's
status. Each function

- checks who may do it with `user.has_perm(...)` (never `is_staff`, so a
  non-staff system user in the Reviewers group works the same as a person;
  which group holds which permission is defined in claims/roles.py),
- checks what the transition needs, and refuses with a `WorkflowError` whose
  message names the broken rule,
- runs in one transaction, locking the claim row (`select_for_update`) so two
  requests cannot interleave, and refuses a stale edit when given the
  `expected_version` the editor's form was opened at (`StaleEdit`),
- bumps `Claim.version` and writes a history row with the acting user and a
  change reason, so the claim's timeline says who did what and why.

Decisions beyond the basic workflow (each one also shows in a refusal message):

- A claim with a published verdict cannot be flagged, marked not checkable,
  moved to review, split or merged: a reviewer reopens it first, so a verdict
  is never dropped silently.
- Publishing a verdict, or marking a claim not checkable, resolves the claim's
  open flags (the resolution says so): the decision answers them.
- Resolving the last open flag of a flagged claim returns it to the status it
  had before it was flagged (unreviewed, not checkable or in review).
- Reopening a verdict moves the claim to in review and clears the rationale,
  reviewer and review time; the previous verdict stays in the history.
- Splitting keeps the claim's id, citations, flags and relations on the first
  part; the second part is a new, unreviewed claim. Both statements become
  their quotes (an edited statement described the whole and stays in history).
- Merging keeps the earlier claim's id; citations, flags and relations of the
  later one move to it (a citation of the same source and pinpoint, or a
  relation that would repeat or point at itself, is dropped), and the later
  claim is deleted, so a later claim that ever had a verdict is not merged.
- Citing by a typed citation ("G.S. 108A-80(a)") finds its source or creates
  it; creating one takes sources.add_source, so whoever may not add sources
  by hand cannot add them by typing a citation either. Several citations
  typed together ("8 U.S.C. §§ 1373 and 1644") cite one source each, all or
  none (`add_typed_citations`).
- Claims found in other documents (claims/matching.py): evidence is carried
  to chosen matches citation by citation through `add_citation`, all or
  nothing; a verdict is applied only to a duplicate (the same text in a page
  of the same jurisdiction), never to the same wording about another state,
  and never over a different verdict (`carry_evidence`,
  `apply_duplicate_verdict`).
"""

from __future__ import annotations

from datetime import timezone as dt_timezone

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from claims import roles
from claims.matching import rematch_claims
from claims.models import (
    FINDING_MAX_LENGTH,
    Claim,
    ClaimMatch,
    ClaimRelation,
    ClaimStatus,
    Flag,
    FlagReason,
    MatchKind,
    RelationKind,
)
from faq.models import Question
from faq.parsing import fingerprint
from sources.models import (
    Citation,
    NotACitation,
    Source,
    SourceFromCitation,
    Stance,
    parse_typed_citation,
    parse_typed_citations,
)


class WorkflowError(Exception):
    """A workflow rule was broken; the message names the rule."""


class NotAllowed(WorkflowError, PermissionDenied):
    """The user may not do this; the message says who may and which permission it takes.

    A PermissionDenied too, so a view that lets it escape answers 403.
    """


class StaleEdit(WorkflowError):
    """The claim changed after the editor opened it (optimistic locking on Claim.version)."""


# What each verdict needs besides a rationale: groups of stances, of each of
# which the claim must have at least one citation. The one statement of these
# rules: the admin's verdict field and the "How we rate" page are written from it.
VERDICT_NEEDS: dict[str, tuple[frozenset[str], ...]] = {
    ClaimStatus.SUPPORTED: (frozenset({Stance.SUPPORTS}),),
    ClaimStatus.PARTLY_SUPPORTED: (frozenset({Stance.SUPPORTS}), frozenset({Stance.REFUTES, Stance.CONTEXT})),
    ClaimStatus.MISLEADING: (frozenset(Stance.values),),
    ClaimStatus.CONTRADICTED: (frozenset({Stance.REFUTES}),),
    ClaimStatus.OUTDATED: (frozenset({Stance.REFUTES, Stance.CONTEXT}),),
    ClaimStatus.UNVERIFIABLE: (),
}

_STANCE_ORDER = [Stance.SUPPORTS, Stance.REFUTES, Stance.CONTEXT]

# Positions are moved out of the way and back in two UPDATEs: PostgreSQL checks
# the (question, position) unique constraint row by row, so "+1 for everything
# after n" in one statement could collide midway.
_POSITION_SHIFT = 1_000_000


# --- permissions -------------------------------------------------------------


def can_publish(user) -> bool:
    """Whether `user` may publish, change and reopen verdicts (claims.publish_verdict)."""
    return user is not None and user.has_perm(roles.PUBLISH_VERDICT)


def can_delete_claim(user, claim: Claim) -> bool:
    """Whether `user` may delete `claim`: never one that has ever had a verdict, whoever asks."""
    if user is None or not user.has_perm("claims.delete_claim"):
        return False
    return not Claim.objects.ever_had_verdict().filter(pk=claim.pk).exists()


def require(user, perm: str, doing: str) -> None:
    """Raise NotAllowed unless `user` holds `perm`; the message names who may do `doing`."""
    if user is not None and user.has_perm(perm):
        return
    holders = [name.lower() for name in roles.groups_holding(perm)] or ["superusers"]
    raise NotAllowed(f"only {' and '.join(holders)} may {doing} (permission {perm})")


# --- locking and history -----------------------------------------------------


def check_version(claim: Claim, expected_version: int | None) -> Claim:
    """Lock the claim row and return it fresh; raise StaleEdit if it moved past `expected_version`.

    Call inside a transaction. `expected_version` None skips the check (scripts
    that did not read the claim from a form).
    """
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise StaleEdit(_stale_message(locked))
    return locked


def _stale_message(claim: Claim) -> str:
    last = claim.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    if last is None:
        return f"claim {claim.pk} was changed after you opened it; reload and try again"
    who = last.history_user.get_username() if last.history_user else "someone (no user recorded)"
    when = last.history_date.astimezone(dt_timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"claim {claim.pk} was changed by {who} at {when} after you opened it; reload and try again"


def _save(obj, *, user, reason: str | None = None) -> None:
    """Save with the acting user (and, for claims, a change reason) on the history row."""
    obj._history_user = user
    if reason is not None:
        obj._change_reason = reason
    try:
        obj.save()
    finally:
        # Not left on the instance, where a later save elsewhere would reuse them.
        obj.__dict__.pop("_history_user", None)
        obj.__dict__.pop("_change_reason", None)


def _save_claim(claim: Claim, *, user, reason: str) -> None:
    claim.version += 1
    _save(claim, user=user, reason=reason)


def _delete(obj, *, user, reason: str | None = None) -> None:
    obj._history_user = user
    if reason is not None:
        obj._change_reason = reason
    obj.delete()


def _sync(target, source) -> None:
    """Copy saved field values onto the caller's instance, so it does not go stale."""
    if target is source:
        return
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _refuse_if_verdict(claim: Claim, doing: str) -> None:
    if claim.has_verdict:
        raise WorkflowError(
            f"claim {claim.pk} has a published verdict ('{claim.status}'); a reviewer must reopen it "
            f"before it can be {doing}"
        )


def _resolve_open_flags(claim: Claim, *, user, resolution: str) -> int:
    now = timezone.now()
    flags = list(claim.flags.open().select_for_update())
    for flag in flags:
        flag.resolved_by, flag.resolved_at, flag.resolution = user, now, resolution
        _save(flag, user=user)
    return len(flags)


# --- verdict rules -----------------------------------------------------------


def _describe_stances(group: frozenset[str]) -> str:
    if group == frozenset(Stance.values):
        return "at least one citation"
    names = " or ".join(f"'{s}'" for s in _STANCE_ORDER if s in group)
    return f"at least one citation with stance {names}"


def _describe_citations(claim_id, stances: list[str]) -> str:
    if not stances:
        return f"claim {claim_id} has no citations"
    counts = ", ".join(f"{stances.count(s)} '{s}'" for s in _STANCE_ORDER if s in stances)
    return f"claim {claim_id} has {counts}"


def _a(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def verdict_rules() -> list[tuple[ClaimStatus, str]]:
    """Each verdict with what it needs, in words, for the admin's verdict field and the "How we rate" page."""
    rules = []
    for status in ClaimStatus.verdicts():
        needs = [_describe_stances(group) for group in VERDICT_NEEDS[status]]
        needs += ["a finding", "a rationale"]
        rules.append((status, ", ".join(needs[:-1]) + " and " + needs[-1]))
    return rules


def verdict_missing(status: str, stances: list[str], rationale: str, finding: str) -> list[str]:
    """Everything a verdict still lacks, in words (empty when it may be published)."""
    if status not in VERDICT_NEEDS:
        return []
    missing = [_describe_stances(group) for group in VERDICT_NEEDS[status] if not group & set(stances)]
    if not (finding or "").strip():
        missing.append("a finding")
    if not (rationale or "").strip():
        missing.append("a rationale")
    return missing


def verdict_problem(status: str, stances: list[str], rationale: str, *, finding: str | None = None, claim_id=None) -> str | None:
    """The rule a verdict would break, as a message, or None if it may be published.

    `stances` are the stances of the claim's citations (one per citation).
    `finding` None skips the finding's check (callers that only ask about citations).
    """
    if status not in VERDICT_NEEDS:
        verdicts = ", ".join(f"'{v}'" for v in VERDICT_NEEDS)
        return f"'{status}' is not a verdict; the verdicts are {verdicts}"
    missing = [group for group in VERDICT_NEEDS[status] if not group & set(stances)]
    if missing:
        needs = " and ".join(_describe_stances(group) for group in missing)
        return f"{_a(status)} '{status}' verdict needs {needs} ({_describe_citations(claim_id, stances)})"
    if finding is not None:
        if not finding.strip():
            return f"{_a(status)} '{status}' verdict needs a finding: one plain sentence saying what was found"
        if len(finding.strip()) > FINDING_MAX_LENGTH:
            return (
                f"the finding is {len(finding.strip())} characters; keep it to one sentence of at most "
                f"{FINDING_MAX_LENGTH} (the rationale holds the detail)"
            )
    if not (rationale or "").strip():
        return f"{_a(status)} '{status}' verdict needs a rationale: the public text explaining it"
    return None


def _stances(claim: Claim, *, excluding: Citation | None = None) -> list[str]:
    citations = claim.citations.all()
    if excluding is not None:
        citations = citations.exclude(pk=excluding.pk)
    return list(citations.values_list("stance", flat=True))


# --- transitions -------------------------------------------------------------


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
    claim: Claim,
    *,
    user,
    status: str,
    rationale: str,
    finding: str,
    expected_version: int | None = None,
    via: str = "",
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


# --- citations ---------------------------------------------------------------


def _other_stance_problem(claim_id, source, stance: str, *, excluding: Citation | None = None) -> str | None:
    """A source takes one stance per claim: citing it under a second stance is refused, naming the first.

    The same statute cannot both support and refute one claim; if the reviewer's
    reading changed, the old citation's stance is changed (replacing it).
    """
    others = Citation.objects.filter(claim_id=claim_id, source=source).exclude(stance=stance)
    if excluding is not None:
        others = others.exclude(pk=excluding.pk)
    existing = others.first()
    if existing is None:
        return None
    where = f" at '{existing.pinpoint}'" if existing.pinpoint else ""
    return (
        f"claim {claim_id} already cites {source}{where} as '{existing.stance}'; a source takes one stance per "
        f"claim: to cite it as '{stance}' instead, change that citation's stance (replacing the old one)"
    )


def _duplicate_citation_message(claim_id, source, pinpoint, existing: Citation) -> str:
    where = f"at pinpoint '{pinpoint}'" if pinpoint else "with no pinpoint"
    return (
        f"claim {claim_id} already cites {source} {where} (stance '{existing.stance}'); "
        f"change that citation instead of adding it twice"
    )


def add_citation(
    claim: Claim,
    *,
    user,
    source,
    stance: str,
    pinpoint: str = "",
    excerpt: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Citation:
    """Cite a source for a claim with a stance. Reviewers (sources.add_citation).

    A second citation of the same source at the same pinpoint is refused, and
    so is citing a source the claim already cites under another stance.
    """
    require(user, "sources.add_citation", "add citations")
    if stance not in Stance.values:
        raise WorkflowError(f"unknown stance {stance!r}; the stances are {', '.join(Stance.values)}")
    pinpoint = (pinpoint or "").strip()
    with transaction.atomic():
        locked = check_version(claim, expected_version)
        existing = Citation.objects.filter(claim=locked, source=source, pinpoint=pinpoint).first()
        if existing:
            raise WorkflowError(_duplicate_citation_message(locked.pk, source, pinpoint, existing))
        problem = _other_stance_problem(locked.pk, source, stance)
        if problem:
            raise WorkflowError(problem)
        citation = Citation(
            claim=locked, source=source, stance=stance, pinpoint=pinpoint, excerpt=excerpt, note=note, added_by=user
        )
        _save(citation, user=user)
        _save_claim(locked, user=user, reason=f"citation added: {source} {pinpoint} ({stance})".replace("  ", " "))
    _sync(claim, locked)
    return citation


def source_for_citation(text: str, *, user) -> SourceFromCitation:
    """The source a typed citation names ("NCGS 108A-80"), created if it is new, with the typed pinpoint.

    Finding an existing source needs nothing; creating one needs
    sources.add_source (reviewers), so a user who may not add sources cannot
    add them by typing a citation either. Text that is not a citation is
    refused with `NotACitation`'s message.
    """
    try:
        parsed = parse_typed_citation(text)
    except NotACitation as error:
        raise WorkflowError(str(error)) from error
    if not Source.objects.filter(citation=parsed.canonical).exists():
        require(user, "sources.add_source", f"add sources (no source is recorded yet for {parsed.canonical})")
    return Source.objects.resolve_citation(text)


def add_typed_citation(
    claim: Claim,
    *,
    user,
    text: str,
    stance: str,
    pinpoint: str = "",
    excerpt: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Citation:
    """Cite the source a typed citation names ("G.S. 108A-80(a)"), creating the source if new. Reviewers.

    The pinpoint typed with the citation ("(a)") is used unless `pinpoint` is
    given. Needs sources.add_citation, and sources.add_source when the source
    is new (`source_for_citation`). One transaction: when `add_citation`
    refuses (the claim already cites that source there), a source created
    for it is not kept either.
    """
    require(user, "sources.add_citation", "add citations")
    with transaction.atomic():
        resolved = source_for_citation(text, user=user)
        return add_citation(
            claim,
            user=user,
            source=resolved.source,
            stance=stance,
            pinpoint=(pinpoint or "").strip() or resolved.pinpoint,
            excerpt=excerpt,
            note=note,
            expected_version=expected_version,
        )


def add_typed_citations(
    claim: Claim,
    *,
    user,
    text: str,
    stance: str,
    pinpoint: str = "",
    excerpt: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> list[Citation]:
    """Cite every citation typed together ("8 U.S.C. §§ 1373 and 1644"), one citation each. Reviewers.

    One citation typed alone is `add_typed_citation`. For a list, each
    citation keeps the pinpoint typed with it, and the stance, excerpt and
    note apply to each; a `pinpoint` box value would be ambiguous and is
    refused. All or nothing, in one transaction: when one of them is
    refused (the claim already cites it there), none is added.
    """
    require(user, "sources.add_citation", "add citations")
    try:
        found = parse_typed_citations(text)
    except NotACitation as error:
        raise WorkflowError(str(error)) from error
    if len(found) == 1:
        return [
            add_typed_citation(
                claim, user=user, text=text, stance=stance, pinpoint=pinpoint, excerpt=excerpt, note=note,
                expected_version=expected_version,
            )
        ]
    if (pinpoint or "").strip():
        raise WorkflowError(
            f"{text!r} is {len(found)} citations, so the pinpoint {pinpoint.strip()!r} would be ambiguous: type "
            f"each pinpoint with its citation ('8 U.S.C. §§ 1373(a) and 1644')"
        )
    added = []
    with transaction.atomic():
        for parsed in found:
            if not Source.objects.filter(citation=parsed.canonical).exists():
                require(user, "sources.add_source", f"add sources (no source is recorded yet for {parsed.canonical})")
            resolved = Source.objects.resolve_parsed(parsed)
            added.append(
                add_citation(
                    claim, user=user, source=resolved.source, stance=stance, pinpoint=resolved.pinpoint,
                    excerpt=excerpt, note=note, expected_version=expected_version if not added else None,
                )
            )
    return added


# What update_citation may change (the admin passes the changed ones).
CITATION_FIELDS = ("source", "stance", "pinpoint", "excerpt", "note")


def update_citation(citation: Citation, *, user, **changes) -> Citation:
    """Change a citation's source, stance, pinpoint, excerpt or note. Reviewers (sources.change_citation).

    Refused when the change would leave the claim's published verdict without
    the citation it needs, or would duplicate another citation of the claim.
    Changing nothing writes nothing.
    """
    require(user, "sources.change_citation", "change citations")
    unknown = set(changes) - set(CITATION_FIELDS)
    if unknown:
        raise TypeError(f"update_citation() cannot change {', '.join(sorted(unknown))}")
    if "stance" in changes and changes["stance"] not in Stance.values:
        raise WorkflowError(f"unknown stance {changes['stance']!r}; the stances are {', '.join(Stance.values)}")
    if "pinpoint" in changes:
        changes["pinpoint"] = (changes["pinpoint"] or "").strip()
    with transaction.atomic():
        locked = check_version(citation.claim, None)
        current = Citation.objects.select_for_update().get(pk=citation.pk)
        before = _citation_values(current)
        for name, value in changes.items():
            setattr(current, name, value)
        if _citation_values(current) == before:
            _sync(citation, current)
            return citation
        other = (
            Citation.objects.filter(claim=locked, source=current.source_id, pinpoint=current.pinpoint)
            .exclude(pk=current.pk)
            .first()
        )
        if other:
            raise WorkflowError(_duplicate_citation_message(locked.pk, current.source, current.pinpoint, other))
        problem = _other_stance_problem(locked.pk, current.source, current.stance, excluding=current)
        if problem:
            raise WorkflowError(problem)
        if locked.has_verdict:
            stances = _stances(locked, excluding=current) + [current.stance]
            problem = verdict_problem(locked.status, stances, locked.rationale, claim_id=locked.pk)
            if problem:
                raise WorkflowError(
                    f"changing this citation would leave the published verdict of claim {locked.pk} without "
                    f"its evidence: {problem} after the change; reopen the claim first, or add the needed "
                    f"citation before"
                )
        _save(current, user=user)
        _save_claim(locked, user=user, reason=f"citation changed: {current}")
    _sync(citation, current)
    return citation


def _citation_values(citation: Citation) -> tuple:
    return (citation.source_id, citation.stance, citation.pinpoint, citation.excerpt, citation.note)


def remove_citation(citation: Citation, *, user) -> None:
    """Delete a citation. Reviewers (sources.delete_citation).

    Refused when it would leave the claim's published verdict without the
    citation it needs: the evidence behind a verdict is not taken away from
    under it. The deletion is in the citation's history.
    """
    require(user, "sources.delete_citation", "remove citations")
    with transaction.atomic():
        locked = check_version(citation.claim, None)
        if locked.has_verdict:
            problem = verdict_problem(
                locked.status, _stances(locked, excluding=citation), locked.rationale, claim_id=locked.pk
            )
            if problem:
                raise WorkflowError(
                    f"removing this citation would leave the published verdict of claim {locked.pk} without "
                    f"its evidence: {problem} after the removal; reopen the claim first, or add the needed "
                    f"citation before"
                )
        description = str(citation)
        _delete(citation, user=user)
        _save_claim(locked, user=user, reason=f"citation removed: {description}")


# --- relations ---------------------------------------------------------------


def relate(from_claim: Claim, to_claim: Claim, *, user, kind: str, note: str = "") -> ClaimRelation:
    """Record that one claim contradicts, duplicates or qualifies another. Editors and reviewers.

    A relation from a claim to itself, or one already recorded, is refused;
    for the symmetric kinds (contradicts, duplicates) the reverse pair counts
    as the same relation.
    """
    require(user, "claims.add_claimrelation", "record relations between claims")
    if kind not in RelationKind.values:
        raise WorkflowError(f"unknown relation {kind!r}; the relations are {', '.join(RelationKind.values)}")
    if from_claim.pk == to_claim.pk:
        raise WorkflowError(f"a claim cannot be related to itself (claim {from_claim.pk})")
    with transaction.atomic():
        # Both rows, in id order, so two editors relating the same pair cannot both pass the check.
        pair = Claim.objects.select_for_update().filter(pk__in=[from_claim.pk, to_claim.pk]).order_by("pk")
        locked = {c.pk: c for c in pair}
        source = locked[from_claim.pk]
        problem = _duplicate_relation(from_claim.pk, to_claim.pk, kind)
        if problem:
            raise WorkflowError(problem)
        relation = ClaimRelation(from_claim=source, to_claim=locked[to_claim.pk], kind=kind, note=note, created_by=user)
        _save(relation, user=user)
        _save_claim(source, user=user, reason=f"relation recorded: {kind} claim {to_claim.pk}")
    _sync(from_claim, source)
    return relation


def _duplicate_relation(from_id, to_id, kind, *, excluding=None) -> str | None:
    same = ClaimRelation.objects.filter(from_claim_id=from_id, to_claim_id=to_id, kind=kind)
    reverse = ClaimRelation.objects.filter(from_claim_id=to_id, to_claim_id=from_id, kind=kind)
    if excluding is not None:
        same, reverse = same.exclude(pk=excluding), reverse.exclude(pk=excluding)
    if same.exists():
        return f"claim {from_id} is already recorded as '{kind}' claim {to_id}"
    if RelationKind(kind).is_symmetric and reverse.exists():
        return (
            f"claim {to_id} is already recorded as '{kind}' claim {from_id}, and '{kind}' goes both ways; "
            f"it shows on both claims' pages"
        )
    return None


def unrelate(relation: ClaimRelation, *, user) -> None:
    """Delete a recorded relation between claims. Editors and reviewers (claims.delete_claimrelation)."""
    require(user, "claims.delete_claimrelation", "remove relations between claims")
    with transaction.atomic():
        locked = check_version(relation.from_claim, None)
        description = f"relation removed: {relation.kind} claim {relation.to_claim_id}"
        _delete(relation, user=user)
        _save_claim(locked, user=user, reason=description)


# --- splitting and merging ---------------------------------------------------


def _shift_positions(question_id, *, after: int, by: int) -> None:
    """Move the claims after position `after` of one answer by `by` without two ever sharing a position."""
    Claim.objects.filter(question_id=question_id, position__gt=after).update(position=F("position") + _POSITION_SHIFT)
    Claim.objects.filter(question_id=question_id, position__gt=_POSITION_SHIFT).update(
        position=F("position") - _POSITION_SHIFT + by
    )


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


# --- new versions of a document ----------------------------------------------
#
# Called by faq.versions inside its transaction, for the importer (whoever may
# import may add a version; the admin and the commands check that). They never
# change a claim's status: a verdict is kept, and a changed wording under it is
# put to the reviewers as an open "text changed" flag.


def reanchor_claim(
    claim: Claim, *, user, question, position: int, start: int, end: int, quote: str, kind: str, version_number: int
) -> Claim:
    """Move a claim onto the new version's text: its question, position and span; its quote if the wording changed.

    `kind` is 'unchanged', 'restyled' or 'edited' (faq.versions). The statement
    follows the quote unless an editor had rewritten it. A claim with a verdict
    whose wording was edited keeps the verdict, is marked changed since the
    verdict (keeping the wording the verdict was about) and gets an open
    "text changed" flag showing the old and new wording.
    """
    assert question.answer[start:end] == quote, "re-anchored span out of step with its answer"
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    old_quote, old_statement = locked.quote, locked.statement
    changed = quote != old_quote
    moved = (locked.question_id, locked.start) != (question.pk, start)
    locked.question, locked.position, locked.start, locked.end = question, position, start, end
    if not changed and not moved:
        # Only the position bookkeeping of the new version: no history row for nothing.
        Claim.objects.filter(pk=locked.pk).update(position=position)
        _sync(claim, locked)
        return claim
    if changed:
        if locked.statement == old_quote:
            locked.statement = quote
        locked.quote, locked.fingerprint = quote, fingerprint(quote)
    if kind == "edited" and locked.has_verdict:
        if not locked.changed_since_verdict:
            locked.reviewed_quote = old_statement
        locked.changed_since_verdict = True
        note = f"Version {version_number} of the page changed the wording under this verdict.\nWas: {old_quote}\nNow: {quote}"
        _save(Flag(claim=locked, reason=FlagReason.TEXT_CHANGED, note=note, raised_by=user), user=user)
    reason = {
        "unchanged": f"version {version_number}: same words, moved",
        "restyled": f"version {version_number}: same words, new spacing or quotation marks",
        "edited": f"version {version_number}: wording edited (was: {old_quote})",
    }[kind]
    _save_claim(locked, user=user, reason=reason)
    _sync(claim, locked)
    return claim


def mark_removed_from_page(claim: Claim, *, user, last_version: int) -> Claim:
    """Mark a claim no longer on the page, last seen in version `last_version`; everything else stays."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    locked.removed_after_version = last_version
    _save_claim(locked, user=user, reason=f"removed from the page after version {last_version}")
    _sync(claim, locked)
    return claim


# --- claims across documents (claims/matching.py finds them) -----------------


def stored_matches(claim: Claim, targets) -> list[ClaimMatch]:
    """The stored matches of `claim` to each of `targets`, in order; refused when one is not a match."""
    ids = [target.pk if isinstance(target, Claim) else int(target) for target in targets]
    if not ids:
        raise WorkflowError(f"choose at least one claim matching claim {claim.pk}")
    found = {
        match.other_id: match
        for match in ClaimMatch.objects.filter(claim=claim, other_id__in=ids).select_related("other__question__document")
    }
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise WorkflowError(
            f"claim {', '.join(missing)} is not among the claims found matching claim {claim.pk} in other documents"
        )
    return [found[i] for i in ids]


def carry_evidence(claim: Claim, targets, *, user) -> list[Citation]:
    """Copy `claim`'s citations to claims found matching it in other documents. Reviewers (sources.add_citation).

    Each copy keeps the source, stance, pinpoint and excerpt; its note says
    which claim and document it was carried from. Each copy goes through
    `add_citation`, so its rules hold and each target's history records it. A
    target that already cites the source at that pinpoint with the same
    stance is skipped; one that cites it under another stance refuses the
    whole call (a source takes one stance per claim) and nothing is written.
    Copying evidence publishes nothing: each target's verdict is still the
    reviewer's decision, with its own rationale.
    """
    require(user, "sources.add_citation", "add citations")
    matches = stored_matches(claim, targets)
    citations = list(claim.citations.select_related("source").order_by("pk"))
    if not citations:
        raise WorkflowError(f"claim {claim.pk} has no citations to carry to other claims")
    document = claim.question.document
    added = []
    with transaction.atomic():
        for match in matches:
            target = match.other
            for citation in citations:
                if Citation.objects.filter(
                    claim=target, source=citation.source_id, pinpoint=citation.pinpoint, stance=citation.stance
                ).exists():
                    continue
                note = f"Carried from claim {claim.pk} in “{document.title}”."
                if citation.note:
                    note += f" {citation.note}"
                try:
                    added.append(
                        add_citation(
                            target, user=user, source=citation.source, stance=citation.stance,
                            pinpoint=citation.pinpoint, excerpt=citation.excerpt, note=note,
                        )
                    )
                except NotAllowed:
                    raise
                except WorkflowError as refusal:
                    raise WorkflowError(f"nothing was carried: {refusal}") from refusal
    return added


def apply_duplicate_verdict(claim: Claim, targets, *, user) -> list[Claim]:
    """Apply `claim`'s verdict to its duplicates (the same claim in a copy of its page). Reviewers only.

    Needs claims.publish_verdict. Only matches of kind 'duplicate' take a
    verdict: the same wording about another jurisdiction is a lead, never a
    verdict. In one transaction, for each target: the evidence is carried
    (`carry_evidence`) and the verdict is published with the same status,
    finding and rationale (`set_verdict`, its history saying it was applied
    from `claim`). A target with a different verdict is refused (a reviewer
    reopens it first: a published verdict is never replaced unseen); one
    with the same verdict is left as it is.
    """
    require(user, roles.PUBLISH_VERDICT, "publish verdicts")
    source = Claim.objects.select_related("question__document").get(pk=claim.pk)
    if not source.has_verdict:
        raise WorkflowError(f"claim {source.pk} has no verdict to apply (it is '{source.status}')")
    matches = stored_matches(source, targets)
    for match in matches:
        if not match.kind_choice.carries_verdict:
            raise WorkflowError(
                f"claim {match.other_id} is '{match.kind_choice.label}', not the same claim: a verdict is applied only "
                f"to duplicates; carry the evidence and publish its own verdict instead"
            )
        if match.other.has_verdict and match.other.status != source.status:
            raise WorkflowError(
                f"claim {match.other_id} already has the verdict '{match.other.status}'; reopen it before applying "
                f"'{source.status}' from claim {source.pk}"
            )
    applied = []
    with transaction.atomic():
        for match in matches:
            target = match.other
            if source.citations.exists():
                carry_evidence(source, [target], user=user)
            set_verdict(
                target, user=user, status=source.status, rationale=source.rationale, finding=source.finding,
                via=f"applied from claim {source.pk}",
            )
            applied.append(target)
    return applied
