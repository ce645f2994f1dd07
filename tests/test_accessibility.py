"""axe-core on every public page and on the admin's claim list and change page, at 1280 and 390 px.

axe-core comes inside the axe-playwright-python package (nothing is downloaded
at run time) and runs in Debian's chromium. Any serious or critical violation
fails the test, naming the page, the rule and the first offending elements.
Set AXE_REPORT=path to also write every page's violations (all impacts) as JSON,
and SCREENSHOTS=folder to keep a screenshot of each page.
"""

import json
import os

import pytest
from conftest import needs_chromium
from django.contrib.auth.models import User

from claims import roles
from claims.models import Claim, ClaimStatus
from sources.models import Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), needs_chromium]

PASSWORD = "a long accessibility-test passphrase 7"
BLOCKING = {"serious", "critical"}
WIDTHS = (1280, 390)


@pytest.fixture
def reviewed_seed(db):
    from claims.seed import load_seed_documents
    from claims.seed_review import load_seed_review

    document = load_seed_documents()[0].document
    load_seed_review()
    return document


def public_paths(document) -> dict[str, str]:
    verdict = Claim.objects.filter(status__in=ClaimStatus.verdicts()).order_by("pk").first()
    plain = Claim.objects.filter(status=ClaimStatus.NOT_CHECKABLE).order_by("pk").first()
    source = Source.objects.filter(citations__isnull=False).order_by("pk").first()
    return {
        "home": "/",
        "document": document.get_absolute_url(),
        "claims table": "/claims/",
        "claims table, filtered": "/claims/?status=contradicted",
        "claim with a verdict": verdict.get_absolute_url(),
        "claim not checkable": plain.get_absolute_url(),
        "how we rate": "/how-we-rate/",
        "sources": "/sources/",
        "source": source.get_absolute_url(),
        "not found": "/no-such-page/",
    }


def blocking(results) -> list[str]:
    lines = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
            lines.append(f"{violation['impact']} {violation['id']} ×{len(violation['nodes'])}: {targets}")
    return lines


def summary(results) -> list[str]:
    return [f"{v['impact']} {v['id']} ×{len(v['nodes'])}" for v in results.response["violations"]]


def too_wide(page, name, width) -> list[str]:
    """The page scrolls sideways when its content is wider than the screen."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    return [f"{name} at {width} px is {scroll_width} px wide"] if scroll_width > width else []


def shoot(page, name, width):
    """With SCREENSHOTS=folder, keep a full-page screenshot of each page looked at."""
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name.replace(' ', '-')}-{width}.png"), full_page=True)


def sign_in(page, base, username):
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")


def test_no_page_has_a_serious_or_critical_axe_violation(chromium, live_server, reviewed_seed):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    user = User.objects.create_user("rhea", password=PASSWORD, is_staff=True)
    roles.add_to_group(user, roles.REVIEWERS)
    claim = Claim.objects.filter(status__in=ClaimStatus.verdicts()).order_by("pk").first()
    pages = {name: path for name, path in public_paths(reviewed_seed).items()}
    admin_pages = {
        "admin claim list": "/admin/claims/claim/",
        "admin claim change": f"/admin/claims/claim/{claim.pk}/change/",
        "admin claim in review": f"/admin/claims/claim/{Claim.objects.exclude(status__in=ClaimStatus.verdicts()).order_by('pk').first().pk}/change/",
    }
    failures, report = [], {}
    for width in WIDTHS:
        page = chromium.new_page(viewport={"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(live_server.url + path)
            results = axe.run(page)
            report[f"{name} @{width}"] = summary(results)
            failures += [f"{name} ({path}) at {width} px: {line}" for line in blocking(results)]
            failures += too_wide(page, name, width)
            shoot(page, name, width)
        sign_in(page, live_server.url, "rhea")
        for name, path in admin_pages.items():
            page.goto(live_server.url + path)
            results = axe.run(page)
            report[f"{name} @{width}"] = summary(results)
            failures += [f"{name} ({path}) at {width} px: {line}" for line in blocking(results)]
            failures += too_wide(page, name, width)
            shoot(page, name, width)
        if width == 1280:
            # The compact claim list: 100 rows of one or two lines, not a wall of wrapped text.
            page.goto(live_server.url + admin_pages["admin claim list"])
            rows = page.locator("#result_list tbody tr")
            height = page.locator("#result_list tbody").bounding_box()["height"]
            if rows.count() != 100 or height / 100 > 80:
                failures.append(f"admin claim list: {rows.count()} rows, {height / max(rows.count(), 1):.0f} px each")
        page.close()
    if os.environ.get("AXE_REPORT"):
        with open(os.environ["AXE_REPORT"], "w", encoding="utf-8") as out:
            json.dump(report, out, indent=1, ensure_ascii=False)
    assert not failures, "\n".join(failures)
