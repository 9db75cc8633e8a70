"""Comments on claims: questions, clarifications and requests for a source.

They sit beside the argument tree, never in it: a comment is not a claim, has no stance,
takes no votes and never enters the map, the scoring or the standings. Comments are never
deleted: a moderator hides one (with a reason) and may restore it. `Mention` records who a
comment named, so that each person is told once per comment, however often it is edited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

TEXT_MAX = 2000
REASON_MAX = 500


class CommentKind(models.TextChoices):
    QUESTION = "question", _("Question")
    CLARIFICATION = "clarification", _("Clarification")
    SOURCE_REQUEST = "source_request", _("Request for a source")


class Comment(models.Model):
    """One comment under one claim. `version` starts at 1 and moves with every edit: an edit
    names the version it read, and a stale one is refused (services.comment_edit)."""

    debate = models.ForeignKey("debates.Debate", on_delete=models.PROTECT, related_name="comments")
    claim = models.ForeignKey("arguments.Claim", on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    kind = models.CharField(max_length=20, choices=CommentKind.choices)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=REASON_MAX, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["claim", "id"], name="comment_claim_order")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CommentKind.values), name="comment_kind_valid"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), TEXT_MAX), name="comment_text_max"
            ),
            models.CheckConstraint(
                condition=GreaterThan(Length("text"), 0), name="comment_text_not_empty"
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="comment_version_1"),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} on #{self.claim_id}"


class Mention(models.Model):
    """A person a comment named with @, told once (the first version that named them)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="mention_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in comment {self.comment_id}"
