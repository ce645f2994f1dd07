"""The verdict rules: what each verdict needs besides a rationale, stated once for the workflow, the admin and How we rate."""

from __future__ import annotations

from claims.models import FINDING_MAX_LENGTH, Claim, ClaimStatus
from sources.models import Citation, Stance

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


def verdict_problem(
    status: str, stances: list[str], rationale: str, *, finding: str | None = None, claim_id=None
) -> str | None:
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
