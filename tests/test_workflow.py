"""Every workflow rule: the allowed path, and the refusal with the message naming the rule."""

import pytest
from workflow_helpers import (  # noqa: F401 (fixtures)
    INSUFFICIENT,
    MINIMAL_STANCES,
    claim,
    cite,
    editor,
    fresh,
    make_user,
    new_source,
    other_claim,
    publish,
    reviewer,
    superuser,
)

from claims import roles, workflow
from claims.models import ClaimRelation, ClaimStatus, Flag
from sources.models import Citation

pytestmark = pytest.mark.django_db

VERDICTS = list(MINIMAL_STANCES)


def refused(message_part):
    return pytest.raises(workflow.WorkflowError, match=message_part.replace("(", r"\(").replace(")", r"\)"))


# --- flag ------------------------------------------------------------------


def test_an_editor_flags_a_claim_and_it_shows_as_flagged(claim, editor):
    new_flag = workflow.flag(claim, user=editor, reason="citation_needed", note="which statute?")
    assert claim.status == ClaimStatus.FLAGGED
    assert fresh(claim).status == ClaimStatus.FLAGGED
    assert new_flag.is_open and new_flag.raised_by == editor and new_flag.note == "which statute?"


def test_a_user_without_a_role_cannot_flag(claim, db):
    nobody = make_user("nobody")
    with refused("only editors and reviewers may flag claims (permission claims.add_flag)"):
        workflow.flag(claim, user=nobody, reason="dubious")
    assert fresh(claim).status == ClaimStatus.UNREVIEWED


def test_an_unknown_flag_reason_is_refused(claim, editor):
    with refused("unknown flag reason 'boring'"):
        workflow.flag(claim, user=editor, reason="boring")


def test_a_claim_with_a_verdict_cannot_be_flagged_until_reopened(claim, editor, reviewer):
    publish(claim, "supported", user=reviewer)
    with refused(f"claim {claim.pk} has a published verdict ('supported'); a reviewer must reopen it"):
        workflow.flag(claim, user=editor, reason="dubious")
    assert fresh(claim).status == ClaimStatus.SUPPORTED and not claim.flags.exists()


def test_a_second_flag_keeps_the_claim_flagged(claim, editor):
    workflow.flag(claim, user=editor, reason="vague")
    workflow.flag(claim, user=editor, reason="dubious")
    assert fresh(claim).status == ClaimStatus.FLAGGED and claim.flags.open().count() == 2


# --- resolve_flag ----------------------------------------------------------


def test_resolving_the_last_flag_returns_the_claim_to_where_it_was(claim, editor):
    workflow.start_review(claim, user=editor)
    first = workflow.flag(claim, user=editor, reason="vague")
    second = workflow.flag(claim, user=editor, reason="dubious")
    workflow.resolve_flag(first, user=editor, resolution="reworded")
    assert fresh(claim).status == ClaimStatus.FLAGGED
    workflow.resolve_flag(second, user=editor, resolution="checked")
    assert fresh(claim).status == ClaimStatus.IN_REVIEW


def test_resolving_the_only_flag_of_an_imported_claim_makes_it_unreviewed_again(claim, editor):
    new_flag = workflow.flag(claim, user=editor, reason="vague")
    workflow.resolve_flag(new_flag, user=editor, resolution="it is clear enough")
    assert fresh(claim).status == ClaimStatus.UNREVIEWED
    assert fresh(new_flag).resolved_by == editor and fresh(new_flag).resolution == "it is clear enough"


def test_a_flag_needs_a_resolution_to_be_resolved(claim, editor):
    new_flag = workflow.flag(claim, user=editor, reason="vague")
    with refused("resolving a flag needs a resolution saying what was done about it"):
        workflow.resolve_flag(new_flag, user=editor, resolution="  ")
    assert fresh(new_flag).is_open


def test_a_resolved_flag_cannot_be_resolved_again(claim, editor):
    new_flag = workflow.flag(claim, user=editor, reason="vague")
    workflow.resolve_flag(new_flag, user=editor, resolution="fine")
    with refused(f"flag {new_flag.pk} is already resolved (fine)"):
        workflow.resolve_flag(new_flag, user=editor, resolution="again")


def test_a_user_without_a_role_cannot_resolve_a_flag(claim, editor):
    new_flag = workflow.flag(claim, user=editor, reason="vague")
    with refused("only editors and reviewers may resolve flags (permission claims.change_flag)"):
        workflow.resolve_flag(new_flag, user=make_user("nobody"), resolution="fine")


# --- mark_not_checkable ----------------------------------------------------


