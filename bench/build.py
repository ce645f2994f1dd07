"""Build a benchmark database of N claims in the seed's shape, with bulk inserts.

Documents of 10–30 questions, 3–12 claims an answer (each an exact span of
the answer), real-length sentences, a realistic mix of statuses, about one
citation per three claims over a few hundred sources (one source cited by
10,000 claims), open and resolved flags, relations, one history row per claim
and a second for every claim that left "unreviewed", and one claim with 1,000
history entries. PostgreSQL is loaded with COPY, SQLite with executemany in
large batches; N=1,000,000 builds in minutes on PostgreSQL.

The text is generated here (a fixed random seed), never copied from anywhere.
Call `build(n_claims)` after django.setup(), on an empty, migrated database.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from django.core.management.color import no_style
from django.db import connection, transaction

# Words a claims table search finds often ("benefits") and almost never ("zeugma").
COMMON_WORD = "benefits"
RARE_WORD = "zeugma"
MOST_CITED = 10_000
LONG_HISTORY = 1_000
SOURCES = 300

_WORDS = (
    "the agency may share records with federal partners when a statute allows it and a court order "
    "requires disclosure of personal data held by the county department of social services for "
    "applicants who receive food assistance medicaid or cash support under state law the office "
    "keeps each file for five years unless an audit is pending notice must be given in writing "
    "within ten days of a request and families can appeal a decision to a hearing officer who "
    "reviews the evidence the program does not ask about immigration status of household members "
    "who do not apply eligibility depends on income residency and identity documents such as a "
    "license or passport schools cannot release education records without consent except in an "
    "emergency health information is protected by federal privacy rules that limit use"
).split()

# (status, weight, needs a verdict): roughly the mix a working desk has.
_STATUS_MIX = [
    ("unreviewed", 60, False),
    ("flagged", 8, False),
    ("not_checkable", 5, False),
    ("in_review", 4, False),
    ("supported", 10, True),
    ("partly_supported", 4, True),
    ("misleading", 2, True),
    ("contradicted", 3, True),
    ("outdated", 2, True),
    ("unverifiable", 2, True),
]
_STATUSES = [status for status, _, _ in _STATUS_MIX]
_WEIGHTS = [weight for _, weight, _ in _STATUS_MIX]
_VERDICTS = {status for status, _, verdict in _STATUS_MIX if verdict}
_REASONS = ["citation_needed", "dubious", "failed_verification", "vague", "outdated"]
_STANCES = ["supports", "supports", "context", "refutes"]

T0 = datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc)


@dataclass
class Tables:
    """Rows per table, in insertion order; `columns` names each table's columns."""

    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rows: dict[str, list[tuple]] = field(default_factory=dict)

    def add(self, table: str, row: tuple):
        self.rows.setdefault(table, []).append(row)


# Claim columns added since the loader was written, in the order each row carries them.
_CLAIM_EXTRA = ("finding", "triage_rule", "triage_pending", "changed_since_verdict", "reviewed_quote")

COLUMNS = {
    "faq_document": (
        "id", "title", "slug", "category", "jurisdiction", "source_url", "retrieved_on", "body",
        "content_sha256", "created_at", "updated_at", "is_published", "gone_reason", "check_etag", "check_last_modified",
        "matching_jurisdiction",
    ),
    "faq_documentversion": (
        "id", "number", "body", "content_sha256", "created_at", "unchanged_count", "edited_count",
        "removed_count", "new_count", "document_id",
    ),
    "faq_question": ("id", "number", "question", "answer", "document_id"),
    "claims_claim": (
        "id", "position", "quote", "start", "end", "statement", "status", "rationale", "reviewed_at",
        "fingerprint", "version", "created_at", "updated_at", "question_id",
        *_CLAIM_EXTRA, "masked_text", "masked_fingerprint", "masked_places",
    ),
    "claims_historicalclaim": (
        "id", "position", "quote", "start", "end", "statement", "status", "rationale", "reviewed_at",
        "fingerprint", "version", "created_at", "updated_at", "question_id", *_CLAIM_EXTRA,
        "history_id", "history_date", "history_type", "history_change_reason",
    ),
    "claims_flag": ("id", "reason", "note", "raised_at", "resolved_at", "resolution", "claim_id"),
    "claims_historicalflag": (
        "id", "reason", "note", "raised_at", "resolved_at", "resolution", "claim_id",
        "history_id", "history_date", "history_type",
    ),
    "claims_claimrelation": ("id", "kind", "note", "created_at", "from_claim_id", "to_claim_id"),
    "sources_source": (
        "id", "kind", "title", "citation", "jurisdiction", "url", "publisher", "archived_url",
        "reliability", "notes", "link_error", "created_at", "updated_at", "discusses",
    ),
    "sources_historicalsource": (
        "id", "kind", "title", "citation", "jurisdiction", "url", "publisher", "archived_url",
        "reliability", "notes", "link_error", "created_at", "updated_at", "discusses",
        "history_id", "history_date", "history_type",
    ),
    "sources_citation": ("id", "stance", "pinpoint", "excerpt", "note", "added_at", "claim_id", "source_id"),
    "sources_historicalcitation": (
        "id", "stance", "pinpoint", "excerpt", "note", "added_at", "claim_id", "source_id",
        "history_id", "history_date", "history_type",
    ),
}
HISTORY_IDS = {
    "claims_historicalclaim": "history_id",
    "claims_historicalflag": "history_id",
    "sources_historicalsource": "history_id",
    "sources_historicalcitation": "history_id",
}


