"""Pre-triage: sentences suggested not checkable at import, measured on the seed and decided in bulk."""

import json
from pathlib import Path

import pytest
from workflow_helpers import claims_of, editor, make_user, reviewer  # noqa: F401 (fixtures)

from claims import workflow
from claims.models import Claim, ClaimStatus
from faq.parsing import parse_document, triage_rule

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

SUGGESTIVE_FAQ = """Triage FAQ

1. Who runs the program?

The state health department runs the program. Overall, the program is a valuable tool for families.

2. Should I apply?

It is important for applicants to read every notice carefully. The program started in 2019.
"""


def seed_measurement():
    """(precision, recall, suggested, not checkable) of the pre-triage against the seed review."""
    review = json.loads((FIXTURES / "seed_review.json").read_text(encoding="utf-8"))
    doc = parse_document((FIXTURES / "nc-benefits-data-sharing-ice-faq.txt").read_text(encoding="utf-8"))
    not_checkable = set()
    for entry in review["not_checkable"]:
        question = doc.questions[entry["q"] - 1]
        [claim] = [c for c in question.claims if entry["quote_contains"] in c.quote]
        not_checkable.add((question.number, claim.start))
    suggested = {(q.number, c.start) for q in doc.questions for c in q.claims if c.triage_rule}
    hits = len(suggested & not_checkable)
    return hits / len(suggested), hits / len(not_checkable), len(suggested), len(not_checkable)


def test_pre_triage_is_precise_on_the_seed_review():
    precision, recall, suggested, not_checkable = seed_measurement()
    print(f"pre-triage on the seed: {suggested} suggested, {not_checkable} not checkable, "
          f"precision {precision:.2f}, recall {recall:.2f}")
    assert precision >= 0.9
    # Today 31 of the 76 (0.41); a rule change that loses most of them should be noticed.
    assert recall >= 0.35


@pytest.mark.parametrize(
    ("quote", "rule"),
    [
        ("Overall, the program works well for most families.", "summary"),
        ("Ultimately, the decision rests with each agency.", "summary"),
        ("It is essential for agencies to follow the law.", "advice"),
        ("However, it is important to consider the costs.", "advice"),
        ("Critics argue that the rule goes too far.", "hedging"),
        ("This can lead to fewer people applying.", "hedging"),
        ("It is worth noting that rules change often.", "filler"),
        ("The agency shares records under G.S. 108A-80.", ""),
        ("Overallocation of funds was reported in 2020.", ""),
        ("Individuals who apply must show proof of residence.", ""),
    ],
)
def test_each_rule_matches_its_kind_of_sentence_and_no_factual_one(quote, rule):
    assert triage_rule(quote) == rule


@pytest.mark.django_db
def test_the_importer_stores_suggestions_with_their_rule(import_text):
    claims = claims_of(import_text(SUGGESTIVE_FAQ))
    suggested = {c.quote: c.triage_rule for c in claims if c.triage_pending}
    assert suggested == {
        "Overall, the program is a valuable tool for families.": "summary",
        "It is important for applicants to read every notice carefully.": "advice",
    }
    assert all(c.status == ClaimStatus.UNREVIEWED for c in claims)


@pytest.mark.django_db
def test_accepting_a_suggestion_marks_the_claim_not_checkable_with_the_rule_in_its_history(import_text, editor):
    claim = Claim.objects.get(quote__startswith="Overall", question__document=import_text(SUGGESTIVE_FAQ))
    workflow.accept_triage_suggestion(claim, user=editor)
    claim.refresh_from_db()
    assert (claim.status, claim.triage_pending, claim.triage_rule) == (ClaimStatus.NOT_CHECKABLE, False, "summary")
    last = claim.history.order_by("-history_id").first()
    assert last.history_user == editor
    assert "pre-triage suggestion accepted (rule 'summary')" in last.history_change_reason


@pytest.mark.django_db
def test_rejecting_a_suggestion_keeps_the_claim_unreviewed_and_says_so_in_its_history(import_text, reviewer):
    claim = Claim.objects.get(quote__startswith="It is important", question__document=import_text(SUGGESTIVE_FAQ))
    workflow.reject_triage_suggestion(claim, user=reviewer)
    claim.refresh_from_db()
    assert (claim.status, claim.triage_pending) == (ClaimStatus.UNREVIEWED, False)
    assert claim.history.order_by("-history_id").first().history_change_reason == (
        "pre-triage suggestion rejected (rule 'advice')"
    )
    with pytest.raises(workflow.WorkflowError, match="has no pending pre-triage suggestion"):
        workflow.accept_triage_suggestion(claim, user=reviewer)


@pytest.mark.django_db
def test_a_suggestion_cannot_be_decided_without_permission_or_after_the_claim_moved_on(import_text, editor):
    claim = Claim.objects.get(quote__startswith="Overall", question__document=import_text(SUGGESTIVE_FAQ))
    outsider = make_user("nobody")
    with pytest.raises(workflow.NotAllowed, match="claims.change_claim"):
        workflow.reject_triage_suggestion(claim, user=outsider)
    workflow.start_review(claim, user=editor)
    with pytest.raises(workflow.WorkflowError, match="no longer unreviewed"):
        workflow.accept_triage_suggestion(claim, user=editor)


@pytest.mark.django_db
def test_editors_accept_and_reject_suggestions_in_bulk_in_the_claim_list(client, import_text, editor):
    claims = claims_of(import_text(SUGGESTIVE_FAQ))
    suggested = [c for c in claims if c.triage_pending]
    plain = next(c for c in claims if not c.triage_pending)
    client.force_login(editor)
    listing = client.get("/admin/claims/claim/", {"suggested": "any"})
    assert {row.pk for row in listing.context["cl"].result_list} == {c.pk for c in suggested}
    assert "not checkable (summary)" in listing.content.decode()
    data = {"action": "accept_triage_suggestions", "_selected_action": [c.pk for c in suggested] + [plain.pk]}
    page = client.post("/admin/claims/claim/", data, follow=True)
    text = page.content.decode()
    assert "Suggestion accepted, marked not checkable: 2 claims." in text
    assert f"claim {plain.pk} has no pending pre-triage suggestion" in text
    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in suggested] == [ClaimStatus.NOT_CHECKABLE] * 2
    assert statuses[plain.pk] == ClaimStatus.UNREVIEWED


@pytest.mark.django_db
def test_the_seed_review_marks_suggested_claims_not_checkable_and_clears_their_suggestion(db):
    from claims.seed_review import load_seed_review

    load_seed_review()
    assert Claim.objects.filter(triage_rule__gt="").count() == 31
    assert not Claim.objects.filter(triage_pending=True).exists()
