from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from debate.activity.models import Notice
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
