"""A web server on 127.0.0.1 serving the FAQ fixture pages (tests never touch the internet)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from faq_pages import json_ld_page, legacy_page, microdata_page, wordpress_page

HTML = "text/html; charset=utf-8"
LONG_PATH = "/" + "a" * 1100


def routes():
    """path -> (status, headers, body)."""
    return {
        "/faq": (200, {"Content-Type": HTML}, wordpress_page().encode()),
        "/json-ld": (200, {"Content-Type": HTML}, json_ld_page().encode()),
        "/microdata": (200, {"Content-Type": "text/html"}, microdata_page().encode()),
        "/cp1252-header": (200, {"Content-Type": "text/html; charset=windows-1252"}, legacy_page(meta=False).encode("cp1252")),
        "/cp1252-meta": (200, {"Content-Type": "text/html"}, legacy_page(meta=True).encode("cp1252")),
        "/text": (200, {"Content-Type": "text/plain"}, b"Plain Questions\n\n1. Is this text?\n\nIt is text.\n"),
        "/moved": (301, {"Location": "/faq"}, b""),
        "/moved-twice": (302, {"Location": "/moved"}, b""),
        "/to-ftp": (302, {"Location": "ftp://127.0.0.1/faq.html"}, b""),
        "/to-javascript": (302, {"Location": "javascript:alert(1)"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 not a page"),
        "/huge": (200, {"Content-Type": HTML}, b"<p>" + b"x" * 60_000),
        "/huge-unannounced": (200, {"Content-Type": HTML, "Content-Length": None}, b"<p>" + b"x" * 60_000),
        "/long-title": (200, {"Content-Type": HTML}, wordpress_page(title="Long " * 70).encode()),
        LONG_PATH: (200, {"Content-Type": HTML}, wordpress_page().encode()),
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.server.log.append((self.path, self.headers["User-Agent"]))
        if self.path == "/to-loopback":
            self.send_response(301)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/faq")
            self.send_header("Content-Length", "0")
            return self.end_headers()
        if self.path == "/slow":
            self.server.release.wait(10)
            return
        status, headers, body = self.server.routes.get(self.path, (404, {"Content-Type": HTML}, b"<p>Not here</p>"))
        self.send_response(status)
        headers = {"Content-Length": str(len(body)), **headers}
        for name, value in headers.items():
            if value is not None:
                self.send_header(name, value)
        if headers["Content-Length"] is None:
            self.close_connection = True
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    settings.FAQ_FETCH_TIMEOUT = 0.5
    settings.FAQ_FETCH_ALLOW_PRIVATE = True  # the fixture server is on 127.0.0.1
    settings.FAQ_MAX_PAGE_BYTES = 50_000
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.log, httpd.release, httpd.routes = [], threading.Event(), routes()
    httpd.handle_error = lambda *args: None  # the client gave up on /slow; nobody to tell
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{httpd.server_port}", log=httpd.log)
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()
