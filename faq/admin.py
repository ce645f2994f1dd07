"""Documents and questions in the admin; a document is added by importing its text.

The import form calls faq.importing, the same importer as `manage.py
import_faq`: a dry run first, showing what would be created, then the import.
A page read from an HTML file or a URL is carried from the preview to the
confirmation, signed, so what is imported (and kept as evidence) is exactly
the page the preview showed.
"""

import base64
import binascii
import hashlib
from datetime import datetime

from django import forms
from django.core import signing
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from faq.fetching import RawPage
from faq.importing import (
    ImportOptions,
    ImportRefused,
    decode_faq_bytes,
    import_faq_html,
    import_faq_page,
    import_faq_text,
    import_faq_url,
    is_html_file,
)
from faq.models import Document, DocumentVersion, PageCapture, PageLink, Question
from faq.publishing import PUBLISH_PERMISSION, set_published
from faq.refresh import refresh_document

_PAGE_SALT = "faq.admin.import.page"
# A preview left open over a long lunch may still be confirmed; a week-old one may not.
_PAGE_MAX_AGE = 12 * 3600


class ImportForm(forms.Form):
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        label="Paste the FAQ text",
        help_text="Plain text or Markdown, as copied from the page.",
    )
    file = forms.FileField(
        required=False,
        label="or upload a file",
        help_text="UTF-8 text or Markdown (up to 2 MB), or a page saved from the browser as HTML (up to 5 MB).",
    )
    url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="or fetch it from the web",
        help_text="The page's http(s) address. Its main content is read; menus, sidebars, "
        "comments and footers are left out. The page as fetched is kept with the document.",
    )
    title = forms.CharField(
        required=False,
        max_length=300,
        help_text="Empty: the page's own title (its heading, or its title without the site name), "
        "else the text's first line.",
    )
    # The page read for the preview, carried to the confirmation (see ImportForm.page).
    page = forms.CharField(required=False, widget=forms.HiddenInput)
    page_meta = forms.CharField(required=False, widget=forms.HiddenInput)
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
        given = [
            bool((cleaned.get("text") or "").strip()),
            bool(cleaned.get("file")),
            bool(cleaned.get("url")),
            bool(cleaned.get("page_meta")),
        ]
        if sum(given) != 1:
            raise forms.ValidationError("paste the text, upload a file or give a URL (one of the three)")
        if cleaned.get("page_meta"):
            cleaned["carried_page"] = self._carried_page(cleaned["page"], cleaned["page_meta"])
        return cleaned

    def options(self) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            slug=data["slug"],
            title=data["title"].strip(),
            category=data["category"] or None,
            jurisdiction=data["jurisdiction"],
            source_url=data["source_url"],
            retrieved_on=data["retrieved_on"],
        )

    def run_import(self, *, dry_run: bool, user):
        """Import what the form was given, through the one importer; raises ImportRefused."""
        data, options = self.cleaned_data, self.options()
        kwargs = {"options": options, "dry_run": dry_run, "user": user}
        if carried := data.get("carried_page"):
            page, name = carried
            return import_faq_page(page, name=name, **kwargs)
        if data.get("url"):
            return import_faq_url(data["url"], **kwargs)
        upload = data.get("file")
        if upload:
            content = upload.read()
            if is_html_file(upload.name, content):
                return import_faq_html(content, name=upload.name, **kwargs)
            self.imported_text = decode_faq_bytes(content, name=upload.name)
            return import_faq_text(self.imported_text, name=upload.name, **kwargs)
        self.imported_text = data["text"]
        return import_faq_text(self.imported_text, name="pasted text", **kwargs)

    @staticmethod
    def carry_page(page: RawPage, name: str) -> dict:
        """The hidden fields that carry a page read for the preview to the confirmation."""
        meta = {
            "name": name,
            "sha256": hashlib.sha256(page.content).hexdigest(),
            "content_type": page.content_type,
            "url": page.url,
            "requested_url": page.requested_url,
            "status": page.status,
            "retrieved_at": page.retrieved_at.isoformat() if page.retrieved_at else None,
        }
        return {
            "page": base64.b64encode(page.content).decode("ascii"),
            "page_meta": signing.dumps(meta, salt=_PAGE_SALT, compress=True),
        }

    @staticmethod
    def _carried_page(encoded: str, signed: str) -> tuple[RawPage, str]:
        # Signed: what is kept as the evidence of a fetch must be what was fetched.
        try:
            meta = signing.loads(signed, salt=_PAGE_SALT, max_age=_PAGE_MAX_AGE)
            content = base64.b64decode(encoded, validate=True)
        except signing.SignatureExpired:
            raise forms.ValidationError("the preview is too old; start again") from None
        except (signing.BadSignature, binascii.Error, ValueError):
            raise forms.ValidationError("the page carried from the preview was changed; start again") from None
        if hashlib.sha256(content).hexdigest() != meta["sha256"]:
            raise forms.ValidationError("the page carried from the preview was changed; start again")
        retrieved_at = datetime.fromisoformat(meta["retrieved_at"]) if meta["retrieved_at"] else None
        page = RawPage(
            content=content,
            content_type=meta["content_type"],
            url=meta["url"],
            requested_url=meta["requested_url"],
            status=meta["status"],
            retrieved_at=retrieved_at,
        )
        return page, meta["name"]


