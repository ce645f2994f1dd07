"""Reviewing once: carrying a claim's evidence to its matches and applying a duplicate's verdict, in the workflow and the admin."""

import pytest
from django.urls import reverse

from claims import workflow
from claims.matching import matches_of
from claims.models import Claim, ClaimStatus, MatchKind
from sources.models import Citation, Stance
from workflow_helpers import editor, fresh, new_source, publish, reviewer  # noqa: F401 (fixtures)

NC_FAQ = """Data Sharing in North Carolina

1. Is benefits data shared with ICE?

In North Carolina, state benefits data is shared with ICE on a regular basis. Medicaid records are included.
"""
NC_COPY = NC_FAQ.replace("Data Sharing in North Carolina", "Data Sharing With ICE in North Carolina")
IDAHO_FAQ = NC_FAQ.replace("North Carolina", "Idaho")


@pytest.fixture
def series(import_text):
    """(the NC claim, its duplicate in a copy of the page, its twin about Idaho)."""
    nc, copy, idaho = (import_text(text, slug=slug) for text, slug in [(NC_FAQ, "nc"), (NC_COPY, "nc-copy"), (IDAHO_FAQ, "idaho")])
    first = lambda document: Claim.objects.get(question__document=document, position=1)  # noqa: E731
    return first(nc), first(copy), first(idaho)


@pytest.mark.django_db
def test_the_copy_is_a_duplicate_and_the_other_state_a_lead(series):
    claim, duplicate, twin = series
    kinds = {m.pk: m.match_kind for m in matches_of(claim)}
    assert kinds == {duplicate.pk: MatchKind.DUPLICATE, twin.pk: MatchKind.OTHER_JURISDICTION}


@pytest.mark.django_db
def test_carrying_evidence_copies_citations_with_a_note_and_history_but_no_verdict(series, reviewer):
    claim, duplicate, twin = series
    statute = new_source(citation="N.C. Gen. Stat. § 108A-80")
    workflow.add_citation(claim, user=reviewer, source=statute, stance=Stance.REFUTES, pinpoint="(a)", note="Confidential.")
    added = workflow.carry_evidence(claim, [twin], user=reviewer)
    copied = Citation.objects.get(claim=twin)
    assert added == [copied]
    assert (copied.source, copied.stance, copied.pinpoint) == (statute, Stance.REFUTES, "(a)")
    assert copied.note.startswith(f"Carried from claim {claim.pk} in “Data Sharing in North Carolina”.")
    assert fresh(twin).status == ClaimStatus.UNREVIEWED
    assert twin.history.first().history_change_reason.startswith("citation added")
    assert twin.history.first().history_user == reviewer
    # Carrying again adds nothing.
    assert workflow.carry_evidence(claim, [twin], user=reviewer) == []


@pytest.mark.django_db
def test_carrying_refuses_a_second_stance_for_a_source_and_writes_nothing(series, reviewer):
    claim, duplicate, twin = series
    statute = new_source()
    workflow.add_citation(claim, user=reviewer, source=statute, stance=Stance.REFUTES)
    workflow.add_citation(twin, user=reviewer, source=statute, stance=Stance.SUPPORTS, pinpoint="(b)")
    with pytest.raises(workflow.WorkflowError, match="one stance per claim"):
        workflow.carry_evidence(claim, [duplicate, twin], user=reviewer)
    assert not Citation.objects.filter(claim=duplicate).exists()


@pytest.mark.django_db
def test_editors_may_not_carry_evidence_and_only_matches_take_it(series, reviewer, editor, small_document):
    claim, duplicate, twin = series
    workflow.add_citation(claim, user=reviewer, source=new_source(), stance=Stance.SUPPORTS)
    with pytest.raises(workflow.NotAllowed):
        workflow.carry_evidence(claim, [twin], user=editor)
    unrelated = Claim.objects.filter(question__document=small_document).first()
    with pytest.raises(workflow.WorkflowError, match="not among the claims found matching"):
        workflow.carry_evidence(claim, [unrelated], user=reviewer)


@pytest.mark.django_db
def test_a_duplicate_takes_the_verdict_in_one_step_with_history(series, reviewer):
    claim, duplicate, twin = series
    publish(claim, "contradicted", user=reviewer, rationale="The statute forbids it.", finding="It is not shared.")
    [applied] = workflow.apply_duplicate_verdict(claim, [duplicate], user=reviewer)
    applied = fresh(applied)
    assert (applied.status, applied.finding, applied.rationale) == ("contradicted", "It is not shared.", "The statute forbids it.")
    assert applied.reviewed_by == reviewer
    assert applied.history.first().history_change_reason == f"verdict published: contradicted (applied from claim {claim.pk})"
    assert Citation.objects.filter(claim=applied, stance=Stance.REFUTES).exists()


