"""Read an FAQ page's HTML: its main content, its FAQPage markup, its title and category.

Pure functions: no Django, no database. The page's main content is found by
trafilatura, a library made for telling an article from the navigation,
sidebars, "Related posts", comments and footers around it; where the page
carries schema.org FAQPage markup (JSON-LD or microdata), its Question /
acceptedAnswer pairs are used instead. Either way the result is text for the
text parser (faq.parsing), made by one function, ``parser_text``.

Everything read from the page is data: it is turned into plain text here and
escaped wherever it is shown.
"""

from __future__ import annotations

import codecs
import html as html_lib
import json
import re
from dataclasses import dataclass

import lxml.html
import trafilatura
import trafilatura.metadata
from lxml import etree

__all__ = ["HtmlError", "HtmlPage", "QA", "decode_html", "parser_text", "read_html"]


class HtmlError(ValueError):
    """The bytes are not a page we can read; the message says why (the caller names the input)."""


@dataclass(frozen=True)
class QA:
    """A question and its answer from the page's FAQPage markup, as plain text."""

    question: str
    answer: str


@dataclass(frozen=True)
class HtmlPage:
    """What an HTML page says, ready for the text parser."""

    # From <h1>, og:title or <title> minus the site name; None when the page has none.
    title: str | None
    # From the page's category links or a "Categories …" line; None when it has none.
    category: str | None
    # The text the parser reads: the title line, then numbered questions and their answers.
    text: str
    # The FAQPage markup's pairs, in order; empty when the page has none.
    pairs: tuple[QA, ...]


# --- bytes to text -------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# <meta charset="…"> or <meta http-equiv="Content-Type" content="text/html; charset=…">, in the page's head.
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_META_WINDOW = 4096
# Labels that the HTML standard reads as windows-1252 (Python's latin-1 differs in 0x80–0x9F).
_WINDOWS_1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "iso_8859-1", "cp819"}


def decode_html(content: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding) of an HTML page's bytes.

    The encoding is, in order: a byte-order mark, the charset the HTTP header
    declared (`declared`), the page's own ``<meta charset>``, else UTF-8 or,
    if the bytes are not UTF-8, windows-1252 (what browsers assume). Raises
    HtmlError for an unknown charset or bytes that are not in the declared one.
    """
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return _decode(content, encoding, "its byte-order mark")
    if declared:
        return _decode(content, declared, "the HTTP header")
    if m := _META_CHARSET.search(content[:_META_WINDOW]):
        label = m.group(1).decode("ascii")
        # A page that says it is UTF-16 in ASCII markup is not; the standard reads it as UTF-8.
        if not label.lower().startswith("utf-16"):
            return _decode(content, label, "its <meta charset>")
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace"), "windows-1252"


def _decode(content: bytes, label: str, where: str) -> tuple[str, str]:
    name = label.strip().lower()
    encoding = "cp1252" if name in _WINDOWS_1252 else name
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise HtmlError(f"{where} declares the charset {label[:40]!r}, which is not known") from None
    try:
        text = content.decode(codec.name)
    except UnicodeDecodeError as exc:
        raise HtmlError(
            f"is not {label[:40]} text as {where} declares (byte 0x{content[exc.start]:02x} "
            f"at byte offset {exc.start} cannot be decoded)"
        ) from None
    return text, "windows-1252" if codec.name == "cp1252" else codec.name


# --- the page -----------------------------------------------------------------------

# Characters a browser never shows, which would only trouble the parser: C0/C1
# controls other than HTML's white space (tab, newline, form feed, carriage
# return), lone surrogates, non-characters.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CATEGORIES = re.compile(r"^(?:Categories|Category|Filed under)\s*[:\s]\s*(\S.*)$", re.IGNORECASE)
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:»·•]\s+")


def read_html(html: str, *, url: str | None = None, title: str | None = None) -> HtmlPage:
    """Read an HTML page: its title, category, FAQPage pairs and the text for the parser.

    `title`, when given, is the text's title line instead of the page's own
    title. Raises HtmlError when the page has no readable content.
    """
    html = _INVISIBLE.sub("", html)
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise HtmlError(f"is not a readable HTML page ({exc})") from None
    page_title = _page_title(tree)
    title = _one_line(title) or page_title
    category = _categories(tree)

    pairs = _faq_pairs(tree)
    if pairs:
        return HtmlPage(page_title, category, parser_text(title, _pair_blocks(pairs)), pairs)

    items = {_one_line(li.text_content()) for li in tree.iter("li")}
    blocks = _main_blocks(html, url, items)
    # The title shown above the content is already the title line.
    if blocks and not blocks[0].item and any(t and _same(blocks[0].text, t) for t in (title, page_title)):
        blocks = blocks[1:]
    # A "Categories …" line at either end of the content is the page's category, not a claim.
    for index in (0, -1):
        if blocks and not blocks[index].item and (m := _CATEGORIES.match(blocks[index].text)):
            category = category or m.group(1).strip()
            del blocks[index]
    if not blocks:
        raise HtmlError("has no main content that could be read (no text found outside the page's navigation)")
    return HtmlPage(page_title, category, parser_text(title, _number_question_headings(blocks)), ())


_NUMBERED_QUESTION = re.compile(r"^\d+[.)]\s+\S.*\?")


def _number_question_headings(blocks: list[_Block]) -> list[_Block]:
    """Number the question headings ("<h3>Who can apply?</h3>") of a page that numbers none.

    The parser finds questions by their numbers; the number is not part of
    the question's text, so each question is still stored as the page says it.
    """
    if any(not b.item and _NUMBERED_QUESTION.match(b.text) for b in blocks):
        return blocks
    numbered, number = [], 0
    for block in blocks:
        if block.heading and "\n" not in block.text and block.text.endswith("?"):
            number += 1
            block = _Block(False, f"{number}. {block.text}", True)
        numbered.append(block)
    return numbered


def _categories(tree) -> str | None:
    """The page's categories: its category links (rel="category tag", /category/ links in a
    post's category list) or its article:section, as trafilatura reads them."""
    try:
        # Not extract_metadata: that also dates the page (htmldate), which costs more than the rest.
        found = trafilatura.metadata.extract_catstags("category", tree)
    except Exception:  # noqa: BLE001 - a category is a nicety; a page without one still imports
        return None
    return ", ".join(found) or None


