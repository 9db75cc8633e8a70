from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify

from debate import permissions
from debate.activity.services import notice_members
from debate.audit.services import audit_record, model_state
from debate.debates.models import PHASE_ORDER, Debate, Membership, Phase, Position, Role, Team
from debate.errors import InvalidInput, NotAllowed

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
