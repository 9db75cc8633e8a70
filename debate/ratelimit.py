"""Per-user rate limits on frequent writes, counted in the shared cache (Redis in production),
so that several app-server processes enforce one limit."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

from debate.errors import ServiceError

WINDOW_SECONDS = 60


class RateLimited(ServiceError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def check_rate(actor: Any, action: str) -> None:
    """Count one `action` by `actor`; refuse past the limit for the current minute."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return
    limit = settings.RATE_LIMITS.get(action)
    if not limit:
        return
    window = int(time.time() // WINDOW_SECONDS)
    key = f"rate:{action}:{actor.pk}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    if count > limit:
        retry_after = WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS
        raise RateLimited(
            f"Too many in a minute ({limit} at most). Try again in {retry_after} seconds.",
            retry_after=retry_after,
        )