def _page_title(tree) -> str | None:
    """<h1> (in the article or main content first), og:title, then <title> minus the site name."""
    for path in ("//article//h1", "//main//h1", "//h1"):
        for h1 in tree.xpath(path):
            if text := _one_line(h1.text_content()):
                return text
    for og in tree.xpath("//meta[@property='og:title' or @name='og:title']/@content"):
        if text := _one_line(og):
            return text
    for element in tree.xpath("//title"):
        if text := _one_line(element.text_content()):
            names = tree.xpath("//meta[@property='og:site_name' or @name='application-name' or @name='og:site_name']/@content")
            sites = {_one_line(name).casefold() for name in names if _one_line(name)}
            parts = _TITLE_SEPARATORS.split(text)
            kept = [part for part in parts if part.casefold() not in sites]
            return " - ".join(kept) if kept and len(kept) < len(parts) else text
    return None


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _same(a: str, b: str) -> bool:
    return _one_line(a).casefold() == _one_line(b).casefold()


# --- blocks of text -----------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    item: bool  # a list item, shown as "- …" on its own line
    text: str  # one or more lines, each with its whitespace collapsed
    heading: bool = False  # <h2>…<h6> (trafilatura's <head>), <summary>


_SKIP = {"script", "style", "template", "noscript", "graphic", "img", "svg", "button", "input", "select"}
_BREAK = {"lb", "br"}
_HEADINGS = {"head", "h2", "h3", "h4", "h5", "h6", "summary"}
_LISTS = {"list", "ul", "ol", "dl"}
_ITEMS = {"item", "li", "dt", "dd"}
_BLOCK = {
    "p", "div", "head", "h1", "h2", "h3", "h4", "h5", "h6", "quote", "blockquote", "pre", "code", "section",
    "article", "main", "table", "tr", "row", "figure", "figcaption", "header", "footer", "aside", "details",
    "summary", "form", "fieldset", "address", "hr",
}  # fmt: skip


