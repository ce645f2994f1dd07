"""Fuzzing the importer through the entry points the admin and the command use.

Generated pages in every layout the parser reads, and broken ones: each either
imports with every span exact (``answer[start:end] == quote``), or is refused
with ImportRefused and nothing written. Never any other exception. Runs at
least 2,000 documents per run (counted below), derandomized so CI sees the
same documents every time. Every failure it found is a named test in
tests/test_import_hardening.py.
"""

import itertools
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.models import Claim
from faq.importing import ImportOptions, ImportRefused, import_faq_bytes, import_faq_text
from faq.models import Document, PageLink, Question

pytestmark = pytest.mark.django_db

def fuzz_settings(count: int) -> settings:
    return settings(
        max_examples=count,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )

# Made-up vocabulary; no text from any site.
WORDS = (
    "agency state county board fee form record data office notice family resident program rule law court "
    "applicant benefit share report review limit year month payment county clerk hearing appeal"
).split()
LEGAL = ["N.C. Gen. Stat. § 108A-80", "42 U.S.C. § 1320b-7", "e.g. the clerk", "the U.S. Congress", "Pub. L. 104-193"]

LAYOUTS = {
    "numbered": lambda n, q: f"{n}. {q}",
    "paren": lambda n, q: f"{n}) {q}",
    "md-numbered": lambda n, q: f"## {n}. {q}",
    "md-heading": lambda n, q: f"### {q}",
    "qa": lambda n, q: f"Q: {q}",
    "bold-q": lambda n, q: f"**Q{n}: {q}**",
    "bold": lambda n, q: f"**{q}**",
}

# Hypothesis chooses the layout, the options and a seed; the words come from a
# seeded random.Random, which is many times faster than drawing each word, so
# 2,000 documents fit in the suite's time.


def _sentence(rng):
    words = rng.choices(WORDS, k=rng.randint(2, 9))
    if rng.random() < 0.3:
        words.insert(rng.randint(0, len(words)), rng.choice(LEGAL))
    k = rng.randrange(len(words))
    style = rng.choice(["plain", "plain", "bold", "italic", "link", "underscore"])
    if style == "bold":
        words[k] = f"**{words[k]}**"
    elif style == "italic":
        words[k] = f"*{words[k]}*"
    elif style == "underscore":
        words[k] = f"_{words[k]}_"
    elif style == "link":
        words[k] = f"[{words[k]}](https://example.org/{words[k]})"
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", "!", ";"])


def _answer(rng):
    paragraphs = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["para", "para", "list", "inline", "lead"])
        if kind == "list":
            marker = rng.choice(["{n}. ", "{n}) ", "- ", "* ", "• "])
            items = [marker.format(n=n) + " ".join(_sentence(rng) for _ in range(rng.randint(1, 2)))
                     for n in range(1, rng.randint(2, 4) + 1)]
            paragraphs.append("\n".join(items))
        elif kind == "inline":
            paragraphs.append(" ".join(f"{n}. {_sentence(rng)}" for n in range(1, 4)))
        elif kind == "lead":
            paragraphs.append(f"Some common rules include:\n1. {_sentence(rng)}\n2. {_sentence(rng)}")
        else:
            paragraphs.append(" ".join(_sentence(rng) for _ in range(rng.randint(1, 4))))
    return "\n\n".join(paragraphs)


def render_valid(layout, seed, questions, blank, header, titled, category, footer, crlf):
    rng = random.Random(seed)
    lines = ["Skip to content", "Menu", "Home » Rules » This page"] if header else []
    if titled:
        lines.append(("# " if layout.startswith("md") else "") + " ".join(rng.choices(WORDS, k=rng.randint(1, 6))).title())
    if category:
        lines.append(rng.choice(["Categories Federal Government", "*Category: Rules*",
                                 "Categories Gobierno federalFederal Government"]))
    for n in range(1, questions + 1):
        question = " ".join(rng.choices(WORDS, k=rng.randint(2, 8))).capitalize()
        if layout in ("md-heading", "bold") or rng.random() < 0.8:
            question += "?"
        lines.append(LAYOUTS[layout](n, question))
        lines.append(("A: " if layout == "qa" else "") + _answer(rng))
    if footer:
        lines += ["Related posts:", "Another page", "Leave a Comment", "© 2026 Example"]
    text = ("\n\n" if blank else "\n").join(lines) + "\n"
    return text.replace("\n", "\r\n") if crlf else text


