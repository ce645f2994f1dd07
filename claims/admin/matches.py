"""The claim's matches in other documents, in the admin: listed on its page, evidence carried, duplicates' verdicts applied.

A mixin of ClaimAdmin (claims/admin/claim.py). Every change
goes through claims.workflow (`carry_evidence`, `apply_duplicate_verdict`),
which checks permissions and rules and writes history.
"""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from claims import roles, workflow
from claims.matching import MATCH_ORDER, as_matches, matches_of
from claims.models import ClaimStatus

# The claim's page lists this many matches; the matches page lists them all.
LISTED_ON_CHANGE_FORM = 20


def _matches(claim):
    """The claim's matches (claims.matching.matches_of, kinds derived in SQL), other claims' documents loaded."""
    return matches_of(claim).select_related("question__document").order_by(*MATCH_ORDER)


class ClaimMatchesAdmin:
    """Adds the 'found in other documents' field and the matches page to ClaimAdmin."""

    @admin.display(description="found in other documents")
    def matches_list(self, obj):
        """The claim's matches with their status; one query, however many there are."""
        if obj is None or obj.pk is None:
            return "—"
        rows = as_matches(_matches(obj)[: LISTED_ON_CHANGE_FORM + 1])
        if not rows:
            return "Not found in any other document."
        more = len(rows) > LISTED_ON_CHANGE_FORM
        items = format_html_join(
            "",
            '<li><a href="{}">claim {}</a> in {} · {} · {} · {}</li>',
            (
                (
                    reverse("admin:claims_claim_change", args=[m.other_id]),
                    m.other_id,
                    m.other.question.document.short_name,
                    m.kind_choice.label,
                    f"similarity {m.score}",
                    ClaimStatus(m.other.status).label,
                )
                for m in rows[:LISTED_ON_CHANGE_FORM]
            ),
        )
        return format_html(
            '<ul class="matches">{}</ul><p><a class="button" href="{}">{}</a></p>',
            items,
            reverse("admin:claims_claim_matches", args=[obj.pk]),
            "Review all matches, carry evidence, apply the verdict" if not more else "See all matches",
        )

    def matches_urls(self):
        view = self.admin_site.admin_view
        return [path("<path:object_id>/matches/", view(self.matches_view), name="claims_claim_matches")]

    def matches_view(self, request, object_id):
        """The matches with checkboxes: carry the evidence to the chosen ones, or apply the verdict (confirmed)."""
        claim = self._claim_for(request, object_id, perm_check=lambda c: self.has_view_permission(request, c))
        matches = as_matches(_matches(claim))
        chosen_ids = [int(i) for i in request.POST.getlist("other") if i.isdigit()]
        action = request.POST.get("action", "")
        context = {
            "matches": matches,
            "chosen": set(chosen_ids),
            "can_carry": request.user.has_perm("sources.add_citation"),
            "can_apply": workflow.can_publish(request.user) and claim.has_verdict,
        }
        if request.method == "POST":
            try:
                if action == "carry":
                    added = workflow.carry_evidence(claim, chosen_ids, user=request.user)
                    self.message_user(
                        request,
                        f"Carried {len(added)} citations from claim {claim.pk} to {len(chosen_ids)} claims; "
                        f"each still needs its own verdict.",
                        messages.SUCCESS,
                    )
                    return redirect("admin:claims_claim_matches", claim.pk)
                if action == "apply":
                    workflow.require(request.user, roles.PUBLISH_VERDICT, "publish verdicts")
                    workflow.stored_matches(claim, chosen_ids)  # refuses claims that are not its matches
                    touched = [m for m in matches if m.other_id in set(chosen_ids)]
                    return self._page(
                        request, "apply_verdict.html", claim, f"Apply the verdict of claim {claim.pk}",
                        touched=touched, chosen_ids=chosen_ids,
                    )
                if action == "apply-confirmed":
                    applied = workflow.apply_duplicate_verdict(claim, chosen_ids, user=request.user)
                    self.message_user(
                        request,
                        f"Applied '{claim.get_status_display()}' from claim {claim.pk} to claims "
                        f"{', '.join(str(c.pk) for c in applied)}.",
                        messages.SUCCESS,
                    )
                    return redirect("admin:claims_claim_matches", claim.pk)
            except workflow.NotAllowed:
                raise
            except workflow.WorkflowError as refusal:
                context["error"] = str(refusal)
        return self._page(request, "matches.html", claim, f"Claim {claim.pk} in other documents", **context)
