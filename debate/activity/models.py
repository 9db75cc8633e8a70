from django.conf import settings
from django.db import models


class Notice(models.Model):
    """One line in a participant's activity panel: something happened to their work."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notices"
    )
    debate = models.ForeignKey("debates.Debate", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32)
    # What the sentence needs, never the sentence: ids, numbers, short quotes, `actor_id` for
    # the person it names. debate/activity/notices.py words it in the reader's language when
    # it is read. {"text": ...} is a line kept verbatim (one written before params, that the
    # migration could not parse, or a test's).
    params = models.JSONField(default=dict, blank=True)
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
        return f"{self.kind} for {self.user_id}"

    @property
    def message(self) -> str:
        """The sentence in the active language, for its own reader (notices.notice_texts
        renders a whole page at once; this is for one notice)."""
        from debate.activity.notices import notice_texts

        return notice_texts([self], self.user)[self.pk if self.pk is not None else id(self)]

    @message.setter
    def message(self, text: str) -> None:
        # A fixed line, shown as it is: Notice(message="...") still builds one.
        self.params = {"text": str(text)[:500]}


class DebateVisit(models.Model):
    """When a signed-in reader last looked at a debate, for "new since your last visit".

    A visit is a stretch of reading with gaps shorter than `services.VISIT_GAP`: `seen_at`
    moves with every page of the current visit, and `previous_seen_at` is when the visit
    before it ended. Claims created by others after `previous_seen_at` are marked new, so a
    reload keeps the marks; they go when a visit starts after a longer break."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="debate_visits"
    )
    debate = models.ForeignKey("debates.Debate", on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()
    previous_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "debate"], name="debate_visit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.debate_id} at {self.seen_at:%Y-%m-%d %H:%M}"


class DigestSubscription(models.Model):
    """A moderator's wish for one email a day about a debate: what waits for review there
    and their unread notices (services.digests_send). `last_sent_at` is None until the first."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscriptions"
    )
    debate = models.ForeignKey("debates.Debate", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "debate"], name="digest_subscription_once"),
        ]

    def __str__(self) -> str:
        return f"digest of {self.debate_id} for {self.user_id}"
