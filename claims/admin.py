"""The editorial desk: claims, flags, relations and citations in the Django admin.

Every change that touches a claim's status, citations, flags or relations goes
through claims.workflow, which checks permissions and rules and writes history.
A refusal raised while saving a form rolls the whole save back and shows the
form again with the refusal as its error (RefusalsAsFormErrors), never a 500.

Citation's admin lives here rather than in sources/admin.py: it writes through
claims.workflow, and the sources app knows nothing of claims.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from claims import roles, workflow
from claims.admin_matches import ClaimMatchesAdmin
from claims.admin_pagechange import (
    ChangedSinceVerdictFilter,
    RemovedFromPageFilter,
    page_change_notice,
    removed_quote_context,
)
from claims.forms import CitationForm, ClaimForm, FlagActionForm, ReasonForm, SplitForm
from claims.models import Claim, ClaimRelation, ClaimStatus, Flag, FlagReason
from faq.parsing.triage import RULE_NAMES as TRIAGE_RULE_NAMES
from sources.citations import find_citations, parse_citation
from sources.models import Citation, Source, Stance, with_pinpoint

# Refusals listed one by one after a bulk action; the rest are counted.
MAX_LISTED_REFUSALS = 10


def status_label(status: str):
    """The status as a label that carries its text, with its colour as a side bar (colour is never the only cue).

    Dark text on a light ground passes contrast for every status; the colours are in claimledger-admin.css.
    """
    choice = ClaimStatus(status)
    return format_html('<span class="claim-status st-{}">{}</span>', choice.value, choice.label)


class DeskMedia:
    """The desk's one script (its stylesheet, claimledger-admin.css, is on every admin page)."""

    class Media:
        js = ["admin/claimledger-desk.js"]


class LabelledInline:
    """Tabular inlines show labels only as column headers: give every input its own accessible name."""

    def get_formset(self, request, obj=None, **kwargs):
        base = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(base):
            # add_fields runs after the form is built and adds DELETE: label everything there.
            def add_fields(self, form, index):
                super().add_fields(form, index)
                for name, field in form.fields.items():
                    label = "Delete this row" if name == "DELETE" else field.label
                    if label:
                        field.widget.attrs.setdefault("aria-label", str(label))

        return LabelledFormSet


class NoRevertHistoryAdmin(SimpleHistoryAdmin):
    """History is for reading: reverting to an old version would bypass the workflow's rules."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("reverting to an old version is disabled; the workflow makes every change")
        return super().history_form_view(request, object_id, version_id, extra_context)


class RefusalsAsFormErrors:
    """Show a WorkflowError raised while saving as the form's error instead of a server error.

    The first attempt runs inside the admin's transaction; a refusal rolls all
    of it back (inlines included). The form is then built again from the same
    POST, with the refusal as its non-field error, so nothing typed is lost.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except workflow.WorkflowError as refusal:
                request.workflow_refusal = refusal
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "workflow_refusal", None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                super().clean()
                raise ValidationError(str(refusal))

        return RefusedForm


# --- changelist filters ------------------------------------------------------


class YesNoFilter(admin.SimpleListFilter):
    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition())
        if self.value() == "no":
            return queryset.filter(~self.condition())
        return queryset


class HasCitationsFilter(YesNoFilter):
    title = "has citations"
    parameter_name = "has_citations"

    def condition(self):
        return Exists(Citation.objects.filter(claim=OuterRef("pk")))


class HasOpenFlagsFilter(YesNoFilter):
    title = "has open flags"
    parameter_name = "has_open_flags"

    def condition(self):
        return Exists(Flag.objects.open().filter(claim=OuterRef("pk")))


class FlagReasonFilter(admin.SimpleListFilter):
    title = "open flag reason"
    parameter_name = "flag_reason"

    def lookups(self, request, model_admin):
        return FlagReason.choices

    def queryset(self, request, queryset):
        if self.value() in FlagReason.values:
            # Exists, not a join: a join would multiply rows under the count annotations.
            return queryset.filter(Exists(Flag.objects.open().filter(claim=OuterRef("pk"), reason=self.value())))
        return queryset


