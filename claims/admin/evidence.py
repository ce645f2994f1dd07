"""Flags, relations and citations on their own admin pages, saved through claims.workflow.

Citation's admin lives here rather than in sources/admin.py: it writes through
claims.workflow, and the sources app knows nothing of claims.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.shortcuts import redirect

from claims import workflow
from claims.admin.common import (
    DeskMedia,
    NoRevertHistoryAdmin,
    RefusalsAsFormErrors,
    sync_instance,
)
from claims.admin.inlines import add_citation, attached_message, update_citation
from claims.forms import CitationForm
from claims.models import ClaimRelation, Flag
from sources.models import Citation


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
            citation = update_citation(request.user, Citation.objects.get(pk=obj.pk), form)
        else:
            added = add_citation(request.user, form.cleaned_data["claim"], form.cleaned_data)
            if len(added) > 1:
                done = attached_message(form.cleaned_data["typed_citation"], added)
                self.message_user(request, done, messages.SUCCESS)
            citation = added[0]
        # The admin's log entry and redirect name the citation as saved (its source may be new).
        sync_instance(obj, citation)

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
