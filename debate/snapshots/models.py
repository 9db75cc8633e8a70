from django.conf import settings
from django.db import models


class Snapshot(models.Model):
    """A frozen, numbered copy of a whole debate: the JSON document exactly as it was."""

    debate = models.ForeignKey("debates.Debate", on_delete=models.PROTECT, related_name="snapshots")
    number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=80)
    document = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Frozen while the debate was anonymous: it stays anonymous for non-moderators after the
    # debate's setting is switched off (mapview.visibility.snapshot_anonymous).
    anonymous = models.BooleanField(default=False)

    class Meta:
        ordering = ["debate_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["debate", "number"], name="snapshot_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.debate_id} v{self.number}"
