"""What one page draws of the map, as a flat list: no template and no walk recurses.

A page draws a budget of claims, breadth first, and at most `DRAWN_DEPTH` levels below
where it starts; beyond that a claim links to "Show N more replies" (loaded in place) or
"Continue this thread" (the claim's own page, which starts a new budget there). The list
holds one item where a claim opens and one where its replies close, so the template
nests the HTML by walking the list once, whatever the depth of the thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from debate.mapview.model import ClaimNode, DebateMap, PositionNode
from debate.mapview.viewer import Controls, Viewer, controls_for

RENDER_BUDGET = 300  # claims drawn in one page; deeper replies load on demand
LARGE_BUDGET = 1000  # the larger view (?whole=1): still bounded, cached for visitors
DRAWN_DEPTH = 12  # levels drawn below where a page starts; then "Continue this thread"
# Levels whose replies are open when a page loads; deeper branches start collapsed (a click,
# "Expand all" or the keys open them). Counted like `Item.depth`, from where the page starts.
OPEN_DEPTH = 3
# A thread view draws the focused claim's replies one level deep: each reply's own replies
# load in place on demand ("Show N replies"), or open in that reply's own thread view.
THREAD_DEPTH = 1

# (key, newest first?) for each order of replies.
SORTS: dict[str, tuple[Callable[[ClaimNode], tuple], bool]] = {
    "oldest": (lambda node: (node.created_at, node.id), False),
    "newest": (lambda node: (node.created_at, node.id), True),
    "strength": (lambda node: (-node.strength, node.id), False),
}


@dataclass
class Item:
    claim: ClaimNode
    controls: Controls | None
    depth: int  # levels below where the page starts, from 0
    opens: bool  # True where the claim starts; False where its replies end
    more: int = 0  # on the end: replies not drawn here ("Show N more replies")
    continues: bool = False  # on the end: the thread goes on on the claim's own page

    @property
    def open(self) -> bool:
        """Whether the claim's replies start open (deep branches start collapsed)."""
        return self.depth < OPEN_DEPTH


@dataclass
class PositionLayout:
    position: PositionNode
    can_add: bool
    items: list[Item] = field(default_factory=list)
    top_level: int = 0  # top-level claims in all
    first: int = 0  # the first and last top-level claim drawn, counted from 1
    last: int = 0


@dataclass
class Layout:
    positions: list[PositionLayout]
    page: int
    has_next: bool

    @property
    def cut(self) -> bool:
        return self.has_next or self.page > 1


def ordered(nodes: list[ClaimNode], sort: str) -> list[ClaimNode]:
    if sort not in SORTS or sort == "oldest":  # claims are read oldest first
        return nodes
    key, reverse = SORTS[sort]
    return sorted(nodes, key=key, reverse=reverse)


def _select(
    roots: list[list[ClaimNode]], *, sort: str, budget: int, max_depth: int
) -> tuple[dict[int, list[ClaimNode]], set[int], set[int]]:
    """Breadth first within the budget: the drawn children of each drawn claim, and which
    drawn claims end in "more replies" or in "continue this thread"."""
    drawn_children: dict[int, list[ClaimNode]] = {}
    more: set[int] = set()
    deeper: set[int] = set()
    queue = [(node, 0) for nodes in roots for node in nodes]
    drawn = len(queue)
    index = 0
    while index < len(queue):
        node, depth = queue[index]
        index += 1
        if not node.children:
            continue
        if depth + 1 >= max_depth:
            deeper.add(node.id)
            continue
        if drawn + len(node.children) > budget:
            more.add(node.id)
            continue
        children = ordered(node.children, sort)
        drawn_children[node.id] = children
        drawn += len(children)
        queue.extend((child, depth + 1) for child in children)
    return drawn_children, more, deeper


