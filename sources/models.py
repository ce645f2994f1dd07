from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


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


class SourceQuerySet(models.QuerySet):
    pass


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
