"""Benchmark: reading an HTML FAQ page, as ratios against reading an ordinary page of the same size.

The reference is an ordinary blog page of about 1 MB (the seed FAQ, repeated,
as numbered paragraphs inside a theme's header, menus, sidebar and footer),
measured in the same run; each other input is about as large and reports its
time per MB as a ratio to the reference's. "read" is faq.html.read_html (main
content and FAQPage markup); "parse" adds the text parser.

    .venv/bin/python bench/bench_import_html.py [--repeat R]
"""

import argparse
import html
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from faq.html import HtmlError, read_html  # noqa: E402
from faq.parsing import ParseError, parse_document  # noqa: E402

MB = 1_000_000


def seed_pairs() -> list[tuple[str, list[str]]]:
    seed = parse_document((ROOT / "fixtures" / "nc-benefits-data-sharing-ice-faq.txt").read_text(encoding="utf-8"))
    return [(q.question, [p for p in q.answer.split("\n") if p.strip()]) for q in seed.questions]


def ordinary_page(size: int) -> str:
    from faq_pages import wordpress_page

    pairs, parts, number = seed_pairs(), [], 0
    while sum(map(len, parts)) < size:
        for question, lines in pairs:
            number += 1
            parts.append(f"<p>{number}. {html.escape(question)}</p>")
            parts.extend(f"<p>{html.escape(line)}</p>" for line in lines)
    return wordpress_page("\n".join(parts))


def pathological(size: int) -> dict[str, str]:
    depth = size // 11
    return {
        "deep nesting (<div> x N)": "<html><body><h1>T</h1>" + "<div>" * depth + "<p>1. Q?</p><p>A.</p>" + "</div>" * depth,
        "unclosed inline tags": "<html><body><h1>T</h1>" + "<b><i>" * (size // 6) + "<p>1. Q?</p><p>A.</p>",
        "one list of tiny items": "<html><body><h1>T</h1><p>1. Q?</p><ul>" + "<li>An item.</li>" * (size // 20) + "</ul>",
        "one huge paragraph": "<html><body><h1>T</h1><p>1. Q?</p><p>" + "word " * (size // 5) + "</p>",
        "many tiny questions": "<html><body><h1>T</h1>" + "".join(f"<p>{n}. Q{n}?</p><p>A.</p>" for n in range(1, size // 24)),
        "FAQPage JSON-LD": _json_ld(size),
    }


def _json_ld(size: int) -> str:
    import json

    pairs, entities = seed_pairs(), []
    while len(json.dumps(entities)) < size:
        entities.extend(
            {"@type": "Question", "name": q, "acceptedAnswer": {"@type": "Answer", "text": "<p>" + "</p><p>".join(a) + "</p>"}}
            for q, a in pairs
        )
    data = json.dumps({"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": entities})
    return f"<html><head><title>T</title><script type='application/ld+json'>{data}</script></head><body><p>x</p></body></html>"


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def read_and_parse(page: str):
    try:
        parse_document(read_html(page).text)
    except (HtmlError, ParseError):
        pass  # a refusal is an answer too; its cost is what is measured


def _read(page: str):
    try:
        read_html(page)
    except HtmlError:
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--size", type=int, default=MB, help="bytes per input (default 1 MB)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # trafilatura logs every page it finds thin

    reference = ordinary_page(args.size)
    ref_mb = len(reference.encode()) / MB
    ref = timed(lambda: read_and_parse(reference), args.repeat) / ref_mb
    ref_read = timed(lambda: read_html(reference), args.repeat) / ref_mb
    print(f"reference: ordinary blog page, {ref_mb:.2f} MB: read {ref_read:.2f} s/MB, read+parse {ref:.2f} s/MB")
    for name, page in pathological(args.size).items():
        mb = len(page.encode()) / MB
        per_mb = timed(lambda: read_and_parse(page), args.repeat) / mb
        read_mb = timed(lambda: _read(page), args.repeat) / mb
        print(
            f"{name:28} {mb:5.2f} MB  read {read_mb:6.2f} s/MB (ratio {read_mb / ref_read:5.2f})"
            f"  read+parse {per_mb:6.2f} s/MB (ratio {per_mb / ref:5.2f})"
        )


if __name__ == "__main__":
    main()
