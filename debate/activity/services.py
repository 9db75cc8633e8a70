from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from debate import permissions
from debate.activity.models import DebateVisit, Notice
from debate.audit.models import AuditEvent
from debate.audit.services import audit_record
from debate.debates.models import Debate, Membership


def notice_send(
    *,
    user_id: int | None,
    actor: Any,
    debate: Debate,
    kind: str,
    message: str,
    url: str = "",
    event: AuditEvent | None = None,
) -> Notice | None:
    """Tell one participant that something happened to their work (never about their own act).

    A message that quotes someone else's object names the `event` that wrote it, so that the
    panel shows the words only while the reader may still see that object."""
    actor_id = getattr(actor, "pk", None)
    if user_id is None or user_id == actor_id:
        return None
    return Notice.objects.create(
        user_id=user_id, debate=debate, kind=kind, message=message[:500], url=url[:300],
        event=event,
    )  # fmt: skip


def notice_members(*, actor: Any, debate: Debate, kind: str, message: str, url: str = "") -> int:
    """Tell every member of the debate at once, in one insert."""
    actor_id = getattr(actor, "pk", None)
    user_ids = Membership.objects.filter(debate=debate).exclude(user_id=actor_id)
    notices = [
        Notice(user_id=user_id, debate=debate, kind=kind, message=message[:500], url=url[:300])
        for user_id in user_ids.values_list("user_id", flat=True)
    ]
    Notice.objects.bulk_create(notices)
    return len(notices)


@transaction.atomic
def notices_mark_read(*, user: Any) -> int:
    count = Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        audit_record(
            actor=user, debate=None, action="notices.read", obj=user, before=None,
            after={"count": count},
        )  # fmt: skip
    return count


# A break longer than this ends a visit: the next page starts a new one, and what was added
# meanwhile is "new since your last visit". Shorter gaps (a reload, a look at a thread) belong
# to the same visit, so the marks stay while the reader works through them.
VISIT_GAP = timedelta(minutes=30)
# Within a visit, `seen_at` is written at most this often: a page view is not a write each.
VISIT_TOUCH = timedelta(minutes=1)


def visit_record(*, user: Any, debate: Debate, now: datetime | None = None) -> DebateVisit | None:
    """Note that `user` is reading `debate` now, and return their visit (None for a visitor
    who is not signed in, or who may not see the debate: nobody else gets marks).

    Not audited: a reader's own bookmark, not a change to the debate. One query on most
    pages (the row), two when the visit starts or moves on, whatever the size of the debate.
    Two pages at once cannot lose a visit: the insert ignores a row that another one made
    first, and the update only applies to the row as it was read."""
    if not getattr(user, "is_authenticated", False) or not permissions.can_view_debate(
        user, debate
    ):
        return None
    now = now or timezone.now()
    visit = DebateVisit.objects.filter(user=user, debate=debate).first()
    if visit is None:
        visit = DebateVisit(user=user, debate=debate, seen_at=now)
        DebateVisit.objects.bulk_create([visit], ignore_conflicts=True)
        return visit
    read_at = visit.seen_at
    if now - read_at > VISIT_GAP:
        visit.previous_seen_at, visit.seen_at = read_at, now
    elif now - read_at >= VISIT_TOUCH:
        visit.seen_at = now
    else:
        return visit
    DebateVisit.objects.filter(pk=visit.pk, seen_at=read_at).update(
        seen_at=visit.seen_at, previous_seen_at=visit.previous_seen_at
    )
    return visit
