"""The watch on a document's source page: fetch it again and import a new version only if its text changed.

One function, `refresh_document`, serves the `refresh_documents` command (run
from cron or a systemd timer; see docs/operations.md) and the admin's "check
for changes now" action. Politeness: the GET is conditional on the last
capture's ETag / Last-Modified, bounded by FAQ_FETCH_TIMEOUT and
FAQ_FETCH_DEADLINE, and the command waits between documents.

A page that answers 404 or 410, or now redirects to another address, is
recorded on the document (gone_since, gone_reason; the public page says so)
and nothing is imported. A page that no longer reads as an FAQ is refused
with the reason, and the last good version stays current.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from faq.fetching import FetchRefused, NotModified, fetch_page, importer_user_agent
from faq.importing import ImportOptions, ImportRefused, import_faq_page
from faq.models import Document

GONE_STATUSES = (404, 410)


@dataclass
class RefreshOutcome:
    document: Document
    kind: str  # "unchanged", "new version", "gone", "failed"
    detail: str = ""

    def __str__(self):
        return f"{self.document.slug}: {self.kind}" + (f" ({self.detail})" if self.detail else "")


def refreshable():
    """Documents with a source page to watch."""
    return Document.objects.exclude(source_url="").order_by("slug")


def _same_address(a: str, b: str) -> bool:
    """Whether a redirect still lands on the page's address: scheme, 'www.', a trailing slash and fragment aside."""

    def key(url):
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        return host, parts.port, parts.path.rstrip("/") or "/", parts.query

    return key(a) == key(b)


def refresh_document(document: Document, *, user=None) -> RefreshOutcome:
    """Fetch `document`'s source page again; import a new version if its text changed. Says what happened."""
    if not document.source_url:
        return RefreshOutcome(document, "failed", "the document has no source URL")
    etag, last_modified = _validators(document)
    try:
        page = fetch_page(
            document.source_url,
            timeout=settings.FAQ_FETCH_TIMEOUT,
            deadline=settings.FAQ_FETCH_DEADLINE,
            max_bytes=settings.FAQ_MAX_PAGE_BYTES,
            user_agent=importer_user_agent(),
            allow_private=settings.FAQ_FETCH_ALLOW_PRIVATE,
            etag=etag,
            last_modified=last_modified,
        )
    except NotModified as answer:
        if not _same_address(answer.url, document.source_url):
            return _gone(document, f"redirected to {answer.url}")
        _back(document)
        _checked(document, etag, last_modified)
        return RefreshOutcome(document, "unchanged", "not modified since the last capture (HTTP 304)")
    except FetchRefused as refusal:
        if refusal.status in GONE_STATUSES:
            return _gone(document, str(refusal).removeprefix(f"{document.source_url}: ").replace("the server answered ", ""))
        return RefreshOutcome(document, "failed", str(refusal))
    if not _same_address(page.url, document.source_url):
        return _gone(document, f"redirected to {page.url}")
    options = ImportOptions(slug=document.slug, source_url=document.source_url, jurisdiction=document.jurisdiction)
    try:
        result = import_faq_page(page, name=document.source_url, options=options, user=user)
    except ImportRefused as refusal:
        return RefreshOutcome(
            document, "failed", f"the page no longer reads as an FAQ; the last good version stays current: {refusal}"
        )
    _back(document)
    _checked(document, page.etag, page.last_modified)
    if result.unchanged:
        return RefreshOutcome(document, "unchanged", "the text is the same")
    document.refresh_from_db()
    return RefreshOutcome(document, "new version", f"version {result.plan.number}: {result.plan.summary}")


def _validators(document: Document) -> tuple[str, str]:
    """The ETag and Last-Modified to ask with: the newest answer's, a check's or a capture's."""
    last = document.captures.exclude(url="").order_by("-retrieved_at").first()
    if document.checked_at and (last is None or document.checked_at >= last.retrieved_at):
        return document.check_etag, document.check_last_modified
    return (last.etag, last.last_modified) if last else ("", "")


def _checked(document: Document, etag: str, last_modified: str) -> None:
    """Record that the page answered now, with these validators; no version, no capture.

    Not a public change, so updated_at (the public pages' cache stamp) is left alone.
    """
    changes = {"checked_at": timezone.now(), "check_etag": etag, "check_last_modified": last_modified}
    Document.objects.filter(pk=document.pk).update(**changes)
    for name, value in changes.items():
        setattr(document, name, value)


def _gone(document: Document, reason: str) -> RefreshOutcome:
    reason = reason[: Document._meta.get_field("gone_reason").max_length]
    changes = {"gone_reason": reason}
    if document.gone_since is None:
        changes["gone_since"] = timezone.now()
    changes["updated_at"] = timezone.now()  # the public pages' cache stamp reads it
    Document.objects.filter(pk=document.pk).update(**changes)
    document.refresh_from_db()
    return RefreshOutcome(document, "gone", f"{reason}; recorded, nothing imported")


def _back(document: Document) -> None:
    """The page answers at its address again."""
    if document.gone_since is not None:
        Document.objects.filter(pk=document.pk).update(gone_since=None, gone_reason="", updated_at=timezone.now())
        document.refresh_from_db()
