"""Check that sources' URLs still answer, politely.

``check_links`` fetches each URL with HEAD (falling back to GET where HEAD
is refused) and returns what happened; it touches no database.
``record_results`` stores those results on the sources. The management
command ``check_source_links`` calls both, and so will anything else that
checks links (one way to do it).

Politeness: every request carries a User-Agent saying who we are; requests
to one host are made one at a time and spaced by ``delay`` seconds; at most
``concurrency`` requests are in flight at once, across hosts. Only the
standard library is used: a HEAD or a GET that reads no body is all a link
check needs.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import chain, zip_longest
from urllib.parse import urlsplit

__all__ = ["LinkResult", "check_links", "default_user_agent", "record_results"]

logger = logging.getLogger(__name__)

# HEAD answers that do not mean the page is gone: 405 and 501 say HEAD itself
# is not supported, and some servers and CDNs answer HEAD with 403 or 404
# while serving GET normally. A GET settles it.
_RETRY_WITH_GET = frozenset({403, 404, 405, 501})


@dataclass(frozen=True)
class LinkResult:
    """The outcome of checking one source's URL."""

    source_id: int
    url: str
    # Final HTTP status after redirects; None when no HTTP answer came.
    status: int | None
    # Why there was no usable answer ("timeout after 5s", "connection refused"); "" otherwise.
    error: str
    checked_at: datetime
    # "HEAD", or "GET" when HEAD was refused and GET gave the answer.
    method: str

    @property
    def broken(self) -> bool:
        """Same rule as ``SourceQuerySet.broken_links``."""
        return bool(self.error) or (self.status is not None and self.status >= 400)


def default_user_agent() -> str:
    """'ClaimLedger link checker (+<the site's address>)', so a site's operator can find us."""
    from django.conf import settings

    url = getattr(settings, "CLAIMREVIEW_AUTHOR", {}).get("url", "")
    return f"ClaimLedger link checker (+{url})" if url else "ClaimLedger link checker"


def check_links(
    sources: Iterable,
    *,
    timeout: float = 10.0,
    delay: float = 1.0,
    concurrency: int = 4,
    user_agent: str | None = None,
    on_result: Callable[[LinkResult], None] | None = None,
) -> list[LinkResult]:
    """Check the URL of each source (anything with ``pk`` and ``url``).

    Returns one ``LinkResult`` per source with a URL, in the order given.
    ``timeout`` (seconds) bounds connecting and each wait for data;
    requests to one host are sequential and at least ``delay`` seconds
    apart (from the end of one to the start of the next); at most
    ``concurrency`` requests run at once. ``on_result`` is called in the
    calling thread as each result comes in, so a caller can save or report
    progress (and keep it if the run is interrupted).
    """
    if timeout <= 0 or delay < 0 or concurrency < 1:
        raise ValueError(f"need timeout > 0, delay >= 0, concurrency >= 1; got {timeout}, {delay}, {concurrency}")
    todo = [(source.pk, source.url) for source in sources if source.url]
    fetcher = _Fetcher(timeout=timeout, user_agent=user_agent or default_user_agent(), pacer=_HostPacer(delay))
    results: dict[int, LinkResult] = {}
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="linkcheck")
    try:
        futures = {pool.submit(fetcher.check, pk, url): index for index, (pk, url) in _interleave_hosts(todo)}
        for future in as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            if on_result is not None:
                on_result(result)
    finally:
        # On Ctrl-C or a failing on_result, drop the queued checks instead of
        # running them all first; only those in flight finish (within the timeout).
        pool.shutdown(wait=False, cancel_futures=True)
    return [results[index] for index in sorted(results)]


def record_results(results: Iterable[LinkResult]) -> None:
    """Store each result's status, error and time on its source.

    ``QuerySet.update()`` on purpose: it skips ``save()`` and so
    django-simple-history, which would otherwise add a history row to every
    source on every run. Source history is the record of what reviewers
    changed; a link check is an observation about the web, and its latest
    value is all that is kept.
    """
    from sources.models import Source

    for result in results:
        Source.objects.filter(pk=result.source_id).update(
            link_status=result.status, link_error=result.error[:300], link_checked_at=result.checked_at
        )


def _interleave_hosts(todo: list[tuple[int, str]]) -> list[tuple[int, tuple[int, str]]]:
    """(index, item) in round-robin order over hosts, so that the pool's
    workers mostly wait on different hosts rather than queue behind one."""
    by_host = defaultdict(list)
    for index, item in enumerate(todo):
        by_host[_host(item[1])].append((index, item))
    return [entry for entry in chain.from_iterable(zip_longest(*by_host.values())) if entry is not None]


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class _HostPacer:
    """One request at a time per host, spaced by ``delay`` seconds.

    Keyed by host name without the port: a politeness limit is for a
    machine, and different ports on one name are almost always one machine.
    """

    def __init__(self, delay: float):
        self.delay = delay
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last_end: dict[str, float] = {}

    @contextmanager
    def turn(self, host: str):
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            last_end = self._last_end.get(host)
            if last_end is not None:
                wait = last_end + self.delay - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            try:
                yield
            finally:
                self._last_end[host] = time.monotonic()