def test_an_editor_marks_a_claim_not_checkable_which_resolves_its_flags(claim, editor):
    workflow.flag(claim, user=editor, reason="citation_needed")
    workflow.mark_not_checkable(claim, user=editor, note="advice, not a fact")
    assert fresh(claim).status == ClaimStatus.NOT_CHECKABLE
    assert not claim.flags.open().exists()
    assert claim.history.first().history_change_reason == "marked not checkable: advice, not a fact"


def test_a_claim_with_a_verdict_cannot_be_marked_not_checkable(claim, editor, reviewer):
    publish(claim, "unverifiable", user=reviewer)
    with refused("a reviewer must reopen it before it can be marked not checkable"):
        workflow.mark_not_checkable(claim, user=editor)


def test_marking_not_checkable_twice_is_refused(claim, editor):
    workflow.mark_not_checkable(claim, user=editor)
    with refused(f"claim {claim.pk} is already marked not checkable"):
        workflow.mark_not_checkable(claim, user=editor)


def test_a_user_without_a_role_cannot_mark_not_checkable(claim, db):
    with refused("only editors and reviewers may mark claims not checkable (permission claims.change_claim)"):
        workflow.mark_not_checkable(claim, user=make_user("nobody"))


# --- start_review ----------------------------------------------------------


def test_an_editor_moves_a_flagged_claim_to_review_and_its_flag_stays_open(claim, editor):
    workflow.flag(claim, user=editor, reason="citation_needed")
    workflow.start_review(claim, user=editor)
    assert fresh(claim).status == ClaimStatus.IN_REVIEW and claim.flags.open().count() == 1


def test_a_claim_already_in_review_is_not_moved_again(claim, editor):
    workflow.start_review(claim, user=editor)
    with refused(f"claim {claim.pk} is already in review"):
        workflow.start_review(claim, user=editor)


def test_a_claim_with_a_verdict_is_reopened_not_moved_to_review(claim, editor, reviewer):
    publish(claim, "contradicted", user=reviewer)
    with refused("has a published verdict ('contradicted'); reopen it to review it again"):
        workflow.start_review(claim, user=editor)


# --- set_verdict -----------------------------------------------------------


@pytest.mark.parametrize("status", VERDICTS)
def test_a_reviewer_publishes_each_verdict_with_the_citations_it_needs(claim, reviewer, status):
    cite(claim, MINIMAL_STANCES[status], user=reviewer)
    workflow.set_verdict(claim, user=reviewer, status=status, rationale="Read the statute.", finding="Found so.")
    saved = fresh(claim)
    assert saved.status == status and saved.rationale == "Read the statute."
    assert saved.reviewed_by == reviewer and saved.reviewed_at is not None


@pytest.mark.parametrize("status", list(INSUFFICIENT))
def test_a_verdict_without_the_citations_it_needs_is_refused(claim, reviewer, status):
    stances, rule = INSUFFICIENT[status]
    cite(claim, stances, user=reviewer)
    with refused(rule):
        workflow.set_verdict(claim, user=reviewer, status=status, rationale="Read the statute.", finding="Found so.")
    assert fresh(claim).status == ClaimStatus.UNREVIEWED


@pytest.mark.parametrize("status", VERDICTS)
def test_every_verdict_needs_a_rationale(claim, reviewer, status):
    cite(claim, MINIMAL_STANCES[status], user=reviewer)
    with refused(f"'{status}' verdict needs a rationale: the public text explaining it"):
        workflow.set_verdict(claim, user=reviewer, status=status, rationale="   ", finding="Found so.")


def test_the_refusal_says_which_citations_the_claim_has(claim, reviewer):
    cite(claim, ["context"], user=reviewer)
    with refused(f"(claim {claim.pk} has 1 'context')"):
        workflow.set_verdict(claim, user=reviewer, status="supported", rationale="x", finding="Found so.")


def test_partly_supported_without_any_citation_names_both_missing_stances(claim, reviewer):
    with refused(
        "needs at least one citation with stance 'supports' and at least one citation with stance "
        "'refutes' or 'context'"
    ):
        workflow.set_verdict(claim, user=reviewer, status="partly_supported", rationale="x", finding="Found so.")


@pytest.mark.parametrize("status", ["unreviewed", "flagged", "in_review", "not_checkable", "true-ish"])
def test_only_the_six_verdicts_can_be_published(claim, reviewer, status):
    with refused(f"'{status}' is not a verdict; the verdicts are 'supported'"):
        workflow.set_verdict(claim, user=reviewer, status=status, rationale="x", finding="Found so.")


