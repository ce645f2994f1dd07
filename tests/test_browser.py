"""A reader in real headless Chromium: the seed document, a highlighted claim, its page.

Drives Debian's chromium through Playwright's Python package (executable_path);
no browser is ever downloaded. Skipped, saying why, where chromium is missing.
"""

import pytest
from conftest import needs_chromium, watch_csp
from public_support import publish

from claims.models import Claim, ClaimStatus
from sources.models import Citation, Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), needs_chromium]


def test_a_reader_follows_a_highlighted_claim_to_its_evidence(chromium, live_server, tmp_path):
    from claims.seed import load_seed_documents

    document = load_seed_documents()[0].document
    claim = Claim.objects.filter(question__document=document, question__number=6).order_by("position")[1]
    source = Source.objects.create(kind="statute", title="Confidentiality of records", citation="N.C. Gen. Stat. § 108A-80")
    Citation.objects.create(claim=claim, source=source, stance="refutes", pinpoint="(a)")
    publish(claim, ClaimStatus.CONTRADICTED, rationale="The statute allows disclosure for program purposes.")

    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    violations = watch_csp(page)
    page.goto(f"{live_server.url}/faq/{document.slug}/")
    assert page.locator("h1").inner_text() == document.title
    assert page.locator("section.qa").count() == 20
    assert page.locator("a.claim mark").count() == Claim.objects.filter(question__document=document).count()
    marked = page.locator(f"#c{claim.pk}")
    assert marked.locator(".tag").inner_text() == "Contradicted"
    # The highlight is visible: the mark has a coloured background, not the page's white.
    assert marked.locator("mark").evaluate("e => getComputedStyle(e).backgroundColor") not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    page.screenshot(path=tmp_path / "document.png", full_page=False)
    marked.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "document-q6.png")

    marked.click()
    page.wait_for_url(f"**/claims/{claim.pk}/")
    assert page.locator(".verdict .badge").inner_text() == "Contradicted"
    assert "The statute allows disclosure" in page.locator(".rationale").inner_text()
    assert "N.C. Gen. Stat. § 108A-80" in page.locator(".citations").inner_text()
    page.screenshot(path=tmp_path / "claim.png", full_page=True)

    for url in ["/", "/claims/", f"/sources/", f"/sources/{source.pk}/", f"/claims/{claim.pk}/history/", "/no/such/page/"]:
        page.goto(f"{live_server.url}{url}")
    # The status bar and highlights are coloured by classes: the policy allows no inline style.
    page.goto(f"{live_server.url}/")
    assert page.locator("svg.bar rect").first.evaluate("e => getComputedStyle(e).fill") not in ("none", "rgb(0, 0, 0)")

    phone = chromium.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    violations += watch_csp(phone)
    phone.goto(f"{live_server.url}/faq/{document.slug}/#q6")
    # Nothing wider than the phone's screen: the text wraps, no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=tmp_path / "document-phone.png")
    phone.goto(f"{live_server.url}/claims/{claim.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=tmp_path / "claim-phone.png", full_page=True)
    phone.goto(f"{live_server.url}/claims/")
    phone.screenshot(path=tmp_path / "table-phone.png")
    phone.goto(f"{live_server.url}/")
    phone.screenshot(path=tmp_path / "home-phone.png")

    for name in ("document", "document-q6", "claim", "document-phone", "claim-phone"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
    assert violations == []


def test_a_reader_sees_verdicts_first_previews_them_and_filters_by_status(chromium, live_server):
    from claims.seed import load_seed_documents
    from claims.seed_review import load_seed_review

    document = load_seed_documents()[0].document
    load_seed_review()
    verdict = Claim.objects.filter(status=ClaimStatus.CONTRADICTED).order_by("pk").first()
    plain = Claim.objects.filter(status=ClaimStatus.NOT_CHECKABLE).order_by("pk").first()
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    violations = watch_csp(page)
    page.goto(f"{live_server.url}/faq/{document.slug}/")

    # Verdicts are tagged; not-checkable text is plain until the reader asks to see it marked.
    assert page.locator(f"#c{verdict.pk} .tag").is_visible()
    assert not page.locator(f"#c{plain.pk} .tag").is_visible()
    transparent = "rgba(0, 0, 0, 0)"
    assert page.locator(f"#c{plain.pk} mark").evaluate("e => getComputedStyle(e).backgroundColor") == transparent
    page.check("#mark-not-checkable")
    assert page.locator(f"#c{plain.pk} .tag").is_visible()

    # Keyboard focus shows the status and finding without leaving the page, with a visible focus ring.
    claim_link = page.locator(f"#c{verdict.pk}")
    claim_link.focus()
    preview = claim_link.locator(".preview")
    assert preview.is_visible() and verdict.finding in preview.inner_text()
    assert claim_link.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    # Every claim is a link, so Tab reaches each of them.
    assert page.locator("a.claim").count() == Claim.objects.filter(question__document=document).count()

    # A legend entry filters the page: only the answers holding a contradicted claim stay.
    page.locator("a.filter[href='#only-contradicted']").click()
    holding = set(Claim.objects.filter(status=ClaimStatus.CONTRADICTED).values_list("question__number", flat=True))
    visible = page.locator("section.qa:visible")
    assert visible.count() == len(holding)
    page.locator("a.show-all").click()
    assert page.locator("section.qa:visible").count() == 20

    # The claim page: the finding under the status, and How we rate one click away.
    page.goto(f"{live_server.url}/claims/{verdict.pk}/")
    assert page.locator(".verdict .finding").inner_text() == verdict.finding
    page.locator(".verdict .meaning a").click()
    page.wait_for_url("**/how-we-rate/#contradicted")
    assert page.locator("#contradicted").is_visible()

    # The claims table on a phone: status on screen, filters behind their button; open on a desktop.
    phone = chromium.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    violations += watch_csp(phone)
    phone.goto(f"{live_server.url}/claims/")
    status = phone.locator("td[data-col=status]").first
    box = status.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert not phone.locator("form.filters").is_visible()
    phone.locator("details.filter-box > summary").click()
    assert phone.locator("form.filters").is_visible()
    page.goto(f"{live_server.url}/claims/")
    assert page.locator("form.filters").is_visible() and not page.locator("details.filter-box > summary").is_visible()
    # The preview, the filters and the folding all run under the Content-Security-Policy.
    assert violations == []
