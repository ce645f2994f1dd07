"""The claims changelist's filters."""

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q

from claims.models import ClaimStatus, Flag, FlagReason
from faq.parsing.triage import RULE_NAMES as TRIAGE_RULE_NAMES
from sources.models import Citation


class YesNoFilter(admin.SimpleListFilter):
    yes, no = "Yes", "No"

    def lookups(self, request, model_admin):
        return [("yes", self.yes), ("no", self.no)]

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


class RemovedFromPageFilter(YesNoFilter):
    title = "removed from the page"
    parameter_name = "removed"
    yes, no = "Removed (kept, with its verdict)", "On the page now"

    def condition(self):
        return Q(removed_after_version__isnull=False)


class ChangedSinceVerdictFilter(YesNoFilter):
    title = "changed since verdict"
    parameter_name = "changed_since_verdict"
    yes = "Yes: wording changed under the verdict"

    def condition(self):
        return Q(changed_since_verdict=True)


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
