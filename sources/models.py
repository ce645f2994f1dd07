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
    AGENCY_DOCUMENT = "agency_document", "Agency document"
    NEWS = "news", "News"
    REPORT = "report", "Report"
    OTHER = "other", "Other"


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
    }
)

# A few shapes of what the parser accepts, for the message refusing a non-citation.
_CITATION_EXAMPLES = (
    "'G.S. 108A-80', '20 U.S.C. § 1232g', '42 C.F.R. § 431.300', 'S.L. 2015-294', 'S.B. 888 (2025)', 'FERPA'"
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
        return f"it contains {len(found)} citations ({listed}); give one at a time."
    return f"no known citation form matches it. Forms such as {_CITATION_EXAMPLES} are recognised."


def parse_typed_citation(text: str) -> citations.ParsedCitation:
    """Parse a citation typed on its own ("G.S. 108A-80(a)"), or raise ``NotACitation`` saying why not.

    Writes nothing: forms call it to refuse bad text before anything is saved,
    and ``resolve_citation`` calls it before finding or creating the source.
    """
    parsed = citations.parse_citation(text or "")
    if parsed is None:
        raise NotACitation(text, _not_a_citation_reason(text or ""))
    return parsed


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

        Raises ``NotACitation`` (a ValueError) naming the text and the reason.
        """
        if "citation" in defaults:
            raise TypeError("resolve_citation() takes the citation from the parsed text, not from defaults")
        parsed = parse_typed_citation(text)
        fields = self._fields_from_citation(parsed)
        fields.update(defaults)
        if "reliability" not in defaults:
            fields["reliability"] = (
                Reliability.PRIMARY_LAW if fields["kind"] in _PRIMARY_LAW_KINDS else Reliability.OFFICIAL
            )
        source, created = self.get_or_create(citation=parsed.canonical, defaults=fields)
        return SourceFromCitation(source=source, pinpoint=parsed.pinpoint, created=created, parsed=parsed)

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


class Source(models.Model):
    """A statute, regulation, agency document or piece of reporting that claims cite."""

    kind = models.CharField(max_length=20, choices=SourceKind, default=SourceKind.OTHER)
    title = models.CharField(max_length=500)
    citation = models.CharField(
        max_length=200,
        blank=True,
        help_text="Canonical legal citation, such as 'N.C. Gen. Stat. § 108A-80'; unique when set, "
        "so two spellings of one section never make two sources.",
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

    history = HistoricalRecords()
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            # Partial: many sources (news, reports) have no legal citation.
            models.UniqueConstraint(
                fields=["citation"], condition=~Q(citation=""), name="sources_source_unique_citation"
            ),
            models.CheckConstraint(condition=Q(kind__in=SourceKind.values), name="sources_source_kind_valid"),
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
