"""Save a parsed FAQ page as a Document, its Questions and their Claims.

The one way to import: the `import_faq` command, the admin's import form and
`quickstart` all call `import_faq_bytes` / `import_faq_text` (text and
Markdown), `import_faq_html` (an HTML file) or `import_faq_url` (a page on the
web). Reading checks the raw bytes (size, binary, charset), fetching is
faq.fetching, reading HTML is faq.html, parsing is pure (faq.parsing), and
saving is one transaction, so bad input writes nothing. An HTML page or a
fetched page is stored with the document as a PageCapture: the evidence of
what the page said.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from claims.models import Claim
from faq.fetching import TEXT_TYPES, FetchRefused, RawPage, fetch_page, importer_user_agent
from faq.html import HtmlError, HtmlPage, decode_html, read_html
from faq.models import Document, PageCapture, Question
from faq.parsing import (
    ParsedDocument,
    ParseError,
    ParsedQuestion,
    fingerprint,
    normalize_text,
    parse_document,
    segment_answer,
)


class ImportRefused(ValueError):
    """Input the importer will not take. The message names the input and the problem."""


@dataclass(frozen=True)
class ImportOptions:
    slug: str = ""
    # The document's title; empty: the page's (<h1>, og:title, <title>), else the text's first line.
    title: str = ""
    category: str | None = None
    jurisdiction: str = ""
    source_url: str = ""
    retrieved_on: date | None = None


@dataclass
class ImportResult:
    parsed: ParsedDocument
    slug: str
    document: Document | None = None
    created: bool = False
    unchanged: bool = False
    dry_run: bool = False
    # The page as fetched or uploaded (HTML files and URLs), stored with the document.
    page: RawPage | None = None
    question_count: int = field(init=False)
    claim_count: int = field(init=False)

    def __post_init__(self):
        self.question_count = len(self.parsed.questions)
        self.claim_count = sum(len(q.claims) for q in self.parsed.questions)

    @property
    def message(self) -> str:
        counts = f"{self.question_count} questions, {self.claim_count} claims"
        if self.unchanged:
            return f"'{self.slug}' is already imported with this exact text; nothing changed."
        if self.dry_run:
            return f"Dry run: would import '{self.parsed.title}' as '{self.slug}' ({counts}); nothing written."
        return f"Imported '{self.parsed.title}' as '{self.slug}' ({counts})."


def decode_faq_bytes(data: bytes, *, name: str) -> str:
    """Return the text of an uploaded or read file, or refuse it with a message naming `name`."""
    limit = settings.FAQ_MAX_BYTES
    if len(data) > limit:
        raise ImportRefused(
            f"{name}: file is {len(data):,} bytes, over the {limit:,}-byte limit for an FAQ page"
        )
    if not data.strip():
        raise ImportRefused(f"{name}: file is empty")
    nul = data.find(b"\x00")
    if nul != -1:
        raise ImportRefused(f"{name}: looks like a binary file, not text (NUL byte at byte offset {nul})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            f"{name}: is not UTF-8 text (byte 0x{data[exc.start]:02x} at byte offset {exc.start} "
            f"cannot be decoded); save the file as UTF-8 and try again"
        ) from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(text) // 100):
        raise ImportRefused(f"{name}: looks like a binary file, not text ({controls} control characters)")
    return text


def parse_faq_text(text: str, *, name: str) -> ParsedDocument:
    try:
        return parse_document(text)
    except ParseError as exc:
        raise ImportRefused(f"{name}: {exc}") from None


def import_faq_bytes(data: bytes, *, name: str, options: ImportOptions = ImportOptions(), dry_run=False, user=None):
    """Check, parse and (unless dry_run) save raw file bytes. Raises ImportRefused on bad input."""
    return import_faq_text(decode_faq_bytes(data, name=name), name=name, options=options, dry_run=dry_run, user=user)


def import_faq_file(path: str | Path, **kwargs) -> ImportResult:
    """Import a file: HTML (by its name or its first bytes) through import_faq_html, else as text."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"{path}: cannot be read ({exc.strerror})") from None
    if is_html_file(path.name, data):
        return import_faq_html(data, name=str(path), **kwargs)
    return import_faq_bytes(data, name=str(path), **kwargs)


_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<meta")


def is_html_file(name: str, data: bytes) -> bool:
    """Whether a file is an HTML page: by its name, else by how it starts."""
    if name.lower().endswith(_HTML_SUFFIXES):
        return True
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:20].lower()
    return start.startswith(_HTML_STARTS)


