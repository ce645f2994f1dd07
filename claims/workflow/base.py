"""What every workflow function shares: its errors, the permission checks, row locking, versions and history."""

from __future__ import annotations

from datetime import timezone as dt_timezone

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils import timezone

from claims import roles
from claims.models import Claim


class WorkflowError(Exception):
    """A workflow rule was broken; the message names the rule."""


class NotAllowed(WorkflowError, PermissionDenied):
    """The user may not do this; the message says who may and which permission it takes.

    A PermissionDenied too, so a view that lets it escape answers 403.
    """


class StaleEdit(WorkflowError):
    """The claim changed after the editor opened it (optimistic locking on Claim.version)."""


# Positions are moved out of the way and back in two UPDATEs: PostgreSQL checks
# the (question, position) unique constraint row by row, so "+1 for everything
# after n" in one statement could collide midway.
_POSITION_SHIFT = 1_000_000


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


def _shift_positions(question_id, *, after: int, by: int) -> None:
    """Move the claims after position `after` of one answer by `by` without two ever sharing a position."""
    Claim.objects.filter(question_id=question_id, position__gt=after).update(position=F("position") + _POSITION_SHIFT)
    Claim.objects.filter(question_id=question_id, position__gt=_POSITION_SHIFT).update(
        position=F("position") - _POSITION_SHIFT + by
    )
