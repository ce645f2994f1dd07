"""Save a parsed FAQ page as a Document, its Questions and their Claims.

The one way to import: the `import_faq` command, the admin's import form and
`quickstart` all call `import_faq_bytes` / `import_faq_text`. Reading checks the
raw bytes (size, binary, UTF-8), parsing is pure (faq.parsing), and saving is
one transaction, so bad input writes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from claims.models import Claim
from faq.models import Document, PageLink, Question
from faq.parsing import (
    ParsedDocument,
    ParseError,
    ParseWarning,
    check_text,
    fingerprint,
    normalize_text,
    parse_document,
)


class ImportRefused(ValueError):
    """Input the importer will not take. The message names the input and the problem."""


@dataclass(frozen=True)
class ImportOptions:
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
        if self.dry_run:
            return f"Dry run: would import '{self.title}' as '{self.slug}' ({counts}); nothing written."
        return f"Imported '{self.title}' as '{self.slug}' ({counts})."

    def lines(self) -> list[str]:
        """The message, then each guess the parser made, line by line (the command prints these)."""
        out = [self.message]
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
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"{path}: cannot be read ({exc.strerror})") from None
    return import_faq_bytes(data, name=str(path), **kwargs)


def import_faq_text(text: str, *, name: str, options: ImportOptions = ImportOptions(), dry_run=False, user=None):
    """Check, parse and save text as a document in one transaction (unless dry_run).

    Pasted text gets the same checks as a file's text (control characters,
    lone surrogates, size), and every value is checked against its column
    before anything is written, so the dry run and the admin preview refuse
    what the import would refuse, on SQLite as on PostgreSQL. Text that is
    already imported (same normalised text) changes nothing. A slug that
    already holds different text is refused: replacing a document could drop
    claims that reviewers have worked on.
    """
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
    parsed = parse_faq_text(body, name=name)
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
    result = ImportResult(parsed=parsed, slug=slug, dry_run=dry_run, title=title, warnings=tuple(warnings))

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
        result.document = _save(parsed, title=title, slug=slug, body=body, sha=sha, options=options, user=user)
    result.created = True
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
        Claim(
            question=question,
            position=position,
            quote=span.quote,
            start=span.start,
            end=span.end,
            statement=span.quote,
            fingerprint=fingerprint(span.quote),
            triage_rule=span.triage_rule,
            triage_pending=bool(span.triage_rule),
        )
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
