"""Benchmark: matching a new document's claims against a large stored set, as a ratio to importing it.

Builds N stored claims with bulk inserts (PostgreSQL: INSERT … SELECT over
generate_series, their band keys computed in Python and loaded with COPY): the seed
FAQ rewritten for 49 other states (the "fifty pages" of a series, the worst
case: every new claim has dozens of matches), and N synthetic claims of 12-28
words drawn from the seed's own vocabulary, so they share the seed's trigrams
and stress the index. Then it imports R times, each a new document, two kinds of page:

- a *series* page: the seed rewritten for a new state (extra questions bring
  it to about 150 claims): every claim has dozens of exact or near copies;
- an *unseen* page: the same questions, every sentence's words shuffled:
  sentences never seen before, made of the stored claims' own words (the
  worst case for any lookup by shared words or trigrams);

and reports for each

    ratio = time of the importer's call of match_document / time of the rest of the import

measured in the same run (on PostgreSQL matching's time includes the checks of
the foreign keys of the rows it wrote, which the database defers to the
commit): matching must cost no more than the import
(ratio <= 1). The database is wiped first; give a database you own:

    DATABASE_URL=postgres://…/scratch .venv/bin/python bench/bench_matching.py --claims 1000000 --wipe
    DATABASE_URL=postgres://…/scratch .venv/bin/python bench/bench_matching.py --reuse   # measure again
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from claims.bands import band_keys  # noqa: E402
from claims.masking import STATES, masked_fields  # noqa: E402
from claims.matching import match_document  # noqa: E402
from claims.models import Claim  # noqa: E402
from faq.importing import ImportOptions, import_faq_text  # noqa: E402
from faq.models import Document, Question  # noqa: E402
from faq.parsing import fingerprint  # noqa: E402

SEED = (ROOT / "fixtures" / "nc-benefits-data-sharing-ice-faq.txt").read_text(encoding="utf-8")


def for_state(state: str) -> str:
    return SEED.replace("North Carolina", state)


def new_document_text(state: str) -> str:
    """The seed about `state`, plus its first questions again renumbered: about 150 claims."""
    text = for_state(state)
    extra = re.findall(r"(?ms)^(\d+)\. (.*?\?)\n\n(.*?)(?=^\d+\. |\Z)", text)[:4]
    last = max(int(n) for n in re.findall(r"(?m)^(\d+)\. .*\?$", text))
    more = [f"{last + i}. {q} (again)\n\n{a.strip()} This holds in {state} as of 2025." for i, (_, q, a) in enumerate(extra, 1)]
    return text + "\n\n" + "\n\n".join(more) + "\n"


def unseen_document_text(state: str) -> str:
    """The series page of `state` with every answer sentence's words shuffled: about 150 sentences never seen."""
    rnd = random.Random(state)
    lines = []
    for line in new_document_text(state).splitlines():
        if not line.strip() or re.match(r"^\d+\. .*\?$", line) or line == line.upper():
            lines.append(line)
            continue
        sentences = []
        for sentence in re.split(r"(?<=[.!?])\s+", line.strip()):
            words = sentence.rstrip(".!?").split()
            rnd.shuffle(words)
            sentences.append(" ".join(words).capitalize() + ".")
        lines.append(" ".join(sentences))
    return "\n".join(lines) + "\n"


def fill_bands(batch: int = 20_000) -> int:
    """Band keys of every masked text without any yet, under its first claim (claims.matching.ensure_bands),
    loaded with COPY on PostgreSQL."""
    written = 0
    with connection.cursor() as read:
        read.execute("SELECT DISTINCT c.masked_fingerprint FROM claims_claimband b JOIN claims_claim c ON c.id = b.claim_id")
        keyed = {fp for (fp,) in read.fetchall()}
        read.execute("SELECT min(id), min(masked_text), masked_fingerprint FROM claims_claim WHERE masked_text <> '' "
                     "GROUP BY masked_fingerprint ORDER BY 1")
        rows = [(claim_id, masked) for claim_id, masked, fp in read.fetchall() if fp not in keyed]
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        bands = [(key, claim_id) for claim_id, masked in chunk for key in set(band_keys(masked))]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.connection.cursor().copy("COPY claims_claimband (key, claim_id) FROM STDIN") as copy:
                    for row in bands:
                        copy.write_row(row)
            else:
                cursor.executemany("INSERT INTO claims_claimband (key, claim_id) VALUES (%s, %s)", bands)
        written += len(bands)
    return written


