"""Every public page, rendered: what a backup must reproduce and what must never leak.

`public_urls()` lists every public address the data gives rise to (each
document, claim, claim history page, source, list page and export);
`render()` fetches them through Django's test client, so the backup test, the
restore drill (`manage.py restore_drill`) and the privacy test compare exactly
what a reader would get.
"""

import math

from django.test import Client
from django.urls import reverse

# The headers a reader or a cache sees that come from the data.
HEADERS = ("Content-Type", "ETag", "Content-Disposition")


def public_urls() -> list[str]:
    from claims.models import Claim
    from claims.timeline import HISTORY_PAGE_SIZE, status_changes
    from faq.models import Document
    from sources.models import Source

    urls = [
        reverse("faq:home"),
        reverse("claims:export_csv"),
        reverse("claims:export_json"),
        reverse("claims:claimreview_feed"),
    ]
    urls += [document.get_absolute_url() for document in Document.objects.order_by("pk")]
    claim_pages = math.ceil(Claim.objects.count() / 50) or 1  # ClaimListView.table_pagination
    urls += [f"{reverse('claims:list')}?page={n}" for n in range(1, claim_pages + 1)]
    for pk in Claim.objects.order_by("pk").values_list("pk", flat=True):
        urls.append(reverse("claims:detail", kwargs={"pk": pk}))
        history_pages = math.ceil(status_changes(pk).count() / HISTORY_PAGE_SIZE) or 1
        urls += [f"{reverse('claims:history', kwargs={'pk': pk})}?page={n}" for n in range(1, history_pages + 1)]
    source_pages = math.ceil(Source.objects.count() / 100) or 1  # sources.views.source_list
    urls += [f"{reverse('sources:list')}?page={n}" for n in range(1, source_pages + 1)]
    urls += [source.get_absolute_url() for source in Source.objects.order_by("pk")]
    return urls


def render(urls, *, host: str = "testserver", secure: bool = False) -> dict[str, tuple[int, dict, bytes]]:
    """{url: (status, data headers, body)} as an anonymous reader gets them."""
    client = Client(HTTP_HOST=host)
    pages = {}
    for url in urls:
        response = client.get(url, secure=secure)
        headers = {name: response[name] for name in HEADERS if response.has_header(name)}
        body = b"".join(response.streaming_content) if response.streaming else response.content  # exports stream
        pages[url] = (response.status_code, headers, body)
    return pages
