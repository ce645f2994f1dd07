"""Importing FAQ pages from HTML and from URLs served by a server on 127.0.0.1 (never the internet)."""

from datetime import date, datetime, timezone
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from faq_pages import CHROME, JSON_LD_PAIRS, MICRODATA_PAIRS, TITLE, faq_html, wordpress_page
from faq_server import HTML, LONG_PATH, server  # noqa: F401 (fixture)

from claims.models import Claim
from faq.importing import ImportOptions, ImportRefused, import_faq_html, import_faq_url
from faq.models import Document, PageCapture, Question

pytestmark = pytest.mark.django_db

def all_text():
    """Every question and claim saved, one string per row."""
    return list(Question.objects.values_list("question", flat=True)) + list(Claim.objects.values_list("quote", flat=True))


def assert_spans_exact():
    for claim in Claim.objects.select_related("question"):
        assert claim.question.answer[claim.start : claim.end] == claim.quote


def assert_nothing_written():
    assert not Document.objects.exists() and not Claim.objects.exists() and not PageCapture.objects.exists()


# --- main content ------------------------------------------------------------------


def test_a_blog_page_imports_its_faq_and_none_of_the_page_around_it(server):
    document = import_faq_url(f"{server.url}/faq").document
    assert document.title == TITLE and document.category == "Tool Libraries"
    assert list(document.questions.values_list("question", flat=True)) == [
        "Who can borrow tools from the Riverton tool library?",
        "How long can a tool be kept?",
        "Are there late fees?",
    ]
    quotes = list(Claim.objects.order_by("question__number", "position").values_list("quote", flat=True))
    assert quotes == [
        "Any adult living in Riverton County can borrow tools.",
        "Borrowers must show a utility bill.",
        "Most tools can be kept for seven days.",
        "Some tools have shorter loans:",
        "Power saws: three days.",
        "Ladders: two days.",
        "Late fees are one dollar per day.",
        "Fees are waived for borrowers over seventy.",
    ]
    for chrome in CHROME:
        assert not [text for text in all_text() if chrome in text], chrome
    assert_spans_exact()


def test_the_fetch_is_kept_as_the_evidence_of_what_the_page_said(server):
    before = datetime.now(timezone.utc)
    document = import_faq_url(f"{server.url}/moved-twice").document
    capture = document.captures.get()
    assert bytes(capture.content) == wordpress_page().encode() and capture.size == len(capture.content)
    assert (capture.requested_url, capture.url) == (f"{server.url}/moved-twice", f"{server.url}/faq")
    assert (capture.status, capture.content_type, capture.encoding) == (200, HTML, "utf-8")
    assert before <= capture.retrieved_at <= datetime.now(timezone.utc)
    assert document.source_url == f"{server.url}/faq" and document.retrieved_on == capture.retrieved_at.date()


def test_the_fetch_says_who_we_are(server):
    import_faq_url(f"{server.url}/faq", dry_run=True)
    assert server.log[0][1].startswith("ClaimLedger FAQ importer (+http")


def test_a_plain_text_page_imports_as_text(server):
    document = import_faq_url(f"{server.url}/text").document
    assert document.title == "Plain Questions" and document.captures.get().content_type == "text/plain"


# --- FAQPage markup ---------------------------------------------------------------------


def test_faq_page_json_ld_pairs_are_used_as_given(server):
    document = import_faq_url(f"{server.url}/json-ld").document
    questions = list(document.questions.all())
    # "Who pays for repairs" has no "?": the markup, not the layout, says it is a question.
    assert [q.question for q in questions] == [q for q, _ in JSON_LD_PAIRS]
    assert questions[1].answer == "The landlord pays for repairs to heating.\n\n- Boilers\n- Radiators"
    assert questions[2].answer == "A deposit is refundable within thirty days & with interest."
    assert list(questions[1].claims.values_list("quote", flat=True)) == [
        "The landlord pays for repairs to heating.",
        "Boilers",
        "Radiators",
    ]
    assert "Tap a question" not in " ".join(all_text()) and "newsletter" not in " ".join(all_text())
    assert (document.title, document.category) == ("Renting in Maple Falls: Questions", "Housing")
    assert_spans_exact()


