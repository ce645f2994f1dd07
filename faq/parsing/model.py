"""What the parser returns: plain frozen dataclasses, no Django."""

from __future__ import annotations

from dataclasses import dataclass


class ParseError(ValueError):
    """The text is not an FAQ page we can read; the message names the line and the problem."""


@dataclass(frozen=True)
class ParseWarning:
    """A place where the parser had to guess; `line` is 1-based in the text as given."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ClaimSpan:
    """One assertion: its exact text and where it stands in the answer.

    `triage_rule` names the pre-triage rule that suggests the sentence is not
    checkable (filler, advice, hedging, summary), or is empty.
    """

    quote: str
    start: int
    end: int
    triage_rule: str = ""


@dataclass(frozen=True)
class PageLink:
    """A Markdown link of an answer: its text stays in the answer, its target is kept here."""

    text: str
    url: str


@dataclass(frozen=True)
class ParsedQuestion:
    """A question, its answer as written and the answer's claims."""

    number: int
    question: str
    answer: str
    claims: tuple[ClaimSpan, ...]
    line: int = 0
    links: tuple[PageLink, ...] = ()


@dataclass(frozen=True)
class ParsedDocument:
    """A whole FAQ page as parsed. `title` is None when the text has no title line."""

    title: str | None
    category: str | None
    questions: tuple[ParsedQuestion, ...]
    warnings: tuple[ParseWarning, ...] = ()
    categories: tuple[str, ...] = ()
    title_line: int = 0
    category_line: int = 0

    def to_dict(self) -> dict:
        """Return the document as plain JSON-serialisable data."""
        return {
            "title": self.title,
            "category": self.category,
            "warnings": [{"line": w.line, "message": w.message} for w in self.warnings],
            "questions": [
                {
                    "number": q.number,
                    "question": q.question,
                    "answer": q.answer,
                    "claims": [
                        {"quote": c.quote, "start": c.start, "end": c.end, "triage_rule": c.triage_rule}
                        for c in q.claims
                    ],
                    "links": [{"text": link.text, "url": link.url} for link in q.links],
                }
                for q in self.questions
            ],
        }