def import_faq_text(text: str, *, name: str, options: ImportOptions = ImportOptions(), dry_run=False, user=None):
    """Parse text and save it as a document in one transaction (unless dry_run).

    Text that is already imported (same normalised text) changes nothing. A
    slug that already holds different text is refused: replacing a document
    could drop claims that reviewers have worked on.
    """
    if len(text.encode("utf-8")) > settings.FAQ_MAX_BYTES:
        raise ImportRefused(f"{name}: text is over the {settings.FAQ_MAX_BYTES:,}-byte limit for an FAQ page")
    if not text.strip():
        raise ImportRefused(f"{name}: file is empty")
    parsed = parse_faq_text(text, name=name)
    return _import(parsed, text, name=name, options=options, dry_run=dry_run, user=user)


def import_faq_html(data: bytes, *, name: str, options: ImportOptions = ImportOptions(), dry_run=False, user=None):
    """Import an HTML file (a page saved from a browser); its bytes are kept as a PageCapture."""
    page = RawPage(content=data, content_type="text/html", retrieved_at=timezone.now())
    return import_faq_page(page, name=name, options=options, dry_run=dry_run, user=user)


def import_faq_url(url: str, *, options: ImportOptions = ImportOptions(), dry_run=False, user=None):
    """Fetch the page at `url` and import it (HTML, plain text or Markdown).

    Every failure to fetch (timeout, refused, 404, too large, not HTML or text,
    a redirect to anything but http(s)) is an ImportRefused naming the URL.
    """
    try:
        page = fetch_page(
            url,
            timeout=settings.FAQ_FETCH_TIMEOUT,
            deadline=settings.FAQ_FETCH_DEADLINE,
            max_bytes=settings.FAQ_MAX_PAGE_BYTES,
            user_agent=importer_user_agent(),
            allow_private=settings.FAQ_FETCH_ALLOW_PRIVATE,
        )
    except FetchRefused as refusal:
        raise ImportRefused(str(refusal)) from None
    return import_faq_page(page, name=url, options=options, dry_run=dry_run, user=user)


def import_faq_page(page: RawPage, *, name: str, options: ImportOptions = ImportOptions(), dry_run=False, user=None):
    """Import a page as fetched or uploaded: HTML through faq.html, text as text.

    The title is `options.title`, else the page's, else the text's first line;
    the category `options.category`, else the page's category links or its
    "Categories" line. A URL's final address and retrieval date are the
    document's source unless the options give them.
    """
    limit = settings.FAQ_MAX_PAGE_BYTES
    if len(page.content) > limit:
        raise ImportRefused(f"{name}: the page is {len(page.content):,} bytes, over the {limit:,}-byte limit")
    if not page.content.strip():
        raise ImportRefused(f"{name}: the page is empty")
    options = replace(
        options,
        source_url=options.source_url or page.url,
        retrieved_on=options.retrieved_on or (page.retrieved_at.date() if page.url and page.retrieved_at else None),
    )
    if not page.is_html:
        if page.media_type not in TEXT_TYPES and page.media_type:
            raise ImportRefused(f"{name}: is {page.media_type}, not an HTML page or text")
        text, encoding = _decode_text(page, name=name)
        parsed = parse_faq_text(text, name=name)
        return _import(parsed, text, name=name, options=options, dry_run=dry_run, user=user, page=(page, encoding))
    try:
        html, encoding = decode_html(page.content, page.charset)
        read = read_html(html, url=page.url or None, title=options.title or None)
    except HtmlError as exc:
        raise ImportRefused(f"{name}: {exc}") from None
    if len(read.text.encode("utf-8")) > settings.FAQ_MAX_BYTES:
        raise ImportRefused(f"{name}: the page's text is over the {settings.FAQ_MAX_BYTES:,}-byte limit for an FAQ page")
    parsed = _parse_page(read, name=name, title=options.title or read.title)
    options = replace(
        options,
        title=options.title or read.title or "",
        category=options.category if options.category is not None else read.category,
    )
    return _import(parsed, read.text, name=name, options=options, dry_run=dry_run, user=user, page=(page, encoding))


def _decode_text(page: RawPage, *, name: str) -> tuple[str, str]:
    if page.charset and page.charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            return page.content.decode(page.charset), page.charset
        except (LookupError, UnicodeDecodeError):
            raise ImportRefused(f"{name}: is not {page.charset[:40]} text as its Content-Type declares") from None
    return decode_faq_bytes(page.content, name=name), "utf-8"