def test_faq_page_microdata_pairs_are_used(server):
    document = import_faq_url(f"{server.url}/microdata").document
    assert [(q.question, q.answer) for q in document.questions.all()] == MICRODATA_PAIRS
    assert document.title == "Park Hours in Cedar Grove"  # og:title: the page has no <h1>
    assert_spans_exact()


# --- charsets -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/cp1252-header", "/cp1252-meta"])
def test_a_windows_1252_page_is_read_in_its_declared_charset(server, path):
    document = import_faq_url(server.url + path).document
    assert document.title == "Caf\u00e9 Permits FAQ"
    assert document.questions.get(number=1).answer == "A permit costs \u20ac40 a year. It\u2019s renewed each spring."
    assert document.captures.get().encoding == "windows-1252"


def test_a_page_not_in_its_declared_charset_is_refused(server):
    page = "<html><head><meta charset='utf-8'></head><body><p>caf\u00e9</p></body></html>".encode("cp1252")
    with pytest.raises(ImportRefused, match=r"^page.html: is not utf-8 text as its <meta charset> declares \(byte 0xe9"):
        import_faq_html(page, name="page.html")
    assert_nothing_written()


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, problem",
    [
        ("/missing", "the server answered HTTP 404 Not Found"),
        ("/slow", "timeout after 0.5s"),
        ("/huge", "the page is too large (60,003 bytes, over the 50,000-byte limit)"),
        ("/huge-unannounced", "the page is too large (over the 50,000-byte limit)"),
        ("/pdf", "is application/pdf, not an HTML page or text"),
        ("/to-ftp", "redirected (HTTP 302) to 'ftp://127.0.0.1/faq.html', which is not an http(s) URL"),
        ("/to-javascript", "redirected (HTTP 302) to 'javascript:alert(1)', which is not an http(s) URL"),
        ("/loop", "redirect not followed (HTTP 302: a loop, too many hops or no Location)"),
    ],
)
def test_a_page_that_cannot_be_fetched_is_refused_naming_the_url_and_the_problem(server, path, problem):
    with pytest.raises(ImportRefused) as refusal:
        import_faq_url(server.url + path)
    assert str(refusal.value) == f"{server.url}{path}: {problem}"
    assert_nothing_written()


def test_a_closed_port_is_refused(server):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ImportRefused, match=rf"^http://127.0.0.1:{port}/: connection refused$"):
        import_faq_url(f"http://127.0.0.1:{port}/")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/faq", "file:///etc/passwd", "javascript:alert(1)", "http:///nohost"])
def test_only_http_urls_are_fetched(url):
    with pytest.raises(ImportRefused, match=r": not an http\(s\) URL$"):
        import_faq_url(url)
    assert_nothing_written()


def test_a_url_longer_than_its_column_is_refused_before_writing(server):
    url = server.url + LONG_PATH
    with pytest.raises(ImportRefused, match=r": the source url is 1,1\d\d characters, over the 1000-character limit of its column"):
        import_faq_url(url)
    assert_nothing_written()
    # Given a shorter source address, the page imports, and the capture keeps the whole URL.
    document = import_faq_url(url, options=ImportOptions(source_url="https://example.org/tools")).document
    assert document.captures.get().url == url


def test_a_page_title_longer_than_its_column_is_refused_and_a_given_title_wins(server):
    with pytest.raises(ImportRefused, match=r"/long-title: the title is 349 characters, over the 300-character limit of its column"):
        import_faq_url(f"{server.url}/long-title", dry_run=True)
    assert_nothing_written()
    document = import_faq_url(f"{server.url}/long-title", options=ImportOptions(title="Tool Rules")).document
    assert (document.title, document.slug) == ("Tool Rules", "tool-rules")


