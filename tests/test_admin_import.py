"""Importing a document from the admin: the same importer as import_faq, with a dry-run preview first."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from workflow_helpers import editor  # noqa: F401 (fixture)

from claims.models import Claim
from faq.models import Document

pytestmark = pytest.mark.django_db

URL = "/admin/faq/document/import/"

FAQ = """Categories Testing

An Imported FAQ

1. Is <b>this</b> bold?

No, it is escaped. It stays text.

2. Second?

Yes.
"""


@pytest.fixture
def signed_in(client, editor):
    client.force_login(editor)
    return client


def test_the_preview_shows_what_would_be_created_and_writes_nothing(signed_in):
    response = signed_in.post(URL, {"text": FAQ, "slug": "imported", "_preview": "1"})
    page = response.content.decode()
    assert "Dry run: would import &#x27;An Imported FAQ&#x27; as &#x27;imported&#x27; (2 questions, 3 claims)" in page
    assert "Is &lt;b&gt;this&lt;/b&gt; bold?" in page and "<b>this</b>" not in page
    assert 'value="Import 2 questions and 3 claims"' in page
    assert not Document.objects.exists()


def test_confirming_the_preview_imports_with_the_metadata(signed_in, editor):
    data = {"text": FAQ, "slug": "imported", "jurisdiction": "NC", "source_url": "https://example.org/f"}
    data["_import"] = "1"
    response = signed_in.post(URL, data)
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/faq/document/{document.pk}/change/"
    assert (document.slug, document.jurisdiction, document.category) == ("imported", "NC", "Testing")
    assert Claim.objects.count() == 3
    assert Claim.history.filter(history_user=editor, history_change_reason="imported").count() == 3


def test_an_uploaded_file_is_previewed_and_carried_forward_as_text(signed_in):
    upload = SimpleUploadedFile("faq.txt", FAQ.encode("utf-8"), content_type="text/plain")
    response = signed_in.post(URL, {"file": upload, "_preview": "1"})
    assert response.context["preview"].question_count == 2
    assert response.context["text"] == FAQ
    signed_in.post(URL, {"text": response.context["text"], "_import": "1"})
    assert Document.objects.get().slug == "an-imported-faq"


@pytest.mark.parametrize(
    "content, message",
    [
        ("Title\n\n1. Why?\n\nBecause.\n".encode("utf-16-le"), "faq.txt: looks like UTF-16 text without a byte-order mark"),
        (b"PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "faq.txt: line 3: looks like a binary file, not text (NUL byte at byte offset 7)"),
        (b"caf\xe9 au lait\n", "faq.txt: line 1: is not UTF-8 text (byte 0xe9 at byte offset 3 cannot be decoded)"),
        (b"   \n", "faq.txt: file is empty"),
    ],
)
def test_a_bad_file_shows_the_importers_message(signed_in, content, message):
    upload = SimpleUploadedFile("faq.txt", content)
    response = signed_in.post(URL, {"file": upload, "_preview": "1"})
    assert message in str(response.context["form"].non_field_errors())
    assert not Document.objects.exists()


def test_text_without_questions_shows_the_importers_message(signed_in):
    response = signed_in.post(URL, {"text": "Just a title\n\nand a paragraph.\n", "_preview": "1"})
    errors = str(response.context["form"].non_field_errors())
    assert errors.startswith('<ul class="errorlist nonfield"><li>pasted text: ')
    assert not Document.objects.exists()


def test_text_and_a_file_together_are_refused(signed_in):
    upload = SimpleUploadedFile("faq.txt", FAQ.encode())
    response = signed_in.post(URL, {"text": FAQ, "file": upload, "_preview": "1"})
    assert "paste the text, upload a file or give a URL (one of the three)" in str(response.context["form"].non_field_errors())


def test_importing_the_same_text_again_changes_nothing_and_says_so(signed_in):
    signed_in.post(URL, {"text": FAQ, "_import": "1"})
    response = signed_in.post(URL, {"text": FAQ, "_preview": "1"}, follow=True)
    assert "is already imported with this exact text; nothing changed" in str(list(response.context["messages"])[-1])
    assert Document.objects.count() == 1


def test_changed_text_for_a_taken_slug_is_previewed_as_a_new_version_then_added(signed_in):
    signed_in.post(URL, {"text": FAQ, "slug": "taken", "_import": "1"})
    changed = FAQ.replace("Yes.", "Nobody can say.")
    preview = signed_in.post(URL, {"text": changed, "slug": "taken", "_preview": "1"}).content.decode()
    assert "version 2" in preview and "1 removed" in preview and "1 new" in preview
    assert Document.objects.get().versions.count() == 1
    signed_in.post(URL, {"text": changed, "slug": "taken", "_import": "1"})
    assert Document.objects.get().versions.count() == 2


def test_the_add_button_leads_to_the_import_form(signed_in):
    assert signed_in.get("/admin/faq/document/add/")["Location"] == URL
    assert 'href="/admin/faq/document/import/"' in signed_in.get("/admin/faq/document/").content.decode()


def test_a_document_with_reviewed_claims_cannot_be_deleted_even_by_a_superuser(client, small_document, db):
    from workflow_helpers import claims_of, make_user, publish

    root = make_user("root", superuser=True)
    publish(claims_of(small_document)[0], "unverifiable", user=root)
    client.force_login(root)
    assert client.post(f"/admin/faq/document/{small_document.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Document.objects.filter(pk=small_document.pk).exists()
