from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

DEFAULT_LETTERS = ["A", "B", "C", "D", "E", "F"]


class ScaleKind(models.TextChoices):
    POINTS = "points", _("Points")
    LETTERS = "letters", _("Letters")


class Audience(models.TextChoices):
    AUTHOR = "author", _("The claim's author")
    EVERYONE = "everyone", _("Everyone who can see the claim")


def default_letters() -> list[str]:
    return list(DEFAULT_LETTERS)


class GradeScale(models.Model):
    """How a debate is graded: points 0..max, or an ordered list of letters (best first)."""

    debate = models.OneToOneField(
        "debates.Debate", on_delete=models.PROTECT, related_name="grade_scale"
    )
    kind = models.CharField(max_length=8, choices=ScaleKind.choices, default=ScaleKind.LETTERS)
    max_points = models.PositiveIntegerField(default=100)
    letters = models.JSONField(default=default_letters)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ScaleKind.values), name="grade_scale_kind_valid"
            ),
            models.CheckConstraint(condition=Q(max_points__gte=1), name="grade_scale_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} scale for debate {self.debate_id}"

    def choices(self) -> list[str]:
        """Allowed values, best first; points scales list max..0 so a select reads top-down."""
        if self.kind == ScaleKind.POINTS:
            return [str(n) for n in range(self.max_points, -1, -1)]
        return [str(letter) for letter in self.letters]

    def describe(self) -> str:
        if self.kind == ScaleKind.POINTS:
            return ngettext("0–%(count)s point", "0–%(count)s points", self.max_points) % {
                "count": self.max_points
            }
        return ", ".join(self.choices())


class Grade(models.Model):
    """One participant's overall grade in one debate. Private until released_at is set."""

    debate = models.ForeignKey("debates.Debate", on_delete=models.PROTECT, related_name="grades")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=16, blank=True)
    comment = models.TextField(blank=True, max_length=4000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["debate", "user"], name="grade_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"Grade for user {self.user_id} in debate {self.debate_id}"


class Feedback(models.Model):
    """A moderator's note on one claim. Private until released; removal hides, never deletes."""

    debate = models.ForeignKey("debates.Debate", on_delete=models.PROTECT, related_name="feedback")
    claim = models.ForeignKey("arguments.Claim", on_delete=models.PROTECT, related_name="feedback")
    # The claim's author (claims never change author), kept here so that a student's own
    # feedback is read without joining the claims: the debate page pays one small query.
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=4000)
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.AUTHOR)
    is_hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Released to the claim's author (scope "grades"), and, for audience "everyone", to
    # everyone who may see the claim (scope "feedback_everyone"): two steps, two moments.
    released_at = models.DateTimeField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="feedback_audience_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["debate", "claim"], name="feedback_debate_claim"),
            models.Index(fields=["debate", "student"], name="feedback_debate_student"),
        ]

    def __str__(self) -> str:
        return f"Feedback on claim {self.claim_id}"