def _parse_page(read: HtmlPage, *, name: str, title: str | None) -> ParsedDocument:
    """Parse the page's text; FAQPage markup's pairs stand as given where the text layout cannot carry them."""
    if not read.pairs:
        return parse_faq_text(read.text, name=name)
    expected = [(pair.question, pair.answer) for pair in read.pairs]
    try:
        parsed = parse_document(read.text)
    except ParseError:
        parsed = None
    if parsed is not None and [(q.question, q.answer) for q in parsed.questions] == expected:
        return parsed
    # A question without "?", or an answer with numbered lines of its own: the
    # markup already says which is which, so the pairs are used directly.
    if not title:
        raise ImportRefused(f"{name}: the page has no title (no <h1>, og:title or <title>); give one")
    questions = tuple(
        ParsedQuestion(number, pair.question, pair.answer, segment_answer(pair.answer))
        for number, pair in enumerate(read.pairs, start=1)
    )
    return ParsedDocument(title=title, category=None, questions=questions)


def _check_lengths(document: Document, *, name: str) -> None:
    """Refuse any field longer than its column, before writing: PostgreSQL would raise DataError, SQLite would not."""
    for field in ("title", "slug", "category", "jurisdiction", "source_url"):
        limit = Document._meta.get_field(field).max_length
        value = getattr(document, field)
        if len(value) > limit:
            raise ImportRefused(
                f"{name}: the {field.replace('_', ' ')} is {len(value):,} characters long, over the "
                f"{limit:,}-character limit: {value[:60]!r}…"
            )


def _import(parsed: ParsedDocument, text: str, *, name, options: ImportOptions, dry_run, user, page=None):
    """Save a parsed text (unless dry_run); the title and category in `options` win over the parsed ones."""
    if options.title or options.category is not None:
        parsed = replace(
            parsed,
            title=options.title or parsed.title,
            category=(options.category or None) if options.category is not None else parsed.category,
        )
    slug = options.slug or slugify(parsed.title)[:200]
    if not slug:
        raise ImportRefused(f"{name}: cannot make a slug from the title {parsed.title!r}; give one with --slug")
    body = normalize_text(text)
    sha = hashlib.sha256(body.encode("utf-8")).hexdigest()
    result = ImportResult(parsed=parsed, slug=slug, dry_run=dry_run, page=page[0] if page else None)
    _check_lengths(_document(parsed, slug=slug, body=body, sha=sha, options=options), name=name)

    existing = Document.objects.filter(content_sha256=sha).first()
    if existing is not None:
        result.slug, result.document, result.unchanged = existing.slug, existing, True
        return result
    if Document.objects.filter(slug=slug).exists():
        raise ImportRefused(
            f"{name}: a document with different text already has the slug '{slug}'; choose another "
            f"slug (importing changed text over a document that may have been reviewed is not supported)"
        )
    if dry_run:
        return result

    with transaction.atomic():
        result.document = _save(parsed, slug=slug, body=body, sha=sha, options=options, user=user)
        if page is not None:
            _save_capture(result.document, *page, name=name)
    result.created = True
    return result


def _document(parsed: ParsedDocument, *, slug, body, sha, options: ImportOptions) -> Document:
    return Document(
        title=parsed.title,
        slug=slug,
        category=parsed.category or "",
        jurisdiction=options.jurisdiction,
        source_url=options.source_url,
        retrieved_on=options.retrieved_on,
        body=body,
        content_sha256=sha,
    )


def _save_capture(document: Document, page: RawPage, encoding: str, *, name: str) -> PageCapture:
    return PageCapture.objects.create(
        document=document,
        requested_url=page.requested_url,
        url=page.url,
        status=page.status,
        content_type=page.content_type,
        encoding=encoding[:40],
        filename="" if page.url else name,
        content=page.content,
        size=len(page.content),
        content_sha256=hashlib.sha256(page.content).hexdigest(),
        retrieved_at=page.retrieved_at or timezone.now(),
    )


def _save(parsed: ParsedDocument, *, slug, body, sha, options: ImportOptions, user) -> Document:
    document = _document(parsed, slug=slug, body=body, sha=sha, options=options)
    document.save()
    questions = Question.objects.bulk_create(
        Question(document=document, number=q.number, question=q.question, answer=q.answer)
        for q in parsed.questions
    )
    claims = [
        Claim(
            question=question,
            position=position,
            quote=span.quote,
            start=span.start,
            end=span.end,
            statement=span.quote,
            fingerprint=fingerprint(span.quote),
        )
        for question, parsed_q in zip(questions, parsed.questions, strict=True)
        for position, span in enumerate(parsed_q.claims, start=1)
    ]
    _create_claims(claims, user=user)
    return document


def _create_claims(claims: list[Claim], *, user) -> None:
    # With history: each imported claim's timeline starts at its import.
    bulk_create_with_history(claims, Claim, batch_size=500, default_user=user, default_change_reason="imported")
