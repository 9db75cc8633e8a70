from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify

from debate import permissions
from debate.activity.services import notice_members
from debate.audit.services import audit_record, model_state
from debate.debates.models import (
    PHASE_ORDER,
    Debate,
    Membership,
    Phase,
    PollResponse,
    Position,
    Role,
    Team,
    new_invite_code,
)
from debate.errors import InvalidInput, NotAllowed
from debate.sources.models import Evidence, EvidenceStatus, Source
from debate.sources.services import evidence_approve, evidence_propose, source_create

DEBATE_FIELDS = ["slug", "title", "motion", "description", "phase", "is_public", "allow_observers"]


def _required(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput("This field is required.", field=field)
    if len(value) > limit:
        raise InvalidInput(f"At most {limit} characters.", field=field)
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
    allow_observers: bool = True,
) -> Debate:
    permissions.require(
        permissions.can_create_debate(actor), "You are not allowed to create debates."
    )
    title = _required(title, "title", 200)
    motion = _required(motion, "motion", 500)
    slug = slugify(slug or title)[:80]
    if not slug:
        raise InvalidInput("The title needs at least one letter or digit.", field="title")
    if Debate.objects.filter(slug=slug).exists():
        raise InvalidInput("A debate with this slug exists already.", field="slug")
    if phase not in PHASE_ORDER:
        raise InvalidInput("Unknown phase.", field="phase")
    debate = Debate.objects.create(
        slug=slug,
        title=title,
        motion=motion,
        description=(description or "").strip(),
        phase=phase,
        is_public=is_public,
        allow_observers=allow_observers,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        actor=actor, debate=debate, action="debate.create", obj=debate, before=None,
        after=model_state(debate, DEBATE_FIELDS),
    )  # fmt: skip
    return debate


@transaction.atomic
def position_create(
    *, actor: Any, debate: Debate, key: str, title: str, description: str = ""
) -> Position:
    permissions.require(permissions.is_moderator(actor, debate), "Only moderators add positions.")
    key = slugify(key)[:40]
    if not key:
        raise InvalidInput("The key needs at least one letter or digit.", field="key")
    title = _required(title, "title", 200)
    if debate.positions.filter(key=key).exists():
        raise InvalidInput("This debate has a position with this key already.", field="key")
    position = Position.objects.create(
        debate=debate,
        key=key,
        title=title,
        description=(description or "").strip(),
        order=debate.positions.count(),
    )
    audit_record(
        actor=actor, debate=debate, action="position.create", obj=position, before=None,
        after=model_state(position, ["key", "title", "description", "order"]),
    )  # fmt: skip
    return position


@transaction.atomic
def team_create(*, actor: Any, debate: Debate, name: str, position: Position | None = None) -> Team:
    permissions.require(permissions.is_moderator(actor, debate), "Only moderators add teams.")
    name = _required(name, "name", 80)
    if position is not None and position.debate_id != debate.pk:
        raise InvalidInput("The position belongs to another debate.", field="position")
    if debate.teams.filter(name=name).exists():
        raise InvalidInput("This debate has a team with this name already.", field="name")
    team = Team.objects.create(debate=debate, name=name, position=position)
    audit_record(
        actor=actor, debate=debate, action="team.create", obj=team, before=None,
        after=model_state(team, ["name", "position"]),
    )  # fmt: skip
    return team


@transaction.atomic
def membership_set(
    *, actor: Any, debate: Debate, user: Any, role: str, team: Team | None = None
) -> Membership:
    """Give `user` a role in `debate` (moderators and the system only; joining is separate)."""
    permissions.require(permissions.is_moderator(actor, debate), "Only moderators assign roles.")
    if role not in Role.values:
        raise InvalidInput("Unknown role.", field="role")
    if role == Role.DEBATER and team is None:
        raise InvalidInput("A debater needs a team.", field="team")
    if role != Role.DEBATER:
        team = None
    if team is not None and team.debate_id != debate.pk:
        raise InvalidInput("The team belongs to another debate.", field="team")
    membership = Membership.objects.filter(debate=debate, user=user).first()
    before = model_state(membership, ["role", "team"]) if membership else None
    if membership is None:
        membership = Membership.objects.create(debate=debate, user=user, role=role, team=team)
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
def phase_change(*, actor: Any, debate: Debate, phase: str) -> Debate:
    permissions.require(
        permissions.can_change_phase(actor, debate), "Only moderators change the phase."
    )
    if phase not in PHASE_ORDER:
        raise InvalidInput("Unknown phase.", field="phase")
    debate = Debate.objects.select_for_update().get(pk=debate.pk)
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

        snapshot_take(actor=actor, debate=debate)
    notice_members(
        actor=actor, debate=debate, kind="debate.phase",
        message=f"“{debate.title}” moved to the {debate.get_phase_display().lower()} phase.",
        url=reverse("debate", args=[debate.slug]),
    )  # fmt: skip
    return debate


