import re
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from sources import citations


class SourceKind(models.TextChoices):
    STATUTE = "statute", "Statute"
    REGULATION = "regulation", "Regulation"
    CASE = "case", "Case"
    # An enacted session law and a bill are kept apart: a bill is not law.
    SESSION_LAW = "session_law", "Session law"
    BILL = "bill", "Bill"
    EXECUTIVE_ORDER = "executive_order", "Executive order"
    CONSTITUTION = "constitution", "Constitution"
    AGENCY_DOCUMENT = "agency_document", "Agency document"
    NEWS = "news", "News"
    REPORT = "report", "Report"
    OTHER = "other", "Other"

    @classmethod
    def legal_texts(cls) -> list[str]:
        """Kinds that are law (or a bill) itself: identified by their canonical citation."""
        return [
            cls.STATUTE, cls.REGULATION, cls.CASE, cls.SESSION_LAW, cls.BILL, cls.EXECUTIVE_ORDER, cls.CONSTITUTION,
        ]

    @classmethod
    def documents(cls) -> list[str]:
        """Kinds that are writing about the law (an agency page, a report, an article): identified by their URL.

        A document may discuss a legal citation (``Source.discusses``) but never
        carries one as its identity. "Other" is either: with a citation (a Federal
        Register page) it is a legal text, without one a document.
        """
        return [cls.AGENCY_DOCUMENT, cls.NEWS, cls.REPORT]


class Reliability(models.TextChoices):
    PRIMARY_LAW = "primary_law", "Primary law"
    OFFICIAL = "official", "Official"
    SECONDARY = "secondary", "Secondary"
    ADVOCACY = "advocacy", "Advocacy"
    UNKNOWN = "unknown", "Unknown"


# Everything the citation parser recognises is published by a legislature or a
# government, so it is at least "official"; only enacted law is primary law.
# A bill is not law, and a Federal Register citation (kind "other") may be a
# notice as well as a rule, so both stay "official".
_PRIMARY_LAW_KINDS = frozenset(
    {
        SourceKind.STATUTE,
        SourceKind.REGULATION,
        SourceKind.SESSION_LAW,
        SourceKind.EXECUTIVE_ORDER,
        SourceKind.CASE,
        SourceKind.CONSTITUTION,
    }
)

# A few shapes of what the parser accepts, for the message refusing a non-citation.
_CITATION_EXAMPLES = (
    "'G.S. 108A-80', '20 U.S.C. § 1232g', '8 U.S.C. §§ 1373 and 1644', '42 C.F.R. § 431.300', 'S.L. 2015-294', "
    "'S.B. 888 (2025)', 'Pub. L. 104-193', 'Exec. Order No. 13768', 'U.S. Const. amend. X', "
    "'Printz v. United States, 521 U.S. 898 (1997)', 'FERPA'"
)


class NotACitation(ValueError):
    """``text`` was given as a legal citation but is not one the project recognises.

    ``str(error)`` names the text and says why; ``reason`` is the why alone,
    for a form field's error.
    """

    def __init__(self, text: str, reason: str):
        self.text = text
        self.reason = reason
        super().__init__(f"{text!r} is not a citation: {reason}")


def _not_a_citation_reason(text: str) -> str:
    if not text.strip():
        return "it is empty."
    hint = citations.citation_hint(text)
    if hint:
        return hint
    found = citations.find_citations(text)
    if len(found) == 1:
        return f"it contains the citation {found[0].text!r} among other words; give the citation alone."
    if found:
        listed = ", ".join(repr(c.text) for c in found)
        return (
            f"it contains {len(found)} citations ({listed}) among other words; give them alone, separated by "
            f"',', ';' or 'and'."
        )
    return f"no known citation form matches it. Forms such as {_CITATION_EXAMPLES} are recognised."


def parse_typed_citation(text: str) -> citations.ParsedCitation:
    """Parse a citation typed on its own ("G.S. 108A-80(a)"), or raise ``NotACitation`` saying why not.

    Writes nothing: forms call it to refuse bad text before anything is saved,
    and ``resolve_citation`` calls it before finding or creating the source.
    A list ("8 U.S.C. §§ 1373, 1644") is refused here: see ``parse_typed_citations``.
    """
    parsed = citations.parse_citation(text or "")
    if parsed is None:
        several = citations.parse_citations(text or "")
        if several:
            listed = ", ".join(p.canonical + (f" {p.pinpoint}" if p.pinpoint else "") for p in several)
            raise NotACitation(text, f"it is {len(several)} citations ({listed}); give one here.")
        raise NotACitation(text, _not_a_citation_reason(text or ""))
    return parsed


