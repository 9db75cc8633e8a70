"""What changed in a debate since a version, for the live poll.

Each audit event carries the debate version it produced, handed out in commit order, so
"what changed since v" is the events with versions after v up to the map's own version:
all of those have committed. One query for the events; the shared map of that version
supplies the fragments. Nothing lives in one process's memory, so any number of app
servers agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from debate.arguments.models import Citation
from debate.audit.models import AuditEvent
from debate.debates.models import Debate
from debate.mapview.model import ClaimNode, DebateMap

EVENT_LIMIT = 200  # past this many events, the page reloads rather than patch claim by claim
_CLAIM_CHANGES = {"claim.create", "claim.edit", "claim.withdraw", "claim.hide", "claim.restore"}


@dataclass
class Change:
    inserted: list[ClaimNode] = field(default_factory=list)
    updated: list[ClaimNode] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    phase_changed: bool = False
    reload: bool = False


def _claim_id_of(object_type: str, object_id: int, before: dict | None, after: dict | None):
    if object_type == "arguments.claim":
        return object_id
    for state in (after, before):
        if state and state.get("claim_id"):
            return state["claim_id"]
    return None


def _within(dmap: DebateMap, claim_id: int, root: int | None) -> bool:
    """Whether the claim is `root` or below it (always, without a root)."""
    if root is None:
        return True
    node: int | None = claim_id
    seen: set[int] = set()
    while node is not None and node not in seen:
        if node == root:
            return True
        seen.add(node)
        node = dmap.parents.get(node)
    return False


def changes_since(
    debate: Debate, since: int, dmap: DebateMap, *, root: int | None = None
) -> Change:
    """What to send a page showing the whole map, or only the subtree under claim `root`.

    A page too far behind reloads: it gets the page drawn within its budget, from the
    cache, instead of every claim as fragments."""
    change = Change()
    rows = list(
        AuditEvent.objects.filter(debate=debate, version__gt=since, version__lte=dmap.version)
        .order_by("version")
        .values_list("action", "object_type", "object_id", "before", "after")[: EVENT_LIMIT + 1]
    )
    # A moved subtree is easier to show by loading the page again; so is anonymous mode
    # switched on or off, which renames the author of every card (and the "you appear as").
    if len(rows) > EVENT_LIMIT or any(
        action in ("claim.move", "claim.merge", "debate.anonymous") for action, *_ in rows
    ):
        change.reload = True
        return change
    structural: set[int] = set()  # created, withdrawn, hidden or restored: may enter or leave
    touched: set[int] = set()  # anything else on the card: text, votes, citations
    reviewed: set[int] = set()  # evidence approved, rejected, hidden or restored
    for action, object_type, object_id, before, after in rows:
        if action == "debate.phase":
            # Every card's controls may change: the view redraws the cards the page draws.
            change.phase_changed = True
            continue
        if object_type == "sources.evidence" and object_id is not None:
            reviewed.add(object_id)
            continue
        claim_id = _claim_id_of(object_type, object_id, before, after)
        if claim_id is None:
            continue
        (structural if action in _CLAIM_CHANGES and action != "claim.edit" else touched).add(
            claim_id
        )
    if reviewed:
        # A quote that came or went shows on every claim citing it, whatever the map keeps.
        touched |= set(
            Citation.objects.filter(evidence_id__in=reviewed).values_list("claim_id", flat=True)
        )
    # Strength flows up the tree: every ancestor of a changed claim shows a new value.
    # A claim that left the map still names its parent in `parents`.
    for claim_id in list(structural | touched):
        parent = dmap.parents.get(claim_id)
        seen: set[int] = set()
        while parent is not None and parent not in seen:
            seen.add(parent)
            if parent in dmap.claims:
                touched.add(parent)
            parent = dmap.parents.get(parent)
    if root is not None:
        structural = {i for i in structural if _within(dmap, i, root)}
        touched = {i for i in touched if _within(dmap, i, root)}
    for claim_id in sorted(structural):
        node = dmap.claims.get(claim_id)
        if node is None:
            change.removed.append(claim_id)
            continue
        # The page may show it already (a placeholder, or any claim to a moderator), in which
        # case the insertion is skipped and the card update below brings the new state.
        touched.add(claim_id)
        if node.id != root:
            # Parents have lower ids, so they come first; the page skips an insertion whose
            # claim it shows already (static/js/live.js), such as a reply that arrived
            # inside its parent's fragment.
            change.inserted.append(node)
    change.updated = [dmap.claims[i] for i in sorted(touched) if i in dmap.claims]
    return change
