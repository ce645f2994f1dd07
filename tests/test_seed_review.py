"""The reviewed seed (fixtures/seed_review.json) against the workflow rules and the legal-sources reference.

The reference lives beside the clone (../shared/reference/legal-sources.md).
The fixture keeps a copy of its sources and verdict tables; tests check the
database against the copy always, and against the file itself (and the copy
against the file) when the file is there.
"""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from claims import roles, workflow
from claims.models import Claim, ClaimRelation, ClaimStatus, Flag, FlagReason, RelationKind
from claims.seed_review import SEED_REVIEW_PATH, SeedReviewError, load_seed_review, read_seed_review
from faq.parsing import segment_answer
from sources.citations import parse_citation
from sources.models import Citation, Source, SourceKind, Stance

pytestmark = pytest.mark.django_db

REFERENCE_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "legal-sources.md"
DATA = read_seed_review()
KINDS = {"session law": "session_law", "agency document": "agency_document", "executive order": "executive_order"}


# --- the reference, read from its markdown ----------------------------------------------


def reference_text() -> str:
    if not REFERENCE_PATH.exists():
        pytest.skip(f"the reference is not beside the clone ({REFERENCE_PATH})")
    return REFERENCE_PATH.read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    start = text.index(f"## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def table_rows(block: str) -> list[list[str]]:
    lines = [line for line in block.splitlines() if line.startswith("|") and not re.match(r"\|\s*-", line)]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]
    return rows[1:]  # without the header row


def reference_sources() -> list[dict]:
    rows = table_rows(section(reference_text(), "Sources"))
    return [
        {
            "key": key,
            "kind": kind,
            "citation": "" if citation == "—" else citation,
            "url": re.match(r"https?://\S+", url).group(0),
            "confidence": confidence,
        }
        for key, kind, citation, url, _says, confidence in rows
    ]


