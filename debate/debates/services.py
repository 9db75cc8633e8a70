from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from debate import permissions
from debate.activity.services import notice_members
from debate.arguments.models import Claim
from debate.audit.models import AuditEvent
from debate.audit.services import (
    audit_record,
    counted_as,
    debate_lock,
    model_state,
    parts_uncounted,
    rate_check,
)
from debate.debates.models import (
    PHASE_ORDER,
    Debate,
    Membership,
    Phase,
    PollResponse,
    Position,
    Role,
    StandingsFrom,
    Team,
    new_invite_code,
)
from debate.errors import InvalidInput, NotAllowed
from debate.people.services import pseudonyms_assign
from debate.sources.models import Evidence, EvidenceStatus, Source
from debate.sources.services import evidence_approve, evidence_propose, source_create

DEBATE_FIELDS = ["slug", "title", "motion", "description", "phase", "is_public", "allow_observers",
                 "count_observer_votes", "standings_from"]


SLUG_TAKEN = gettext_noop("A debate with this slug exists already.")


def _create_unique(model: type, message: str, field: str, **fields: Any) -> Any:
    """Insert a row a unique constraint guards; a row that a concurrent request inserted
    first is refused as InvalidInput (on `field`), never an IntegrityError. The savepoint
    keeps the surrounding transaction usable."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError as exc:
        raise InvalidInput(_(message), field=field) from exc


POSITION_TAKEN = gettext_noop("This debate has a position with this key already.")
TEAM_TAKEN = gettext_noop("This debate has a team with this name already.")


def _locked_for_set_up(actor: Any, debate: Debate, refusal: str) -> Debate:
    """Start of every set-up change: lock the debate, refuse once it is closed (read-only for
    moderators too, until they reopen it), check the actor, count one `manage` write."""
    debate = debate_lock(debate)
    permissions.require_open(debate)
    permissions.require(permissions.can_manage(actor, debate), refusal)
    rate_check(actor, "manage")
    return debate


def _required(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("This field is required."), field=field)
    if len(value) > limit:
        raise InvalidInput(_("At most %(limit)s characters.") % {"limit": limit}, field=field)
    return value


@transaction.atomic
def debate_create(
    *,
    actor: Any,
    title: str,
    motion: str,
    description: str = "",
    slug: str = "",
    phase: str = Phase.SETUP,
    is_public: bool = True,
    allow_observers: bool = False,
    count_observer_votes: bool = True,
    standings_from: str = StandingsFrom.REBUTTAL,
) -> Debate:
    permissions.require(
        permissions.can_create_debate(actor), _("You are not allowed to create debates.")
    )
    rate_check(actor, "manage")
    title = _required(title, "title", 200)
    motion = _required(motion, "motion", 500)
    slug = slugify(slug or title)[:80]
    if not slug:
        raise InvalidInput(_("The title needs at least one letter or digit."), field="title")
    if Debate.objects.filter(slug=slug).exists():
        raise InvalidInput(_(SLUG_TAKEN), field="slug")
    if phase not in PHASE_ORDER:
        raise InvalidInput(_("Unknown phase."), field="phase")
    if standings_from not in StandingsFrom.values:
        raise InvalidInput(_("Choose the phase from which standings show."), field="standings_from")
    fields = dict(
        slug=slug,
        title=title,
        motion=motion,
        description=(description or "").strip(),
        phase=phase,
        is_public=is_public,
        allow_observers=allow_observers,
        count_observer_votes=count_observer_votes,
        standings_from=standings_from,
        created_by=actor if actor.is_authenticated else None,
    )
    # Two requests with one title can both pass the check above; the loser gets the same
    # answer as if it had come second.
    debate = _create_unique(Debate, SLUG_TAKEN, "slug", **fields)
    audit_record(
        actor=actor, debate=debate, action="debate.create", obj=debate, before=None,
        after=model_state(debate, DEBATE_FIELDS),
    )  # fmt: skip
    return debate


@transaction.atomic
def position_create(
    *, actor: Any, debate: Debate, key: str, title: str, description: str = ""
) -> Position:
    debate = _locked_for_set_up(actor, debate, _("Only moderators add positions."))
    key = slugify(key)[:40]
    if not key:
        raise InvalidInput(_("The key needs at least one letter or digit."), field="key")
    title = _required(title, "title", 200)
    if debate.positions.filter(key=key).exists():
        raise InvalidInput(_(POSITION_TAKEN), field="key")
    position = _create_unique(
        Position, POSITION_TAKEN, "key", debate=debate, key=key, title=title,
        description=(description or "").strip(), order=debate.positions.count(),
    )  # fmt: skip
    audit_record(
        actor=actor, debate=debate, action="position.create", obj=position, before=None,
        after=model_state(position, ["key", "title", "description", "order"]),
    )  # fmt: skip
    return position


@transaction.atomic
def team_create(*, actor: Any, debate: Debate, name: str, position: Position | None = None) -> Team:
    debate = _locked_for_set_up(actor, debate, _("Only moderators add teams."))
    name = _required(name, "name", 80)
    if position is not None and position.debate_id != debate.pk:
        raise InvalidInput(_("The position belongs to another debate."), field="position")
    if debate.teams.filter(name=name).exists():
        raise InvalidInput(_(TEAM_TAKEN), field="name")
    team = _create_unique(Team, TEAM_TAKEN, "name", debate=debate, name=name, position=position)
    audit_record(
        actor=actor, debate=debate, action="team.create", obj=team, before=None,
        after=model_state(team, ["name", "position"]),
    )  # fmt: skip
    return team


def _team_for_role(debate: Debate, role: str, team: Team | None) -> Team | None:
    """The team a member with `role` belongs to: debaters need one of this debate, other
    roles have none (a team given with them is dropped)."""
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), field="role")
    if role != Role.DEBATER:
        return None
    if team is None:
        raise InvalidInput(_("A debater needs a team."), field="team")
    if team.debate_id != debate.pk:
        raise InvalidInput(_("The team belongs to another debate."), field="team")
    return team


@transaction.atomic
def membership_set(
    *, actor: Any, debate: Debate, user: Any, role: str, team: Team | None = None
) -> Membership:
    """Give `user` a role in `debate` (moderators and the system only; joining is separate)."""
    debate = _locked_for_set_up(actor, debate, _("Only moderators assign roles."))
    team = _team_for_role(debate, role, team)
    # Under the debate's lock, which every membership write takes: no join can slip in
    # between this read and the insert.
    membership = Membership.objects.filter(debate=debate, user=user).first()
    before = model_state(membership, ["role", "team"]) if membership else None
    if membership is None:
        membership = Membership.objects.create(debate=debate, user=user, role=role, team=team)
        pseudonyms_assign(debate, [user.pk])
    else:
        membership.role, membership.team = role, team
        membership.save(update_fields=["role", "team"])
    permissions.forget_memberships(user)
    audit_record(
        actor=actor, debate=debate, action="membership.set", obj=membership, before=before,
        after=model_state(membership, ["user", "role", "team"]),
    )  # fmt: skip
    return membership


@transaction.atomic
def memberships_split_in(
    *, actor: Any, debate: Debate, members: list[tuple[Any, str, Team | None]]
) -> list[Membership]:
    """Give many people their first role in `debate` at once: a split filling one of its
    groups. The rules of `membership_set` for each (role known, a debater in a team of this
    debate, one role per debate: nobody here already), in a fixed number of queries however
    many join (lock, permission, one insert, pseudonyms, one audit event with the counts)."""
    debate = _locked_for_set_up(actor, debate, _("Only moderators assign roles."))
    rows = [(user, role, _team_for_role(debate, role, team)) for user, role, team in members]
    ids = [user.pk for user, _, _ in rows]
    taken = Membership.objects.filter(debate=debate, user_id__in=ids).exists()
    if taken or len(set(ids)) != len(ids):
        raise InvalidInput(_("Each person has one role in a debate."), field="members")
    created = Membership.objects.bulk_create([
        Membership(debate=debate, user=user, role=role, team=team) for user, role, team in rows
    ])  # fmt: skip
    pseudonyms_assign(debate, ids)
    for user, _role, _team in rows:
        permissions.forget_memberships(user)
    counts = {f"{role}s": sum(1 for _, r, _ in rows if r == role) for role in Role.values}
    audit_record(
        actor=actor, debate=debate, action="membership.split_in", obj=debate, before=None,
        after={"count": len(rows), **counts},
    )  # fmt: skip
    return created


@transaction.atomic
def phase_change(*, actor: Any, debate: Debate, phase: str) -> Debate:
    # The lock every phase-dependent write takes first: each one commits before the phase
    # moves (and is in the closing snapshot), or waits and is judged by the new phase.
    debate = debate_lock(debate)
    permissions.require(
        permissions.can_change_phase(actor, debate), _("Only moderators change the phase.")
    )
    if phase not in PHASE_ORDER:
        raise InvalidInput(_("Unknown phase."), field="phase")
    rate_check(actor, "manage")
    if debate.phase == phase:
        return debate
    before = {"phase": debate.phase}
    debate.phase = phase
    debate.save(update_fields=["phase", "updated_at"])
    audit_record(
        actor=actor, debate=debate, action="debate.phase", obj=debate, before=before,
        after={"phase": phase},
    )  # fmt: skip
    if phase == Phase.CLOSED:
        from debate.snapshots.services import snapshot_take  # snapshots build on debates

        with parts_uncounted():  # part of closing, not a second write
            snapshot_take(actor=actor, debate=debate)
    notice_members(
        actor=actor, debate=debate, kind="debate.phase",
        params={"phase": debate.phase},
        url=reverse("debate", args=[debate.slug]),
    )  # fmt: skip
    return debate


@transaction.atomic
def membership_join_team(*, actor: Any, invite_code: str) -> Membership:
    """Join a debate as a debater through a team's invite code. One role per debate."""
    if not actor.is_authenticated:
        raise NotAllowed(_("Log in to join a debate."))
    rate_check(actor, "join")  # before the look-up: wrong codes count too (no guessing)
    team = (
        Team.objects.select_related("debate")
        .filter(invite_code=(invite_code or "").strip())
        .first()
    )
    if team is None:
        raise InvalidInput(
            _("This invite code is not valid. Ask your moderator for a new one."), field="code"
        )
    debate = debate_lock(team.debate)
    # get_or_create: a double-clicked join (two requests at once) gets, in both, the
    # membership one of them made, as a repeated single join does.
    membership, created = Membership.objects.get_or_create(
        user=actor, debate=debate, defaults={"role": Role.DEBATER, "team": team}
    )
    if not created:
        if membership.role == Role.DEBATER and membership.team_id == team.pk:
            return membership
        raise InvalidInput(already_taking_part(membership), field="code")
    permissions.forget_memberships(actor)
    pseudonyms_assign(debate, [actor.pk])
    audit_record(
        actor=actor, debate=debate, action="membership.join", obj=membership, before=None,
        after=model_state(membership, ["user", "role", "team"]),
    )  # fmt: skip
    return membership


