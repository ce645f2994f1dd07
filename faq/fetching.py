"""Fetch an FAQ page from its URL, as the evidence of what the page said.

``fetch_page`` returns the raw bytes with the final URL, HTTP status, content
type and retrieval time, or raises ``FetchRefused`` with a message naming the
URL and the problem. It touches no database.

The client is the standard library's urllib, as in the link checker
(sources/linkcheck.py): one GET with a timeout, a size cap and a redirect
rule is all an import needs, so no HTTP library is added for it. Like the
link checker, only http and https are ever opened: a URL or a redirect never
makes us read a local file or an ftp: or javascript: address.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import Message
from urllib.parse import urljoin, urlsplit

from sources.linkcheck import http_only_opener

__all__ = ["FetchRefused", "RawPage", "fetch_page", "importer_user_agent", "TEXT_TYPES"]

# What the importer reads: HTML, and plain text or Markdown.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
_CHUNK = 64 * 1024


class FetchRefused(ValueError):
    """The page could not be fetched, or is not one we read; the message names the URL and the problem.

    `status` is the HTTP status when the server answered with an error (404, 410, …), else None.
    """

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class NotModified(Exception):
    """A conditional GET answered 304: the page is as it was at the last capture.

    `url` is the address that answered (after any redirects).
    """

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


@dataclass(frozen=True)
class RawPage:
    """A page's bytes exactly as received (or uploaded) and how they came."""

    content: bytes
    # The Content-Type as the server sent it ("text/html; charset=utf-8"), or the upload's type.
    content_type: str = ""
    # The address after redirects; "" for an uploaded file.
    url: str = ""
    # The address asked for; "" for an uploaded file.
    requested_url: str = ""
    # The final HTTP status; None for an uploaded file.
    status: int | None = None
    retrieved_at: datetime | None = None
    # Validators the server sent, kept with the capture for the next conditional GET.
    etag: str = ""
    last_modified: str = ""

    @property
    def media_type(self) -> str:
        """The content type without parameters, lower case: 'text/html'."""
        return _content_type(self.content_type)[0]

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type declares, if any."""
        return _content_type(self.content_type)[1]

    @property
    def is_html(self) -> bool:
        if self.media_type in HTML_TYPES:
            return True
        # No type given (a file, a careless server): markup is recognised by its first character.
        return not self.media_type and self.content.lstrip()[:1] == b"<"


def importer_user_agent() -> str:
    """'ClaimLedger FAQ importer (+<the site's address>)', so a site's operator can find us."""
    from django.conf import settings

    url = getattr(settings, "CLAIMREVIEW_AUTHOR", {}).get("url", "")
    return f"ClaimLedger FAQ importer (+{url})" if url else "ClaimLedger FAQ importer"


def fetch_page(
    url: str,
    *,
    timeout: float,
    deadline: float,
    max_bytes: int,
    user_agent: str,
    allow_private: bool = False,
    etag: str = "",
    last_modified: str = "",
) -> RawPage:
    """GET `url` and return the page, or raise FetchRefused naming the URL and the problem.

    ``timeout`` (seconds) bounds connecting and each wait for data, ``deadline``
    the whole download; redirects are followed (at most 10) only to http(s)
    URLs; a body over ``max_bytes`` is refused, as is any answer that is not
    2xx or not HTML, plain text or Markdown. Unless ``allow_private``, a host
    (or a redirect's host) on a private, loopback or link-local address is
    refused: an editor's URL must not make the server read its own network.
    Given the validators of the last capture (``etag``, ``last_modified``) the
    GET is conditional, and a 304 answer raises NotModified.
    """
    parts = _split(url)
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchRefused(f"{url}: not an http(s) URL")
    if not allow_private:
        try:
            _check_public(parts.hostname)
        except _RedirectRefused as refused:
            raise FetchRefused(f"{url}: {refused}") from None
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": user_agent,
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9,*/*;q=0.1",
            # urllib does not decompress; ask for the bytes as they are.
            "Accept-Encoding": "identity",
            **({"If-None-Match": etag} if etag else {}),
            **({"If-Modified-Since": last_modified} if last_modified else {}),
        },
    )
    started = time.monotonic()
    try:
        with _opener(allow_private).open(request, timeout=timeout) as response:
            final_url = response.geturl()
            content_type = response.headers.get("Content-Type", "")
            status = response.status
            validators = response.headers.get("ETag", ""), response.headers.get("Last-Modified", "")
            _check_type(final_url, content_type)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchRefused(f"{url}: the page is too large ({int(declared):,} bytes, over the {max_bytes:,}-byte limit)")
            content = _read(response, url=url, max_bytes=max_bytes, started=started, deadline=deadline)
    except FetchRefused:
        raise
    except _RedirectRefused as refused:
        raise FetchRefused(f"{url}: {refused}") from None
    except urllib.error.HTTPError as answer:
        answer.close()
        if answer.code == 304 and (etag or last_modified):
            raise NotModified(answer.geturl() or url) from None
        if 300 <= answer.code < 400:
            raise FetchRefused(f"{url}: redirect not followed (HTTP {answer.code}: a loop, too many hops or no Location)") from None
        raise FetchRefused(
            f"{url}: the server answered HTTP {answer.code} {answer.reason or ''}".rstrip(), status=answer.code
        ) from None
    except urllib.error.URLError as failure:
        raise FetchRefused(f"{url}: {_why(failure.reason, timeout)}") from None
    except (OSError, http.client.HTTPException) as failure:
        raise FetchRefused(f"{url}: {_why(failure, timeout)}") from None
    except ValueError as failure:  # urllib's "unknown url type", a bad port
        raise FetchRefused(f"{url}: invalid URL ({failure})") from None
    return RawPage(
        content=content,
        content_type=content_type,
        url=final_url,
        requested_url=url,
        status=status,
        retrieved_at=datetime.now(timezone.utc),
        etag=validators[0][:500],
        last_modified=validators[1][:100],
    )


def _split(url: str):
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
        return parts
    except ValueError:
        return None


def _check_type(url: str, content_type: str) -> None:
    media_type = _content_type(content_type)[0]
    if media_type and media_type not in HTML_TYPES | TEXT_TYPES:
        raise FetchRefused(f"{url}: is {media_type}, not an HTML page or text")


def _read(response, *, url: str, max_bytes: int, started: float, deadline: float) -> bytes:
    chunks, size = [], 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchRefused(f"{url}: the page is too large (over the {max_bytes:,}-byte limit)")
        if time.monotonic() - started > deadline:
            raise FetchRefused(f"{url}: timeout (the download took over {deadline:g}s)")
        chunks.append(chunk)
    return b"".join(chunks)


def _content_type(value: str) -> tuple[str, str | None]:
    if not value:
        return "", None
    message = Message()
    message["Content-Type"] = value
    charset = message.get_param("charset")
    if isinstance(charset, tuple):  # RFC 2231 form
        charset = charset[2]
    return (message.get_content_type().lower() if "/" in value else ""), charset or None


class _RedirectRefused(Exception):
    pass


def _check_public(host: str) -> None:
    """Refuse a host that resolves to a private, loopback, link-local or reserved address."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
    except (socket.gaierror, UnicodeError):
        raise _RedirectRefused("host not found") from None
    for address in addresses:
        if not ipaddress.ip_address(address.split("%", 1)[0]).is_global:
            raise _RedirectRefused(f"{host} is a private or local address ({address}); only public pages are fetched")


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    # urllib itself would follow a redirect to ftp: (and then fail obscurely);
    # refuse anything but http(s) by name, before it is attempted.
    def __init__(self, allow_private: bool):
        super().__init__()
        self.allow_private = allow_private

    def http_error_302(self, req, fp, code, msg, headers):
        location = headers.get("Location") or headers.get("URI")
        if location:
            target = urljoin(req.full_url, location.strip())
            parts = _split(target)
            if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
                fp.close()
                raise _RedirectRefused(f"redirected (HTTP {code}) to {target[:200]!r}, which is not an http(s) URL")
            if not self.allow_private:
                try:
                    _check_public(parts.hostname)
                except _RedirectRefused as refused:
                    fp.close()
                    raise _RedirectRefused(f"redirected (HTTP {code}) to {target[:200]!r}: {refused}") from None
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _opener(allow_private: bool) -> urllib.request.OpenerDirector:
    # Only HTTP(S), as in the link checker, and redirects only to public http(s) addresses.
    return http_only_opener(_HttpOnlyRedirects(allow_private))


def _why(reason, timeout: float) -> str:
    """Why no usable answer came, said briefly and the same way every time."""
    if isinstance(reason, TimeoutError):  # socket.timeout is TimeoutError since Python 3.10
        return f"timeout after {timeout:g}s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "host not found"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"TLS certificate not valid: {reason.verify_message}"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {reason.reason or reason}"
    if isinstance(reason, http.client.HTTPException):
        return f"not a valid HTTP answer ({type(reason).__name__})"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason) or type(reason).__name__
