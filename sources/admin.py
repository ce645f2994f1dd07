"""Sources in the admin. Citation's admin is in claims/admin/evidence.py: it writes through claims.workflow.

A source is added by typing its citation ("G.S. 108A-80(a)"): on save,
`Source.objects.resolve_citation` fills in the canonical citation, kind,
jurisdiction, title, official URL and reliability. A citation that is already
recorded is never added twice: the add page sends the reviewer to the existing
source instead. Several citations typed together ("8 U.S.C. §§ 1373 and 1644")
add one legal text each, in one save.

A typed citation always makes the legal text itself. A document about the law
(an agency page, a report) is described by hand with its URL, and the citation
it is about goes in "discusses", never in "citation" (the database refuses it).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from sources import citations
from sources.models import (
    NotACitation,
    Reliability,
    Source,
    SourceKind,
    discussed_citation,
    parse_typed_citations,
)

# Written by check_source_links (sources/linkcheck.py), never by hand.
LINK_CHECK_FIELDS = ["link_status", "link_error", "link_checked_at"]


def _https_by_default(field, **kwargs):
    # The admin builds its fields with formfield_overrides; this is for the form class itself.
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class SourceForm(forms.ModelForm):
    """The source form: a citation typed by hand is stored in its canonical form."""

    class Meta:
        model = Source
        exclude = LINK_CHECK_FIELDS
        labels = {"citation": "Canonical citation"}
        formfield_callback = _https_by_default

    def clean_citation(self):
        # "G.S. 108A-80" typed by hand becomes "N.C. Gen. Stat. § 108A-80", the key sources are
        # unique on, so it can never make a second source. Text the parser does not know (a case,
        # a report number) is kept as typed.
        value = self.cleaned_data["citation"].strip()
        parsed = citations.parse_citation(value)
        if parsed is not None:
            value = parsed.canonical
        if value:
            clash = Source.objects.filter(citation=value).exclude(pk=self.instance.pk).first()
            if clash is not None:
                raise ValidationError(
                    f"{value} is already the citation of the source “{clash}” (id {clash.pk}); "
                    f"edit that source rather than recording it twice"
                )
        return value

    def clean_discusses(self):
        return discussed_citation(self.cleaned_data.get("discusses", ""))


class SourceAddForm(SourceForm):
    """The add form: a typed citation fills in what the reviewer leaves empty (`SourceAdmin.save_model`)."""

    typed_citation = forms.CharField(
        label="Citation",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text="Type a legal citation in any usual form, such as 'G.S. 108A-80(a)', '20 USC 1232g', "
        "'E.O. 13768', 'U.S. Const. amend. X', 'Printz v. United States, 521 U.S. 898 (1997)' or 'FERPA', and "
        "leave the rest empty: the canonical citation, kind, jurisdiction, title, official URL and reliability "
        "are filled in on save. Whatever you fill in yourself is kept. Several citations ('8 U.S.C. §§ 1373 and "
        "1644') add one source each. This always adds the law itself: to record an agency page or a report "
        "about it, describe the document below and put the citation in 'discusses'.",
    )

    # The model's defaults, used when neither the reviewer nor a typed citation gives a value.
    FALLBACKS = {"kind": SourceKind.OTHER, "reliability": Reliability.UNKNOWN}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        for name, fallback in self.FALLBACKS.items():
            field = self.fields[name]
            field.required, field.initial = False, ""
            label = dict(field.choices)[fallback]
            field.choices = [("", f"— from the citation, else {label} —"), *field.choices]

    def clean(self):
        cleaned = super().clean()
        typed = (cleaned.get("typed_citation") or "").strip()
        if not typed:
            if not cleaned.get("title") and "title" not in self.errors:
                self.add_error("title", "give the source a title, or type its citation in the box above")
            for name, fallback in self.FALLBACKS.items():
                cleaned[name] = cleaned.get(name) or fallback
            return cleaned
        try:
            found = parse_typed_citations(typed)
        except NotACitation as error:
            self.add_error("typed_citation", str(error))
            return cleaned
        kind = cleaned.get("kind")
        if kind in SourceKind.documents():
            self.add_error(
                "kind",
                f"a typed citation adds the legal text itself, never a {SourceKind(kind).label.lower()}: to record "
                f"a document about {found[0].canonical}, empty the citation box, give the document's URL and put "
                f"the citation in 'discusses'",
            )
        if len(found) > 1:
            by_hand = sorted(self.filled_in_by_hand(cleaned))
            if by_hand:
                self.add_error(
                    None,
                    f"{typed!r} is {len(found)} citations; what you fill in by hand ({', '.join(by_hand)}) would "
                    f"describe all of them. Type one citation to describe it yourself, or leave the rest empty.",
                )
        by_hand = cleaned.get("citation")
        if by_hand and by_hand != found[0].canonical:
            self.add_error(
                "citation",
                f"the citation box gives {found[0].canonical}, not {by_hand}; empty this field or make them agree",
            )
        cleaned["typed_citation"] = typed
        if len(found) == 1:  # checked against the model's constraints as the legal text it is
            cleaned["citation"] = found[0].canonical
        self.typed = found
        return cleaned

    def filled_in_by_hand(self, cleaned: dict | None = None) -> dict:
        """The source fields the reviewer filled in, which a typed citation's values do not replace."""
        fields = {field.name for field in Source._meta.fields} - {"citation"}
        cleaned = self.cleaned_data if cleaned is None else cleaned
        return {name: value for name, value in cleaned.items() if name in fields and value not in ("", None)}