def sentence(rng: random.Random, claim_id: int) -> str:
    words = rng.choices(_WORDS, k=rng.randint(12, 32))
    if rng.random() < 0.3:
        words[rng.randrange(len(words))] = COMMON_WORD
    if claim_id % 9_973 == 0:
        words[rng.randrange(len(words))] = RARE_WORD
    return " ".join(words).capitalize() + "."


class Loader:
    """Streams rows into the database in batches, by COPY on PostgreSQL."""

    BATCH = 20_000

    def __init__(self):
        self.pending: dict[str, list[tuple]] = {}
        self.counts: dict[str, int] = {}
        self.postgres = connection.vendor == "postgresql"

    def add(self, table: str, row: tuple):
        batch = self.pending.setdefault(table, [])
        batch.append(row)
        if len(batch) >= self.BATCH:
            self.flush(table)

    def flush(self, table: str | None = None):
        for name in [table] if table else list(self.pending):
            rows = self.pending.pop(name, [])
            if rows:
                self._write(name, rows)
                self.counts[name] = self.counts.get(name, 0) + len(rows)

    def _write(self, table: str, rows: list[tuple]):
        columns = COLUMNS[table]
        quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
        if self.postgres:
            with connection.connection.cursor() as cursor:
                with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            converted = [tuple(_sqlite_value(value) for value in row) for row in rows]
            marks = ", ".join("?" for _ in columns)
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", converted)


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def build(n_claims: int, *, seed: int = 1, progress=print) -> dict[str, int]:
    """Fill an empty, migrated database with `n_claims` claims; returns rows written per table."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Rows arrive child batches before parent batches; every key is generated
            # consistently here, so foreign-key triggers are skipped for the load.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        counts = _build(n_claims, seed=seed, progress=progress)
        _reset_sequences()
        # The claims citing each source, as sources.counts keeps them (COPY sends no signal).
        from sources.counts import recount
        from sources.models import Source

        recount(Source.objects.values_list("pk", flat=True))
    _analyze()
    return counts


def _build(n_claims: int, *, seed: int, progress) -> dict[str, int]:
    rng = random.Random(seed)
    out = Loader()
    history_id = {table: 0 for table in HISTORY_IDS}

    def history(table: str, row: tuple, when: datetime, kind: str, *extra):
        history_id[table] += 1
        out.add(table, (*row, history_id[table], when, kind, *extra))

    for source_id in range(1, SOURCES + 1):
        kind = "statute" if source_id % 3 else "agency_document"
        row = (
            source_id, kind, f"Bench source {source_id}: records and eligibility",
            f"N.C. Gen. Stat. § 108A-{source_id}" if kind == "statute" else "",
            "NC", f"https://law.example.org/source/{source_id}", "Bench publisher", "", "official",
            "What the source says about records.", "", T0, T0, "",
        )
        out.add("sources_source", row)
        history("sources_historicalsource", row, T0, "+")

    claim_id = question_id = document_id = flag_id = relation_id = citation_id = 0
    # The most cited source takes the first 10,000 citations; the rest spread over the others.
    cited_most = 0
    long_history_claim = None
    while claim_id < n_claims:
        document_id += 1
        when = T0 + timedelta(minutes=document_id)
        n_questions = rng.randint(10, 30)
        title = f"Bench FAQ {document_id}: records, {rng.choice(_WORDS)} and {rng.choice(_WORDS)}"
        body_parts = ["Categories Benchmark", "", title, ""]
        for number in range(1, n_questions + 1):
            if claim_id >= n_claims:
                break
            question_id += 1
            question_text = f"Does the {rng.choice(_WORDS)} rule apply to {rng.choice(_WORDS)} records?"
            sentences = []
            for _ in range(rng.randint(3, 12)):
                if claim_id + len(sentences) >= n_claims:
                    break
                sentences.append(sentence(rng, claim_id + len(sentences) + 1))
            answer = " ".join(sentences)
            body_parts += [f"{number}. {question_text}", "", answer, ""]
            out.add("faq_question", (question_id, number, question_text, answer, document_id))
            offset = 0
            for position, quote in enumerate(sentences, start=1):
                claim_id += 1
                start, end = offset, offset + len(quote)
                offset = end + 1
                status = rng.choices(_STATUSES, _WEIGHTS)[0]
                if claim_id == 2:
                    long_history_claim = claim_id
                    status = "supported"
                verdict = status in _VERDICTS
                rationale = (
                    "Checked against the statute and the agency's own guidance."
                    if verdict or status == "not_checkable"
                    else ""
                )
                reviewed_at = when + timedelta(days=1, seconds=claim_id % 86_400) if verdict else None
                fingerprint = hashlib.sha256(quote.lower().encode()).hexdigest()
                finding = "The statute says what the claim says." if verdict else ""
                row = (
                    claim_id, position, quote, start, end, quote, status, rationale, reviewed_at,
                    fingerprint, 1 if status == "unreviewed" else 2, when, reviewed_at or when, question_id,
                    finding, "", False, False, "",
                )
                out.add("claims_claim", (*row, quote.lower(), fingerprint, ""))
                history(
                    "claims_historicalclaim",
                    (*row[:6], "unreviewed", "", None, *row[9:14], "", *row[15:]),
                    when, "+", None,
                )
                if status != "unreviewed":
                    history("claims_historicalclaim", row, reviewed_at or when + timedelta(hours=1), "~", None)
                if claim_id == long_history_claim:
                    for step in range(LONG_HISTORY - 2):
                        state = "in_review" if step % 2 == 0 else "supported"
                        history(
                            "claims_historicalclaim",
                            (*row[:6], state, *row[7:]),
                            when + timedelta(minutes=step + 1),
                            "~",
                            "Reopened for another look.",
                        )
                if status == "flagged" or claim_id % 50 == 0:
                    flag_id += 1
                    resolved = None if status == "flagged" else when + timedelta(hours=2)
                    flag = (
                        flag_id, rng.choice(_REASONS), "Internal note.", when, resolved,
                        "" if resolved is None else "Fixed.", claim_id,
                    )
                    out.add("claims_flag", flag)
                    history("claims_historicalflag", flag, when, "+")
                if claim_id % 97 == 0 and claim_id > 1:
                    relation_id += 1
                    kind = ("contradicts", "duplicates", "qualifies")[relation_id % 3]
                    out.add("claims_claimrelation", (relation_id, kind, "Bench relation.", when, claim_id, claim_id - 1))
                if claim_id % 3 == 0 or claim_id == long_history_claim:
                    citation_id += 1
                    if cited_most < MOST_CITED:
                        cited_most += 1
                        source_id = 1
                    else:
                        source_id = 2 + int(rng.paretovariate(1.2)) % (SOURCES - 1)
                    citation = (
                        citation_id, rng.choice(_STANCES), f"(a)({claim_id % 7 + 1})",
                        "The passage relied on.", "", when, claim_id, source_id,
                    )
                    out.add("sources_citation", citation)
                    history("sources_historicalcitation", citation, when, "+")
        body = "\n".join(body_parts)
        out.add(
            "faq_document",
            (
                document_id, title, f"bench-faq-{document_id}", "Benchmark", "NC",
                f"https://faq.example.org/bench/{document_id}", date(2025, 1, 6), body,
                hashlib.sha256(body.encode()).hexdigest(), when, when, True, "", "", "",
                "NC",  # matching_jurisdiction: the jurisdiction, as Document.save derives it
            ),
        )
        out.add(
            "faq_documentversion",
            (document_id, 1, body, hashlib.sha256(body.encode()).hexdigest(), when, 0, 0, 0, 0, document_id),
        )
        if document_id % 500 == 0:
            progress(f"  {claim_id:,} claims …")
    # Parents before children, so foreign keys hold even where they are checked at once.
    for table in ("faq_document", "faq_question", "sources_source", "claims_claim"):
        out.flush(table)
    out.flush()
    return dict(out.counts)


def _reset_sequences():
    from django.apps import apps

    models = [
        model
        for app in ("faq", "claims", "sources")
        for model in apps.get_app_config(app).get_models()
    ]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def _analyze():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