def already_taking_part(membership: Membership) -> str:
    """The refusal of a second role in one debate, a whole sentence per role."""
    if membership.role == Role.DEBATER and membership.team_id:
        return _("You already take part in this debate as debater of %(team)s; a user has one "
                 "role per debate.") % {"team": membership.team.name}  # fmt: skip
    if membership.role == Role.MODERATOR:
        return _("You already take part in this debate as moderator; a user has one role per "
                 "debate.")  # fmt: skip
    if membership.role == Role.OBSERVER:
        return _("You already take part in this debate as observer; a user has one role per "
                 "debate.")  # fmt: skip
    return _("You already take part in this debate as debater; a user has one role per "
             "debate.")  # fmt: skip


@transaction.atomic
def membership_observe(*, actor: Any, debate: Debate) -> Membership:
    """Join a debate as an observer, where the debate allows it."""
    if not actor.is_authenticated:
        raise NotAllowed(_("Log in to join a debate."))
    rate_check(actor, "join")
    debate = debate_lock(debate)
    if not debate.allow_observers:
        raise NotAllowed(_("This debate takes observers by invitation only."))
    membership, created = Membership.objects.get_or_create(  # as in membership_join_team
        user=actor, debate=debate, defaults={"role": Role.OBSERVER}
    )
    if not created:
        if membership.role == Role.OBSERVER:
            return membership
        raise InvalidInput(already_taking_part(membership))
    permissions.forget_memberships(actor)
    pseudonyms_assign(debate, [actor.pk])
    audit_record(
        actor=actor, debate=debate, action="membership.join", obj=membership, before=None,
        after=model_state(membership, ["user", "role", "team"]),
    )  # fmt: skip
    return membership


