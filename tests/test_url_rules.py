"""Every URL pattern of the project has a rule for anonymous GET, HEAD and POST, checked against a real request.

A new URL without a rule in RULES fails this test: decide what an anonymous
client may do there, write it down, and the test keeps it so.
"""

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = (200, 200, 405)  # read-only for everyone; any write is refused as a method, not a CSRF error
PROBE = (200, 200, 405)  # /healthz, /readyz
STAFF_ONLY = (302, 302, 403)  # to the sign-in page; a POST without a CSRF token is refused before the view

RULES = {
    "": PUBLIC,
    "faq/<slug:slug>/": PUBLIC,
    "faq/<slug:slug>/stored-copy/": PUBLIC,
    "faq/<slug:slug>/versions/": PUBLIC,
    "faq/<slug:slug>/versions/<int:number>/": PUBLIC,
    "faq/<slug:slug>/compare/<int:old>/<int:new>/": PUBLIC,
    "claims/": PUBLIC,
    "claims/export.csv": PUBLIC,
    "claims/export.json": PUBLIC,
    "claims/repeated/": PUBLIC,
    "claims/<int:pk>/": PUBLIC,
    "claims/<int:pk>/history/": PUBLIC,
    "how-we-rate/": PUBLIC,
    "claimreview.json": PUBLIC,
    "sources/": PUBLIC,
    "sources/<int:pk>/": PUBLIC,
    "healthz": PROBE,
    "readyz": PROBE,
    # The admin: anonymous clients see only the sign-in page.
    "admin/": STAFF_ONLY,
    "admin/login/": (200, 200, 403),
    "admin/logout/": STAFF_ONLY,  # signs out on POST only, with a CSRF token
    "admin/password_change/": STAFF_ONLY,
    "admin/password_change/done/": STAFF_ONLY,
    "admin/autocomplete/": STAFF_ONLY,
    "admin/jsi18n/": STAFF_ONLY,
    "admin/r/<path:content_type_id>/<path:object_id>/": STAFF_ONLY,
    "admin/<app_label>/": STAFF_ONLY,
    "admin/(?P<url>.*)$": STAFF_ONLY,
    # Every registered model's standard admin pages.
    "admin/<model>/": STAFF_ONLY,
    "admin/<model>/add/": STAFF_ONLY,
    "admin/<model>/<path:object_id>/": STAFF_ONLY,
    "admin/<model>/<path:object_id>/change/": STAFF_ONLY,
    "admin/<model>/<path:object_id>/delete/": STAFF_ONLY,
    "admin/<model>/<path:object_id>/history/": STAFF_ONLY,
    "admin/<model>/^([^/]+)/history/([^/]+)/$": STAFF_ONLY,  # simple_history's past version
    # Our own admin pages, one by one.
    "admin/claims/claim/<path:object_id>/split/": STAFF_ONLY,
    "admin/claims/claim/<path:object_id>/merge/": STAFF_ONLY,
    "admin/claims/claim/<path:object_id>/reopen/": STAFF_ONLY,
    "admin/claims/claim/<path:object_id>/attach-context/": STAFF_ONLY,
    "admin/claims/claim/<path:object_id>/matches/": STAFF_ONLY,
    "admin/faq/document/import/": STAFF_ONLY,
    "admin/auth/user/<id>/password/": STAFF_ONLY,
}

MODEL_PREFIXES = [f"admin/{model._meta.app_label}/{model._meta.model_name}/" for model in admin.site._registry]


def patterns(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from patterns(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern)


def rule_key(pattern: str) -> str:
    """The RULES key of a pattern: a model's standard admin pages share one rule, anything else is its own."""
    if pattern in RULES:
        return pattern
    if pattern.startswith("admin/^(?P<app_label>"):
        return "admin/<app_label>/"
    for prefix in MODEL_PREFIXES:
        if pattern.startswith(prefix):
            return "admin/<model>/" + pattern[len(prefix):]
    return pattern


SAMPLES = {
    "<int:pk>": "{pk}",
    "<slug:slug>": "{slug}",
    "<int:number>": "1",
    # A document with one version compared with itself: an empty comparison, not a 404.
    "<int:old>": "1",
    "<int:new>": "1",
    "<path:object_id>": "1",
    "<path:content_type_id>": "1",
    "<id>": "1",
    "^([^/]+)/history/([^/]+)/$": "1/history/1/",
    "(?P<url>.*)$": "no-such-page/",
}


def concrete(pattern: str, pk: int, slug: str) -> str:
    if pattern.startswith("admin/^(?P<app_label>"):
        return "/admin/claims/"
    url = pattern
    for placeholder, sample in SAMPLES.items():
        url = url.replace(placeholder, sample)
    assert not re.search(r"[<>^$()]", url), f"no sample value for a part of {pattern!r}"
    return "/" + url.format(pk=pk, slug=slug)


def store_a_copy(document):
    from django.utils import timezone

    from faq.models import PageCapture

    content = b"<html><body><h1>A Small FAQ</h1></body></html>"
    PageCapture.objects.create(
        document=document, filename="small.html", content_type="text/html; charset=utf-8", content=content,
        size=len(content), content_sha256="0" * 64, retrieved_at=timezone.now(),
    )


def test_every_url_pattern_has_a_rule_and_anonymous_requests_follow_it(small_document):
    from claims.models import Claim
    from sources.models import Source

    claim = Claim.objects.filter(question__document=small_document).first()
    Source.objects.filter(pk=claim.pk).delete()
    Source.objects.create(pk=claim.pk, title="Same id as the claim, so one sample serves both")
    store_a_copy(small_document)
    client = Client(enforce_csrf_checks=True)
    all_patterns = list(patterns(get_resolver().url_patterns))
    assert len(all_patterns) > 80
    without_rule = sorted({p for p in all_patterns if rule_key(p) not in RULES})
    assert without_rule == [], "URL patterns with no rule in RULES"

    broken = []
    for pattern in all_patterns:
        url = concrete(pattern, claim.pk, small_document.slug)
        got = (client.get(url).status_code, client.head(url).status_code, client.post(url).status_code)
        if got != RULES[rule_key(pattern)]:
            broken.append((pattern, url, got))
        elif got[0] == 302:  # to the sign-in page (logout: to the admin index, which asks to sign in)
            location = client.get(url)["Location"]
            assert location.startswith("/admin/login/") or (pattern == "admin/logout/" and location == "/admin/"), url
    assert broken == []


def test_rules_have_no_stale_entries():
    keys = {rule_key(p) for p in patterns(get_resolver().url_patterns)}
    assert set(RULES) - keys == set()