@transaction.atomic
def membership_join_team(*, actor: Any, invite_code: str) -> Membership:
    """Join a debate as a debater through a team's invite code. One role per debate."""
    if actor is None or not actor.is_authenticated:
        raise NotAllowed("Log in to join a debate.")
    team = (
        Team.objects.select_related("debate")
        .filter(invite_code=(invite_code or "").strip())
        .first()
    )
    if team is None:
        raise InvalidInput(
            "This invite code is not valid. Ask your moderator for a new one.", field="code"
        )
    existing = Membership.objects.filter(user=actor, debate=team.debate).first()
    if existing is not None:
        if existing.role == Role.DEBATER and existing.team_id == team.pk:
            return existing
        raise InvalidInput(
            f"You already take part in this debate as {existing.get_role_display().lower()}"
            + (f" of {existing.team.name}" if existing.team_id else "")
            + "; a user has one role per debate.",
            field="code",
        )
    membership = Membership.objects.create(
        user=actor, debate=team.debate, role=Role.DEBATER, team=team
    )
    permissions.forget_memberships(actor)
    audit_record(
        actor=actor, debate=team.debate, action="membership.join", obj=membership, before=None,
        after=model_state(membership, ["user", "role", "team"]),
    )  # fmt: skip
    return membership


@transaction.atomic
def membership_observe(*, actor: Any, debate: Debate) -> Membership:
    """Join a debate as an observer, where the debate allows it."""
    if actor is None or not actor.is_authenticated:
        raise NotAllowed("Log in to join a debate.")
    if not debate.allow_observers:
        raise NotAllowed("This debate takes observers by invitation only.")
    existing = Membership.objects.filter(user=actor, debate=debate).first()
    if existing is not None:
        if existing.role == Role.OBSERVER:
            return existing
        raise InvalidInput(
            f"You already take part in this debate as {existing.get_role_display().lower()}; "
            "a user has one role per debate."
        )
    membership = Membership.objects.create(user=actor, debate=debate, role=Role.OBSERVER)
    permissions.forget_memberships(actor)
    audit_record(
        actor=actor, debate=debate, action="membership.join", obj=membership, before=None,
        after=model_state(membership, ["user", "role", "team"]),
    )  # fmt: skip
    return membership


DEBATE_DETAIL_FIELDS = ["title", "motion", "description", "is_public", "allow_observers"]


@transaction.atomic
def debate_update(
    *,
    actor: Any,
    debate: Debate,
    title: str,
    motion: str,
    description: str = "",
    is_public: bool = True,
    allow_observers: bool = True,
) -> Debate:
    permissions.require(permissions.is_moderator(actor, debate), "Only moderators edit a debate.")
    debate = Debate.objects.select_for_update().get(pk=debate.pk)
    before = model_state(debate, DEBATE_DETAIL_FIELDS)
    debate.title = _required(title, "title", 200)
    debate.motion = _required(motion, "motion", 500)
    debate.description = (description or "").strip()
    debate.is_public, debate.allow_observers = bool(is_public), bool(allow_observers)
    debate.save()
    audit_record(
        actor=actor, debate=debate, action="debate.update", obj=debate, before=before,
        after=model_state(debate, DEBATE_DETAIL_FIELDS),
    )  # fmt: skip
    return debate


@transaction.atomic
def team_regenerate_code(*, actor: Any, team: Team) -> Team:
    """A fresh invite code; the old one stops working at once."""
    permissions.require(
        permissions.is_moderator(actor, team.debate), "Only moderators manage invites."
    )
    team = Team.objects.select_for_update().get(pk=team.pk)
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
    positions: list[str],
    teams: list[tuple[str, int | None]],
    moderators: list[Any] = (),
) -> Debate:
    """Create a debate with its positions, teams (name, index of its position) and moderators.

    The creator becomes its first moderator.
    """
    positions = [p.strip() for p in positions if p and p.strip()]
    if len(positions) < 2:
        raise InvalidInput("A debate needs at least two positions.", field="positions")
    debate = debate_create(actor=actor, title=title, motion=motion, description=description)
    creator = actor if getattr(actor, "is_authenticated", False) else None
    if creator is not None:
        _add_moderator(actor=None, debate=debate, user=creator, by=actor)
    created = [
        position_create(actor=actor, debate=debate, key=slugify(t)[:40] or f"p{i}", title=t)
        for i, t in enumerate(positions, start=1)
    ]
    for name, index in teams:
        if index is not None and not 0 <= index < len(created):
            raise InvalidInput(f"Team {name!r} names an unknown position.", field="teams")
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
    sources and their approved evidence come along; claims, votes and members do not."""
    permissions.require(permissions.is_moderator(actor, debate), "Only moderators clone a debate.")
    clone = debate_create(
        actor=actor, title=title, slug=slug, motion=debate.motion,
        description=debate.description, is_public=debate.is_public,
        allow_observers=debate.allow_observers,
    )  # fmt: skip
    if getattr(actor, "is_authenticated", False):
        _add_moderator(actor=None, debate=clone, user=actor, by=actor)
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
            twin, _ = evidence_propose(
                actor=actor, source=copy, quote=evidence.quote, start=evidence.start
            )
            evidence_approve(actor=actor, evidence=twin, reason=f"Cloned from {debate.slug}.")
    audit_record(
        actor=actor, debate=clone, action="debate.clone", obj=clone, before=None,
        after={"cloned_from": debate.slug},
    )  # fmt: skip
    return clone


@transaction.atomic
def poll_answer(
    *, actor: Any, debate: Debate, poll: str, position: Position | None
) -> PollResponse:
    """Record (or change) the actor's stance on the motion in the open poll."""
    if poll not in ("before", "after"):
        raise InvalidInput("Unknown poll.", field="poll")
    permissions.require(
        permissions.can_answer_poll(actor, debate, poll),
        "This poll is not open, or you do not take part in the debate.",
    )
    if position is not None and position.debate_id != debate.pk:
        raise InvalidInput("That position belongs to another debate.", field="position")
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
