"""Public pages of a document's change: its versions, one version's text, two versions compared.

Additive to faq/views.py: the document page and the claim page only include
the small fragments built here (`latest_change`, `claim_versions`).
Imported text is data: every piece is rendered by templates with escaping on,
the diff as a list of (kind, text) pieces, never as markup.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from claims.highlight import Segment
from claims.models import ClaimStatus
from config.public import public_page
from faq.models import ClaimChange, ClaimChangeKind, Document, DocumentVersion

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


# How a claim changed between the two versions compared, as the diff's label says it.
_MARK_LABELS = {"new": "new claim", "edited": "edited claim", "restyled": "restyled claim", "removed": "removed claim"}


@dataclass
class ClaimMark:
    """A changed claim placed in the diff: [start, end) in the diff's reading order (old and new text merged)."""

    claim: object
    kind: str  # "new", "edited", "restyled", "removed"
    old_quote: str
    new_quote: str
    start: int = 0
    end: int = 0

    @property
    def label(self) -> str:
        return _MARK_LABELS[self.kind]


def claim_marks(changes: list[ClaimChange]) -> list[ClaimMark]:
    """One mark per claim from its changes between the two versions (in version order).

    A claim new and removed in between is in neither text: no mark. Wording
    is its first old quote and its last new one.
    """
    by_claim: dict[int, list[ClaimChange]] = {}
    for change in changes:
        by_claim.setdefault(change.claim_id, []).append(change)
    marks = []
    for claim_changes in by_claim.values():
        first, last = claim_changes[0], claim_changes[-1]
        was_there = first.kind != ClaimChangeKind.NEW
        still_there = last.kind != ClaimChangeKind.REMOVED
        if not was_there and not still_there:
            continue
        if not was_there:
            kind = "new"
        elif not still_there:
            kind = "removed"
        elif any(c.kind == ClaimChangeKind.EDITED for c in claim_changes):
            kind = "edited"
        else:
            kind = "restyled"
        marks.append(
            ClaimMark(first.claim, kind, first.old_quote if was_there else "", last.new_quote if still_there else "")
        )
    return marks


def _find(text: str, quote: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The first occurrence of quote in text that no other mark holds."""
    at = text.find(quote) if quote else -1
    while at >= 0:
        end = at + len(quote)
        if all(end <= s or at >= e for s, e in taken):
            taken.append((at, end))
            return at, end
        at = text.find(quote, at + 1)
    return None


def marked_diff(old: str, new: str, pieces: list[Piece], marks: list[ClaimMark]) -> tuple[SafeString, list[ClaimMark]]:
    """The diff as HTML, each changed claim's span wrapped in a labelled <mark>; and the marks it could not place.

    A removed claim is found in the old text, a new or edited one in the new
    text (an edited claim's struck words lie inside its mark, beside the added
    ones). Every piece of text is escaped (format_html).
    """
    # Where each piece starts in the merged reading order, in the old text and in the new text.
    segments, d, o, n = [], 0, 0, 0
    for piece in pieces:
        size = len(piece.text)
        segments.append((d, piece, o if piece.kind != "added" else None, n if piece.kind != "removed" else None))
        o += size if piece.kind != "added" else 0
        n += size if piece.kind != "removed" else 0
        d += size
    total = d
    sides = {
        "old": [(base, start, len(piece.text)) for start, piece, base, _ in segments if base is not None],
        "new": [(base, start, len(piece.text)) for start, piece, _, base in segments if base is not None],
    }

    def shown(side: str, span: tuple[int, int]) -> tuple[int, int]:
        rows = sides[side]
        first = rows[bisect.bisect_right(rows, (span[0], total + 1, 0)) - 1]
        last = rows[bisect.bisect_right(rows, (span[1] - 1, total + 1, 0)) - 1]
        return first[1] + span[0] - first[0], last[1] + span[1] - 1 - last[0] + 1

    taken = {"old": [], "new": []}
    placed, unplaced = [], []
    # New and edited claims are placed by their words in the new text (the struck words between them
    # fall inside the mark), removed ones by their words in the old text.
    for mark in sorted(marks, key=lambda m: m.kind == "removed"):
        for side, quote in (("new", mark.new_quote), ("old", mark.old_quote)):
            span = _find(old if side == "old" else new, quote, taken[side]) if quote else None
            if span is not None:
                mark.start, mark.end = shown(side, span)
                placed.append(mark)
                break
        else:
            unplaced.append(mark)
    placed.sort(key=lambda m: (m.start, m.end))
    kept, last_end = [], 0
    for mark in placed:
        # Marks cannot nest: where the diff aligned two claims' edges together, the later starts after the earlier.
        mark.start = max(mark.start, last_end)
        if mark.start >= mark.end:
            unplaced.append(mark)
            continue
        kept.append(mark)
        last_end = mark.end

    out, k = [], 0
    opened = None
    cuts = sorted({0, total, *(m.start for m in kept), *(m.end for m in kept)})
    for start, piece, _, _ in segments:
        end = start + len(piece.text)
        bounds = [start, *(c for c in cuts if start < c < end), end]
        for a, b in zip(bounds, bounds[1:]):
            if opened is None and k < len(kept) and kept[k].start == a:
                opened = kept[k]
                out.append(_open_mark(opened))
            text = piece.text[a - start : b - start]
            out.append(format_html(_PIECE[piece.kind], text))
            if opened is not None and opened.end == b:
                out.append(mark_safe("</mark>"))
                opened, k = None, k + 1
    return mark_safe("".join(out)), unplaced


_PIECE = {"same": "{}", "added": "<ins>{}</ins>", "removed": "<del>{}</del>"}


def _open_mark(mark: ClaimMark) -> SafeString:
    claim = mark.claim
    status = ClaimStatus(claim.status)
    return format_html(
        '<mark class="claim-mark {} st-{}" title="Claim {}: {}, status {}">'
        '<a class="mark-tag" href="{}">{} {} · {}</a> ',
        f"mark-{mark.kind}", status.value, claim.pk, mark.label, status.label,
        claim.get_absolute_url(), mark.label.capitalize(), claim.pk, status.label,
    )


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
        .select_related("claim")
        .only("claim_id", "kind", "old_quote", "new_quote", "claim__id", "claim__status")
        .order_by("version__number", "claim_id")
    )
    old_body, new_body = versions[old].body, versions[new].body
    marks = claim_marks(changes)
    diff, unplaced = marked_diff(old_body, new_body, diff_pieces(old_body, new_body), marks)
    counts = {kind: sum(1 for m in marks if m.kind == kind) for kind in _MARK_LABELS}
    return render(
        request,
        "faq/version_compare.html",
        {
            "document": document,
            "old": versions[old],
            "new": versions[new],
            "diff": diff,
            "counts": counts,
            "unplaced": unplaced,
        },
    )
