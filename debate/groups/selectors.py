"""Reads of small groups: the overview of a split debate, and its groups for the parent's page.

The overview costs a fixed number of grouped queries for all groups together (the groups
with their pending counts, members, claims, votes, evidence, the viewer's memberships), and
one map per group for the standings, which the map cache answers with one query (its
version) once built: nothing here grows with a group's size, only that small constant with
the number of groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from debate import permissions
from debate.activity.selectors import Pending, with_pending
from debate.arguments.models import Claim, Vote
from debate.debates.models import Debate, Membership, Phase, Role
from debate.mapview import cache, visibility
from debate.people.selectors import rebuttal_q
from debate.sources.models import Evidence, EvidenceStatus


@dataclass(frozen=True)
class Standing:
    position: str
    strength: float


@dataclass
class GroupCard:
    """One group as the overview shows it."""

    id: int
    slug: str
    title: str
    number: int
    phase: str
    phase_label: str
    pending: Pending
    debaters: int = 0
    observers: int = 0
    moderators: int = 0
    claims: int = 0
    rebuttals: int = 0
    votes: int = 0
    evidence: int = 0
    strengths_shown: bool = True
    standings_later: str = ""
    standings: list[Standing] = field(default_factory=list)

    @property
    def members(self) -> int:
        return self.debaters + self.observers


def _grouped(queryset, key: str, **counts) -> dict[int, dict]:
    rows = queryset.values(key).annotate(**counts).order_by()
    return {row.pop(key): row for row in rows}


def group_rows(debate: Debate) -> list[dict]:
    """The groups of a split debate, in number order: id, slug, title, number (1 query)."""
    return list(
        Debate.objects.filter(group_of=debate)
        .order_by("group_number")
        .values("id", "slug", "title", "group_number")
    )


def groups_overview(debate: Debate, user: Any) -> list[GroupCard]:
    """Every group of `debate` side by side: phase, standings (where the viewer's audience
    in that group may see them: moderators always), participation and what waits."""
    rows = list(with_pending(Debate.objects.filter(group_of=debate)).order_by("group_number"))
    if not rows:
        return []
    ids = [group.pk for group in rows]
    members = _grouped(
        Membership.objects.filter(debate_id__in=ids), "debate_id",
        debaters=Count("id", filter=Q(role=Role.DEBATER)),
        observers=Count("id", filter=Q(role=Role.OBSERVER)),
        moderators=Count("id", filter=Q(role=Role.MODERATOR)),
    )  # fmt: skip
    claims = _grouped(
        Claim.objects.filter(debate_id__in=ids, is_withdrawn=False), "debate_id",
        claims=Count("id"), rebuttals=Count("id", filter=rebuttal_q()),
    )  # fmt: skip
    votes = _grouped(
        Vote.objects.active().filter(claim__debate_id__in=ids), "claim__debate_id",
        votes=Count("id"),
    )  # fmt: skip
    evidence = _grouped(
        Evidence.objects.filter(debate_id__in=ids, status=EvidenceStatus.APPROVED,
                                is_hidden=False),
        "debate_id", evidence=Count("id"),
    )  # fmt: skip
    permissions.memberships_load(user, rows)  # one query: is_moderator asks no more
    moderated = {group.pk for group in rows if permissions.is_moderator(user, group)}
    phases = dict(Phase.choices)
    cards = []
    for group in rows:
        audience = visibility.Audience(
            moderator=group.pk in moderated,
            user_id=user.pk if getattr(user, "is_authenticated", False) else None,
        )
        card = GroupCard(
            id=group.pk, slug=group.slug, title=group.title, number=group.group_number,
            phase=group.phase, phase_label=phases.get(group.phase, group.phase),
            pending=Pending(evidence=group.pending_evidence, flags=group.pending_flags),
            **members.get(group.pk, {}), **claims.get(group.pk, {}),
            **votes.get(group.pk, {}), **evidence.get(group.pk, {}),
        )  # fmt: skip
        card.strengths_shown = visibility.strengths_shown(group, audience)
        if card.strengths_shown:
            dmap = cache.debate_map(group, include_hidden=audience.moderator)
            card.standings = [Standing(p.title, p.strength) for p in dmap.positions]
        else:
            card.standings_later = visibility.strengths_later(group)
        cards.append(card)
    return cards


def split_members(debate: Debate) -> list[Membership]:
    """The members a split deals out (debaters and observers, with their team), in the
    order of the "by hand" table: by team, then by when they joined (1 query)."""
    return list(
        Membership.objects.filter(debate=debate)
        .exclude(role=Role.MODERATOR)
        .select_related("user", "team")
        .order_by("team__name", "role", "id")
    )
