"""The claim desk in the admin: list, change form, inlines, actions, split, merge, reopen, history."""

import pytest
from workflow_helpers import (  # noqa: F401 (fixtures)
    change_url,
    claim,
    cite,
    claims_of,
    editor,
    error_text,
    form_data,
    fresh,
    inline_row,
    new_source,
    other_claim,
    post_change_form,
    publish,
    reviewer,
    superuser,
)

from claims import workflow
from claims.models import Claim, ClaimRelation, ClaimStatus

pytestmark = pytest.mark.django_db

# Session, user, the user's and its groups' permissions, the document filter, the count, the rows.
CHANGELIST_QUERIES = 7


def big_faq(questions: int, per_answer: int = 5) -> str:
    lines = ["A Big FAQ", ""]
    for q in range(1, questions + 1):
        facts = " ".join(f"Fact {s} of answer {q} is true." for s in range(1, per_answer + 1))
        lines += [f"{q}. Question {q}?", "", facts, ""]
    return "\n".join(lines)


@pytest.mark.parametrize("questions", [1, 100])
def test_the_claim_list_runs_the_same_queries_for_5_and_500_claims(
    client, import_text, reviewer, editor, django_assert_num_queries, questions
):
    document = import_text(big_faq(questions), slug=f"big-{questions}")
    some = claims_of(document)[:3]
    for c in some:
        cite(c, ["context"], user=reviewer)
        workflow.flag(c, user=editor, reason="vague")
    assert Claim.objects.count() == 5 * questions
    client.force_login(reviewer)
    with django_assert_num_queries(CHANGELIST_QUERIES):
        response = client.get("/admin/claims/claim/")
    assert response.status_code == 200


def test_the_claim_list_shows_status_as_a_coloured_label_with_its_text_and_the_counts(client, claim, editor, reviewer):
    cite(claim, ["context", "refutes"], user=reviewer)
    workflow.flag(claim, user=editor, reason="dubious")
    client.force_login(editor)
    page = client.get("/admin/claims/claim/").content.decode()
    assert f'<span class="claim-status st-{ClaimStatus.FLAGGED.value}">Flagged</span>' in page
    assert "claimledger-admin.css" in page  # where the st-* colours are defined
    assert '<td class="field-citation_count">2</td>' in page
    assert '<td class="field-open_flag_count">1</td>' in page


@pytest.mark.parametrize(
    "query, shown",
    [
        ("has_citations=yes", [0]),
        ("has_citations=no", [1, 2, 3]),
        ("has_open_flags=yes", [1]),
        ("flag_reason=dubious", [1]),
        ("flag_reason=vague", []),
        ("status=flagged", [1]),
        ("q=Rayleigh", [1]),
    ],
)
def test_the_claim_list_filters_and_searches(client, small_document, editor, reviewer, query, shown):
    claims = claims_of(small_document)
    cite(claims[0], ["supports"], user=reviewer)
    workflow.flag(claims[1], user=editor, reason="dubious")
    client.force_login(editor)
    response = client.get(f"/admin/claims/claim/?{query}")
    listed = {c.pk for c in response.context["cl"].result_list}
    assert listed == {claims[i].pk for i in shown}


