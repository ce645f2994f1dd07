"""Each database constraint refuses a bad row, on SQLite and on PostgreSQL alike."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from claims.models import Claim, ClaimRelation, ClaimStatus, Flag
from faq.models import Document, Question
from sources.models import Citation, Source

pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.fixture
def claim(small_document):
    return Claim.objects.filter(question__document=small_document).first()


def test_a_document_slug_is_unique(small_document):
    refused(lambda: Document.objects.create(title="x", slug=small_document.slug, body="x", content_sha256="0"))


def test_a_question_number_is_unique_within_its_document(small_document):
    refused(lambda: Question.objects.create(document=small_document, number=1, question="q", answer="a"))


def test_a_question_number_starts_at_one(small_document):
    refused(lambda: Question.objects.create(document=small_document, number=0, question="q", answer="a"))


def test_a_claim_cannot_end_before_it_starts(claim):
    refused(lambda: Claim.objects.filter(pk=claim.pk).update(start=10, end=5))


def test_a_claim_position_is_unique_within_its_answer(claim):
    refused(
        lambda: Claim.objects.create(
            question=claim.question, position=claim.position, quote="x", start=0, end=1, statement="x"
        )
    )


def test_a_claim_status_must_be_a_known_status(claim):
    refused(lambda: Claim.objects.filter(pk=claim.pk).update(status="true-ish"))


def test_a_verdict_without_a_rationale_is_never_stored(claim):
    refused(lambda: Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.SUPPORTED, rationale=""))
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.SUPPORTED, rationale="Because.")


def test_a_claim_cannot_relate_to_itself(claim):
    refused(lambda: ClaimRelation.objects.create(from_claim=claim, to_claim=claim, kind="contradicts"))


def test_the_same_relation_cannot_be_recorded_twice(small_document):
    first, second = Claim.objects.filter(question__document=small_document)[:2]
    ClaimRelation.objects.create(from_claim=first, to_claim=second, kind="contradicts")
    refused(lambda: ClaimRelation.objects.create(from_claim=first, to_claim=second, kind="contradicts"))


def test_a_flag_reason_must_be_a_known_reason(claim):
    refused(lambda: Flag.objects.create(claim=claim, reason="boring"))


def test_two_sources_cannot_share_a_canonical_citation():
    Source.objects.create(title="A", citation="20 U.S.C. § 1232g")
    refused(lambda: Source.objects.create(title="B", citation="20 U.S.C. § 1232g"))


def test_many_sources_may_have_no_citation():
    Source.objects.create(title="A news story")
    Source.objects.create(title="Another news story")
    assert Source.objects.filter(citation="").count() == 2


def test_a_claim_cites_a_source_once_per_pinpoint(claim):
    source = Source.objects.create(title="FERPA", citation="20 U.S.C. § 1232g")
    Citation.objects.create(claim=claim, source=source, stance="refutes", pinpoint="(a)")
    Citation.objects.create(claim=claim, source=source, stance="refutes", pinpoint="(b)")
    refused(lambda: Citation.objects.create(claim=claim, source=source, stance="context", pinpoint="(a)"))


def test_a_citation_stance_must_be_known(claim):
    source = Source.objects.create(title="FERPA")
    refused(lambda: Citation.objects.create(claim=claim, source=source, stance="maybe"))


def test_a_cited_source_cannot_be_deleted(claim):
    source = Source.objects.create(title="FERPA", citation="20 U.S.C. § 1232g")
    Citation.objects.create(claim=claim, source=source, stance="refutes")
    with pytest.raises(ProtectedError):
        source.delete()
    assert Source.objects.filter(pk=source.pk).exists()


def test_every_model_reads_well_as_text(claim):
    source = Source.objects.create(title="FERPA", citation="20 U.S.C. § 1232g")
    citation = Citation.objects.create(claim=claim, source=source, stance="refutes", pinpoint="(a)")
    flag = Flag.objects.create(claim=claim, reason="citation_needed")
    other = Claim.objects.exclude(pk=claim.pk).first()
    relation = ClaimRelation.objects.create(from_claim=claim, to_claim=other, kind="contradicts")
    question = claim.question
    assert str(question.document) == "A Small FAQ"
    assert str(question) == "Q1. Is the sky blue?"
    assert str(claim) == "The sky is blue."
    assert str(source) == "FERPA (20 U.S.C. § 1232g)"
    assert str(citation) == "FERPA (20 U.S.C. § 1232g) (a) — refutes"
    assert str(flag) == f"Citation needed (open) on claim {claim.pk}"
    assert str(relation) == f"claim {claim.pk} contradicts claim {other.pk}"


def test_changes_to_audited_models_are_recorded(claim):
    source = Source.objects.create(title="FERPA")
    Citation.objects.create(claim=claim, source=source, stance="context")
    Flag.objects.create(claim=claim, reason="vague")
    claim.statement = "The sky is blue by day."
    claim.save()
    assert claim.history.count() == 2
    assert source.history.count() == 1
    assert Citation.history.count() == 1 and Flag.history.count() == 1
