"""refresh_documents against a server on 127.0.0.1 serving successive versions, a 304, a 404 and a redirect."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims.models import Claim
from faq.importing import ImportOptions, import_faq_url
from faq.models import Document

PAGE = """<!doctype html><html><head><title>Watched FAQ</title></head><body><main>
<h1>Watched FAQ</h1>
<h2>1. Is the office open?</h2>
<p>{answer}</p>
<h2>2. Where is it?</h2>
<p>It is on Main Street. Parking is free.</p>
</main></body></html>"""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        state = self.server.state
        self.server.seen.append(dict(self.headers))
        if state["mode"] == "gone":
            return self._send(404, b"<p>Not here</p>")
        if state["mode"] == "redirect" and self.path == "/faq":
            self.send_response(301)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            return self.end_headers()
        if state["mode"] == "broken":
            return self._send(200, b"<html><body><p>Under construction</p></body></html>")
        etag = f'"v{state["version"]}"'
        modified = state.get("last_modified")
        if self.headers.get("If-None-Match") == etag or (modified and self.headers.get("If-Modified-Since") == modified):
            return self._send(304, b"", etag=etag)
        self._send(200, PAGE.format(answer=state["answer"]).encode(), etag=etag, modified=modified)

    def _send(self, status, body, etag=None, modified=None):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        if modified:
            self.send_header("Last-Modified", modified)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site(settings, db):
    settings.FAQ_FETCH_TIMEOUT = 2
    settings.FAQ_FETCH_ALLOW_PRIVATE = True  # the server is on 127.0.0.1
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.state = {"mode": "ok", "version": 1, "answer": "Yes, it is open on weekdays. It closes at noon on Fridays."}
    httpd.seen = []
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_port}/faq"
    import_faq_url(url, options=ImportOptions(slug="watched"))
    httpd.url = url
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def refresh(*args):
    out = StringIO()
    call_command("refresh_documents", *args, "--delay", "0", stdout=out)
    return out.getvalue()


def test_an_unchanged_page_answers_304_to_the_conditional_get_and_nothing_changes(site):
    assert "watched: unchanged (not modified since the last capture (HTTP 304))" in refresh("--all")
    assert site.seen[-1].get("If-None-Match") == '"v1"'
    assert Document.objects.get().versions.count() == 1


def test_a_changed_page_becomes_a_new_version_with_counts(site):
    claim = Claim.objects.get(quote="It closes at noon on Fridays.")
    site.state.update(version=2, answer="Yes, it is open on weekdays. It closes at one on Fridays. Call first.")
    out = refresh("--slug", "watched")
    assert "watched: new version (version 2: 3 unchanged, 1 edited, 0 removed, 1 new claims)" in out
    claim.refresh_from_db()
    assert claim.quote == "It closes at one on Fridays."
    document = Document.objects.get()
    assert document.versions.count() == 2 and document.captures.count() == 2
    assert document.versions.get(number=2).capture.etag == '"v2"'


def test_a_page_that_answers_404_is_recorded_as_gone_not_imported(site):
    site.state["mode"] = "gone"
    assert "watched: gone (HTTP 404 Not Found; recorded, nothing imported)" in refresh("--all")
    document = Document.objects.get()
    assert document.gone_since is not None and "404" in document.gone_reason
    assert document.versions.count() == 1 and Claim.objects.count() == 4


def test_a_redirect_elsewhere_is_recorded_as_gone(site):
    site.state["mode"] = "redirect"
    assert "watched: gone (redirected to " in refresh("--all")
    document = Document.objects.get()
    assert document.gone_reason.endswith("/elsewhere") and document.versions.count() == 1


def test_a_page_that_no_longer_reads_as_an_faq_fails_and_the_last_version_stays(site):
    site.state["mode"] = "broken"
    out = StringIO()
    with pytest.raises(CommandError, match="1 document"):
        call_command("refresh_documents", "--all", "--delay", "0", stdout=out)
    assert "watched: failed (the page no longer reads as an FAQ" in out.getvalue()
    assert Document.objects.get().versions.count() == 1 and Claim.objects.count() == 4


def test_a_page_back_at_its_address_is_no_longer_gone(site):
    site.state["mode"] = "gone"
    refresh("--all")
    site.state["mode"] = "ok"
    refresh("--all")
    assert Document.objects.get().gone_since is None


def test_slug_or_all_is_required():
    with pytest.raises(CommandError, match="--slug SLUG"):
        call_command("refresh_documents")


def test_the_admin_action_checks_for_changes_with_the_same_function(site, client):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("boss", password="x")
    client.force_login(admin)
    site.state.update(version=2, answer="Yes, it is open on weekdays. It closes at one on Fridays.")
    document = Document.objects.get()
    response = client.post(
        "/admin/faq/document/",
        {"action": "check_for_changes", "_selected_action": [document.pk]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert "watched: new version (version 2: 3 unchanged, 1 edited, 0 removed, 0 new claims)" in shown, shown
    assert document.versions.count() == 2


def test_a_200_with_the_same_text_keeps_its_new_validators_so_the_next_refresh_is_conditional(site):
    # The server's page changed outside the text we read (a new ETag and Last-Modified): the
    # refresh answers 200, the extracted text is the same, so no version and no capture, but the
    # new validators are kept and the next refresh asks with them, getting a 304.
    site.state.update(version=2, last_modified="Wed, 25 Nov 2026 10:00:00 GMT")
    assert "watched: unchanged (the text is the same)" in refresh("--all")
    document = Document.objects.get()
    assert document.versions.count() == 1 and document.captures.count() == 1
    assert (document.check_etag, document.check_last_modified) == ('"v2"', "Wed, 25 Nov 2026 10:00:00 GMT")
    first_check = document.checked_at
    assert first_check is not None
    assert "watched: unchanged (not modified since the last capture (HTTP 304))" in refresh("--all")
    assert site.seen[-1].get("If-None-Match") == '"v2"'
    assert site.seen[-1].get("If-Modified-Since") == "Wed, 25 Nov 2026 10:00:00 GMT"
    document.refresh_from_db()
    assert document.checked_at > first_check and document.check_etag == '"v2"'
    assert document.versions.count() == 1 and document.captures.count() == 1


def test_a_new_version_imported_by_hand_after_a_check_is_what_the_next_refresh_asks_with(site):
    site.state.update(version=2)
    refresh("--all")  # 200, same text: the check holds "v2"
    site.state.update(version=3, answer="Yes, it is open on weekdays. It closes at one on Fridays.")
    import_faq_url(site.url, options=ImportOptions(slug="watched"))  # the capture holds "v3", newer
    refresh("--all")
    assert site.seen[-1].get("If-None-Match") == '"v3"'
