"""Relations between claims (contradicts, duplicates, ...)."""

from __future__ import annotations

from django.db import transaction

from claims.models import Claim, ClaimRelation, RelationKind
from claims.workflow.base import WorkflowError, _delete, _save, _save_claim, _sync, check_version, require


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