class PageCaptureInline(admin.TabularInline):
    """The page as fetched or uploaded, read-only: it is the evidence of what the page said."""

    model = PageCapture
    fields = ["retrieved_at", "url", "requested_url", "status", "content_type", "encoding", "filename", "size", "content_sha256"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "page as retrieved"
    verbose_name_plural = "pages as retrieved"

    def get_queryset(self, request):
        # The bytes can be megabytes; the table shows their size and hash.
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    """The document's versions, read-only: each import of a changed text and what it did to the claims."""

    model = DocumentVersion
    fields = ["number", "created_at", "created_by", "unchanged_count", "edited_count", "removed_count", "new_count"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-number"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("body").select_related("created_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["number", "question", "removed_after_version"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    # One link per row ("View"), not "View View on site": the question's own page links to the public one.
    view_on_site = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "is_published", "claims_link", "slug", "jurisdiction", "created_at"]
    list_filter = ["is_published", "jurisdiction", "category"]
    actions = ["publish", "unpublish", "check_for_changes"]
    search_fields = ["title", "slug", "source_url"]
    fields = [
        "title",
        "is_published",
        "claims_link",
        "slug",
        "category",
        "jurisdiction",
        "source_url",
        "retrieved_on",
        "gone_since",
        "gone_reason",
        "content_sha256",
        "created_at",
        "updated_at",
    ]
    # The text and its address come from the import; claim offsets index into it.
    # Published and withdrawn only through the actions (faq.publishing), never by a stray form save.
    readonly_fields = [
        "slug", "is_published", "claims_link", "gone_since", "gone_reason", "content_sha256", "created_at", "updated_at"
    ]
    inlines = [VersionInline, PageCaptureInline, QuestionInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="claims")
    def claims_link(self, document):
        if document.pk is None:
            return "-"
        url = reverse("admin:claims_claim_changelist") + f"?question__document__id__exact={document.pk}"
        return format_html('<a href="{}">triage its claims</a>', url)

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    @admin.action(description="Publish selected documents (they and their claims go public)", permissions=["publish"])
    def publish(self, request, queryset):
        changed = set_published(queryset, user=request.user, published=True)
        self.message_user(request, f"Published {len(changed)} document{'s' if len(changed) != 1 else ''}.")

    @admin.action(description="Unpublish selected documents (hidden from every public page)", permissions=["publish"])
    def unpublish(self, request, queryset):
        changed = set_published(queryset, user=request.user, published=False)
        self.message_user(request, f"Unpublished {len(changed)} document{'s' if len(changed) != 1 else ''}.")

    @admin.action(
        description="Check for changes now (fetch the source page; a changed text becomes a new version)",
        permissions=["add"],
    )
    def check_for_changes(self, request, queryset):
        # The same function as the refresh_documents command.
        for document in queryset.exclude(source_url="").order_by("slug"):
            outcome = refresh_document(document, user=request.user)
            level = {"failed": messages.ERROR, "gone": messages.WARNING}.get(outcome.kind, messages.INFO)
            self.message_user(request, str(outcome), level=level)
        skipped = queryset.filter(source_url="").count()
        if skipped:
            self.message_user(request, f"{skipped} document(s) without a source URL skipped.", level=messages.WARNING)

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
                dry_run = "_import" not in request.POST
                result = form.run_import(dry_run=dry_run, user=request.user)
            except ImportRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                if result.unchanged:
                    # Not result.message: on a dry run it reads "would import" even for known text.
                    known = f"'{result.slug}' is already imported with this exact text; nothing changed."
                    messages.info(request, known)
                    return redirect("admin:faq_document_change", result.document.pk)
                if not dry_run and result.plan is not None:
                    queue = reverse("admin:claims_claim_changelist") + "?flag_reason=text_changed"
                    messages.success(
                        request,
                        format_html('{} <a href="{}">Claims whose wording changed under a verdict</a>.',
                                    result.message, queue),
                    )
                    return redirect("admin:faq_document_change", result.document.pk)
                if not dry_run:
                    claims = reverse("admin:claims_claim_changelist") + f"?question__document__id__exact={result.document.pk}"
                    messages.success(
                        request,
                        format_html(
                            '{} It is not public yet: <a href="{}">triage its claims</a>, then publish it with '
                            "the documents' action.",
                            result.message,
                            claims,
                        ),
                    )
                    return redirect("admin:faq_document_change", result.document.pk)
                # The preview carries the text (or the page) itself forward, so an uploaded
                # file need not be sent again and a URL is not fetched twice.
                confirm = {
                    name: value
                    for name, value in form.cleaned_data.items()
                    if name not in ("text", "file", "url", "page", "page_meta", "carried_page")
                }
                if result.page is not None:
                    carried = form.cleaned_data.get("carried_page")
                    name = carried[1] if carried else (form.cleaned_data.get("url") or form.cleaned_data["file"].name)
                    confirm.update(form.carry_page(result.page, name))
                    text = ""
                else:
                    text = form.imported_text
                context.update(preview=result, text=text, confirm=confirm)
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
