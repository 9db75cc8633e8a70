from django.conf import settings
from django.db import models


class Notice(models.Model):
    """One line in a participant's activity panel: something happened to their work."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notices"
    )
    debate = models.ForeignKey("debates.Debate", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32)
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    event = models.ForeignKey(
        "audit.AuditEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self) -> str:
        return self.message
