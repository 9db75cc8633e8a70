"""Rate limits counted in the shared cache (Redis in production), so that several app-server
processes enforce one limit.

- `check_rate(actor, action)`: every write people can repeat is counted per signed-in user AND
  per client address (the address of the request being served, set by
  `debate.middleware.RateLimitMiddleware`); the address may do `RATE_LIMIT_ADDRESS_FACTOR`
  times what one user may, since a classroom behind NAT shares one address. Outside a request
  (management commands) only the user is counted; the system actor is never counted.
  `check_rate_key(action, key)` counts any other key (an account asking for password resets).
- `heavy_read` / `HeavyReadThrottle`: per-address limits on anonymous reads that build a whole
  large map (the full page, the API snapshot), for page views and API views alike. Signed-in
  people are not counted: they are accountable, and their writes have their own limits.
- `AddressLoginBackend`: failed logins counted per address (django-axes counts them per
  username and address), checked before any password is hashed.

Redis is a cache, not a single point of failure: when it cannot be reached, counts fall back to
this process's memory (`counter_cache`), with one warning per `FALLBACK_SECONDS`, and the
limits still hold per process; requests never fail because of it.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from time import monotonic  # tests freeze `time`; the fallback's clock must keep running
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import PermissionDenied
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle

from debate.errors import ServiceError

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 60  # the window of an action not named in settings.RATE_LIMIT_WINDOWS
# Actions counted per address only, whatever the actor: there is no account yet (sign-up) or
# the request names one that may not be the requester's (password reset).
ADDRESS_ONLY = frozenset({"signup", "password_reset"})
# After the shared cache fails, this process counts on its own for this long before trying
# the cache again: an unreachable Redis costs one failed connection per period, not one per
# request, and one warning.
FALLBACK_SECONDS = 10.0
# The client address of the request being served (None outside a request).
current_address: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "client_address", default=None
)
# The last refusal of the request being served: debate.middleware.RateLimitMiddleware gives
# its Retry-After to the 429, however the view rendered it.
last_refusal: contextvars.ContextVar[RateLimited | None] = contextvars.ContextVar(
    "last_refusal", default=None
)


class RateLimited(ServiceError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


# --- the counters: the shared cache, or this process's memory while it is unreachable --------


class FallbackCache:
    """The few cache calls the limits make (get, set, add, incr), sent to Django's cache while
    it answers and to a local-memory cache of this process while it does not. DRF's throttles
    use it too (their `cache` attribute), so that no limit turns a Redis outage into a 500."""

    def __init__(self) -> None:
        self._local = LocMemCache("debate-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 50_000}})
        self._lock = threading.Lock()
        self._down_until = 0.0

    def reset(self) -> None:
        """Forget an outage (the cache settings changed: the next call tries the new cache)."""
        with self._lock:
            self._down_until = 0.0
        self._local.clear()

    def is_down(self) -> bool:
        return monotonic() < self._down_until

    def note_failure(self, exc: BaseException) -> None:
        with self._lock:
            first = monotonic() >= self._down_until
            self._down_until = monotonic() + FALLBACK_SECONDS
        if first:
            logger.warning(
                "The shared cache is unavailable (%s: %s); rate limits and throttles count in "
                "this process for the next %.0f s.", type(exc).__name__, exc, FALLBACK_SECONDS,
            )  # fmt: skip

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if not self.is_down():
            try:
                return getattr(cache, name)(*args, **kwargs)
            except ValueError:  # incr of a missing key: an answer, not a failure
                raise
            except Exception as exc:  # noqa: BLE001 - any failure of the cache: count here
                self.note_failure(exc)
        return getattr(self._local, name)(*args, **kwargs)

    def get(self, key: str, default: Any = None) -> Any:
        return self._call("get", key, default)

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> None:
        self._call("set", key, value, timeout)

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> bool:
        return self._call("add", key, value, timeout)

    def incr(self, key: str, delta: int = 1) -> int:
        return self._call("incr", key, delta)


counter_cache = FallbackCache()


def _forget_outage(*, setting: str, **kwargs: Any) -> None:
    if setting == "CACHES":
        counter_cache.reset()


setting_changed.connect(_forget_outage)


def _window_of(action: str) -> int:
    return int(getattr(settings, "RATE_LIMIT_WINDOWS", {}).get(action) or WINDOW_SECONDS)


def _window(seconds: int = WINDOW_SECONDS) -> int:
    return int(time.time() // seconds)


def _retry_after(seconds: int = WINDOW_SECONDS) -> int:
    """Seconds until the current window ends (the counts start again then)."""
    return seconds - int(time.time()) % seconds


def _count(key: str, seconds: int = WINDOW_SECONDS) -> int:
    """Add one to the counter `key` of the current window and return the new count."""
    counter_cache.add(key, 0, timeout=seconds + 5)
    try:
        return counter_cache.incr(key)
    except ValueError:  # the key expired between add and incr
        counter_cache.add(key, 1, timeout=seconds + 5)
        return 1


def _too_many(limit: int, seconds: int, network: bool) -> str:
    """The first sentence of a refusal: a whole sentence per window and per counter."""
    params = {"limit": limit, "count": seconds}
    if network:
        spans = {
            60: _("Too many from your network in a minute (%(limit)s at most)."),
            3600: _("Too many from your network in an hour (%(limit)s at most)."),
            86400: _("Too many from your network in a day (%(limit)s at most)."),
        }
        other = ngettext("Too many from your network in %(count)s second (%(limit)s at most).",
                         "Too many from your network in %(count)s seconds (%(limit)s at most).",
                         seconds)  # fmt: skip
    else:
        spans = {
            60: _("Too many in a minute (%(limit)s at most)."),
            3600: _("Too many in an hour (%(limit)s at most)."),
            86400: _("Too many in a day (%(limit)s at most)."),
        }
        other = ngettext("Too many in %(count)s second (%(limit)s at most).",
                         "Too many in %(count)s seconds (%(limit)s at most).", seconds)  # fmt: skip
    return spans.get(seconds, other) % params


def _refusal(
    limit: int, retry_after: int, seconds: int = WINDOW_SECONDS, *, network: bool = False
) -> str:
    # Two whole sentences: how many were too many, and when to come back.
    again = ngettext("Try again in %(count)s second.", "Try again in %(count)s seconds.",
                     retry_after) % {"count": retry_after}  # fmt: skip
    return f"{_too_many(limit, seconds, network)} {again}"


def _is_system(actor: Any) -> bool:
    from debate import permissions  # it imports the models; this module is imported early

    return actor is not None and actor is getattr(permissions, "SYSTEM", object())


def _limit(action: str, limit: int, key: str, *, network: bool = False) -> None:
    seconds = _window_of(action)
    if _count(f"rate:{action}:{key}:{_window(seconds)}", seconds) > limit:
        retry_after = _retry_after(seconds)
        refusal = RateLimited(_refusal(limit, retry_after, seconds, network=network),
                              retry_after=retry_after)  # fmt: skip
        last_refusal.set(refusal)
        raise refusal


def check_rate(actor: Any, action: str) -> None:
    """Count one `action` by `actor` and by the current request's address; refuse past either
    limit for the current window. Actions without a limit (or a limit of 0) are not counted."""
    limit = settings.RATE_LIMITS.get(action)
    if not limit or _is_system(actor):
        return
    address_only = action in ADDRESS_ONLY
    if not address_only and getattr(actor, "is_authenticated", False) and actor.pk is not None:
        _limit(action, limit, f"user:{actor.pk}")
    address = current_address.get()
    if address is not None:
        factor = 1 if address_only else max(1, settings.RATE_LIMIT_ADDRESS_FACTOR)
        _limit(action, limit * factor, f"addr:{address}", network=True)


def check_rate_key(action: str, key: Any) -> None:
    """Count one `action` for `key` (a user, or any string such as an e-mail address, compared
    without case); refuse past settings.RATE_LIMITS[action] for the action's window."""
    limit = settings.RATE_LIMITS.get(action)
    if not limit:
        return
    raw = f"user:{key.pk}" if hasattr(key, "pk") else f"key:{str(key).strip().lower()}"
    # Hashed: keys stay short and safe for any cache, and no e-mail address sits in Redis.
    _limit(action, limit, hashlib.sha256(raw.encode()).hexdigest()[:32])


