from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

# Long enough to tell documents apart, short enough for a table column.
SHORT_NAME_LENGTH = 32


class DocumentQuerySet(models.QuerySet):
    def public(self):
        """Documents an editor has published: the only ones any public page, export or feed shows."""
        return self.filter(is_published=True)


class Document(models.Model):
    """One FAQ page as published, with its full text as imported."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The document's address on the public site: /faq/ followed by this slug.",
    )
    category = models.CharField(
        max_length=200,
        blank=True,
        help_text="The page's own category, from its leading 'Categories …' line.",
    )
    jurisdiction = models.CharField(
        max_length=50,
        blank=True,
        help_text="Whose law the page talks about, as a short code: 'NC', 'US'.",
    )
    matching_jurisdiction = models.CharField(
        max_length=50,
        blank=True,
        default="",
        editable=False,
        help_text="Derived on save: the jurisdiction, else the one state the title names (claims.masking."
        "document_jurisdiction). Matches across documents are told apart by it (same claim or other "
        "jurisdiction) when they are read.",
    )
    source_url = models.URLField(
        max_length=1000,
        blank=True,
        help_text="Where the page was published; ClaimReview's 'appearance'.",
    )
    retrieved_on = models.DateField(
        null=True, blank=True, help_text="When the text was copied from source_url."
    )
    body = models.TextField(
        help_text="The full text as imported, normalised to \\n line ends. Questions and "
        "answers are cut from it; it is kept so a re-import can be compared."
    )
    content_sha256 = models.CharField(
        max_length=64,
        help_text="SHA-256 of body: re-importing the same text is recognised and changes nothing.",
    )
    is_published = models.BooleanField(
        default=False,
        help_text="Shown on the public site. A new import stays unpublished until an editor publishes it, "
        "so its claims can be triaged first.",
    )
    gone_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a refresh first found the page no longer at its address (404, 410 or a redirect "
        "elsewhere); empty while it is there. The last good version stays current.",
    )
    gone_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the refresh found: 'HTTP 404 Not Found', 'redirected to <address>'.",
    )
    checked_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a refresh last got an answer from the page (200 or 304), whether or not its text "
        "changed; empty until the first refresh.",
    )
    check_etag = models.TextField(
        blank=True,
        help_text="The ETag of that answer: the next refresh asks If-None-Match with it (a page whose "
        "text did not change adds no capture, so its new validators live here).",
    )
    check_last_modified = models.TextField(
        blank=True, help_text="The Last-Modified of that answer: the next refresh asks If-Modified-Since with it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [
            # The importer looks a text up by its hash before writing anything.
            models.Index(fields=["content_sha256"], name="faq_document_sha256_idx"),
            # The home page's documents and the claims table's document order, paged by (title, id).
            models.Index(fields=["title", "id"], name="faq_document_title_idx"),
            # The site's data version (config/public.py) reads the newest updated_at.
            models.Index(fields=["updated_at"], name="faq_document_updated_idx"),
            # The few documents awaiting publication, found without reading every document
            # (the sources page leaves their claims out of its counts: sources.counts).
            models.Index(fields=["id"], condition=models.Q(is_published=False), name="faq_document_unpublished_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        from claims.masking import document_jurisdiction

        self.matching_jurisdiction = document_jurisdiction(self.jurisdiction, self.title)
        fields = kwargs.get("update_fields")
        if fields is not None and {"title", "jurisdiction"} & set(fields):
            kwargs["update_fields"] = {*fields, "matching_jurisdiction"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("faq:detail", kwargs={"slug": self.slug})

    @property
    def publisher(self) -> str:
        """Who published the page, as its web address names them ("example.org"); empty without a source URL."""
        host = urlsplit(self.source_url).hostname or ""
        return host.removeprefix("www.")

    @property
    def short_name(self) -> str:
        """The title cut to a few words at a word boundary, for tables that repeat it on every row.

        Derived from the title already loaded with the row: no extra query, nothing to keep in sync.
        """
        title = self.title
        if len(title) <= SHORT_NAME_LENGTH:
            return title
        cut = title[: SHORT_NAME_LENGTH - 1].rsplit(" ", 1)[0] or title[: SHORT_NAME_LENGTH - 1]
        return cut.rstrip(" ,;:-–") + "…"


class Question(models.Model):
    """A numbered question of a document and its exact answer text."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveIntegerField(help_text="Position in the document, 1-based.")
    question = models.TextField(help_text="The question exactly as written, without its number.")
    answer = models.TextField(
        help_text="The answer exactly as written. Claim offsets index into this text."
    )
    removed_after_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Empty while the question is on the page. Else the number of the last version it was in: "
        "kept (numbered after the current questions) so the claims it held keep their answer as it was.",
    )

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            # Also the index the document page uses to list questions in order.
            models.UniqueConstraint(fields=["document", "number"], name="faq_question_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="faq_question_number_positive"),
        ]

    def __str__(self):
        return f"Q{self.number}. {self.question}"

    @property
    def anchor(self) -> str:
        return f"q{self.number}"

    def get_absolute_url(self):
        return f"{self.document.get_absolute_url()}#{self.anchor}"


