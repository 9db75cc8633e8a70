import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Phase(models.TextChoices):
    SETUP = "setup", _("Setup")
    OPENING = "opening", _("Opening")
    REBUTTAL = "rebuttal", _("Rebuttal")
    VOTING = "voting", _("Voting")
    CLOSED = "closed", pgettext_lazy("phase", "Closed")


PHASE_ORDER = [p.value for p in Phase]


class StandingsFrom(models.TextChoices):
    """From which phase on participants see the standings and every strength (moderators
    always do): mapview.visibility.strengths_shown decides it for every output."""

    OPENING = "opening", _("From the opening phase")
    REBUTTAL = "rebuttal", _("From the rebuttal phase (when voting starts)")
    VOTING = "voting", _("Only from the voting phase")


class Role(models.TextChoices):
    MODERATOR = "moderator", _("Moderator")
    DEBATER = "debater", _("Debater")
    OBSERVER = "observer", _("Observer")


class DebateQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class Debate(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    motion = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.SETUP)
    is_public = models.BooleanField(
        default=True, help_text="Anyone, signed in or not, may read the map and its sources."
    )
    # Off for new debates: anyone can sign up, so open observing is the moderator's choice.
    allow_observers = models.BooleanField(
        default=False, help_text="Signed-in users may join as observers without an invite."
    )
    count_observer_votes = models.BooleanField(
        default=True,
        help_text="Observers' votes count in the standings and strengths (they always show "
        "under the observers-only tally).",
    )
    # Votes open in the rebuttal phase, so by default the standings show from then on: before
    # it they could only say 0.50 everywhere.
    standings_from = models.CharField(
        max_length=16, choices=StandingsFrom.choices, default=StandingsFrom.REBUTTAL,
        help_text="From which phase on participants see the standings and strengths "
        "(moderators always see them).",
    )  # fmt: skip
    # Participants see each other under pseudonyms (people.Pseudonym), moderators see both:
    # mapview.visibility.names_for decides it for every output.
    anonymous = models.BooleanField(
        default=False,
        help_text="Participants see each other as “Participant 7”, never by username; "
        "moderators see both.",
    )
    # A small group: one of the debates a moderator split `group_of` into (groups.services).
    group_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="groups"
    )
    group_number = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped under this row's lock by every write (audit.services.audit_record), so versions
    # follow commit order: ETags, the live poll, snapshots and the events feed use it.
    version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = DebateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        permissions = [("create_debate", "Can create debates")]
        constraints = [
            models.CheckConstraint(
                condition=Q(phase__in=[p.value for p in Phase]), name="debate_phase_valid"
            ),
            models.CheckConstraint(
                condition=Q(standings_from__in=[s.value for s in StandingsFrom]),
                name="debate_standings_from_valid",
            ),
            models.UniqueConstraint(
                fields=["group_of", "group_number"], name="debate_group_number_unique"
            ),
            models.CheckConstraint(
                condition=(Q(group_of__isnull=True) & Q(group_number__isnull=True))
                | (Q(group_of__isnull=False) & Q(group_number__isnull=False)),
                name="debate_group_number_iff_group",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # The version belongs to the audit helper alone: a save from a row read earlier must
        # never write an older version back.
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "version"
            ]
        super().save(*args, **kwargs)


class Position(models.Model):
    """One answer to the motion; the root of its argument tree."""

    debate = models.ForeignKey(Debate, on_delete=models.PROTECT, related_name="positions")
    key = models.SlugField(max_length=40)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["debate", "key"], name="position_key_unique"),
        ]

    def __str__(self) -> str:
        return self.title


def new_invite_code() -> str:
    return secrets.token_urlsafe(9)


class Team(models.Model):
    debate = models.ForeignKey(Debate, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=80)
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    invite_code = models.CharField(max_length=32, unique=True, default=new_invite_code)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["debate", "name"], name="team_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class CurrentMembershipManager(models.Manager):
    """Current memberships only: a membership a moderator ended (`ended_at`) keeps its row,
    so what the member wrote stays attributed, but it no longer makes them a member. Every
    `membership_of`, join and notice reads this manager; `Membership.all_objects` reads all."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(ended_at__isnull=True)


class Membership(models.Model):
    """A user's one role in one debate; debaters also belong to a team. Ending a membership
    (a moderator removes the member) sets `ended_at`; rejoining creates a new row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    debate = models.ForeignKey(Debate, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CurrentMembershipManager()
    all_objects = models.Manager()  # noqa: DJ012 (a manager, not a field)

    class Meta:
        ordering = ["id"]
        # Related managers (debate.memberships, team.members) and admin use `objects`; the
        # base manager stays plain so a claim's or vote's lookups never lose a row.
        default_manager_name = "objects"
        constraints = [
            # One current role per debate; ended memberships are history beside it.
            models.UniqueConstraint(
                fields=["user", "debate"], condition=Q(ended_at__isnull=True),
                name="membership_one_role",
            ),  # fmt: skip
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
            models.CheckConstraint(
                condition=(Q(role=Role.DEBATER) & Q(team__isnull=False))
                | (~Q(role=Role.DEBATER) & Q(team__isnull=True)),
                name="membership_team_iff_debater",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.role} in {self.debate}"


class Poll(models.TextChoices):
    BEFORE = "before", _("Before the debate")
    AFTER = "after", _("After voting")


class PollResponse(models.Model):
    """A participant's stance on the motion in one of the two Oxford-style polls; a null
    position means undecided."""

    debate = models.ForeignKey(Debate, on_delete=models.PROTECT, related_name="poll_responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    poll = models.CharField(max_length=8, choices=Poll.choices)
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["debate", "user", "poll"], name="poll_one_answer"),
            models.CheckConstraint(condition=Q(poll__in=["before", "after"]), name="poll_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.poll}: {self.position_id or 'undecided'}"
