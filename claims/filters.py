"""The public claims table's filters; the CSV and JSON exports apply the very same FilterSet."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.forms.renderers import DjangoTemplates

from claims.escaping import escape as _escape
from claims.models import ClaimStatus, Flag, FlagReason
from claims.repeated import groups_in_documents
from faq.models import Document
from sources.models import Citation


class AnyYesNo(django_filters.widgets.BooleanWidget):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", "Any"), ("true", "Yes"), ("false", "No")]


# Up to this many documents the filter is a list to choose from; beyond, a box for the
# document's address (a list of thousands of titles would outweigh the table itself).
DOCUMENT_CHOICES_MAX = 200


def fit_document_filter(form):
    """Give the document filter a list of at most DOCUMENT_CHOICES_MAX titles, or else a text box.

    One query of titles and slugs only, never the documents' full text.
    """
    documents = list(Document.objects.public().order_by("title", "pk").values_list("slug", "title")[: DOCUMENT_CHOICES_MAX + 1])
    field = form.fields["document"]
    if len(documents) <= DOCUMENT_CHOICES_MAX:
        field.widget.choices = [("", "Any document"), *documents]
    else:
        field.widget = forms.TextInput(attrs={"placeholder": "its address, as in /faq/<address>/"})
        field.help_text = "The document's address, as in /faq/<address>/."


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Text contains", method="filter_text", widget=forms.TextInput(attrs={"type": "search"})
    )
    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices, empty_label="Any status")
    document = django_filters.ModelChoiceFilter(
        field_name="question__document",
        to_field_name="slug",
        queryset=Document.objects.public().order_by("title"),
        label="Document",
        empty_label="Any document",
    )
    question = django_filters.NumberFilter(
        field_name="question__number", label="Question number", min_value=1
    )
    flag = django_filters.ChoiceFilter(
        label="Open flag", choices=FlagReason.choices, empty_label="Any or none", method="filter_flag"
    )
    has_citations = django_filters.BooleanFilter(label="Has citations", method="filter_citations", widget=AnyYesNo)
    # Issue 13: claims found in at least N published documents (match groups stored at import).
    repeated = django_filters.NumberFilter(
        label="Repeated in at least N documents", method="filter_repeated", min_value=2, max_value=100_000
    )

    # Issue 11: claims a later version of their page removed are kept (their verdicts stay public) but
    # the table, like the document page, lists the current text's claims unless asked for the others.
    removed = django_filters.ChoiceFilter(
        label="On the page",
        choices=[("removed", "Removed from the page"), ("all", "Both")],
        empty_label="On the page now",
        method="filter_removed",
    )

    @property
    def form(self):
        form = super().form
        form.renderer = FILTER_FORM_RENDERER
        return form

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("removed"):
            queryset = queryset.filter(removed_after_version__isnull=True)
        return super().filter_queryset(queryset)

    def filter_removed(self, queryset, name, value):
        return queryset.filter(removed_after_version__isnull=False) if value == "removed" else queryset

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(statement__icontains=value) | Q(quote__icontains=value))

    def filter_flag(self, queryset, name, value):
        # EXISTS rather than a join: a claim with two open flags is still one row.
        return queryset.filter(Exists(Flag.objects.open().filter(claim=OuterRef("pk"), reason=value)))

    def filter_citations(self, queryset, name, value):
        cited = Exists(Citation.objects.filter(claim=OuterRef("pk")))
        return queryset.filter(cited if value else ~cited)

    def filter_repeated(self, queryset, name, value):
        # Issue 13: match groups counted over published documents only (claims/repeated.py).
        return queryset.filter(match_group__in=groups_in_documents(int(value)))


def _attrs(attrs: dict) -> str:
    # django/forms/widgets/attrs.html and django/forms/attrs.html.
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class FilterFormRenderer(DjangoTemplates):
    """Draws the claims table's filter form in Python, byte for byte as Django's own widget templates do.

    Every claims table page draws the form: its labels, inputs, selects and
    each option were separate template renders, a fifth of the page's time.
    The templates this form uses (label, input, text, number, search, select,
    option) are written out here; any other goes to Django's templates.
    """

    def render(self, template_name, context, request=None):
        draw = _DRAW.get(template_name)
        if draw is None:
            return super().render(template_name, context, request=request)
        return draw(context)


def _label(context) -> str:
    if not context["use_tag"]:
        return _escape(context["label"])
    tag = _escape(context["tag"])
    return f'<{tag}{_attrs(context["attrs"])}>{_escape(context["label"])}</{tag}>'


def _input(context) -> str:
    widget = context["widget"]
    value = "" if widget["value"] is None else f' value="{_escape(widget["value"])}"'
    return f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _option(option) -> str:
    return f'<option value="{_escape(option["value"])}"{_attrs(option["attrs"])}>{_escape(option["label"])}</option>\n'


def _select(context) -> str:
    widget = context["widget"]
    out = [f'<select name="{_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _ in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                raise ValueError(f"FilterFormRenderer draws no {option['template_name']}")
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out).strip()


_DRAW = {
    "django/forms/label.html": _label,
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/text.html": _input,
    "django/forms/widgets/number.html": _input,
    "django/forms/widgets/search.html": _input,
    "django/forms/widgets/select.html": _select,
}
FILTER_FORM_RENDERER = FilterFormRenderer()
