"""The parts of a page around its questions: title, category and browser chrome.

A page copied from a browser brings the site's header (a "Skip to content"
link, menus, breadcrumbs) and footer ("Related posts:", the comment form,
"Recent Posts", the copyright line). None of it is the FAQ: the header never
becomes the title, and the footer never becomes claims of the last answer.
"""

from __future__ import annotations

import re

from faq.parsing.markdown import Line

# Whole lines (casefolded, without a trailing colon) that only a site's header has.
_HEADER_LINES = frozenset(
    {
        "skip to content", "skip to main content", "skip to navigation", "skip to the content", "menu",
        "main menu", "primary menu", "mobile menu", "toggle navigation", "open menu", "close menu", "navigation",
        "primary navigation", "search", "search for", "search …", "search ...", "close", "home", "sidebar",
        "top", "back to top",
    }
)
# Whole lines that start a site's footer: everything from there on is chrome.
_FOOTER_LINES = frozenset(
    {
        "related posts", "related articles", "related", "you may also like", "you might also like",
        "leave a comment", "leave a reply", "cancel reply", "post comment", "recent posts", "recent comments",
        "post navigation", "share this", "share this post", "share this article", "tags", "archives",
        "previous post", "next post", "comments", "name email website",
    }
)
_FOOTER_START = re.compile(
    r"(?:©|\(c\)\s*\d{4}|copyright\b|all rights reserved|name\s+email\s+website|save my name, email)", re.IGNORECASE
)
_META = re.compile(r"(?:posted on|published on|last updated|updated on|written by|by admin)\b", re.IGNORECASE)
# Only tried right after a non-space: a separator search from every space of a long run is quadratic.
_BREADCRUMB_SEP = re.compile(r"(?<=\S)[ \t]+(?:»|›|>|/|\|)[ \t]+")
# A breadcrumb is short; longer lines are never split looking for one.
_MAX_BREADCRUMB = 300
# "Categories Federal Government", "Category: X", "Categorías: Gobierno federal", "Posted in X".
_CATEGORY = re.compile(
    r"(?:categor(?:y|ies|ía|ías|ia|ias)|posted in|filed under)(?::[ \t]*|[ \t]+)(?!(?:of|and|for|in|to)\b)(\S.*)",
    re.IGNORECASE,
)
_CATEGORY_SEPARATORS = re.compile(r"\s*(?:,|\||·|•|;|\s/\s)\s*")
# Two category links copied without a space between them: "Federal GovernmentGobierno federal".
_RUN_TOGETHER = re.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])")


def _key(text: str) -> str:
    return text.strip().rstrip(":").strip().casefold()


def is_header_chrome(line: Line) -> bool:
    text = line.text.strip()
    if not text:
        return False
    if _key(text) in _HEADER_LINES or _META.match(text):
        return True
    if len(text) > _MAX_BREADCRUMB:
        return False
    parts = _BREADCRUMB_SEP.split(text)
    return len(parts) >= 2 and (_key(parts[0]) == "home" or len(parts) >= 3)


def is_footer_start(line: Line) -> bool:
    text = line.text.strip()
    return bool(text) and (_key(text) in _FOOTER_LINES or bool(_FOOTER_START.match(text)))


def footer_start(lines: list[Line], after: int) -> int:
    """Index of the first footer line after line `after`, or len(lines)."""
    for i in range(after + 1, len(lines)):
        if is_footer_start(lines[i]):
            return i
    return len(lines)


def read_category(text: str) -> list[str] | None:
    """The categories a "Categories …" line names, or None if it is not one."""
    m = _CATEGORY.fullmatch(text.strip())
    if m is None:
        return None
    names = []
    for part in _CATEGORY_SEPARATORS.split(m.group(1).strip()):
        names.extend(name.strip() for name in _RUN_TOGETHER.split(part) if name.strip())
    return names or None


def read_heading(lines: list[Line], stop: int) -> tuple[str | None, int, list[str], int]:
    """(title, title line index, categories, category line index) from the lines above `stop`.

    The title is a Markdown `# Title`, else the line a breadcrumb ends with,
    else, for a page copied with its site header, the last line above the
    questions that is not prose, else the first line. None when no line is left
    once chrome and the category line are set aside.
    """
    categories, category_index = [], -1
    candidates: list[int] = []
    chrome = False
    crumbs: list[str] = []
    for i in range(stop):
        line = lines[i]
        text = line.text.strip()
        if not text:
            continue
        if not categories and (found := read_category(text)) is not None:
            categories, category_index = found, i
            continue
        if is_header_chrome(line):
            chrome = True
            parts = _BREADCRUMB_SEP.split(text)
            if len(parts) >= 2:
                crumbs.append(parts[-1].casefold())
            continue
        if line.heading == 1:
            if not categories:
                categories, category_index = _category_below(lines, i + 1, stop)
            return text, i, categories, category_index
        candidates.append(i)
    if not candidates:
        return None, -1, categories, category_index
    for i in reversed(candidates):
        if lines[i].text.strip().casefold() in crumbs:
            return lines[i].text.strip(), i, categories, category_index
    if chrome:
        titles = [i for i in candidates if not _is_prose(lines[i].text)]
        pick = titles[-1] if titles else candidates[-1]
    else:
        pick = candidates[0]
    return lines[pick].text.strip(), pick, categories, category_index


def _category_below(lines: list[Line], start: int, stop: int) -> tuple[list[str], int]:
    for i in range(start, stop):
        if (found := read_category(lines[i].text)) is not None:
            return found, i
    return [], -1


def _is_prose(text: str) -> bool:
    text = text.strip()
    return text.endswith((".", "!", ":")) and len(text.split()) >= 6
