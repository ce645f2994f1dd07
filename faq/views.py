"""The home page and the document pages.

These pages show claims, so faq's views read claims (as the importer does);
the rest of faq knows nothing of them.
"""

from collections import Counter, defaultdict

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from claims.highlight import paragraphs, status_counts
from claims.models import Claim
from config.public import public_page
from claims.models import ClaimStatus
from faq.models import Document
from faq.views_versions import latest_change

LEGEND_ORDER = [
    *ClaimStatus.verdicts(),
    ClaimStatus.FLAGGED,
    ClaimStatus.IN_REVIEW,
    ClaimStatus.UNREVIEWED,
    ClaimStatus.NOT_CHECKABLE,
]


@public_page
def home(request):
    """Every document with a bar of its claims by status, and the totals."""
    documents = list(Document.objects.public().annotate(question_count=Count("questions")).order_by("title"))
    by_document = defaultdict(Counter)
    rows = Claim.objects.visible().order_by().values_list("question__document", "status").annotate(n=Count("pk"))
    for document_id, status, n in rows:
        by_document[document_id][status] = n
    for document in documents:
        document.status_counts = status_counts(by_document[document.pk])
        document.claim_count = sum(by_document[document.pk].values())
    totals = sum(by_document.values(), Counter())
    return render(
        request,
        "faq/home.html",
        {
            "documents": documents,
            "totals": status_counts(totals, include_empty=True),
            "claim_total": sum(totals.values()),
        },
    )


@public_page
def document_detail(request, slug):
    """The document as published, every claim highlighted in place with its status."""
    document = get_object_or_404(Document.objects.public(), slug=slug)
    claims = Claim.objects.on_page().order_by("start", "position").only(
        "pk", "question_id", "quote", "start", "end", "status", "position", "finding"
    )
    questions = list(
        document.questions.filter(removed_after_version__isnull=True).order_by("number").prefetch_related(Prefetch("claims", queryset=claims))
    )
    statuses = []
    for question in questions:
        question_claims = question.claims.all()
        question.paragraphs = paragraphs(question.answer, question_claims)
        statuses.extend(claim.status for claim in question_claims)
    return render(
        request,
        "faq/document_detail.html",
        {
            "document": document,
            "questions": questions,
            # Verdicts lead the legend, as they lead the page; not checkable comes last.
            "legend": sorted(status_counts(statuses), key=lambda part: LEGEND_ORDER.index(part.status)),
            "claim_total": len(statuses),
            "latest_change": latest_change(document),
        },
    )
