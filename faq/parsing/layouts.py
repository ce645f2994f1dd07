"""Finding the questions of a page, in whichever common layout it is written.

Layouts, tried in this order (the first that finds questions wins, except
that 3 and 4 are compared: the one with more questions wins, numbered lines
read without their "?" not counting):

1. Markdown headings with a number: ``## 1. Question?`` (``## Q1: …`` too).
2. ``Q:``/``A:`` pairs: ``Q: Question?`` (or ``Q1.``, ``Question 1:``, in bold
   or not) with the answer after it, its ``A:`` marker left out.
3. Numbered lines ``1. Question?`` or ``1) Question?``, bold or not, with or
   without blank lines, an answer on the line after each.
4. Unnumbered Markdown headings ``### Question?`` or lines wholly in bold
   ``**Question?**`` (whichever there are more of).

Where the parser has to guess it says so in a ParseWarning with the line: a
numbered line read as a question though it lacks its "?", a jump in the
numbering, a numbered line ending in "?" left inside an answer as a list
item, a heading at the questions' level that is not a question.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from faq.parsing.markdown import Line
from faq.parsing.model import ParseWarning

# Up to three spaces of indent, as Markdown allows; deeper indent means a nested list.
# At most nine digits: a question's number fits the column, and int() never
# meets Python's 4,300-digit limit.
_NUMBERED = re.compile(r" {0,3}(\d{1,9})[.)][ \t]+(\S.*)")
_ANY_NUMBERED = re.compile(r"[ \t]*(\d{1,9})[.)][ \t]")
_Q_PREFIX = re.compile(r" {0,3}(?:Q|Question)(?:[ \t]*(\d{1,9})[ \t]*[:.)]|[ \t]*:)[ \t]*(\S.*)")
_A_PREFIX = re.compile(r" {0,3}(?:A|Answer)(?:[ \t]*\d{1,9}[ \t]*[:.)]|[ \t]*:)[ \t]*")
_CLOSERS = "\"'’”)]*_"
# A numbered line with "?" inside an answer more than this many numbers ahead is never a jump.
_MAX_JUMP = 20


@dataclass(frozen=True)
class Found:
    """A question found at line `index`; its answer starts on line `answer_from`, `cut` characters in."""

    index: int
    question: str
    answer_from: int
    cut: int = 0


def ends_as_question(text: str) -> bool:
    return text.rstrip(_CLOSERS).endswith("?")


def first_candidate(lines: list[Line]) -> int | None:
    """Index of the first line that could be a question in any layout."""
    for i, line in enumerate(lines):
        text = line.text
        if _NUMBERED.fullmatch(text) or _Q_PREFIX.fullmatch(text):
            return i
        if (line.heading or line.bold) and ends_as_question(text):
            return i
    return None


def find_questions(lines: list[Line], warnings: list[ParseWarning]) -> list[Found]:
    """The questions of `lines`, in order; guesses are appended to `warnings`."""
    found = _numbered_headings(lines)
    if found:
        return found
    found = _q_and_a(lines)
    if found:
        return found
    numbered_warnings: list[ParseWarning] = []
    numbered = _numbered(lines, numbered_warnings)
    unnumbered_warnings: list[ParseWarning] = []
    unnumbered = _unnumbered(lines, unnumbered_warnings)
    # Numbered lines read without their "?" are guesses: they do not outvote headings that are questions.
    guessed = sum(1 for w in numbered_warnings if "although it has no '?'" in w.message)
    if len(unnumbered) > len(numbered) - guessed:
        warnings.extend(unnumbered_warnings)
        return unnumbered
    warnings.extend(numbered_warnings)
    return numbered


def _numbered_headings(lines: list[Line]) -> list[Found]:
    found = []
    for i, line in enumerate(lines):
        if not line.heading:
            continue
        m = _NUMBERED.fullmatch(line.text) or _Q_PREFIX.fullmatch(line.text)
        if m:
            found.append(Found(i, m.group(2).strip(), i + 1))
    return found


def _q_and_a(lines: list[Line]) -> list[Found]:
    starts = [(i, m) for i, line in enumerate(lines) if (m := _Q_PREFIX.fullmatch(line.text))]
    found = []
    for k, (i, m) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        answer_from, cut = i + 1, 0
        for j in range(i + 1, stop):
            if lines[j].text.strip():
                if a := _A_PREFIX.match(lines[j].text):
                    answer_from, cut = j, a.end()
                break
        found.append(Found(i, m.group(2).strip(), answer_from, cut))
    return found


def _unnumbered(lines: list[Line], warnings: list[ParseWarning]) -> list[Found]:
    headings = [i for i, line in enumerate(lines) if line.heading and ends_as_question(line.text)]
    bold = [i for i, line in enumerate(lines) if line.bold and not line.heading and ends_as_question(line.text)]
    if len(bold) > len(headings):
        return [Found(i, lines[i].text.strip(), i + 1) for i in bold]
    if not headings:
        return []
    level = Counter(lines[i].heading for i in headings).most_common(1)[0][0]
    chosen = [i for i in headings if lines[i].heading == level]
    for i, line in enumerate(lines):
        if i > chosen[0] and line.heading == level and not ends_as_question(line.text) and line.text.strip():
            warnings.append(
                ParseWarning(
                    i + 1,
                    f"heading {line.text.strip()!r} is at the level of the questions but has no '?'; "
                    f"read as part of the answer above it",
                )
            )
    return [Found(i, lines[i].text.strip(), i + 1) for i in chosen]


def _numbered(lines: list[Line], warnings: list[ParseWarning]) -> list[Found]:
    strict: dict[int, list[int]] = {}
    loose: dict[int, list[int]] = {}
    texts: dict[int, str] = {}
    for i, line in enumerate(lines):
        if m := _NUMBERED.fullmatch(line.text):
            text = m.group(2).strip()
            texts[i] = text
            (strict if ends_as_question(text) else loose).setdefault(int(m.group(1)), []).append(i)
    if not texts:
        return []
    strict_lines = sorted(i for indices in strict.values() for i in indices)

    # The nearest numbered line above each line, to recognise an answer's own
    # list running on into a number that looks like the next question.
    previous: list[tuple[int, int] | None] = []
    last = None
    for i, line in enumerate(lines):
        previous.append(last)
        if m := _ANY_NUMBERED.match(line.text):
            last = (i, int(m.group(1)))

    def continues_list(index: int, number: int, floor: int) -> bool:
        prior = previous[index]
        return prior is not None and prior[0] > floor and prior[1] == number - 1

    found: list[Found] = []
    after, expected = 0, 1
    while True:
        number = expected
        floor = found[-1].index if found else -1
        index = _next(strict.get(number, []), after)
        if index is not None:
            while True:
                later = _next(strict[number], index + 1)
                if later is None:
                    break
                beyond = _next(strict.get(number + 1, []), index + 1)
                # "3. Why?" right after an answer's items 1 and 2, with another
                # "3. …?" still to come before question 4: the first is list item 3.
                if continues_list(index, number, floor) and (beyond is None or later < beyond):
                    index = later
                else:
                    break
        following = _next(strict.get(number + 1, []), after)
        guess = None
        if index is None or (following is not None and following < index):
            # No "N. …?" before "N+1. …?": a line numbered N without its "?" is the question.
            limit = following if following is not None else (index if index is not None else len(lines))
            candidates = loose.get(number, [])
            for j in candidates[bisect.bisect_left(candidates, after) :]:
                if j >= limit:
                    break
                if not continues_list(j, number, floor):
                    index, guess = j, "no_mark"
                    break
        if index is None:
            # The numbering jumps: the next numbered "…?" line that is not an answer's list item.
            k = bisect.bisect_left(strict_lines, after)
            for j in strict_lines[k:]:
                written = int(_NUMBERED.fullmatch(lines[j].text).group(1))
                if number < written <= number + _MAX_JUMP and not continues_list(j, written, floor):
                    index, guess = j, "jump"
                    break
        if index is None:
            break
        written = int(_NUMBERED.fullmatch(lines[index].text).group(1))
        position = len(found) + 1
        if guess == "no_mark":
            warnings.append(
                ParseWarning(
                    index + 1,
                    f"numbered line read as question {position} although it has no '?' "
                    f"(it is number {written} in the sequence): {_short(texts[index])!r}",
                )
            )
        elif guess == "jump":
            warnings.append(
                ParseWarning(
                    index + 1,
                    f"the numbering jumps from {number - 1} to {written}; read as question {position}: "
                    f"{_short(texts[index])!r}",
                )
            )
        found.append(Found(index, texts[index], index + 1))
        after, expected = index + 1, written + 1

    chosen = [f.index for f in found]
    chosen_set = set(chosen)
    for i in strict_lines:
        if i not in chosen_set and found and i > found[0].index:
            owner = bisect.bisect_right(chosen, i)
            warnings.append(
                ParseWarning(
                    i + 1,
                    f"numbered line ending in '?' read as part of the answer to question {owner} "
                    f"(a list in the answer, or out of sequence), not as a question: {_short(texts[i])!r}",
                )
            )
    return found


def _next(indices: list[int], start: int) -> int | None:
    k = bisect.bisect_left(indices, start)
    return indices[k] if k < len(indices) else None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
