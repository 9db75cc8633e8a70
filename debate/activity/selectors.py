from debate.activity.models import Notice
from debate.mapview import visibility


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
