"""Plumbing shared by every public page: safe methods only, conditional GET, a page cache.

Freshness: every public page carries an ETag derived from the data's version
(`site_stamp`: one small query of index look-ups). Browsers revalidate on
every visit (`max-age=0`) and get 304 while nothing changed; a shared cache
such as a CDN may serve a page for PUBLIC_CACHE_SECONDS (`s-maxage`) before it
revalidates - the only staleness the site accepts, and the operator chooses
it. The server's own page cache is keyed by that same version, so a write is
visible on the very next request: the write itself moves the version, and no
cache entry ever has to be found and deleted.
"""

import hashlib
import time
from functools import cache, wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition, require_safe


def _history_tables() -> list[str]:
    from claims.models import Claim, ClaimRelation, Flag
    from sources.models import Citation, Source

    return [model.history.model._meta.db_table for model in (Claim, Flag, ClaimRelation, Source, Citation)]


@cache
def _stamp_sql() -> str:
    """One SELECT of index look-ups: the newest document and public-name edits and each history table's newest row.

    Every save or delete of a claim, flag, relation, source or citation leaves a
    history row (simple_history), so some newest history_date moves whenever a
    public page could change; documents have no history, so their newest
    updated_at stands in (a new or re-imported document moves it; deleting one
    deletes its claims, which leaves history rows). Not seen: queryset.update()
    calls (they bypass history), edits to a Question's text, which has no
    timestamp of its own, and deleting a document that has no claims. No
    COUNT: the version costs the same at any size.
    """
    from django.db import connection

    quote = connection.ops.quote_name
    parts = [
        "(SELECT updated_at FROM faq_document ORDER BY updated_at DESC LIMIT 1)",
        # A reviewer's public name is every byline of theirs.
        "(SELECT updated_at FROM people_staffprofile ORDER BY updated_at DESC LIMIT 1)",
    ]
    parts += [
        f"(SELECT history_date FROM {quote(table)} ORDER BY history_date DESC LIMIT 1)"
        for table in _history_tables()
    ]
    # Written by hand once: building it through the ORM on every request cost more than running it.
    return "SELECT " + ", ".join(parts)


def site_stamp() -> tuple:
    """The data's version: a tuple that changes whenever anything a public page shows changes.

    Every public request runs this first, so it stands in for Django's
    connection health check (CONN_HEALTH_CHECKS), which would otherwise send
    its own `SELECT 1` before the page's first query - one more round trip on
    every page not served from the cache. A connection kept open that has died
    is closed and opened again here, once, as the health check would.
    """
    from django.db import InterfaceError, OperationalError, connection

    reused = connection.connection is not None
    try:
        stamp = _read_stamp(connection)
    except (InterfaceError, OperationalError):
        if not reused or connection.in_atomic_block:
            raise
        connection.close()
        stamp = _read_stamp(connection)
    # The stamp's answer shows the connection works: the page's queries need no second proof.
    connection.health_check_done = True
    return stamp


def _read_stamp(connection) -> tuple:
    if connection.vendor == "postgresql":
        return _read_stamp_postgresql(connection)
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql())
        return tuple(cursor.fetchone())


# The data version's statement, prepared once per connection under this name.
_STAMP_STATEMENT = b"claimledger_site_stamp"


def _read_stamp_postgresql(connection) -> tuple:
    """The data version on PostgreSQL: a statement prepared on the server, run through libpq directly.

    Every public request runs this one query, and planning it cost far more
    than running it (5 ms against 0.2 ms on a busy machine), so it is prepared
    once per connection (kept open with DATABASE_CONN_MAX_AGE); Django turns
    psycopg's automatic preparing off, for connection poolers. PgBouncer needs
    1.21+ (max_prepared_statements) in transaction mode.

    It runs on psycopg's libpq connection (`pgconn`, public API) rather than
    through a cursor: the answer is only hashed into the ETag, never read as
    dates, and a cursor's Python layers (Django's wrapper, psycopg's cursor and
    its date loaders) cost 270 microseconds of CPU a request against 45 for
    the same query here - most of what a page from the page cache costs
    beyond /healthz. It is still logged as a query where Django logs queries
    (DEBUG, the tests' query counts), and a failure raises Django's own
    errors, so site_stamp reconnects as before.
    """
    import psycopg
    from django.db import OperationalError
    from psycopg import pq

    connection.ensure_connection()
    raw = connection.connection
    pgconn = raw.pgconn
    started = time.monotonic()
    try:
        if getattr(connection, "_stamp_prepared_on", None) is not raw:
            _prepare_stamp(connection, pgconn)
        result = pgconn.exec_prepared(_STAMP_STATEMENT, [])
        if result.error_field(pq.DiagnosticField.SQLSTATE) == _NO_SUCH_STATEMENT:
            # Dropped on the server (DEALLOCATE ALL or DISCARD ALL, as a pooler may send): prepared again.
            result.clear()
            _prepare_stamp(connection, pgconn)
            result = pgconn.exec_prepared(_STAMP_STATEMENT, [])
        _expect(pgconn, result, pq.ExecStatus.TUPLES_OK)
        stamp = tuple(
            None if value is None else value.decode()
            for value in (result.get_value(0, column) for column in range(result.nfields))
        )
        result.clear()
    except OperationalError:
        connection._stamp_prepared_on = None
        raise
    except psycopg.Error as error:  # raised by pgconn itself (a connection closed under it), as Django's
        connection._stamp_prepared_on = None
        raise OperationalError(str(error)) from error
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": "EXECUTE claimledger_site_stamp -- " + _stamp_sql(), "time": f"{time.monotonic() - started:.3f}"}
        )
    return stamp


