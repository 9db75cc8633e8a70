"""Why the standings are what they are: explanations, the audience polls, the history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from debate.arguments.models import Vote
from debate.debates import scoring
from debate.debates.models import Debate, PollResponse
from debate.mapview import visibility
from debate.mapview.model import ClaimNode, DebateMap, PositionNode, Tally

# The "stronger case" is named only once at least this many people have cast at least this
# many counted votes on shown claims: below it one or two enthusiasts would decide it.
VERDICT_MIN_VOTERS = visibility.MIN_GROUP
VERDICT_MIN_VOTES = 6


WORKING_DIGITS = 3  # the arithmetic behind a strength, one digit finer than `scoring.shown`


def working(value: float) -> str:
    """A figure of the arithmetic a reader can redo by hand (base scores, attack, support,
    effects); the strength itself is printed by `scoring.shown` everywhere."""
    return f"{value:.{WORKING_DIGITS}f}"


@dataclass
class Contribution:
    node: ClaimNode
    effect: float  # the parent's strength with this reply minus without it

    @property
    def effect_label(self) -> str:
        return working(abs(self.effect))

    @property
    def direction(self) -> str:
        """raises, lowers or none, as the effect shows at the arithmetic's precision."""
        if self.effect >= 0.5 * 10**-WORKING_DIGITS:
            return "raises"
        if self.effect <= -0.5 * 10**-WORKING_DIGITS:
            return "lowers"
        return "none"


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

    @property
    def base_label(self) -> str:
        return working(self.base_score)

    @property
    def attack_label(self) -> str:
        return working(self.attack)

    @property
    def support_label(self) -> str:
        return working(self.support)

    @property
    def result_label(self) -> str:
        return working(self.strength)

    @property
    def moved_by(self) -> list[Contribution]:
        """The replies that change the strength at all (rated, or with rated replies)."""
        return [c for c in self.contributions if c.direction != "none"]

    @property
    def unrated(self) -> int:
        """Replies that count for nothing: nobody rated them or anything under them."""
        return sum(1 for c in self.contributions if c.node.strength == 0.0)


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
    # A poll's counts and shares show only from visibility.MIN_GROUP answers on; the swing,
    # which compares the two, only once both show.
    before_shown: bool = True
    after_shown: bool = True

    @property
    def swing_shown(self) -> bool:
        return self.before_shown and self.after_shown


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
    options = [(p.title, p.id) for p in positions] + [(_("Undecided"), None)]

    def shares(poll: str) -> tuple[list[PollShare], int]:
        total = sum(n for (name, _), n in counts.items() if name == poll)
        return [
            PollShare(label, pid, counts.get((poll, pid), 0),
                      counts.get((poll, pid), 0) / total if total else 0.0)
            for label, pid in options
        ], total  # fmt: skip

    before, before_total = shares("before")
    after, after_total = shares("after")
    before_shown = visibility.poll_counts_shown(before_total)
    after_shown = visibility.poll_counts_shown(after_total)
    winner, swing = None, 0.0
    if before_shown and after_shown:
        gains = [(a.share - b.share, a) for b, a in zip(before, after, strict=True)
                 if a.position_id is not None]  # fmt: skip
        best = max(gains, key=lambda g: g[0])
        ties = [g for g in gains if abs(g[0] - best[0]) < 1e-9]
        # A winner must have grown, and alone: losing least is not winning.
        if len(ties) == 1 and best[0] > 0:
            swing, winner = best
    return PollResults(before, after, before_total, after_total, winner, swing,
                       before_shown=before_shown, after_shown=after_shown)  # fmt: skip


@dataclass
class Backing:
    """How many counted votes, and from how many people, stand behind a position's claims."""

    votes: int = 0
    voters: int = 0


@dataclass
class StrongerCase:
    """The map's verdict: the position with the greater strength, and what stands behind it."""

    shown: bool  # the audience may see strengths now (visibility.strengths_shown)
    ranked: list[PositionNode]  # strongest first
    backing: dict[int, Backing]  # per position id
    votes: int  # counted votes on shown claims, all positions
    voters: int  # distinct people who cast them
    min_votes: int = VERDICT_MIN_VOTES
    min_voters: int = VERDICT_MIN_VOTERS

    @property
    def enough(self) -> bool:
        return self.votes >= self.min_votes and self.voters >= self.min_voters

    @property
    def level(self) -> bool:
        """The two strongest read the same, as every page rounds them: nobody leads."""
        return len(self.ranked) < 2 or (
            scoring.shown(self.ranked[0].strength) == scoring.shown(self.ranked[1].strength)
        )

    @property
    def leader(self) -> PositionNode | None:
        return None if self.level or not self.enough or not self.shown else self.ranked[0]

    @property
    def leader_backing(self) -> Backing:
        return self.backing.get(self.ranked[0].id, Backing()) if self.ranked else Backing()


def stronger_case(dmap: DebateMap) -> StrongerCase:
    """The leading position by strength, and the votes behind each position (2 queries: the
    counted votes on claims shown in full, by position, and the distinct voters of them all;
    none when the audience may not see strengths)."""
    from debate.mapview.build import voters_filter

    ranked = sorted(dmap.positions, key=lambda p: (-p.strength, p.order, p.id))
    if not dmap.strengths_shown:
        return StrongerCase(shown=False, ranked=ranked, backing={}, votes=0, voters=0)
    counted = Vote.objects.active().filter(
        voters_filter(dmap.debate, dmap.voters), claim__debate=dmap.debate,
        claim__is_hidden=False, claim__is_withdrawn=False,
    )  # fmt: skip
    rows = (
        counted.values("claim__position_id")
        .annotate(votes=Count("id"), voters=Count("user_id", distinct=True))
        .order_by()
    )
    backing = {row["claim__position_id"]: Backing(row["votes"], row["voters"]) for row in rows}
    total = counted.aggregate(voters=Count("user_id", distinct=True))["voters"]
    votes = sum(b.votes for b in backing.values())
    return StrongerCase(shown=True, ranked=ranked, backing=backing, votes=votes,
                        voters=total or 0)  # fmt: skip


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