def parse_typed_citations(text: str) -> list[citations.ParsedCitation]:
    """Parse one citation or a list typed together ("8 U.S.C. §§ 1373 and 1644"), or raise ``NotACitation``.

    One result per citation, in the order typed; writes nothing.
    """
    found = citations.parse_citations(text or "")
    if not found:
        raise NotACitation(text, _not_a_citation_reason(text or ""))
    return found


def discussed_citation(text: str) -> str:
    """The canonical form, with pinpoint, of a citation a document discusses ("8 USC 1231(i)" → "8 U.S.C. § 1231(i)").

    Text the parser does not know is kept as typed (stripped): what a
    document is about is a note on the document, not an identity.
    """
    text = (text or "").strip()
    parsed = citations.parse_citation(text)
    return text if parsed is None else with_pinpoint(parsed)


def with_pinpoint(parsed: citations.ParsedCitation) -> str:
    """The canonical citation with its pinpoint, as it would be typed: "8 U.S.C. § 1231(i)", "521 U.S. 898, 933".

    It parses back to the same citation, so it can stand for one found in a
    list ("1644" of "8 U.S.C. §§ 1373 and 1644"), which does not parse alone.
    """
    if not parsed.pinpoint:
        return parsed.canonical
    joiner = "" if parsed.pinpoint.startswith("(") else ", "
    return f"{parsed.canonical}{joiner}{parsed.pinpoint}"


# What a failed link check leaves on a source (sources/linkcheck.py record_results).
_BROKEN_LINK = Q(link_status__gte=400) | ~Q(link_error="")


@dataclass(frozen=True)
class SourceFromCitation:
    """What ``SourceQuerySet.resolve_citation`` found or made for a typed citation."""

    source: "Source"
    # Where in the source the typed citation points ("(a)", "(e)(8)"); never part of the source.
    pinpoint: str
    created: bool
    parsed: citations.ParsedCitation


# A bare front-page address: scheme, host (and port), then at most a slash. No path, query or fragment.
# The same pattern on SQLite (Django's REGEXP) and PostgreSQL (~).
FRONT_PAGE_URL = r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]+/?$"


def is_front_page_url(url: str) -> bool:
    """Whether `url` is only a site's front page (see SourceQuerySet.needs_deep_link)."""
    return re.match(FRONT_PAGE_URL, url or "") is not None


