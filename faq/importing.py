"""Save a parsed FAQ page as a Document, its Questions and their Claims.

The one way to import: the `import_faq` command, the admin's import form and
`quickstart` all call `import_faq_bytes` / `import_faq_text`. Reading checks the
raw bytes (size, binary, UTF-8), parsing is pure (faq.parsing), and saving is
one transaction, so bad input writes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from claims.models import Claim
from faq.models import Document, Question
from faq.parsing import ParsedDocument, ParseError, fingerprint, normalize_text, parse_document


class ImportRefused(ValueError):
    """Input the importer will not take. The message names the input and the problem."""


@dataclass(frozen=True)
class ImportOptions:
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
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"{path}: cannot be read ({exc.strerror})") from None
    return import_faq_bytes(data, name=str(path), **kwargs)


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
    if options.category is not None:
        parsed = ParsedDocument(title=parsed.title, category=options.category or None, questions=parsed.questions)
    slug = options.slug or slugify(parsed.title)[:200]
    if not slug:
        raise ImportRefused(f"{name}: cannot make a slug from the title {parsed.title!r}; give one with --slug")
    body = normalize_text(text)
    sha = hashlib.sha256(body.encode("utf-8")).hexdigest()
    result = ImportResult(parsed=parsed, slug=slug, dry_run=dry_run)

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
    result.created = True
    return result


def _save(parsed: ParsedDocument, *, slug, body, sha, options: ImportOptions, user) -> Document:
    document = Document.objects.create(
        title=parsed.title,
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
