"""The claim admin's view of a page that changed (issue 11): notices on the change page, changelist filters.

A claim a later version of its page removed, or whose wording changed after
its verdict, says so at the top of its change page, read-only: removed (and
the version it was last seen in), or the wording the verdict was about beside
the wording the page has now. Imported text is data: everything goes through
format_html.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from claims.models import Claim


def page_change_notice(claim: Claim) -> SafeString:
    """The change page's notices for a removed claim and a claim changed since its verdict; "" for neither.

    No query: everything is on the claim and its question (and document) already loaded.
    """
    notices = []
    if claim.is_removed:
        document = claim.question.document
        verdict = (
            " Its verdict and evidence stay public, shown as applying to that earlier text."
            if claim.has_verdict else ""
        )
        last_seen = f"version {claim.removed_after_version}"
        if document.is_published:  # an unpublished document's versions have no public page to link to
            last_seen = format_html(
                '<a href="{}">{}</a>', f"{document.get_absolute_url()}versions/{claim.removed_after_version}/", last_seen
            )
        notices.append(
            format_html(
                '<div class="page-change removed" role="note"><h2>Removed from the page</h2>'
                "<p>Version {} of the page no longer has this claim; it was last seen in "
                "{}, where it read:</p><blockquote>{}</blockquote><p>{}</p></div>",
                claim.removed_after_version + 1,
                last_seen,
                claim.quote,
                f"Nothing else changed: its id, citations, flags and history are kept.{verdict}",
            )
        )
    if claim.changed_since_verdict:
        notices.append(
            format_html(
                '<div class="page-change changed" role="note"><h2>Text changed since the verdict</h2>'
                "<p>The page's wording changed after this verdict was published. Confirm the verdict "
                "(resolve the open “Text changed” flag) or reopen it.</p>"
                '<dl><dt>Wording the verdict was about</dt><dd><del>{}</del></dd>'
                "<dt>Wording on the page now</dt><dd><ins>{}</ins></dd></dl></div>",
                claim.reviewed_quote or "(not recorded)",
                claim.quote,
            )
        )
    return format_html_join("", "{}", ((notice,) for notice in notices))


def removed_quote_context(claim: Claim) -> SafeString:
    """A removed claim's quote without the answer around it: the answer on the page now no longer holds it."""
    return format_html(
        '<div class="claim-context"><p><strong>Q{}. {}</strong></p>'
        "<p>No longer in this answer. As it read in version {}:</p><p><mark>{}</mark></p></div>",
        claim.question.number,
        claim.question.question,
        claim.removed_after_version,
        claim.quote,
    )
