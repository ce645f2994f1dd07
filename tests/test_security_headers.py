"""Every response carries a Content-Security-Policy and a Permissions-Policy, and pages need no inline style or script."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from public_support import PUBLIC_URLS, body, claims_of, publish

from claims.models import ClaimStatus
from sources.models import Citation, Source

pytestmark = pytest.mark.django_db

# django-csp writes the directives in no fixed order; what matters is the set.
CSP = {
    "default-src 'none'", "base-uri 'none'", "connect-src 'self'", "font-src 'self'", "form-action 'self'",
    "frame-ancestors 'none'", "img-src 'self' data:", "script-src 'self'", "style-src 'self'",
}


@pytest.fixture
def urls(small_document):
    claims = claims_of(small_document)
    source = Source.objects.create(title="FERPA", citation="20 U.S.C. § 1232g")
    Citation.objects.create(claim=claims[0], source=source, stance="supports")
    publish(claims[0], ClaimStatus.SUPPORTED)
    return [url.format(slug=small_document.slug, claim=claims[0].pk, source=source.pk) for url in PUBLIC_URLS]


def test_every_public_response_and_the_admin_and_errors_send_the_policies(client, urls):
    for url in [*urls, "/healthz", "/admin/login/", "/no/such/page/"]:
        response = client.get(url)
        assert set(response["Content-Security-Policy"].split("; ")) == CSP, url
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"], url
        # The headers there before stay.
        assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url


def test_public_pages_have_no_inline_style_or_script(client, urls):
    for url in urls:
        html = body(client.get(url)).decode()
        assert not re.search(r"\sstyle=|<style", html), url
        scripts = re.findall(r"<script([^>]*)>", html)
        assert all('type="application/ld+json"' in attrs for attrs in scripts), url
        assert not re.search(r"\son[a-z]+=", html), url


@pytest.mark.parametrize("stylesheet", ["claimledger.css", "claimledger-admin.css"])
def test_status_colours_in_the_stylesheets_are_the_ones_on_claimstatus(stylesheet):
    css = (Path(django_settings.BASE_DIR) / "static" / stylesheet).read_text()
    for status in ClaimStatus:
        assert f".st-{status.value} {{ --st: {status.colour}; }}" in css, status