def test_an_editor_cannot_publish_a_verdict(claim, editor, reviewer):
    cite(claim, ["supports"], user=reviewer)
    with pytest.raises(workflow.NotAllowed, match=r"only reviewers may publish verdicts \(permission claims\.publish_"):
        workflow.set_verdict(claim, user=editor, status="supported", rationale="x", finding="Found so.")
    assert fresh(claim).status == ClaimStatus.UNREVIEWED


def test_a_non_staff_system_reviewer_may_publish(claim, db):
    system = roles.ensure_system_reviewer()
    assert not system.is_staff and not system.has_usable_password()
    publish(claim, "supported", user=system)
    assert fresh(claim).reviewed_by == system


def test_publishing_a_verdict_resolves_the_open_flags(claim, editor, reviewer):
    workflow.flag(claim, user=editor, reason="citation_needed")
    publish(claim, "supported", user=reviewer)
    resolved = claim.flags.get()
    assert not resolved.is_open and resolved.resolved_by == reviewer
    assert resolved.resolution == "resolved by the verdict 'Supported'"


def test_a_reviewer_changes_a_verdict_when_the_evidence_allows(claim, reviewer):
    publish(claim, "supported", user=reviewer)
    cite(claim, ["refutes"], user=reviewer)
    workflow.set_verdict(claim, user=reviewer, status="contradicted", rationale="Repealed in 2024.", finding="Found so.")
    assert fresh(claim).status == "contradicted"
    assert claim.history.first().history_change_reason == "verdict changed: supported → contradicted"


def test_the_same_verdict_again_writes_nothing(claim, reviewer):
    publish(claim, "supported", user=reviewer, rationale="Same.")
    version, rows = fresh(claim).version, claim.history.count()
    workflow.set_verdict(claim, user=reviewer, status="supported", rationale="Same.", finding="The statute says so.")
    assert fresh(claim).version == version and claim.history.count() == rows


def test_a_superuser_may_publish(claim, superuser):
    publish(claim, "unverifiable", user=superuser)
    assert fresh(claim).status == "unverifiable"


# --- reopen ----------------------------------------------------------------


def test_a_reviewer_reopens_a_verdict_and_the_old_one_stays_in_history(claim, reviewer):
    publish(claim, "supported", user=reviewer, rationale="Per § 108A-80.")
    workflow.reopen(claim, user=reviewer, reason="The section was amended.")
    saved = fresh(claim)
    assert saved.status == ClaimStatus.IN_REVIEW and saved.rationale == "" and saved.reviewed_by is None
    assert claim.history.filter(status="supported", rationale="Per § 108A-80.").exists()
    assert claim.history.first().history_change_reason == "reopened (was supported): The section was amended."


def test_reopening_needs_a_reason(claim, reviewer):
    publish(claim, "supported", user=reviewer)
    with refused("reopening a verdict needs a reason"):
        workflow.reopen(claim, user=reviewer, reason="")


def test_a_claim_without_a_verdict_cannot_be_reopened(claim, reviewer):
    with refused(f"claim {claim.pk} has no verdict to reopen (it is 'unreviewed')"):
        workflow.reopen(claim, user=reviewer, reason="why not")


def test_an_editor_cannot_reopen_a_verdict(claim, editor, reviewer):
    publish(claim, "supported", user=reviewer)
    with refused("only reviewers may reopen verdicts (permission claims.publish_verdict)"):
        workflow.reopen(claim, user=editor, reason="disagree")


# --- citations -------------------------------------------------------------


def test_a_reviewer_adds_a_citation_with_a_stance_and_pinpoint(claim, reviewer):
    source = new_source(citation="N.C. Gen. Stat. § 108A-80")
    citation = workflow.add_citation(claim, user=reviewer, source=source, stance="context", pinpoint=" (a) ")
    assert (citation.stance, citation.pinpoint, citation.added_by) == ("context", "(a)", reviewer)
    assert fresh(claim).version == 2


def test_an_editor_cannot_add_a_citation(claim, editor):
    with refused("only reviewers may add citations (permission sources.add_citation)"):
        workflow.add_citation(claim, user=editor, source=new_source(), stance="supports")


def test_the_same_source_and_pinpoint_cannot_be_cited_twice(claim, reviewer):
    source = new_source(title="FERPA")
    workflow.add_citation(claim, user=reviewer, source=source, stance="context", pinpoint="(a)")
    with refused(f"claim {claim.pk} already cites FERPA at pinpoint '(a)' (stance 'context')"):
        workflow.add_citation(claim, user=reviewer, source=source, stance="refutes", pinpoint="(a)")
    workflow.add_citation(claim, user=reviewer, source=source, stance="context", pinpoint="(b)")


