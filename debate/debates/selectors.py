"""Reads about debates, above all `debate_map`: the one read model of a whole debate.

The HTML map, the API snapshot, the exports and the scoring all consume the `DebateMap`
this module builds. It takes a fixed number of queries, whatever the size of the debate:
one `values()` query per table, assembled in memory into plain dataclasses.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet

from debate import permissions
from debate.arguments.models import Citation, Claim, Vote
from debate.audit.models import AuditEvent
from debate.debates import scoring
from debate.debates.models import Debate, Membership
from debate.sources.models import Evidence, Source

VOTE_LEVELS = 5  # 0 (none) to 4 (decisive)


def debate_list(*, user=None) -> QuerySet[Debate]:
    qs = Debate.objects.annotate(claim_count=Count("claims", distinct=True))
    if user is not None and user.is_authenticated:
        if user.is_superuser:
            return qs
        return qs.filter(is_public=True) | qs.filter(memberships__user=user)
    return qs.public()


@dataclass
class Tally:
    histogram: list[int] = field(default_factory=lambda: [0] * VOTE_LEVELS)

    @property
    def count(self) -> int:
        return sum(self.histogram)

    @property
    def bars(self) -> list[tuple[int, int, int]]:
        """(value, count, share in tens of percent) for drawing the distribution."""
        peak = max(self.histogram) or 1
        return [(v, n, round(10 * n / peak)) for v, n in enumerate(self.histogram)]

    @property
    def mean(self) -> float | None:
        if not self.count:
            return None
        return sum(value * n for value, n in enumerate(self.histogram)) / self.count


@dataclass(frozen=True)
class Controls:
    """What the viewer may do to one claim, decided by the permissions module."""

    reply: bool = False
    edit: bool = False
    withdraw: bool = False
    vote: bool = False
    moderate: bool = False
    flag: bool = False
    my_vote: int | None = None


@dataclass
class Viewer:
    user: object
    membership: Membership | None
    is_moderator: bool
    votes: dict[int, int] = field(default_factory=dict)

    @property
    def role(self) -> str | None:
        return (
            "moderator"
            if self.is_moderator
            else (self.membership.role if self.membership else None)
        )


@dataclass
class EvidenceView:
    id: int
    source_id: int
    quote: str
    start: int
    end: int
    paragraph: int
    status: str
    is_hidden: bool


@dataclass
class CitationView:
    claim_id: int
    evidence_id: int
    relation: str
    evidence: EvidenceView


@dataclass
class ClaimNode:
    id: int
    position_id: int
    parent_id: int | None
    stance: str
    text: str
    author_id: int | None
    author: str | None
    team_id: int | None
    team: str | None
    version: int
    is_hidden: bool
    is_withdrawn: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    depth: int = 0
    tally: Tally = field(default_factory=Tally)
    base_score: float = scoring.PRIOR
    strength: float = scoring.PRIOR
    citations: list[CitationView] = field(default_factory=list)
    children: list[ClaimNode] = field(default_factory=list)
    controls: Controls | None = None
    hidden_replies: int = 0  # replies below this claim that the page has not drawn yet
    # A hidden or withdrawn claim that still has replies stays as a placeholder, text redacted
    # for everyone but moderators, so its replies remain reachable.
    is_placeholder: bool = False

    @property
    def is_visible(self) -> bool:
        return not (self.is_hidden or self.is_withdrawn)

    @property
    def is_rebuttal(self) -> bool:
        return self.stance == "con" and self.parent_team_id not in (None, self.team_id)

    parent_team_id: int | None = None


@dataclass
class PositionNode:
    id: int
    key: str
    title: str
    description: str
    order: int
    children: list[ClaimNode] = field(default_factory=list)
    base_score: float = scoring.POSITION_BASE
    strength: float = scoring.POSITION_BASE
    can_add: bool = False


@dataclass
class TeamView:
    id: int
    name: str
    position_id: int | None


@dataclass
class SourceView:
    id: int
    title: str
    publication: str
    volume: str
    issue: str
    published_on: datetime.date | None
    url: str
    text_sha256: str
    revision: int


@dataclass
class DebateMap:
    debate: Debate
    positions: list[PositionNode]
    claims: dict[int, ClaimNode]
    teams: list[TeamView]
    sources: list[SourceView]
    evidence: dict[int, EvidenceView]
    citations: list[CitationView]
    version: int
    include_hidden: bool
    # Every claim's parent, shown or not: where a claim sat, even after it left the map.
    parents: dict[int, int | None] = field(default_factory=dict)

    def position(self, position_id: int) -> PositionNode:
        return next(p for p in self.positions if p.id == position_id)

    def walk(self):
        """Every shown claim, depth first, parents before children."""
        stack = [c for p in reversed(self.positions) for c in reversed(p.children)]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


def debate_version(debate_id: int) -> int:
    """The id of the debate's latest write: a cheap 'has anything changed?' check."""
    return AuditEvent.objects.filter(debate_id=debate_id).aggregate(v=Max("id"))["v"] or 0


ALL_VOTERS = "all"


