"""The link checker, against an HTTP server the test starts on 127.0.0.1 (never the internet)."""

import io
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from sources.linkcheck import check_links
from sources.models import Source

TIMEOUT = 0.5


class Handler(BaseHTTPRequestHandler):
    """/ok 200, /missing 404, /slow never answers in time, /moved 301 to /ok,
    /no-head 405 to HEAD, /drops-head hangs up on HEAD."""

    def do_HEAD(self):
        self.server.log.append((self.command, self.path, time.monotonic(), self.headers["User-Agent"]))
        if self.path == "/no-head":
            return self.answer(405)
        if self.path == "/drops-head":
            self.close_connection = True
            return
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            return self.end_headers()
        self.answer(200)

    def do_GET(self):
        self.server.log.append((self.command, self.path, time.monotonic(), self.headers["User-Agent"]))
        self.answer(200)

    def answer(self, status):
        if self.path == "/slow":
            self.server.release.wait(10)
        self.send_response(404 if self.path == "/missing" else status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.log, httpd.release = [], threading.Event()
    httpd.handle_error = lambda *args: None  # the client gave up on /slow; nobody to tell
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{httpd.server_port}", log=httpd.log)
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def link(url, pk=1):
    return SimpleNamespace(pk=pk, url=url)


def check(*urls, **options):
    options.setdefault("timeout", TIMEOUT)
    options.setdefault("delay", 0)
    return check_links([link(url, pk) for pk, url in enumerate(urls, 1)], user_agent="test agent", **options)


def test_a_page_that_answers_is_recorded_as_200(server):
    (result,) = check(server.url + "/ok")

    assert (result.status, result.error, result.method, result.broken) == (200, "", "HEAD", False)
    assert [entry[:2] for entry in server.log] == [("HEAD", "/ok")]


def test_a_missing_page_is_recorded_as_404_and_broken(server):
    (result,) = check(server.url + "/missing")

    assert (result.status, result.error, result.broken) == (404, "", True)


def test_a_server_slower_than_the_timeout_is_recorded_as_a_timeout(server):
    (result,) = check(server.url + "/slow")

    assert (result.status, result.error, result.broken) == (None, "timeout after 0.5s", True)


def test_a_port_nobody_listens_on_is_recorded_as_connection_refused(closed_port):
    (result,) = check(f"http://127.0.0.1:{closed_port}/")

    assert (result.status, result.error, result.broken) == (None, "connection refused", True)


def test_a_redirect_is_followed_with_head_and_the_final_status_recorded(server):
    (result,) = check(server.url + "/moved")

    assert (result.status, result.method) == (200, "HEAD")
    assert [entry[:2] for entry in server.log] == [("HEAD", "/moved"), ("HEAD", "/ok")]


def test_a_server_refusing_head_is_asked_again_with_get(server):
    (result,) = check(server.url + "/no-head")

    assert (result.status, result.method) == (200, "GET")
    assert [entry[:2] for entry in server.log] == [("HEAD", "/no-head"), ("GET", "/no-head")]


def test_a_server_hanging_up_on_head_is_asked_again_with_get(server):
    (result,) = check(server.url + "/drops-head")

    assert (result.status, result.error, result.method) == (200, "", "GET")


def test_requests_to_one_host_are_spaced_by_the_delay_even_with_several_workers(server):
    check(*(f"{server.url}/ok?{n}" for n in range(4)), delay=0.2, concurrency=4)

    times = sorted(entry[2] for entry in server.log)
    assert len(times) == 4
    assert min(later - earlier for earlier, later in zip(times, times[1:])) >= 0.2


def test_every_request_says_who_is_asking(server, settings):
    settings.CLAIMREVIEW_AUTHOR = {"url": "https://claims.example.org/"}
    check_links([link(server.url + "/no-head")], timeout=TIMEOUT, delay=0)

    assert {entry[3] for entry in server.log} == {"ClaimLedger link checker (+https://claims.example.org/)"}


def test_only_web_addresses_are_ever_fetched():
    (result,) = check("file:///etc/passwd")

    assert (result.status, result.error) == (None, "not an http(s) URL")


def test_results_come_back_in_the_order_the_sources_were_given(server, closed_port):
    urls = [server.url + "/missing", f"http://127.0.0.1:{closed_port}/", server.url + "/ok"]

    results = check(*urls, concurrency=3)

    assert [(r.source_id, r.url) for r in results] == [(1, urls[0]), (2, urls[1]), (3, urls[2])]


@pytest.mark.django_db
class TestCommand:
    def run(self, *args):
        out = io.StringIO()
        call_command("check_source_links", "--timeout", str(TIMEOUT), "--delay", "0", *args, stdout=out)
        return out.getvalue()

    def test_it_records_status_error_and_time_on_each_source_without_history_rows(self, server, closed_port):
        ok = Source.objects.create(title="ok", url=server.url + "/ok")
        gone = Source.objects.create(title="gone", url=f"http://127.0.0.1:{closed_port}/")

        output = self.run()

        ok.refresh_from_db(), gone.refresh_from_db()
        assert (ok.link_status, ok.link_error) == (200, "")
        assert (gone.link_status, gone.link_error) == (None, "connection refused")
        assert ok.link_checked_at and gone.link_checked_at
        assert (ok.history.count(), gone.history.count()) == (1, 1)
        assert "Checked 2 links: 1 ok, 1 broken." in output

    def test_broken_links_are_error_statuses_and_unanswered_requests(self, server, closed_port):
        Source.objects.create(title="ok", url=server.url + "/ok")
        Source.objects.create(title="missing", url=server.url + "/missing")
        Source.objects.create(title="refused", url=f"http://127.0.0.1:{closed_port}/")
        Source.objects.create(title="never checked", url=server.url + "/ok?unchecked", link_status=None)

        self.run("--source", *(str(s.pk) for s in Source.objects.exclude(title="never checked")))

        assert set(Source.objects.broken_links().values_list("title", flat=True)) == {"missing", "refused"}

    def test_only_broken_rechecks_just_the_links_broken_last_time(self, server):
        Source.objects.create(title="fine", url=server.url + "/ok", link_status=200)
        fixed = Source.objects.create(title="fixed since", url=server.url + "/ok?fixed", link_status=404)

        self.run("--only-broken")

        assert [entry[1] for entry in server.log] == ["/ok?fixed"]
        fixed.refresh_from_db()
        assert fixed.link_status == 200

    def test_a_front_page_answers_yet_is_listed_as_needing_a_deep_link(self, server):
        front = Source.objects.create(title="An outlet", url=server.url + "/")
        Source.objects.create(title="An article", url=server.url + "/ok")

        output = self.run()

        assert "Checked 2 links: 2 ok, 0 broken." in output
        assert f"needs a deep link  source {front.pk}: {server.url}/ is a front page, not the evidence" in output
        assert "1 source need a deep link." in output
        assert list(Source.objects.needs_deep_link()) == [front]

    def test_an_unknown_source_id_is_refused_by_name(self):
        with pytest.raises(CommandError, match="--source 999: no such source"):
            self.run("--source", "999")

