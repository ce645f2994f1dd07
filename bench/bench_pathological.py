"""Benchmark: parsing pathological 1 MB inputs, as a ratio to an ordinary 1 MB FAQ.

Each input is parsed as the importer parses pasted text (normalise, check,
parse, cut claims). Time per MB is reported for each, and its ratio to the
time per MB of an ordinary generated FAQ measured in the same run; the parser
is linear when every ratio stays small (the issue's bar: each <= 3). A
refusal (ParseError) counts as parsed: refusing quickly is the point.

    .venv/bin/python bench/bench_pathological.py [--mb 1.0] [--repeat 3]
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from faq.parsing import ParseError, parse_document  # noqa: E402

WORDS = (
    "agency state county board fee form record data office notice family resident program rule law court "
    "applicant benefit share report review limit year month payment clerk hearing appeal"
).split()
HEAD = "Pathological FAQ\n\n1. Why?\n\n"


def ordinary(size: int) -> str:
    """A generated FAQ: numbered questions, paragraphs and lists, about `size` bytes."""
    rng = random.Random(1)
    parts, n = ["Ordinary FAQ", ""], 0

    def sentence():
        words = " ".join(rng.choices(WORDS, k=rng.randint(6, 16)))
        return words[0].upper() + words[1:] + "."

    total = 0
    while total < size:
        n += 1
        block = [f"{n}. {sentence()[:-1]}?", "", " ".join(sentence() for _ in range(4)), ""]
        block += [f"{k}. {sentence()} {sentence()}" for k in range(1, 4)] + [""]
        text = "\n".join(block)
        parts.append(text)
        total += len(text)
    return "\n".join(parts)


def cases(size: int) -> dict[str, str]:
    half = size // 2
    return {
        "runs of spaces (mid-line)": HEAD + "The fee" + " " * size + "is due.\n",
        "runs of spaces (line ends)": HEAD + ("x" + " " * 999 + "\n") * (size // 1001),
        "** runs (unclosed)": "# T\n\n## 1. Why?\n\n" + "**a " * (size // 4) + "\n",
        "* and _ runs": "# T\n\n## 1. Why?\n\n" + "*_" * half + "\n",
        "** run unbroken": "# T\n\n## 1. Why?\n\n" + "*" * size + "\n",
        "nested brackets": "# T\n\n## 1. Why?\n\n" + "[" * half + "x" + "](u)" * (half // 4) + "\n",
        "nested quotes": "# T\n\n## 1. Why?\n\n" + ("> " * 500 + "text.\n") * (size // 1006),
        "nested lists": "# T\n\n## 1. Why?\n\n" + "".join("  " * (k % 400) + "- item.\n" for k in range(size // 500)),
        "30,000 questions": "Many Questions\n\n" + "".join(f"{n}. Why {n}?\nBecause {n}.\n" for n in range(1, 30001)),
        "numbered lines without ?": "T\n\n" + "".join(f"{n % 50 + 1}. item {n}\n" for n in range(size // 12)),
        "one sentence of dots": HEAD + "a." * half + "\n",
        "short lines of dots": HEAD + ("." * 20 + "\n") * (size // 21),
        "inline list markers": HEAD + "1. " * (size // 3) + "\n",
        "abbreviations (e.g.)": HEAD + "e.g. " * (size // 5) + "\n",
        "one-letter sentences": HEAD + "A. " * (size // 3) + "\n",
        "tiny list items of two sentences": HEAD + "- A b. C d.\n" * (size // 12),
        "space run in the header": "A" + " " * size + "title\n\n1. Why?\n\nBecause.\n",
    }


def per_mb(text: str, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        try:
            parse_document(text)
        except ParseError:
            pass
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs) / (len(text.encode("utf-8")) / 1_000_000)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    size = int(args.mb * 1_000_000)
    reference = per_mb(ordinary(size), args.repeat)
    print(f"ordinary FAQ: {reference:.2f} s/MB (reference)")
    worst = 0.0
    for name, text in cases(size).items():
        seconds = per_mb(text, args.repeat)
        worst = max(worst, seconds / reference)
        print(f"{name:28} {len(text) / 1e6:5.2f} MB  {seconds:7.2f} s/MB  ratio {seconds / reference:5.2f}")
    print(f"worst ratio {worst:.2f} (bar: 3)")
    return 0 if worst <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
