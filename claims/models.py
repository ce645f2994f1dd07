from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, Q, Value, When
from django.urls import reverse
from simple_history.models import HistoricalRecords


class ClaimStatus(models.TextChoices):
    """Where a claim stands. The last six are verdicts (see claims/workflow/rules.py)."""

    UNREVIEWED = "unreviewed", "Unreviewed"
    FLAGGED = "flagged", "Flagged"
    NOT_CHECKABLE = "not_checkable", "Not checkable"
    IN_REVIEW = "in_review", "In review"
    SUPPORTED = "supported", "Supported"
    PARTLY_SUPPORTED = "partly_supported", "Partly supported"
    MISLEADING = "misleading", "Misleading"
    CONTRADICTED = "contradicted", "Contradicted"
    OUTDATED = "outdated", "Outdated"
    UNVERIFIABLE = "unverifiable", "Unverifiable"

    @classmethod
    def verdicts(cls) -> tuple["ClaimStatus", ...]:
        return (
            cls.SUPPORTED,
            cls.PARTLY_SUPPORTED,
            cls.MISLEADING,
            cls.CONTRADICTED,
            cls.OUTDATED,
            cls.UNVERIFIABLE,
        )

    @property
    def is_verdict(self) -> bool:
        return self in self.verdicts()

    @property
    def rating_value(self) -> int | None:
        """ClaimReview's ratingValue on a 1–5 scale; None where no rating fits."""
        return _RATINGS.get(self)

    @property
    def colour(self) -> str:
        """The status's colour, shared by the admin label and the public site (always beside its text label)."""
        return _COLOURS[self]

    @property
    def meaning(self) -> str:
        """What the status means to a reader, for legends."""
        return _MEANINGS[self]


_RATINGS = {
    ClaimStatus.SUPPORTED: 5,
    ClaimStatus.PARTLY_SUPPORTED: 3,
    ClaimStatus.MISLEADING: 2,
    ClaimStatus.OUTDATED: 2,
    ClaimStatus.CONTRADICTED: 1,
}

# What each status means to a reader; shown in legends beside the label and colour.
_MEANINGS = {
    ClaimStatus.UNREVIEWED: "Imported; nobody has checked it yet.",
    ClaimStatus.FLAGGED: "An editor found a problem, such as a missing citation.",
    ClaimStatus.NOT_CHECKABLE: "Opinion, advice or filler rather than a factual claim.",
    ClaimStatus.IN_REVIEW: "A reviewer is checking it.",
    ClaimStatus.SUPPORTED: "The evidence supports it.",
    ClaimStatus.PARTLY_SUPPORTED: "True in part.",
    ClaimStatus.MISLEADING: "Literally true but misleading in context.",
    ClaimStatus.CONTRADICTED: "The evidence contradicts it.",
    ClaimStatus.OUTDATED: "Was true; no longer is.",
    ClaimStatus.UNVERIFIABLE: "No reliable source settles it.",
}

# Chosen to stay distinguishable for common colour-vision deficiencies; never used without the label.
_COLOURS = {
    ClaimStatus.UNREVIEWED: "#6b7280",
    ClaimStatus.FLAGGED: "#b45309",
    ClaimStatus.NOT_CHECKABLE: "#9ca3af",
    ClaimStatus.IN_REVIEW: "#2563eb",
    ClaimStatus.SUPPORTED: "#15803d",
    ClaimStatus.PARTLY_SUPPORTED: "#65a30d",
    ClaimStatus.MISLEADING: "#be185d",
    ClaimStatus.CONTRADICTED: "#b91c1c",
    ClaimStatus.OUTDATED: "#7c3aed",
    ClaimStatus.UNVERIFIABLE: "#475569",
}

VERDICT_VALUES = [status.value for status in ClaimStatus.verdicts()]

# A finding is one line a reader takes in at a glance.
FINDING_MAX_LENGTH = 200
# The status sort, most pressing first: verdicts, then flagged, in review, unreviewed, not checkable.
SEVERITY_GROUPS = [
    VERDICT_VALUES,
    [ClaimStatus.FLAGGED.value],
    [ClaimStatus.IN_REVIEW.value],
    [ClaimStatus.UNREVIEWED.value],
    [ClaimStatus.NOT_CHECKABLE.value],
]


def severity():
    """The status's rank in the status sort, as SQL; the same expression the severity index is built on."""
    return Case(
        *(When(status__in=values, then=Value(rank)) for rank, values in enumerate(SEVERITY_GROUPS)),
        default=Value(len(SEVERITY_GROUPS)),
        output_field=models.IntegerField(),
    )