def _blocks(root) -> list[_Block]:
    """The paragraphs and list items under `root` (trafilatura's XML or plain HTML), in order."""
    blocks: list[_Block] = []
    buffer: list[str] = []

    def flush(item: bool, heading: bool = False) -> None:
        lines = [_one_line(line) for line in "".join(buffer).split("\n")]
        buffer.clear()
        text = "\n".join(line for line in lines if line)
        if text:
            blocks.append(_Block(item, text, heading))

    def walk(element, item: bool) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in _SKIP or not tag:
            return
        if tag in _BREAK:
            buffer.append("\n")
            return
        boundary = tag in _BLOCK or tag in _LISTS or tag in _ITEMS or tag == "cell" or tag in ("td", "th")
        if boundary:
            flush(item)
        inner_item = item or tag in _ITEMS
        if tag in ("cell", "td", "th") and buffer:
            buffer.append(" ")
        buffer.append(element.text or "")
        for child in element:
            walk(child, inner_item)
            buffer.append(child.tail or "")
        if boundary:
            flush(inner_item, heading=tag in _HEADINGS)

    walk(root, False)
    flush(False)
    return blocks


# What themes put around an article, by element and by the names they give it.
_CHROME = [
    "//nav",
    "//aside",
    "//form",
    "//header[not(ancestor::article)]",
    "//footer[not(ancestor::article)]",
    "//*[@id='comments' or @id='respond' or @id='secondary' or @id='colophon']",
    "//*[contains(@class, 'related') or contains(@class, 'comment') or contains(@class, 'breadcrumb')"
    " or contains(@class, 'skip-link') or contains(@class, 'widget') or contains(@class, 'sidebar')"
    " or contains(@class, 'sharedaddy') or contains(@class, 'share-buttons')]",
]


def _main_blocks(html: str, url: str | None, items: set[str]) -> list[_Block]:
    """The page's main content as blocks.

    trafilatura is asked twice. Favouring precision, it finds where the
    content starts and ends without taking any chrome, but it also drops some
    lists inside that content (an answer's list outside any <article>); favouring
    recall, it keeps them. So the content is recall's lines from precision's
    first line to its last, plus the list items (`items`: the page's <li>
    texts) right after that: an answer may end in a list.
    """
    precise = _extract(html, url, favor_precision=True)
    if not precise:
        return []
    generous = _extract(html, url, favor_recall=True)
    # Line by line: on a short page, recall mode gives one block of lines.
    lines = [(index, line) for index, block in enumerate(generous) for line in block.text.split("\n")]
    texts = [line for _, line in lines]
    head, tail = precise[0].text.split("\n")[0], precise[-1].text.split("\n")[-1]
    if head not in texts or tail not in texts:
        return precise
    first, last = texts.index(head), len(texts) - 1 - texts[::-1].index(tail)
    if last < first:
        return precise
    while last + 1 < len(lines) and (generous[lines[last + 1][0]].item or lines[last + 1][1] in items):
        last += 1
    kept: list[_Block] = []
    previous = None
    for index, line in lines[first : last + 1]:
        item = generous[index].item or (len(generous[index].text.split("\n")) > 1 and line in items)
        if index == previous and not item and not kept[-1].item:
            kept[-1] = _Block(False, f"{kept[-1].text}\n{line}")
        elif index == previous and generous[index].item:
            kept[-1] = _Block(True, f"{kept[-1].text}\n{line}")
        else:
            kept.append(_Block(item, line, generous[index].heading))
        previous = index
    return kept


def _extract(html: str, url: str | None, **favour) -> list[_Block]:
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=False,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            # Keeps headings (a question may be one); bold and italics are read as plain text.
            include_formatting=True,
            deduplicate=False,
            # trafilatura's fallback extractors (readability, jusText) take a
            # short article's whole page, menus and all, so they are not used
            # ("fast"), and the usual chrome is cut first.
            fast=True,
            prune_xpath=_CHROME,
            **favour,
        )
    except Exception as exc:  # noqa: BLE001 - trafilatura's own failure on odd markup is a refusal
        raise HtmlError(f"could not be read as an HTML page ({type(exc).__name__})") from None
    if document is None or document.body is None:
        return []
    return _blocks(document.body)


def _fragment_text(value: str) -> list[_Block]:
    """An answer's text from FAQPage markup: HTML or plain text, as blocks."""
    value = _INVISIBLE.sub("", value)
    if "<" not in value:
        text = "\n".join(line for line in (_one_line(line) for line in html_lib.unescape(value).split("\n")) if line)
        return [_Block(False, text)] if text else []
    try:
        fragment = lxml.html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    return _blocks(fragment)


