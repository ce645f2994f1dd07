from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from config.public import public_page
from sources.models import Source


@public_page
def source_list(request):
    # Only claims of published documents count: the others are not public yet.
    public_claims = Q(citations__claim__question__document__is_published=True)
    sources = Source.objects.annotate(
        claim_count=Count("citations__claim", filter=public_claims, distinct=True)
    ).order_by("title", "pk")
    page = Paginator(sources, 100).get_page(request.GET.get("page"))
    return render(request, "sources/source_list.html", {"page": page, "sources": page.object_list})


@public_page
def source_detail(request, pk):
    source = get_object_or_404(Source, pk=pk)
    citations = source.citations.filter(claim__question__document__is_published=True)
    citations = citations.select_related("claim__question__document").order_by(
        "claim__question__document__title", "claim__question__number", "claim__position", "pinpoint"
    )
    # A document about the law links to the legal text it discusses (one query, documents only).
    discussed = Source.objects.discussed_by(source)
    context = {"source": source, "citations": citations, "discussed": discussed}
    return render(request, "sources/source_detail.html", context)
