"""Shared fixtures: the seed text and small documents built through the real importer."""

import shutil
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
    """Import FAQ text through the one importer and return the saved Document, published unless told not to."""
    from faq.importing import ImportOptions, import_faq_text
    from faq.publishing import set_published

    def _import(text: str = SMALL_FAQ, *, published: bool = True, **options):
        options.setdefault("source_url", "https://example.org/faq")
        document = import_faq_text(text, name="test.txt", options=ImportOptions(**options)).document
        if published and document is not None:
            set_published([document], user=None, published=True)
        return document

    return _import


@pytest.fixture
def small_document(import_text):
    return import_text()


@pytest.fixture
def seed_document(db):
    from claims.seed import load_seed_documents

    return load_seed_documents()[0].document


# --- real headless Chromium (Debian's package; never a downloaded browser) ---

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
)


@pytest.fixture
def chromium(monkeypatch):
    """A headless Chromium browser driven by Playwright's sync API."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made
    # by the test while it runs are ordinary blocking calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # Connections opened while Playwright's loop ran live in their own
            # context; left open, PostgreSQL refuses to drop the test database.
            connections.close_all()


def watch_csp(page) -> list[str]:
    """Collect every Content-Security-Policy violation the page reports, in the console or as an event.

    The listener on `securitypolicyviolation` is injected by the browser tools
    (never blocked by the policy) and re-installed on every navigation.
    """
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text)
        if "Content Security Policy" in message.text or "Refused to" in message.text
        else None,
    )
    page.expose_function("__cspViolation", lambda text: violations.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "window.__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI} on ${e.documentURI}`));"
    )
    return violations
@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with an empty page cache (entries are per data version, and test databases repeat versions)."""
    from django.core.cache import caches

    caches["pages"].clear()
    yield
    caches["pages"].clear()
