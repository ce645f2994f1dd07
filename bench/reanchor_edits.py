"""Re-anchoring on scripted random edits of the seed: how claims are classified, and where the script disagrees.

Loads the seed with its review into a throw-away SQLite database, then, for
each trial, applies one or two random edits to the seed's text (a word
changed, a word inserted, a sentence deleted, rewritten, inserted, moved to
another answer, swapped with its neighbour, its spacing or quotation marks
changed, a whole question removed), plans the new version (faq.versions; a
plan writes nothing, so every trial starts from the reviewed seed) and
compares each claim's classification with what the edit script expects.
Prints the totals, the disagreements, and a sample of edited claims (old and
new wording) to check by hand.

    .venv/bin/python bench/reanchor_edits.py [--trials 60] [--seed 11] [--sample 15]
"""

import argparse
import os
import random
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = ["generally", "usually", "often", "typically", "sometimes", "legally", "formally"]
SWAPS = {"may": "must", "can": "cannot", "is": "was", "are": "were", "state": "county", "federal": "national",
         "often": "rarely", "some": "many", "certain": "specific", "individuals": "people", "data": "records"}
UNRELATED = [
    "Office hours are posted on the county website every Monday.",
    "Applicants should bring two forms of identification to their appointment.",
    "The program was renamed in a later session of the legislature.",
]


def setup():
    db = Path(tempfile.mkdtemp()) / "reanchor.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from claims.seed import load_seed_documents
    from claims.seed_review import load_seed_review

    load_seed_documents()
    load_seed_review()