# --- heavy anonymous reads, per client address ------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The client's address as django-axes sees it (PROXY_COUNT decides whether
    X-Forwarded-For is trusted), so that the lockout and this throttle agree on who is who."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "unknown"


def heavy_read_refusal(request: HttpRequest, name: str) -> RateLimited | None:
    """Count one anonymous heavy read `name` from the request's address; the refusal past
    settings.HEAVY_READS_PER_MINUTE, else None. Signed-in users are never counted."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return None
    limit = settings.HEAVY_READS_PER_MINUTE
    if limit <= 0:  # 0 turns the throttle off
        return None
    count = _count(f"heavy:{name}:{client_address(request)}:{_window()}")
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


class WriteThrottle(ScopedRateThrottle):
    """DRF's scoped throttle (API_WRITE_RATE for scope `writes`), counting in `counter_cache`
    so that an unreachable Redis makes it count per process instead of failing the request."""

    cache = counter_cache


# --- failed logins per address ---------------------------------------------------------------


def address_login_failures(address: str) -> int:
    """Failed logins from `address` within the lockout's cool-off, whatever the username, as
    django-axes recorded them (in the database: every process sees them, Redis or not)."""
    from axes.models import AccessAttempt
    from django.db.models import Sum
    from django.utils import timezone

    since = timezone.now() - timezone.timedelta(hours=settings.AXES_COOLOFF_TIME)
    failures = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=since
    ).aggregate(total=Sum("failures_since_start"))["total"]  # fmt: skip
    return failures or 0


class AddressLoginBackend:
    """First of AUTHENTICATION_BACKENDS: refuses every login attempt from an address that
    failed LOGIN_FAILURES_PER_ADDRESS times within the cool-off, before any other backend
    runs, so that spraying many usernames from one address is locked out (axes alone locks a
    username per address) and costs no password hashing past the limit. The refusal is
    answered by AxesMiddleware with the lockout page (429), like axes' own."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        limit = settings.LOGIN_FAILURES_PER_ADDRESS
        if request is None or not settings.AXES_ENABLED or limit <= 0:
            return None
        if address_login_failures(client_address(request)) >= limit:
            request.axes_locked_out = True  # AxesMiddleware turns this into its lockout page
            raise PermissionDenied(_("Too many failed logins from this address."))
        return None
    # No get_user: it authenticates nobody, so no session may name it as its backend (the
    # test client's force_login picks the first backend that has one).
