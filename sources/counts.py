"""How many claims cite each source, kept on the source, so the sources page does not count every citation.

Counting the claims citing the 100 sources of a page read every citation of
those sources on each request: 17.5 ms at 1,000,000 claims (333,000
citations) against 2.6 ms at 100,000, growing with the table. The count is
kept instead on `Source.citing_claims` (claims of any document), recounted
for the one or two sources concerned whenever a citation is saved or deleted
- through the workflow, the admin, a merge, a cascade from a deleted claim
or document, or loaddata - so no path can leave it behind. The page
subtracts the claims of unpublished documents, which are few (documents
awaiting publication), in a query bounded by them, not by the table.
"""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_save


def recount(source_ids) -> None:
    """Count again the distinct claims citing each of these sources (an index range per source)."""
    from sources.models import Citation, Source

    ids = {pk for pk in source_ids if pk is not None}
    if not ids:
        return
    citing = (
        Citation.objects.filter(source=OuterRef("pk"))
        .order_by()
        .values("source")
        .annotate(n=Count("claim", distinct=True))
        .values("n")
    )
    Source.objects.filter(pk__in=ids).update(citing_claims=Coalesce(Subquery(citing), 0))


def public_counts(sources) -> dict[int, int]:
    """{source id: claims of published documents citing it} for these sources (with citing_claims loaded)."""
    from sources.models import Citation

    ids = [source.pk for source in sources]
    # Driven by the unpublished documents (few), not by the sources' citations (many).
    hidden = dict(
        Citation.objects.filter(source__in=ids, claim__question__document__is_published=False)
        .order_by()
        .values_list("source")
        .annotate(n=Count("claim", distinct=True))
    )
    return {source.pk: source.citing_claims - hidden.get(source.pk, 0) for source in sources}


def _remember_source(sender, instance, raw=False, **kwargs):
    """Before a citation is saved again: the source it had, which may lose a claim."""
    instance._counted_source_id = (
        sender.objects.filter(pk=instance.pk).values_list("source_id", flat=True).first()
        if instance.pk is not None and not raw
        else None
    )


def _citation_saved(sender, instance, **kwargs):
    recount({instance.source_id, getattr(instance, "_counted_source_id", None)})


def _citation_deleted(sender, instance, **kwargs):
    recount({instance.source_id})


def connect() -> None:
    from sources.models import Citation

    pre_save.connect(_remember_source, sender=Citation, dispatch_uid="sources.counts.remember")
    post_save.connect(_citation_saved, sender=Citation, dispatch_uid="sources.counts.saved")
    post_delete.connect(_citation_deleted, sender=Citation, dispatch_uid="sources.counts.deleted")
