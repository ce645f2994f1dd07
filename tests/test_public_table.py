"""The claims table: filters, sorting, pagination, and CSV/JSON exports of the filtered rows."""

import csv
import io
import re

import pytest
from public_support import body, claims_of, get_json, publish, set_status

from claims.models import ClaimStatus, Flag
from sources.models import Citation, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(small_document):
    """Four claims: [0] supported and cited, [1] flagged 'dubious', [2] in review, [3] unreviewed."""
    claims = claims_of(small_document)
    source = Source.objects.create(title="FERPA", citation="20 U.S.C. § 1232g")
    Citation.objects.create(claim=claims[0], source=source, stance="supports")
    publish(claims[0], ClaimStatus.SUPPORTED)
    set_status(claims[1], ClaimStatus.FLAGGED)
    Flag.objects.create(claim=claims[1], reason="dubious", note="internal")
    Flag.objects.create(claim=claims[1], reason="dubious", note="twice")
    set_status(claims[2], ClaimStatus.IN_REVIEW)
    return claims


def listed(client, query="") -> list[int]:
    html = client.get(f"/claims/?{query}").content.decode()
    return [int(pk) for pk in re.findall(r'<td data-col="id"[^>]*><a href="/claims/(\d+)/">#', html)]


def pks(*claims):
    return [claim.pk for claim in claims]


def test_table_lists_every_claim_in_document_order_with_status_counts_and_links(client, claims):
    assert listed(client) == pks(*claims)
    html = client.get("/claims/").content.decode()
    assert "4 claims." in html and ">Supported</span>" in html and "A Small FAQ" in html
    assert 'href="/faq/a-small-faq/#q2"' in html


def test_every_filter_control_has_a_label(client, claims):
    html = client.get("/claims/").content.decode()
    for name in ("q", "status", "document", "question", "flag", "has_citations"):
        assert f'<label for="id_{name}">' in html and f'id="id_{name}"' in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=supported", [0]),
        ("status=in_review", [2]),
        ("question=2", [2, 3]),
        ("flag=dubious", [1]),
        ("flag=vague", []),
        ("has_citations=true", [0]),
        ("has_citations=false", [1, 2, 3]),
        ("q=rayleigh", [1]),
        ("q=RECORDS&question=2", [2, 3]),
        ("document=a-small-faq&status=flagged", [1]),
    ],
)
def test_filters(client, claims, query, expected):
    assert listed(client, query) == [claims[i].pk for i in expected]


def test_the_document_filter_keeps_other_documents_out(client, claims, import_text):
    other = import_text("Another FAQ\n\n1. Why?\n\nBecause.\n", slug="another")
    assert listed(client, "document=another") == pks(*claims_of(other))


def test_a_resolved_flag_does_not_match_the_flag_filter(client, claims):
    from django.utils import timezone

    Flag.objects.filter(claim=claims[1]).update(resolved_at=timezone.now())
    assert listed(client, "flag=dubious") == []


def test_an_invalid_filter_shows_its_error_and_no_rows(client, claims):
    html = client.get("/claims/?status=true-ish").content.decode()
    assert "Select a valid choice" in html and "0 claims." in html


def test_table_sorts_by_a_column(client, claims):
    assert listed(client, "sort=-id") == pks(*reversed(claims))
    assert listed(client, "sort=-document") == pks(*reversed(claims))


def test_the_status_sort_puts_verdicts_first_then_flagged_in_review_unreviewed_not_checkable(client, claims):
    set_status(claims[3], ClaimStatus.NOT_CHECKABLE, rationale="Advice.")
    # [0] supported, [1] flagged, [2] in review, [3] not checkable.
    assert listed(client, "sort=status") == pks(*claims)
    set_status(claims[1], ClaimStatus.UNREVIEWED)
    assert listed(client, "sort=status") == pks(claims[0], claims[2], claims[1], claims[3])
    set_status(claims[1], ClaimStatus.FLAGGED)
    assert listed(client, "sort=-status") == pks(*reversed(claims))


def test_table_is_paginated(client, seed_document):
    html = client.get("/claims/").content.decode()
    assert len(listed(client)) == 50 and 'rel="next"' in html and 'rel="last"' in html
    last = listed(client, "last=1")
    assert len(last) == 50 and last[-1] == claims_of(seed_document)[-1].pk


def test_table_links_to_exports_with_the_same_filters(client, claims):
    html = client.get("/claims/?status=flagged&page=1&sort=id").content.decode()
    assert 'href="/claims/export.csv?status=flagged"' in html
    assert 'href="/claims/export.json?status=flagged"' in html


def test_csv_export_applies_the_filters(client, claims):
    response = client.get("/claims/export.csv?question=2")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="claims.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body(response).decode())))
    assert [int(row["id"]) for row in rows] == pks(claims[2], claims[3])
    assert rows[0]["quote"] == "FERPA covers education records."
    assert rows[0]["status"] == "in_review" and rows[0]["status_label"] == "In review"
    assert rows[0]["url"] == f"http://testserver/claims/{claims[2].pk}/"
    assert rows[0]["question_number"] == "2" and rows[0]["document"] == "A Small FAQ"


