"""The home page and the document pages.

These pages show claims, so faq's views read claims (as the importer does);
the rest of faq knows nothing of them.
"""

from collections import Counter, defaultdict

from csp.decorators import csp
from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from claims.highlight import paragraphs, status_counts
from claims.models import Claim, ClaimStatus
from config.paging import Key, keyset_page
from config.public import public_page
from faq.models import Document, PageCapture, Question, latest_capture_time
from faq.views_versions import latest_change

HOME_PER_PAGE = 20

LEGEND_ORDER = [
    *ClaimStatus.verdicts(),
    ClaimStatus.FLAGGED,
    ClaimStatus.IN_REVIEW,
    ClaimStatus.UNREVIEWED,
    ClaimStatus.NOT_CHECKABLE,
]


@public_page
def home(request):
    """Documents by title, 20 a page, each with a bar of its claims by status; and the statuses' legend.

    Four queries whatever the size of the database: the page of documents, and
    for those documents only, their question counts and their claims by status.
    """
    page = keyset_page(
        Document.objects.public().only("title", "slug", "category", "jurisdiction"),
        [Key("title")],
        request.GET,
        HOME_PER_PAGE,
    )
    ids = [document.pk for document in page.rows]
    by_document = defaultdict(Counter)
    removed = Counter()
    question_counts = {}
    if ids:
        # One grouped query: per document, status and whether the claim is still on the page.
        rows = (
            Claim.objects.filter(question__document__in=ids)
            .annotate(gone=ExpressionWrapper(Q(removed_after_version__isnull=False), output_field=BooleanField()))
            .order_by()
            .values_list("question__document", "status", "gone")
            .annotate(n=Count("pk"))
        )
        for document_id, status, gone, n in rows:
            if gone:
                removed[document_id] += n
            else:
                by_document[document_id][status] = n
        question_counts = dict(
            Question.objects.filter(document__in=ids, removed_after_version__isnull=True)
            .order_by().values_list("document").annotate(n=Count("pk"))
        )
    for document in page.rows:
        # The bar counts the current text's claims; those a later version removed are told apart.
        document.status_counts = status_counts(by_document[document.pk])
        document.claim_count = sum(by_document[document.pk].values())
        document.removed_count = removed[document.pk]
        document.question_count = question_counts.get(document.pk, 0)
    return render(
        request,
        "faq/home.html",
        {"page": page, "documents": page.rows, "legend": status_counts(Counter(), include_empty=True)},
    )


@public_page
def document_detail(request, slug):
    """The document as published, every claim highlighted in place with its status."""
    document = get_object_or_404(Document.objects.public().annotate(captured_at=latest_capture_time()), slug=slug)
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


# A stored page is someone else's HTML: shown as received, in a sandbox (an opaque origin, no script, no
# form), loading nothing from anywhere, so it can neither run code on this site nor call home to its own.
STORED_COPY_POLICY = {
    "sandbox": [],
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["data:"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'none'"],
}


@csp(STORED_COPY_POLICY)
@public_page
def stored_copy(request, slug):
    """The page as it was fetched or uploaded at its newest capture: the evidence of what it said, byte for byte."""
    document = get_object_or_404(Document.objects.public(), slug=slug)
    capture = (
        PageCapture.objects.filter(document=document).order_by("-retrieved_at", "-pk").only(
            "content", "content_type", "retrieved_at"
        ).first()
    )
    if capture is None:
        raise Http404("this document has no stored copy")
    response = HttpResponse(bytes(capture.content), content_type=capture.content_type or "application/octet-stream")
    response["Content-Disposition"] = "inline"
    return response
