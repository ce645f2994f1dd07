"""Splitting and merging claims keeps answer[start:end] == quote, positions in order, and evidence attached."""

import pytest
from workflow_helpers import cite, claims_of, editor, fresh, make_user, publish, reviewer  # noqa: F401 (fixtures)

from claims import workflow
from claims.models import Claim, ClaimRelation, ClaimStatus

pytestmark = pytest.mark.django_db

TEXT = """A Split FAQ

1. What does the law say?

The law protects records; it allows disclosure for audits. Agencies must log each disclosure. Nothing else is shared.

2. Anything else?

No.
"""


@pytest.fixture
def document(import_text):
    return import_text(TEXT, slug="split-faq")


def anchored(document):
    """Every claim of the document matches its answer, and positions run 1, 2, 3… per answer."""
    for question in document.questions.all():
        claims = list(question.claims.order_by("position"))
        assert [c.position for c in claims] == list(range(1, len(claims) + 1))
        for c in claims:
            assert question.answer[c.start : c.end] == c.quote
    return True


def test_a_split_cuts_the_quote_trims_the_whitespace_and_keeps_both_anchored(document, editor):
    first = claims_of(document)[0]
    assert first.quote == "The law protects records; it allows disclosure for audits."
    at = first.quote.index(" it allows")
    one, two = workflow.split_claim(first, user=editor, at=at)
    assert (one.quote, two.quote) == ("The law protects records;", "it allows disclosure for audits.")
    assert (one.statement, two.statement) == (one.quote, two.quote)
    assert two.status == ClaimStatus.UNREVIEWED and anchored(document)


def test_a_split_moves_the_later_claims_down_one_position(document, editor):
    first, second, third = claims_of(document)[:3]
    _, new = workflow.split_claim(first, user=editor, at=10)
    assert new.position == 2
    assert (fresh(second).position, fresh(third).position) == (3, 4)
    assert anchored(document)


def test_citations_flags_and_relations_stay_with_the_first_part(document, editor, reviewer):
    first, other = claims_of(document)[0], claims_of(document)[2]
    cite(first, ["context"], user=reviewer)
    workflow.flag(first, user=editor, reason="vague")
    workflow.relate(first, other, user=editor, kind="contradicts")
    one, two = workflow.split_claim(first, user=editor, at=25)
    assert (one.citations.count(), one.flags.count(), one.relations_from.count()) == (1, 1, 1)
    assert (two.citations.count(), two.flags.count(), two.relations_from.count()) == (0, 0, 0)
    assert one.pk == first.pk and fresh(one).status == ClaimStatus.FLAGGED


def test_a_split_is_in_the_history_of_both_parts(document, editor):
    one, two = workflow.split_claim(claims_of(document)[0], user=editor, at=25)
    first_row, second_row = one.history.first(), two.history.first()
    assert first_row.history_change_reason == f"split at character 25: the rest is now claim {two.pk}"
    assert second_row.history_change_reason == f"split from claim {one.pk} at character 25"
    assert first_row.history_user == second_row.history_user == editor


@pytest.mark.parametrize("at", [0, -1, 58, 100])
def test_a_split_position_outside_the_quote_is_refused(document, editor, at):
    first = claims_of(document)[0]
    with pytest.raises(workflow.WorkflowError, match="a split position must be between 1 and 57"):
        workflow.split_claim(first, user=editor, at=at)
    assert anchored(document) and len(claims_of(document)) == 4


def test_a_claim_with_a_verdict_is_not_split(document, editor, reviewer):
    first = publish(claims_of(document)[0], "supported", user=reviewer)
    with pytest.raises(workflow.WorkflowError, match="a reviewer must reopen it before it can be split"):
        workflow.split_claim(first, user=editor, at=10)


def test_a_merge_spans_both_quotes_and_the_text_between(document, editor):
    first, second, third = claims_of(document)[:3]
    both = f"{first.quote} {second.quote}"
    merged = workflow.merge_claims(first, second, user=editor)
    assert merged.pk == first.pk and merged.quote == both
    assert not Claim.objects.filter(pk=second.pk).exists()
    assert fresh(third).position == 2 and anchored(document)


def test_a_merge_moves_citations_flags_and_relations_of_the_later_claim(document, editor, reviewer):
    first, second, third = claims_of(document)[:3]
    cite(second, ["refutes"], user=reviewer)
    workflow.flag(second, user=editor, reason="dubious")
    workflow.relate(third, second, user=editor, kind="contradicts")
    merged = workflow.merge_claims(first, second, user=editor)
    assert merged.citations.get().stance == "refutes" and merged.flags.get().reason == "dubious"
    assert ClaimRelation.objects.get().to_claim == merged
    assert merged.status == ClaimStatus.FLAGGED


def test_a_merge_drops_a_citation_both_claims_had_and_a_relation_between_them(document, editor, reviewer):
    first, second = claims_of(document)[:2]
    (kept,) = cite(first, ["supports"], user=reviewer)
    workflow.add_citation(second, user=reviewer, source=kept.source, stance="refutes")
    workflow.relate(first, second, user=editor, kind="qualifies")
    merged = workflow.merge_claims(first, second, user=editor)
    assert list(merged.citations.values_list("pk", flat=True)) == [kept.pk]
    assert not ClaimRelation.objects.exists()


def test_claims_that_are_not_neighbours_are_not_merged(document, editor):
    first, _, third = claims_of(document)[:3]
    with pytest.raises(workflow.WorkflowError, match="are not next to each other"):
        workflow.merge_claims(first, third, user=editor)


def test_claims_of_different_answers_are_not_merged(document, editor):
    claims = claims_of(document)
    with pytest.raises(workflow.WorkflowError, match="belong to different answers"):
        workflow.merge_claims(claims[2], claims[3], user=editor)


def test_a_claim_with_a_published_verdict_is_not_merged(document, editor, reviewer):
    first, second = claims_of(document)[:2]
    publish(second, "supported", user=reviewer)
    with pytest.raises(workflow.WorkflowError, match=f"claim {second.pk} has a published verdict"):
        workflow.merge_claims(first, second, user=editor)


def test_a_later_claim_that_once_had_a_verdict_is_never_merged_away(document, editor, reviewer):
    first, second = claims_of(document)[:2]
    workflow.reopen(publish(second, "supported", user=reviewer), user=reviewer, reason="recheck")
    with pytest.raises(workflow.WorkflowError, match="a claim that has ever had a verdict is never deleted"):
        workflow.merge_claims(first, second, user=editor)
    assert Claim.objects.filter(pk=second.pk).exists()


def test_splitting_then_merging_gives_back_the_original_quote(document, editor):
    original = claims_of(document)[1]
    one, two = workflow.split_claim(original, user=editor, at=9)
    merged = workflow.merge_claims(one, two, user=editor)
    assert merged.quote == original.quote and merged.fingerprint == original.fingerprint
    assert anchored(document)


def test_every_seed_claim_splits_in_the_middle_and_stays_anchored(seed_document, editor):
    for claim in claims_of(seed_document):
        middle = claim.quote.find(" ", len(claim.quote) // 2)
        if 0 < middle < len(claim.quote) - 1:
            workflow.split_claim(claim, user=editor, at=middle)
    assert anchored(seed_document)


def test_a_user_without_a_role_cannot_split(document, db):
    with pytest.raises(workflow.NotAllowed, match="only editors and reviewers may split and merge claims"):
        workflow.split_claim(claims_of(document)[0], user=make_user("nobody"), at=10)
