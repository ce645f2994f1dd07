"""The seed FAQ, reviewed: load fixtures/seed_review.json through the workflow.

The fixture says, for every claim of the seed document, what a reviewer
decided (not checkable, flagged, in review, or one of the five verdicts that
the vetted legal sources behind the seed allow, quoted in the fixture), which sources exist and which
claims contradict each other. This module only replays those decisions
through the functions the admin uses (claims.workflow and
Source.objects.resolve_citation), as the non-staff system user named in the
fixture, so every workflow rule holds for the seed as for a person's review.

Claims are found by question number and an exact substring of their quote,
never by position or id, so the fixture survives parser changes; an anchor
that matches no claim or several is refused with a message naming the entry.

Loading again changes nothing. A claim already in the decided state is
skipped; a claim someone has moved elsewhere since (neither unreviewed nor
the decided state) is left as found and listed in the summary, since the
loader must not undo a person's work. Sources that exist are not
overwritten, only their empty fields are filled.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from simple_history.models import HistoricalRecords

from claims import roles, workflow
from claims.models import Claim, ClaimRelation, ClaimStatus, RelationKind
from claims.seed import load_seed_documents
from faq.models import Document
from sources.models import Citation, Source, SourceKind, Stance, discussed_citation

SEED_REVIEW_PATH = settings.BASE_DIR / "fixtures" / "seed_review.json"

# Source fields the fixture may set; anything else in a source entry describes the entry itself.
SOURCE_FIELDS = (
    "title", "kind", "discusses", "jurisdiction", "url", "reliability", "publisher", "published_on", "notes",
)

DECISIONS = ("not_checkable", "flagged", "in_review", "verdicts")


class SeedReviewError(ValueError):
    """The fixture cannot be applied; the message names the entry and the problem."""


@dataclass
class SeedReviewSummary:
    """What one load did, and where the document's claims stand afterwards."""

    document: str
    sources_created: int = 0
    sources_filled: int = 0
    splits: int = 0
    statements: int = 0
    not_checkable: int = 0
    flagged: int = 0
    in_review: int = 0
    verdicts: int = 0
    citations: int = 0
    relations: int = 0
    left_as_found: list[str] = field(default_factory=list)
    status_counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(
            getattr(self, name)
            for name in (
                "sources_created", "sources_filled", "splits", "statements", "not_checkable",
                "flagged", "in_review", "verdicts", "citations", "relations",
            )
        )

    def lines(self) -> list[str]:
        if self.changed:
            done = (
                f"Seed review of '{self.document}': {_count(self.sources_created, 'source')} created "
                f"({self.sources_filled} existing ones completed), {_count(self.splits, 'claim')} split, "
                f"{_count(self.statements, 'statement')} edited, {self.not_checkable} marked not checkable, "
                f"{self.flagged} flagged, {self.in_review} moved to review, "
                f"{_count(self.verdicts, 'verdict')} published, {_count(self.citations, 'citation')} and "
                f"{_count(self.relations, 'contradiction')} recorded."
            )
        else:
            done = f"Seed review of '{self.document}' is already loaded; nothing changed."
        counts = ", ".join(
            f"{ClaimStatus(status).label.lower()} {self.status_counts[status]}"
            for status in ClaimStatus.values
            if self.status_counts.get(status)
        )
        lines = [done, f"Claims by status: {counts}."]
        lines += [f"Left as found: {item}" for item in self.left_as_found]
        return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def read_seed_review(path: Path = SEED_REVIEW_PATH) -> dict:
    """The fixture as data, checked for internal consistency (no database needed)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    _check_data(data)
    return data


def load_seed_review(path: Path = SEED_REVIEW_PATH) -> SeedReviewSummary:
    """Apply the reviewed seed to the database in one transaction; running it again changes nothing.

    Imports the seed documents first (they are needed and that step is itself
    idempotent). Raises SeedReviewError naming the entry when the fixture and
    the document disagree; nothing is written then.
    """
    path = Path(path)
    data = read_seed_review(path)
    with transaction.atomic():
        load_seed_documents()
        document = Document.objects.filter(slug=data["document"]).first()
        if document is None:
            raise SeedReviewError(f"{path.name}: document '{data['document']}' is not in fixtures/seed.json")
        user = _system_user(data["system_user"])
        loader = _Loader(data, document, user, SeedReviewSummary(document=document.slug))
        with _history_user(user):
            loader.run()
        summary = loader.summary
        rows = Claim.objects.filter(question__document=document).order_by().values("status").annotate(n=Count("pk"))
        summary.status_counts = {row["status"]: row["n"] for row in rows}
    return summary


def _system_user(spec: dict):
    user = roles.ensure_system_reviewer(spec["username"])
    if user.first_name != spec["name"]:
        user.first_name = spec["name"]
        user.save(update_fields=["first_name"])
    return user


@contextmanager
def _history_user(user):
    """Attribute history rows saved without an explicit user to `user`.

    The workflow names its user on every row it writes, but sources are made
    by `resolve_citation` (get_or_create), which cannot; this is what
    simple_history's own middleware does for a request, done for a script.
    """
    context = HistoricalRecords.context
    previous = getattr(context, "request", None)
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is None:
            del context.request
        else:
            context.request = previous


@contextmanager
def _naming(where: str):
    """Re-raise a workflow refusal with the fixture entry that caused it."""
    try:
        yield
    except workflow.WorkflowError as exc:
        raise SeedReviewError(f"{where}: {exc}") from exc


def _check_data(data: dict) -> None:
    """Refuse a fixture that contradicts itself, before anything is written."""
    sources = data["sources"]
    for key, spec in sources.items():
        missing = [name for name in ("title", "kind", "url", "notes") if not spec.get(name)]
        if missing:
            raise SeedReviewError(f"source '{key}': missing {', '.join(missing)}")
        if not spec.get("citation") and spec.get("lookup") not in ("url", "title"):
            raise SeedReviewError(f"source '{key}': without a citation it needs lookup 'url' or 'title'")
        if spec.get("citation") and spec["kind"] in SourceKind.documents():
            raise SeedReviewError(
                f"source '{key}': a {spec['kind']} is a document, identified by its URL; give the legal citation "
                f"it is about as 'discusses', not 'citation'"
            )
    seen: dict[tuple[int, str], str] = {}
    for section in DECISIONS:
        for index, entry in enumerate(data[section], start=1):
            where = _where(section, index, entry)
            anchor = (entry["q"], entry["quote_contains"])
            if anchor in seen:
                raise SeedReviewError(f"{where}: the same claim is already decided in {seen[anchor]}")
            seen[anchor] = where
            for cite in _entry_citations(section, entry):
                spec = sources.get(cite["source"])
                if spec is None:
                    raise SeedReviewError(f"{where}: cites unknown source '{cite['source']}'")
                if cite["stance"] not in Stance.values:
                    raise SeedReviewError(f"{where}: unknown stance {cite['stance']!r}")
                if spec.get("context_only") and cite["stance"] != Stance.CONTEXT:
                    raise SeedReviewError(
                        f"{where}: source '{cite['source']}' is for context only (confidence "
                        f"'{spec['confidence']}') and cannot be cited as '{cite['stance']}'"
                    )
    for index, entry in enumerate(data["verdicts"], start=1):
        where = _where("verdicts", index, entry)
        if entry["status"] not in ClaimStatus.verdicts():
            raise SeedReviewError(f"{where}: '{entry['status']}' is not a verdict")
        if "as of" not in entry["rationale"].lower():
            raise SeedReviewError(f"{where}: the rationale must say as of when it holds ('As of 29 April 2026, ...')")
        if not (entry.get("finding") or "").strip():
            raise SeedReviewError(f"{where}: a verdict needs a finding, one plain sentence saying what was found")


def _entry_citations(section: str, entry: dict) -> list[dict]:
    if section == "in_review":
        return [{"source": key, "stance": Stance.CONTEXT} for key in entry.get("context", [])]
    return entry.get("citations", [])


def _where(section: str, index: int, entry: dict) -> str:
    return f"seed review {section} entry {index} (Q{entry['q']}, {entry['quote_contains']!r})"


class _Loader:
    def __init__(self, data: dict, document: Document, user, summary: SeedReviewSummary):
        self.data, self.document, self.user, self.summary = data, document, user, summary
        self.sources: dict[str, Source] = {}

    def run(self) -> None:
        self.load_sources()
        steps = (
            ("splits", self.split),
            ("not_checkable", self.not_checkable),
            ("flagged", self.flagged),
            ("in_review", self.in_review),
            ("verdicts", self.verdict),
        )
        for section, step in steps:
            for index, entry in enumerate(self.data[section], start=1):
                where = _where(section, index, entry)
                with _naming(where):
                    step(entry, where)
        for index, entry in enumerate(self.data["contradictions"], start=1):
            where = f"seed review contradictions entry {index} (contradiction {entry['number']})"
            with _naming(where):
                self.contradiction(entry, where)

    def not_checkable(self, entry: dict, where: str) -> None:
        claim = self.claim(entry, where=where)
        if self.should_apply(claim, ClaimStatus.NOT_CHECKABLE):
            workflow.mark_not_checkable(claim, user=self.user, note=self.data["not_checkable_notes"][entry["why"]])
            self.summary.not_checkable += 1

    def flagged(self, entry: dict, where: str) -> None:
        claim = self.claim(entry, where=where)
        if self.should_apply(claim, ClaimStatus.FLAGGED, flag_reason=entry["reason"]):
            self.cite(claim, entry.get("citations", []))
            workflow.flag(claim, user=self.user, reason=entry["reason"], note=entry["note"])
            self.summary.flagged += 1

    def in_review(self, entry: dict, where: str) -> None:
        claim = self.claim(entry, where=where)
        if self.should_apply(claim, ClaimStatus.IN_REVIEW):
            notes = self.data["context_notes"]
            self.cite(claim, [{"source": k, "stance": Stance.CONTEXT, "note": notes[k]} for k in entry["context"]])
            workflow.start_review(claim, user=self.user)
            self.summary.in_review += 1

    # --- finding claims ----------------------------------------------------

    def claim(self, anchor: dict, *, where: str, required: bool = True) -> Claim | None:
        matches = self.matches(anchor)
        if len(matches) == 1:
            return matches[0]
        if not required and not matches:
            return None
        found = "no claim" if not matches else f"{len(matches)} claims ({', '.join(str(c.pk) for c in matches)})"
        raise SeedReviewError(
            f"{where}: {found} of question {anchor['q']} of '{self.document.slug}' contains this text; "
            f"an anchor must match exactly one claim"
        )

    def matches(self, anchor: dict) -> list[Claim]:
        # Filtered in Python: SQLite's LIKE ignores case, and an anchor is an exact substring.
        claims = Claim.objects.filter(question__document=self.document, question__number=anchor["q"])
        return [c for c in claims.order_by("position") if anchor["quote_contains"] in c.quote]

    def should_apply(self, claim: Claim, target: str, *, flag_reason: str | None = None) -> bool:
        """True for an unreviewed claim; False when it is already decided, or someone else moved it."""
        if claim.status == target and (
            flag_reason is None or claim.flags.open().filter(reason=flag_reason).exists()
        ):
            return False
        if claim.status == ClaimStatus.UNREVIEWED:
            return True
        self.summary.left_as_found.append(
            f"claim {claim.pk} (Q{claim.question.number}) is '{claim.status}', not '{target}' as the seed review "
            f"decided; not changed"
        )
        return False

    # --- sources and citations ---------------------------------------------

    def load_sources(self) -> None:
        for key, spec in self.data["sources"].items():
            fields = {name: spec[name] for name in SOURCE_FIELDS if spec.get(name)}
            if "published_on" in fields:
                fields["published_on"] = date.fromisoformat(fields["published_on"])
            if "discusses" in fields:
                fields["discusses"] = discussed_citation(fields["discusses"])
            if spec.get("citation") and spec.get("parsed", True):
                found = Source.objects.resolve_citation(spec["citation"], **fields)
                source, created = found.source, found.created
            elif spec.get("citation"):
                # A citation the parser does not know (the case): stored as the reference writes it.
                source, created = Source.objects.get_or_create(citation=spec["citation"], defaults=fields)
            else:
                lookup = spec["lookup"]
                source = Source.objects.filter(citation="", **{lookup: spec[lookup]}).order_by("pk").first()
                created = source is None
                if created:
                    source = Source.objects.create(**fields)
            if created:
                self.summary.sources_created += 1
            else:
                self.fill_blanks(source, fields)
            self.sources[key] = source

    def fill_blanks(self, source: Source, fields: dict) -> None:
        blank = {name: value for name, value in fields.items() if getattr(source, name) in ("", None)}
        if not blank:
            return
        for name, value in blank.items():
            setattr(source, name, value)
        source._history_user = self.user
        source.save()
        self.summary.sources_filled += 1

    def cite(self, claim: Claim, citations: list[dict]) -> None:
        for cite in citations:
            source = self.sources[cite["source"]]
            pinpoint = cite.get("pinpoint", "")
            if Citation.objects.filter(claim=claim, source=source, pinpoint=pinpoint).exists():
                continue
            workflow.add_citation(
                claim,
                user=self.user,
                source=source,
                stance=cite["stance"],
                pinpoint=pinpoint,
                note=cite.get("note", ""),
            )
            self.summary.citations += 1

    # --- splits, verdicts, contradictions ----------------------------------

    def split(self, entry: dict, where: str) -> None:
        whole = self.claim(entry, where=where, required=False)
        if whole is not None:
            if whole.status != ClaimStatus.UNREVIEWED:
                self.summary.left_as_found.append(f"claim {whole.pk} is '{whole.status}'; not split")
                return
            at = whole.quote.find(entry["split_before"])
            if at <= 0:
                raise SeedReviewError(f"{where}: the quote does not contain {entry['split_before']!r} after its start")
            workflow.split_claim(whole, user=self.user, at=at)
            self.summary.splits += 1
        for number, part in enumerate(entry["parts"], start=1):
            anchor = {"q": entry["q"], "quote_contains": part["quote_contains"]}
            claim = self.claim(anchor, where=f"{where}, part {number}")
            # Only a statement nobody has edited (still the quote) is replaced.
            if claim.statement == claim.quote and claim.statement != part["statement"]:
                workflow.edit_statement(claim, user=self.user, statement=part["statement"], expected_version=None)
                self.summary.statements += 1

    def verdict(self, entry: dict, where: str) -> None:
        claim = self.claim(entry, where=where)
        status, rationale, finding = entry["status"], entry["rationale"].strip(), entry["finding"].strip()
        if claim.status == status and claim.reviewed_by_id != self.user.pk:
            return  # a person's verdict of the same kind: theirs to keep
        if claim.status == status and claim.rationale == rationale and claim.finding == finding:
            self.cite(claim, entry["citations"])
            return
        if claim.status not in (ClaimStatus.UNREVIEWED, status):
            self.should_apply(claim, status)  # records it as left as found
            return
        self.cite(claim, entry["citations"])
        workflow.set_verdict(claim, user=self.user, status=status, rationale=rationale, finding=finding)
        self.summary.verdicts += 1

    def contradiction(self, entry: dict, where: str) -> None:
        first = self.claim(entry["from"], where=f"{where}, from")
        second = self.claim(entry["to"], where=f"{where}, to")
        kind = RelationKind.CONTRADICTS
        if ClaimRelation.objects.filter(from_claim=first, to_claim=second, kind=kind).exists() or (
            ClaimRelation.objects.filter(from_claim=second, to_claim=first, kind=kind).exists()
        ):
            return
        workflow.relate(first, second, user=self.user, kind=kind, note=entry["note"])
        self.summary.relations += 1