DEBATE_DETAIL_FIELDS = ["title", "motion", "description", "is_public", "allow_observers",
                        "count_observer_votes", "standings_from"]


@transaction.atomic
def debate_update(
    *,
    actor: Any,
    debate: Debate,
    title: str,
    motion: str,
    description: str = "",
    is_public: bool = True,
    allow_observers: bool = False,
    count_observer_votes: bool = True,
    standings_from: str | None = None,
) -> Debate:
    """`standings_from`: the phase from which participants see the standings (None: as it
    is); the audit bump renews every cached map and page, which ask the visibility policy."""
    debate = _locked_for_set_up(actor, debate, _("Only moderators edit a debate."))
    if standings_from and standings_from not in StandingsFrom.values:
        raise InvalidInput(_("Choose the phase from which standings show."), field="standings_from")
    before = model_state(debate, DEBATE_DETAIL_FIELDS)
    debate.title = _required(title, "title", 200)
    debate.motion = _required(motion, "motion", 500)
    debate.description = (description or "").strip()
    debate.is_public, debate.allow_observers = bool(is_public), bool(allow_observers)
    # Whether observers' votes move the standings; the audit bump renews the cached maps.
    debate.count_observer_votes = bool(count_observer_votes)
    debate.standings_from = standings_from or debate.standings_from
    debate.save()
    audit_record(
        actor=actor, debate=debate, action="debate.update", obj=debate, before=before,
        after=model_state(debate, DEBATE_DETAIL_FIELDS),
    )  # fmt: skip
    return debate


