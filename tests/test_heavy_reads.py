"""The per-address throttle on anonymous heavy reads (debate.ratelimit.heavy_read and
HeavyReadThrottle).

With the default limit of 30 a minute, the 31st anonymous request from one address is refused
with 429, Retry-After and a short message (the API's JSON error shape under /api/, the page or
its htmx fragment elsewhere); signed-in people and other addresses are not counted against it;
when the cache cannot be reached, requests are served, not refused and not 500.

The views here are tiny stand-ins served by this module's URLconf, so the tests do not depend
on how the real map views are built; the real snapshot endpoint gets one end-to-end test. The
clock of debate.ratelimit is frozen in the middle of a minute, so no test straddles two windows.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from debate import ratelimit
from debate.api import views as api_views
from debate.urls import urlpatterns as site_urlpatterns
from tests.api.helpers import token_client

LIMIT = 30  # the default of HEAVY_READS_PER_MINUTE
FROZEN_TIME = 1_800_000_030.0  # 30 seconds into a minute: Retry-After is 30
RETRY_AFTER = 30
REFUSAL = f"Too many in a minute ({LIMIT} at most). Try again in {RETRY_AFTER} seconds."
HX = {"HTTP_HX_REQUEST": "true"}
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


@ratelimit.heavy_read("whole_map")
def whole_map(request):
    return HttpResponse("the whole map")


@ratelimit.heavy_read("whole_map", when=lambda request: request.GET.get("whole") == "1")
def sometimes_heavy(request):
    return HttpResponse("a map, whole or in part")


class HeavyApiRead(APIView):
    throttle_classes = [ratelimit.HeavyReadThrottle]

    def get(self, request):
        return Response({"ok": True})


# The site's own patterns too: the 429 page extends base.html, which links to named URLs.
urlpatterns = [
    path("heavy/", whole_map),
    path("api/heavy/", whole_map),
    path("map/", sometimes_heavy),
    path("api/drf-heavy/", HeavyApiRead.as_view()),
    *site_urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch, settings):
    settings.HEAVY_READS_PER_MINUTE = LIMIT
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: FROZEN_TIME))


def statuses(client, url: str, times: int, **extra) -> list[int]:
    return [client.get(url, **extra).status_code for _ in range(times)]


def test_31st_anonymous_read_in_a_minute_is_429_with_retry_after():
    client = Client()
    allowed = statuses(client, "/heavy/", LIMIT)

    response = client.get("/heavy/")

    assert allowed == [200] * LIMIT
    assert response.status_code == 429
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert REFUSAL in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_htmx_refusal_is_the_message_fragment_not_a_page():
    client = Client()
    statuses(client, "/heavy/", LIMIT, **HX)

    response = client.get("/heavy/", **HX)

    html = response.content.decode()
    assert response.status_code == 429
    assert REFUSAL in html
    assert "<html" not in html


def test_refusal_under_api_is_the_json_error_shape():
    client = Client()
    statuses(client, "/api/heavy/", LIMIT)

    response = client.get("/api/heavy/")

    assert response.status_code == 429
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert response.json() == {
        "error": {"status": 429, "code": "rate_limited", "message": REFUSAL, "fields": {}}
    }


def test_drf_throttle_refuses_the_31st_anonymous_api_read():
    client = APIClient()
    allowed = statuses(client, "/api/drf-heavy/", LIMIT)

    response = client.get("/api/drf-heavy/")

    assert allowed == [200] * LIMIT
    assert response.status_code == 429
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert response.json()["error"]["code"] == "rate_limited"
    assert response.json()["error"]["message"] == REFUSAL


def test_signed_in_users_are_not_limited(observer):
    session = Client()
    session.force_login(observer)
    token = token_client(observer)

    assert statuses(session, "/heavy/", LIMIT + 5) == [200] * (LIMIT + 5)
    assert statuses(token, "/api/drf-heavy/", LIMIT + 5) == [200] * (LIMIT + 5)


def test_another_address_is_not_affected():
    busy = Client(REMOTE_ADDR="10.0.0.1")
    statuses(busy, "/heavy/", LIMIT)
    assert busy.get("/heavy/").status_code == 429

    assert Client(REMOTE_ADDR="10.0.0.2").get("/heavy/").status_code == 200


def test_a_forged_forwarded_for_does_not_dodge_the_limit_without_proxies(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 0
    client = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(LIMIT):
        client.get("/heavy/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    response = client.get("/heavy/", HTTP_X_FORWARDED_FOR="203.0.113.200")

    assert response.status_code == 429


def test_behind_a_proxy_each_forwarded_address_counts_apart(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    statuses(proxy, "/heavy/", LIMIT + 1, HTTP_X_FORWARDED_FOR="203.0.113.1, 10.0.0.1")

    response = proxy.get("/heavy/", HTTP_X_FORWARDED_FOR="203.0.113.2, 10.0.0.1")

    assert proxy.get("/heavy/", HTTP_X_FORWARDED_FOR="203.0.113.1, 10.0.0.1").status_code == 429
    assert response.status_code == 200


def test_only_the_requests_the_view_calls_heavy_are_counted():
    client = Client()
    light = statuses(client, "/map/", LIMIT + 5)
    heavy = statuses(client, "/map/?whole=1", LIMIT + 1)

    assert light == [200] * (LIMIT + 5)
    assert heavy == [200] * LIMIT + [429]
    assert client.get("/map/").status_code == 200


def test_limit_zero_turns_the_throttle_off(settings):
    settings.HEAVY_READS_PER_MINUTE = 0

    assert statuses(Client(), "/heavy/", LIMIT + 5) == [200] * (LIMIT + 5)


def test_cache_down_counts_reads_in_this_process_with_a_warning(caplog):
    """An unreachable Redis is neither a 500 nor an open door: the count goes on in this
    process (debate.ratelimit.FallbackCache), so the limit still holds per process."""
    # A context manager, not the `settings` fixture: the shared cache fixture clears the cache
    # after the test, and must find the working one back by then.
    unreachable = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": UNREACHABLE_REDIS,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    with override_settings(CACHES=unreachable), caplog.at_level(logging.WARNING):
        pages = statuses(Client(), "/heavy/", LIMIT + 1)
        api = statuses(APIClient(), "/api/drf-heavy/", LIMIT + 1)

    assert pages == [200] * LIMIT + [429]
    assert api == [200] * LIMIT + [429]
    assert "shared cache is unavailable" in caplog.text


def test_the_snapshot_endpoints_use_the_heavy_read_throttle():
    for view in (api_views.DebateSnapshot, api_views.SnapshotDetail, api_views.SnapshotDiff):
        assert ratelimit.HeavyReadThrottle in view.throttle_classes, view


def test_31st_anonymous_live_snapshot_is_429(debate):
    client = APIClient()
    url = f"/api/v1/debates/{debate.slug}/snapshot/"
    allowed = statuses(client, url, LIMIT)

    response = client.get(url)

    assert allowed == [200] * LIMIT
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert response["Retry-After"] == str(RETRY_AFTER)
