"""What the public may know about a staff member: only the name they choose to publish under."""

from django.conf import settings
from django.db import models


class StaffProfile(models.Model):
    """A staff member's public face. Login names and e-mail addresses are never shown publicly."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", primary_key=True
    )
    public_name = models.CharField(
        max_length=100,
        blank=True,
        help_text=(
            "The name shown publicly as the byline of the verdicts you publish. Leave it empty to publish "
            "under the organisation's name. Your login name and e-mail address are never shown publicly."
        ),
    )

    updated_at = models.DateTimeField(
        auto_now=True,
        help_text="When the public name last changed: part of the public pages' data version, so a new byline "
        "is on every page from the next request.",
    )

    class Meta:
        verbose_name = "public name"
        verbose_name_plural = "public names"
        indexes = [
            # The public pages' data version reads the newest edit (config/public.py).
            models.Index(fields=["updated_at"], name="people_profile_updated_idx"),
        ]

    def __str__(self):
        return self.public_name or f"(no public name) {self.user}"


def public_byline(user) -> str:
    """The name a verdict by `user` is published under: their public name, else the organisation's.

    Reads user.staff_profile, so load it with select_related("…__staff_profile")
    to keep a page to one query.
    """
    try:
        name = user.staff_profile.public_name.strip() if user else ""
    except StaffProfile.DoesNotExist:
        name = ""
    return name or settings.ORG_NAME
