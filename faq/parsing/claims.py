"""Cutting an answer into claims a reviewer can judge one at a time."""

from __future__ import annotations

import bisect
import re
import threading

import pysbd

from faq.parsing.model import ClaimSpan
from faq.parsing.triage import triage_rule

# A list item: "1. ", "1) ", "- ", "* ", "+ " or "• " at the start of a line.
_ITEM = re.compile(r"[ \t]*(?:\d{1,3}[.)]|[-*+•])[ \t]+(?=\S)")
# An item whose text is gone ("1." alone on its line, a blank line or the end after it):
# still an item of the list, so the lead-in before it stays a lead-in and the number is no claim.
_EMPTY_ITEM = re.compile(r"[ \t]*(?:\d{1,3}[.)]|[-*+•])[ \t]*")
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
# Where pysbd could cut: a sentence end or a line break before more text. A
# chunk without one is one sentence, and pysbd (slow per call) is not asked.
_MAYBE_CUT = re.compile(r"[.!?;:…\n]\S{0,12}\s+\S")
# A sentence that only introduces the list after it: "Some common ways … include:".
_LEAD_IN = re.compile(
    r"(?:(?:Some|A few|Several|Other|The|These|Key|Common|Examples)\b[^.!?]*?\b(?:include|includes|are|were)"
    r"|Here (?:are|is)\b[^.!?]*|(?:They|These) (?:include|are)|For example|Examples include|The following"
    r"|As follows|Including|Such as)[ \t]*:",
    re.IGNORECASE,
)


def segment_answer(answer: str) -> tuple[ClaimSpan, ...]:
    """Cut an answer into claims, in order and without overlap.

    Each list item (a ``1.``/``1)`` line, a ``-``/``*`` bullet, or an inline
    ``1. … 2. …`` run inside a paragraph) is cut without its marker and then
    into sentences, so an item of two sentences gives two claims, its label
    ("Data Encryption:") staying with the first. Other text is split into
    sentences with pysbd, never inside legal abbreviations and citations such
    as "N.C. Gen. Stat. § 108A-80". A sentence that only introduces the list
    after it ("Some common scenarios include:") is not a claim. Every other
    non-whitespace character other than a list marker belongs to exactly one
    claim, and ``answer[claim.start:claim.end] == claim.quote``.
    """
    blocks = _blocks(answer)
    # pysbd runs once over the whole answer (in windows), not once per item:
    # its cost per call dominates an answer of many short items.
    cuts = _sentence_starts(answer)
    spans: list[tuple[int, int]] = []
    for k, (is_item, start, end) in enumerate(blocks):
        if is_item:
            spans.extend(_sentence_spans(answer, start, end, cuts))
            continue
        paragraph = _paragraph_spans(answer, start, end, cuts)
        before_list = k + 1 < len(blocks) and blocks[k + 1][0]
        if paragraph and before_list and _LEAD_IN.fullmatch(answer[paragraph[-1][0] : paragraph[-1][1]]):
            paragraph.pop()
        spans.extend(paragraph)

    claims = []
    for start, end in spans:
        start, end = _strip(answer, start, end)
        if start < end:
            quote = answer[start:end]
            claims.append(ClaimSpan(quote, start, end, triage_rule(quote)))
    return tuple(claims)


def _blocks(answer: str) -> list[tuple[bool, int, int]]:
    """Return (is list item, start, end) for each paragraph and list item, in order."""
    blocks: list[tuple[bool, int, int]] = []
    pos = 0
    after_blank = True
    lines = answer.split("\n")
    for n, line in enumerate(lines):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            after_blank = True
            continue
        if m := _ITEM.match(line):
            blocks.append((True, start + m.end(), end))
        elif _EMPTY_ITEM.fullmatch(line) and (n + 1 == len(lines) or not lines[n + 1].strip()):
            # An empty item (its text was moved or deleted, its number left): no text, no claim.
            blocks.append((True, end, end))
        elif not after_blank and blocks and (not blocks[-1][0] or line[0] in " \t"):
            # A paragraph's next line, or an indented line under an item, as in Markdown.
            blocks[-1] = (blocks[-1][0], blocks[-1][1], end)
        else:
            blocks.append((False, start, end))
        after_blank = False
    return blocks


