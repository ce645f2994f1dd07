"""Citing sources on a claim, by choosing a source or by typing a citation; one stance per source per claim."""

from __future__ import annotations

from django.db import transaction

from claims.models import Claim
from claims.workflow.base import WorkflowError, _delete, _save, _save_claim, _sync, check_version, require
from claims.workflow.rules import _stances, verdict_problem
from sources.models import (
    Citation,
    NotACitation,
    Source,
    SourceFromCitation,
    Stance,
    parse_typed_citation,
    parse_typed_citations,
)


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
                claim,
                user=user,
                text=text,
                stance=stance,
                pinpoint=pinpoint,
                excerpt=excerpt,
                note=note,
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
                    claim,
                    user=user,
                    source=resolved.source,
                    stance=stance,
                    pinpoint=resolved.pinpoint,
                    excerpt=excerpt,
                    note=note,
                    expected_version=expected_version if not added else None,
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