class ClaimQuerySet(models.QuerySet):
    def on_page(self):
        """Claims still on their page's current version (not removed by a later version)."""
        return self.filter(removed_after_version__isnull=True)

    def in_document_order(self):
        return self.order_by("question__document__title", "question__number", "position")

    def visible(self):
        """Claims of published documents, unordered: what any public page, export or feed may show.

        The one place that decides it; an unpublished document's claims appear nowhere public.
        """
        return self.filter(question__document__is_published=True)

    def public(self):
        """Claims as the public sees them: of published documents, with their question and document, in order."""
        return self.visible().select_related("question__document").in_document_order()

    def published(self):
        """Claims carrying a published verdict."""
        return self.filter(status__in=VERDICT_VALUES)

    def ever_had_verdict(self):
        """Claims that carry a verdict now or carried one at any point of their history.

        Such a claim is never deleted (nor merged away): what a reviewer published stays.
        """
        return self.filter(
            pk__in=Claim.history.filter(status__in=VERDICT_VALUES).values("id")
        )

    def with_counts(self):
        """Annotate citation and open-flag counts in the same query (no N+1 in lists)."""
        return self.annotate(
            citation_count=Count("citations", distinct=True),
            open_flag_count=Count("flags", filter=Q(flags__resolved_at__isnull=True), distinct=True),
        )


