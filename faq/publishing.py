"""Publishing a document: the one switch that puts it, and its claims, on the public site.

A new import stays unpublished so editors can triage its claims first; the
admin's publish and unpublish actions and the seed loader call these functions.
"""

from django.core.exceptions import PermissionDenied

from faq.models import Document

PUBLISH_PERMISSION = "faq.change_document"


def set_published(documents, *, user, published: bool) -> list[Document]:
    """Publish (or withdraw) each of `documents`; returns those whose state changed.

    Each is saved (not a bulk update) so its `updated_at` moves and every
    cached public page is revalidated. `user` None is the system (seed loader).
    """
    if user is not None and not user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied(f"publishing documents takes the permission {PUBLISH_PERMISSION}")
    changed = []
    for document in documents:
        if document.is_published != published:
            document.is_published = published
            document.save(update_fields=["is_published", "updated_at"])
            changed.append(document)
    return changed
