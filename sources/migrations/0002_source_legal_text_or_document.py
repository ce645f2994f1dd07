"""A source is a legal text (identified by its citation) or a document about it (by its URL), never both.

Before this migration a typed citation could resolve to an agency page that
had been given that citation (one citation, one source, whatever its kind).
This migration splits every such source in two, with history rows saying why:

* the document keeps its row, id, URL and everything else, gives up the
  citation and records it in ``discusses`` instead;
* the legal text is created with the citation, and the kind, title, URL and
  jurisdiction the parser gives it;
* the part of the law the document is about is read from the document's own
  title and notes (the SCAAP overview page names "SCAAP", that is 8 U.S.C.
  § 1231(i)), so it discusses "8 U.S.C. § 1231(i)";
* each citation of the document whose pinpoint is a subsection other than
  that one ("(a)(5)") points into a part of the law the document is not
  about: it was meant for the law, and moves to the legal text. The others
  (the document's own subsection, no pinpoint, "p. 4", "sec. 10") stay.

A legal-text kind recorded without a citation cannot be identified as law, so
it becomes "other". Reversing merges a split back (citations included) and
restores those kinds; history rows are kept.
"""

import re

from django.db import migrations, models
from django.utils import timezone

DOCUMENT_KINDS = ["agency_document", "news", "report"]
LEGAL_KINDS = ["statute", "regulation", "case", "session_law", "bill", "executive_order", "constitution"]
PRIMARY_LAW = {"statute", "regulation", "session_law", "executive_order", "case", "constitution"}
SUBSECTION = re.compile(r"^(\(\w{1,5}\))+$")
SPLIT_FROM = re.compile(r"^split from document (\d+):")
KIND_CHANGED = re.compile(r"^kind (\w+) to other:")


def _history(apps, db, model_name, obj, kind, reason):
    historical = apps.get_model("sources", f"Historical{model_name}")
    model = apps.get_model("sources", model_name)
    values = {field.attname: getattr(obj, field.attname) for field in model._meta.concrete_fields}
    historical.objects.using(db).create(
        **values, history_date=timezone.now(), history_type=kind, history_change_reason=reason[:100]
    )


def _legal_text_fields(citation, document):
    # The live parser: the stored citation is already canonical text, so any version reads it the same.
    from sources.citations import parse_citation

    parsed = parse_citation(citation)
    kind = parsed.kind if parsed is not None and parsed.kind in LEGAL_KINDS else "other"
    return {
        "kind": kind,
        "title": (parsed.title if parsed is not None else citation)[:500],
        "citation": citation,
        "jurisdiction": parsed.jurisdiction if parsed is not None else document.jurisdiction,
        "url": parsed.url if parsed is not None else "",
        "reliability": "primary_law" if kind in PRIMARY_LAW else "official",
    }


def _subject_pinpoint(citation, document):
    """The pinpoint of ``citation`` that the document's own title or notes name ("(i)" for SCAAP), or ""."""
    from sources.citations import find_citations

    for text in (document.title, document.notes):
        for found in find_citations(text or ""):
            if found.canonical == citation and found.pinpoint:
                return found.pinpoint
    return ""


def _check_deferred_constraints_now(schema_editor):
    # PostgreSQL refuses to ALTER a table with foreign-key checks still pending in the transaction
    # ("pending trigger events"), and the constraint operations of this migration follow its data step.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def split_mixed_sources(apps, schema_editor):
    db = schema_editor.connection.alias
    Source = apps.get_model("sources", "Source")
    Citation = apps.get_model("sources", "Citation")
    mixed = Source.objects.using(db).filter(kind__in=DOCUMENT_KINDS).exclude(citation="").order_by("pk")
    for document in mixed:
        citation = document.citation
        subject = _subject_pinpoint(citation, document)
        joiner = "" if subject.startswith("(") or not subject else ", "
        document.citation, document.discusses = "", f"{citation}{joiner}{subject}"
        document.save(update_fields=["citation", "discusses", "updated_at"])
        legal = Source.objects.using(db).create(**_legal_text_fields(citation, document))
        _history(apps, db, "Source", document, "~", f"split: its citation is now the legal text, source {legal.pk}")
        _history(apps, db, "Source", legal, "+", f"split from document {document.pk}: the legal text it was cited as")
        for cited in Citation.objects.using(db).filter(source=document).order_by("pk"):
            if SUBSECTION.match(cited.pinpoint) and cited.pinpoint != subject:
                cited.source = legal
                cited.save(update_fields=["source"])
                reason = f"moved from document {document.pk} to legal text {legal.pk}: pinpoint in the law"
                _history(apps, db, "Citation", cited, "~", reason)
    for source in Source.objects.using(db).filter(kind__in=LEGAL_KINDS, citation="").order_by("pk"):
        old = source.kind
        source.kind = "other"
        source.save(update_fields=["kind", "updated_at"])
        _history(apps, db, "Source", source, "~", f"kind {old} to other: a legal text needs a citation")
    _check_deferred_constraints_now(schema_editor)


