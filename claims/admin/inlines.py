"""The claim page's inlines (citations, flags, relations) and their saving, through claims.workflow."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from claims import workflow
from claims.admin.common import LabelledInline
from claims.forms import CitationForm
from claims.models import ClaimRelation, Flag
from sources.models import Citation


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


def _changed_forms(formset):
    deleted = set(map(id, formset.deleted_forms))
    return [f for f in formset.forms if id(f) not in deleted and f.has_changed()]


def save_citation_forms(user, claim, formset) -> list[tuple[str, list[Citation]]]:
    """Save the citation inline through the workflow; returns (typed text, citations) for each list typed."""
    lists = []
    for form in formset.deleted_forms:
        if form.instance.pk:
            workflow.remove_citation(Citation.objects.get(pk=form.instance.pk), user=user)
    for form in _changed_forms(formset):
        if form.instance.pk is None:
            added = add_citation(user, claim, form.cleaned_data)
            if len(added) > 1:
                lists.append((form.cleaned_data["typed_citation"], added))
        else:
            update_citation(user, Citation.objects.get(pk=form.instance.pk), form)
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    return lists


def add_citation(user, claim, data) -> list[Citation]:
    """Save a new citation from a CitationForm: of the chosen source, or one of each source the typed text names."""
    fields = {name: data.get(name, "") for name in ("stance", "pinpoint", "excerpt", "note")}
    if data.get("typed_citation"):
        return workflow.add_typed_citations(claim, user=user, text=data["typed_citation"], **fields)
    return [workflow.add_citation(claim, user=user, source=data["source"], **fields)]


def attached_message(typed: str, added: list[Citation]) -> str:
    """The one confirmation for several citations typed together."""
    listed = "; ".join(f"{c.source}{f' {c.pinpoint}' if c.pinpoint else ''}" for c in added)
    return f"“{typed}” is {len(added)} citations; each is attached: {listed}."


def update_citation(user, citation, form) -> Citation:
    """Save a changed CitationForm; a typed citation replaces the source, with its pinpoint unless one was typed."""
    data = form.cleaned_data
    changes = {name: data[name] for name in form.changed_data if name in workflow.CITATION_FIELDS}
    if data.get("typed_citation"):
        resolved = workflow.source_for_citation(data["typed_citation"], user=user)
        changes["source"] = resolved.source
        if "pinpoint" not in form.changed_data:
            changes["pinpoint"] = resolved.pinpoint
    return workflow.update_citation(citation, user=user, **changes)


def save_flag_forms(user, claim, formset):
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


def save_relation_forms(user, claim, formset):
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
