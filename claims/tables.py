import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.text import Truncator

from claims.models import Claim


class ClaimTable(tables.Table):
    id = tables.Column(verbose_name="Claim", linkify=True)
    statement = tables.Column(linkify=True)
    document = tables.Column(
        accessor="question__document__title",
        verbose_name="Document",
        linkify=lambda record: record.question.document.get_absolute_url(),
    )
    question = tables.Column(
        accessor="question__number",
        verbose_name="Question",
        linkify=lambda record: record.question.get_absolute_url(),
        attrs={"td": {"class": "num"}},
    )
    status = tables.Column()
    citation_count = tables.Column(verbose_name="Citations", attrs={"td": {"class": "num"}})
    open_flag_count = tables.Column(verbose_name="Open flags", attrs={"td": {"class": "num"}})

    class Meta:
        model = Claim
        fields = ()
        sequence = ("id", "statement", "document", "question", "status", "citation_count", "open_flag_count")
        template_name = "claims/table.html"
        attrs = {"class": "claims"}
        order_by = ()
        empty_text = "No claims match these filters."

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
