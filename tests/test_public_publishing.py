"""A document stays off the public site until an editor publishes it; then it and its claims appear."""

import pytest
from django.contrib.auth.models import User
from public_support import body, publish

from claims import roles
from claims.models import Claim
from faq.publishing import set_published
from sources.models import Citation, Source

SECRET_FAQ = "Unpublished FAQ\n\n1. Is it ready?\n\nThe draft claim stays hidden until publishing.\n"


@pytest.fixture
def hidden(import_text, small_document):
    document = import_text(SECRET_FAQ, slug="draft", published=False)
    claim = Claim.objects.get(question__document=document)
    source = Source.objects.create(kind="statute", title="Draft statute", citation="N.C. Gen. Stat. § 1-1")
    Citation.objects.create(claim=claim, source=source, stance="refutes")
    publish(claim, "contradicted", finding="Hidden finding.")
    return document, claim, source


@pytest.mark.django_db
def test_an_unpublished_document_and_its_claims_are_on_no_public_page(client, hidden):
    document, claim, source = hidden
    for url in ["/", "/claims/", "/claims/export.csv", "/claims/export.json", "/claimreview.json", "/sources/",
                f"/sources/{source.pk}/"]:
        text = body(client.get(url)).decode()
        assert "draft claim stays hidden" not in text and "Unpublished FAQ" not in text, url
    assert client.get(f"/faq/{document.slug}/").status_code == 404
    assert client.get(f"/claims/{claim.pk}/").status_code == 404
    assert client.get("/claims/?document=draft").status_code == 200
    assert "Hidden finding" not in body(client.get("/claimreview.json")).decode()


@pytest.mark.django_db
def test_publishing_puts_the_document_and_its_claims_on_the_site(client, hidden):
    document, claim, source = hidden
    set_published([document], user=None, published=True)
    assert client.get(f"/faq/{document.slug}/").status_code == 200
    assert "Hidden finding." in body(client.get(f"/claims/{claim.pk}/")).decode()
    assert "draft claim stays hidden" in body(client.get("/claims/export.csv")).decode()
    assert f"/claims/{claim.pk}/" in body(client.get(f"/sources/{source.pk}/")).decode()


@pytest.mark.django_db
def test_an_editor_publishes_with_the_admin_action_and_the_etag_moves(client, hidden):
    document, claim, source = hidden
    editor = User.objects.create_user("edna", password="x", is_staff=True)
    roles.add_to_group(editor, roles.EDITORS)
    before = client.get("/")["ETag"]
    client.force_login(editor)
    client.post("/admin/faq/document/", {"action": "publish", "_selected_action": [document.pk]})
    client.logout()
    assert Claim.objects.public().filter(pk=claim.pk).exists()
    assert client.get("/")["ETag"] != before


@pytest.mark.django_db
def test_an_import_in_the_admin_stays_unpublished_and_links_to_its_claims(client):
    editor = User.objects.create_user("edna", password="x", is_staff=True)
    roles.add_to_group(editor, roles.EDITORS)
    client.force_login(editor)
    response = client.post(
        "/admin/faq/document/import/", {"text": SECRET_FAQ, "slug": "new-one", "_import": "1"}, follow=True
    )
    document = response.context["original"]
    assert not document.is_published
    message = [str(m) for m in response.context["messages"]][0]
    assert f'<a href="/admin/claims/claim/?question__document__id__exact={document.pk}">triage its claims</a>' in message
    client.logout()
    assert client.get("/faq/new-one/").status_code == 404


@pytest.mark.django_db
def test_the_document_page_lists_each_question_with_one_link(client, small_document):
    editor = User.objects.create_user("edna", password="x", is_staff=True)
    roles.add_to_group(editor, roles.EDITORS)
    client.force_login(editor)
    html = client.get(f"/admin/faq/document/{small_document.pk}/change/").content.decode()
    assert "View on site</a>" not in html.split('id="questions-group"')[1]
    assert "/faq/ followed by this slug" in html


@pytest.mark.django_db
def test_the_command_publishes_by_slug_and_refuses_an_unknown_one_writing_nothing(client, import_text):
    import io

    from django.core.management import CommandError, call_command

    document = import_text(SECRET_FAQ, slug="draft", published=False)
    with pytest.raises(CommandError, match="no document with the slug nope; nothing changed"):
        call_command("publish_document", "draft", "nope")
    assert client.get("/faq/draft/").status_code == 404
    out = io.StringIO()
    call_command("publish_document", "draft", stdout=out)
    assert out.getvalue() == "Published 1 document(s).\n"
    assert client.get(f"/faq/{document.slug}/").status_code == 200
