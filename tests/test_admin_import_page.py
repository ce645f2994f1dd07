"""The admin's import page with a URL or an HTML file: preview first, then the page the preview read is imported."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from faq_pages import TITLE, wordpress_page
from faq_server import server  # noqa: F401 (fixture)
from workflow_helpers import editor  # noqa: F401 (fixture)

from claims.models import Claim
from faq.models import Document, PageCapture

pytestmark = pytest.mark.django_db

URL = "/admin/faq/document/import/"


@pytest.fixture
def signed_in(client, editor):
    client.force_login(editor)
    return client


def hidden_fields(response) -> dict:
    """The preview's confirmation form, as a browser would send it back."""
    context = response.context
    data = {name: value for name, value in context["confirm"].items() if value}
    if context["text"]:
        data["text"] = context["text"]
    return data


def test_a_url_is_previewed_then_the_page_read_for_the_preview_is_imported(signed_in, server):
    response = signed_in.post(URL, {"url": f"{server.url}/moved", "title": "Riverton Tools", "_preview": "1"})
    page = response.content.decode()
    assert "Dry run: would import &#x27;Riverton Tools&#x27; as &#x27;riverton-tools&#x27; (3 questions, 8 claims)" in page
    assert f"{server.url}/faq (asked for {server.url}/moved)" in page and "Related posts" not in page
    assert not Document.objects.exists()

    confirmed = signed_in.post(URL, {**hidden_fields(response), "_import": "1"})
    document = Document.objects.get()
    assert confirmed["Location"] == f"/admin/faq/document/{document.pk}/change/"
    assert document.title == "Riverton Tools" and Claim.objects.count() == 8
    capture = document.captures.get()
    assert (capture.url, capture.status, bytes(capture.content)) == (f"{server.url}/faq", 200, wordpress_page().encode())
    # The confirmation imported the page the preview read; it did not fetch it again.
    assert [path for path, _ in server.log] == ["/moved", "/faq"]


def test_a_changed_page_carried_from_the_preview_is_refused(signed_in, server):
    response = signed_in.post(URL, {"url": f"{server.url}/faq", "_preview": "1"})
    data = hidden_fields(response)
    data["page"] = data["page"][:-8] + "AAAAAAA="
    refused = signed_in.post(URL, {**data, "_import": "1"})
    assert "the page carried from the preview was changed; start again" in refused.content.decode()
    assert not Document.objects.exists() and not PageCapture.objects.exists()


def test_an_uploaded_html_page_is_previewed_and_imported_with_its_bytes(signed_in):
    content = wordpress_page().encode()
    response = signed_in.post(URL, {"file": SimpleUploadedFile("saved.html", content), "_preview": "1"})
    assert response.context["preview"].title == TITLE
    signed_in.post(URL, {**hidden_fields(response), "_import": "1"})
    capture = Document.objects.get().captures.get()
    assert (capture.filename, capture.url, bytes(capture.content)) == ("saved.html", "", content)


def test_a_url_that_fails_shows_the_importers_message(signed_in, server):
    response = signed_in.post(URL, {"url": f"{server.url}/pdf", "_preview": "1"})
    errors = str(response.context["form"].non_field_errors())
    assert f"{server.url}/pdf: is application/pdf, not an HTML page or text" in errors
    assert not Document.objects.exists()


def test_the_page_shows_its_captures_read_only(signed_in, server):
    signed_in.post(URL, {"url": f"{server.url}/faq", "_import": "1"})
    document = Document.objects.get()
    page = signed_in.get(f"/admin/faq/document/{document.pk}/change/").content.decode()
    assert "Pages as retrieved" in page and f"{server.url}/faq" in page
    assert 'name="captures-0-url"' not in page


def test_the_form_offers_a_url_a_title_and_html_files(signed_in):
    page = signed_in.get(URL).content.decode()
    assert 'name="url"' in page and 'name="title"' in page and "saved from the browser as HTML" in page
    assert "Page meta" not in page


def test_a_title_given_for_pasted_text_wins_over_its_first_line(signed_in):
    text = "Heading Of The Text\n\n1. Is it pasted?\n\nIt is pasted.\n"
    response = signed_in.post(URL, {"text": text, "title": "Given Title", "_preview": "1"})
    assert response.context["preview"].title == "Given Title"
    signed_in.post(URL, {**hidden_fields(response), "_import": "1"})
    assert Document.objects.get().title == "Given Title"


def test_a_file_that_starts_as_html_is_read_as_html_whatever_its_name(signed_in):
    upload = SimpleUploadedFile("faq.txt", wordpress_page().encode())
    response = signed_in.post(URL, {"file": upload, "_preview": "1"})
    assert response.context["preview"].title == TITLE and response.context["preview"].claim_count == 8