# --- title and category rules -----------------------------------------------------------------


def page_with(head="", body=""):
    return f"<html><head>{head}</head><body><main>{body}{faq_html()}</main></body></html>".encode()


@pytest.mark.parametrize(
    "html, title",
    [
        (page_with('<title>From Title - Site</title><meta property="og:title" content="From OG">', "<h1>From H1</h1>"), "From H1"),
        (page_with('<title>From Title - Site</title><meta property="og:title" content="From OG">'), "From OG"),
        (page_with('<title>From Title | The Site</title><meta property="og:site_name" content="The Site">'), "From Title"),
        (page_with("<title>No Site Name Known - Here</title>"), "No Site Name Known - Here"),
        (page_with(body="<p>First Line Of The Text</p>"), "First Line Of The Text"),
    ],
)
def test_the_title_is_the_pages_heading_then_og_title_then_title_then_the_first_line(html, title):
    assert import_faq_html(html, name="page.html", dry_run=True).parsed.title == title


def test_a_given_title_wins_over_the_page(db):
    result = import_faq_html(page_with(body="<h1>Page</h1>"), name="p.html", options=ImportOptions(title="Mine"), dry_run=True)
    assert result.parsed.title == "Mine" and result.slug == "mine"


def test_a_page_without_any_title_takes_its_first_questions_line_and_says_so(db):
    result = import_faq_html(page_with(), name="p.html", dry_run=True)
    assert result.title == f"1. {result.parsed.questions[0].question}"  # the first line, as the text reads it
    assert "the page has no title line" in str(result.warnings[0])
    assert_nothing_written()


@pytest.mark.parametrize(
    "html, category",
    [
        (wordpress_page(), "Tool Libraries"),
        (wordpress_page(head='<meta property="article:section" content="Lending">', category_links=False), "Lending"),
        (page_with(body="<h1>T</h1><p>Categories: Neighbourhood Help</p>"), "Neighbourhood Help"),
        (page_with(body="<h1>T</h1>"), None),
    ],
)
def test_the_category_comes_from_the_pages_category_links_or_its_categories_line(db, html, category):
    html = html.encode() if isinstance(html, str) else html
    result = import_faq_html(html, name="page.html", dry_run=True)
    assert result.parsed.category == category
    assert all("Categories" not in q.answer for q in result.parsed.questions)


def test_a_given_category_wins_over_the_page(db):
    options = ImportOptions(category="Mine")
    assert import_faq_html(wordpress_page().encode(), name="p.html", options=options).document.category == "Mine"


# --- HTML files and the command -----------------------------------------------------------------


def test_an_html_file_is_imported_and_kept(tmp_path):
    path = tmp_path / "saved page.html"
    path.write_bytes(wordpress_page().encode())
    out = StringIO()
    call_command("import_faq", str(path), "--jurisdiction", "VT", stdout=out)
    document = Document.objects.get()
    assert out.getvalue().strip() == f"Imported '{TITLE}' as 'tool-library-rules-in-riverton-faq' (3 questions, 8 claims)."
    capture = document.captures.get()
    assert (capture.filename, capture.url, capture.status) == (str(path), "", None)
    assert bytes(capture.content) == path.read_bytes()


def test_the_command_imports_a_url_with_a_title(server):
    out = StringIO()
    call_command("import_faq", "--url", f"{server.url}/faq", "--title", "Riverton Tools", "--slug", "tools", stdout=out)
    assert out.getvalue().strip() == "Imported 'Riverton Tools' as 'tools' (3 questions, 8 claims)."
    assert Document.objects.get().title == "Riverton Tools"


def test_the_command_refuses_a_missing_page_and_writes_nothing(server):
    with pytest.raises(CommandError, match=r"/missing: the server answered HTTP 404 Not Found$"):
        call_command("import_faq", "--url", f"{server.url}/missing")
    assert_nothing_written()


def test_the_command_wants_a_file_or_a_url(server):
    with pytest.raises(CommandError, match="give a file to import or --url, one of the two"):
        call_command("import_faq")


