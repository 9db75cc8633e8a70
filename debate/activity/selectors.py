from __future__ import annotations

import datetime
from dataclasses import dataclass

from debate.activity.models import DebateVisit, Notice
from debate.mapview import visibility
from debate.mapview.model import ClaimNode, DebateMap


def notices_for(user, *, limit: int = 100) -> list[Notice]:
    """The user's latest notices, newest first. Each carries `withheld`: whether its words
    quote something the user may no longer see (the visibility policy decides)."""
    notices = list(
        Notice.objects.filter(user=user).select_related("debate", "event").order_by("-id")[:limit]
    )
    withheld = visibility.notices_withheld(user, notices)
    for notice in notices:
        notice.withheld = notice.pk in withheld
    return notices


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


@dataclass
class NewMarks:
    """The claims of a map that are new to one reader since their previous visit."""

    ids: frozenset[int] = frozenset()
    first: ClaimNode | None = None  # the oldest of them

    @property
    def count(self) -> int:
        return len(self.ids)

    def __contains__(self, claim_id: int) -> bool:
        return claim_id in self.ids


NO_MARKS = NewMarks()


def new_since_last_visit(visit: DebateVisit | None, dmap: DebateMap) -> NewMarks:
    """Claims of the map created by others after the reader's previous visit, in memory (no
    query). Only what the map shows them as visible counts; nothing before a first visit."""
    if visit is None or visit.previous_seen_at is None:
        return NO_MARKS
    since = visit.previous_seen_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    new = [
        node for node in dmap.claims.values()
        if node.created_at > since and node.author_id != visit.user_id and node.is_visible
        and not node.is_placeholder
    ]  # fmt: skip
    first = min(new, key=lambda node: (node.created_at, node.id), default=None)
    return NewMarks(ids=frozenset(n.id for n in new), first=first)
