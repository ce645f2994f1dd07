"""Public pages of a document's change: its versions, one version's text, two versions compared.

Additive to faq/views.py: the document page and the claim page only include
the small fragments built here (`latest_change`, `claim_versions`).
Imported text is data: every piece is rendered by templates with escaping on,
the diff as a list of (kind, text) pieces, never as markup.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from claims.highlight import Segment
from config.public import public_page
from faq.models import ClaimChange, Document, DocumentVersion

# Words, runs of whitespace and single punctuation marks: a diff at word level reads as an edit.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "added", "removed"
    text: str


def diff_pieces(old: str, new: str) -> list[Piece]:
    """The new text against the old, word by word: unchanged, removed and added pieces in reading order."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(b[j1:j2])))
    return pieces


def latest_change(document: Document) -> DocumentVersion | None:
    """The document's latest version if it has more than one (one query): "changed on <date>: …"."""
    latest = document.versions.order_by("-number").only(
        "number", "created_at", "new_count", "edited_count", "removed_count", "document_id"
    ).first()
    return latest if latest is not None and latest.number > 1 else None


def claim_versions(claim) -> list[ClaimChange]:
    """A claim's wording in each version where it changed (one query)."""
    return list(claim.changes.select_related("version").order_by("version__number"))


def claim_context(claim):
    """The claim highlighted in its answer; a claim removed from a still-current answer, in its own words only.

    A removed claim's span indexes the answer as it read in the version it was
    last seen in; that answer is kept only when its whole question was removed.
    """
    from claims.highlight import paragraphs

    if claim.is_removed and claim.question.removed_after_version is None:
        return [[Segment(claim.quote, claim)]]
    return paragraphs(claim.question.answer, [claim])


def _document(slug) -> Document:
    return get_object_or_404(Document.objects.public(), slug=slug)


@public_page
def version_list(request, slug):
    """Every version of a published document, newest first, with what each changed."""
    document = _document(slug)
    versions = list(document.versions.order_by("-number").defer("body"))
    return render(request, "faq/version_list.html", {"document": document, "versions": versions})


@public_page
def version_detail(request, slug, number):
    """One version's text as imported."""
    document = _document(slug)
    version = get_object_or_404(document.versions, number=number)
    latest = document.versions.order_by("-number").values_list("number", flat=True).first()
    return render(
        request, "faq/version_detail.html", {"document": document, "version": version, "latest": latest}
    )


@public_page
def version_compare(request, slug, old, new):
    """Two versions compared word by word, with the claims the versions between them changed."""
    if old > new:
        raise Http404("compare an earlier version with a later one")
    document = _document(slug)
    versions = {v.number: v for v in document.versions.filter(number__in=[old, new])}
    if old not in versions or new not in versions:
        raise Http404("no such version")
    changes = list(
        ClaimChange.objects.filter(version__document=document, version__number__gt=old, version__number__lte=new)
        .select_related("version", "claim")
        .order_by("version__number", "kind", "claim_id")
    )
    return render(
        request,
        "faq/version_compare.html",
        {
            "document": document,
            "old": versions[old],
            "new": versions[new],
            "pieces": diff_pieces(versions[old].body, versions[new].body),
            "changes": changes,
        },
    )
