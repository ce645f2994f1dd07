"""The addresses bench/run.py loads, read from the built database, with each page's queries and size.

Run inside Django (bench/run.py does so in a subprocess with the benchmark's
DATABASE_URL). Queries are counted with the page cache off: what a cold request costs.
"""

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from build import MOST_CITED  # noqa: E402 (bench/ is on the path)

SORTS = ["id", "-id", "document", "-document", "status", "-status"]
TABLES = [
    "faq_document", "faq_question", "claims_claim", "claims_historicalclaim", "claims_flag",
    "claims_claimrelation", "sources_source", "sources_citation",
]


def sample() -> dict:
    from claims.models import Claim
    from faq.models import Document
    from sources.models import Source

    settings.PUBLIC_PAGE_CACHE = False
    # The same claim and document at every size from 100,000 claims up (build.py generates them alike, from a
    # fixed seed): the middle of a 100,000-claim build. Comparing a page at 100,000 and 1,000,000 claims then
    # compares the same page, not two documents of different lengths. Smaller builds take their middle.
    total = Claim.objects.order_by().count()
    ordinary = min(total // 2 + 1, 50_001)
    slug = (
        Document.objects.filter(questions__claims__pk=ordinary).values_list("slug", flat=True).first()
        or Document.objects.order_by("pk").values_list("slug", flat=True).first()
        or ""
    )
    long_history = (
        Claim.history.order_by().values("id").annotate(n=Count("pk")).order_by("-n")
        .values_list("id", flat=True).first()
    )
    # The source bench/build.py gives exactly 10,000 citations (others may have more at large N).
    most_cited = (
        Source.objects.annotate(n=Count("citations")).filter(n=MOST_CITED).values_list("pk", flat=True).first()
        or Source.objects.annotate(n=Count("citations")).order_by("-n").values_list("pk", flat=True).first()
    )
    with connection.cursor() as cursor:
        rows = {}
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            rows[table] = cursor.fetchone()[0]
    result = {
        "slug": slug,
        "last_page": "/claims/?last=1",
        "home_last": "/?last=1",
        "sorts": SORTS,
        "claim": ordinary,
        "long_history": long_history,
        "most_cited": most_cited,
        "rows": rows,
        "queries": {},
        "sizes": {},
    }
    client = Client(HTTP_HOST="127.0.0.1")
    import run  # the page list lives in run.py

    for _, path in run.pages(result):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            content = b"".join(response.streaming_content) if response.streaming else response.content
        result["queries"][path] = len(queries)
        result["sizes"][path] = len(content)
    return result
