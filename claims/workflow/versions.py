"""A claim on a new version of its document: re-anchored, edited under its verdict, or removed from the page."""

from __future__ import annotations

from claims.models import Claim, Flag, FlagReason
from claims.workflow.base import _save, _save_claim, _sync
from faq.parsing import fingerprint

#
# Called by faq.versions inside its transaction, for the importer (whoever may
# import may add a version; the admin and the commands check that). They never
# change a claim's status: a verdict is kept, and a changed wording under it is
# put to the reviewers as an open "text changed" flag.


def reanchor_claim(
    claim: Claim, *, user, question, position: int, start: int, end: int, quote: str, kind: str, version_number: int
) -> Claim:
    """Move a claim onto the new version's text: its question, position and span; its quote if the wording changed.

    `kind` is 'unchanged', 'restyled' or 'edited' (faq.versions). The statement
    follows the quote unless an editor had rewritten it. A claim with a verdict
    whose wording was edited keeps the verdict, is marked changed since the
    verdict (keeping the wording the verdict was about) and gets an open
    "text changed" flag showing the old and new wording.
    """
    assert question.answer[start:end] == quote, "re-anchored span out of step with its answer"
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    old_quote, old_statement = locked.quote, locked.statement
    changed = quote != old_quote
    moved = (locked.question_id, locked.start) != (question.pk, start)
    locked.question, locked.position, locked.start, locked.end = question, position, start, end
    if not changed and not moved:
        # Only the position bookkeeping of the new version: no history row for nothing.
        Claim.objects.filter(pk=locked.pk).update(position=position)
        _sync(claim, locked)
        return claim
    if changed:
        if locked.statement == old_quote:
            locked.statement = quote
        locked.quote, locked.fingerprint = quote, fingerprint(quote)
    if kind == "edited" and locked.has_verdict:
        if not locked.changed_since_verdict:
            locked.reviewed_quote = old_statement
        locked.changed_since_verdict = True
        note = f"Version {version_number} of the page changed the wording under this verdict.\nWas: {old_quote}\nNow: {quote}"
        _save(Flag(claim=locked, reason=FlagReason.TEXT_CHANGED, note=note, raised_by=user), user=user)
    reason = {
        "unchanged": f"version {version_number}: same words, moved",
        "restyled": f"version {version_number}: same words, new spacing or quotation marks",
        "edited": f"version {version_number}: wording edited (was: {old_quote})",
    }[kind]
    _save_claim(locked, user=user, reason=reason)
    _sync(claim, locked)
    return claim


def mark_removed_from_page(claim: Claim, *, user, last_version: int) -> Claim:
    """Mark a claim no longer on the page, last seen in version `last_version`; everything else stays."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    locked.removed_after_version = last_version
    _save_claim(locked, user=user, reason=f"removed from the page after version {last_version}")
    _sync(claim, locked)
    return claim
