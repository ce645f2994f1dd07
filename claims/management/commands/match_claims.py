"""Find the claims of every document in the others again (after upgrading, or after changing the masking lists).

Each document's claims get their masked text, band keys (claims.bands) and matches computed again.
"""

from django.core.management.base import BaseCommand

from claims.matching import match_document
from faq.models import Document


class Command(BaseCommand):
    help = (
        "Match every document's claims against the other documents' and store the matches (the importer does "
        "this for each new document; run this once after upgrading to recompute the masked texts, band keys and "
        "matches of older documents)."
    )

    def handle(self, *args, **options):
        pairs = 0
        documents = Document.objects.order_by("pk")
        for document in documents.iterator():
            pairs += match_document(document)
        # Each pair is found from both of its documents: halve the total.
        self.stdout.write(f"Matched the claims of {documents.count()} documents: {pairs // 2} pairs across documents.")