def _paragraph_spans(text: str, start: int, end: int, cuts: list[int]) -> list[tuple[int, int]]:
    markers = []
    for m in _INLINE_ITEM.finditer(text, start, end):
        if int(m.group(1)) == len(markers) + 1:
            markers.append(m)
    if len(markers) < 2:
        return _sentence_spans(text, start, end, cuts)
    spans = _sentence_spans(text, start, markers[0].start(), cuts)
    for here, following in zip(markers, markers[1:]):
        spans.extend(_sentence_spans(text, here.end(), following.start(), cuts))
    # Where the last item ends is not marked; its sentences are claims like any other.
    spans.extend(_sentence_spans(text, markers[-1].end(), end, cuts))
    return spans


def _sentence_spans(text: str, start: int, end: int, cuts: list[int]) -> list[tuple[int, int]]:
    """The sentences of text[start:end], cut where pysbd cut the whole answer (`cuts`)."""
    if start >= end or not text[start:end].strip():
        return []
    inside = cuts[bisect.bisect_right(cuts, start) : bisect.bisect_left(cuts, end)]
    bounds = [start, *inside, end]
    spans: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:]):
        a, b = _strip(text, a, b)
        if a >= b:
            continue
        if spans and _continues(text[max(spans[-1][0], spans[-1][1] - 40) : spans[-1][1]], text[a:b], spans[-1][1] - spans[-1][0]):
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    return spans


# pysbd is quadratic inside a window on some text (one abbreviation after another).
_WINDOW = 2000
# Fewer characters than this per possible sentence end, in a window of at least
# _DENSE_WINDOW characters, and the window is cut by _SIMPLE_CUT, not pysbd.
# Prose, even dense with citations ("N.C. Gen. Stat. § 108A-80"), has far more.
_MIN_SENTENCE = 8
_DENSE_WINDOW = 500
_DENSE_END = re.compile(r"[.!?]")
_SIMPLE_CUT = re.compile(r"[.!?][\"'’”)\]]*[ \t\n]+(?=\S)")


def _sentence_starts(chunk: str) -> list[int]:
    """Offsets in `chunk` where pysbd starts a new sentence (never 0)."""
    # pysbd's spans are used only as cut points, so any text it fails to
    # return still lands in a claim instead of being dropped. It also slows
    # down quadratically on long text, so a long paragraph goes through in
    # windows. The cut nearest a window's end may come from the truncation, so
    # it is dropped and the next window resumes at the cut before it.
    if not _MAYBE_CUT.search(chunk.rstrip()):
        return []
    starts: list[int] = []
    pos = 0
    while True:
        window = chunk[pos : pos + _WINDOW]
        found = _cuts(window)
        if pos + _WINDOW >= len(chunk):
            return starts + [pos + cut for cut in found]
        if found:
            kept = found[:-1] or found
            starts.extend(pos + cut for cut in kept)
            pos += kept[-1]
        else:
            # One sentence longer than the window: no cut inside it.
            pos += _WINDOW


def _cuts(window: str) -> list[int]:
    """Where pysbd starts sentences in `window`, found by searching each sentence after the last.

    Not pysbd's own char_span: it searches every sentence from the start of
    the text, which is quadratic in the number of sentences of a window. A
    sentence pysbd returns altered is not found and gives no cut (its text
    still lands in a claim).
    """
    ends = len(_DENSE_END.findall(window))
    if len(window) >= _DENSE_WINDOW and ends * _MIN_SENTENCE > len(window):
        # pysbd's cost is per sentence: text with a possible sentence end every
        # few characters ("e.g. e.g. …", "A. B. C.") is not prose, and a
        # simple rule cuts it, so such input costs no more than prose.
        return [m.end() for m in _SIMPLE_CUT.finditer(window) if m.end() < len(window)]
    cuts, pos = [], 0
    # Segmenter.segment() always computes those spans, so the processor is
    # called directly (pysbd 0.3.x: Segmenter.processor(text).process()).
    for sentence in _segmenter().processor(window).process():
        sentence = sentence.strip()
        if not sentence:
            continue
        at = window.find(sentence, pos)
        if at < 0:
            continue
        if at > 0:
            cuts.append(at)
        pos = at + len(sentence)
    return sorted(set(cuts))


def _continues(tail: str, following: str, previous_length: int) -> bool:
    """Whether pysbd cut inside one sentence, e.g. "N.C. Gen. Stat. | § 108A-80".

    `tail` is the end of the previous piece (enough for the abbreviations).
    """
    head = following[0]
    if head == "§" or head.islower():
        return True
    if _NEVER_FINAL.search(tail) or (previous_length <= 5 and _LONE_NUMBER.fullmatch(tail.strip())):
        return True
    return bool(_MAYBE_FINAL.search(tail)) and (head.isdigit() or head in "([")


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
        segmenter = _local.segmenter = pysbd.Segmenter(language="en", clean=False, char_span=False)
    return segmenter