flag = st.booleans()
valid_page = st.builds(
    render_valid, st.sampled_from(sorted(LAYOUTS)), st.integers(0, 2**32 - 1), st.integers(1, 6),
    flag, flag, flag, flag, flag, flag,
)


NASTY = st.sampled_from(
    ["\x1c", "\x1f", "\x00", "\ud800", "\udfff", "\u2028", "\x0b", "\x0c", "\x85", "\ufeff", "\u202e", "*", "**",
     "_", "[", "](", "#", "\n", "\r", "?", "1. ", "\t", " " * 50, "9" * 5000, "\\", "§", ">", "`"]
)


@st.composite
def broken_page(draw):
    kind = draw(st.sampled_from(["mutated", "mutated", "random", "huge-field", "runs"]))
    if kind == "random":
        return draw(st.text(max_size=300))
    if kind == "runs":
        return "Title\n\n1. Why?\n\n" + draw(NASTY) * draw(st.integers(1, 3000)) + "\n"
    text = draw(valid_page)
    if kind == "huge-field":
        return "Categories " + "C" * draw(st.integers(150, 400)) + "\n" + "T" * draw(st.integers(250, 400)) + "\n" + text
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    for piece in draw(st.lists(st.one_of(NASTY, st.text(max_size=5)), min_size=1, max_size=6)):
        at = rng.randint(0, len(text))
        text = text[:at] + piece + text[at:]
    return text


_slugs = itertools.count()


def high_water() -> tuple:
    """The newest row of each table the importer writes (an index lookup, unlike COUNT(*) on a growing table)."""
    return tuple(
        model.objects.order_by("-pk").values_list("pk", flat=True).first()
        for model in (Document, Question, Claim, PageLink)
    )


def check(call):
    """Run one import; it must import exactly or refuse with nothing written."""
    before = high_water()
    try:
        result = call(ImportOptions(slug=f"fuzz-{next(_slugs)}"))
    except ImportRefused as refusal:
        assert str(refusal)
        assert high_water() == before
        return "refused"
    if result.created:
        claims = Claim.objects.filter(question__document=result.document).select_related("question")
        assert len(claims) == result.claim_count
        for claim in claims:
            assert claim.question.answer[claim.start : claim.end] == claim.quote
        return "imported"
    for question in result.parsed.questions:
        for span in question.claims:
            assert question.answer[span.start : span.end] == span.quote
    return "dry run" if result.dry_run else "unchanged"


def run(strategy, entry, count):
    outcomes = []

    @fuzz_settings(count)
    @given(text=strategy, dry_run=st.booleans())
    def one(text, dry_run):
        outcomes.append(check(lambda options: entry(text, options, dry_run)))

    one()
    print(f"{entry.__name__}: {len(outcomes)} documents, " + ", ".join(
        f"{outcomes.count(kind)} {kind}" for kind in ("imported", "dry run", "unchanged", "refused")
    ))
    return outcomes


def as_bytes(text, options, dry_run):
    return import_faq_bytes(text.encode("utf-8", "surrogatepass"), name="fuzz.txt", options=options, dry_run=dry_run)


def as_pasted(text, options, dry_run):
    return import_faq_text(text, name="pasted text", options=options, dry_run=dry_run)


def test_valid_pages_uploaded_as_bytes_import_exactly():
    outcomes = run(valid_page, as_bytes, 600)
    assert len(outcomes) >= 600
    assert outcomes.count("refused") <= len(outcomes) // 20  # valid pages are nearly all read


def test_valid_pages_pasted_as_text_import_exactly():
    outcomes = run(valid_page, as_pasted, 500)
    assert len(outcomes) >= 500 and outcomes.count("refused") <= len(outcomes) // 20


def test_broken_pages_pasted_as_text_import_exactly_or_are_refused():
    assert len(run(broken_page(), as_pasted, 500)) >= 500


def test_broken_pages_and_raw_bytes_uploaded_import_exactly_or_are_refused():
    raw = st.binary(max_size=400).map(lambda b: b.decode("latin-1"))
    assert len(run(st.one_of(broken_page(), raw), as_bytes, 500)) >= 500
