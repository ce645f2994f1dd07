"""Find the claims of every document in the others again (after upgrading, or after changing the masking lists).

Each document's claims get their masked text, band keys (claims.bands) and groups computed again; the near
texts (TextMatch) are searched again, once per text.
"""

from django.core.management.base import BaseCommand

from django.db import transaction

from claims.matching import match_document
from claims.models import TextMatch
from faq.models import Document


class Command(BaseCommand):
    help = (
        "Match every document's claims against the other documents' and store the matches (the importer does "
        "this for each new document; run this once after upgrading to recompute the masked texts, band keys, "
        "near texts and groups of older documents)."
    )

    def handle(self, *args, **options):
        matched = 0
        searched: set[str] = set()
        documents = Document.objects.order_by("pk")
        with transaction.atomic():
            TextMatch.objects.all().delete()  # searched again below, each text once
            for document in documents.iterator():
                matched += match_document(document, recompute=searched)
        self.stdout.write(
            f"Matched the claims of {documents.count()} documents: {matched} claims found in other documents "
            f"({len(searched)} distinct texts searched)."
        )
