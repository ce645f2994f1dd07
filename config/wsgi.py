"""WSGI entry point: `gunicorn config.wsgi`."""
import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 (after setup)

if settings.DEBUG:
    # DJANGO_DEBUG defaults to true so a fresh checkout runs; say so loudly wherever the site is served.
    logging.getLogger("config").warning(
        "DJANGO_DEBUG is not 'false': debug pages and the development secret key are in use. "
        "Fine on a laptop; in production set DJANGO_DEBUG=false (see docs/deployment.md)."
    )