def wipe():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "TRUNCATE faq_document, claims_claim, claims_claimband, claims_textmatch, claims_historicalclaim "
                "RESTART IDENTITY CASCADE"
            )
        else:
            for table in ("claims_claimband", "claims_textmatch", "claims_historicalclaim", "claims_claim", "faq_question", "faq_document"):
                cursor.execute(f"DELETE FROM {table}")


def build_series(states: list[str]) -> None:
    """The seed for each state, saved with bulk inserts (claims copied from the seed's, names swapped)."""
    seed = import_faq_text(SEED, name="seed", options=ImportOptions(slug="seed", jurisdiction="NC")).document
    template = list(Claim.objects.filter(question__document=seed).select_related("question").order_by("pk"))
    questions = list(Question.objects.filter(document=seed).order_by("number"))
    for state in states:
        document = Document.objects.create(
            title=seed.title.replace("North Carolina", state), slug=f"series-{state.lower().replace(' ', '-')}",
            jurisdiction=next(code for code, name in STATES.items() if name == state), body="", content_sha256="",
        )
        new_questions = {
            q.number: q
            for q in Question.objects.bulk_create(
                Question(document=document, number=q.number, question=q.question, answer=q.answer) for q in questions
            )
        }
        claims = []
        for claim in template:
            quote = claim.quote.replace("North Carolina", state)
            masked, masked_fp, named = masked_fields(quote)
            claims.append(
                Claim(
                    question=new_questions[claim.question.number], position=claim.position, quote=quote,
                    start=claim.start, end=claim.start + len(quote), statement=quote, fingerprint=fingerprint(quote),
                    masked_text=masked, masked_fingerprint=masked_fp, match_group=claim.pk, masked_places=named,
                )
            )
        Claim.objects.bulk_create(claims)


def build_synthetic(n: int, per_document: int = 150) -> None:
    """`n` claims of words drawn from the seed's vocabulary, `per_document` to a document, in bulk.

    Each word is picked by a hash of (question, claim, place), so the claims are
    distinct sentences (a linear formula used before made arithmetic runs of the
    vocabulary: about 11,000 distinct texts among a million, most of them near
    one another)."""
    vocabulary = sorted({w.lower() for w in re.findall(r"[A-Za-z]{3,}", SEED)})
    documents = (n + per_document - 1) // per_document
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            raise SystemExit("the synthetic set is built with PostgreSQL's generate_series; use --claims 0 on SQLite")
        cursor.execute(
            """INSERT INTO faq_document (title, slug, category, jurisdiction, source_url, body, content_sha256,
                   matching_jurisdiction, is_published, gone_reason, check_etag, check_last_modified, created_at,
                   updated_at)
               SELECT 'Synthetic ' || d, 'synthetic-' || d, '', '', '', '', '', '', false, '', '', '', now(), now()
               FROM generate_series(1, %s) d""",
            [documents],
        )
        cursor.execute(
            """INSERT INTO faq_question (document_id, number, question, answer)
               SELECT id, 1, 'Synthetic?', '' FROM faq_document WHERE slug LIKE 'synthetic-%%'"""
        )
        cursor.execute(
            """
            WITH words AS (SELECT %s::text[] AS w, %s AS v),
            made AS (
                SELECT q.id AS question_id, p AS position,
                       (SELECT string_agg(words.w[1 + (abs(hashtext(q.id || ':' || p || ':' || i)) %% words.v)], ' ')
                        FROM generate_series(1, 12 + ((q.id + p) %% 17)) i) AS quote
                FROM faq_question q CROSS JOIN generate_series(1, %s) p, words
                WHERE q.question = 'Synthetic?'
            )
            INSERT INTO claims_claim (question_id, position, quote, start, "end", statement, status, rationale, finding,
                fingerprint, masked_text, masked_fingerprint, masked_places, triage_rule, triage_pending, changed_since_verdict, reviewed_quote,
                version, created_at, updated_at)
            SELECT question_id, position, quote, 0, length(quote), quote, 'unreviewed', '', '',
                   encode(sha256(convert_to(quote, 'UTF8')), 'hex'), quote,
                   encode(sha256(convert_to(quote || '#', 'UTF8')), 'hex'), '', '', false, false, '', 1, now(), now()
            FROM made
            """,
            [vocabulary, len(vocabulary), per_document],
        )
        cursor.execute(f"DELETE FROM claims_claim WHERE id IN (SELECT id FROM claims_claim ORDER BY id DESC LIMIT "
                       f"(SELECT greatest(count(*) - %s, 0) FROM claims_claim c JOIN faq_question q ON q.id = c.question_id "
                       f"WHERE q.question = 'Synthetic?'))", [n])
    fill_bands()
    vacuum()