def test_a_source_takes_one_stance_per_claim_and_the_refusal_says_how_to_replace_it(claim, reviewer):
    source = new_source(title="FERPA")
    first = workflow.add_citation(claim, user=reviewer, source=source, stance="supports", pinpoint="(a)")
    replace = "change that citation's stance (replacing the old one)"
    with refused(f"claim {claim.pk} already cites FERPA at '(a)' as 'supports'; a source takes one stance per claim"):
        workflow.add_citation(claim, user=reviewer, source=source, stance="refutes", pinpoint="(b)")
    second = workflow.add_citation(claim, user=reviewer, source=source, stance="supports", pinpoint="(b)")
    with refused(replace):
        workflow.update_citation(second, user=reviewer, stance="refutes")
    # Replacing: the stance changes on every citation of the source, one at a time, never two stances at once.
    workflow.remove_citation(second, user=reviewer)
    workflow.update_citation(first, user=reviewer, stance="refutes")
    assert list(claim.citations.values_list("stance", flat=True)) == ["refutes"]


def test_an_unknown_stance_is_refused(claim, reviewer):
    with refused("unknown stance 'agrees'"):
        workflow.add_citation(claim, user=reviewer, source=new_source(), stance="agrees")


def test_a_citation_is_removed_while_no_verdict_depends_on_it(claim, reviewer):
    (citation,) = cite(claim, ["supports"], user=reviewer)
    citation_id = citation.pk
    workflow.remove_citation(citation, user=reviewer)
    assert not claim.citations.exists()
    assert Citation.history.filter(id=citation_id, history_type="-", history_user=reviewer).exists()


def test_the_citation_a_verdict_needs_cannot_be_removed(claim, reviewer):
    publish(claim, "supported", user=reviewer)
    citation = claim.citations.get()
    with refused(f"removing this citation would leave the published verdict of claim {claim.pk} without its evidence"):
        workflow.remove_citation(citation, user=reviewer)
    assert claim.citations.count() == 1


def test_a_citation_can_go_when_another_still_supports_the_verdict(claim, reviewer):
    publish(claim, "supported", user=reviewer)
    cite(claim, ["supports"], user=reviewer)
    workflow.remove_citation(claim.citations.first(), user=reviewer)
    assert claim.citations.count() == 1 and fresh(claim).status == "supported"


def test_an_editor_cannot_remove_a_citation(claim, editor, reviewer):
    (citation,) = cite(claim, ["context"], user=reviewer)
    with refused("only reviewers may remove citations (permission sources.delete_citation)"):
        workflow.remove_citation(citation, user=editor)


def test_a_stance_change_that_would_break_the_verdict_is_refused(claim, reviewer):
    publish(claim, "contradicted", user=reviewer)
    citation = claim.citations.get()
    with refused("changing this citation would leave the published verdict"):
        workflow.update_citation(citation, user=reviewer, stance="supports")
    workflow.update_citation(citation, user=reviewer, pinpoint="(e)(8)")
    assert fresh(citation).pinpoint == "(e)(8)" and fresh(citation).stance == "refutes"


# --- relations -------------------------------------------------------------


def test_an_editor_records_that_one_claim_contradicts_another(claim, other_claim, editor):
    relation = workflow.relate(claim, other_claim, user=editor, kind="contradicts", note="Q1 vs Q2")
    assert (relation.from_claim, relation.to_claim, relation.created_by) == (claim, other_claim, editor)


def test_a_claim_cannot_be_related_to_itself(claim, editor):
    with refused(f"a claim cannot be related to itself (claim {claim.pk})"):
        workflow.relate(claim, claim, user=editor, kind="duplicates")


def test_the_same_relation_cannot_be_recorded_twice(claim, other_claim, editor):
    workflow.relate(claim, other_claim, user=editor, kind="qualifies")
    with refused(f"claim {claim.pk} is already recorded as 'qualifies' claim {other_claim.pk}"):
        workflow.relate(claim, other_claim, user=editor, kind="qualifies")


@pytest.mark.parametrize("kind", ["contradicts", "duplicates"])
def test_a_symmetric_relation_recorded_the_other_way_round_counts_as_the_same(claim, other_claim, editor, kind):
    workflow.relate(claim, other_claim, user=editor, kind=kind)
    with refused(f"'{kind}' goes both ways"):
        workflow.relate(other_claim, claim, user=editor, kind=kind)
    assert ClaimRelation.objects.count() == 1


def test_qualifies_has_a_direction_so_the_reverse_is_a_new_relation(claim, other_claim, editor):
    workflow.relate(claim, other_claim, user=editor, kind="qualifies")
    workflow.relate(other_claim, claim, user=editor, kind="qualifies")
    assert ClaimRelation.objects.count() == 2