def items_for(
    dmap: DebateMap,
    viewer: Viewer,
    roots: list[list[ClaimNode]],
    *,
    sort: str = "oldest",
    budget: int = RENDER_BUDGET,
    max_depth: int = DRAWN_DEPTH,
) -> list[list[Item]]:
    """One flat list of items per list of roots, within one shared budget."""
    drawn_children, more, deeper = _select(roots, sort=sort, budget=budget, max_depth=max_depth)
    drawn = [node for nodes in roots for node in nodes]
    drawn += [child for children in drawn_children.values() for child in children]
    controls = controls_for(dmap, viewer, drawn)
    lists = []
    for nodes in roots:
        items: list[Item] = []
        # (node, depth, opening?) on an explicit stack: a close is pushed under the children.
        stack: list[tuple[ClaimNode, int, bool]] = [(n, 0, True) for n in reversed(nodes)]
        while stack:
            node, depth, opening = stack.pop()
            if not opening:
                items.append(Item(node, controls[node.id], depth, False,
                                  more=node.size if node.id in more else 0,
                                  continues=node.id in deeper))  # fmt: skip
                continue
            items.append(Item(node, controls[node.id], depth, True))
            stack.append((node, depth, False))
            for child in reversed(drawn_children.get(node.id, [])):
                stack.append((child, depth + 1, True))
        lists.append(items)
    return lists


def page_layout(
    dmap: DebateMap, viewer: Viewer, *, sort: str, page: int = 1, budget: int = RENDER_BUDGET
) -> Layout:
    """The debate page: each position's top-level claims, a page of them at a time."""
    share = max(1, budget // max(1, len(dmap.positions)))
    roots, layouts = [], []
    has_next = False
    for position in dmap.positions:
        top = ordered(position.children, sort)
        start = (page - 1) * share
        shown = top[start : start + share]
        has_next = has_next or len(top) > start + share
        roots.append(shown)
        layouts.append(PositionLayout(
            position=position, can_add=viewer.can_add.get(position.id, False), top_level=len(top),
            first=start + 1 if shown else 0, last=start + len(shown),
        ))  # fmt: skip
    for layout, items in zip(layouts, items_for(dmap, viewer, roots, sort=sort, budget=budget),
                             strict=True):  # fmt: skip
        layout.items = items
    return Layout(positions=layouts, page=page, has_next=has_next)


def subtree_items(
    dmap: DebateMap, viewer: Viewer, node: ClaimNode, *, sort: str = "oldest"
) -> list[Item]:
    """The claim with its replies, as a page or a live insertion draws it."""
    return items_for(dmap, viewer, [[node]], sort=sort)[0]


def replies_items(
    dmap: DebateMap, viewer: Viewer, node: ClaimNode, *, sort: str = "oldest"
) -> list[Item]:
    """Only the replies of a claim ("Show N more replies" loads these into place)."""
    return items_for(dmap, viewer, [ordered(node.children, sort)], sort=sort)[0]


@dataclass
class Thread:
    """A thread view: the focused claim, and its replies split by stance into two columns."""

    claim: ClaimNode
    controls: Controls
    supports: list[Item]
    attacks: list[Item]


def thread_layout(
    dmap: DebateMap, viewer: Viewer, node: ClaimNode, *, sort: str = "oldest"
) -> Thread:
    """The focused claim on top, its supports and attacks beside each other, one level deep:
    a reply with replies of its own ends in "Show N replies" (loaded in place, as on the
    debate page) instead of drawing them, so a thread of any size is one screen."""
    # The claim's and its replies' controls at once: one read of the viewer's own votes.
    controls = controls_for(dmap, viewer, [node, *node.children])
    replies = ordered(node.children, sort)
    pros = [child for child in replies if child.stance == "pro"]
    cons = [child for child in replies if child.stance != "pro"]
    supports, attacks = items_for(dmap, viewer, [pros, cons], sort=sort, max_depth=THREAD_DEPTH)
    for item in supports + attacks:
        if item.continues:  # one level drawn here: the rest opens in place on demand
            item.more, item.continues = item.claim.size, False
    return Thread(
        claim=node,
        controls=controls[node.id],
        supports=supports,
        attacks=attacks,
    )
