from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One write, as it happened: who did what to which object, with the state before and after.

    The id is monotonic, so it doubles as the cursor for incremental sync and as the
    cheap "has anything changed?" version of a debate.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    debate = models.ForeignKey(
        "debates.Debate", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.BigIntegerField(null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["debate", "id"], name="audit_debate_id"),
            models.Index(fields=["debate", "action"], name="audit_debate_action"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"