class SourceQuerySet(models.QuerySet):
    def from_citation(self, text: str, **defaults) -> "Source":
        """The source for a typed citation ("G.S. 108A-80(a)", "FERPA"), created if new.

        See ``resolve_citation``, which also returns the pinpoint.
        """
        return self.resolve_citation(text, **defaults).source

    def resolve_citation(self, text: str, **defaults) -> SourceFromCitation:
        """Find or create the source a typed citation names, keeping the pinpoint apart.

        Every spelling of one section has one canonical citation, and sources
        are unique on it: "G.S. 108A-80(a)" and "NCGS 108A-80" both give the
        source "N.C. Gen. Stat. § 108A-80". A new source gets its kind,
        jurisdiction, title, official URL and reliability from the parser;
        ``defaults`` (any Source fields, e.g. ``kind=SourceKind.EXECUTIVE_ORDER``
        for an order cited by its Federal Register page) override those, and
        like ``get_or_create``'s defaults they are used only when creating.
        An existing source is returned untouched: a reviewer may have edited it.

        Safe when two requests add the same citation at once: the unique
        constraint on ``citation`` lets only one insert through, and
        ``get_or_create`` then returns the row the other one made.

        A typed citation always names the legal text itself, never a document
        about it: ``defaults`` cannot make it an agency page or a report
        (ValueError), and a document never holds a citation (database
        constraints), so it can never be found here.

        Raises ``NotACitation`` (a ValueError) naming the text and the reason.
        """
        if "citation" in defaults:
            raise TypeError("resolve_citation() takes the citation from the parsed text, not from defaults")
        if defaults.get("kind") in SourceKind.documents():
            raise ValueError(
                f"{text!r} names a legal text, which is never a {SourceKind(defaults['kind']).label.lower()}: "
                f"record the document by its URL, with the citation it discusses in 'discusses'"
            )
        return self.resolve_parsed(parse_typed_citation(text), **defaults)

    def resolve_parsed(self, parsed: citations.ParsedCitation, **defaults) -> SourceFromCitation:
        """``resolve_citation`` for a citation already parsed (one of a list, say)."""
        fields = self._fields_from_citation(parsed)
        fields.update(defaults)
        if "reliability" not in defaults:
            fields["reliability"] = (
                Reliability.PRIMARY_LAW if fields["kind"] in _PRIMARY_LAW_KINDS else Reliability.OFFICIAL
            )
        source, created = self.get_or_create(citation=parsed.canonical, defaults=fields)
        return SourceFromCitation(source=source, pinpoint=parsed.pinpoint, created=created, parsed=parsed)

    def resolve_citations(self, text: str) -> list[SourceFromCitation]:
        """``resolve_citation`` for each citation of a list typed together ("8 U.S.C. §§ 1373, 1644").

        All or nothing: one transaction, and a text that is not wholly
        citations raises ``NotACitation`` before anything is written.
        """
        from django.db import transaction

        found = parse_typed_citations(text)
        with transaction.atomic():
            return [self.resolve_parsed(parsed) for parsed in found]

    @staticmethod
    def _fields_from_citation(parsed: citations.ParsedCitation) -> dict:
        kind = parsed.kind if parsed.kind in SourceKind.values else SourceKind.OTHER
        return {
            "kind": kind,
            # "FERPA", shown as "FERPA (20 U.S.C. § 1232g)" by __str__; else the citation itself.
            "title": parsed.popular_name or parsed.canonical,
            "jurisdiction": parsed.jurisdiction,
            "url": parsed.url,
        }

    def discussed_by(self, document: "Source") -> "Source | None":
        """The recorded legal text that ``document`` discusses ("8 U.S.C. § 1231(i)" → 8 U.S.C. § 1231), if any."""
        parsed = citations.parse_citation(document.discusses) if document.discusses else None
        if parsed is None:
            return None
        return self.filter(citation=parsed.canonical).first()

    def broken_links(self):
        """Sources whose last link check failed: an HTTP error status, or no answer at all."""
        return self.filter(_BROKEN_LINK)

    def working_links(self):
        """Sources whose last link check got an answer below 400."""
        return self.filter(link_checked_at__isnull=False).exclude(_BROKEN_LINK)

    def needs_deep_link(self):
        """Sources whose URL is a site's front page ("https://outlet.example/"): a reader cannot find the
        evidence from there, so an editor should replace it with the page itself."""
        return self.filter(url__regex=FRONT_PAGE_URL)


_DOCUMENT_HAS_NO_CITATION = (
    "A document (agency page, news, report) is identified by its URL, never by a legal citation: put the "
    "citation it is about in 'discusses', and record the legal text as a source of its own."
)
_LEGAL_TEXT_HAS_CITATION = (
    "A legal text (statute, regulation, case, session law, bill, executive order, constitution) is identified by "
    "its canonical citation: give one, or choose a document kind."
)
_LEGAL_TEXT_DISCUSSES_NOTHING = (
    "A source with a legal citation is the legal text itself; only a document discusses a citation."
)