class Claim(models.Model):
    """One assertion of an answer, anchored to its exact place in the text."""

    question = models.ForeignKey("faq.Question", on_delete=models.CASCADE, related_name="claims")
    position = models.PositiveIntegerField(help_text="Order within the answer, 1-based.")
    quote = models.TextField(
        help_text="The assertion exactly as it stands in the answer: answer[start:end] == quote."
    )
    start = models.PositiveIntegerField(help_text="Character offset of the quote's start in the answer.")
    end = models.PositiveIntegerField(help_text="Character offset just past the quote's end in the answer.")
    statement = models.TextField(
        help_text="The claim as reviewed (defaults to the quote); published as ClaimReview's claimReviewed."
    )
    status = models.CharField(max_length=20, choices=ClaimStatus, default=ClaimStatus.UNREVIEWED)
    rationale = models.TextField(
        blank=True, help_text="Public text explaining the verdict. Every verdict needs one."
    )
    finding = models.CharField(
        max_length=FINDING_MAX_LENGTH,
        blank=True,
        help_text="The verdict in one plain sentence, shown under the claim's status (every verdict needs one). "
        "A CharField, not a TextField: it is a headline, and its limit is the same on every database.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The reviewer who published the current verdict.",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, help_text="When the current verdict was published.")
    fingerprint = models.CharField(
        max_length=64,
        help_text="Hash of the normalised quote: matches claims on re-import and finds duplicates across documents.",
    )
    masked_text = models.TextField(
        blank=True,
        default="",
        help_text="The quote normalised, with names of states, agencies and programmes masked (claims.masking): "
        "what near matching across documents compares. Filled when the claim is created (and by matching "
        "when its text changes).",
    )
    masked_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="Hash of masked_text and the acronyms the quote keeps: the same sentence about another "
        "state has the same one. Claims sharing it match one another (claims.matching).",
    )
    masked_places = models.CharField(
        max_length=160,
        blank=True,
        default="",
        help_text="Postal codes of the states the quote names (claims.masking.places), space-separated and sorted: "
        "what masking took out, read with masked_text when matching. Filled with it.",
    )
    match_group = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Claims matched across documents share this number: the id of the group's first claim, which "
        "every member matches (claims.matching); "
        "empty for a claim found nowhere else. Exported, so a series' copies of one claim can be grouped.",
    )
    triage_rule = models.CharField(
        max_length=20,
        blank=True,
        help_text="Pre-triage: the rule by which the importer took the quote for filler, advice, hedging or "
        "summary ('summary', 'advice', 'hedging', 'filler'); empty when none matched. Kept after the decision.",
    )
    triage_pending = models.BooleanField(
        default=False,
        help_text="The importer suggests 'not checkable' (see triage_rule) and no editor has accepted or "
        "rejected the suggestion yet.",
    )
    removed_after_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Empty while the claim is on the page. Else the number of the last version of its document "
        "it was found in: the claim, its verdict and evidence stay, shown as applying to that earlier text.",
    )
    changed_since_verdict = models.BooleanField(
        default=False,
        help_text="The page's wording changed after the verdict was published; an open 'text changed' flag "
        "asks a reviewer to confirm or reopen it.",
    )
    reviewed_quote = models.TextField(
        blank=True,
        help_text="While changed_since_verdict: the statement the verdict was about (ClaimReview's "
        "claimReviewed), kept when the page's wording moved on under it.",
    )
    version = models.PositiveIntegerField(
        default=1,
        help_text="Bumped on every save; a save from a stale form is refused (optimistic locking).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # A text change reason: reopen reasons and not-checkable notes are kept whole, not cut at 100 characters.
    # Matching's derived fields stay out of the history: they follow the quote and are rewritten at import.
    history = HistoricalRecords(
        history_change_reason_field=models.TextField(null=True),
        excluded_fields=["masked_text", "masked_fingerprint", "masked_places", "match_group"],
    )
    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["question", "position"]
        permissions = [("publish_verdict", "Can publish, change and reopen verdicts")]
        constraints = [
            # Also the index behind "the claims of this answer, in order" on the document page.
            models.UniqueConstraint(fields=["question", "position"], name="claims_claim_unique_position"),
            models.CheckConstraint(condition=Q(start__lte=models.F("end")), name="claims_claim_start_lte_end"),
            models.CheckConstraint(condition=Q(status__in=ClaimStatus.values), name="claims_claim_status_valid"),
            # A published verdict without its public rationale is never stored.
            models.CheckConstraint(
                condition=~Q(status__in=VERDICT_VALUES) | ~Q(rationale=""),
                name="claims_claim_verdict_has_rationale",
            ),
        ]
        indexes = [
            # The public table and the admin filter by status.
            models.Index(fields=["status"], name="claims_claim_status_idx"),
            # Re-import matching and duplicate detection across documents.
            models.Index(fields=["fingerprint"], name="claims_claim_fingerprint_idx"),
            # Matching at import: the same sentence with another state's name (exact lookup).
            models.Index(fields=["masked_fingerprint"], name="claims_claim_masked_fp_idx"),
            # The repeated-claims page and the table's "repeated in >= N documents" filter group by it.
            models.Index(fields=["match_group"], name="claims_claim_match_group_idx"),
            # The ClaimReview feed: published verdicts, newest first.
            models.Index(fields=["status", "-reviewed_at"], name="claims_claim_reviewed_idx"),
            # The admin's "suggested not checkable" filter: few claims are pending at any time.
            models.Index(
                fields=["question", "position"],
                condition=Q(triage_pending=True),
                name="claims_claim_triage_idx",
            ),
            # The status sort of the public table, walked page by page (keyset) with ties broken by id.
            models.Index(severity(), F("id"), name="claims_claim_severity_idx"),
            # The ClaimReview feed's pages: published verdicts, newest first, ties by id.
            models.Index(
                F("reviewed_at").desc(),
                F("id").desc(),
                condition=Q(status__in=VERDICT_VALUES, reviewed_at__isnull=False),
                name="claims_claim_published_idx",
            ),
        ]

    def __str__(self):
        text = self.statement or self.quote
        return text if len(text) <= 80 else text[:79] + "…"

    @classmethod
    def from_span(cls, question, position: int, span) -> "Claim":
        """A new, unsaved claim for a span the parser found (anything with quote, start, end and triage_rule).

        The importer and a new version of a page both make their claims here:
        the statement starts as the quote, and a pre-triage rule is a pending suggestion. The masked
        fields are stored with the claim, so matching (claims.matching) does not write it again.
        """
        from claims.masking import masked_fields
        from faq.parsing import fingerprint

        masked, masked_fp, named = masked_fields(span.quote)
        return cls(
            question=question,
            position=position,
            quote=span.quote,
            start=span.start,
            end=span.end,
            statement=span.quote,
            fingerprint=fingerprint(span.quote),
            masked_text=masked,
            masked_fingerprint=masked_fp,
            masked_places=named,
            triage_rule=span.triage_rule,
            triage_pending=bool(span.triage_rule),
        )

    def get_absolute_url(self):
        return reverse("claims:detail", kwargs={"pk": self.pk})

    @property
    def status_choice(self) -> ClaimStatus:
        return ClaimStatus(self.status)

    @property
    def has_verdict(self) -> bool:
        return self.status_choice.is_verdict

    @property
    def is_removed(self) -> bool:
        """No longer on the page: its span indexes the answer of the version it was last seen in."""
        return self.removed_after_version is not None


class FlagReason(models.TextChoices):
    """Modelled on Wikipedia's inline cleanup tags."""

    CITATION_NEEDED = "citation_needed", "Citation needed"
    DUBIOUS = "dubious", "Dubious"
    FAILED_VERIFICATION = "failed_verification", "Failed verification"
    BETTER_SOURCE_NEEDED = "better_source_needed", "Better source needed"
    VAGUE = "vague", "Vague"
    OUTDATED = "outdated", "Outdated"
    IRRELEVANT_AUTHORITY = "irrelevant_authority", "Irrelevant authority"
    CONTRADICTS_OTHER = "contradicts_other", "Contradicts another claim"
    # Raised by a new version of the document, never by hand: the wording under a verdict changed.
    TEXT_CHANGED = "text_changed", "Text changed"


class FlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class Flag(models.Model):
    """An editor's mark that something is wrong with a claim, open until resolved."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=30, choices=FlagReason)
    note = models.TextField(blank=True, help_text="Internal: never shown on the public site.")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True, help_text="Empty while the flag is open.")
    resolution = models.TextField(blank=True, help_text="How the problem was resolved.")

    history = HistoricalRecords()
    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "raised_at"]
        constraints = [
            models.CheckConstraint(condition=Q(reason__in=FlagReason.values), name="claims_flag_reason_valid"),
        ]
        indexes = [
            # "Open flags of this claim" and "claims with open flags": only open rows are hot.
            models.Index(
                fields=["claim"], condition=Q(resolved_at__isnull=True), name="claims_flag_open_idx"
            ),
            # The flag-reason filter on the public table and the admin.
            models.Index(fields=["reason"], name="claims_flag_reason_idx"),
        ]

    def __str__(self):
        state = "open" if self.is_open else "resolved"
        return f"{self.get_reason_display()} ({state}) on claim {self.claim_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class RelationKind(models.TextChoices):
    CONTRADICTS = "contradicts", "Contradicts"
    DUPLICATES = "duplicates", "Duplicates"
    QUALIFIES = "qualifies", "Qualifies"

    @property
    def is_symmetric(self) -> bool:
        """Symmetric relations are shown from both claims' pages."""
        return self in (RelationKind.CONTRADICTS, RelationKind.DUPLICATES)


class ClaimRelation(models.Model):
    """A relation between two claims, such as one contradicting the other."""

    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_from")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_to")
    kind = models.CharField(max_length=20, choices=RelationKind)
    note = models.TextField(blank=True, help_text="Why the claims are related; shown publicly.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["from_claim", "to_claim", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["from_claim", "to_claim", "kind"], name="claims_relation_unique"),
            models.CheckConstraint(
                condition=~Q(from_claim=models.F("to_claim")), name="claims_relation_not_self"
            ),
            models.CheckConstraint(condition=Q(kind__in=RelationKind.values), name="claims_relation_kind_valid"),
        ]

    def __str__(self):
        return f"claim {self.from_claim_id} {self.kind} claim {self.to_claim_id}"


