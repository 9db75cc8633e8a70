"""Why the standings are what they are: explanations, the audience polls, the history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count

from debate.debates import scoring
from debate.debates.models import Debate, PollResponse
from debate.mapview.model import ClaimNode, PositionNode, Tally


@dataclass
class Contribution:
    node: ClaimNode
    effect: float  # the parent's strength with this reply minus without it


@dataclass
class Explanation:
    """Why a claim or a position scores what it scores, in numbers a class can follow."""

    title: str
    base_score: float
    strength: float
    tally: Tally | None
    attack: float
    support: float
    contributions: list[Contribution]


def explain(tau: float, strength: float, children: list[ClaimNode], *, title: str,
            tally: Tally | None) -> Explanation:  # fmt: skip
    visible = [c for c in children if c.is_visible]
    attackers = [c.strength for c in visible if c.stance == "con"]
    supporters = [c.strength for c in visible if c.stance == "pro"]
    contributions = []
    for child in visible:
        rest = [c for c in visible if c is not child]
        without = scoring.strength(
            tau,
            attackers=[c.strength for c in rest if c.stance == "con"],
            supporters=[c.strength for c in rest if c.stance == "pro"],
        )
        contributions.append(Contribution(node=child, effect=strength - without))
    contributions.sort(key=lambda c: (-c.node.strength, c.node.id))
    return Explanation(
        title=title, base_score=tau, strength=strength, tally=tally,
        attack=scoring.aggregate(attackers), support=scoring.aggregate(supporters),
        contributions=contributions,
    )  # fmt: skip


@dataclass
class PollShare:
    label: str
    position_id: int | None
    count: int
    share: float  # 0..1


@dataclass
class PollResults:
    before: list[PollShare]
    after: list[PollShare]
    before_total: int
    after_total: int
    winner: PollShare | None  # the position whose share grew most, after minus before
    swing: float  # that growth, in share points (0..1)


def poll_results(debate: Debate, positions: list[PositionNode]) -> PollResults:
    """Both audience polls side by side and the Intelligence Squared winner (1 query)."""

    counts: dict[tuple[str, int | None], int] = {}
    for poll, position_id, n in (
        PollResponse.objects.filter(debate=debate)
        .values_list("poll", "position_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[(poll, position_id)] = n
    options = [(p.title, p.id) for p in positions] + [("Undecided", None)]

    def shares(poll: str) -> tuple[list[PollShare], int]:
        total = sum(n for (name, _), n in counts.items() if name == poll)
        return [
            PollShare(label, pid, counts.get((poll, pid), 0),
                      counts.get((poll, pid), 0) / total if total else 0.0)
            for label, pid in options
        ], total  # fmt: skip

    before, before_total = shares("before")
    after, after_total = shares("after")
    winner, swing = None, 0.0
    if before_total and after_total:
        gains = [(a.share - b.share, a) for b, a in zip(before, after, strict=True)
                 if a.position_id is not None]  # fmt: skip
        best = max(gains, key=lambda g: g[0])
        ties = [g for g in gains if abs(g[0] - best[0]) < 1e-9]
        # A winner must have grown, and alone: losing least is not winning.
        if len(ties) == 1 and best[0] > 0:
            swing, winner = best
    return PollResults(before, after, before_total, after_total, winner, swing)


@dataclass
class StandingPoint:
    number: int
    created_at: datetime.datetime
    strengths: dict[str, float]


def standings_history(debate: Debate) -> list[StandingPoint]:
    """Each position's strength in every frozen snapshot, oldest first (1 query; only the
    positions are read out of each stored document)."""
    from debate.snapshots.models import Snapshot

    points = []
    for number, created_at, positions in (
        Snapshot.objects.filter(debate=debate)
        .order_by("number")
        .values_list("number", "created_at", "document__positions")
    ):
        strengths = {p["key"]: p.get("strength") or 0.0 for p in positions or []}
        points.append(StandingPoint(number, created_at, strengths))
    return points
