"""Failure pages in the site's layout; during a database outage the 500 page, /healthz and /readyz still answer."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

# A real outage: settings pointing at a database that cannot be reached.
UNREACHABLE = {
    "postgresql": "postgres://postgres@127.0.0.1:1/claimledger_down",  # nothing listens on port 1
    "sqlite": "sqlite:////nonexistent-directory/claimledger.sqlite3",  # cannot be opened
}

PROBE = """
import json, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'
import django; django.setup()
from django.test import Client, override_settings
# Production settings, except static file names are not hashed (the test does not run collectstatic).
override_settings(STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
client = Client(raise_request_exception=False)
out = {}
for url in ['/', '/claims/', '/claims/1/', '/healthz', '/readyz']:
    r = client.get(url)
    out[url] = [r.status_code, r.content.decode(), r.get('Content-Security-Policy', '')]
print(json.dumps(out))
"""


@pytest.mark.parametrize("engine", UNREACHABLE)
def test_during_a_database_outage_pages_answer_the_site_500_page_and_readyz_503(engine):
    env = {k: v for k, v in os.environ.items()} | {
        "DATABASE_URL": UNREACHABLE[engine],
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "CRITICAL",
    }
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=60)
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    for url in ["/", "/claims/", "/claims/1/"]:
        status, body, csp = answers[url]
        assert status == 500, url
        assert "<h1>Temporarily unavailable</h1>" in body and '<nav aria-label="Site">' in body, url
        assert "claimledger.css" in body and "default-src 'none'" in csp, url
    assert answers["/healthz"][:2] == [200, "ok\n"]
    assert answers["/readyz"][:2] == [503, "database unavailable\n"]


def test_readyz_answers_ok_when_the_database_answers(client):
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert "no-cache" in response["Cache-Control"]


def test_an_unknown_address_gets_the_404_page_in_the_site_layout(client):
    response = client.get("/claims/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Not found</h1>" in html and '<nav aria-label="Site">' in html and "<footer" in html
