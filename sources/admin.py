from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sources.models import Citation, Source


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "citation", "kind", "jurisdiction", "reliability", "link_status"]
    list_filter = ["kind", "jurisdiction", "reliability"]
    search_fields = ["title", "citation", "url", "publisher", "notes"]


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    list_display = ["claim", "source", "pinpoint", "stance", "added_by", "added_at"]
    list_filter = ["stance", "source__kind"]
    search_fields = ["claim__statement", "source__title", "source__citation", "excerpt"]
    list_select_related = ["claim", "source", "added_by"]
    raw_id_fields = ["claim"]
    autocomplete_fields = ["source"]
