"""Normalising text, refusing what is not text, and fingerprints of quotes.

Everything here is linear in the length of the text: a pasted page reaches
these functions before anything else, so a pathological input (a megabyte of
spaces) must cost no more than an ordinary one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from faq.parsing.model import ParseError

_NBSP = str.maketrans({"\u00a0": " ", "\u202f": " "})
# Line breaks other than \n that editors paste: Word's manual break (VT), form
# feed, and Unicode's line and paragraph separators. Each becomes one \n.
_OTHER_BREAKS = str.maketrans({"\v": "\n", "\f": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"})
_TRAILING = " \t"
# C0 and C1 control characters other than tab and newline (after the breaks above became \n).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def normalize_text(text: str) -> str:
    """Return `text` with a BOM removed, line ends as ``\\n``, no-break spaces as
    spaces and no trailing whitespace on any line.

    Curly quotes and everything else are left as written: the stored answer must
    be what the page says.
    """
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_OTHER_BREAKS).translate(_NBSP)
    # Line by line, not one multiline regex: `[ \t]+$` retries at every space of
    # a long run that does not end its line, which is quadratic.
    return "\n".join(line.rstrip(_TRAILING) for line in text.split("\n"))


def check_text(text: str) -> None:
    """Raise ParseError naming the line when normalised `text` holds what no FAQ
    page holds: a lone surrogate (not Unicode text) or a control character
    (binary data or a broken copy; one before a list number used to crash the
    sentence splitter)."""
    for pattern, what in (
        (_SURROGATE, "a lone surrogate, which is not valid Unicode text"),
        (_CONTROL, "a control character; FAQ text has none (is this a binary file or a broken copy?)"),
    ):
        m = pattern.search(text)
        if m is not None:
            line = text.count("\n", 0, m.start()) + 1
            column = m.start() - text.rfind("\n", 0, m.start())
            raise ParseError(f"line {line}, column {column}: U+{ord(m.group()):04X} is {what}")


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
