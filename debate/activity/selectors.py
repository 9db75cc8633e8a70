from django.db.models import QuerySet

from debate.activity.models import Notice


def notices_for(user, *, limit: int = 100) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user).select_related("debate").order_by("-id")[:limit]


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(user=user, read_at__isnull=True).count()