class TriageSuggestionFilter(admin.SimpleListFilter):
    """Unreviewed claims the importer suggests are not checkable, by the rule that matched."""

    title = "suggested not checkable"
    parameter_name = "suggested"

    def lookups(self, request, model_admin):
        return [("any", "Any rule"), *((rule, rule.capitalize()) for rule in TRIAGE_RULE_NAMES)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        pending = queryset.filter(triage_pending=True, status=ClaimStatus.UNREVIEWED)
        return pending if self.value() == "any" else pending.filter(triage_rule=self.value())


# --- inlines -----------------------------------------------------------------


class SmallTextareasInline(LabelledInline, admin.TabularInline):
    """A tabular inline whose `small_textareas` fields get two-row boxes, so a row fits the page."""

    small_textareas: tuple[str, ...] = ()

    def get_formset(self, request, obj=None, **kwargs):
        small = {"rows": 2, "cols": 24}
        widgets = {name: forms.Textarea(attrs=small) for name in self.small_textareas}
        kwargs.setdefault("widgets", {}).update(widgets)
        return super().get_formset(request, obj, **kwargs)


class CitationInline(SmallTextareasInline):
    model = Citation
    form = CitationForm
    fields = ["source", "typed_citation", "stance", "pinpoint", "excerpt", "note", "added_by"]
    readonly_fields = ["added_by"]
    autocomplete_fields = ["source"]
    extra = 0
    small_textareas = ("excerpt", "note")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "added_by")


class FlagInline(SmallTextareasInline):
    model = Flag
    fields = ["reason", "note", "raised_by", "raised_at", "resolution", "resolved_by", "resolved_at"]
    readonly_fields = ["raised_by", "raised_at", "resolved_by", "resolved_at"]
    extra = 0
    can_delete = False  # a flag is resolved, not deleted: its record stays
    verbose_name_plural = "flags (write a resolution to resolve one)"
    small_textareas = ("note", "resolution")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("raised_by", "resolved_by")