def reference_verdicts(keys) -> list[dict]:
    rows = table_rows(section(reference_text(), "What the sources settle"))
    return [
        {
            "q": int(question.lstrip("Q")),
            "verdict": verdict.split()[0],
            "basis": sorted(k for k in keys if re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", basis)),
        }
        for question, _claim, verdict, basis in rows
    ]


def reference_contradictions() -> list[tuple[set[int], set[int]]]:
    """Each listed contradiction as (questions on one side, questions on the other)."""
    block = section(reference_text(), "Contradictions inside the FAQ")
    items = re.findall(r"^\d+\. (.+?)(?=\n\s*\n|\n\d+\. |\Z)", block, re.M | re.S)
    pairs = []
    for item in items:
        left, right = " ".join(item.split()).split(" against ", 1)
        pairs.append(({int(n) for n in re.findall(r"Q(\d+)", left)}, {int(n) for n in re.findall(r"Q(\d+)", right)}))
    return pairs


# --- helpers ----------------------------------------------------------------------------


@pytest.fixture
def loaded(db):
    return load_seed_review()


def system_user():
    return get_user_model().objects.get(username=DATA["system_user"]["username"])


def source_key(source: Source) -> str:
    return next(row["key"] for row in DATA["reference_sources"] if row["url"] == source.url)


def verdict_claims():
    return Claim.objects.published().select_related("question")


def relations_between(questions_a: set[int], questions_b: set[int]):
    pairs = ClaimRelation.objects.filter(kind=RelationKind.CONTRADICTS).values_list(
        "from_claim__question__number", "to_claim__question__number", "note"
    )
    return [
        note
        for one, other, note in pairs
        if (one in questions_a and (not questions_b or other in questions_b))
        or (other in questions_a and (not questions_b or one in questions_b))
    ]


def snapshot() -> dict:
    models = (Claim, Flag, ClaimRelation, Source, Citation)
    rows = {m.__name__: list(m.objects.order_by("pk").values()) for m in models}
    rows["history"] = {m.__name__: m.history.count() for m in models}
    rows["users"] = list(get_user_model().objects.order_by("pk").values("pk", "username", "password"))
    return rows


# --- loading ----------------------------------------------------------------------------


def test_loading_the_review_twice_changes_nothing(loaded):
    before = snapshot()
    again = load_seed_review()
    assert not again.changed
    assert snapshot() == before


def test_every_claim_of_the_seed_is_triaged(loaded):
    assert not Claim.objects.filter(status=ClaimStatus.UNREVIEWED).exists()
    decided = sum(len(DATA[name]) for name in ("not_checkable", "flagged", "in_review", "verdicts"))
    assert Claim.objects.count() == decided == 133  # 132 imported, one split in two


def test_the_summary_counts_claims_by_status(loaded):
    assert sum(loaded.status_counts.values()) == Claim.objects.count()
    assert loaded.status_counts[ClaimStatus.NOT_CHECKABLE] == len(DATA["not_checkable"])
    assert loaded.status_counts[ClaimStatus.FLAGGED] == len(DATA["flagged"])
    assert loaded.status_counts[ClaimStatus.IN_REVIEW] == len(DATA["in_review"])


def test_the_command_prints_the_counts_and_says_when_nothing_changed(db):
    out = StringIO()
    call_command("load_seed_review", stdout=out)
    call_command("load_seed_review", stdout=out)
    assert "Claims by status: flagged" in out.getvalue()
    assert "is already loaded; nothing changed." in out.getvalue()


def test_quickstart_loads_the_review_after_the_documents(db):
    call_command("quickstart", "--no-serve", stdout=StringIO())
    assert Claim.objects.published().count() == 5


def test_an_anchor_that_matches_no_claim_is_refused_naming_the_entry(seed_document, tmp_path):
    data = json.loads(SEED_REVIEW_PATH.read_text(encoding="utf-8"))
    data["not_checkable"][0]["quote_contains"] = "words that are nowhere in answer two"
    path = tmp_path / "seed_review.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SeedReviewError, match=r"not_checkable entry 1 \(Q2, 'words that are nowhere.*no claim"):
        load_seed_review(path)
    assert not Source.objects.exists() and Claim.objects.filter(status=ClaimStatus.UNREVIEWED).count() == 132


def test_an_anchor_that_matches_several_claims_is_refused(db, tmp_path):
    data = json.loads(SEED_REVIEW_PATH.read_text(encoding="utf-8"))
    data["not_checkable"][0]["quote_contains"] = "ICE"
    path = tmp_path / "seed_review.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SeedReviewError, match=r"not_checkable entry 1 \(Q2, 'ICE'\): \d+ claims \("):
        load_seed_review(path)


def test_a_verdict_the_workflow_refuses_is_reported_with_its_entry_and_nothing_is_written(seed_document, tmp_path):
    data = json.loads(SEED_REVIEW_PATH.read_text(encoding="utf-8"))
    data["verdicts"][0]["citations"][0]["stance"] = "context"  # a 'contradicted' verdict needs a 'refutes' citation
    path = tmp_path / "seed_review.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    refused = r"verdicts entry 1 \(Q3, .*needs at least one citation with stance 'refutes'"
    with pytest.raises(SeedReviewError, match=refused):
        load_seed_review(path)
    assert Claim.objects.filter(status=ClaimStatus.UNREVIEWED).count() == 132 and not Citation.objects.exists()


def test_a_claim_someone_else_moved_is_left_as_found(seed_document):
    editor = roles.ensure_system_reviewer("an-editor-script")
    claim = Claim.objects.get(question__number=19, quote__startswith="It is important for policymakers")
    workflow.start_review(claim, user=editor)
    summary = load_seed_review()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    assert any(f"claim {claim.pk} (Q19) is 'in_review'" in line for line in summary.left_as_found)


# --- verdicts ---------------------------------------------------------------------------


def test_every_verdict_satisfies_the_workflow_rules(loaded):
    for claim in verdict_claims():
        stances = list(claim.citations.values_list("stance", flat=True))
        assert workflow.verdict_problem(claim.status, stances, claim.rationale, claim_id=claim.pk) is None


def test_no_claim_has_a_verdict_the_reference_does_not_list(loaded):
    published = sorted((c.question.number, c.status) for c in verdict_claims())
    assert published == sorted((row["q"], row["verdict"]) for row in DATA["reference_verdicts"])
    keys = [row["key"] for row in DATA["reference_sources"]]
    assert published == sorted((row["q"], row["verdict"]) for row in reference_verdicts(keys))


def test_every_verdicts_citations_are_the_ones_the_reference_names(loaded):
    keys = [row["key"] for row in DATA["reference_sources"]]
    expected = {(row["q"], row["verdict"]): sorted(row["basis"]) for row in DATA["reference_verdicts"]}
    for claim in verdict_claims():
        cited = sorted(source_key(c.source) for c in claim.citations.select_related("source"))
        assert cited == expected[(claim.question.number, claim.status)], claim.statement
    assert {(r["q"], r["verdict"]): r["basis"] for r in reference_verdicts(keys)} == expected


def test_the_q6_verdict_gives_each_source_the_stance_the_reference_describes(loaded):
    claim = Claim.objects.get(status=ClaimStatus.MISLEADING)
    stances = {source_key(c.source): c.stance for c in claim.citations.select_related("source")}
    assert stances == {
        "ncgs-108a-80": Stance.CONTEXT,
        "usc-8-1373": Stance.REFUTES,
        "usc-8-1644": Stance.REFUTES,
        "nc-sb-888-2025": Stance.CONTEXT,
    }


def test_each_rationale_says_as_of_when_in_two_to_four_sentences(loaded):
    for claim in verdict_claims():
        assert "as of" in claim.rationale.lower()
        assert 2 <= len(segment_answer(claim.rationale)) <= 4, claim.rationale


def test_the_scaap_and_pep_sentence_is_two_claims_that_still_anchor(loaded):
    scaap = Claim.objects.get(question__number=3, status=ClaimStatus.CONTRADICTED)
    pep = Claim.objects.get(question__number=3, status=ClaimStatus.OUTDATED)
    assert scaap.quote.endswith("(SCAAP)") and pep.quote.startswith("and the Priority Enforcement Program")
    assert pep.statement.startswith("In North Carolina,") and "SCAAP" not in pep.statement
    for claim in Claim.objects.select_related("question"):
        assert claim.question.answer[claim.start : claim.end] == claim.quote


# --- sources ----------------------------------------------------------------------------


def assert_source_matches(row: dict) -> None:
    source = Source.objects.get(url=row["url"])
    assert source.kind == KINDS.get(row["kind"], row["kind"]), row["key"]
    if row["citation"] and source.kind in SourceKind.documents():
        # A document about the law (the SCAAP overview page) is identified by its URL: the reference's
        # citation is what it discusses, never its own.
        assert (source.citation, source.discusses) == ("", row["citation"]), row["key"]
    elif row["citation"]:
        parsed = parse_citation(row["citation"])
        assert source.citation == (parsed.canonical if parsed else row["citation"]), row["key"]
    assert source.notes and source.title and source.jurisdiction


def test_every_source_in_the_reference_exists_with_its_url(loaded):
    for row in DATA["reference_sources"]:
        assert_source_matches(row)
    assert Source.objects.count() == len(DATA["reference_sources"]) == 21
    from_file = reference_sources()
    assert from_file == DATA["reference_sources"]  # the fixture's copy is the reference's table
    for row in from_file:
        assert_source_matches(row)


def test_sources_of_unsure_standing_are_cited_for_context_only(loaded):
    for row in DATA["reference_sources"]:
        if "unsure" in row["confidence"] or "secondary" in row["confidence"]:
            stances = set(Citation.objects.filter(source__url=row["url"]).values_list("stance", flat=True))
            assert stances <= {Stance.CONTEXT}, row["key"]


# --- what the sources do not settle -----------------------------------------------------


def test_the_sharing_claims_of_q1_q11_and_q13_stay_in_review_with_the_context_sources(loaded):
    in_review = Claim.objects.filter(status=ClaimStatus.IN_REVIEW, question__number__in=[1, 11, 13])
    assert {c.question.number for c in in_review} == {1, 11, 13}
    for claim in in_review:
        cited = {(source_key(c.source), c.stance) for c in claim.citations.select_related("source")}
        assert cited == {("ncdhhs-medicaid-immigration", Stance.CONTEXT), ("cms-dhs-2025", Stance.CONTEXT)}


def test_the_q10_penalties_are_flagged_as_needing_a_citation(loaded):
    for start in ("Loss of federal funding", "Legal action"):
        claim = Claim.objects.get(question__number=10, quote__startswith=start)
        assert claim.status == ClaimStatus.FLAGGED
        assert claim.flags.open().get().reason == FlagReason.CITATION_NEEDED


def test_the_state_auditor_claim_is_flagged_with_sb_153_as_context(loaded):
    claim = Claim.objects.get(question__number=16, quote__contains="State Auditor")
    assert claim.flags.open().get().reason == FlagReason.CITATION_NEEDED
    assert [(source_key(c.source), c.stance) for c in claim.citations.all()] == [("nc-sb-153-2025", Stance.CONTEXT)]


# --- contradictions ---------------------------------------------------------------------


def test_the_five_contradictions_exist(loaded):
    numbers = sorted({entry["number"] for entry in DATA["contradictions"]})
    assert numbers == [1, 2, 3, 4, 5]
    contradictions = reference_contradictions()
    assert len(contradictions) == 5
    for one_side, other_side in contradictions:
        for question in one_side:
            notes = relations_between({question}, other_side)
            assert notes and all(notes), (question, other_side)


def test_the_contradiction_with_the_2025_bills_names_the_bill(loaded):
    assert any("S.B. 888" in note for note in relations_between({20}, set()))


# --- ownership --------------------------------------------------------------------------


def test_the_seed_review_belongs_to_the_system_user(loaded):
    user = system_user()
    assert user.get_full_name() == DATA["system_user"]["name"]
    assert not user.is_staff and not user.has_usable_password()
    assert user.groups.filter(name=roles.REVIEWERS).exists()
    assert set(verdict_claims().values_list("reviewed_by", flat=True)) == {user.pk}
    assert set(Citation.objects.values_list("added_by", flat=True)) == {user.pk}
    assert set(Flag.objects.values_list("raised_by", flat=True)) == {user.pk}
    assert set(ClaimRelation.objects.values_list("created_by", flat=True)) == {user.pk}
    for model in (Flag, ClaimRelation, Source, Citation):
        assert set(model.history.values_list("history_user", flat=True)) == {user.pk}, model.__name__
    reviewed = Claim.history.exclude(history_change_reason="imported")
    assert set(reviewed.values_list("history_user", flat=True)) == {user.pk}
