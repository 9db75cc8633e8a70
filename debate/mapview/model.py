"""The read model's plain dataclasses: what a debate map is made of.

Built once per debate version and shared by every viewer of that version, so nothing here
holds per-viewer state: a viewer's controls and the order of their page live beside it
(`mapview.viewer`, `mapview.layout`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from debate.debates import scoring
from debate.debates.models import Debate

VOTE_LEVELS = 5  # 0 (none) to 4 (decisive)


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
    created_at: str  # ISO 8601 in UTC, always with microseconds: sorts in time order
    updated_at: str
    depth: int = 0
    tally: Tally = field(default_factory=Tally)
    base_score: float = scoring.PRIOR
    strength: float = scoring.PRIOR
    citations: list[CitationView] = field(default_factory=list)
    children: list[ClaimNode] = field(default_factory=list)
    size: int = 0  # claims shown below this one, at any depth
    # A hidden or withdrawn claim that still has replies stays as a placeholder, text redacted
    # for everyone but moderators, so its replies remain reachable.
    is_placeholder: bool = False
    # Some reply answers this claim (`permissions.is_answer`: hidden ones too, whoever reads
    # the map), so its author may no longer withdraw it.
    answered: bool = False

    @property
    def is_visible(self) -> bool:
        return not (self.is_hidden or self.is_withdrawn)

    @property
    def is_rebuttal(self) -> bool:
        return self.stance == "con" and self.parent_team_id not in (None, self.team_id)

    parent_team_id: int | None = None
    # In an anonymous debate, the moderators' map names the author by username (`author`)
    # with this beside it; the participants' map has the pseudonym as `author`, this None,
    # and no `author_id` (DebateMap.author_of keeps it, out of templates' reach).
    pseudonym: str | None = None


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
    voters: str = "all"
    # Every claim's parent, shown or not: where a claim sat, even after it left the map.
    parents: dict[int, int | None] = field(default_factory=dict)
    # Set when the voters asked for are too few to show their votes (visibility.MIN_GROUP).
    votes_withheld: bool = False
    # Whether this map's audience sees strengths at this version (visibility.strengths_shown):
    # every page, fragment and picture drawn from the map asks here.
    strengths_shown: bool = True
    # Claim id -> author id, where `ClaimNode.author_id` is withheld (participants' map of an
    # anonymous debate): for the viewer's own controls only. A leading underscore keeps it
    # out of every template (Django refuses such names).
    _authors: dict[int, int] = field(default_factory=dict, repr=False)
    # User id -> pseudonym in an anonymous debate, as of this version: for "you appear here
    # as" (each viewer their own), out of templates' reach like `_authors`.
    _pseudonyms: dict[int, str] = field(default_factory=dict, repr=False)

    def pseudonym_of(self, user_id: int | None) -> str | None:
        """The viewer's own pseudonym as of this map's version (None if not known here)."""
        return self._pseudonyms.get(user_id) if user_id is not None else None

    def author_of(self, claim_id: int) -> int | None:
        """Who wrote a claim shown in this map, for permission checks, never for output."""
        node = self.claims.get(claim_id)
        if node is None:
            return None
        return node.author_id if node.author_id is not None else self._authors.get(claim_id)

    def position(self, position_id: int) -> PositionNode:
        return next(p for p in self.positions if p.id == position_id)

    def walk(self):
        """Every shown claim, depth first, parents before children."""
        stack = [c for p in reversed(self.positions) for c in reversed(p.children)]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def path_to(self, claim_id: int) -> list[ClaimNode]:
        """The claims from the position down to `claim_id`, the claim itself last."""
        path = []
        node = self.claims.get(claim_id)
        while node is not None:
            path.append(node)
            node = self.claims.get(node.parent_id) if node.parent_id else None
        return list(reversed(path))