class RelationInline(SmallTextareasInline):
    model = ClaimRelation
    fk_name = "from_claim"
    small_textareas = ("note",)
    fields = ["kind", "to_claim", "note", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    autocomplete_fields = ["to_claim"]
    extra = 0
    verbose_name = "relation to another claim"
    verbose_name_plural = "relations recorded on this claim"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("to_claim", "created_by")


class IncomingRelationInline(LabelledInline, admin.TabularInline):
    """Relations recorded on other claims that point here: 'contradicts' and 'duplicates' go both ways."""

    model = ClaimRelation
    fk_name = "to_claim"
    fields = ["from_claim_link", "kind", "note", "created_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "relation from another claim"
    verbose_name_plural = "relations recorded on other claims (edit them there)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_claim", "created_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="claim")
    def from_claim_link(self, relation):
        url = reverse("admin:claims_claim_change", args=[relation.from_claim_id])
        return format_html('<a href="{}">claim {}: {}</a>', url, relation.from_claim_id, relation.from_claim)


# --- claims ------------------------------------------------------------------


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
        RemovedFromPageFilter,  # claims/admin_pagechange.py
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
            # Its span indexes the answer as it read then; the answer now reads otherwise (claims/admin_pagechange.py).
            return removed_quote_context(obj)
        answer, context = obj.question.answer, 400
        before_start, after_end = max(0, obj.start - context), min(len(answer), obj.end + context)
        return format_html(
            '<div class="claim-context">'
            '<p><strong>Q{}. {}</strong></p>{}{}<mark>{}</mark>{}{}</div>'
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
            format_html('<li>{} — <a href="{}" rel="noopener noreferrer" target="_blank">{}</a></li>', link.text, link.url, link.url)
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
            ("Other documents", {"fields": ["matches_list"]}),  # claims/admin_matches.py
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
        _sync_instance(obj, claim)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        verdict = form.cleaned_data.get("verdict")
        if verdict:
            claim = Claim.objects.get(pk=form.instance.pk)
            rationale = form.cleaned_data.get("verdict_rationale", "").strip()
            finding = form.cleaned_data.get("verdict_finding", "").strip()
            if verdict != claim.status or rationale != claim.rationale or finding != claim.finding:
                workflow.set_verdict(claim, user=request.user, status=verdict, rationale=rationale, finding=finding)
                _sync_instance(form.instance, claim)
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
            for typed, added in _save_citation_forms(request.user, form.instance, formset):
                self.message_user(request, _attached_message(typed, added), messages.SUCCESS)
        elif formset.model is Flag:
            _save_flag_forms(request.user, form.instance, formset)
        elif formset.model is ClaimRelation and formset.fk.name == "from_claim":
            _save_relation_forms(request.user, form.instance, formset)
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

    @admin.action(description="Accept suggestions: mark the selected suggested claims not checkable", permissions=["change"])
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
                self.message_user(
                    request, f"Merged claim {following.pk} into claim {merged.pk}.", messages.SUCCESS
                )
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
                page_change=page_change_notice(obj),  # claims/admin_pagechange.py
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


def _sync_instance(target, source):
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


# --- citations found in a claim's own text ----------------------------------


def citations_in_claim_text(claim) -> list:
    """The citations in the claim's quote and (when edited) its statement, one per source, in order."""
    texts = [claim.quote] if claim.statement == claim.quote else [claim.quote, claim.statement]
    seen, found = set(), []
    for text in texts:
        for parsed in find_citations(text):
            if parsed.canonical not in seen:
                seen.add(parsed.canonical)
                found.append(parsed)
    return found


@dataclass(frozen=True)
class FoundCitation:
    """A citation found in a claim's text, for the change page's suggestions."""

    parsed: object  # sources.citations.ParsedCitation
    source: Source | None  # None: attaching it adds the source
    cited_as: tuple[str, ...]  # stances the claim already cites this source with
    can_attach: bool


def found_citations(claim, user) -> list[FoundCitation]:
    """`citations_in_claim_text` with their recorded sources and this claim's citations of them (two queries)."""
    found = citations_in_claim_text(claim)
    if not found:
        return []
    canonicals = [parsed.canonical for parsed in found]
    sources = {source.citation: source for source in Source.objects.filter(citation__in=canonicals)}
    cited: dict[str, list[str]] = {}
    for canonical, stance in claim.citations.filter(source__citation__in=canonicals).values_list(
        "source__citation", "stance"
    ):
        cited.setdefault(canonical, []).append(stance)
    may_cite, may_add = user.has_perm("sources.add_citation"), user.has_perm("sources.add_source")
    return [
        FoundCitation(
            parsed=parsed,
            source=sources.get(parsed.canonical),
            cited_as=tuple(sorted(set(cited.get(parsed.canonical, ())))),
            can_attach=may_cite and (may_add or parsed.canonical in sources),
        )
        for parsed in found
    ]


# --- inline saving, through the workflow ------------------------------------


def _changed_forms(formset):
    deleted = set(map(id, formset.deleted_forms))
    return [f for f in formset.forms if id(f) not in deleted and f.has_changed()]


def _save_citation_forms(user, claim, formset) -> list[tuple[str, list[Citation]]]:
    """Save the citation inline through the workflow; returns (typed text, citations) for each list typed."""
    lists = []
    for form in formset.deleted_forms:
        if form.instance.pk:
            workflow.remove_citation(Citation.objects.get(pk=form.instance.pk), user=user)
    for form in _changed_forms(formset):
        if form.instance.pk is None:
            added = _add_citation(user, claim, form.cleaned_data)
            if len(added) > 1:
                lists.append((form.cleaned_data["typed_citation"], added))
        else:
            _update_citation(user, Citation.objects.get(pk=form.instance.pk), form)
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    return lists


def _add_citation(user, claim, data) -> list[Citation]:
    """Save a new citation from a CitationForm: of the chosen source, or one of each source the typed text names."""
    fields = {name: data.get(name, "") for name in ("stance", "pinpoint", "excerpt", "note")}
    if data.get("typed_citation"):
        return workflow.add_typed_citations(claim, user=user, text=data["typed_citation"], **fields)
    return [workflow.add_citation(claim, user=user, source=data["source"], **fields)]


def _attached_message(typed: str, added: list[Citation]) -> str:
    """The one confirmation for several citations typed together."""
    listed = "; ".join(f"{c.source}{f' {c.pinpoint}' if c.pinpoint else ''}" for c in added)
    return f"“{typed}” is {len(added)} citations; each is attached: {listed}."


def _update_citation(user, citation, form) -> Citation:
    """Save a changed CitationForm; a typed citation replaces the source, with its pinpoint unless one was typed."""
    data = form.cleaned_data
    changes = {name: data[name] for name in form.changed_data if name in workflow.CITATION_FIELDS}
    if data.get("typed_citation"):
        resolved = workflow.source_for_citation(data["typed_citation"], user=user)
        changes["source"] = resolved.source
        if "pinpoint" not in form.changed_data:
            changes["pinpoint"] = resolved.pinpoint
    return workflow.update_citation(citation, user=user, **changes)


def _save_flag_forms(user, claim, formset):
    for form in _changed_forms(formset):
        data = form.cleaned_data
        if form.instance.pk is None:
            new_flag = workflow.flag(claim, user=user, reason=data["reason"], note=data.get("note", ""))
            if (data.get("resolution") or "").strip():
                workflow.resolve_flag(new_flag, user=user, resolution=data["resolution"])
            continue
        current = Flag.objects.get(pk=form.instance.pk)
        if "reason" in form.changed_data or "note" in form.changed_data:
            current.reason, current.note = data["reason"], data.get("note", "")
            current._history_user = user
            current.save(update_fields=["reason", "note"])  # internal fields; no status depends on them
        if "resolution" in form.changed_data:
            if not current.is_open:
                raise workflow.WorkflowError(
                    f"flag {current.pk} is already resolved; its resolution is kept as written"
                )
            workflow.resolve_flag(current, user=user, resolution=data.get("resolution", ""))
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


def _save_relation_forms(user, claim, formset):
    for form in formset.deleted_forms:
        if form.instance.pk:
            workflow.unrelate(ClaimRelation.objects.get(pk=form.instance.pk), user=user)
    for form in _changed_forms(formset):
        data = form.cleaned_data
        if form.instance.pk is not None:
            current = ClaimRelation.objects.get(pk=form.instance.pk)
            if {"to_claim", "kind"} & set(form.changed_data):
                workflow.unrelate(current, user=user)  # a different relation: recorded anew, checked anew
            else:
                current.note, current._history_user = data.get("note", ""), user
                current.save(update_fields=["note"])
                continue
        workflow.relate(claim, data["to_claim"], user=user, kind=data["kind"], note=data.get("note", ""))
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


# --- flags, relations and citations on their own pages ----------------------


@admin.register(Flag)
class FlagAdmin(DeskMedia, RefusalsAsFormErrors, NoRevertHistoryAdmin):
    list_display = ["claim", "reason", "raised_by", "raised_at", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["claim__statement", "note", "resolution"]
    list_select_related = ["claim", "raised_by"]
    raw_id_fields = ["claim"]
    readonly_fields = ["raised_by", "raised_at", "resolved_by", "resolved_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return [*self.readonly_fields, "resolution"]
        return [*self.readonly_fields, "claim"] + (["resolution"] if not obj.is_open else [])

    def has_delete_permission(self, request, obj=None):
        return False  # resolved, never deleted

    def save_model(self, request, obj, form, change):
        if not change:
            flag = workflow.flag(obj.claim, user=request.user, reason=obj.reason, note=obj.note)
            obj.pk, obj.raised_at = flag.pk, flag.raised_at
            return
        if {"reason", "note"} & set(form.changed_data):
            current = Flag.objects.get(pk=obj.pk)
            current.reason, current.note, current._history_user = obj.reason, obj.note, request.user
            current.save(update_fields=["reason", "note"])
        if "resolution" in form.changed_data:
            workflow.resolve_flag(Flag.objects.get(pk=obj.pk), user=request.user, resolution=obj.resolution)


@admin.register(ClaimRelation)
class ClaimRelationAdmin(RefusalsAsFormErrors, NoRevertHistoryAdmin):
    list_display = ["from_claim", "kind", "to_claim", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["from_claim__statement", "to_claim__statement", "note"]
    list_select_related = ["from_claim", "to_claim", "created_by"]
    autocomplete_fields = ["from_claim", "to_claim"]

    def get_readonly_fields(self, request, obj=None):
        # A different pair or kind is a different relation: delete this one and record that.
        return ["created_by", "created_at"] + (["from_claim", "to_claim", "kind"] if obj else [])

    def save_model(self, request, obj, form, change):
        if change:
            current = ClaimRelation.objects.get(pk=obj.pk)
            current.note, current._history_user = obj.note, request.user
            current.save(update_fields=["note"])
            return
        relation = workflow.relate(obj.from_claim, obj.to_claim, user=request.user, kind=obj.kind, note=obj.note)
        obj.pk = relation.pk

    def delete_model(self, request, obj):
        workflow.unrelate(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for relation in queryset:
            workflow.unrelate(relation, user=request.user)


@admin.register(Citation)
class CitationAdmin(RefusalsAsFormErrors, NoRevertHistoryAdmin):
    form = CitationForm
    list_display = ["claim", "source", "pinpoint", "stance", "added_by", "added_at"]
    list_filter = ["stance", "source__kind"]
    search_fields = ["claim__statement", "source__title", "source__citation", "excerpt"]
    list_select_related = ["claim", "source", "added_by"]
    autocomplete_fields = ["claim", "source"]
    readonly_fields = ["added_by", "added_at"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "claim"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            citation = _update_citation(request.user, Citation.objects.get(pk=obj.pk), form)
        else:
            added = _add_citation(request.user, form.cleaned_data["claim"], form.cleaned_data)
            if len(added) > 1:
                done = _attached_message(form.cleaned_data["typed_citation"], added)
                self.message_user(request, done, messages.SUCCESS)
            citation = added[0]
        # The admin's log entry and redirect name the citation as saved (its source may be new).
        _sync_instance(obj, citation)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except workflow.NotAllowed:
            raise
        except workflow.WorkflowError as refusal:
            self.message_user(request, f"Not removed: {refusal}", messages.ERROR)
            return redirect("admin:sources_citation_change", object_id)

    def delete_model(self, request, obj):
        workflow.remove_citation(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for citation in queryset:
            try:
                with transaction.atomic():
                    workflow.remove_citation(citation, user=request.user)
            except workflow.NotAllowed:
                raise
            except workflow.WorkflowError as refusal:
                self.message_user(request, f"Not removed: {refusal}", messages.ERROR)