@transaction.atomic
def debate_anonymity_set(*, actor: Any, debate: Debate, anonymous: bool) -> Debate:
    """Switch anonymous mode on or off (moderators, while the debate is open). Switched on,
    everyone who ever took part or wrote here has a pseudonym before any output asks for one;
    the audit bump renews every cached map and page (mapview.visibility.names_for)."""
    debate = _locked_for_set_up(actor, debate, _("Only moderators make a debate anonymous."))
    if not isinstance(anonymous, bool):
        raise InvalidInput(_("Say true or false."), field="anonymous")
    if debate.anonymous == anonymous:
        return debate
    if anonymous:
        pseudonyms_assign(debate, _everyone_named(debate))
    debate.anonymous = anonymous
    debate.save(update_fields=["anonymous", "updated_at"])
    audit_record(
        actor=actor, debate=debate, action="debate.anonymous", obj=debate,
        before={"anonymous": not anonymous}, after={"anonymous": anonymous},
    )  # fmt: skip
    return debate


def _everyone_named(debate: Debate) -> set[int]:
    """Everyone an output of this debate could name: members past and present, authors of
    claims, proposers of evidence, actors of its audit trail (4 queries)."""
    people = set(Membership.all_objects.filter(debate=debate).values_list("user_id", flat=True))
    people |= set(Claim.objects.filter(debate=debate).values_list("author_id", flat=True))
    people |= set(Evidence.objects.filter(debate=debate).values_list("proposer_id", flat=True))
    people |= set(
        AuditEvent.objects.filter(debate=debate, actor__isnull=False)
        .values_list("actor_id", flat=True).distinct()
    )  # fmt: skip
    return people - {None}


