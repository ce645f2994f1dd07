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

from claims.matching import match_document
from claims.models import Claim
from faq.fetching import TEXT_TYPES, FetchRefused, RawPage, fetch_page, importer_user_agent
from faq.html import HtmlError, HtmlPage, decode_html, read_html
from faq.models import Document, PageCapture, PageLink, Question
from faq.parsing import (
    ParsedDocument,
    ParseError,
    ParsedQuestion,
    ParseWarning,
    check_text,
    normalize_text,
    parse_document,
    segment_answer,
)
from faq.versions import apply_new_version, create_first_version, plan_version


class ImportRefused(ValueError):
    """Input the importer will not take. The message names the input and the problem."""


@dataclass(frozen=True)
class ImportOptions:
    # The document's title; empty: the page's (<h1>, og:title, <title>), else the text's first line.
    title: str | None = None
    slug: str = ""
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
    title: str = ""
    warnings: tuple[ParseWarning, ...] = ()
    # The page as fetched or uploaded (HTML files and URLs), stored with the document.
    page: RawPage | None = None
    # A changed text for an existing document: what the new version does to its claims (faq.versions).
    plan: object | None = None
    version: object | None = None
    question_count: int = field(init=False)
    claim_count: int = field(init=False)

    def __post_init__(self):
        self.question_count = len(self.parsed.questions)
        self.claim_count = sum(len(q.claims) for q in self.parsed.questions)
        self.suggested_count = sum(1 for q in self.parsed.questions for c in q.claims if c.triage_rule)
        self.title = self.title or self.parsed.title or ""

    @property
    def message(self) -> str:
        counts = f"{self.question_count} questions, {self.claim_count} claims"
        if self.suggested_count:
            counts += f", {self.suggested_count} suggested not checkable"
        if self.unchanged:
            return f"'{self.slug}' is already imported with this exact text; nothing changed."
        if self.plan is not None:
            if self.dry_run:
                return (
                    f"Dry run: would add version {self.plan.number} of '{self.slug}' ({self.plan.summary}); "
                    f"nothing written."
                )
            return f"Added version {self.plan.number} of '{self.slug}' ({self.plan.summary})."
        if self.dry_run:
            return f"Dry run: would import '{self.title}' as '{self.slug}' ({counts}); nothing written."
        return f"Imported '{self.title}' as '{self.slug}' ({counts})."

    def lines(self) -> list[str]:
        """The message, then each guess the parser made, line by line (the command prints these)."""
        out = [self.message]
        if self.plan is not None and not self.unchanged:
            out.extend(self.plan.lines())
        if self.warnings and not self.unchanged:
            out.append(f"The parser guessed in {len(self.warnings)} places; check them before importing:")
            out.extend(f"  {warning}" for warning in self.warnings)
        return out


