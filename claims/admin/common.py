"""What the desk's admin pages share: status labels, the desk's stylesheet, labelled inlines, history without revert, and workflow refusals shown as form errors."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from claims import workflow
from claims.models import ClaimStatus

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


def sync_instance(target, source):
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
