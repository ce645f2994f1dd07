"""Turn an FAQ page's text into a title, a category and questions whose answers
are cut into claims.

Pure functions: no Django, no database. Everything downstream (the importer, the
public page highlighting a claim in place) relies on one invariant, checked by
the tests: for every claim, ``answer[claim.start:claim.end] == claim.quote``.

The package, by domain: `text` (normalising, refusing non-text, fingerprints),
`markdown` (inline markup to plain text, links kept aside), `page` (title,
category, browser chrome), `layouts` (finding the questions, with warnings
where it guesses), `claims` (cutting answers into claims) and `triage`
(sentences suggested not checkable).
"""

from __future__ import annotations

from faq.parsing.claims import segment_answer
from faq.parsing.layouts import find_questions, first_candidate
from faq.parsing.markdown import looks_like_markdown, read_lines
from faq.parsing.model import ClaimSpan, PageLink, ParsedDocument, ParsedQuestion, ParseError, ParseWarning
from faq.parsing.page import footer_start, read_category, read_heading
from faq.parsing.text import check_text, fingerprint, normalize_text
from faq.parsing.triage import triage_rule

__all__ = [
    "ClaimSpan",
    "PageLink",
    "ParseError",
    "ParseWarning",
    "ParsedDocument",
    "ParsedQuestion",
    "check_text",
    "fingerprint",
    "normalize_text",
    "parse_document",
    "segment_answer",
    "triage_rule",
]

NO_QUESTIONS = (
    "no questions found (expected numbered lines like '1. Question?' or '1) Question?', "
    "Markdown headings like '## Question?', bold '**Question?**' lines or 'Q:'/'A:' pairs)"
)
# A preview lists at most this many guesses of one kind, then says how many more.
MAX_WARNINGS = 50


def parse_document(text: str) -> ParsedDocument:
    """Parse an FAQ page (plain text or Markdown) into a ParsedDocument.

    The text is normalised first (see normalize_text) and refused, naming the
    line, if it holds control characters or lone surrogates. The questions
    are found in whichever common layout the page uses (see faq.parsing.layouts);
    the title and category come from the lines above the first question, with
    a browser's header and footer set aside. Where the parser guesses, the
    result's `warnings` say so line by line. Raises ParseError naming the line
    and the problem.
    """
    text = normalize_text(text)
    check_text(text)
    if not text.strip():
        raise ParseError("the document is empty")
    lines = read_lines(text, markdown=looks_like_markdown(text))
    first = first_candidate(lines)
    if first is None:
        raise ParseError(NO_QUESTIONS)
    footer = footer_start(lines, first)
    warnings: list[ParseWarning] = []
    found = find_questions(lines[:footer], warnings)
    if not found:
        raise ParseError(NO_QUESTIONS)
    title, title_index, categories, category_index = read_heading(lines, found[0].index)
    if not categories and footer < len(lines):
        # A page copied whole may name its category only at the foot ("Posted in …").
        for i in range(footer, len(lines)):
            if (names := read_category(lines[i].text)) is not None:
                categories, category_index = names, i
                break
    if footer < len(lines):
        warnings.append(
            ParseWarning(
                footer + 1,
                f"{lines[footer].text.strip()!r} starts the page's footer; it and the "
                f"{sum(1 for line in lines[footer + 1 :] if line.text.strip())} lines after it are left out",
            )
        )

    questions = []
    for k, item in enumerate(found):
        stop = found[k + 1].index if k + 1 < len(found) else footer
        answer_lines = [line.text for line in lines[item.answer_from : stop]]
        if answer_lines and item.cut:
            answer_lines[0] = answer_lines[0][item.cut :]
        answer = "\n".join(answer_lines).strip("\n")
        if not answer.strip():
            raise ParseError(f"line {item.index + 1}: question {k + 1} has no answer")
        links = tuple(link for line in lines[item.index : stop] for link in line.links)
        questions.append(
            ParsedQuestion(k + 1, item.question, answer, segment_answer(answer), line=item.index + 1, links=links)
        )
    return ParsedDocument(
        title=title,
        category=categories[0] if categories else None,
        questions=tuple(questions),
        warnings=_capped(sorted(warnings, key=lambda w: w.line)),
        categories=tuple(categories),
        title_line=title_index + 1,
        category_line=category_index + 1,
    )


def _capped(warnings: list[ParseWarning]) -> tuple[ParseWarning, ...]:
    if len(warnings) <= MAX_WARNINGS:
        return tuple(warnings)
    rest = len(warnings) - MAX_WARNINGS
    last = warnings[MAX_WARNINGS]
    return (*warnings[:MAX_WARNINGS], ParseWarning(last.line, f"and {rest} more guesses like these from here on"))