class Source(models.Model):
    """A source that claims cite: either a legal text or a document about the law, never both.

    A legal text (statute, regulation, case, session law, bill, executive
    order, constitution provision) is identified by its canonical citation;
    a document (agency page, news, report) by its URL, and may record the
    citation it discusses. Typing a citation always finds or creates the
    legal text (``SourceQuerySet.resolve_citation``); the check constraints
    below keep a document from ever holding a citation as its identity.
    """

    kind = models.CharField(max_length=20, choices=SourceKind, default=SourceKind.OTHER)
    title = models.CharField(max_length=500)
    citation = models.CharField(
        max_length=200,
        blank=True,
        help_text="Canonical legal citation, such as 'N.C. Gen. Stat. § 108A-80'; unique when set, "
        "so two spellings of one section never make two sources.",
    )
    discusses = models.CharField(
        max_length=200,
        blank=True,
        help_text="Documents only: the legal citation the document is about, such as '8 U.S.C. § 1231(i)'. "
        "A reference, not an identity: typing that citation finds the legal text, never this document.",
    )
    jurisdiction = models.CharField(max_length=50, blank=True, help_text="'US', 'NC', …")
    url = models.URLField(max_length=1000, blank=True, help_text="The official or original address.")
    publisher = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    accessed_on = models.DateField(null=True, blank=True, help_text="When a reviewer last read it.")
    archived_url = models.URLField(
        max_length=1000, blank=True, help_text="A stored copy, in case the original moves."
    )
    reliability = models.CharField(max_length=20, choices=Reliability, default=Reliability.UNKNOWN)
    notes = models.TextField(blank=True, help_text="What the source says that matters here; shown publicly.")
    link_status = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="HTTP status of the last link check; empty if never checked or no answer.",
    )
    link_error = models.CharField(
        max_length=300, blank=True, help_text="Why the last link check got no HTTP answer (timeout, refused)."
    )
    link_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    citing_claims = models.PositiveIntegerField(
        default=0,
        db_default=0,
        editable=False,
        help_text="Claims of any document citing this source, kept by sources.counts whenever a citation is "
        "saved or deleted. The sources page subtracts those of unpublished documents.",
    )

    # A derived count, not an edit: kept out of the history.
    history = HistoricalRecords(excluded_fields=["citing_claims"])
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            # Partial: many sources (news, reports) have no legal citation.
            models.UniqueConstraint(
                fields=["citation"], condition=~Q(citation=""), name="sources_source_unique_citation"
            ),
            models.CheckConstraint(condition=Q(kind__in=SourceKind.values), name="sources_source_kind_valid"),
            # A legal text and a document about it never share an identity (issue: a typed
            # "8 U.S.C. § 1231(a)(5)" once found an agency overview page given that citation).
            models.CheckConstraint(
                condition=~Q(kind__in=SourceKind.documents()) | Q(citation=""),
                name="sources_source_document_has_no_citation",
                violation_error_message=_DOCUMENT_HAS_NO_CITATION,
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=SourceKind.legal_texts()) | ~Q(citation=""),
                name="sources_source_legal_text_has_citation",
                violation_error_message=_LEGAL_TEXT_HAS_CITATION,
            ),
            models.CheckConstraint(
                condition=Q(citation="") | Q(discusses=""),
                name="sources_source_legal_text_discusses_nothing",
                violation_error_message=_LEGAL_TEXT_DISCUSSES_NOTHING,
            ),
        ]
        indexes = [
            # The public source list and the admin filter by kind.
            models.Index(fields=["kind", "title"], name="sources_source_kind_idx"),
        ]

    def __str__(self):
        if self.citation and self.citation != self.title:
            return f"{self.title} ({self.citation})"
        return self.title

    def get_absolute_url(self):
        return reverse("sources:detail", kwargs={"pk": self.pk})

    @property
    def is_legal_text(self) -> bool:
        """True for the law itself (it has a canonical citation), False for a document about it."""
        return bool(self.citation)


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    CONTEXT = "context", "Context"


class Citation(models.Model):
    """Links a claim to a source, with the source's stance on the claim."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="citations")
    # PROTECT: a cited source cannot be deleted; the evidence behind a verdict stays.
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    stance = models.CharField(max_length=10, choices=Stance)
    pinpoint = models.CharField(
        max_length=100, blank=True, help_text="Where in the source: '(a)', '(e)(8)', 'p. 4'."
    )
    excerpt = models.TextField(blank=True, help_text="The passage relied on, quoted from the source itself.")
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "stance", "source"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "source", "pinpoint"], name="sources_citation_unique"),
            models.CheckConstraint(condition=Q(stance__in=Stance.values), name="sources_citation_stance_valid"),
        ]
        indexes = [
            # Workflow rules ask "does this claim have a 'refutes' citation?".
            models.Index(fields=["claim", "stance"], name="sources_citation_stance_idx"),
        ]

    def __str__(self):
        where = f" {self.pinpoint}" if self.pinpoint else ""
        return f"{self.source}{where} — {self.stance}"
