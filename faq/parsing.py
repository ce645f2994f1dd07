"""Turn an FAQ page's text into a title, a category and numbered questions whose
answers are cut into claims.

Pure functions: no Django, no database. Everything downstream (the importer, the
public page highlighting a claim in place) relies on one invariant, checked by
the tests: for every claim, ``answer[claim.start:claim.end] == claim.quote``.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass

import pysbd

__all__ = [
    "ClaimSpan",
    "ParseError",
    "ParsedDocument",
    "ParsedQuestion",
    "fingerprint",
    "normalize_text",
    "parse_document",
    "segment_answer",
]


class ParseError(ValueError):
    """The text is not an FAQ page we can read; the message names the line and the problem."""


@dataclass(frozen=True)
class ClaimSpan:
    """One assertion: its exact text and where it stands in the answer."""

    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class ParsedQuestion:
    """A numbered question, its answer as written and the answer's claims."""

    number: int
    question: str
    answer: str
    claims: tuple[ClaimSpan, ...]


@dataclass(frozen=True)
class ParsedDocument:
    """A whole FAQ page as parsed."""

    title: str
    category: str | None
    questions: tuple[ParsedQuestion, ...]

    def to_dict(self) -> dict:
        """Return the document as plain JSON-serialisable data."""
        return {
            "title": self.title,
            "category": self.category,
            "questions": [
                {
                    "number": q.number,
                    "question": q.question,
                    "answer": q.answer,
                    "claims": [{"quote": c.quote, "start": c.start, "end": c.end} for c in q.claims],
                }
                for q in self.questions
            ],
        }


# --- normalising ------------------------------------------------------------

_NBSP = str.maketrans({"\u00a0": " ", "\u202f": " "})
_TRAILING_WS = re.compile(r"[ \t\f\v]+$", re.MULTILINE)


def normalize_text(text: str) -> str:
    """Return `text` with a BOM removed, line ends as ``\\n``, no-break spaces as
    spaces and no trailing whitespace on any line.

    Curly quotes and everything else are left as written: the stored answer must
    be what the page says.
    """
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _TRAILING_WS.sub("", text.translate(_NBSP))


# --- questions ----------------------------------------------------------------

# Up to three spaces of indent, as Markdown allows; deeper indent means a nested list.
_PLAIN_QUESTION = re.compile(r"^ {0,3}(\d+)\.\s+(\S.*)$")
# A question may end in a closing quote or bracket after its question mark.
_ENDS_AS_QUESTION = re.compile(r"\?[\"'’”)\]]*$")
_MD_QUESTION = re.compile(r"^ {0,3}#{2,6}\s+(\d+)[.)]\s+(.*?\S)(?:\s+#+)?$")
_MD_TITLE = re.compile(r"^ {0,3}#\s+(.*?\S)(?:\s+#+)?$")
_NUMBERED_LINE = re.compile(r"^\s*(\d+)[.)]\s")
_CATEGORIES = re.compile(r"^Categories\b[:\s]*(.*)$", re.IGNORECASE)
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")

_NO_QUESTIONS = "no numbered questions found (expected lines like '1. Question?')"


def parse_document(text: str) -> ParsedDocument:
    """Parse an FAQ page (plain text or Markdown) into a ParsedDocument.

    The text is normalised first (see normalize_text). Questions are numbered
    lines ``N. Question?`` (or Markdown headings ``## N. Question``) whose numbers
    run 1, 2, 3 …; any other numbered line, even one ending in "?", belongs to
    the answer it sits in. Raises ParseError naming the line and the problem.
    """
    text = normalize_text(text)
    if not text.strip():
        raise ParseError("the document is empty")
    lines = text.split("\n")
    markdown = _is_markdown(lines)
    if markdown:
        # Emphasis is presentation; the stored answer should read as plain text.
        lines = [_EMPHASIS.sub(r"\2", line) for line in lines]

    found = _find_questions(lines, markdown)
    if not found:
        raise ParseError(_NO_QUESTIONS)
    title, category = _read_heading(lines[: found[0][1]], markdown, first_question_line=found[0][1])

    questions = []
    for k, (number, index, question) in enumerate(found):
        stop = found[k + 1][1] if k + 1 < len(found) else len(lines)
        answer = "\n".join(lines[index + 1 : stop]).strip("\n")
        if not answer.strip():
            raise ParseError(f"line {index + 1}: question {number} has no answer")
        questions.append(ParsedQuestion(number, question, answer, segment_answer(answer)))
    return ParsedDocument(title=title, category=category, questions=tuple(questions))


def _is_markdown(lines: list[str]) -> bool:
    first = next((line for line in lines if line.strip() and not _CATEGORIES.match(line)), "")
    return bool(_MD_TITLE.match(first)) or any(_MD_QUESTION.match(line) for line in lines)