class _KeepHeadOnRedirect(urllib.request.HTTPRedirectHandler):
    # urllib (before Python 3.13) follows a redirect of a HEAD with a GET.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and req.get_method() == "HEAD":
            new.method = "HEAD"
        return new


def http_only_opener(redirects: urllib.request.HTTPRedirectHandler) -> urllib.request.OpenerDirector:
    """An opener for HTTP(S) alone, with the given redirect policy (the link checker's and the FAQ fetcher's).

    build_opener() would also open file:, ftp: and data: URLs, and a source URL,
    a page to import (or a redirect from either) must never make us read a local file.
    """
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        redirects,
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _opener() -> urllib.request.OpenerDirector:
    return http_only_opener(_KeepHeadOnRedirect())


class _NoAnswer(Exception):
    """The request got no HTTP answer; ``args[0]`` says why, for people."""

    def __init__(self, why: str, *, retry_with_get: bool = False):
        super().__init__(why)
        self.retry_with_get = retry_with_get


class _Fetcher:
    def __init__(self, *, timeout: float, user_agent: str, pacer: _HostPacer):
        self.timeout = timeout
        self.user_agent = user_agent
        self.pacer = pacer
        self.opener = _opener()

    def check(self, source_id: int, url: str) -> LinkResult:
        status, error, method = None, "", "HEAD"
        try:
            if urlsplit(url).scheme.lower() not in ("http", "https") or not _host(url):
                raise _NoAnswer("not an http(s) URL")
            try:
                status = self._request(url, "HEAD")
                retry = status in _RETRY_WITH_GET
            except _NoAnswer as failure:
                if not failure.retry_with_get:
                    raise
                retry = True
            if retry:
                method = "GET"
                status = self._request(url, "GET")
        except _NoAnswer as failure:
            status, error = None, str(failure)
        except Exception as failure:  # one odd server must not stop the run
            logger.exception("link check of %s failed", url)
            status, error = None, f"unexpected error: {type(failure).__name__}"
        return LinkResult(
            source_id=source_id,
            url=url,
            status=status,
            error=error,
            checked_at=datetime.now(timezone.utc),
            method=method,
        )

    def _request(self, url: str, method: str) -> int:
        """The HTTP status of one request (after redirects); raises _NoAnswer."""
        with self.pacer.turn(_host(url)):
            try:
                request = urllib.request.Request(
                    url, method=method, headers={"User-Agent": self.user_agent, "Accept": "*/*"}
                )
                # The body is never read: the status is all a link check needs.
                with self.opener.open(request, timeout=self.timeout) as response:
                    return response.status
            except urllib.error.HTTPError as answer:
                answer.close()
                if 300 <= answer.code < 400:
                    # urllib gives up on a loop, more than 10 hops or a missing Location header.
                    raise _NoAnswer(f"redirect not followed ({answer.code})") from None
                return answer.code
            except urllib.error.URLError as failure:
                raise _no_answer(failure.reason, self.timeout) from None
            except (OSError, http.client.HTTPException) as failure:
                raise _no_answer(failure, self.timeout) from None
            except ValueError as failure:  # urllib's "unknown url type", a bad port
                raise _NoAnswer(f"invalid URL: {failure}") from None


def _no_answer(reason, timeout: float) -> _NoAnswer:
    """Why no HTTP answer came, said briefly and the same way every time."""
    if isinstance(reason, TimeoutError):  # socket.timeout is TimeoutError since Python 3.10
        return _NoAnswer(f"timeout after {timeout:g}s")
    if isinstance(reason, ConnectionRefusedError):
        return _NoAnswer("connection refused")
    # Some servers drop a HEAD without answering it; a GET may still work.
    if isinstance(reason, http.client.RemoteDisconnected):
        return _NoAnswer("connection closed without an answer", retry_with_get=True)
    if isinstance(reason, ConnectionResetError):
        return _NoAnswer("connection reset", retry_with_get=True)
    if isinstance(reason, socket.gaierror):
        return _NoAnswer("host not found")
    if isinstance(reason, ssl.SSLCertVerificationError):
        return _NoAnswer(f"TLS certificate not valid: {reason.verify_message}")
    if isinstance(reason, ssl.SSLError):
        return _NoAnswer(f"TLS error: {reason.reason or reason}")
    if isinstance(reason, http.client.HTTPException):
        return _NoAnswer(f"not a valid HTTP answer ({type(reason).__name__})")
    if isinstance(reason, OSError) and reason.strerror:
        return _NoAnswer(reason.strerror.lower())
    return _NoAnswer(str(reason) or type(reason).__name__)