class PageCapture(models.Model):
    """One retrieval of a document's page: its bytes exactly as received, and how they came.

    The evidence of what the page said when it was imported. One row per fetch
    (or uploaded HTML file), so a page fetched again later adds a row.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="captures")
    requested_url = models.TextField(
        blank=True,
        help_text="The address asked for; empty for an uploaded file. Text, not a URLField: "
        "a web address has no length limit and the evidence must never be cut.",
    )
    url = models.TextField(blank=True, help_text="The address after redirects; empty for an uploaded file.")
    status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The final HTTP status; empty for an uploaded file."
    )
    content_type = models.TextField(blank=True, help_text="The Content-Type as the server sent it.")
    encoding = models.CharField(max_length=40, blank=True, help_text="The character set the page was read in.")
    filename = models.TextField(blank=True, help_text="The uploaded file's name; empty for a fetched page.")
    content = models.BinaryField(help_text="The raw bytes, as received: never re-encoded.")
    size = models.PositiveIntegerField(help_text="Bytes in content, so lists need not load it.")
    content_sha256 = models.CharField(max_length=64, help_text="SHA-256 of content.")
    retrieved_at = models.DateTimeField(help_text="When the page was fetched (or the file uploaded).")
    etag = models.TextField(blank=True, help_text="The ETag the server sent: the next refresh asks If-None-Match.")
    last_modified = models.TextField(
        blank=True, help_text="The Last-Modified the server sent: the next refresh asks If-Modified-Since."
    )

    class Meta:
        ordering = ["document", "-retrieved_at"]
        indexes = [
            # A document's captures, newest first: its admin page and a later re-fetch.
            models.Index(fields=["document", "-retrieved_at"], name="faq_capture_doc_time_idx"),
        ]

    def __str__(self):
        return f"{self.url or self.filename} at {self.retrieved_at:%Y-%m-%d %H:%M}"
class PageLink(models.Model):
    """A link the page itself cites in an answer: its text stays in the answer, its target is kept here.

    Shown to reviewers as leads. Imported data: the URL is never trusted
    (only http(s) targets are ever rendered as links).
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="links")
    position = models.PositiveIntegerField(help_text="Order of the link within the question and its answer, 1-based.")
    text = models.TextField(help_text="The link's text as it reads in the answer.")
    url = models.TextField(
        help_text="The link's target exactly as the page gives it (a TextField: pages cite URLs of any length)."
    )

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="faq_pagelink_unique_position"),
        ]

    def __str__(self):
        return f"{self.text} <{self.url}>"

    @property
    def is_web_link(self) -> bool:
        return self.url.lower().startswith(("http://", "https://"))


def latest_capture_time(document_ref: str = "pk") -> models.Subquery:
    """The newest capture's retrieval time of the document at `document_ref`, as a subquery.

    Pages that link to the stored copy annotate it onto the row they already
    load (one index look-up on faq_capture_doc_time_idx), rather than query again.
    """
    newest = PageCapture.objects.filter(document=models.OuterRef(document_ref)).order_by("-retrieved_at", "-pk")
    return models.Subquery(newest.values("retrieved_at")[:1])
class DocumentVersion(models.Model):
    """One text of a document as imported: version 1 is the first import, each changed text adds one."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(help_text="1 for the first import, then 2, 3, … in order.")
    body = models.TextField(help_text="The full normalised text of this version.")
    content_sha256 = models.CharField(max_length=64, help_text="SHA-256 of body.")
    capture = models.ForeignKey(
        PageCapture,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page as fetched or uploaded for this version; empty for pasted text or a text file.",
    )
    created_at = models.DateTimeField(help_text="When this version was imported.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unchanged_count = models.PositiveIntegerField(default=0, help_text="Claims found again word for word.")
    edited_count = models.PositiveIntegerField(default=0, help_text="Claims found with changed wording.")
    removed_count = models.PositiveIntegerField(default=0, help_text="Claims no longer on the page.")
    new_count = models.PositiveIntegerField(default=0, help_text="Sentences that became new claims.")

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            # Also the index behind "the versions of this document" and "its latest version".
            models.UniqueConstraint(fields=["document", "number"], name="faq_version_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="faq_version_number_positive"),
        ]

    def __str__(self):
        return f"{self.document} — version {self.number}"

    def get_absolute_url(self):
        return reverse("faq:version", kwargs={"slug": self.document.slug, "number": self.number})

    @property
    def change_summary(self) -> str:
        return f"{self.new_count} added, {self.edited_count} edited, {self.removed_count} removed"


class ClaimChangeKind(models.TextChoices):
    NEW = "new", "New"
    RESTYLED = "restyled", "Same words, new spacing or quotation marks"
    EDITED = "edited", "Edited"
    REMOVED = "removed", "Removed from the page"


class ClaimChange(models.Model):
    """What a new version did to one claim: its wording before and after (a claim's page lists these)."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="claim_changes")
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=ClaimChangeKind)
    old_quote = models.TextField(blank=True, help_text="The wording in the version before; empty for a new claim.")
    new_quote = models.TextField(blank=True, help_text="The wording in this version; empty for a removed claim.")

    class Meta:
        ordering = ["version", "claim"]
        constraints = [
            models.UniqueConstraint(fields=["version", "claim"], name="faq_claimchange_unique"),
            models.CheckConstraint(condition=Q(kind__in=ClaimChangeKind.values), name="faq_claimchange_kind_valid"),
        ]
        indexes = [
            # A claim's page: its changes in version order.
            models.Index(fields=["claim", "version"], name="faq_claimchange_claim_idx"),
        ]

    def __str__(self):
        return f"claim {self.claim_id} {self.kind} in {self.version}"
