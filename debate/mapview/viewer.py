"""One viewer on top of the shared map: who they are and what they may do to each claim.

The map is shared by every viewer of a debate version and never changed here; a viewer's
controls come back as a dict beside it, decided only by `permissions.can_*`, and only for
the claims a page actually draws.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from debate import permissions
from debate.arguments.models import Vote
from debate.debates.models import Debate, Membership
from debate.mapview import cache
from debate.mapview.build import ALL_VOTERS
from debate.mapview.model import ClaimNode, DebateMap


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
    votes: dict[int, int] = field(default_factory=dict)  # their own, for the claims drawn
    votes_read: set[int] = field(default_factory=set)
    can_add: dict[int, bool] = field(default_factory=dict)  # per position id

    @property
    def role(self) -> str | None:
        return (
            "moderator"
            if self.is_moderator
            else (self.membership.role if self.membership else None)
        )

    def know_votes(self, votes: dict[int, int | None]) -> None:
        """Votes the caller knows already (one just cast, None for one withdrawn)."""
        for claim_id, value in votes.items():
            if value is None:
                self.votes.pop(claim_id, None)
            else:
                self.votes[claim_id] = value
        self.votes_read.update(votes)


def viewer_for(user, debate: Debate) -> Viewer:
    """Who is looking: their membership (1 query, cached on the user for the request)."""
    return Viewer(
        user=user,
        membership=permissions.membership_of(user, debate),
        is_moderator=permissions.is_moderator(user, debate),
    )


def _load_votes(viewer: Viewer, claim_ids: list[int]) -> None:
    """The viewer's own votes on these claims, once each (1 query, none for a visitor)."""
    wanted = [i for i in claim_ids if i not in viewer.votes_read]
    if not wanted or viewer.membership is None:
        return
    viewer.votes.update(
        Vote.objects.active()
        .filter(user=viewer.user, claim_id__in=wanted)
        .values_list("claim_id", "value")
    )
    viewer.votes_read.update(wanted)


@dataclass(frozen=True)
class _Authored:
    """What the permission rules read of a claim (permissions.ClaimLike), with its author
    even where the shared map withholds the author's id (anonymous debates)."""

    author_id: int | None
    position_id: int


def controls_for(dmap: DebateMap, viewer: Viewer, nodes: Iterable[ClaimNode]) -> dict:
    """Each claim's controls for the viewer, in memory: no query per claim."""
    debate = dmap.debate
    user = viewer.user
    may_moderate = permissions.can_moderate(user, debate)
    signed_in = getattr(user, "is_authenticated", False)
    if not viewer.can_add:
        viewer.can_add = {
            p.id: permissions.can_add_claim(user, debate, position=p) for p in dmap.positions
        }
    nodes = list(nodes)
    _load_votes(viewer, [node.id for node in nodes])
    controls = {}
    for node in nodes:
        shown = node.is_visible
        claim = _Authored(dmap.author_of(node.id), node.position_id)
        controls[node.id] = Controls(
            reply=shown and viewer.can_add[node.position_id],
            edit=shown and permissions.can_edit_claim(user, debate, claim),
            withdraw=shown and permissions.can_withdraw_claim(user, debate, claim,
                                                              answered=node.answered),
            vote=shown and permissions.can_vote(user, debate, claim),
            moderate=may_moderate,
            flag=signed_in and shown and permissions.can_flag_claim(user, debate, claim),
            my_vote=viewer.votes.get(node.id),
        )
    return controls


def map_for_viewer(debate: Debate, user, *, voters: str = ALL_VOTERS) -> tuple[DebateMap, Viewer]:
    """The shared map this user's audience sees (hidden claims greyed for moderators,
    placeholders for everyone else), and the viewer to draw it for."""
    viewer = viewer_for(user, debate)
    dmap = cache.debate_map(debate, include_hidden=viewer.is_moderator, voters=voters)
    controls_for(dmap, viewer, ())  # decides what the viewer may add under each position
    return dmap, viewer