@pytest.mark.django_db
def test_another_jurisdiction_never_takes_a_verdict(series, reviewer):
    claim, duplicate, twin = series
    publish(claim, "contradicted", user=reviewer)
    with pytest.raises(workflow.WorkflowError, match="a verdict is applied only to duplicates"):
        workflow.apply_duplicate_verdict(claim, [duplicate, twin], user=reviewer)
    assert fresh(duplicate).status == fresh(twin).status == ClaimStatus.UNREVIEWED


@pytest.mark.django_db
def test_only_reviewers_apply_verdicts_and_a_different_verdict_is_not_replaced(series, reviewer, editor):
    claim, duplicate, twin = series
    publish(claim, "contradicted", user=reviewer)
    with pytest.raises(workflow.NotAllowed):
        workflow.apply_duplicate_verdict(claim, [duplicate], user=editor)
    publish(duplicate, "supported", user=reviewer)
    with pytest.raises(workflow.WorkflowError, match="reopen it before"):
        workflow.apply_duplicate_verdict(claim, [duplicate], user=reviewer)
    assert fresh(duplicate).status == "supported"


# --- the admin ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_claim_page_lists_its_matches_with_their_status(series, reviewer, client):
    claim, duplicate, twin = series
    client.force_login(reviewer)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "Found in other documents" in page or "found in other documents" in page.lower()
    assert f"claim {duplicate.pk}</a>" in page and "Same claim (same document family)" in page
    assert f"claim {twin.pk}</a>" in page and "Same wording, other jurisdiction" in page


@pytest.mark.django_db
def test_the_admin_applies_a_verdict_only_after_a_confirmation_listing_every_claim(series, reviewer, client):
    claim, duplicate, twin = series
    publish(claim, "contradicted", user=reviewer)
    client.force_login(reviewer)
    url = reverse("admin:claims_claim_matches", args=[claim.pk])
    confirm = client.post(url, {"action": "apply", "other": [duplicate.pk]})
    assert confirm.status_code == 200
    assert "Yes, apply the verdict" in confirm.content.decode()
    assert fresh(duplicate).status == ClaimStatus.UNREVIEWED
    done = client.post(url, {"action": "apply-confirmed", "other": [duplicate.pk]})
    assert done.status_code == 302
    assert fresh(duplicate).status == "contradicted"


@pytest.mark.django_db
def test_the_admin_shows_a_refusal_to_apply_a_verdict_to_another_jurisdiction(series, reviewer, client):
    claim, duplicate, twin = series
    publish(claim, "contradicted", user=reviewer)
    client.force_login(reviewer)
    response = client.post(reverse("admin:claims_claim_matches", args=[claim.pk]), {"action": "apply-confirmed", "other": [twin.pk]})
    assert "a verdict is applied only to duplicates" in response.content.decode()
    assert fresh(twin).status == ClaimStatus.UNREVIEWED


@pytest.mark.django_db
def test_an_editor_cannot_carry_evidence_from_the_admin(series, reviewer, editor, client):
    claim, duplicate, twin = series
    workflow.add_citation(claim, user=reviewer, source=new_source(), stance=Stance.SUPPORTS)
    client.force_login(editor)
    url = reverse("admin:claims_claim_matches", args=[claim.pk])
    assert "Carry this claim" not in client.get(url).content.decode()
    assert client.post(url, {"action": "carry", "other": [twin.pk]}).status_code == 403
    assert not Citation.objects.filter(claim=twin).exists()


@pytest.mark.django_db
def test_the_matches_page_costs_the_same_queries_however_many_matches(import_text, reviewer, client, django_assert_max_num_queries):
    import_text(NC_FAQ, slug="nc")
    claim = Claim.objects.get(question__document__slug="nc", position=1)
    client.force_login(reviewer)
    url = reverse("admin:claims_claim_matches", args=[claim.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n, state in enumerate(["Idaho", "Ohio", "Texas", "Utah"]):
        import_text(NC_FAQ.replace("North Carolina", state), slug=f"s{n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).content.decode().count('name="other"') == 4
    assert len(many) == len(few)
