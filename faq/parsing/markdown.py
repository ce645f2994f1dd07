"""Markdown, line by line: headings, emphasis and links become plain text.

The parser reads pages as lines; this module turns each line of a Markdown
page (as written by hand, or as trafilatura writes an HTML page's main content)
into its plain text, remembering what the markup said about it: a heading's
level, a line wholly in bold, and the targets of its links. Answers and quotes
are then plain text ("*italics*" reads "italics"), and a link's target is kept
aside as a lead for reviewers.

Hand-written rather than a CommonMark library: only inline markup is needed
(blocks are the parser's own business), and it must stay linear on hostile
input. markdown-it-py, measured on 400 KB of "*_" runs, took 7.6 times as long
as on 100 KB; every pattern here is linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from faq.parsing.model import PageLink

# A page is read as Markdown when it has a heading, strong emphasis, a link or
# an italic label; plain text keeps every character as written.
_LOOKS_MARKDOWN = re.compile(r"^ {0,3}#{1,6}[ \t]|\*\*\S|__\S|\]\(|^[ \t]*\*[^\s*]|^ {0,3}>", re.MULTILINE)
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]|$)")
_QUOTE = re.compile(r"(?: {0,3}>[ \t]?)+")
# [text](url) and ![alt](src), with an optional "title"; no nested brackets, so linear.
_LINK = re.compile(r"(!?)\[([^\[\]\n]*)\]\([ \t]*([^()\s]*)(?:[ \t]+\"[^\"\n]*\")?[ \t]*\)")
_RUN = re.compile(r"\*+|_+")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_WHOLE_BOLD = re.compile(r"(\*\*|__)(\S.*\S|\S)\1")


@dataclass
class Line:
    """One line of the page as the parser sees it."""

    raw: str
    text: str
    heading: int = 0
    bold: bool = False
    links: list[PageLink] = field(default_factory=list)


def looks_like_markdown(text: str) -> bool:
    return _LOOKS_MARKDOWN.search(text) is not None


def read_lines(text: str, *, markdown: bool) -> list[Line]:
    """Split normalised text into Lines; plain text stays exactly as written."""
    raw_lines = text.split("\n")
    if not markdown:
        return [Line(raw, raw) for raw in raw_lines]
    return [_markdown_line(raw) for raw in raw_lines]


def _markdown_line(raw: str) -> Line:
    body, heading = raw, 0
    if m := _QUOTE.match(body):
        body = body[m.end() :]
    if m := _HEADING.match(body):
        heading = len(m.group(1))
        body = _strip_closing_hashes(body[m.end() :].strip())
    bold = bool(_WHOLE_BOLD.fullmatch(body.strip()))
    links: list[PageLink] = []

    def link(m: re.Match) -> str:
        text = _plain(m.group(2))
        if not m.group(1) and m.group(3):
            links.append(PageLink(text=text, url=m.group(3)))
        return m.group(2)

    body = _LINK.sub(link, body)
    return Line(raw, _plain(body), heading, bold, links)


def _strip_closing_hashes(content: str) -> str:
    # "## Question? ##": a closing run of # after a space. Done by hand: a regex
    # with a lazy body and an optional tail backtracks over long space runs.
    stripped = content.rstrip("#")
    if stripped != content and (not stripped or stripped[-1] in " \t"):
        return stripped.rstrip(" \t")
    return content


def _plain(text: str) -> str:
    """`text` without emphasis markers and backslash escapes."""
    if "*" not in text and "_" not in text and "\\" not in text:
        return text
    drop = _emphasis_markers(text)
    if drop:
        pieces, pos = [], 0
        for a, b in drop:
            pieces.append(text[pos:a])
            pos = b
        pieces.append(text[pos:])
        text = "".join(pieces)
    return _ESCAPE.sub(r"\1", text)


def _emphasis_markers(text: str) -> list[tuple[int, int]]:
    """Spans of the `*`/`_` runs that open or close emphasis, in order.

    A simplified CommonMark delimiter pass: a run opens when a non-space
    follows it and closes when a non-space precedes it (`_` never inside a
    word); a closer pairs with the nearest open run of the same character and
    length. Each run is pushed and popped at most once, so it is linear.
    """
    open_runs: dict[tuple[str, int], list[tuple[int, int]]] = {}
    pairs: list[tuple[int, int]] = []
    length = len(text)
    for m in _RUN.finditer(text):
        a, b = m.span()
        n = b - a
        if n > 3 or (a and text[a - 1] == "\\"):
            continue
        char = text[a]
        before = text[a - 1] if a else " "
        after = text[b] if b < length else " "
        can_open, can_close = not after.isspace(), not before.isspace()
        if char == "_":
            can_open = can_open and not before.isalnum()
            can_close = can_close and not after.isalnum()
        stack = open_runs.get((char, n))
        if can_close and stack:
            pairs.append(stack.pop())
            pairs.append((a, b))
        elif can_open:
            open_runs.setdefault((char, n), []).append((a, b))
    pairs.sort()
    return pairs
