"""Every common FAQ layout, browser chrome around it, and the warnings where the parser guesses.

All pages here are written for the tests (no text copied from any site).
"""

import re
from pathlib import Path

import pytest

from faq.parsing import parse_document

SEED = (Path(__file__).resolve().parents[1] / "fixtures" / "nc-benefits-data-sharing-ice-faq.txt").read_text("utf-8")

QUESTIONS = ["What is the fee?", "Who pays it?", "When is it due?"]
ANSWERS = ["The fee is ten dollars.", "The applicant pays it.", "It is due in May."]


def pairs(doc):
    return [(q.number, q.question, q.answer) for q in doc.questions]


EXPECTED = [(n, q, a) for n, (q, a) in enumerate(zip(QUESTIONS, ANSWERS), start=1)]


def page(question_line, *, title="Fees FAQ", blank=True, answer_prefix=""):
    sep = "\n\n" if blank else "\n"
    parts = [title] if title else []
    for n, (q, a) in enumerate(zip(QUESTIONS, ANSWERS), start=1):
        parts += [question_line(n, q), answer_prefix + a]
    return sep.join(parts) + "\n"


LAYOUTS = {
    "numbered, title, blank lines": page(lambda n, q: f"{n}. {q}"),
    "numbered, title, no blank lines": page(lambda n, q: f"{n}. {q}", blank=False),
    "numbered, no title, blank lines": page(lambda n, q: f"{n}. {q}", title=None),
    "numbered, no title, no blank lines": page(lambda n, q: f"{n}. {q}", title=None, blank=False),
    "1) numbering": page(lambda n, q: f"{n}) {q}"),
    "Markdown ## 1. headings": page(lambda n, q: f"## {n}. {q}", title="# Fees FAQ"),
    "Markdown ### headings": page(lambda n, q: f"### {q}", title="# Fees FAQ"),
    "Q:/A: pairs": page(lambda n, q: f"Q: {q}", answer_prefix="A: ", blank=False),
    "Q1. and A1. pairs in bold": page(lambda n, q: f"**Q{n}.** {q}", answer_prefix="**A:** "),
    "bold **Q1: …?** questions": page(lambda n, q: f"**Q{n}: {q}**"),
    "bold **…?** questions": page(lambda n, q: f"**{q}**"),
    "bold numbered **1. …?**": page(lambda n, q: f"**{n}. {q}**"),
}