# --- schema.org FAQPage -----------------------------------------------------------------


def _faq_pairs(tree) -> tuple[QA, ...]:
    return _json_ld_pairs(tree) or _microdata_pairs(tree)


def _json_ld_pairs(tree) -> tuple[QA, ...]:
    pairs: list[QA] = []
    for script in tree.xpath("//script[@type]"):
        if script.get("type", "").split(";")[0].strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue  # a broken block of JSON-LD is ignored, as search engines do
        for page in _nodes_of_type(data, "FAQPage"):
            entities = page.get("mainEntity", [])
            for question in entities if isinstance(entities, list) else [entities]:
                if not (isinstance(question, dict) and _has_type(question, "Question")):
                    continue
                answer = question.get("acceptedAnswer")
                answer = answer[0] if isinstance(answer, list) and answer else answer
                name = question.get("name") or question.get("text")
                if isinstance(answer, dict) and isinstance(name, str) and isinstance(answer.get("text"), str):
                    if pair := _pair(name, answer["text"]):
                        pairs.append(pair)
    return tuple(pairs)


def _nodes_of_type(data, wanted: str, depth: int = 0):
    if depth > 20:
        return
    if isinstance(data, list):
        for entry in data:
            yield from _nodes_of_type(entry, wanted, depth + 1)
    elif isinstance(data, dict):
        if _has_type(data, wanted):
            yield data
        elif "@graph" in data:
            yield from _nodes_of_type(data["@graph"], wanted, depth + 1)


def _has_type(node: dict, wanted: str) -> bool:
    types = node.get("@type", [])
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t.rsplit("/", 1)[-1] == wanted for t in types)


def _microdata_pairs(tree) -> tuple[QA, ...]:
    if not tree.xpath("//*[@itemscope][contains(@itemtype, 'FAQPage')]"):
        return ()
    pairs = []
    for question in tree.xpath("//*[@itemscope][contains(@itemtype, 'schema.org/Question')]"):
        name = _property(question, "name")
        answer = _property(question, "acceptedAnswer")
        text = _property(answer, "text") if answer is not None else None
        if name is not None and text is not None:
            fragment = lxml.html.tostring(text, encoding="unicode", with_tail=False)
            if pair := _pair(name.text_content(), fragment):
                pairs.append(pair)
    return tuple(pairs)


def _property(scope, name: str):
    """The first element under `scope` with itemprop `name` that belongs to `scope` itself."""
    for element in scope.iterdescendants():
        if name in (element.get("itemprop") or "").split():
            owner = next((a for a in element.iterancestors() if a.get("itemscope") is not None), None)
            if owner is scope:
                return element
    return None


def _pair(question: str, answer_html: str) -> QA | None:
    question = _one_line(html_lib.unescape(_INVISIBLE.sub("", question)))
    answer = _join(_fragment_text(answer_html))
    return QA(question, answer) if question and answer else None


def _pair_blocks(pairs: tuple[QA, ...]) -> list[_Block]:
    blocks = []
    for number, pair in enumerate(pairs, start=1):
        blocks.append(_Block(False, f"{number}. {pair.question}"))
        blocks.append(_Block(False, pair.answer))
    return blocks


# --- text for the parser -----------------------------------------------------------------


def _join(blocks: list[_Block]) -> str:
    lines: list[str] = []
    previous = None
    for block in blocks:
        if previous is not None and not (previous.item and block.item):
            lines.append("")
        if block.item:
            first, *rest = block.text.split("\n")
            # Continuation lines are indented, so the parser keeps them in the item.
            lines.extend([f"- {first}", *(f"  {line}" for line in rest)])
        else:
            lines.extend(block.text.split("\n"))
        previous = block
    return "\n".join(lines)


def parser_text(title: str | None, blocks: list[_Block]) -> str:
    """The text the parser reads: a title line (when known), then the blocks.

    Paragraphs are separated by blank lines and each list item is a ``- `` line,
    the plain-text layout faq.parsing reads (a numbered ``1. Question?`` line
    starts each question). The one place to change to feed Markdown instead.
    """
    body = _join(blocks)
    return f"{title}\n\n{body}\n" if title else f"{body}\n"
