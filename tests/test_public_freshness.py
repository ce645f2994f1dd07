"""Never stale: after a write, the very next request to every page that shows it shows the change.

Every page is loaded first, so the page cache holds each one as it was; the
write goes through claims.workflow (or a source's save, as the admin does).
"""

import csv
import io
import json
import re

import pytest
from public_support import body
from workflow_helpers import claims_of, editor, new_source, publish, reviewer  # noqa: F401 (fixtures)

from claims import workflow

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(small_document, reviewer):  # noqa: F811
    claim = claims_of(small_document)[0]
    source = new_source(title="Family Privacy Act", citation="")
    workflow.add_citation(claim, user=reviewer, source=source, stance="context")
    return {"document": small_document, "claim": claim, "source": source}


def pages(site) -> dict[str, str]:
    return {
        "home": "/",
        "document": f"/faq/{site['document'].slug}/",
        "claim": f"/claims/{site['claim'].pk}/",
        "table": "/claims/",
        "csv": "/claims/export.csv",
        "json": "/claims/export.json",
        "feed": "/claimreview.json",
        "sources": "/sources/",
        "source": f"/sources/{site['source'].pk}/",
    }


def load_all(client, site) -> dict[str, str]:
    return {name: body(client.get(url)).decode() for name, url in pages(site).items()}


def exported(text: str, claim) -> dict:
    return next(row for row in csv.DictReader(io.StringIO(text)) if row["id"] == str(claim.pk))


def json_row(text: str, claim) -> dict:
    return next(row for row in json.loads(text)["claims"] if row["id"] == claim.pk)


def claim_status(html: str) -> str:
    return re.search(r'<h2 id="status-h">Status: <span class="badge[^"]*">([^<]+)</span>', html).group(1)


def feed_urls(text: str) -> list[str]:
    return [element["item"]["url"] for element in json.loads(text)["dataFeedElement"]]


def test_a_published_verdict_and_its_reopening_show_on_the_next_request_everywhere(client, site, reviewer):  # noqa: F811
    claim = site["claim"]
    before = load_all(client, site)
    assert "Supported" not in before["claim"] and feed_urls(before["feed"]) == []

    publish(claim, "supported", user=reviewer)
    after = load_all(client, site)
    assert claim_status(after["claim"]) == "Supported"
    assert f'id="c{claim.pk}"' in after["document"] and "Supported" in after["document"]
    assert "<title>Supported: 1</title>" in after["home"]
    assert ">Supported</span>" in after["table"] and ">Supported</span>" in after["source"]
    assert exported(after["csv"], claim)["status"] == "supported"
    assert json_row(after["json"], claim)["status"] == "supported"
    assert feed_urls(after["feed"]) == [f"http://testserver/claims/{claim.pk}/"]

    workflow.reopen(claim, user=reviewer, reason="A newer statute.")
    reopened = load_all(client, site)
    assert claim_status(reopened["claim"]) == "In review"
    assert "<title>Supported: 1</title>" not in reopened["home"] and "<title>In review: 1</title>" in reopened["home"]
    assert ">Supported</span>" not in reopened["table"] and ">Supported</span>" not in reopened["source"]
    assert exported(reopened["csv"], claim)["status"] == "in_review"
    assert json_row(reopened["json"], claim)["status"] == "in_review"
    assert feed_urls(reopened["feed"]) == []


def test_a_new_citation_shows_on_the_next_request_everywhere(client, site, reviewer):  # noqa: F811
    claim = site["claim"]
    load_all(client, site)
    statute = new_source(title="Records Retention Statute")
    workflow.add_citation(claim, user=reviewer, source=statute, stance="supports")
    after = load_all(client, site)
    assert "Records Retention Statute" in after["claim"] and "Records Retention Statute" in after["sources"]
    assert exported(after["csv"], claim)["citation_count"] == "2"
    assert json_row(after["json"], claim)["citation_count"] == 2
    assert '<td data-col="citations" class="num">2</td>' in after["table"]


def test_a_flag_shows_on_the_next_request_everywhere(client, site, editor):  # noqa: F811
    claim = site["claim"]
    load_all(client, site)
    workflow.flag(claim, user=editor, reason="dubious", note="internal")
    after = load_all(client, site)
    assert "Open flags" in after["claim"] and "Dubious" in after["claim"]
    assert "<title>Flagged: 1</title>" in after["home"] and ">Flagged</span>" in after["document"]
    assert ">Flagged</span>" in after["table"] and ">Flagged</span>" in after["source"]
    assert exported(after["csv"], claim)["open_flag_count"] == "1"
    assert json_row(after["json"], claim)["status"] == "flagged"


def test_an_edited_source_shows_on_the_next_request_everywhere(client, site):
    source = site["source"]
    load_all(client, site)
    source.title = "Family Educational Rights Act"
    source.save()
    after = load_all(client, site)
    for page in ("claim", "sources", "source"):
        assert "Family Educational Rights Act" in after[page], page
        assert "Family Privacy Act" not in after[page], page


def test_browsers_revalidate_every_visit_and_a_write_changes_the_answer(client, site, reviewer):  # noqa: F811
    url = f"/claims/{site['claim'].pk}/"
    first = client.get(url)
    assert first["Cache-Control"].startswith("public, max-age=0")
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    publish(site["claim"], "supported", user=reviewer)
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200 and claim_status(again.content.decode()) == "Supported"


def test_a_changed_public_name_shows_on_the_next_request_to_the_claim_page(client, site, reviewer):  # noqa: F811
    from people.models import StaffProfile

    claim = site["claim"]
    profile = StaffProfile.objects.create(user=reviewer, public_name="R. Reviewer")
    publish(claim, "supported", user=reviewer)
    assert "Verdict published by R. Reviewer" in load_all(client, site)["claim"]
    profile.public_name = "Rita R., legal desk"
    profile.save()
    assert "Verdict published by Rita R., legal desk" in load_all(client, site)["claim"]