@pytest.mark.parametrize("text", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_each_layout_gives_the_same_questions_answers_and_exact_claims(text):
    doc = parse_document(text)
    assert pairs(doc) == EXPECTED
    assert doc.title == (None if not text.startswith(("Fees", "#")) else "Fees FAQ")
    assert doc.warnings == ()
    for q in doc.questions:
        assert [c.quote for c in q.claims] == [q.answer]
        assert all(q.answer[c.start : c.end] == c.quote for c in q.claims)


def test_questions_without_a_question_mark_are_read_from_their_numbers_with_a_warning():
    doc = parse_document(page(lambda n, q: f"{n}. {q.rstrip('?')}"))
    assert [q.question for q in doc.questions] == [q.rstrip("?") for q in QUESTIONS]
    assert [(w.line, w.message.split(" although")[0]) for w in doc.warnings] == [
        (3, "numbered line read as question 1"),
        (7, "numbered line read as question 2"),
        (11, "numbered line read as question 3"),
    ]


def test_the_seed_with_one_question_mark_removed_still_has_twenty_questions_and_says_where_it_guessed():
    text = SEED.replace("sharing state benefits data with ICE?\n", "sharing state benefits data with ICE\n", 1)
    doc = parse_document(text)
    assert len(doc.questions) == 20
    assert doc.questions[4].question == "What are the privacy concerns associated with sharing state benefits data with ICE"
    [warning] = doc.warnings
    assert warning.line == text.split("\n").index("5. " + doc.questions[4].question) + 1
    assert "no '?'" in warning.message


def test_the_seed_without_its_title_and_category_lines_has_no_title():
    body = SEED.split("\n", 4)[4]
    doc = parse_document(body)
    assert doc.title is None and len(doc.questions) == 20


def test_the_seed_with_no_blank_lines_reads_the_same():
    squeezed = re.sub(r"\n\n+", "\n", SEED)
    assert [q.question for q in parse_document(squeezed).questions] == [q.question for q in parse_document(SEED).questions]


def test_a_jump_in_the_numbering_is_read_with_a_warning():
    doc = parse_document(page(lambda n, q: f"{n if n < 3 else 5}. {q}"))
    assert pairs(doc) == EXPECTED
    [warning] = doc.warnings
    assert (warning.line, warning.message[:44]) == (11, "the numbering jumps from 2 to 5; read as que")


def test_a_numbered_list_of_questions_inside_an_answer_is_kept_in_it_with_a_warning_per_line():
    doc = parse_document(
        "Benefits FAQ\n\n1. What should applicants ask?\n\nTwo things:\n1. Who sees my data?\n2. What is it used for?\n\n"
        "2. Is sharing legal?\n\nCourts disagree.\n"
    )
    assert [q.question for q in doc.questions] == ["What should applicants ask?", "Is sharing legal?"]
    assert [w.line for w in doc.warnings] == [6, 7]
    assert "read as part of the answer to question 1" in doc.warnings[0].message


def test_a_heading_at_the_questions_level_without_a_question_mark_is_reported():
    doc = parse_document("# Fees\n\n## Who pays?\n\nThe applicant.\n\n## Payment methods\n\nCards.\n\n## When?\n\nIn May.\n")
    assert [q.question for q in doc.questions] == ["Who pays?", "When?"]
    assert "Payment methods" in doc.questions[0].answer
    assert [w.line for w in doc.warnings] == [7]


BROWSER_COPY = """Skip to content
Benefit Guide
Menu
Home
Benefits
Federal Government
Home » Federal Government » Fee Questions in Testland
Fee Questions in Testland
Categories Federal GovernmentGobierno federal
1. What is the fee?
The fee is ten dollars.
2. Who pays it?
The applicant pays it.
Related posts:
Fee Questions in Otherland
Leave a Comment
Comment
Name Email Website
Save my name, email, and website in this browser for the next time I comment.
Recent Posts
Another Post Title
© 2026 Benefit Guide
"""


def test_a_browser_copy_keeps_header_and_footer_out_of_the_title_and_the_claims():
    doc = parse_document(BROWSER_COPY)
    assert doc.title == "Fee Questions in Testland"
    assert doc.categories == ("Federal Government", "Gobierno federal")
    assert doc.category == "Federal Government"
    assert [q.answer for q in doc.questions] == ["The fee is ten dollars.", "The applicant pays it."]
    [warning] = doc.warnings
    assert (warning.line, warning.message) == (
        14,
        "'Related posts:' starts the page's footer; it and the 8 lines after it are left out",
    )


@pytest.mark.parametrize(
    ("line", "categories"),
    [
        ("Categories Federal Government", ("Federal Government",)),
        ("Categorías: Gobierno federal", ("Gobierno federal",)),
        ("Categories Gobierno federal, Inmigración", ("Gobierno federal", "Inmigración")),
        ("*Category: Green Card*", ("Green Card",)),
    ],
)
def test_category_lines_in_english_spanish_and_markdown(line, categories):
    doc = parse_document(f"# Fees FAQ\n\n{line}\n\n## 1. Who pays?\n\nThe applicant.\n")
    assert doc.categories == categories and doc.title == "Fees FAQ"


def test_markdown_markup_leaves_plain_quotes_and_links_become_leads():
    doc = parse_document(
        "# Fees FAQ\n\n## 1. What is the *fee*?\n\nThe fee is **ten** dollars, _per person_, "
        "as [the fee schedule](https://example.org/fees \"Fees\") says. See ![a chart](chart.png) too.\n"
    )
    [q] = doc.questions
    assert q.question == "What is the fee?"
    assert [c.quote for c in q.claims] == [
        "The fee is ten dollars, per person, as the fee schedule says.",
        "See a chart too.",
    ]
    assert [(link.text, link.url) for link in q.links] == [("the fee schedule", "https://example.org/fees")]


def test_a_trafilatura_style_markdown_page_reads_as_its_questions():
    # The shape trafilatura's Markdown output has: headings, lists, emphasis, links, no blank-line discipline.
    doc = parse_document(
        "# Testland Fee Questions\n## 1. Who sets the fee?\nThe **county board** sets it each year.\n"
        "- It meets in *March*.\n- It publishes the [schedule](https://example.org/s).\n"
        "## 2. Can the fee be waived?\nYes. Families under the limit pay nothing.\n"
    )
    assert doc.title == "Testland Fee Questions"
    assert [c.quote for c in doc.questions[0].claims] == [
        "The county board sets it each year.",
        "It meets in March.",
        "It publishes the schedule.",
    ]
    assert [c.quote for c in doc.questions[1].claims] == ["Yes.", "Families under the limit pay nothing."]


def test_numbered_answer_lists_without_question_marks_do_not_outvote_heading_questions():
    # Found by the fuzz test: the list items were read as guessed questions and question 1 had no answer.
    doc = parse_document(
        "# Rules\n\n### Who decides?\n\nThe board.\n\n### How?\n\n1. It meets.\n2. It votes.\n\n### When?\n\nIn May.\n"
    )
    assert [q.question for q in doc.questions] == ["Who decides?", "How?", "When?"]
    assert doc.warnings == ()


def test_a_header_line_with_a_long_run_of_spaces_parses_quickly():
    # Found by review: the breadcrumb separator search retried at every space (quadratic; 40 s for 50 KB).
    doc = parse_document("A" + " " * 100_000 + "title\n\n1. Why?\n\nBecause.\n")
    assert doc.title.startswith("A ") and doc.title.endswith(" title")


def test_text_dense_with_sentence_ends_is_cut_without_pysbd_and_still_joined_after_abbreviations():
    # pysbd's cost is per sentence; "e.g. e.g. …" (found by bench_pathological) takes a simple rule instead.
    answer = "e.g. " * 200 + "The end. " + "A. " * 200
    doc = parse_document("Dense FAQ\n\n1. Why?\n\n" + answer + "\n")
    [q] = doc.questions
    assert q.claims[0].quote == ("e.g. " * 200 + "The end.").strip()
    assert all(q.answer[c.start : c.end] == c.quote for c in q.claims)
    assert "".join(c.quote for c in q.claims).replace(" ", "") == q.answer.replace(" ", "")