def test_a_user_without_a_role_cannot_relate_claims(claim, other_claim, db):
    with refused("only editors and reviewers may record relations between claims (permission claims.add_claimr"):
        workflow.relate(claim, other_claim, user=make_user("nobody"), kind="contradicts")


# --- statements ------------------------------------------------------------


def test_an_editor_edits_a_statement(claim, editor):
    workflow.edit_statement(claim, user=editor, statement="The sky is blue by day.", expected_version=1)
    assert fresh(claim).statement == "The sky is blue by day." and fresh(claim).version == 2


def test_a_blank_statement_is_refused(claim, editor):
    with refused("a claim's statement cannot be blank"):
        workflow.edit_statement(claim, user=editor, statement=" ", expected_version=1)


def test_only_a_reviewer_edits_the_statement_behind_a_published_verdict(claim, editor, reviewer):
    publish(claim, "supported", user=reviewer)
    with pytest.raises(workflow.NotAllowed, match="only reviewers may change the statement it is about"):
        workflow.edit_statement(claim, user=editor, statement="Reworded.", expected_version=None)
    workflow.edit_statement(claim, user=reviewer, statement="Reworded.", expected_version=None)
    assert fresh(claim).statement == "Reworded."


# --- deletion --------------------------------------------------------------


def test_nobody_may_delete_a_claim_that_once_had_a_verdict(claim, reviewer, superuser):
    publish(claim, "supported", user=reviewer)
    workflow.reopen(claim, user=reviewer, reason="again")
    assert not workflow.can_delete_claim(superuser, fresh(claim))


def test_a_superuser_may_delete_a_claim_that_never_had_a_verdict(claim, reviewer, superuser):
    assert workflow.can_delete_claim(superuser, claim)
    assert not workflow.can_delete_claim(reviewer, claim)


# --- history ---------------------------------------------------------------

TRANSITIONS = {
    "flag": (lambda c, ed, rv: workflow.flag(c, user=ed, reason="dubious"), "editor", "flagged: Dubious"),
    "mark not checkable": (lambda c, ed, rv: workflow.mark_not_checkable(c, user=ed), "editor", "marked not checkable"),
    "start review": (lambda c, ed, rv: workflow.start_review(c, user=ed), "editor", "review started"),
    "add citation": (lambda c, ed, rv: cite(c, ["supports"], user=rv), "reviewer", "citation added: "),
    "set verdict": (lambda c, ed, rv: publish(c, "supported", user=rv), "reviewer", "verdict published: supported"),
    "reopen": (
        lambda c, ed, rv: workflow.reopen(publish(c, "unverifiable", user=rv), user=rv, reason="new law"),
        "reviewer",
        "reopened (was unverifiable): new law",
    ),
    "edit statement": (
        lambda c, ed, rv: workflow.edit_statement(c, user=ed, statement="New.", expected_version=None),
        "editor",
        "statement edited",
    ),
    "relate": (
        lambda c, ed, rv: workflow.relate(c, c.question.claims.exclude(pk=c.pk).first(), user=ed, kind="duplicates"),
        "editor",
        "relation recorded: duplicates claim",
    ),
}


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_each_transition_leaves_a_history_row_naming_the_user(claim, editor, reviewer, name):
    run, actor, reason = TRANSITIONS[name]
    run(claim, editor, reviewer)
    last = claim.history.order_by("-history_date", "-history_id").first()
    assert last.history_user == {"editor": editor, "reviewer": reviewer}[actor]
    assert last.history_change_reason.startswith(reason)
    assert last.version == fresh(claim).version


def test_resolving_a_flag_is_in_the_flags_history_and_the_claims(claim, editor):
    new_flag = workflow.flag(claim, user=editor, reason="vague")
    workflow.resolve_flag(new_flag, user=editor, resolution="clear now")
    assert Flag.history.filter(id=new_flag.pk, resolution="clear now", history_user=editor).exists()
    assert claim.history.first().history_change_reason == "flag resolved: Vague"


def test_deleting_a_claim_closes_the_gap_in_its_answers_positions(small_document, superuser):
    first, second = small_document.questions.get(number=1).claims.order_by("position")
    workflow.delete_claim(first, user=superuser)
    assert fresh(second).position == 1


def test_deleting_a_claim_that_once_had_a_verdict_is_refused_even_for_a_superuser(claim, superuser):
    workflow.reopen(publish(claim, "supported", user=superuser), user=superuser, reason="again")
    with pytest.raises(workflow.NotAllowed, match="a claim that has ever had a verdict is never deleted"):
        workflow.delete_claim(claim, user=superuser)
