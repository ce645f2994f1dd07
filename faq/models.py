from django.db import models
from django.db.models import Q
from django.urls import reverse


class Document(models.Model):
    """One FAQ page as published, with its full text as imported."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The document's address on the public site: /faq/<slug>/.",
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [
            # The importer looks a text up by its hash before writing anything.
            models.Index(fields=["content_sha256"], name="faq_document_sha256_idx"),
            # The home page's documents and the claims table's document order, paged by (title, id).
            models.Index(fields=["title", "id"], name="faq_document_title_idx"),
            # The site's data version (config/public.py) reads the newest updated_at.
            models.Index(fields=["updated_at"], name="faq_document_updated_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("faq:detail", kwargs={"slug": self.slug})


class Question(models.Model):
    """A numbered question of a document and its exact answer text."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveIntegerField(help_text="Position in the document, 1-based.")
    question = models.TextField(help_text="The question exactly as written, without its number.")
    answer = models.TextField(
        help_text="The answer exactly as written. Claim offsets index into this text."
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