def decode_faq_bytes(data: bytes, *, name: str) -> str:
    """Return the text of an uploaded or read file, or refuse it with a message naming `name` and the line."""
    limit = settings.FAQ_MAX_BYTES
    if len(data) > limit:
        raise ImportRefused(
            f"{name}: file is {len(data):,} bytes, over the {limit:,}-byte limit for an FAQ page"
        )
    if not data.strip():
        raise ImportRefused(f"{name}: file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportRefused(
                f"{name}: starts as UTF-16 text but byte offset {exc.start} cannot be decoded; save it as UTF-8"
            ) from None
    nul = data.find(b"\x00")
    if nul != -1:
        if _looks_utf16(data):
            raise ImportRefused(
                f"{name}: looks like UTF-16 text without a byte-order mark (every other byte is zero); "
                f"save the file as UTF-8 and try again"
            )
        raise ImportRefused(
            f"{name}: line {_line_of(data, nul)}: looks like a binary file, not text (NUL byte at byte offset {nul})"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            f"{name}: line {_line_of(data, exc.start)}: is not UTF-8 text (byte 0x{data[exc.start]:02x} at byte "
            f"offset {exc.start} cannot be decoded); save the file as UTF-8 and try again"
        ) from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(text) // 100):
        raise ImportRefused(f"{name}: looks like a binary file, not text ({controls} control characters)")
    return text


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]
    # ASCII-range text in UTF-16 has a zero in every other byte: most of one half is NUL.
    return max(even.count(0), odd.count(0)) > 0.6 * max(1, len(sample) // 2)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


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
    """Check, parse and save text as a document in one transaction (unless dry_run).

    Pasted text gets the same checks as a file's text (control characters,
    lone surrogates, size), and every value is checked against its column
    before anything is written, so the dry run and the admin preview refuse
    what the import would refuse, on SQLite as on PostgreSQL. Text that is
    already imported (same normalised text) changes nothing. Changed text for
    a document that exists (same slug, or same source URL) becomes its next
    version, its claims re-anchored with their verdicts (faq.versions).
    """
    body = _checked_body(text, name=name)
    return _import(parse_faq_text(body, name=name), body, name=name, options=options, dry_run=dry_run, user=user)


def _checked_body(text: str, *, name: str) -> str:
    """The normalised text, refused if it is not text, too large or empty (the same for files, pages and pastes)."""
    body = normalize_text(text)
    try:
        check_text(body)
    except ParseError as exc:
        raise ImportRefused(f"{name}: {exc}") from None
    size = len(body.encode("utf-8"))
    if size > settings.FAQ_MAX_BYTES:
        raise ImportRefused(
            f"{name}: text is {size:,} bytes, over the {settings.FAQ_MAX_BYTES:,}-byte limit for an FAQ page"
        )
    if not body.strip():
        raise ImportRefused(f"{name}: file is empty")
    return body


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
        body = _checked_body(text, name=name)
        parsed = parse_faq_text(body, name=name)
        return _import(parsed, body, name=name, options=options, dry_run=dry_run, user=user, page=(page, encoding))
    try:
        html, encoding = decode_html(page.content, page.charset)
        read = read_html(html, url=page.url or None, title=options.title or None)
    except HtmlError as exc:
        raise ImportRefused(f"{name}: {exc}") from None
    body = _checked_body(read.text, name=name)
    parsed = _parse_page(read, body, name=name, title=options.title or read.title)
    options = replace(
        options,
        title=options.title or read.title or "",
        category=options.category if options.category is not None else read.category,
    )
    return _import(parsed, body, name=name, options=options, dry_run=dry_run, user=user, page=(page, encoding))


def _decode_text(page: RawPage, *, name: str) -> tuple[str, str]:
    if page.charset and page.charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            return page.content.decode(page.charset), page.charset
        except (LookupError, UnicodeDecodeError):
            raise ImportRefused(f"{name}: is not {page.charset[:40]} text as its Content-Type declares") from None
    return decode_faq_bytes(page.content, name=name), "utf-8"


def _parse_page(read: HtmlPage, body: str, *, name: str, title: str | None) -> ParsedDocument:
    """Parse the page's text; FAQPage markup's pairs stand as given where the text layout cannot carry them."""
    if not read.pairs:
        return parse_faq_text(body, name=name)
    expected = [(pair.question, pair.answer) for pair in read.pairs]
    try:
        parsed = parse_document(body)
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


def _import(parsed: ParsedDocument, body: str, *, name, options: ImportOptions, dry_run, user, page=None):
    """Save a parsed, normalised text (unless dry_run); the title and category in `options` win over the parsed ones."""
    warnings = list(parsed.warnings)
    if options.category is not None:
        parsed = replace(parsed, category=options.category or None)
    title, title_line = options.title, 0
    if not title:
        title, title_line = parsed.title, parsed.title_line
    if not title:
        # Only chrome (if anything) stands above the first question: its line is the text's first line.
        title_line = parsed.questions[0].line
        title = body.split("\n")[title_line - 1].strip().lstrip("#").strip()
        warnings.insert(
            0,
            ParseWarning(
                title_line, "the page has no title line; its first question's line is the title (give one with --title)"
            ),
        )
    title = title.strip()
    slug = options.slug or slugify(title)[: Document._meta.get_field("slug").max_length]
    if not slug:
        raise ImportRefused(f"{name}: cannot make a slug from the title {title!r}; give one with --slug")
    check_columns(
        name,
        parsed,
        {
            "title": (title, title_line or None),
            "slug": (slug, None),
            "category": (parsed.category or "", None if options.category is not None else parsed.category_line or None),
            "jurisdiction": (options.jurisdiction, None),
            "source_url": (options.source_url, None),
        },
    )
    sha = hashlib.sha256(body.encode("utf-8")).hexdigest()
    result = ImportResult(
        parsed=parsed, slug=slug, dry_run=dry_run, title=title, warnings=tuple(warnings), page=page[0] if page else None
    )

    existing = Document.objects.filter(content_sha256=sha).first()
    if existing is not None:
        result.slug, result.document, result.unchanged = existing.slug, existing, True
        return result
    target = Document.objects.filter(slug=slug).first()
    if target is None and options.source_url and not options.slug:
        target = Document.objects.filter(source_url=options.source_url).order_by("pk").first()
    if target is not None:
        return _import_version(target, result, parsed, body, sha, name=name, options=options, dry_run=dry_run,
                               user=user, page=page)
    if dry_run:
        return result

    with transaction.atomic():
        result.document = _save(parsed, title=title, slug=slug, body=body, sha=sha, options=options, user=user)
        capture = _save_capture(result.document, *page, name=name) if page is not None else None
        result.version = create_first_version(result.document, user=user, capture=capture)
        match_document(result.document, fresh=True)  # claims found in other documents (claims/matching/)
    result.created = True
    return result


def _import_version(document, result, parsed, body, sha, *, name, options, dry_run, user, page):
    """A changed text for an existing document (same slug, or same source URL): a new version (faq.versions)."""
    result.slug, result.document = document.slug, document
    if dry_run:
        result.plan = plan_version(document, parsed, body)
        return result
    save_capture = (lambda doc: _save_capture(doc, *page, name=name)) if page is not None else None
    with transaction.atomic():
        result.plan, result.version = apply_new_version(
            document, parsed, body, sha=sha, title=result.title, options=options, user=user, save_capture=save_capture
        )
        match_document(document)  # edited and new claims, found in other documents (claims/matching/)
    return result


# PositiveIntegerField's range on every database Django supports.
_MAX_POSITIVE_INT = 2_147_483_647


def check_columns(name: str, parsed: ParsedDocument, values: dict[str, tuple[str, int | None]]) -> None:
    """Refuse any value longer than its column, naming the field, its line and the limit.

    The one place that knows the columns' sizes: it reads them from the
    models, so SQLite (which would store anything) refuses what PostgreSQL
    would refuse with a DataError.
    """
    for field_name, (value, line) in values.items():
        limit = Document._meta.get_field(field_name).max_length
        if value and len(value) > limit:
            where = f"line {line}: " if line else ""
            option = {"title": " (give a shorter one with --title)", "category": " (give one with --category)"}
            raise ImportRefused(
                f"{name}: {where}the {field_name.replace('_', ' ')} is {len(value):,} characters, over the "
                f"{limit}-character limit of its column{option.get(field_name, '')}"
            )
    if len(parsed.questions) > _MAX_POSITIVE_INT:  # pragma: no cover - far beyond the size limit
        raise ImportRefused(f"{name}: too many questions")
    rule_limit = Claim._meta.get_field("triage_rule").max_length
    for question in parsed.questions:
        for claim in question.claims:
            if len(claim.triage_rule) > rule_limit:  # a rule name is ours; guards a renamed rule
                raise ImportRefused(f"{name}: line {question.line}: triage rule name {claim.triage_rule!r} too long")


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
        etag=page.etag,
        last_modified=page.last_modified,
    )


def _save(parsed: ParsedDocument, *, title, slug, body, sha, options: ImportOptions, user) -> Document:
    document = Document.objects.create(
        title=title,
        slug=slug,
        category=parsed.category or "",
        jurisdiction=options.jurisdiction,
        source_url=options.source_url,
        retrieved_on=options.retrieved_on,
        body=body,
        content_sha256=sha,
    )
    questions = Question.objects.bulk_create(
        Question(document=document, number=q.number, question=q.question, answer=q.answer)
        for q in parsed.questions
    )
    claims = [
        Claim.from_span(question, position, span)
        for question, parsed_q in zip(questions, parsed.questions, strict=True)
        for position, span in enumerate(parsed_q.claims, start=1)
    ]
    _create_claims(claims, user=user)
    PageLink.objects.bulk_create(
        PageLink(question=question, position=position, text=link.text, url=link.url)
        for question, parsed_q in zip(questions, parsed.questions, strict=True)
        for position, link in enumerate(parsed_q.links, start=1)
    )
    return document


def _create_claims(claims: list[Claim], *, user) -> None:
    # With history: each imported claim's timeline starts at its import.
    bulk_create_with_history(claims, Claim, batch_size=500, default_user=user, default_change_reason="imported")
