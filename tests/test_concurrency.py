"""Two people editing one claim: the second save is refused, names who changed it and when, and overwrites nothing."""

import re
import threading
import time

import pytest
from django.db import connection, transaction
from workflow_helpers import change_url, claim, claims_of, error_text, form_data, fresh, make_user  # noqa: F401

from claims import roles, workflow

STALE = re.compile(
    r"claim \d+ was changed by (\w+) at \d{4}-\d\d-\d\d \d\d:\d\d UTC after you opened it; reload and try again"
)


@pytest.mark.django_db
def test_a_stale_edit_is_refused_naming_who_changed_the_claim_and_the_first_edit_survives(claim):
    alice, bob = make_user("alice", roles.EDITORS), make_user("bob", roles.EDITORS)
    opened_at = claim.version
    workflow.edit_statement(claim, user=alice, statement="Alice's wording.", expected_version=opened_at)
    with pytest.raises(workflow.StaleEdit) as refusal:
        workflow.edit_statement(fresh(claim), user=bob, statement="Bob's wording.", expected_version=opened_at)
    assert STALE.fullmatch(str(refusal.value)).group(1) == "alice"
    assert fresh(claim).statement == "Alice's wording." and fresh(claim).version == opened_at + 1


@pytest.mark.django_db
def test_every_transition_refuses_a_stale_version(claim):
    alice = make_user("alice", roles.REVIEWERS)
    workflow.start_review(claim, user=alice, expected_version=1)
    for attempt in (
        lambda: workflow.flag(claim, user=alice, reason="vague", expected_version=1),
        lambda: workflow.mark_not_checkable(claim, user=alice, expected_version=1),
        lambda: workflow.set_verdict(claim, user=alice, status="unverifiable", rationale="x", finding="Found so.", expected_version=1),
        lambda: workflow.split_claim(claim, user=alice, at=3, expected_version=1),
    ):
        with pytest.raises(workflow.StaleEdit, match="was changed by alice"):
            attempt()
    assert fresh(claim).status == "in_review"


@pytest.mark.django_db
def test_the_second_of_two_open_admin_forms_is_refused_and_nothing_of_it_is_saved(client, claim):
    alice, bob = make_user("alice", roles.REVIEWERS), make_user("bob", roles.REVIEWERS)
    client.force_login(bob)
    bobs_form = form_data(client.get(change_url(claim)))
    client.force_login(alice)
    alices_form = form_data(client.get(change_url(claim)))
    client.post(change_url(claim), {**alices_form, "statement": "Alice's wording."})
    client.force_login(bob)
    bobs_form.update({"statement": "Bob's wording.", "flags-TOTAL_FORMS": 1, "flags-0-reason": "vague"})
    response = client.post(change_url(claim), bobs_form)
    assert response.status_code == 200 and STALE.search(error_text(response)).group(1) == "alice"
    assert fresh(claim).statement == "Alice's wording." and not claim.flags.exists()


@pytest.mark.django_db(transaction=True)
def test_a_simultaneous_edit_waits_for_the_row_lock_then_is_refused(small_document):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) need PostgreSQL; SQLite lets one writer in at a time anyway")
    claim = claims_of(small_document)[0]
    alice, bob = make_user("alice", roles.EDITORS), make_user("bob", roles.EDITORS)
    locked, release, outcome = threading.Event(), threading.Event(), {}

    def alice_saves():
        try:
            with transaction.atomic():
                mine = workflow.check_version(claim, 1)  # holds the row until the transaction ends
                locked.set()
                release.wait(10)
                workflow.edit_statement(mine, user=alice, statement="Alice's wording.", expected_version=1)
        finally:
            connection.close()

    def bob_saves():
        locked.wait(10)
        try:
            workflow.edit_statement(claim, user=bob, statement="Bob's wording.", expected_version=1)
        except workflow.StaleEdit as refusal:
            outcome["refusal"] = str(refusal)
        finally:
            connection.close()

    threads = [threading.Thread(target=alice_saves), threading.Thread(target=bob_saves)]
    for thread in threads:
        thread.start()
    locked.wait(10)
    time.sleep(0.3)
    assert threads[1].is_alive(), "bob's save should be waiting for alice's lock"
    release.set()
    for thread in threads:
        thread.join(10)
    assert STALE.fullmatch(outcome["refusal"]).group(1) == "alice"
    assert fresh(claim).statement == "Alice's wording."
