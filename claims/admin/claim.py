"""The claim page and claims changelist: the desk's main screen."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from claims import roles, workflow
from claims.admin.common import (
    MAX_LISTED_REFUSALS,
    DeskMedia,
    NoRevertHistoryAdmin,
    RefusalsAsFormErrors,
    status_label,
    sync_instance,
)
from claims.admin.filters import (
    ChangedSinceVerdictFilter,
    FlagReasonFilter,
    HasCitationsFilter,
    HasOpenFlagsFilter,
    RemovedFromPageFilter,
    TriageSuggestionFilter,
)
from claims.admin.found_citations import citations_in_claim_text, found_citations
from claims.admin.inlines import (
    CitationInline,
    FlagInline,
    IncomingRelationInline,
    RelationInline,
    attached_message,
    save_citation_forms,
    save_flag_forms,
    save_relation_forms,
)
from claims.admin.matches import ClaimMatchesAdmin
from claims.admin.page_change import page_change_notice, removed_quote_context
from claims.forms import ClaimForm, FlagActionForm, ReasonForm, SplitForm
from claims.models import Claim, ClaimRelation, ClaimStatus, Flag, FlagReason
from sources.citations import parse_citation
from sources.models import Citation, Stance, with_pinpoint


@admin.register(Claim)
class ClaimAdmin(ClaimMatchesAdmin, DeskMedia, RefusalsAsFormErrors, NoRevertHistoryAdmin):
    form = ClaimForm
    # Compact: one line or two per claim, so 100 rows read in a normal scroll.
    list_display = [
        "id",
        "short_statement",
        "document",
        "status_display",
        "citation_count",
        "open_flag_count",
        "suggestion",
    ]
    list_display_links = ["id", "short_statement"]
    list_filter = [
        "status",
        TriageSuggestionFilter,
        "question__document",
        FlagReasonFilter,
        HasCitationsFilter,
        HasOpenFlagsFilter,
        RemovedFromPageFilter,
        ChangedSinceVerdictFilter,
    ]
    search_fields = ["statement", "quote"]
    # Each row shows its question and document: fetched in the same query as the claims.
    list_select_related = ["question__document"]
    # The counted total of a large table is a full COUNT(*) per page view; not needed to work.
    show_full_result_count = False
    list_per_page = 100
    inlines = [CitationInline, FlagInline, RelationInline, IncomingRelationInline]
    actions = [
        "flag_selected",
        "mark_not_checkable",
        "start_review",
        "accept_triage_suggestions",
        "reject_triage_suggestions",
    ]
    history_list_display = ["status"]
    change_form_template = "admin/claims/claim/change_form.html"
    base_readonly_fields = [
        "quote_in_context",
        "page_links",
        "status_display",
        "finding",
        "rationale",
        "reviewed_by",
        "reviewed_at",
        "question",
        "position",
        "start",
        "end",
        "fingerprint",
        "version",
        "matches_list",
    ]

    def get_queryset(self, request):
        # Citation and open-flag counts in the list's one query (no N+1).
        return super().get_queryset(request).with_counts()

    # --- changelist columns

    @admin.display(description="statement", ordering="statement")
    def short_statement(self, obj):
        text = obj.statement or obj.quote
        return text if len(text) <= 140 else text[:139] + "…"

    @admin.display(description="document", ordering="question__document__title")
    def document(self, obj):
        document = obj.question.document
        return format_html('<span title="{}">{}</span> · Q{}', document.title, document.short_name, obj.question.number)

    @admin.display(description="status", ordering="status")
    def status_display(self, obj):
        return status_label(obj.status)

    @admin.display(description="citations", ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count

    @admin.display(description="flags", ordering="open_flag_count")
    def open_flag_count(self, obj):
        return obj.open_flag_count

    @admin.display(description="suggested", ordering="triage_rule")
    def suggestion(self, obj):
        """The pre-triage rule behind a pending 'not checkable' suggestion."""
        if obj.triage_pending and obj.status == ClaimStatus.UNREVIEWED:
            return f"not checkable ({obj.triage_rule})"
        return ""

    # --- change form

    @admin.display(description="quote in its answer")
    def quote_in_context(self, obj):
        """The quote highlighted inside its answer. Imported text is data: every piece is escaped."""
        if obj.is_removed and obj.question.removed_after_version is None:
            # Its span indexes the answer as it read then; the answer now reads otherwise (claims/admin/page_change.py).
            return removed_quote_context(obj)
        answer, context = obj.question.answer, 400
        before_start, after_end = max(0, obj.start - context), min(len(answer), obj.end + context)
        return format_html(
            '<div class="claim-context">'
            "<p><strong>Q{}. {}</strong></p>{}{}<mark>{}</mark>{}{}</div>"
            '<p class="help">Characters {}–{} of the answer.</p>',
            obj.question.number,
            obj.question.question,
            "…" if before_start > 0 else "",
            answer[before_start : obj.start],
            answer[obj.start : obj.end],
            answer[obj.end : after_end],
            "…" if after_end < len(answer) else "",
            obj.start,
            obj.end,
        )

    @admin.display(description="links the page cites (leads)")
    def page_links(self, obj):
        """The answer's Markdown links: their targets are leads for sources. Only http(s) targets are linked."""
        links = list(obj.question.links.all()) if obj is not None else []
        if not links:
            return "—"
        items = [
            format_html(
                '<li>{} — <a href="{}" rel="noopener noreferrer" target="_blank">{}</a></li>',
                link.text,
                link.url,
                link.url,
            )
            if link.is_web_link
            else format_html("<li>{} — {}</li>", link.text, link.url)
            for link in links
        ]
        return format_html("<ul>{}</ul>", format_html("".join(["{}"] * len(items)), *items))

    def get_fieldsets(self, request, obj=None):
        if workflow.can_publish(request.user):
            verdict = [
                "status_display",
                "verdict",
                "verdict_finding",
                "verdict_rationale",
                "confirm_publish",
                "reviewed_by",
                "reviewed_at",
            ]
        else:
            verdict = ["status_display", "finding", "rationale", "reviewed_by", "reviewed_at"]
        statement = ["quote_in_context", "page_links", "statement"]
        if self.has_change_permission(request, obj):
            statement.append("expected_version")
        return [
            (None, {"fields": statement}),
            ("Verdict", {"fields": verdict}),
            ("Other documents", {"fields": ["matches_list"]}),  # claims/admin/matches.py
            (
                "Anchor",
                {"fields": ["question", "position", "start", "end", "fingerprint", "version"], "classes": ["collapse"]},
            ),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        if workflow.can_publish(request.user):
            return form_class
        # Declared form fields survive `fields=`; drop the verdict ones for users who may not publish.
        dropped = {"verdict": None, "verdict_rationale": None, "verdict_finding": None, "confirm_publish": None}
        return type(form_class.__name__, (form_class,), dropped)

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.base_readonly_fields)
        if obj is not None and obj.has_verdict and not workflow.can_publish(request.user):
            fields.append("statement")  # what a published verdict is about: reviewers only
        return fields

    def has_add_permission(self, request):
        return False  # claims come from the importer and from splitting, with exact offsets

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return workflow.can_delete_claim(request.user, obj)

    def delete_model(self, request, obj):
        workflow.delete_claim(obj, user=request.user)

    def has_flag_permission(self, request):
        return request.user.has_perm("claims.add_flag")

    def get_actions(self, request):
        actions = super().get_actions(request)
        # The bulk delete checks the model permission only, not "has it ever had a verdict".
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        # Lock the row and compare versions first: a stale form saves nothing, inlines included.
        claim = workflow.check_version(obj, form.cleaned_data.get("expected_version"))
        if "statement" in form.cleaned_data and form.cleaned_data["statement"].strip() != claim.statement:
            statement = form.cleaned_data["statement"]
            workflow.edit_statement(claim, user=request.user, statement=statement, expected_version=None)
        sync_instance(obj, claim)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        verdict = form.cleaned_data.get("verdict")
        if verdict:
            claim = Claim.objects.get(pk=form.instance.pk)
            rationale = form.cleaned_data.get("verdict_rationale", "").strip()
            finding = form.cleaned_data.get("verdict_finding", "").strip()
            if verdict != claim.status or rationale != claim.rationale or finding != claim.finding:
                workflow.set_verdict(claim, user=request.user, status=verdict, rationale=rationale, finding=finding)
                sync_instance(form.instance, claim)
                request.published_claim = claim

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        published = getattr(request, "published_claim", None)
        if published is not None and level == messages.SUCCESS:
            # Instead of the generic "changed successfully": what was published, and where to see it.
            message = format_html(
                "Published '{}' on claim {}: <a href=\"{}\">see it on the public site</a>.",
                published.status_choice.label,
                published.pk,
                published.get_absolute_url(),
            )
            del request.published_claim
        return super().message_user(request, message, level, *args, **kwargs)

    def save_formset(self, request, form, formset, change):
        if formset.model is Citation:
            for typed, added in save_citation_forms(request.user, form.instance, formset):
                self.message_user(request, attached_message(typed, added), messages.SUCCESS)
        elif formset.model is Flag:
            save_flag_forms(request.user, form.instance, formset)
        elif formset.model is ClaimRelation and formset.fk.name == "from_claim":
            save_relation_forms(request.user, form.instance, formset)
        else:  # relations recorded on other claims are read-only here
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    # --- actions

    @admin.action(
        description="Flag selected claims (citation needed, or another reason) with a note", permissions=["flag"]
    )
    def flag_selected(self, request, queryset):
        # Refused before the note is asked for, so nobody writes a note that cannot be saved.
        with_verdict = list(queryset.filter(status__in=[s.value for s in ClaimStatus.verdicts()]).order_by("pk"))
        if with_verdict and "apply" not in request.POST:
            for claim in with_verdict[:MAX_LISTED_REFUSALS]:
                self.message_user(
                    request,
                    f"Not flagged: claim {claim.pk} has a published verdict ('{claim.status_choice.label}'); "
                    f"a reviewer reopens it first.",
                    messages.ERROR,
                )
            if len(with_verdict) > MAX_LISTED_REFUSALS:
                self.message_user(
                    request, f"… and {len(with_verdict) - MAX_LISTED_REFUSALS} more with a verdict.", messages.ERROR
                )
            queryset = queryset.exclude(pk__in=[claim.pk for claim in with_verdict])
            if not queryset.exists():
                return None
        form = FlagActionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason, note = form.cleaned_data["reason"], form.cleaned_data["note"]
            self._apply(
                request,
                queryset,
                lambda claim: workflow.flag(claim, user=request.user, reason=reason, note=note),
                done=f"Flagged as {FlagReason(reason).label.lower()}",
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Flag claims",
            "opts": self.model._meta,
            "form": form,
            "claims": queryset.select_related("question"),
            "action": "flag_selected",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/claims/claim/flag_action.html", context)

    @admin.action(description="Mark selected claims not checkable", permissions=["change"])
    def mark_not_checkable(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda claim: workflow.mark_not_checkable(claim, user=request.user),
            done="Marked not checkable",
        )

    @admin.action(
        description="Accept suggestions: mark the selected suggested claims not checkable", permissions=["change"]
    )
    def accept_triage_suggestions(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda claim: workflow.accept_triage_suggestion(claim, user=request.user),
            done="Suggestion accepted, marked not checkable",
        )

    @admin.action(description="Reject suggestions: keep the selected claims to be checked", permissions=["change"])
    def reject_triage_suggestions(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda claim: workflow.reject_triage_suggestion(claim, user=request.user),
            done="Suggestion rejected",
        )

    @admin.action(description="Start review of selected claims", permissions=["change"])
    def start_review(self, request, queryset):
        self._apply(
            request, queryset, lambda claim: workflow.start_review(claim, user=request.user), done="Moved to review"
        )

    def _apply(self, request, queryset, transition, *, done):
        """Run one transition per claim, each in its own transaction; report what was refused and why."""
        succeeded, refused = 0, []
        for claim in queryset.order_by("pk"):
            try:
                transition(claim)
                succeeded += 1
            except workflow.WorkflowError as refusal:
                refused.append(f"claim {claim.pk}: {refusal}")
        if succeeded:
            self.message_user(request, f"{done}: {succeeded} claim{'s' if succeeded != 1 else ''}.", messages.SUCCESS)
        for line in refused[:MAX_LISTED_REFUSALS]:
            self.message_user(request, f"Refused: {line}", messages.ERROR)
        if len(refused) > MAX_LISTED_REFUSALS:
            self.message_user(request, f"… and {len(refused) - MAX_LISTED_REFUSALS} more refused.", messages.ERROR)

    # --- split, merge and reopen pages

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/split/", view(self.split_view), name="claims_claim_split"),
            path("<path:object_id>/merge/", view(self.merge_view), name="claims_claim_merge"),
            path("<path:object_id>/reopen/", view(self.reopen_view), name="claims_claim_reopen"),
            path(
                "<path:object_id>/attach-context/", view(self.attach_context_view), name="claims_claim_attach_context"
            ),
            *self.matches_urls(),
        ] + super().get_urls()

    def _claim_for(self, request, object_id, *, perm_check):
        claim = get_object_or_404(Claim.objects.select_related("question__document"), pk=object_id)
        if not perm_check(claim):
            raise PermissionDenied
        return claim

    def _page(self, request, template, claim, title, **context):
        return TemplateResponse(
            request,
            f"admin/claims/claim/{template}",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "original": claim,
                "claim": claim,
                "quote_in_context": self.quote_in_context(claim),
                **context,
            },
        )

    def split_view(self, request, object_id):
        claim = self._claim_for(request, object_id, perm_check=lambda c: self.has_change_permission(request, c))
        form = SplitForm(request.POST or None, quote=claim.quote)
        if request.method == "POST" and form.is_valid():
            try:
                first, second = workflow.split_claim(claim, user=request.user, at=form.cleaned_data["at"])
            except workflow.NotAllowed:
                raise
            except workflow.WorkflowError as refusal:
                form.add_error(None, str(refusal))
            else:
                self.message_user(
                    request, f"Split claim {first.pk}: the second part is claim {second.pk}.", messages.SUCCESS
                )
                return redirect("admin:claims_claim_change", first.pk)
        return self._page(request, "split.html", claim, f"Split claim {claim.pk}", form=form)

    def merge_view(self, request, object_id):
        claim = self._claim_for(request, object_id, perm_check=lambda c: self.has_change_permission(request, c))
        following = Claim.objects.filter(question_id=claim.question_id, position=claim.position + 1).first()
        error = None
        if request.method == "POST" and following is not None:
            try:
                merged = workflow.merge_claims(claim, following, user=request.user)
            except workflow.NotAllowed:
                raise
            except workflow.WorkflowError as refusal:
                error = str(refusal)
            else:
                self.message_user(request, f"Merged claim {following.pk} into claim {merged.pk}.", messages.SUCCESS)
                return redirect("admin:claims_claim_change", merged.pk)
        title = f"Merge claim {claim.pk} with the next one"
        return self._page(request, "merge.html", claim, title, following=following, error=error)

    def reopen_view(self, request, object_id):
        workflow.require(request.user, roles.PUBLISH_VERDICT, "reopen verdicts")
        claim = self._claim_for(request, object_id, perm_check=lambda c: self.has_view_permission(request, c))
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                workflow.reopen(claim, user=request.user, reason=form.cleaned_data["reason"])
            except workflow.NotAllowed:
                raise
            except workflow.WorkflowError as refusal:
                form.add_error(None, str(refusal))
            else:
                self.message_user(request, f"Reopened claim {claim.pk}: it is in review again.", messages.SUCCESS)
                return redirect("admin:claims_claim_change", claim.pk)
        return self._page(request, "reopen.html", claim, f"Reopen the verdict on claim {claim.pk}", form=form)

    def attach_context_view(self, request, object_id):
        """One click from the citations found in the claim's text: cite that source with stance 'context'."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = self._claim_for(request, object_id, perm_check=lambda c: self.has_view_permission(request, c))
        workflow.require(request.user, "sources.add_citation", "add citations")
        canonical = request.POST.get("citation", "")
        found = next((c for c in citations_in_claim_text(claim) if c.canonical == canonical), None)
        if found is None:
            self.message_user(
                request,
                f"Not attached: {canonical!r} is not among the citations found in the text of claim {claim.pk}.",
                messages.ERROR,
            )
            return redirect("admin:claims_claim_change", claim.pk)
        try:
            # A section continuing a list ("1644" of "§§ 1373 and 1644") does not parse alone: its full form does.
            text = found.text if parse_citation(found.text) is not None else with_pinpoint(found)
            citation = workflow.add_typed_citation(claim, user=request.user, text=text, stance=Stance.CONTEXT)
        except workflow.NotAllowed:
            raise
        except workflow.WorkflowError as refusal:
            self.message_user(request, f"Not attached: {refusal}", messages.ERROR)
        else:
            self.message_user(request, f"Attached {citation} to claim {claim.pk}.", messages.SUCCESS)
        return redirect("admin:claims_claim_change", claim.pk)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            following = Claim.objects.filter(question_id=obj.question_id, position=obj.position + 1).exists()
            context.update(
                can_split=self.has_change_permission(request, obj) and not obj.has_verdict,
                can_merge=self.has_change_permission(request, obj) and following and not obj.has_verdict,
                can_reopen=obj.has_verdict and workflow.can_publish(request.user),
                found_citations=found_citations(obj, request.user),
                page_change=page_change_notice(obj),  # claims/admin/page_change.py
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