def _find_questions(lines: list[str], markdown: bool) -> list[tuple[int, int, str]]:
    """Return (number, line index, question text) for each question, in order."""
    headings = [(i, _MD_QUESTION.match(line)) for i, line in enumerate(lines)] if markdown else []
    candidates = [(i, m) for i, m in headings if m]
    if not candidates:
        # A Markdown page without `## N.` headings still numbers its questions in plain lines.
        candidates = [
            (i, m)
            for i, line in enumerate(lines)
            if (m := _PLAIN_QUESTION.match(line)) and _ENDS_AS_QUESTION.search(m.group(2))
        ]
    by_number: dict[int, list[int]] = {}
    texts = {}
    for i, m in candidates:
        by_number.setdefault(int(m.group(1)), []).append(i)
        texts[i] = m.group(2).strip()

    # The nearest numbered line above each line, to recognise an answer's own
    # list running on into a number that looks like the next question.
    previous_numbered: list[tuple[int, int] | None] = []
    last = None
    for i, line in enumerate(lines):
        previous_numbered.append(last)
        if m := _NUMBERED_LINE.match(line):
            last = (i, int(m.group(1)))

    found: list[tuple[int, int, str]] = []
    after = 0
    while True:
        number = len(found) + 1
        index = _next_at_or_after(by_number.get(number, []), after)
        if index is None:
            return found
        floor = found[-1][1] if found else -1
        while True:
            later = _next_at_or_after(by_number[number], index + 1)
            if later is None:
                break
            beyond = _next_at_or_after(by_number.get(number + 1, []), index + 1)
            prior = previous_numbered[index]
            continues_list = prior is not None and prior[0] > floor and prior[1] == number - 1
            # "3. Why?" right after an answer's items 1 and 2, with another
            # "3. …?" still to come before question 4: the first is list item 3.
            if continues_list and (beyond is None or later < beyond):
                index = later
            else:
                break
        found.append((number, index, texts[index]))
        after = index + 1


def _next_at_or_after(indices: list[int], start: int) -> int | None:
    k = bisect.bisect_left(indices, start)
    return indices[k] if k < len(indices) else None


def _read_heading(lines: list[str], markdown: bool, first_question_line: int) -> tuple[str, str | None]:
    """Return (title, category) from the lines above question 1."""
    filled = [line.strip() for line in lines if line.strip()]
    category = None
    # A lone "Categories …" line above question 1 is the page's title, not its category.
    if len(filled) > 1 and (m := _CATEGORIES.match(filled[0])):
        category = m.group(1).strip() or None
        filled = filled[1:]
    if not filled:
        raise ParseError(f"line {first_question_line + 1}: question 1 comes before any title line")
    if markdown:
        for line in filled:
            if m := _MD_TITLE.match(line):
                return m.group(1), category
    return filled[0], category


# --- claims -----------------------------------------------------------------------

# A list item: "1. ", "1) ", "- ", "* ", "+ " or "• " at the start of a line.
_ITEM = re.compile(r"^[ \t]*(?:\d{1,3}[.)]|[-*+•])[ \t]+(?=\S)")
# An inline item marker: " 2. " right after the end of a sentence, inside a paragraph.
_INLINE_ITEM = re.compile(r"(?:(?<=[.!?:;])|(?<=[.!?:;][\"'’”)\]]))[ \t]+(\d{1,2})[.)][ \t]+(?=\S)")
# Abbreviations that never end a sentence: whatever follows them belongs to the same claim.
_NEVER_FINAL = re.compile(
    r"(?:^|[\s(\[])(?:e\.g|i\.e|cf|Cf|v|vs|No|Nos|Dr|Mr|Mrs|Ms|Gen|Stat|Tex|Pub|Pub\. L|Ann|Rev|Admin|Reg|Sec|Art)\.$"
)
# pysbd sometimes cuts a list number off the text it numbers.
_LONE_NUMBER = re.compile(r"\(?\d{1,3}[.)]")
# Abbreviations that may end a sentence ("in the U.S."), so only join what
# cannot start one: a number, a bracket or a section sign.
_MAYBE_FINAL = re.compile(r"(?:^|[\s(\[])(?:U\.S|U\.S\.C|C\.F\.R|N\.C|Inc|Co|Corp|Ltd|Jr|Sr)\.$")