@transaction.atomic
def team_regenerate_code(*, actor: Any, team: Team) -> Team:
    """A fresh invite code; the old one stops working at once."""
    debate = _locked_for_set_up(actor, team.debate, _("Only moderators manage invites."))
    team = Team.objects.select_for_update().get(pk=team.pk)
    team.debate = debate
    before = {"invite_code": "(previous code)"}
    team.invite_code = new_invite_code()
    team.save(update_fields=["invite_code"])
    audit_record(
        actor=actor, debate=team.debate, action="team.regenerate_code", obj=team,
        before=before, after={"invite_code": "(new code)"},
    )  # fmt: skip
    return team


@transaction.atomic
def debate_set_up(
    *,
    actor: Any,
    title: str,
    motion: str,
    description: str = "",
    positions: list[str | tuple[str, str]],
    teams: list[tuple[str, int | None]],
    moderators: list[Any] = (),
    allow_observers: bool = False,
    count_observer_votes: bool = True,
    anonymous: bool = False,
) -> Debate:
    """Create a debate with its positions (a title, or a title and a description), teams
    (name, index of its position) and moderators.

    The creator becomes its first moderator. Observers join only if `allow_observers`;
    their votes count in the standings only if `count_observer_votes`. `anonymous`: made
    anonymous at once (audited as a switch, like any later one).
    """
    positions = [(t.strip(), d) for t, d in map(_titled, positions) if t and t.strip()]
    if len(positions) < 2:
        raise InvalidInput(_("A debate needs at least two positions."), field="positions")
    with counted_as(actor, "manage"):  # one set-up, however many positions and teams
        debate = _set_up(
            actor=actor, title=title, motion=motion, description=description,
            positions=positions, teams=teams, moderators=moderators,
            allow_observers=allow_observers, count_observer_votes=count_observer_votes,
        )  # fmt: skip
        if anonymous:
            debate = debate_anonymity_set(actor=actor, debate=debate, anonymous=True)
        return debate


def position_key(title: str, number: int) -> str:
    """The key a set-up gives the position in place `number` (from 1): its title's slug."""
    return slugify(title)[:40] or f"p{number}"


def _titled(position: str | tuple[str, str]) -> tuple[str, str]:
    """A position as (title, description): a bare title has no description."""
    return (position, "") if isinstance(position, str) else position


def _set_up(
    *, actor: Any, title: str, motion: str, description: str, positions: list[tuple[str, str]],
    teams: list[tuple[str, int | None]], moderators: list[Any], allow_observers: bool,
    count_observer_votes: bool,
) -> Debate:  # fmt: skip
    debate = debate_create(
        actor=actor, title=title, motion=motion, description=description,
        allow_observers=allow_observers, count_observer_votes=count_observer_votes,
    )  # fmt: skip
    creator = actor if getattr(actor, "is_authenticated", False) else None
    if creator is not None:
        # The creator is nobody in the new debate yet: the app itself makes them its first
        # moderator (debate_create checked that they may create debates).
        _add_moderator(actor=permissions.SYSTEM, debate=debate, user=creator, by=actor)
    created = [
        position_create(actor=actor, debate=debate, key=position_key(t, i), title=t,
                        description=d)  # fmt: skip
        for i, (t, d) in enumerate(positions, start=1)
    ]
    for name, index in teams:
        if index is not None and not 0 <= index < len(created):
            raise InvalidInput(_("Team %(name)s names an unknown position.") % {"name": repr(name)},
                               field="teams")  # fmt: skip
        team_create(
            actor=actor, debate=debate, name=name,
            position=created[index] if index is not None else None,
        )  # fmt: skip
    for user in moderators:
        if user != creator:
            _add_moderator(actor=actor, debate=debate, user=user, by=actor)
    return debate


