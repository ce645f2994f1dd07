"""Issue 3's walk-through in real headless Chromium: an editor flags, a reviewer cites and publishes.

Signs in with passwords, picks the source with the admin's autocomplete widget
and submits real forms (CSRF included). Drives Debian's chromium; skipped,
saying why, where it is missing.
"""

import pytest
from conftest import needs_chromium, watch_csp
from django.contrib.auth.models import User

from claims import roles
from claims.models import Claim
from sources.models import Source

PASSWORD = "a long browser-test passphrase 9"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    needs_chromium,
]


@pytest.fixture
def page(chromium):
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.csp_violations = watch_csp(page)
    return page


def staff(username, group):
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    roles.add_to_group(user, group)


def sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")


def submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def add_citation(page, source_search, stance, pinpoint):
    row = int(page.input_value("#id_citations-TOTAL_FORMS"))
    page.locator("#citations-group tr.add-row a").click()
    page.locator(f"#citations-{row} .field-source .select2-selection").click()
    page.fill(".select2-search__field", source_search)
    page.locator(".select2-results__option", has_text=source_search).first.click()
    page.select_option(f"#id_citations-{row}-stance", stance)
    page.fill(f"#id_citations-{row}-pinpoint", pinpoint)


def test_an_editor_flags_and_a_reviewer_is_refused_then_publishes(page, live_server, seed_document):
    claim = Claim.objects.get(question__document=seed_document, quote__startswith="Yes, there are legal restrictions")
    Source.objects.create(kind="statute", title="Public assistance records", citation="N.C. Gen. Stat. § 108A-80")
    Source.objects.create(kind="statute", title="State Medicaid plans", citation="42 U.S.C. § 1396a")
    staff("edna", roles.EDITORS)
    staff("rita", roles.REVIEWERS)
    base, change = live_server.url, f"{live_server.url}/admin/claims/claim/{claim.pk}/change/"

    sign_in(page, base, "edna")
    page.goto(f"{base}/admin/claims/claim/?q=legal+restrictions+on+sharing")
    page.check(f"input[name=_selected_action][value='{claim.pk}']")
    page.select_option("select[name=action]", "flag_selected")
    submit(page, "button[name=index]")
    page.fill("#id_note", "Which law? Cite the section.")
    submit(page, "input[name=apply]")
    assert "Flagged as citation needed: 1 claim." in page.locator("ul.messagelist").inner_text()
    page.goto(change)
    assert page.locator("#id_verdict").count() == 0  # the editor cannot publish

    sign_in(page, base, "rita")
    page.goto(change)
    add_citation(page, "108A-80", "context", "(a)")
    page.select_option("#id_verdict", "supported")
    # Before saving, the form lists what the verdict still lacks, and updates as the reviewer types.
    missing = page.locator("#verdict-missing")
    assert missing.inner_text() == (
        "Still missing for 'Supported': at least one citation with stance 'supports'; a finding; a rationale."
    )
    page.fill("#id_verdict_finding", "Federal and state law restrict it.")
    page.fill("#id_verdict_rationale", "The statute restricts disclosure.")
    assert missing.inner_text() == "Still missing for 'Supported': at least one citation with stance 'supports'."
    page.check("#id_confirm_publish")
    submit(page, "input[name=_continue]")
    refusal = "a 'supported' verdict needs at least one citation with stance 'supports' (claim"
    assert refusal in page.locator("ul.errorlist.nonfield").inner_text()
    assert Claim.objects.get(pk=claim.pk).status == "flagged"

    add_citation(page, "1396a", "supports", "(a)(7)")
    assert page.locator("#verdict-missing").inner_text() == "Everything 'Supported' needs is here; tick 'Publish it' and save."
    page.check("#id_confirm_publish")
    submit(page, "input[name=_continue]")
    message = page.locator("ul.messagelist")
    assert message.inner_text() == f"Published 'Supported' on claim {claim.pk}: see it on the public site."
    assert message.locator("a").get_attribute("href") == f"/claims/{claim.pk}/"
    # The change page fits a 1280 px screen: no sideways scrolling.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    published = Claim.objects.get(pk=claim.pk)
    assert (published.status, published.reviewed_by.username) == ("supported", "rita")
    assert published.citations.count() == 2 and not published.flags.open().exists()

    # Flagging it now is refused at once, before any note is asked for.
    sign_in(page, base, "edna")
    page.goto(f"{base}/admin/claims/claim/?q=legal+restrictions+on+sharing")
    page.check(f"input[name=_selected_action][value='{claim.pk}']")
    page.select_option("select[name=action]", "flag_selected")
    submit(page, "button[name=index]")
    assert page.locator("#id_note").count() == 0
    assert "has a published verdict ('Supported'); a reviewer reopens it first." in page.locator("ul.messagelist").inner_text()
    for url in ["/admin/", "/admin/sources/source/", f"/admin/claims/claim/{claim.pk}/history/", "/admin/claims/staffprofile/"]:
        page.goto(f"{base}{url}")
    # Every admin page visited, select2 widget included, ran under the Content-Security-Policy.
    assert page.csp_violations == []
