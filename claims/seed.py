"""The seed documents shipped in fixtures/, loaded through the one importer."""

import json

from django.conf import settings

from faq.importing import ImportOptions, ImportResult, import_faq_file
from faq.publishing import set_published

SEED_MANIFEST = settings.BASE_DIR / "fixtures" / "seed.json"


def load_seed_documents() -> list[ImportResult]:
    """Import every document listed in fixtures/seed.json that is not there yet, and publish it.

    The seed is the demonstration site: it is public at once (an import through
    the admin stays unpublished until an editor publishes it).
    """
    manifest = json.loads(SEED_MANIFEST.read_text(encoding="utf-8"))
    results = []
    for entry in manifest["documents"]:
        options = ImportOptions(
            slug=entry["slug"],
            jurisdiction=entry.get("jurisdiction", ""),
            source_url=entry.get("source_url", ""),
        )
        results.append(import_faq_file(SEED_MANIFEST.parent / entry["file"], options=options))
    set_published([result.document for result in results if result.document is not None], user=None, published=True)
    return results