def _add_moderator(*, actor: Any, debate: Debate, user: Any, by: Any) -> Membership:
    membership = membership_set(actor=actor, debate=debate, user=user, role=Role.MODERATOR)
    permissions.forget_memberships(by)
    return membership


@transaction.atomic
def debate_clone(*, actor: Any, debate: Debate, title: str, slug: str = "") -> Debate:
    """A new debate from this one as a template: positions, teams (with new invite codes),
    sources and their approved evidence come along; claims, votes and members do not.
    A closed debate can be cloned: that only reads it."""
    permissions.require(
        permissions.is_moderator(actor, debate), _("Only moderators clone a debate.")
    )
    with counted_as(actor, "manage"):  # one clone, however much it copies
        clone = clone_into(actor=actor, debate=debate, title=title, slug=slug)
        # Anonymous mode is a setting like the others: the copy of an anonymous seminar is
        # anonymous before anyone joins it (audited as a switch, as at set-up).
        if debate.anonymous:
            clone = debate_anonymity_set(actor=actor, debate=clone, anonymous=True)
        return clone


def clone_into(
    *, actor: Any, debate: Debate, title: str, slug: str, creator: Any = None,
    phase: str = Phase.SETUP,
) -> Debate:  # fmt: skip
    """`creator`: who creates the debate row, when not `actor` (a split of a debate into
    small groups is its moderators' to make, whether or not they may create debates);
    `phase`: the phase the copy starts in (a group starts in its parent's)."""
    clone = debate_create(
        actor=creator or actor, title=title, slug=slug, motion=debate.motion, phase=phase,
        description=debate.description, is_public=debate.is_public,
        allow_observers=debate.allow_observers,
        count_observer_votes=debate.count_observer_votes, standings_from=debate.standings_from,
    )  # fmt: skip
    if getattr(actor, "is_authenticated", False):  # made first moderator, as in _set_up
        _add_moderator(actor=permissions.SYSTEM, debate=clone, user=actor, by=actor)
    positions = {}
    for position in debate.positions.all():
        positions[position.pk] = position_create(
            actor=actor, debate=clone, key=position.key, title=position.title,
            description=position.description,
        )  # fmt: skip
    for team in debate.teams.all():
        team_create(
            actor=actor, debate=clone, name=team.name, position=positions.get(team.position_id)
        )
    latest = Source.objects.filter(debate=debate, next_revision__isnull=True)
    for source in latest:
        copy = source_create(
            actor=actor, debate=clone, title=source.title, text=source.text,
            publication=source.publication, volume=source.volume, issue=source.issue,
            published_on=source.published_on, url=source.url,
        )  # fmt: skip
        approved = Evidence.objects.filter(
            source=source, status=EvidenceStatus.APPROVED, is_hidden=False
        )
        for evidence in approved:
            twin, _created = evidence_propose(
                actor=actor, source=copy, quote=evidence.quote, start=evidence.start
            )
            evidence_approve(actor=actor, evidence=twin, reason=f"Cloned from {debate.slug}.")
    audit_record(
        actor=actor, debate=clone, action="debate.clone", obj=clone, before=None,
        after={"cloned_from": debate.slug},
    )  # fmt: skip
    return clone


POLLS_CLOSED = gettext_noop("The debate is closed, and both polls with it: no stance is "
                            "recorded until a moderator reopens it.")


