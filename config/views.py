import logging

from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@csrf_exempt  # so other methods get 405 from require_safe, not the CSRF middleware's 403
@require_safe
@never_cache
def healthz(request):
    """Liveness only: answers without touching the database or a template."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_safe
@never_cache
def readyz(request):
    """Readiness: 200 when the database answers a query, 503 otherwise, so a load balancer can route around."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any failure to reach or query the database means "not ready"
        logger.warning("readyz: database unavailable: %s", error)
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