class LinkCheckFilter(admin.SimpleListFilter):
    title = "link check"
    parameter_name = "link"

    def lookups(self, request, model_admin):
        return [
            ("broken", "Broken (error or no answer)"),
            ("working", "Working"),
            ("unchecked", "Never checked"),
            ("front_page", "Needs a deep link (front page only)"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "broken":
            return queryset.broken_links()
        if self.value() == "working":
            return queryset.working_links()
        if self.value() == "unchecked":
            return queryset.filter(link_checked_at__isnull=True)
        if self.value() == "front_page":
            return queryset.needs_deep_link()
        return queryset


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    form = SourceForm
    add_form = SourceAddForm
    list_display = ["title", "citation", "discusses", "kind", "jurisdiction", "reliability", "link", "link_checked_at"]
    list_filter = [LinkCheckFilter, "kind", "jurisdiction", "reliability"]
    # Also what the citation inline's source autocomplete searches.
    search_fields = ["title", "citation", "discusses", "url", "publisher", "notes"]
    readonly_fields = LINK_CHECK_FIELDS
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs.setdefault("form", self.add_form)
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fields = self.get_fields(request, obj)
        described = [name for name in fields if name not in LINK_CHECK_FIELDS and name != "typed_citation"]
        if obj is None:
            return [
                ("Add from a citation", {"fields": ["typed_citation"]}),
                ("Or describe the source yourself (what you fill in here is kept)", {"fields": described}),
            ]
        return [(None, {"fields": described}), ("Last link check", {"fields": LINK_CHECK_FIELDS})]

    @admin.display(description="link", ordering="link_status")
    def link(self, source):
        if source.link_checked_at is None:
            return "not checked"
        if source.link_error or (source.link_status or 0) >= 400:
            problem = source.link_error or f"HTTP {source.link_status}"
            return format_html('<span class="link-broken">✗ broken: {}</span>', problem)
        return format_html('<span class="link-ok">✓ {}</span>', source.link_status)

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "POST" and self.has_add_permission(request):
            existing = _already_recorded(request.POST.get("typed_citation", ""))
            if existing is not None:
                if IS_POPUP_VAR in request.POST:
                    return self.response_add(request, existing)  # selects it in the form that opened the popup
                self.message_user(
                    request,
                    f"“{request.POST['typed_citation'].strip()}” is {existing.citation}, already recorded as "
                    f"“{existing}”: nothing was added. Here it is.",
                    messages.WARNING,
                )
                return redirect("admin:sources_source_change", existing.pk)
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        typed = "" if change else form.cleaned_data.get("typed_citation")
        if not typed:
            return super().save_model(request, obj, form, change)
        # The one way to make a source from a citation; what the reviewer filled in overrides the parser.
        # add_view sent a recorded citation to its source; one recorded since then is returned, not repeated.
        if len(form.typed) == 1:
            resolved = [Source.objects.resolve_citation(typed, **form.filled_in_by_hand())]
        else:
            resolved = Source.objects.resolve_citations(typed)
            added = [str(r.source.citation) for r in resolved if r.created]
            kept = [str(r.source.citation) for r in resolved if not r.created]
            done = f"“{typed}” is {len(resolved)} citations: added {', '.join(added) or 'none'}"
            if kept:
                done += f"; already recorded: {', '.join(kept)}"
            self.message_user(request, done + ".", messages.SUCCESS)
        for field in Source._meta.concrete_fields:  # the admin's log entry and redirect name the saved source
            setattr(obj, field.attname, getattr(resolved[0].source, field.attname))

    def has_delete_permission(self, request, obj=None):
        # A cited source is evidence behind a claim: nobody deletes it (the database PROTECTs it too).
        if obj is not None and obj.citations.exists():
            return False
        return super().has_delete_permission(request, obj)


def _already_recorded(typed: str) -> Source | None:
    """The source a typed citation names, if it is already recorded (one citation only: a list is saved)."""
    parsed = citations.parse_citation(typed)
    if parsed is None:
        return None
    return Source.objects.filter(citation=parsed.canonical).first()