def merge_split_sources(apps, schema_editor):
    db = schema_editor.connection.alias
    Source = apps.get_model("sources", "Source")
    Citation = apps.get_model("sources", "Citation")
    HistoricalSource = apps.get_model("sources", "HistoricalSource")
    created = HistoricalSource.objects.using(db).filter(
        history_type="+", history_change_reason__startswith="split from document "
    )
    for row in created.order_by("-history_id"):
        legal = Source.objects.using(db).filter(pk=row.id).first()
        document_id = int(SPLIT_FROM.match(row.history_change_reason).group(1))
        document = Source.objects.using(db).filter(pk=document_id).first()
        if legal is None or document is None or not document.discusses.startswith(legal.citation):
            continue
        for cited in Citation.objects.using(db).filter(source=legal).order_by("pk"):
            taken = Citation.objects.using(db).filter(claim_id=cited.claim_id, source=document, pinpoint=cited.pinpoint)
            if taken.exists():
                continue  # the document is already cited there; this citation stays with the legal text
            cited.source = document
            cited.save(update_fields=["source"])
            _history(apps, db, "Citation", cited, "~", f"merged back into document {document.pk}")
        if Citation.objects.using(db).filter(source=legal).exists():
            continue  # still cited as law: keep both rather than lose evidence
        citation = legal.citation
        _history(apps, db, "Source", legal, "-", f"merged back into document {document.pk}")
        legal.delete()
        document.citation, document.discusses = citation, ""
        document.save(update_fields=["citation", "discusses", "updated_at"])
        _history(apps, db, "Source", document, "~", "merged back: its citation again")
    changed = HistoricalSource.objects.using(db).filter(history_change_reason__startswith="kind ")
    for row in changed.order_by("history_id"):
        match = KIND_CHANGED.match(row.history_change_reason or "")
        source = Source.objects.using(db).filter(pk=row.id, kind="other", citation="").first()
        if match and source is not None:
            source.kind = match.group(1)
            source.save(update_fields=["kind", "updated_at"])
    _check_deferred_constraints_now(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='source',
            name='sources_source_kind_valid',
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='discusses',
            field=models.CharField(blank=True, help_text="Documents only: the legal citation the document is about, such as '8 U.S.C. § 1231(i)'. A reference, not an identity: typing that citation finds the legal text, never this document.", max_length=200),
        ),
        migrations.AddField(
            model_name='source',
            name='discusses',
            field=models.CharField(blank=True, help_text="Documents only: the legal citation the document is about, such as '8 U.S.C. § 1231(i)'. A reference, not an identity: typing that citation finds the legal text, never this document.", max_length=200),
        ),
        migrations.AlterField(
            model_name='historicalsource',
            name='kind',
            field=models.CharField(choices=[('statute', 'Statute'), ('regulation', 'Regulation'), ('case', 'Case'), ('session_law', 'Session law'), ('bill', 'Bill'), ('executive_order', 'Executive order'), ('constitution', 'Constitution'), ('agency_document', 'Agency document'), ('news', 'News'), ('report', 'Report'), ('other', 'Other')], default='other', max_length=20),
        ),
        migrations.AlterField(
            model_name='source',
            name='kind',
            field=models.CharField(choices=[('statute', 'Statute'), ('regulation', 'Regulation'), ('case', 'Case'), ('session_law', 'Session law'), ('bill', 'Bill'), ('executive_order', 'Executive order'), ('constitution', 'Constitution'), ('agency_document', 'Agency document'), ('news', 'News'), ('report', 'Report'), ('other', 'Other')], default='other', max_length=20),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['statute', 'regulation', 'case', 'session_law', 'bill', 'executive_order', 'constitution', 'agency_document', 'news', 'report', 'other'])), name='sources_source_kind_valid'),
        ),
        migrations.RunPython(split_mixed_sources, merge_split_sources),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ['agency_document', 'news', 'report']), _negated=True), ('citation', ''), _connector='OR'), name='sources_source_document_has_no_citation', violation_error_message="A document (agency page, news, report) is identified by its URL, never by a legal citation: put the citation it is about in 'discusses', and record the legal text as a source of its own."),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ['statute', 'regulation', 'case', 'session_law', 'bill', 'executive_order', 'constitution']), _negated=True), models.Q(('citation', ''), _negated=True), _connector='OR'), name='sources_source_legal_text_has_citation', violation_error_message='A legal text (statute, regulation, case, session law, bill, executive order, constitution) is identified by its canonical citation: give one, or choose a document kind.'),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(('citation', ''), ('discusses', ''), _connector='OR'), name='sources_source_legal_text_discusses_nothing', violation_error_message='A source with a legal citation is the legal text itself; only a document discusses a citation.'),
        ),
    ]
