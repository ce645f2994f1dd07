"""The public side of claims across documents: the claim page's count, /claims/repeated/, the table filter, exports."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import workflow
from claims.models import Claim, ClaimStatus
from public_support import body
from workflow_helpers import publish, reviewer  # noqa: F401 (fixtures)

FAQ = """Data Sharing in {state}

1. Is benefits data shared with ICE?

In {state}, state benefits data is shared with ICE on a regular basis. Medicaid records <b>are</b> included.
"""


def _series(import_text, states, **kwargs):
    return [import_text(FAQ.format(state=state), slug=state.lower().replace(" ", "-"), **kwargs) for state in states]


def _first(document) -> Claim:
    return Claim.objects.get(question__document=document, position=1)


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.django_db
def test_a_claim_page_says_in_how_many_other_documents_it_appears_with_links_and_statuses(import_text, client, reviewer):
    nc, idaho, ohio = _series(import_text, ["North Carolina", "Idaho", "Ohio"])
    publish(_first(idaho), "contradicted", user=reviewer)
    html = client.get(_first(nc).get_absolute_url()).content.decode()
    assert "The same claim appears in 2 other documents" in html
    assert f'href="{_first(idaho).get_absolute_url()}"' in html and f'href="{_first(ohio).get_absolute_url()}"' in html
    assert "Same wording, other jurisdiction" in html and ">Contradicted<" in html


@pytest.mark.django_db
def test_an_unpublished_documents_copy_is_neither_counted_nor_linked(import_text, client):
    nc, idaho = _series(import_text, ["North Carolina", "Idaho"])
    [hidden] = _series(import_text, ["Ohio"], published=False)
    html = client.get(_first(nc).get_absolute_url()).content.decode()
    assert "The same claim appears in 1 other document<" in html
    assert _first(hidden).get_absolute_url() not in html


@pytest.mark.django_db
def test_a_deleted_documents_copy_is_no_longer_counted(import_text, client):
    nc, idaho, ohio = _series(import_text, ["North Carolina", "Idaho", "Ohio"])
    ohio.delete()
    html = client.get(_first(nc).get_absolute_url()).content.decode()
    assert "The same claim appears in 1 other document<" in html


@pytest.mark.django_db
def test_the_claim_page_costs_the_same_queries_with_one_match_or_many(import_text, client):
    nc, _ = _series(import_text, ["North Carolina", "Idaho"])
    few, _ = _queries(client, _first(nc).get_absolute_url())
    _series(import_text, ["Ohio", "Texas", "Utah", "Iowa", "Maine", "Nevada", "Oregon", "Kansas", "Alaska", "Hawaii", "Vermont"])
    many, html = _queries(client, _first(nc).get_absolute_url())
    assert "The same claim appears in 12 other documents" in html
    assert html.count('class="relation"') == 10  # a bounded list; the count covers all
    assert many == few


@pytest.mark.django_db
def test_the_repeated_page_lists_the_most_repeated_claims_with_counts_and_statuses(import_text, client, reviewer):
    documents = _series(import_text, ["North Carolina", "Idaho", "Ohio"])
    publish(_first(documents[1]), "supported", user=reviewer)
    html = client.get(reverse("claims:repeated")).content.decode()
    assert "2 repeated claims." in html
    rows = " ".join(html.split("<tbody>")[1].split())
    assert '<td data-col="documents" class="num">3</td>' in rows
    assert "Supported</span> 1" in rows and "Unreviewed</span> 2" in rows
    # Imported text is data.
    assert "&lt;b&gt;are&lt;/b&gt;" in html and "<b>are</b>" not in html


@pytest.mark.django_db
def test_the_repeated_page_filters_by_document_and_status(import_text, client, reviewer, small_document):
    documents = _series(import_text, ["North Carolina", "Idaho"])
    publish(_first(documents[0]), "supported", user=reviewer)
    url = reverse("claims:repeated")
    assert "2 repeated claims." in client.get(url, {"document": documents[1].slug}).content.decode()
    assert "0 repeated claims." in client.get(url, {"document": small_document.slug}).content.decode()
    assert "1 repeated claim." in client.get(url, {"status": "supported"}).content.decode()
    refused = client.get(url, {"status": "nonsense"})
    assert refused.status_code == 400 and b"status:" in refused.content


@pytest.mark.django_db
def test_the_repeated_page_costs_the_same_queries_however_many_copies_and_pages(import_text, client):
    _series(import_text, ["North Carolina", "Idaho"])
    few, _ = _queries(client, reverse("claims:repeated"))
    _series(import_text, ["Ohio", "Texas", "Utah", "Iowa", "Maine", "Nevada"])
    many, html = _queries(client, reverse("claims:repeated"))
    assert '<td data-col="documents" class="num">8</td>' in html
    assert many == few


@pytest.mark.django_db
def test_the_claims_table_filters_claims_repeated_in_at_least_n_documents(import_text, client, small_document):
    _series(import_text, ["North Carolina", "Idaho", "Ohio"])
    _series(import_text, ["Texas"], published=False)
    url = reverse("claims:list")
    assert "6 claims." in client.get(url, {"repeated": 3}).content.decode()
    assert "0 claims." in client.get(url, {"repeated": 4}).content.decode()  # the unpublished copy does not count
    assert client.get(url, {"repeated": 1}).status_code == 200  # below 2 is a form error, shown on the page


@pytest.mark.django_db
def test_exports_carry_the_match_group(import_text, client):
    documents = _series(import_text, ["North Carolina", "Idaho"])
    rows = list(csv.DictReader(io.StringIO(body(client.get(reverse("claims:export_csv"))).decode())))
    groups = {row["id"]: row["match_group"] for row in rows}
    first, twin = _first(documents[0]), _first(documents[1])
    assert groups[str(first.pk)] == groups[str(twin.pk)] == str(first.pk)
    data = json.loads(body(client.get(reverse("claims:export_json"))))
    assert {c["id"]: c["match_group"] for c in data["claims"]}[twin.pk] == first.pk
