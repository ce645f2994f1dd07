"""Plumbing shared by every public page: safe methods only, cacheable, conditional GET.

A CDN may keep any public page for PUBLIC_CACHE_SECONDS and then revalidate it
with If-None-Match; answering 304 costs one small query (`site_stamp`).
"""

import hashlib
from datetime import datetime, timezone as dt_timezone
from functools import cache, wraps

from django.conf import settings
from django.db.models import Count, DateTimeField, Max, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition, require_safe

# Stands in for "never changed" so one empty table does not make the whole stamp NULL.
_EPOCH = datetime(1970, 1, 1, tzinfo=dt_timezone.utc)


def _history_models():
    from claims.models import Claim, ClaimRelation, Flag
    from sources.models import Citation, Source

    return [model.history.model for model in (Claim, Flag, ClaimRelation, Source, Citation)]


def _latest(model):
    # ORDER BY history_date DESC LIMIT 1 uses simple_history's index on history_date.
    latest = model.objects.order_by("-history_date").values("history_date")[:1]
    return Coalesce(Subquery(latest), Value(_EPOCH), output_field=DateTimeField())


def site_stamp() -> tuple[int, object]:
    """(number of documents, time of the latest change to any public data), in one query.

    Every save or delete of a claim, flag, relation, source or citation leaves a
    history row, so the newest history_date moves whenever a public page could
    change; documents have no history, so their count and newest updated_at
    stand in. Not seen: queryset.update() calls (they bypass history) and edits
    to a Question's text, which has no timestamp of its own.
    """
    from faq.models import Document

    row = Document.objects.aggregate(
        documents=Count("pk"),
        changed=Greatest(
            Coalesce(Max("updated_at"), Value(_EPOCH), output_field=DateTimeField()),
            *(_latest(model) for model in _history_models()),
        ),
    )
    return row["documents"], row["changed"]


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
    documents, changed = site_stamp()
    seed = f"{documents}|{changed.isoformat()}|{release_digest()}"
    return '"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'


def public_page(view):
    """GET and HEAD only (405 otherwise), `Cache-Control: public, max-age`, and 304 for a matching If-None-Match.

    Public views never touch the session or the CSRF token, so anonymous
    readers get no cookie and the response carries no `Vary: Cookie`.
    """
    conditional = condition(etag_func=site_etag)(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = conditional(request, *args, **kwargs)
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response

    # csrf_exempt so that a POST gets 405 from require_safe rather than the CSRF
    # middleware's 403: these views never act on an unsafe method.
    return csrf_exempt(require_safe(wrapper))