@transaction.atomic
def poll_answer(
    *, actor: Any, debate: Debate, poll: str, position: Position | None
) -> PollResponse:
    """Record (or change) the actor's stance on the motion in the open poll."""
    if poll not in ("before", "after"):
        raise InvalidInput(_("Unknown poll."), field="poll")
    # Locked first: the answer lands in the phase it was checked against, and two answers
    # by one person at once are ordered (the second changes the first, no duplicate row).
    debate = debate_lock(debate)
    if debate.phase == Phase.CLOSED:
        raise NotAllowed(_(POLLS_CLOSED))
    permissions.require(
        permissions.can_answer_poll(actor, debate, poll),
        _("This poll is not open, or you do not take part in the debate."),
    )
    rate_check(actor, "poll")
    if position is not None and position.debate_id != debate.pk:
        raise InvalidInput(_("That position belongs to another debate."), field="position")
    response = (
        PollResponse.objects.select_for_update()
        .filter(debate=debate, user=actor, poll=poll)
        .first()
    )
    before = {"position_id": response.position_id} if response else None
    if response is None:
        response = PollResponse.objects.create(
            debate=debate, user=actor, poll=poll, position=position
        )
    else:
        response.position = position
        response.save(update_fields=["position", "updated_at"])
    audit_record(
        actor=actor, debate=debate, action=f"poll.{poll}", obj=response, before=before,
        after={"position_id": response.position_id},
    )  # fmt: skip
    return response


# --- member management (the roster, debate/people) -----------------------------------------

LAST_MODERATOR = gettext_noop(
    "This is the debate's last moderator: make someone else a moderator first."
)


def _current_membership(debate: Debate, membership: Membership) -> Membership:
    """The membership re-read under the debate's lock: one ended meanwhile is refused."""
    current = Membership.objects.filter(pk=membership.pk, debate=debate).first()
    if current is None:
        raise InvalidInput(_("This membership has ended already."), field="membership")
    return current


def _other_moderators(debate: Debate, membership: Membership) -> bool:
    return (
        Membership.objects.filter(debate=debate, role=Role.MODERATOR)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_change(
    *, actor: Any, membership: Membership, role: str, team: Team | None = None
) -> Membership:
    """Change a current member's role or team (moderators, while the debate is open). A
    debater needs a team of this debate; the last moderator is never demoted."""
    debate = _locked_for_set_up(actor, membership.debate, _("Only moderators change roles."))
    membership = _current_membership(debate, membership)
    team = _team_for_role(debate, role, team)
    demoted = membership.role == Role.MODERATOR and role != Role.MODERATOR
    if demoted and not _other_moderators(debate, membership):
        raise InvalidInput(_(LAST_MODERATOR), field="role")
    before = model_state(membership, ["role", "team"])
    if before == {"role": role, "team_id": team.pk if team else None}:
        return membership  # nothing changes: no event, no version
    membership.role, membership.team = role, team
    membership.save(update_fields=["role", "team"])
    permissions.forget_memberships(membership.user)
    permissions.forget_memberships(actor)
    audit_record(
        actor=actor, debate=debate, action="membership.change", obj=membership, before=before,
        after=model_state(membership, ["user", "role", "team"]),
    )  # fmt: skip
    return membership


@transaction.atomic
def membership_end(*, actor: Any, membership: Membership, reason: str = "") -> Membership:
    """Remove a member: the membership ends (the row stays, with who ended it and when), so
    everything they wrote stays attributed while they can no longer post, vote or get
    notices. They may rejoin by invite, as a new membership. The last moderator stays."""
    debate = _locked_for_set_up(actor, membership.debate, _("Only moderators remove members."))
    membership = _current_membership(debate, membership)
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise InvalidInput(_("At most %(limit)s characters.") % {"limit": 500}, field="reason")
    if membership.role == Role.MODERATOR and not _other_moderators(debate, membership):
        raise InvalidInput(_(LAST_MODERATOR), field="membership")
    before = model_state(membership, ["user", "role", "team"])
    membership.ended_at = timezone.now()
    membership.ended_by = actor if getattr(actor, "is_authenticated", False) else None
    membership.save(update_fields=["ended_at", "ended_by"])
    permissions.forget_memberships(membership.user)
    permissions.forget_memberships(actor)
    audit_record(
        actor=actor, debate=debate, action="membership.end", obj=membership, before=before,
        after={**model_state(membership, ["ended_at", "ended_by"]), "reason": reason},
    )  # fmt: skip
    return membership
