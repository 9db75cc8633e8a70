from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from debate.activity.models import DebateVisit, DigestSubscription, Notice
from debate.activity.notices import notice_texts
from debate.debates.models import Debate, Membership, Phase, Role
from debate.mapview import visibility
from debate.mapview.model import ClaimNode, DebateMap
from debate.moderation.models import Flag, FlagStatus
from debate.sources.models import Evidence, EvidenceStatus


def notices_for(user, *, limit: int = 100) -> list[Notice]:
    """The user's latest notices, newest first. Each carries `text`, its sentence in the
    active language (notices.notice_texts), and `withheld`: whether its words quote
    something the user may no longer see (the visibility policy decides)."""
    # Newest first by time: a moderator's "N wait for review" notice moves up when it is
    # brought up to date (services.notice_moderators bumps its created_at).
    notices = list(
        Notice.objects.filter(user=user)
        .select_related("debate", "event")
        .order_by("-created_at", "-id")[:limit]
    )
    withheld = visibility.notices_withheld(user, notices)
    notice_texts(notices, user)
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
        if node.created_at > since and dmap.author_of(node.id) != visit.user_id and node.is_visible
        and not node.is_placeholder
    ]  # fmt: skip
    first = min(new, key=lambda node: (node.created_at, node.id), default=None)
    return NewMarks(ids=frozenset(n.id for n in new), first=first)


# --- what waits for a moderator ------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """What waits for review in one debate: proposed evidence and open flags."""

    evidence: int = 0
    flags: int = 0

    @property
    def total(self) -> int:
        return self.evidence + self.flags

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def phrase(self) -> str:
        """ "3 evidence proposals and 1 flag wait", "1 flag waits" (empty when nothing)."""
        if self.evidence and self.flags:
            # Translators: both counts together, e.g. "3 evidence proposals and 1 flag".
            return _("%(proposals)s and %(flags)s wait") % {
                "proposals": ngettext("%(count)s evidence proposal",
                                      "%(count)s evidence proposals", self.evidence)
                % {"count": self.evidence},
                "flags": ngettext("%(count)s flag", "%(count)s flags", self.flags)
                % {"count": self.flags},
            }  # fmt: skip
        if self.evidence:
            return ngettext("%(count)s evidence proposal waits",
                            "%(count)s evidence proposals wait", self.evidence) % {
                "count": self.evidence}  # fmt: skip
        if self.flags:
            return ngettext("%(count)s flag waits", "%(count)s flags wait", self.flags) % {
                "count": self.flags}  # fmt: skip
        return ""


def _count_of(queryset: QuerySet) -> Coalesce:
    """A correlated `COUNT(*)` of `queryset`'s rows of the outer debate, 0 when none."""
    counted = (
        queryset.filter(debate=OuterRef("pk"))
        .order_by()
        .values("debate")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_pending(debates: QuerySet) -> QuerySet:
    # The moderation queue's two lists (moderation.selectors): proposed evidence, open flags.
    return debates.annotate(
        pending_evidence=_count_of(
            Evidence.objects.filter(status=EvidenceStatus.PROPOSED, is_hidden=False)
        ),
        pending_flags=_count_of(Flag.objects.filter(status=FlagStatus.OPEN)),
    )


def pending_for_debate(debate: Debate) -> Pending:
    """What waits in the moderation queue of `debate`, in one query."""
    row = with_pending(Debate.objects.filter(pk=debate.pk)).values(
        "pending_evidence", "pending_flags"
    )
    counts = row.first() or {"pending_evidence": 0, "pending_flags": 0}
    return Pending(evidence=counts["pending_evidence"], flags=counts["pending_flags"])


@dataclass(frozen=True)
class ModeratedDebate:
    """One debate that a user moderates, what waits there and whether they get its digest."""

    id: int
    slug: str
    title: str
    phase: str
    pending: Pending
    digest: bool

    @property
    def is_closed(self) -> bool:
        return self.phase == Phase.CLOSED

    @property
    def waiting(self) -> Pending:
        """What waits for the moderator: nothing in a closed debate, where nothing can be
        reviewed until it is reopened (so a finished seminar does not nag forever)."""
        return Pending() if self.is_closed else self.pending


def moderated_debates(user) -> list[ModeratedDebate]:
    """The debates `user` moderates (by membership: a superuser is not called to every
    debate's queue), newest first, with their pending counts: one query, whatever their
    number or the number of items waiting."""
    if not getattr(user, "is_authenticated", False):
        return []
    moderated = Membership.objects.filter(user=user, role=Role.MODERATOR).values("debate_id")
    subscribed = DigestSubscription.objects.filter(user=user, debate=OuterRef("pk"))
    rows = (
        with_pending(Debate.objects.filter(pk__in=moderated))
        .annotate(digest=Exists(subscribed))
        .order_by("-created_at", "id")
        .values("id", "slug", "title", "phase", "pending_evidence", "pending_flags", "digest")
    )
    return [
        ModeratedDebate(
            id=row["id"],
            slug=row["slug"],
            title=row["title"],
            phase=row["phase"],
            pending=Pending(evidence=row["pending_evidence"], flags=row["pending_flags"]),
            digest=row["digest"],
        )  # fmt: skip
        for row in rows
    ]


@dataclass(frozen=True)
class ReviewSummary:
    """The header's "To review" link: shown to anyone who moderates a debate, with the
    total waiting across them, and the one debate it is all in (its queue is then the
    link), if there is only one."""

    moderates: bool = False
    total: int = 0
    only_slug: str | None = None

    def __bool__(self) -> bool:
        return self.moderates


def review_summary(user) -> ReviewSummary:
    debates = moderated_debates(user)
    waiting = [row for row in debates if row.waiting]
    return ReviewSummary(
        moderates=bool(debates),
        total=sum(row.waiting.total for row in waiting),
        only_slug=waiting[0].slug if len(waiting) == 1 else None,
    )


def pending_for_moderator(user) -> int:
    """Everything waiting for review across the open debates `user` moderates (one query)."""
    return review_summary(user).total


@dataclass(frozen=True)
class HeaderCounts:
    """The header's two counts: unread notices (Activity) and what waits (To review)."""

    unread: int = 0
    review: ReviewSummary = ReviewSummary()


def _scalar(queryset: QuerySet, aggregate) -> Coalesce:
    """One aggregate over all of `queryset`'s rows, as a subquery (0 when none)."""
    rows = queryset.order_by().annotate(one=Value(1)).values("one").annotate(v=aggregate)
    return Coalesce(Subquery(rows.values("v"), output_field=IntegerField()), 0)


def header_counts(user) -> HeaderCounts:
    """Both counts of the header: ONE query for anyone (the unread count, and whether they
    moderate any debate), and one more, `review_summary`, only for those who do. So the
    "To review" badge costs participants' pages nothing beyond the count they already read,
    and never reads a debate's tables for them."""
    if not getattr(user, "is_authenticated", False):
        return HeaderCounts()
    memberships = Membership.objects.filter(user_id=user.pk, role=Role.MODERATOR)
    unread = Notice.objects.filter(user_id=user.pk, read_at__isnull=True)
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(unread=_scalar(unread, Count("pk")), moderates=Exists(memberships))
        .values("unread", "moderates")
        .first()
    )
    if row is None:
        return HeaderCounts()
    review = review_summary(user) if row["moderates"] else ReviewSummary()
    return HeaderCounts(unread=row["unread"], review=review)
