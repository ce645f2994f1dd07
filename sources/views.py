from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, render

from claims.models import Claim
from config.paging import Key, keyset_page
from config.public import public_page
from sources.models import Citation, Source

SOURCE_CLAIMS_PER_PAGE = 50


@public_page
def source_list(request):
    page = Paginator(Source.objects.order_by("title", "pk"), 100).get_page(request.GET.get("page"))
    # Counted for this page's sources only, not grouped over every citation; only claims of published
    # documents count: the others are not public yet.
    ids = [source.pk for source in page.object_list]
    # "Not of an unpublished document" rather than "of a published one": the planner then hashes the few
    # unpublished documents' claims and reads the citations alone, instead of joining every citation to its
    # claim, question and document (39 ms against 8 ms at 100,000 claims; the first page holds most citations).
    unpublished = Claim.objects.filter(pk=OuterRef("claim_id"), question__document__is_published=False)
    counts = dict(
        Citation.objects.filter(~Exists(unpublished), source__in=ids)
        .order_by()
        .values_list("source")
        .annotate(n=Count("claim", distinct=True))
    )
    for source in page.object_list:
        source.claim_count = counts.get(source.pk, 0)
    return render(request, "sources/source_list.html", {"page": page, "sources": page.object_list})


@public_page
def source_detail(request, pk):
    """A source and the claims citing it, 50 a page in the order they were cited."""
    source = get_object_or_404(Source, pk=pk)
    citations = source.citations.filter(claim__question__document__is_published=True)
    citations = citations.select_related("claim__question__document").only(
        "stance", "pinpoint", "excerpt", "source_id", "claim_id", "claim__statement", "claim__status",
        "claim__question_id", "claim__question__number", "claim__question__document_id",
        "claim__question__document__title",
    )
    page = keyset_page(citations, [Key("pk")], request.GET, SOURCE_CLAIMS_PER_PAGE)
    # A document about the law links to the legal text it discusses (one query, documents only).
    discussed = Source.objects.discussed_by(source)
    context = {"source": source, "citations": page.rows, "page": page, "discussed": discussed}
    return render(request, "sources/source_detail.html", context)