def segment_answer(answer: str) -> tuple[ClaimSpan, ...]:
    """Cut an answer into claims, in order and without overlap.

    Each list item (a ``1.``/``1)`` line, a ``-``/``*`` bullet, or an inline
    ``1. … 2. …`` run inside a paragraph) is one claim, without its marker; other
    text is split into sentences with pysbd, never inside legal abbreviations and
    citations such as "N.C. Gen. Stat. § 108A-80". Every non-whitespace character
    other than a list marker belongs to exactly one claim.
    """
    spans: list[tuple[int, int]] = []
    for is_item, start, end in _blocks(answer):
        if is_item:
            spans.append((start, end))
        else:
            spans.extend(_paragraph_spans(answer, start, end))

    claims = []
    for start, end in spans:
        start, end = _strip(answer, start, end)
        if start < end:
            claims.append(ClaimSpan(answer[start:end], start, end))
    return tuple(claims)


def _blocks(answer: str) -> list[tuple[bool, int, int]]:
    """Return (is list item, start, end) for each paragraph and list item, in order."""
    blocks: list[tuple[bool, int, int]] = []
    pos = 0
    after_blank = True
    for line in answer.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            after_blank = True
            continue
        if m := _ITEM.match(line):
            blocks.append((True, start + m.end(), end))
        elif not after_blank and (not blocks[-1][0] or line[0] in " \t"):
            # A paragraph's next line, or an indented line under an item, as in Markdown.
            blocks[-1] = (blocks[-1][0], blocks[-1][1], end)
        else:
            blocks.append((False, start, end))
        after_blank = False
    return blocks


def _paragraph_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    markers = []
    for m in _INLINE_ITEM.finditer(text, start, end):
        if int(m.group(1)) == len(markers) + 1:
            markers.append(m)
    if len(markers) < 2:
        return _sentence_spans(text, start, end)
    spans = _sentence_spans(text, start, markers[0].start())
    for here, following in zip(markers, markers[1:]):
        spans.append((here.end(), following.start()))
    # Where the last item ends is not marked; take its first sentence as the
    # item, so a closing "Overall, …" sentence stays a claim of its own.
    spans.extend(_sentence_spans(text, markers[-1].end(), end))
    return spans


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    chunk = text[start:end]
    if not chunk.strip():
        return []
    bounds = [0, *_sentence_starts(chunk), len(chunk)]
    spans: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:]):
        a, b = _strip(text, start + a, start + b)
        if a >= b:
            continue
        if spans and _continues(text[spans[-1][0] : spans[-1][1]], text[a:b]):
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    return spans


_WINDOW = 4000


def _sentence_starts(chunk: str) -> list[int]:
    """Offsets in `chunk` where pysbd starts a new sentence (never 0)."""
    # pysbd's spans are used only as cut points, so any text it fails to
    # return still lands in a claim instead of being dropped. It also slows
    # down quadratically on long text, so a long paragraph goes through in
    # windows. The cut nearest a window's end may come from the truncation, so
    # it is dropped and the next window resumes at the cut before it.
    starts: list[int] = []
    pos = 0
    while True:
        window = chunk[pos : pos + _WINDOW]
        found = sorted({s.start for s in _segmenter().segment(window) if 0 < s.start < len(window)})
        if pos + _WINDOW >= len(chunk):
            return starts + [pos + cut for cut in found]
        if found:
            kept = found[:-1] or found
            starts.extend(pos + cut for cut in kept)
            pos += kept[-1]
        else:
            # One sentence longer than the window: no cut inside it.
            pos += _WINDOW


def _continues(previous: str, following: str) -> bool:
    """Whether pysbd cut inside one sentence, e.g. "N.C. Gen. Stat. | § 108A-80"."""
    head = following[0]
    if head == "§" or head.islower():
        return True
    if _NEVER_FINAL.search(previous) or _LONE_NUMBER.fullmatch(previous):
        return True
    return bool(_MAYBE_FINAL.search(previous)) and (head.isdigit() or head in "([")


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_local = threading.local()


def _segmenter() -> pysbd.Segmenter:
    # pysbd keeps the text being segmented on the instance, so threads
    # (a threaded server, parallel imports) must not share one.
    segmenter = getattr(_local, "segmenter", None)
    if segmenter is None:
        segmenter = _local.segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return segmenter


# --- fingerprints -------------------------------------------------------------------

_STRAIGHT_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'}
)
_TRAILING_PUNCTUATION = " .,;:!?"


def fingerprint(quote: str) -> str:
    """Return the sha256 hex digest of `quote` normalised for matching.

    Normalised means NFKC, curly quotes made straight, whitespace collapsed,
    casefolded and trailing punctuation removed, so the same claim re-imported
    from a re-typeset page gets the same fingerprint.
    """
    text = unicodedata.normalize("NFKC", quote.translate(_STRAIGHT_QUOTES))
    text = " ".join(text.split()).casefold().rstrip(_TRAILING_PUNCTUATION)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
