from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    """A document the debate draws on. Its text is hashed, and frozen once evidence cites it."""

    debate = models.ForeignKey("debates.Debate", on_delete=models.PROTECT, related_name="sources")
    title = models.CharField(max_length=300)
    publication = models.CharField(max_length=200, blank=True)
    volume = models.CharField(max_length=40, blank=True)
    issue = models.CharField(max_length=40, blank=True)
    published_on = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64)
    # A correction makes a new revision; evidence keeps pointing at the one it was verified on.
    revision = models.PositiveIntegerField(default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_revision"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        # Search by a source's title (debate/mapview/search.py; PostgreSQL only, 0003).
        indexes = [GinIndex(SearchVector("title", config="simple"), name="source_title_search")]

    def __str__(self) -> str:
        return self.title


class EvidenceStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class EvidenceQuerySet(models.QuerySet):
    def citable(self):
        return self.filter(status=EvidenceStatus.APPROVED, is_hidden=False)


class Evidence(models.Model):
    """An exact passage of a source: the quote is always text[start:end] of its source."""

    debate = models.ForeignKey("debates.Debate", on_delete=models.PROTECT, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    quote = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    paragraph = models.PositiveIntegerField()
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=EvidenceStatus.choices, default=EvidenceStatus.PROPOSED
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_reason = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["source_id", "start", "id"]
        verbose_name_plural = _("evidence")
        # Search in quotes (debate/mapview/search.py; PostgreSQL only, migration 0003): the
        # very expression the search matches.
        indexes = [GinIndex(SearchVector("quote", config="simple"), name="evidence_quote_search")]
        constraints = [
            models.UniqueConstraint(fields=["source", "start", "end"], name="evidence_span_unique"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="evidence_span_nonempty"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in EvidenceStatus]),
                name="evidence_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quote[:60]}…" if len(self.quote) > 60 else self.quote