class MatchKind(models.TextChoices):
    """How a claim found in another document relates to this one (claims/matching/)."""

    DUPLICATE = "duplicate", "Same claim (same document family)"
    OTHER_JURISDICTION = "other_jurisdiction", "Same wording, other jurisdiction"
    SIMILAR = "similar", "Similar wording"

    @property
    def carries_verdict(self) -> bool:
        """Only a duplicate may take another claim's verdict; the others are leads."""
        return self == MatchKind.DUPLICATE


class TextMatch(models.Model):
    """Two masked texts that are near matches (claims.matching), stored both ways, found when a text is first seen.

    A text is a masked fingerprint: the family of claims equal but for the
    names of places and agencies (Claim.masked_fingerprint). Claims of one
    family, and claims with the same fingerprint, match without any row;
    claims of two families match when a row joins their texts. A series page,
    whose texts are all known, writes none. Written only by claims.matching
    (never per request); read with the claims by claims.matching.matches_of.
    No foreign key: a text outlives its claims, and the readers join to the
    claims that hold it, so a deleted claim is never counted.
    """

    # The primary key (text, other) is the index behind "the texts near this one".
    pk = models.CompositePrimaryKey("text", "other")
    text = models.CharField(max_length=64, help_text="Masked fingerprint of one text.")
    other = models.CharField(max_length=64, help_text="Masked fingerprint of a text near it.")
    score = models.PositiveSmallIntegerField(help_text="Similarity of the masked texts, 0-100 (rapidfuzz ratio).")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(text=models.F("other")), name="claims_textmatch_not_self"),
        ]

    def __str__(self):
        return f"text {self.text[:12]} near {self.other[:12]} ({self.score})"


class ClaimBand(models.Model):
    """One LSH band key of a claim's masked text (claims.bands): near matching's candidate lookup, by key.

    BANDS rows per family of equal masked texts, under its first claim,
    written by claims.matching; texts sharing a key are compared in
    rapidfuzz. A B-tree, so the lookup costs the same on SQLite and
    PostgreSQL and does not grow with the table.
    """

    # The primary key (key, claim) is the index the lookup "which claims have this key" reads.
    pk = models.CompositePrimaryKey("key", "claim")
    key = models.BigIntegerField(help_text="Hash of one band of the masked text's MinHash signature (claims.bands).")
    # No constraint in the database: a page of new sentences writes about 3,300 keys, whose checks cost
    # 20-30 ms at the commit (a tenth of its matching at 1,000,000 claims). Nothing counts the rows: every
    # read joins them to their claim, and Django's cascade deletes them with it.
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+", db_constraint=False)

    class Meta:
        indexes = [
            # Re-matching a document replaces the keys of its claims.
            models.Index(fields=["claim"], name="claims_band_claim_idx"),
        ]

    def __str__(self):
        return f"claim {self.claim_id} band {self.key}"
