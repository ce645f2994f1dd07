from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from config.paging import Key, keyset_page
from config.public import public_page
from sources.counts import public_counts
from sources.models import Source

SOURCE_CLAIMS_PER_PAGE = 50


@public_page
def source_list(request):
    page = Paginator(Source.objects.order_by("title", "pk"), 100).get_page(request.GET.get("page"))
    # Kept on each source (sources.counts); only claims of published documents count: the others are not public yet.
    counts = public_counts(page.object_list)
    for source in page.object_list:
        source.claim_count = counts[source.pk]
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
