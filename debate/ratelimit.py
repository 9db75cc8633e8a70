"""Rate limits counted in the shared cache (Redis in production), so that several app-server
processes enforce one limit.

- `check_rate`: per-user limits on frequent writes (claims, evidence, votes).
- `heavy_read` / `HeavyReadThrottle`: per-address limits on anonymous reads that build a whole
  large map (the full page, the API snapshot), for page views and API views alike. Signed-in
  people are not counted: they are accountable, and their writes have their own limits.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.throttling import BaseThrottle

from debate.errors import ServiceError

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 60


class RateLimited(ServiceError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def _window() -> int:
    return int(time.time() // WINDOW_SECONDS)


def _retry_after() -> int:
    """Seconds until the current one-minute window ends (the counts start again then)."""
    return WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS


def _count(key: str) -> int:
    """Add one to the counter `key` of the current window and return the new count."""
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=WINDOW_SECONDS + 5)
        return 1


def _refusal(limit: int, retry_after: int) -> str:
    return f"Too many in a minute ({limit} at most). Try again in {retry_after} seconds."


def check_rate(actor: Any, action: str) -> None:
    """Count one `action` by `actor`; refuse past the limit for the current minute."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return
    limit = settings.RATE_LIMITS.get(action)
    if not limit:
        return
    count = _count(f"rate:{action}:{actor.pk}:{_window()}")
    if count > limit:
        retry_after = _retry_after()
        raise RateLimited(_refusal(limit, retry_after), retry_after=retry_after)


# --- heavy anonymous reads, per client address ------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The client's address as django-axes sees it (PROXY_COUNT decides whether
    X-Forwarded-For is trusted), so that the lockout and this throttle agree on who is who."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "unknown"


def heavy_read_refusal(request: HttpRequest, name: str) -> RateLimited | None:
    """Count one anonymous heavy read `name` from the request's address; the refusal past
    settings.HEAVY_READS_PER_MINUTE, else None. Signed-in users are never counted.

    When the cache cannot be reached the read is let through: a throttle that turns a Redis
    outage into a site-wide 500 would do more harm than the load it guards against."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return None
    limit = settings.HEAVY_READS_PER_MINUTE
    if limit <= 0:  # 0 turns the throttle off
        return None
    key = f"heavy:{name}:{client_address(request)}:{_window()}"
    try:
        count = _count(key)
    except Exception as exc:  # noqa: BLE001 - any cache failure: serve rather than fail
        logger.warning("Heavy-read throttle skipped, the cache is unavailable: %s", exc)
        return None
    if count <= limit:
        return None
    retry_after = _retry_after()
    return RateLimited(_refusal(limit, retry_after), retry_after=retry_after)


def rate_limited_response(request: HttpRequest, refusal: RateLimited) -> HttpResponse:
    """429 with Retry-After: the API's JSON error shape under /api/, else the page (or, for
    htmx, only its message, so that no whole page lands in a target)."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"error": {"status": 429, "code": refusal.code, "message": refusal.message,
                       "fields": {}}}, status=429)  # fmt: skip
        response["Retry-After"] = str(refusal.retry_after)
        return response
    from debate.rendering import render_screen  # it imports this module

    return render_screen(
        request, "429.html", {"message": refusal.message, "retry_after": refusal.retry_after},
        region="rate-limited", status=429,
    )  # fmt: skip


def heavy_read(name: str, *, when: Callable[[HttpRequest], bool] | None = None) -> Callable:
    """Decorate a function view whose anonymous requests are counted as heavy reads `name`
    (each name has its own budget per address and minute). `when`, if given, says which
    requests are heavy (`lambda r: r.GET.get("whole") == "1"`); the others are not counted."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            heavy = when is None or when(request)
            refusal = heavy_read_refusal(request, name) if heavy else None
            if refusal is not None:
                return rate_limited_response(request, refusal)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class HeavyReadThrottle(BaseThrottle):
    """The same per-address counter for API views (scope `heavy_reads`), as AnonRateThrottle
    would be, but with the app's error: it raises RateLimited, which the API's exception
    handler answers with code `rate_limited` and Retry-After, like every other 429 here."""

    scope = "heavy_reads"

    def allow_request(self, request, view) -> bool:
        refusal = heavy_read_refusal(request, self.scope)
        if refusal is not None:
            raise refusal
        return True
