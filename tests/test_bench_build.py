"""The benchmark's database builder (bench/build.py) keeps up with the models.

It writes rows with COPY (PostgreSQL) or executemany (SQLite), naming each
table's columns itself, so a new column without a database default breaks it
(it did twice). Built small here, on both databases, then read through the site.
"""

import sys
from pathlib import Path

import pytest

from claims.models import Claim
from faq.models import Document
from sources.models import Citation

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture
def build():
    sys.path.insert(0, str(BENCH))
    try:
        from build import build as build_database

        yield build_database
    finally:
        sys.path.remove(str(BENCH))


@pytest.mark.django_db(transaction=True)
def test_the_bench_builder_fills_every_table_the_pages_read(build, client):
    counts = build(400, progress=lambda *_: None)

    assert counts["claims_claim"] == Claim.objects.count() == 400
    assert Document.objects.count() == counts["faq_document"] >= 1
    assert Citation.objects.count() == counts["sources_citation"] > 0
    document = Document.objects.order_by("pk").first()
    claim = Claim.objects.order_by("pk").first()
    for path in ("/", document.get_absolute_url(), "/claims/", claim.get_absolute_url(), "/sources/"):
        assert client.get(path).status_code == 200, path
