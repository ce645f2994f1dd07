"""Sources in the admin. Citation's admin is in claims/admin.py: it writes through claims.workflow."""

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from sources.models import Source


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "citation", "kind", "jurisdiction", "reliability", "link_status"]
    list_filter = ["kind", "jurisdiction", "reliability"]
    # Also what the citation inline's source autocomplete searches.
    search_fields = ["title", "citation", "url", "publisher", "notes"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_delete_permission(self, request, obj=None):
        # A cited source is evidence behind a claim: nobody deletes it (the database PROTECTs it too).
        if obj is not None and obj.citations.exists():
            return False
        return super().has_delete_permission(request, obj)