def edits(rng, text, claims, questions):
    """One random edit: (new text, {claim id: expected kind}, expected new claims, description)."""
    unique = [c for c in claims if text.count(c.quote) == 1 and len(c.quote) > 40]
    claim = rng.choice(unique)
    q = claim.quote
    kind = rng.choice(["word", "insert-word", "delete", "rewrite", "insert", "move", "swap", "style", "question"])
    if kind == "word":
        words = [w for w in re.findall(r"\b\w+\b", q) if w in SWAPS]
        if words:
            w = rng.choice(words)
            new = re.sub(rf"\b{w}\b", SWAPS[w], q, count=1)
            return text.replace(q, new), {claim.pk: "edited"}, 0, f"word '{w}'→'{SWAPS[w]}' in claim {claim.pk}"
        kind = "insert-word"
    if kind == "insert-word":
        parts = q.split(" ")
        at = rng.randrange(1, len(parts))
        new = " ".join(parts[:at] + [rng.choice(WORDS)] + parts[at:])
        return text.replace(q, new), {claim.pk: "edited"}, 0, f"word inserted in claim {claim.pk}"
    if kind == "delete":
        return text.replace(q, "", 1), {claim.pk: "removed"}, 0, f"claim {claim.pk} deleted"
    if kind == "rewrite":
        return text.replace(q, rng.choice(UNRELATED)), {claim.pk: "removed"}, 1, f"claim {claim.pk} rewritten"
    if kind == "insert":
        return text.replace(q, q + " " + rng.choice(UNRELATED)), {}, 1, f"sentence inserted after claim {claim.pk}"
    if kind == "move":
        other = rng.choice([x for x in questions if x.pk != claim.question_id])
        target = other.answer.rstrip()
        if text.count(target) != 1 or not q.endswith("."):
            return text.replace(q, q.replace("  ", " ")), {}, 0, "no-op"
        moved = text.replace(" " + q, "", 1) if (" " + q) in text else text.replace(q, "", 1)
        moved = moved.replace(target, target + " " + q, 1)
        return moved, {claim.pk: "unchanged"}, 0, f"claim {claim.pk} moved to question {other.number}"
    if kind == "swap":
        mates = [c for c in unique if c.question_id == claim.question_id and c.position == claim.position + 1]
        if mates and (q + " " + mates[0].quote) in text:
            m = mates[0].quote
            return text.replace(q + " " + m, m + " " + q), {claim.pk: "unchanged", mates[0].pk: "unchanged"}, 0, (
                f"claims {claim.pk} and {mates[0].pk} swapped"
            )
        return text.replace(q, q.replace(" ", "  ", 2)), {claim.pk: "unchanged"}, 0, f"spacing in claim {claim.pk}"
    if kind == "style":
        new = q.replace("’", "'").replace(" ", "\u00a0", 1) if "’" in q else q.replace(" ", "  ", 3)
        return text.replace(q, new), {claim.pk: "unchanged"}, 0, f"spacing/quotes in claim {claim.pk}"
    # A whole question removed: its text from its number line to the next question's.
    question = rng.choice(questions[:-1])
    nxt = questions[questions.index(question) + 1]
    start = text.find(f"\n{question.number}. {question.question}")
    end = text.find(f"\n{nxt.number}. {nxt.question}")
    if start < 0 or end < 0:  # an earlier edit of this trial removed or renumbered it
        return text, {}, 0, "no-op"
    expected = {c.pk: "removed" for c in claims if c.question_id == question.pk}
    rest = text[end:]
    # The questions after it move up one number, as they would on the page.
    for later in questions[questions.index(question) + 1 :]:
        rest = rest.replace(f"\n{later.number}. {later.question}", f"\n{later.number - 1}. {later.question}", 1)
    return text[:start] + rest, expected, 0, f"question {question.number} removed"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--sample", type=int, default=15)
    args = parser.parse_args()
    setup()
    from claims.models import Claim
    from faq.models import Document
    from faq.parsing import normalize_text, parse_document
    from faq.versions import plan_version

    document = Document.objects.get()
    text = document.body
    claims = list(Claim.objects.filter(question__document=document).select_related("question"))
    questions = list(document.questions.order_by("number"))
    rng = random.Random(args.seed)
    totals, disagreements, sample, edits_made = Counter(), [], [], 0
    for trial in range(args.trials):
        changed, expected, expected_new, described = text, {}, 0, []
        for _ in range(rng.choice([1, 1, 2])):
            changed2, exp, new, what = edits(rng, changed, claims, questions)
            if set(exp) & set(expected) or what == "no-op":
                continue
            changed, expected_new = changed2, expected_new + new
            expected.update(exp)
            described.append(what)
            edits_made += 1
        body = normalize_text(changed)
        plan = plan_version(document, parse_document(body), body)
        for key, value in plan.counts.items():
            totals[key] += value
        for item in plan.claims:
            got = "unchanged" if item.kind == "restyled" else item.kind
            want = expected.get(item.claim.pk, "unchanged")
            if got != want:
                disagreements.append((trial, described, item.claim.pk, want, got, item.old_quote, item.quote))
            if got == "edited" and len(sample) < args.sample:
                sample.append((item.claim.pk, round(item.score), item.old_quote, item.quote))
        if plan.counts["new"] != expected_new:
            added = " | ".join(n.quote for n in plan.new_claims)
            disagreements.append((trial, described, None, f"{expected_new} new", f"{plan.counts['new']} new", "", added))
    print(f"{args.trials} trials, {edits_made} edits of the seed ({len(claims)} claims each time)")
    print("classified: " + ", ".join(f"{totals[k]} {k}" for k in ("unchanged", "edited", "removed", "new")))
    print(f"disagreements with the edit script: {len(disagreements)}")
    for trial, described, pk, want, got, old, new in disagreements:
        print(f"  trial {trial} ({'; '.join(described)}): claim {pk} expected {want}, got {got}")
        if old or new:
            print(f"    was: {old}\n    now: {new}")
    print(f"sample of edited claims to check by hand ({len(sample)}):")
    for pk, score, old, new in sample:
        print(f"  claim {pk} (similarity {score}):\n    was: {old}\n    now: {new}")


if __name__ == "__main__":
    main()
