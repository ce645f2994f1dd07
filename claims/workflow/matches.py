"""Claims found in other documents (claims/matching/ finds them): carrying evidence, applying a duplicate's verdict."""

from __future__ import annotations

from django.db import transaction

from claims import roles
from claims.matching import MATCH_ORDER, Match, as_matches, matches_of
from claims.models import Claim
from claims.workflow.base import NotAllowed, WorkflowError, require
from claims.workflow.citations import add_citation
from claims.workflow.transitions import set_verdict
from sources.models import Citation


def stored_matches(claim: Claim, targets) -> list[Match]:
    """The matches of `claim` (claims.matching.matches_of) to each of `targets`, in order; refused when one
    is not a match."""
    ids = [target.pk if isinstance(target, Claim) else int(target) for target in targets]
    if not ids:
        raise WorkflowError(f"choose at least one claim matching claim {claim.pk}")
    found = {
        match.other_id: match
        for match in as_matches(
            matches_of(claim).filter(pk__in=ids).select_related("question__document").order_by(*MATCH_ORDER)
        )
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
                            target,
                            user=user,
                            source=citation.source,
                            stance=citation.stance,
                            pinpoint=citation.pinpoint,
                            excerpt=citation.excerpt,
                            note=note,
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
                target,
                user=user,
                status=source.status,
                rationale=source.rationale,
                finding=source.finding,
                via=f"applied from claim {source.pk}",
            )
            applied.append(target)
    return applied