def test_the_same_page_imported_twice_changes_nothing(server):
    import_faq_url(f"{server.url}/faq")
    again = import_faq_url(f"{server.url}/moved")
    assert again.unchanged and Document.objects.count() == 1 and PageCapture.objects.count() == 1


def test_the_document_records_the_retrieval_date_unless_given(server):
    options = ImportOptions(retrieved_on=date(2024, 1, 2), source_url="https://example.org/x")
    document = import_faq_url(f"{server.url}/faq", options=options).document
    assert (document.retrieved_on, document.source_url) == (date(2024, 1, 2), "https://example.org/x")


# --- found by the fuzz test (tests/test_import_html_fuzz.py), kept as regular tests ---------------


def test_a_very_short_post_imports_without_the_page_around_it(db):
    # trafilatura's fallback extractors took the whole page of a one-question post.
    result = import_faq_html(wordpress_page("<p>1. Is it open?</p><p>It is open.</p>").encode(), name="p.html")
    assert [q.question for q in result.parsed.questions] == ["Is it open?"]
    assert all_text() == ["Is it open?", "It is open."]


def test_an_answers_lists_outside_any_article_are_kept(db):
    # Favouring precision, trafilatura dropped these lists, silently losing claims.
    body = (
        "<h1>Permit Questions</h1><p>1. What does it cost?</p><ul><li>Ten dollars.</li><li>Seniors pay nothing.</li></ul>"
        "<p>2. Where is the office?</p><p>It is on Main Street.</p><ul><li>Open on Mondays.</li></ul>"
    )
    import_faq_html(f"<html><body>{body}</body></html>".encode(), name="p.html")
    assert all_text() == [
        "What does it cost?",
        "Where is the office?",
        "Ten dollars.",
        "Seniors pay nothing.",
        "It is on Main Street.",
        "Open on Mondays.",
    ]


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/faq", "http://[::1]:9/faq", "http://169.254.169.254/latest/", "http://10.1.2.3/"])
def test_a_private_or_local_address_is_refused_unless_allowed(settings, url):
    settings.FAQ_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(ImportRefused, match=r"is a private or local address \(.*\); only public pages are fetched$"):
        import_faq_url(url)
    assert_nothing_written()


def test_a_redirect_to_a_local_address_is_refused(server, settings, monkeypatch):
    # The fixture server is itself local, so its name alone ("localhost") passes as public here.
    import faq.fetching

    real = faq.fetching._check_public
    monkeypatch.setattr(faq.fetching, "_check_public", lambda host: None if host == "localhost" else real(host))
    settings.FAQ_FETCH_ALLOW_PRIVATE = False
    port = server.url.rsplit(":", 1)[1]
    with pytest.raises(ImportRefused, match=r"redirected \(HTTP 301\) to 'http://127.0.0.1:\d+/faq': 127.0.0.1 is a private"):
        import_faq_url(f"http://localhost:{port}/to-loopback")
    assert_nothing_written()


def test_unnumbered_question_headings_are_read_as_questions(db):
    body = (
        "<article><h1>Seed Swap FAQ</h1><p>Our swap runs every spring.</p>"
        "<h2>Who can bring seeds?</h2><p>Anyone can bring seeds. Label them by variety.</p>"
        "<h3>Are seeds tested?</h3><ul><li>No testing is done.</li><li>Swap at your own risk.</li></ul>"
        "<h2>Opening hours</h2><p>The swap opens at nine.</p></article>"
    )
    document = import_faq_html(f"<html><body>{body}</body></html>".encode(), name="p.html").document
    assert [(q.number, q.question) for q in document.questions.all()] == [(1, "Who can bring seeds?"), (2, "Are seeds tested?")]
    # A heading that is not a question stays in the answer above it.
    assert document.questions.get(number=2).answer == "- No testing is done.\n- Swap at your own risk.\n\nOpening hours\n\nThe swap opens at nine."
