"""Shared fixtures: the seed text and small documents built through the real importer."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED_PATH = FIXTURES / "nc-benefits-data-sharing-ice-faq.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


SMALL_FAQ = """Categories Test Category

A Small FAQ

1. Is the sky blue?

The sky is blue. It is blue because of Rayleigh scattering, e.g. of sunlight.

2. Does 20 U.S.C. § 1232g apply?

FERPA covers education records. It does not cover benefits records.
"""


@pytest.fixture
def small_faq_text() -> str:
    return SMALL_FAQ


@pytest.fixture
def import_text(db):
    """Import FAQ text through the one importer and return the saved Document."""
    from faq.importing import ImportOptions, import_faq_text

    def _import(text: str = SMALL_FAQ, **options):
        options.setdefault("source_url", "https://example.org/faq")
        return import_faq_text(text, name="test.txt", options=ImportOptions(**options)).document

    return _import


@pytest.fixture
def small_document(import_text):
    return import_text()


@pytest.fixture
def seed_document(db):
    from claims.seed import load_seed_documents

    return load_seed_documents()[0].document