def test_the_change_form_shows_the_quote_in_its_answer_escaped(client, import_text, editor):
    document = import_text("T\n\n1. Q?\n\nBefore. The <script>alert(1)</script> tag is data. After.\n", slug="x")
    claim = next(c for c in claims_of(document) if "script" in c.quote)
    client.force_login(editor)
    page = client.get(change_url(claim)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert '<mark>The &lt;script&gt;alert(1)&lt;/script&gt; tag is data.</mark>' in page


def test_an_editor_sees_no_verdict_fields_and_a_reviewer_does(client, claim, editor, reviewer):
    client.force_login(editor)
    assert "verdict" not in client.get(change_url(claim)).context["adminform"].form.fields
    client.force_login(reviewer)
    fields = client.get(change_url(claim)).context["adminform"].form.fields
    assert "verdict" in fields and "verdict_rationale" in fields


def test_an_editor_edits_the_statement_through_the_form(client, claim, editor):
    client.force_login(editor)
    response = post_change_form(client, claim, statement="The sky is blue in daylight.")
    assert response.status_code == 302
    assert fresh(claim).statement == "The sky is blue in daylight."
    assert claim.history.first().history_user == editor


def test_a_reviewer_cites_and_publishes_in_one_save(client, claim, reviewer):
    source = new_source(title="Confidentiality", citation="N.C. Gen. Stat. § 108A-80")
    client.force_login(reviewer)
    data = form_data(client.get(change_url(claim)))
    inline_row(data, "citations", source=source.pk, stance="supports", pinpoint="(a)")
    data.update(
        verdict="supported", verdict_finding="Yes.", verdict_rationale="The statute says so.", confirm_publish="on"
    )
    response = client.post(change_url(claim), data, follow=True)
    saved = fresh(claim)
    assert (saved.status, saved.reviewed_by, saved.citations.get().pinpoint) == ("supported", reviewer, "(a)")
    assert saved.finding == "Yes."
    # The message names what was published and links to the public page; not Django's generic one.
    message = [str(m) for m in response.context["messages"]]
    assert message == [
        f"Published 'Supported' on claim {claim.pk}: "
        f'<a href="/claims/{claim.pk}/">see it on the public site</a>.'
    ]


def test_publishing_asks_for_confirmation_and_keeps_what_was_typed(client, claim, reviewer):
    source = new_source(title="Confidentiality")
    client.force_login(reviewer)
    data = form_data(client.get(change_url(claim)))
    inline_row(data, "citations", source=source.pk, stance="supports")
    data.update(verdict="supported", verdict_finding="Yes, it is.", verdict_rationale="The statute says so.")
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    assert "tick &#x27;Publish it&#x27; to confirm: &#x27;Supported&#x27; will appear" in error_text(response)
    assert fresh(claim).status == "unreviewed" and not claim.citations.exists()
    assert 'value="Yes, it is."' in response.content.decode()


def test_a_verdict_without_a_finding_is_refused_and_nothing_is_saved(client, claim, reviewer):
    source = new_source(title="Confidentiality")
    client.force_login(reviewer)
    data = form_data(client.get(change_url(claim)))
    inline_row(data, "citations", source=source.pk, stance="supports")
    data.update(verdict="supported", verdict_rationale="The statute says so.", confirm_publish="on")
    response = client.post(change_url(claim), data)
    assert "a 'supported' verdict needs a finding" in error_text(response)
    assert fresh(claim).status == "unreviewed" and not claim.citations.exists()


def test_the_verdict_field_lists_what_each_verdict_needs_without_pointing_outside(client, claim, reviewer):
    client.force_login(reviewer)
    page = client.get(change_url(claim)).content.decode()
    assert "<strong>Partly supported</strong>: at least one citation with stance &#x27;supports&#x27;" in page
    assert 'id="verdict-missing" aria-live="polite"' in page and "claimledger-desk.js" in page
    assert "DESIGN" not in page


def test_a_refused_verdict_shows_the_rule_on_the_form_and_saves_nothing(client, claim, reviewer):
    source = new_source(title="Confidentiality")
    client.force_login(reviewer)
    data = form_data(client.get(change_url(claim)))
    inline_row(data, "citations", source=source.pk, stance="context")
    data.update(
        verdict="supported", verdict_finding="x", verdict_rationale="x", statement="Changed too.", confirm_publish="on"
    )
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    rule = "a 'supported' verdict needs at least one citation with stance 'supports'"
    assert rule in error_text(response)
    assert fresh(claim).status == "unreviewed" and fresh(claim).statement != "Changed too."
    assert not claim.citations.exists()


def test_a_rationale_without_a_verdict_is_refused_on_the_form(client, claim, reviewer):
    client.force_login(reviewer)
    response = post_change_form(client, claim, verdict="", verdict_rationale="Because.")
    assert response.status_code == 200
    assert "choose a verdict: a finding and rationale are published together with one" in error_text(response)


def test_an_editor_cannot_change_the_statement_behind_a_verdict(client, claim, editor, reviewer):
    publish(claim, "supported", user=reviewer)
    client.force_login(editor)
    response = post_change_form(client, claim, statement="Something else.")
    assert response.status_code == 302 and fresh(claim).statement == "The sky is blue."


def test_a_flag_added_inline_flags_the_claim_and_a_resolution_resolves_it(client, claim, editor):
    client.force_login(editor)
    data = inline_row(form_data(client.get(change_url(claim))), "flags", reason="citation_needed", note="source?")
    client.post(change_url(claim), data)
    assert fresh(claim).status == "flagged"
    data = form_data(client.get(change_url(claim)))
    data["flags-0-resolution"] = "Not needed: common knowledge."
    client.post(change_url(claim), data)
    assert fresh(claim).status == "unreviewed" and not claim.flags.get().is_open


def test_a_relation_to_the_claim_itself_is_refused_on_the_form(client, claim, editor):
    client.force_login(editor)
    data = inline_row(form_data(client.get(change_url(claim))), "relations_from", kind="duplicates", to_claim=claim.pk)
    response = client.post(change_url(claim), data)
    assert f"a claim cannot be related to itself (claim {claim.pk})" in error_text(response)
    assert not ClaimRelation.objects.exists()


def test_a_contradiction_shows_on_both_claims_pages_and_cannot_be_recorded_back(client, claim, other_claim, editor):
    workflow.relate(claim, other_claim, user=editor, kind="contradicts", note="opposite answers")
    client.force_login(editor)
    other_page = client.get(change_url(other_claim))
    assert f"claim {claim.pk}: The sky is blue." in other_page.content.decode()
    data = inline_row(form_data(other_page), "relations_from", kind="contradicts", to_claim=claim.pk)
    response = client.post(change_url(other_claim), data)
    assert "&#x27;contradicts&#x27; goes both ways" in error_text(response)


def test_removing_the_citation_a_verdict_needs_is_refused_on_the_form(client, claim, reviewer):
    publish(claim, "contradicted", user=reviewer)
    client.force_login(reviewer)
    data = form_data(client.get(change_url(claim)))
    data["citations-0-DELETE"] = "on"
    response = client.post(change_url(claim), data)
    assert "without its evidence" in error_text(response) and claim.citations.count() == 1


def test_the_flag_action_asks_for_a_reason_and_note_first(client, claim, editor):
    client.force_login(editor)
    page = client.post("/admin/claims/claim/", {"action": "flag_selected", "_selected_action": [claim.pk]})
    assert page.status_code == 200 and b'name="reason"' in page.content and fresh(claim).status == "unreviewed"
    data = {"action": "flag_selected", "_selected_action": [claim.pk], "apply": "1", "reason": "dubious", "note": "?"}
    client.post("/admin/claims/claim/", data)
    assert claim.flags.get().reason == "dubious" and claim.flags.get().note == "?"


def test_a_bulk_action_reports_each_refused_claim_with_its_rule(client, claim, other_claim, editor, reviewer):
    publish(claim, "supported", user=reviewer)
    client.force_login(editor)
    data = {"action": "mark_not_checkable", "_selected_action": [claim.pk, other_claim.pk]}
    messages = [str(m) for m in client.post("/admin/claims/claim/", data, follow=True).context["messages"]]
    assert "Marked not checkable: 1 claim." in messages
    assert (
        f"Refused: claim {claim.pk}: claim {claim.pk} has a published verdict ('supported'); "
        "a reviewer must reopen it before it can be marked not checkable"
    ) in messages


def test_the_split_page_splits_where_the_second_part_starts(client, small_document, editor):
    claim = claims_of(small_document)[1]
    client.force_login(editor)
    response = client.post(f"/admin/claims/claim/{claim.pk}/split/", {"second_starts_with": "because of"})
    assert response.status_code == 302
    assert fresh(claim).quote == "It is blue"
    assert claims_of(small_document)[2].quote == "because of Rayleigh scattering, e.g. of sunlight."


def test_the_split_page_explains_text_that_is_not_in_the_quote(client, claim, editor):
    client.force_login(editor)
    response = client.post(f"/admin/claims/claim/{claim.pk}/split/", {"second_starts_with": "green"})
    assert response.status_code == 200 and "does not occur in the quote" in response.content.decode()


def test_the_merge_page_merges_with_the_next_claim(client, claim, other_claim, editor):
    client.force_login(editor)
    response = client.post(f"/admin/claims/claim/{claim.pk}/merge/")
    assert response.status_code == 302
    assert fresh(claim).quote == "The sky is blue. It is blue because of Rayleigh scattering, e.g. of sunlight."
    assert not Claim.objects.filter(pk=other_claim.pk).exists()


def test_the_merge_page_shows_a_refusal(client, claim, other_claim, editor, reviewer):
    publish(other_claim, "supported", user=reviewer)
    client.force_login(editor)
    response = client.post(f"/admin/claims/claim/{claim.pk}/merge/")
    assert response.status_code == 200 and "has a published verdict" in response.content.decode()


def test_the_change_page_offers_split_merge_and_reopen_to_those_who_may(client, claim, editor, reviewer):
    publish(claim, "supported", user=reviewer)
    client.force_login(reviewer)
    page = client.get(change_url(claim)).content.decode()
    assert "Reopen verdict" in page and "Split" not in page
    client.force_login(editor)
    assert "Reopen verdict" not in client.get(change_url(claim)).content.decode()


def test_the_history_page_shows_who_did_what(client, claim, editor):
    workflow.flag(claim, user=editor, reason="citation_needed")
    client.force_login(editor)
    page = client.get(f"/admin/claims/claim/{claim.pk}/history/").content.decode()
    assert "flagged: Citation needed" in page and "edna" in page


def test_reverting_to_an_old_version_is_disabled(client, claim, editor, superuser):
    workflow.flag(claim, user=editor, reason="citation_needed")
    first = claim.history.order_by("history_id").first()
    client.force_login(superuser)
    response = client.post(f"/admin/claims/claim/{claim.pk}/history/{first.history_id}/", {})
    assert response.status_code == 403 and fresh(claim).status == "flagged"


def test_claims_are_not_added_by_hand(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/claims/claim/add/").status_code == 403


def test_the_citation_page_refuses_to_delete_the_evidence_of_a_verdict(client, claim, reviewer):
    publish(claim, "supported", user=reviewer)
    citation = claim.citations.get()
    client.force_login(reviewer)
    response = client.post(f"/admin/sources/citation/{citation.pk}/delete/", {"post": "yes"}, follow=True)
    assert any("Not removed:" in str(m) for m in response.context["messages"])
    assert claim.citations.count() == 1


def test_a_flag_raised_on_its_own_page_flags_the_claim(client, claim, editor):
    client.force_login(editor)
    response = client.post("/admin/claims/flag/add/", {"claim": claim.pk, "reason": "outdated", "note": "2019 law"})
    assert response.status_code == 302
    assert fresh(claim).status == "flagged" and claim.flags.get().raised_by == editor


def test_a_relation_recorded_on_its_own_page_is_checked_both_ways(client, claim, other_claim, editor):
    client.force_login(editor)
    url = "/admin/claims/claimrelation/add/"
    client.post(url, {"from_claim": claim.pk, "to_claim": other_claim.pk, "kind": "duplicates"})
    response = client.post(url, {"from_claim": other_claim.pk, "to_claim": claim.pk, "kind": "duplicates"})
    assert "&#x27;duplicates&#x27; goes both ways" in error_text(response)
    assert ClaimRelation.objects.count() == 1


def test_a_stance_change_on_the_citation_page_that_breaks_a_verdict_is_refused(client, claim, reviewer):
    publish(claim, "supported", user=reviewer)
    citation = claim.citations.get()
    client.force_login(reviewer)
    data = {"source": citation.source_id, "stance": "context", "pinpoint": "", "excerpt": "", "note": ""}
    response = client.post(f"/admin/sources/citation/{citation.pk}/change/", data)
    assert "changing this citation would leave the published verdict" in error_text(response)
    assert fresh(citation).stance == "supports"

