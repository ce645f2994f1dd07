"""Benchmark: parsing an FAQ page, as a ratio against plain pysbd on the same text.

The reference is measured in the same run, so the ratio means the same thing on
any machine: how much the parser (question detection, list items, abbreviation
repair, anchoring) costs on top of the sentence splitter it is built on.

    .venv/bin/python bench/bench_import.py [--copies N] [--repeat R]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import pysbd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from faq.parsing import normalize_text, parse_document  # noqa: E402


def big_faq(copies: int) -> str:
    """The seed FAQ repeated with questions renumbered in sequence (a large, realistic page)."""
    import re

    seed = (ROOT / "fixtures" / "nc-benefits-data-sharing-ice-faq.txt").read_text(encoding="utf-8")
    head, _, rest = seed.partition("\n1. ")
    rest = "1. " + rest
    parts, number = [head], 0
    for _ in range(copies):
        def renumber(match):
            nonlocal number
            number += 1
            return f"{number}. {match.group(1)}"

        parts.append(re.sub(r"(?m)^\d+\. (.*\?)$", renumber, rest))
    return "\n\n".join(parts)


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = big_faq(args.copies)
    answers_only = normalize_text(text)
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def reference():
        for paragraph in answers_only.split("\n\n"):
            segmenter.segment(paragraph)

    parse_document(text)  # warm-up: lazy segmenter, regex compilation
    ours = timed(lambda: parse_document(text), args.repeat)
    ref = timed(reference, args.repeat)
    doc = parse_document(text)
    claims = sum(len(q.claims) for q in doc.questions)
    print(f"input: {len(text.encode()):,} bytes, {len(doc.questions)} questions, {claims} claims")
    print(f"parse_document: {ours:.3f}s   pysbd paragraphs (reference): {ref:.3f}s")
    print(f"ratio parse/reference: {ours / ref:.2f}")


if __name__ == "__main__":
    main()
