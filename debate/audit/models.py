from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One write, as it happened: who did what to which object, with the state before and after.

    `version` is the debate's version this write produced. Versions are handed out under the
    debate row's lock, so they follow commit order (ids do not): every event up to the
    debate's current version has committed, which makes it a safe sync cursor.
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
    version = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["debate", "id"], name="audit_debate_id"),
            models.Index(fields=["debate", "action"], name="audit_debate_action"),
        ]
        constraints = [
            # Also the index the events feed and the live poll read by.
            models.UniqueConstraint(
                fields=["debate", "version"], name="audit_debate_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"
