"""Documents and questions in the admin; a document is added by importing its text.

The import form calls faq.importing, the same importer as `manage.py
import_faq`: a dry run first, showing what would be created, then the import.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from faq.importing import ImportOptions, ImportRefused, decode_faq_bytes, import_faq_text
from faq.models import Document, PageLink, Question


class ImportForm(forms.Form):
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        label="Paste the FAQ text",
        help_text="Plain text or Markdown, as copied from the page.",
    )
    file = forms.FileField(required=False, label="or upload a file", help_text="UTF-8 text, up to 2 MB.")
    slug = forms.SlugField(
        required=False, max_length=200, help_text="The document's address, /faq/<slug>/. Empty: made from the title."
    )
    category = forms.CharField(
        required=False, max_length=200, help_text="Empty: the page's own 'Categories …' line."
    )
    jurisdiction = forms.CharField(required=False, max_length=50, help_text="Whose law the page is about: 'NC', 'US'.")
    source_url = forms.URLField(
        required=False,
        max_length=1000,
        assume_scheme="https",
        label="Source URL",
        help_text="Where the page was published.",
    )
    retrieved_on = forms.DateField(required=False, help_text="When the text was copied (YYYY-MM-DD).")

    def clean(self):
        cleaned = super().clean()
        has_text, has_file = bool((cleaned.get("text") or "").strip()), bool(cleaned.get("file"))
        if has_text == has_file:
            raise forms.ValidationError("paste the text or upload a file (one of the two)")
        return cleaned

    def options(self) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            slug=data["slug"],
            category=data["category"] or None,
            jurisdiction=data["jurisdiction"],
            source_url=data["source_url"],
            retrieved_on=data["retrieved_on"],
        )

    def source_text(self) -> tuple[str, str]:
        """The text to import and the name the importer's messages use for it."""
        upload = self.cleaned_data.get("file")
        if upload:
            return decode_faq_bytes(upload.read(), name=upload.name), upload.name
        return self.cleaned_data["text"], "pasted text"


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["number", "question"]
    readonly_fields = ["number", "question"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "category", "jurisdiction", "created_at"]
    list_filter = ["jurisdiction", "category"]
    search_fields = ["title", "slug", "source_url"]
    fields = [
        "title",
        "slug",
        "category",
        "jurisdiction",
        "source_url",
        "retrieved_on",
        "content_sha256",
        "created_at",
        "updated_at",
    ]
    # The text and its address come from the import; claim offsets index into it.
    readonly_fields = ["slug", "content_sha256", "created_at", "updated_at"]
    inlines = [QuestionInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="faq_document_import"),
        ] + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        # A document is only ever added through the importer, which also creates its claims.
        return redirect("admin:faq_document_import")

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None:
            return True
        # Deleting a document deletes its claims; one that ever had a verdict is never deleted.
        from claims.models import Claim  # claims depends on faq, not the other way round (as in the importer)

        return not Claim.objects.ever_had_verdict().filter(question__document=obj).exists()

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "title": "Import an FAQ document", "opts": self.model._meta}
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                text, name = form.source_text()
                dry_run = "_import" not in request.POST
                result = import_faq_text(text, name=name, options=form.options(), dry_run=dry_run, user=request.user)
            except ImportRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                if result.unchanged:
                    # Not result.message: on a dry run it reads "would import" even for known text.
                    known = f"'{result.slug}' is already imported with this exact text; nothing changed."
                    messages.info(request, known)
                    return redirect("admin:faq_document_change", result.document.pk)
                if not dry_run:
                    messages.success(request, result.message)
                    return redirect("admin:faq_document_change", result.document.pk)
                # The preview carries the text itself forward, so an uploaded file need not be sent again.
                context.update(preview=result, text=text, confirm=form.cleaned_data)
        context["form"] = form
        return TemplateResponse(request, "admin/faq/document/import.html", context)


class PageLinkInline(admin.TabularInline):
    """The links the answer cites: leads for reviewers looking for sources."""

    model = PageLink
    fields = ["position", "text", "url"]
    readonly_fields = ["position", "text", "url"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    inlines = [PageLinkInline]
    list_display = ["number", "question", "document"]
    list_display_links = ["question"]
    list_filter = ["document"]
    search_fields = ["question", "answer", "document__title"]
    list_select_related = ["document"]
    ordering = ["document", "number"]
    # Imported text: the claims' offsets index into the answer, so it is never edited here.
    readonly_fields = ["document", "number", "question", "answer"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