def vacuum() -> None:
    """VACUUM (ANALYZE) the database, as autovacuum would have on a database in use: a table just loaded by
    COPY has no visibility map (every index-only scan of its band keys reads the heap too), and a table never
    analysed misleads the planner (faq_question's default estimate of 223 questions a document turned the
    lookup of a new document's claims into a parallel scan of the million claims: 500 ms instead of 1)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def measure(states: list[str], make_text=new_document_text, prefix: str = "new") -> tuple[list[float], list[float], list[int], list[int]]:
    """Import each state's page; time the importer's own call of match_document apart from the rest."""
    import faq.importing

    timings: list[float] = []
    found: list[int] = []
    postgres = connection.vendor == "postgresql"

    def timed_match(document, **options):
        # The foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED): the import's own checks are
        # run here, before matching, and matching's (one per ClaimBand row it wrote; TextMatch rows have no
        # foreign key) after it, inside its time; otherwise the commit would charge them all to the import.
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        t0 = time.perf_counter()
        found.append(match_document(document, **options))
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        timings.append(time.perf_counter() - t0)
        return found[-1]

    faq.importing.match_document = timed_match
    imports, sizes = [], []
    for state in states:
        text = make_text(state)
        t0 = time.perf_counter()
        document = import_faq_text(text, name=state, options=ImportOptions(slug=f"{prefix}-{state.lower()}")).document
        imports.append(time.perf_counter() - t0 - timings[-1])
        sizes.append(Claim.objects.filter(question__document=document).count())
    faq.importing.match_document = match_document
    return imports, timings, sizes, found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=200_000, help="synthetic stored claims (PostgreSQL)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--wipe", action="store_true", help="required: the database's documents are deleted first")
    parser.add_argument("--reuse", action="store_true", help="measure on the set a previous run built")
    args = parser.parse_args()
    if not (args.wipe or args.reuse):
        raise SystemExit("this benchmark deletes every document of the database first; pass --wipe to agree")
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    if args.reuse:
        Document.objects.filter(slug__startswith="new-").delete()
        Document.objects.filter(slug__startswith="unseen-").delete()
        vacuum()
    else:
        wipe()
        with transaction.atomic():
            build_series([name for code, name in sorted(STATES.items()) if code not in ("NC", "WY", "VT", "UT", "TX", "TN")])
            fill_bands()
        if args.claims:
            build_synthetic(args.claims)
    stored = Claim.objects.count()
    print(f"stored claims: {stored:,} (built in {time.perf_counter() - t0:.0f} s, {connection.vendor})")
    states = ["Wyoming", "Vermont", "Utah", "Texas", "Tennessee"][: args.repeat]
    for label, make_text, prefix in (("series", new_document_text, "new"), ("unseen", unseen_document_text, "unseen")):
        imports, matches, sizes, found = measure(states, make_text, prefix)
        ratios = [m / i for m, i in zip(matches, imports)]
        print(f"{label} page: {statistics.median(sizes)} claims; claims matched per import: {found}")
        print(f"  import without matching: median {statistics.median(imports) * 1000:.0f} ms")
        print(f"  matching:                median {statistics.median(matches) * 1000:.0f} ms")
        print(f"  ratio matching / import: median {statistics.median(ratios):.2f} (max {max(ratios):.2f})")
        print(f"  each import, in order:   {', '.join(f'{r:.2f}' for r in ratios)}")


if __name__ == "__main__":
    main()
