from django.contrib import admin

from faq.models import Document, Question


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["number", "question"]
    readonly_fields = ["number", "question"]
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "category", "jurisdiction", "created_at"]
    list_filter = ["jurisdiction", "category"]
    search_fields = ["title", "slug", "source_url"]
    readonly_fields = ["content_sha256", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["number", "question", "document"]
    list_display_links = ["question"]
    list_filter = ["document"]
    search_fields = ["question", "answer", "document__title"]
    list_select_related = ["document"]
    ordering = ["document", "number"]
