import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.text import Truncator

from claims.models import Claim


def cell(name: str, *classes: str) -> dict:
    """A column's cell attributes: data-col names the column, so the phone layout (CSS) can put the status
    first and label the small columns, whatever order the columns come in."""
    td = {"data-col": name, "class": " ".join(classes)} if classes else {"data-col": name}
    return {"td": td, "th": {"data-col": name}}


class ClaimTable(tables.Table):
    id = tables.Column(verbose_name="Claim", linkify=True, attrs=cell("id"))
    statement = tables.Column(linkify=True, attrs=cell("statement"))
    document = tables.Column(
        accessor="question__document__title",
        verbose_name="Document",
        linkify=lambda record: record.question.document.get_absolute_url(),
        attrs=cell("document"),
    )
    question = tables.Column(
        accessor="question__number",
        verbose_name="Question",
        linkify=lambda record: record.question.get_absolute_url(),
        attrs=cell("question", "num"),
    )
    status = tables.Column(attrs=cell("status"))
    citation_count = tables.Column(verbose_name="Citations", attrs=cell("citations", "num"))
    open_flag_count = tables.Column(verbose_name="Open flags", attrs=cell("flags", "num"))

    class Meta:
        model = Claim
        fields = ()
        sequence = ("id", "statement", "document", "question", "status", "citation_count", "open_flag_count")
        template_name = "claims/table.html"
        attrs = {"class": "claims"}
        order_by = ()
        empty_text = "No claims match these filters."

    def render_document(self, record):
        # The short name: the full title repeated on every row crowds out the statement (title on hover).
        document = record.question.document
        return format_html('<span title="{}">{}</span>', document.title, document.short_name)

    def render_id(self, value):
        return f"#{value}"

    def render_statement(self, value):
        return Truncator(value).chars(160)

    def render_status(self, record):
        # The template escapes; the label and colour come from ClaimStatus, never from imported text.
        return render_to_string("includes/status_badge.html", {"status": record.status_choice})

    def order_document(self, queryset, is_descending):
        prefix = "-" if is_descending else ""
        return queryset.order_by(f"{prefix}question__document__title", "question__number", "position"), True

    def order_question(self, queryset, is_descending):
        prefix = "-" if is_descending else ""
        return queryset.order_by("question__document__title", f"{prefix}question__number", "position"), True
