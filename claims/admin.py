from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from claims.models import Claim, ClaimRelation, Flag


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["short_statement", "document", "question_number", "position", "status"]
    list_filter = ["status", "question__document"]
    search_fields = ["statement", "quote", "question__question"]
    # Each row shows its question and document: fetch them in the same query.
    list_select_related = ["question__document"]
    readonly_fields = ["question", "position", "quote", "start", "end", "fingerprint", "version"]
    show_full_result_count = False

    @admin.display(description="statement", ordering="statement")
    def short_statement(self, obj):
        return str(obj)

    @admin.display(description="document", ordering="question__document__title")
    def document(self, obj):
        return obj.question.document

    @admin.display(description="Q", ordering="question__number")
    def question_number(self, obj):
        return obj.question.number


@admin.register(Flag)
class FlagAdmin(SimpleHistoryAdmin):
    list_display = ["claim", "reason", "raised_by", "raised_at", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["claim__statement", "note", "resolution"]
    list_select_related = ["claim", "raised_by"]
    raw_id_fields = ["claim"]


@admin.register(ClaimRelation)
class ClaimRelationAdmin(SimpleHistoryAdmin):
    list_display = ["from_claim", "kind", "to_claim", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["from_claim__statement", "to_claim__statement", "note"]
    list_select_related = ["from_claim", "to_claim", "created_by"]
    raw_id_fields = ["from_claim", "to_claim"]