def test_json_export_applies_the_filters_and_shows_verdicts_only_when_published(client, claims):
    data = get_json(client, "/claims/export.json?has_citations=true")
    assert data["filters"] == {"has_citations": "true"} and data["count"] == 1
    [row] = data["claims"]
    assert row["id"] == claims[0].pk and row["status"] == "supported"
    assert row["rationale"] == "Checked against the statute." and row["reviewed_on"] == "2025-03-14"
    assert row["citation_count"] == 1 and row["open_flag_count"] == 0
    flagged = get_json(client, "/claims/export.json?status=flagged")["claims"][0]
    assert flagged["open_flag_count"] == 2 and flagged["reviewed_on"] is None
    assert "internal" not in str(flagged)


def test_an_in_review_claim_exports_no_draft_rationale(client, claims):
    set_status(claims[2], ClaimStatus.IN_REVIEW, rationale="Draft verdict")
    rows = get_json(client, "/claims/export.json?status=in_review")["claims"]
    assert rows[0]["rationale"] == ""


def test_an_export_with_a_bad_filter_is_refused_with_the_reason(client, claims):
    response = client.get("/claims/export.csv?status=true-ish&question=x")
    assert response.status_code == 400
    body = response.content.decode()
    assert "status: Select a valid choice. true-ish is not one of the available choices." in body
    assert "question: Enter a number." in body


TABLE_PAGES = ["/claims/", "/claims/?sort=status", "/claims/?sort=-id", "/claims/?q=records", "/claims/?last=1"]


def test_table_query_count_does_not_grow_with_rows(client, small_document, django_assert_num_queries):
    # The data version, the page, its citation counts, its flag counts, the capped total, the document list.
    for url in TABLE_PAGES:
        with django_assert_num_queries(6):
            client.get(url)
    from claims.seed import load_seed_documents

    load_seed_documents()
    for url in TABLE_PAGES:
        with django_assert_num_queries(6):
            client.get(url)
    # Validating a chosen document costs one look-up of that document; a page edge, one of its row.
    with django_assert_num_queries(7):
        client.get("/claims/?document=a-small-faq")
    first = claims_of(small_document)[0]
    with django_assert_num_queries(7):
        client.get(f"/claims/?after={first.pk}&sort=status")


def test_export_query_count_does_not_grow_with_rows(client, small_document, django_assert_num_queries):
    for url in ("/claims/export.csv", "/claims/export.json"):
        with django_assert_num_queries(2):
            body(client.get(url))
    from claims.seed import load_seed_documents

    load_seed_documents()
    for url in ("/claims/export.csv", "/claims/export.json"):
        with django_assert_num_queries(2):
            body(client.get(url))


def test_csv_export_never_hands_a_spreadsheet_a_formula(client, import_text):
    text = "Formulas\n\n1. Is this a formula?\n\n=HYPERLINK(\"http://evil.example\",\"x\") is text. It is.\n"
    import_text(text, slug="formulas")
    rows = list(csv.DictReader(io.StringIO(body(client.get("/claims/export.csv?document=formulas")).decode())))
    assert rows[0]["quote"] == "'=HYPERLINK(\"http://evil.example\",\"x\") is text."
    data = get_json(client, "/claims/export.json?document=formulas")
    assert data["claims"][0]["quote"] == "=HYPERLINK(\"http://evil.example\",\"x\") is text."


def test_rows_show_the_document_by_its_short_name_with_the_full_title_on_hover(client, import_text):
    import_text("A Rather Long Title For A Frequently Asked Questions Page\n\n1. Why?\n\nBecause.\n", slug="long")
    html = client.get("/claims/").content.decode()
    assert 'title="A Rather Long Title For A Frequently Asked Questions Page">A Rather Long Title For A…</a>' in html


def test_the_filters_are_behind_a_button_until_a_filter_is_applied(client, claims):
    assert '<details class="filter-box">\n<summary>Filter claims</summary>' in client.get("/claims/").content.decode()
    filtered = client.get("/claims/?status=unreviewed").content.decode()
    assert '<details class="filter-box" open>\n<summary>Filter claims (filtered)</summary>' in filtered


def test_text_search_matches_statement_or_quote_in_any_case(client, claims):
    from claims import workflow  # noqa: F401 (the statement is edited as a reviewer would, through the ORM here)

    claims[3].statement = "Benefits records are kept apart."
    claims[3].save()
    assert listed(client, "q=BENEFITS") == [claims[3].pk]  # the quote says "benefits records", the statement too
    assert listed(client, "q=kept apart") == [claims[3].pk]  # the statement only
    assert listed(client, "q=It does not cover") == [claims[3].pk]  # the quote only
    assert listed(client, "q=rayleigh") == [claims[1].pk]
    assert listed(client, "q=%25") == [] and listed(client, "q=_") == []  # LIKE wildcards match themselves


def test_text_search_uses_the_trigram_index_on_postgresql(claims):
    from django.db import connection

    from claims.models import Claim

    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only")
    from claims.filters import ClaimFilter

    queryset = ClaimFilter({"q": "benefits"}, queryset=Claim.objects.all()).qs
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Tiny tables: make the planner show whether the index can serve the filter at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "claims_claim_statement_trgm" in plan and "claims_claim_quote_trgm" in plan, plan