def voters_filter(debate: Debate, voters: str) -> Q:
    """Whose votes count: everyone (`all`), `observers`, or one team (`team:<id>`), so a
    seminar can see whether debaters merely voted for their own side."""
    if voters == "observers":
        return Q(user__memberships__debate=debate, user__memberships__role="observer")
    if voters.startswith("team:") and voters[5:].isdigit():
        return Q(user__memberships__debate=debate, user__memberships__team_id=int(voters[5:]))
    return Q()


def debate_map(
    debate: Debate, *, include_hidden: bool = False, voters: str = ALL_VOTERS
) -> DebateMap:
    """Build the whole map of `debate` in a fixed number of queries (8)."""
    # Read the version first: a write landing while the map is read then shows up in the
    # next live poll rather than being missed (the page skips a claim it already shows).
    version = debate_version(debate.pk)
    positions = [
        PositionNode(**row)
        for row in debate.positions.values("id", "key", "title", "description", "order")
    ]
    teams = [TeamView(**row) for row in debate.teams.values("id", "name", "position_id")]
    sources = [
        SourceView(**row)
        for row in Source.objects.filter(debate=debate).values(
            "id", "title", "publication", "volume", "issue", "published_on", "url",
            "text_sha256", "revision",
        )
    ]  # fmt: skip
    evidence_rows = Evidence.objects.filter(debate=debate)
    if not include_hidden:
        evidence_rows = evidence_rows.filter(is_hidden=False)
    evidence = {
        row["id"]: EvidenceView(**row)
        for row in evidence_rows.values(
            "id", "source_id", "quote", "start", "end", "paragraph", "status", "is_hidden"
        )
    }
    claim_fields = (
        "id", "position_id", "parent_id", "stance", "text", "author_id", "author__username",
        "team_id", "team__name", "version", "is_hidden", "is_withdrawn", "created_at",
        "updated_at",
    )  # fmt: skip
    # Tuples, not dicts: this is the largest table, and values() dicts cost a third more.
    claims = {
        row[0]: ClaimNode(*row)
        for row in Claim.objects.filter(debate=debate).values_list(*claim_fields).order_by("id")
    }
    citations = []
    for row in Citation.objects.filter(claim__debate=debate, is_hidden=False).values(
        "claim_id", "evidence_id", "relation"
    ):
        shown = evidence.get(row["evidence_id"])
        # Only approved evidence is shown as a quote, even where it was cited before a
        # moderator rejected or hid it.
        if (
            row["claim_id"] in claims
            and shown is not None
            and shown.status == "approved"
            and (not shown.is_hidden)
        ):
            citation = CitationView(**row, evidence=shown)
            citations.append(citation)
            claims[row["claim_id"]].citations.append(citation)
    votes = (
        Vote.objects.active()
        .filter(voters_filter(debate, voters), claim__debate=debate)
        .values_list("claim_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    # The ORM's SQL, run on a plain cursor: these rows are three integers each, and Django's
    # per-row converters cost more than the query on a large debate.
    sql, params = votes.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        vote_rows = cursor.fetchall()
    for claim_id, value, count in vote_rows:
        claims[claim_id].tally.histogram[value] = count

    parents = {node.id: node.parent_id for node in claims.values()}
    _assemble(positions, claims, include_hidden=include_hidden)
    shown = {node.id: node for p in positions for node in _descend(p.children)}
    return DebateMap(
        debate=debate,
        positions=positions,
        claims=shown,
        teams=teams,
        sources=sources,
        evidence=evidence,
        citations=[
            c for c in citations if c.claim_id in shown and not shown[c.claim_id].is_placeholder
        ],
        version=version,
        include_hidden=include_hidden,
        parents=parents,
    )


def _descend(nodes: list[ClaimNode]):
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)


def _assemble(
    positions: list[PositionNode], claims: dict[int, ClaimNode], *, include_hidden: bool
) -> None:
    """Hang claims under their parents, then prune what the viewer may not see."""
    by_position = {p.id: p for p in positions}
    children: dict[int | None, list[ClaimNode]] = defaultdict(list)
    for node in claims.values():
        children[node.parent_id].append(node)
    for node in claims.values():
        node.children = children.get(node.id, [])
        parent = claims.get(node.parent_id) if node.parent_id else None
        node.parent_team_id = parent.team_id if parent else None
    for node in children.get(None, []):
        by_position[node.position_id].children.append(node)

    def prune(nodes: list[ClaimNode], depth: int) -> list[ClaimNode]:
        kept = []
        for node in nodes:
            node.depth = depth
            node.children = prune(node.children, depth + 1)
            if node.is_visible or include_hidden:
                kept.append(node)
            elif node.children:
                node.is_placeholder = True
                node.text = ""
                node.citations = []
                kept.append(node)
        return kept

    for position in positions:
        position.children = prune(position.children, 0)
    _score(positions)


def _score(positions: list[PositionNode]) -> None:
    """DF-QuAD strengths, leaves first, each node once. Hidden and withdrawn claims (kept
    only as placeholders or for moderators) take no part: their strength counts as 0."""
    order: list[ClaimNode] = []
    stack = [c for p in positions for c in p.children]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(node.children)
    for node in reversed(order):
        node.base_score = scoring.base_score(node.tally.histogram)
        node.strength = _strength_of(node.base_score, node.children) if node.is_visible else 0.0
    for position in positions:
        position.strength = _strength_of(position.base_score, position.children)


def _strength_of(tau: float, children: list[ClaimNode]) -> float:
    return scoring.strength(
        tau,
        attackers=[c.strength for c in children if c.is_visible and c.stance == "con"],
        supporters=[c.strength for c in children if c.is_visible and c.stance == "pro"],
    )


def viewer_for(user, debate: Debate) -> Viewer:
    """Who is looking: their membership and their own active votes (at most 2 queries)."""
    membership = permissions.membership_of(user, debate)
    votes: dict[int, int] = {}
    if membership is not None:
        votes = dict(
            Vote.objects.active()
            .filter(user=user, claim__debate=debate)
            .values_list("claim_id", "value")
        )
    return Viewer(
        user=user,
        membership=membership,
        is_moderator=permissions.is_moderator(user, debate),
        votes=votes,
    )


def apply_controls(dmap: DebateMap, viewer: Viewer) -> None:
    """Decide each claim's controls for the viewer, in memory: no query per claim."""
    debate = dmap.debate
    user = viewer.user
    may_moderate = permissions.can_moderate(user, debate)
    may_flag = permissions.can_flag(user, debate) and getattr(user, "is_authenticated", False)
    reply_by_position = {
        p.id: permissions.can_add_claim(user, debate, position=p) for p in dmap.positions
    }
    for position in dmap.positions:
        position.can_add = reply_by_position[position.id]
    for node in dmap.claims.values():
        answered = any(child.is_visible for child in node.children)
        node.controls = Controls(
            reply=node.is_visible and reply_by_position[node.position_id],
            edit=node.is_visible and permissions.can_edit_claim(user, debate, node),
            withdraw=node.is_visible
            and not answered
            and permissions.can_withdraw_claim(user, debate, node),
            vote=node.is_visible and permissions.can_vote(user, debate, node),
            moderate=may_moderate,
            flag=may_flag and node.is_visible and node.author_id != getattr(user, "pk", None),
            my_vote=viewer.votes.get(node.id),
        )


SORTS = {
    "oldest": lambda node: (node.created_at, node.id),
    "newest": lambda node: (-node.created_at.timestamp(), -node.id),
    "strength": lambda node: (-node.strength, node.id),
}


def sort_map(dmap: DebateMap, sort: str) -> None:
    """Order every node's children; unknown sorts leave the natural (oldest first) order."""
    key = SORTS.get(sort)
    if key is None or sort == "oldest":
        return
    for position in dmap.positions:
        position.children.sort(key=key)
    for node in dmap.claims.values():
        node.children.sort(key=key)


def claim_path(dmap: DebateMap, claim_id: int) -> list[ClaimNode]:
    """The claims from the position down to `claim_id`, the claim itself last."""
    path = []
    node = dmap.claims.get(claim_id)
    while node is not None:
        path.append(node)
        node = dmap.claims.get(node.parent_id) if node.parent_id else None
    return list(reversed(path))


def map_for_viewer(
    debate: Debate, user, *, sort: str = "", voters: str = ALL_VOTERS
) -> tuple[DebateMap, Viewer]:
    """The map as this user sees it: hidden claims only for moderators, their controls set."""
    viewer = viewer_for(user, debate)
    dmap = debate_map(debate, include_hidden=viewer.is_moderator, voters=voters)
    apply_controls(dmap, viewer)
    sort_map(dmap, sort)
    return dmap, viewer


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
    from debate.debates.models import PollResponse

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


RENDER_BUDGET = 300  # claims drawn in one page; deeper replies load on demand


def limit_rendering(children_lists: list[list[ClaimNode]], budget: int = RENDER_BUDGET) -> int:
    """Keep a page readable and fast on a large map: breadth first, claims past the budget
    are not drawn; their parent shows "Show N more replies" (node.hidden_replies), which
    loads them into place. Top-level claims past the budget are cut too, and the number
    cut is returned (the page links to the whole map). Small maps are untouched."""
    share = max(1, budget // max(1, len(children_lists)))
    cut = 0
    for nodes in children_lists:
        if len(nodes) > share:
            cut += sum(1 + _count_below(node) for node in nodes[share:])
            del nodes[share:]
    queue = [node for nodes in children_lists for node in nodes]
    drawn = len(queue)
    index = 0
    while index < len(queue):
        node = queue[index]
        index += 1
        if not node.children:
            continue
        if drawn + len(node.children) > budget:
            node.hidden_replies = _count_below(node)
            node.children = []
            continue
        drawn += len(node.children)
        queue.extend(node.children)
    return cut


def _count_below(node: ClaimNode) -> int:
    count, stack = 0, list(node.children)
    while stack:
        current = stack.pop()
        count += 1
        stack.extend(current.children)
    return count
