from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe


@csrf_exempt  # so other methods get 405 from require_safe, not the CSRF middleware's 403
@require_safe
@never_cache
def healthz(request):
    """Liveness only: answers without touching the database or a template."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
