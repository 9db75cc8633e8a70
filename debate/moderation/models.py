from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FlagKind(models.TextChoices):
    OFF_TOPIC = "off_topic", _("Off-topic")
    DUPLICATE = "duplicate", _("Duplicate of another claim")
    UNSUPPORTED = "unsupported", _("Unsupported")
    FALLACY = "fallacy", _("Fallacy")
    ABUSIVE = "abusive", _("Abusive")


class Fallacy(models.TextChoices):
    STRAW_MAN = "straw_man", _("Straw man")
    AD_HOMINEM = "ad_hominem", _("Ad hominem")
    FALSE_DILEMMA = "false_dilemma", _("False dilemma")
    SLIPPERY_SLOPE = "slippery_slope", _("Slippery slope")
    APPEAL_TO_AUTHORITY = "appeal_to_authority", _("Appeal to authority")
    WHATABOUTISM = "whataboutism", _("Whataboutism")
    HASTY_GENERALISATION = "hasty_generalisation", _("Hasty generalisation")
    CIRCULAR_REASONING = "circular_reasoning", _("Circular reasoning")


class FlagStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("flag status", "Open")
    DISMISSED = "dismissed", _("Dismissed")
    HIDDEN = "hidden", _("Claim hidden")
    MERGED = "merged", _("Merged into the original")


class FlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=FlagStatus.OPEN)


class Flag(models.Model):
    """A participant's report that a claim breaks the debate's rules, and its resolution."""

    debate = models.ForeignKey("debates.Debate", on_delete=models.PROTECT, related_name="flags")
    claim = models.ForeignKey("arguments.Claim", on_delete=models.PROTECT, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=FlagKind.choices)
    fallacy = models.CharField(max_length=32, choices=Fallacy.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "arguments.Claim", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    resolver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution_reason = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=FlagKind.values), name="flag_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind="fallacy") | ~Q(fallacy=""), name="flag_fallacy_named"
            ),
            models.CheckConstraint(
                condition=~Q(kind="duplicate") | Q(duplicate_of__isnull=False),
                name="flag_duplicate_names_original",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} flag on claim {self.claim_id}"
