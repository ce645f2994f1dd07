"""axe-core on every public page and on the admin's claim list and change pages, at 1280 and 390 px.

The seed is reviewed and then changed (a second version), so the versions' compare page and the admin's
"removed from the page" and "changed since the verdict" notices are among the pages looked at.

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


def second_version(document, seed_text):
    """Version 2 of the seed: a verdict's wording edited, another verdict's sentence gone, a sentence added.

    Returns (edited, removed) so the compare page and both admin notices are looked at.
    """
    from faq.importing import ImportOptions, import_faq_text

    edited, gone = Claim.objects.filter(status__in=ClaimStatus.verdicts()).exclude(quote__endswith=")").order_by("pk")[:2]
    text = seed_text.replace(edited.quote, edited.quote.rstrip(".") + ", usually.", 1).replace(gone.quote, "", 1)
    text = text.replace(edited.quote.rstrip(".") + ", usually.",
                        edited.quote.rstrip(".") + ", usually. Offices post their hours online every Monday.", 1)
    import_faq_text(text, name="v2.txt", options=ImportOptions(slug=document.slug))
    return edited, gone


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


def tables_cut(page, name, width) -> list[str]:
    """At desktop width every table fits its box: no column hidden behind a sideways scroll inside the page."""
    if width < 1024:
        return []  # a phone may scroll a wide table inside its own box
    cut = page.evaluate(
        "[...document.querySelectorAll('.table-container')]"
        ".filter(box => box.scrollWidth > box.clientWidth).map(box => [box.scrollWidth, box.clientWidth])"
    )
    return [f"{name} at {width} px: a table {inner} px wide in a box of {outer} px" for inner, outer in cut]


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


def test_no_page_has_a_serious_or_critical_axe_violation(chromium, live_server, reviewed_seed, seed_text):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    user = User.objects.create_user("rhea", password=PASSWORD, is_staff=True)
    roles.add_to_group(user, roles.REVIEWERS)
    edited, gone = second_version(reviewed_seed, seed_text)
    claim = Claim.objects.filter(status__in=ClaimStatus.verdicts()).order_by("pk").first()
    pages = {name: path for name, path in public_paths(reviewed_seed).items()}
    pages["versions compared"] = f"/faq/{reviewed_seed.slug}/compare/1/2/"
    admin_pages = {
        "admin claim list": "/admin/claims/claim/",
        "admin claim change": f"/admin/claims/claim/{claim.pk}/change/",
        "admin claim in review": f"/admin/claims/claim/{Claim.objects.exclude(status__in=ClaimStatus.verdicts()).order_by('pk').first().pk}/change/",
        "admin claim changed since verdict": f"/admin/claims/claim/{edited.pk}/change/",
        "admin claim removed": f"/admin/claims/claim/{gone.pk}/change/",
    }
    failures, report = [], {}
    for width in WIDTHS:
        page = chromium.new_page(viewport={"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(live_server.url + path)
            results = axe.run(page)
            report[f"{name} @{width}"] = summary(results)
            failures += [f"{name} ({path}) at {width} px: {line}" for line in blocking(results)]
            failures += too_wide(page, name, width) + tables_cut(page, name, width)
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