# SQLSTATE invalid_sql_statement_name: no prepared statement of that name on this connection.
_NO_SUCH_STATEMENT = b"26000"


def _prepare_stamp(connection, pgconn) -> None:
    from psycopg import pq

    _expect(pgconn, pgconn.prepare(_STAMP_STATEMENT, _stamp_sql().encode()), pq.ExecStatus.COMMAND_OK)
    connection._stamp_prepared_on = connection.connection


def _expect(pgconn, result, status) -> None:
    """Raise Django's error for a libpq result that is not `status`: OperationalError when the connection broke."""
    from django.db import DatabaseError, OperationalError
    from psycopg import pq

    if result.status == status:
        return
    message = (result.error_message or pgconn.error_message or b"no answer").decode(errors="replace").strip()
    result.clear()
    if pgconn.status != pq.ConnStatus.OK:
        raise OperationalError(f"the data version could not be read: {message}")
    raise DatabaseError(f"the data version could not be read: {message}")


@cache
def release_digest() -> str:
    """A digest of the code, templates and stylesheet, so a new release never answers 304 with an old page."""
    digest = hashlib.sha256()
    base = settings.BASE_DIR
    for folder in ("config", "faq", "claims", "sources", "people", "templates", "static"):
        for path in sorted((base / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".html", ".css"}:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def site_etag(request, *args, **kwargs) -> str:
    # An ETag rather than Last-Modified: HTTP dates have one-second resolution,
    # and two edits within a second must not leave a reader with the first.
    seed = "|".join(str(value) for value in site_stamp()) + "|" + release_digest()
    etag = '"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'
    request.site_etag = etag
    return etag


# Response headers worth keeping with a cached page.
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Link")


def _cached(view):
    """Serve a rendered page from the page cache when one exists for this address and data version."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PUBLIC_PAGE_CACHE:
            return view(request, *args, **kwargs)
        store = caches[settings.PUBLIC_PAGE_CACHE_ALIAS]
        key = "page:" + hashlib.sha256(f"{request.site_etag}|{request.get_full_path()}".encode()).hexdigest()
        hit = store.get(key)
        if hit is not None:
            status, headers, content = hit
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and len(response.content) <= settings.PUBLIC_PAGE_CACHE_MAX_BYTES:
            headers = [(name, response[name]) for name in _KEPT_HEADERS if response.has_header(name)]
            store.set(key, (response.status_code, headers, response.content))
        return response

    return wrapper


def public_page(view):
    """GET and HEAD only (405 otherwise); an ETag and 304 for a matching If-None-Match; the page cache.

    `Cache-Control: public, max-age=0, s-maxage=PUBLIC_CACHE_SECONDS`: a browser
    asks again on every visit (a cheap 304 when nothing changed), a shared cache
    may keep the page for the operator's chosen time. Public views never touch
    the session or the CSRF token, so anonymous readers get no cookie and the
    response carries no `Vary: Cookie`.
    """
    conditional = condition(etag_func=site_etag)(_cached(view))

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = conditional(request, *args, **kwargs)
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PUBLIC_CACHE_SECONDS)
        return response

    # csrf_exempt so that a POST gets 405 from require_safe rather than the CSRF
    # middleware's 403: these views never act on an unsafe method.
    return csrf_exempt(require_safe(wrapper))
