from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

CLAIM_TEXT_MAX = 1000
# How deep replies may go: a claim directly under a position is at depth 0, a reply to it at 1.
# A 57-deep chain built by ordinary debaters once broke every page that walked it; no new
# claim, move, merge or import may go deeper than this. Older, deeper chains must still render.
MAX_REPLY_DEPTH = 40


class Stance(models.TextChoices):
    PRO = "pro", _("Supports")
    CON = "con", _("Attacks")


class Relation(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    CONCEDES = "concedes", _("Concedes")


class ClaimQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False, is_withdrawn=False)


class Claim(models.Model):
    """One statement in the map, under a position (parent null) or under another claim.

    Claims are never deleted: authors withdraw, moderators hide; both keep the row.
    """

    debate = models.ForeignKey("debates.Debate", on_delete=models.PROTECT, related_name="claims")
    position = models.ForeignKey(
        "debates.Position", on_delete=models.PROTECT, related_name="claims"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    stance = models.CharField(max_length=3, choices=Stance.choices)
    text = models.TextField(max_length=CLAIM_TEXT_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "debates.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    version = models.PositiveIntegerField(default=1)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.TextField(blank=True)
    is_withdrawn = models.BooleanField(default=False)
    # Set when a moderator merged this duplicate into another claim; it is hidden, not gone.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["debate", "parent"], name="claim_debate_parent"),
            # Search and the similar-claim hints (debate/mapview/search.py), PostgreSQL only
            # (migration 0003): the full-text vector that search matches, the same expression,
            # and the trigrams that word_similarity compares.
            GinIndex(SearchVector("text", config="simple"), name="claim_text_search"),
            GinIndex(fields=["text"], opclasses=["gin_trgm_ops"], name="claim_text_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(stance__in=[s.value for s in Stance]), name="claim_stance_valid"
            ),
            models.CheckConstraint(
                condition=Q(GreaterThanOrEqual(Length("text"), 1))
                & Q(LessThanOrEqual(Length("text"), CLAIM_TEXT_MAX)),
                name="claim_text_length",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")), name="claim_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Citation(models.Model):
    """A claim's use of a piece of evidence. Removing one hides it; the row stays."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="citations")
    evidence = models.ForeignKey(
        "sources.Evidence", on_delete=models.PROTECT, related_name="citations"
    )
    relation = models.CharField(max_length=10, choices=Relation.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "evidence"], name="citation_unique"),
            models.CheckConstraint(
                condition=Q(relation__in=[r.value for r in Relation]),
                name="citation_relation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} {self.relation} evidence {self.evidence_id}"


VOTE_MIN, VOTE_MAX = 0, 4


class VoteQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_withdrawn=False)


class Vote(models.Model):
    """One participant's rating of one claim's impact on its parent, 0 (none) to 4 (decisive).

    Withdrawing a vote keeps the row (and its last value) with is_withdrawn set.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="votes"
    )
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="votes")
    value = models.PositiveSmallIntegerField()
    is_withdrawn = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VoteQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "claim"], name="vote_one_per_user_claim"),
            models.CheckConstraint(
                condition=Q(value__gte=VOTE_MIN, value__lte=VOTE_MAX), name="vote_value_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} rates claim {self.claim_id}: {self.value}"
