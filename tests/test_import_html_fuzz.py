"""Random HTML pages through the HTML entry point: each imports with every span exact, or is refused.

Hypothesis builds pages from random FAQ content in random wrappers (a blog
theme, FAQPage JSON-LD, microdata, bare markup, a fragment), then breaks some
of them (cut short, closing tags dropped, tag soup and control characters
spliced in, odd charsets). No page may raise anything but ImportRefused, a
refusal writes nothing, and no blog chrome around well-formed content becomes a
claim. Derandomised, so a run in CI is repeatable; a failure found here is kept
as a regular test below.
"""

import html
import json

import pytest
from django.db import transaction
from faq_pages import wordpress_page
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from claims.models import Claim
from faq.importing import ImportRefused, import_faq_html
from faq.models import Document, PageCapture, Question

pytestmark = pytest.mark.django_db

WORDS = [
    "permit", "tenant", "county", "library", "fee", "office", "renewal", "must", "may", "not", "the", "a",
    "within", "days", "U.S.", "N.C. Gen. Stat. §", "108A-80", "e.g.", "café", "naïve", "€40", "“quoted”",
    "it’s", "&", "<b>", "1.", "2)", "-", "*", "?", ":", "Categories", "Home", "\u00a0", "\t", "ü",
]  # fmt: skip
CHROME = ["Skip to content", "Related posts", "Leave a Comment", "Recent Posts", "All rights reserved", "Post Comment"]

words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=10).map(" ".join)
sentence = words.map(lambda text: text[:1].upper() + text[1:] + ".")
question = words.map(lambda text: text[:1].upper() + text[1:] + "?")
paragraph = st.lists(sentence, min_size=1, max_size=3).map(" ".join)
block = st.one_of(paragraph.map(lambda p: ("p", p)), st.lists(sentence, min_size=1, max_size=4).map(lambda i: ("ul", i)))
answer = st.lists(block, min_size=1, max_size=3)
faq = st.lists(st.tuples(question, answer), min_size=1, max_size=5)


def answer_html(blocks, escape) -> str:
    out = []
    for kind, content in blocks:
        if kind == "p":
            out.append(f"<p>{escape(content)}</p>")
        else:
            out.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in content) + "</ul>")
    return "".join(out)


def render(pairs, wrapper, escape) -> str:
    if wrapper == "json-ld":
        entities = [
            {"@type": "Question", "name": q, "acceptedAnswer": {"@type": "Answer", "text": answer_html(a, escape)}}
            for q, a in pairs
        ]
        data = json.dumps({"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": entities})
        return f"<html><head><title>Fuzzed FAQ</title><script type='application/ld+json'>{data}</script></head><body><p>x</p></body></html>"
    if wrapper == "microdata":
        items = "".join(
            f"<div itemscope itemprop='mainEntity' itemtype='https://schema.org/Question'><h3 itemprop='name'>{escape(q)}</h3>"
            f"<div itemscope itemprop='acceptedAnswer' itemtype='https://schema.org/Answer'><div itemprop='text'>"
            f"{answer_html(a, escape)}</div></div></div>"
            for q, a in pairs
        )
        return f"<html><head><title>Fuzzed FAQ</title></head><body><div itemscope itemtype='https://schema.org/FAQPage'>{items}</div></body></html>"
    content = "".join(f"<p>{n}. {escape(q)}</p>{answer_html(a, escape)}" for n, (q, a) in enumerate(pairs, 1))
    if wrapper == "blog":
        return wordpress_page(content, title="Fuzzed FAQ")
    if wrapper == "bare":
        return f"<html><body><h1>Fuzzed FAQ</h1>{content}</body></html>"
    return f"<p>Fuzzed FAQ</p>{content}"  # a fragment: no <html>, no title: the first line is the title


@st.composite
def pages(draw):
    pairs = draw(faq)
    wrapper = draw(st.sampled_from(["blog", "json-ld", "microdata", "bare", "fragment"]))
    escape = html.escape if draw(st.booleans()) else (lambda text: text)  # unescaped: "<b>" and "&" go in raw
    page = render(pairs, wrapper, escape)
    damage = draw(st.sampled_from(["none", "none", "cut", "no-closing-tags", "splice", "controls"]))
    if damage == "cut":
        page = page[: draw(st.integers(0, len(page)))]
    elif damage == "no-closing-tags":
        page = page.replace("</p>", "").replace("</li>", "").replace("</div>", "")
    elif damage == "splice":
        at = draw(st.integers(0, len(page)))
        junk = draw(st.text(alphabet=st.sampled_from("<>/=\"'&;!-[]{}pdivulscript x\n"), max_size=40))
        page = page[:at] + junk + page[at:]
    elif damage == "controls":
        at = draw(st.integers(0, len(page)))
        page = page[:at] + draw(st.text(alphabet=st.characters(max_codepoint=0x9F, categories=["Cc"]), max_size=5)) + page[at:]
    charset = draw(st.sampled_from(["utf-8", "utf-8", "windows-1252", "iso-8859-1", "bogus-charset"]))
    data = page.encode(charset if charset != "bogus-charset" else "utf-8", errors="replace")
    if charset != "utf-8":
        data = f'<meta charset="{charset}">'.encode() + data
    return data, wrapper, damage == "none"


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(pages())
@example((b"<p>1. Q?</p><p>A.</p>", "fragment", True))
def test_a_random_page_imports_with_exact_spans_or_is_refused_with_nothing_written(db, case):
    data, wrapper, intact = case
    with transaction.atomic():
        try:
            result = import_faq_html(data, name="fuzz.html")
        except ImportRefused as refusal:
            event(f"{wrapper}: refused")
            assert str(refusal).startswith("fuzz.html: ")
            assert not (Document.objects.exists() or Question.objects.exists() or Claim.objects.exists())
            assert not PageCapture.objects.exists()
        else:
            event(f"{wrapper}: imported")
            document = result.document
            assert bytes(document.captures.get().content) == data
            claims = list(Claim.objects.filter(question__document=document).select_related("question"))
            for claim in claims:
                assert claim.question.answer[claim.start : claim.end] == claim.quote
            if wrapper == "blog" and intact:
                assert not [c.quote for c in claims if any(chrome in c.quote for chrome in CHROME)]
        transaction.set_rollback(True)
