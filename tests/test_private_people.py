"""No public page, export or feed shows a staff member's login name or e-mail address."""

import pytest
from django.contrib.auth.models import User
from workflow_helpers import claims_of

from claims import roles, workflow
from config.snapshot import public_urls, render
from people.models import StaffProfile
from sources.models import Source

pytestmark = pytest.mark.django_db

SECRETS = ["zq_reviewer_8812", "xk_editor_4471", "zq.reviewer@private.invalid", "xk.editor@private.invalid", "Zebediah", "Quenneville"]


def staff(username, email, group):
    user = User.objects.create_user(username, email=email, first_name="Zebediah", last_name="Quenneville", is_staff=True)
    roles.add_to_group(user, group)
    return User.objects.get(pk=user.pk)


def test_no_public_url_shows_a_login_name_or_an_email(client, small_document):
    editor = staff("xk_editor_4471", "xk.editor@private.invalid", roles.EDITORS)
    reviewer = staff("zq_reviewer_8812", "zq.reviewer@private.invalid", roles.REVIEWERS)
    named = staff("named_reviewer_5150", "named@private.invalid", roles.REVIEWERS)
    StaffProfile.objects.create(user=named, public_name="Rosa Public")
    first, second, third, fourth = claims_of(small_document)
    source = Source.objects.create(title="FERPA", citation="20 U.S.C. § 1232g")
    workflow.flag(first, user=editor, reason="citation_needed", note="by the editor")
    for claim, who in [(first, reviewer), (second, reviewer), (third, named)]:
        workflow.add_citation(claim, user=who, source=source, stance="supports", pinpoint=f"(b)({claim.pk})")
        workflow.set_verdict(claim, user=who, status="supported", finding="The statute says so.", rationale="The statute says so.")
    workflow.reopen(second, user=reviewer, reason="another look")
    workflow.relate(first, fourth, user=editor, kind="contradicts")

    pages = render(public_urls())
    assert len(pages) >= 15 and all(status == 200 for status, _, _ in pages.values())
    for url, (_, headers, body) in pages.items():
        text = body.decode() + repr(headers)
        for secret in SECRETS:
            assert secret.lower() not in text.lower(), (url, secret)
    bylines = pages[f"/claims/{first.pk}/"][2].decode(), pages[f"/claims/{third.pk}/"][2].decode()
    assert "Verdict published by ClaimLedger on" in bylines[0]
    assert "Verdict published by Rosa Public on" in bylines[1]
