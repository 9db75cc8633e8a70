"""Redis is a cache, not a single point of failure.

The cache points at a real Redis URL nobody listens on (`redis://127.0.0.1:1/0`: connections
are refused). Page writes and API writes still succeed (before: every API write and every
rate-limited page write was a 500, HTML even under /api/); the limits still hold, counted in
this process (debate.ratelimit.FallbackCache) with one logged warning; DRF's throttle and
the maps' shared tier degrade the same way; nothing answers 5xx.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from debate import ratelimit
from debate.arguments.models import Claim, Vote
from tests.factories import ClaimFactory

UNREACHABLE = "redis://127.0.0.1:1/0"
FROZEN_TIME = 1_800_000_030.0


@pytest.fixture
def redis_down(monkeypatch):
    """The cache is the unreachable Redis for the test (override_settings rather than the
    `settings` fixture: the shared cache-emptying fixture must see the working cache again)."""
    caches = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": UNREACHABLE,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: FROZEN_TIME))
    with override_settings(CACHES=caches):
        yield
    ratelimit.counter_cache.reset()


@pytest.fixture
def their_claim(debate, position_after, debater_after, team_after):
    return ClaimFactory(debate=debate, position=position_after, author=debater_after,
                        team=team_after, text="Their claim.")  # fmt: skip


def signed_in(user, api: bool = False):
    client = APIClient() if api else Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_the_cache_really_is_unreachable(redis_down):
    from django.core.cache import cache

    with pytest.raises(Exception, match="(?i)connect"):
        cache.get("anything")


def test_page_writes_succeed(redis_down, debate, position_now, debater_now, their_claim):
    client = signed_in(debater_now)

    compose = client.post(
        f"/d/{debate.slug}/compose/",
        {"position": position_now.pk, "stance": "pro", "text": "Still here."},
    )
    vote = client.post(f"/d/{debate.slug}/claims/{their_claim.pk}/vote/", {"value": "2"})

    assert compose.status_code == 302, compose.content[:500]
    assert vote.status_code == 302, vote.content[:500]
    assert Claim.objects.filter(text="Still here.").exists()
    assert Vote.objects.get(claim=their_claim, user=debater_now).value == 2


def test_htmx_page_writes_succeed(redis_down, debate, debater_now, their_claim):
    client = signed_in(debater_now)

    response = client.post(f"/d/{debate.slug}/claims/{their_claim.pk}/vote/", {"value": "4"},
                           HTTP_HX_REQUEST="true")  # fmt: skip

    assert response.status_code == 200, response.content[:500]
    assert Vote.objects.get(claim=their_claim, user=debater_now).value == 4


def test_api_writes_succeed_as_json(redis_down, debate, position_now, debater_now, their_claim):
    client = signed_in(debater_now, api=True)

    created = client.post(f"/api/v1/debates/{debate.slug}/claims/",
                          {"position_id": position_now.pk, "stance": "pro", "text": "Via API."},
                          format="json")  # fmt: skip
    voted = client.put(f"/api/v1/debates/{debate.slug}/claims/{their_claim.pk}/vote/",
                       {"value": 1}, format="json")  # fmt: skip

    assert created.status_code == 201, created.content[:500]
    assert voted.status_code == 200, voted.content[:500]
    assert Vote.objects.get(claim=their_claim, user=debater_now).value == 1


def test_the_limits_still_hold_counted_in_this_process(redis_down, settings, debate,
                                                       position_now, debater_now):  # fmt: skip
    settings.RATE_LIMITS = {"claim": 2}
    client = signed_in(debater_now, api=True)

    answers = [
        client.post(f"/api/v1/debates/{debate.slug}/claims/",
                    {"position_id": position_now.pk, "stance": "pro", "text": f"Claim {n}."},
                    format="json").status_code  # fmt: skip
        for n in range(3)
    ]

    assert answers == [201, 201, 429]
    assert Claim.objects.filter(author=debater_now).count() == 2


def test_drf_throttle_counts_in_this_process(redis_down, monkeypatch, debate, debater_now):
    # DRF reads its rates once, at import: the class attribute is what it uses.
    monkeypatch.setattr(ratelimit.WriteThrottle, "THROTTLE_RATES", {"writes": "2/minute"})
    claims = [ClaimFactory(debate=debate, text=f"Claim {n}.") for n in range(3)]
    client = signed_in(debater_now, api=True)

    answers = [
        client.put(f"/api/v1/debates/{debate.slug}/claims/{c.pk}/vote/", {"value": 1},
                   format="json").status_code  # fmt: skip
        for c in claims
    ]

    assert answers == [200, 200, 429]


def test_one_warning_for_the_outage_not_one_per_request(redis_down, caplog, debate, debater_now,
                                                         their_claim):  # fmt: skip
    client = signed_in(debater_now)
    with caplog.at_level(logging.WARNING, logger="debate.ratelimit"):
        for value in ("1", "2", "3"):
            client.post(f"/d/{debate.slug}/claims/{their_claim.pk}/vote/", {"value": value})

    warnings = [r for r in caplog.records if "shared cache is unavailable" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.parametrize("path", ["/d/{slug}/", "/d/{slug}/?whole=1", "/d/{slug}/results/",
                                  "/api/v1/debates/{slug}/snapshot/", "/api/v1/debates/{slug}/"])
def test_reads_that_use_the_cache_still_answer(redis_down, debate, their_claim, path):
    response = Client(raise_request_exception=False).get(path.format(slug=debate.slug))

    assert response.status_code == 200, response.content[:500]


def test_signup_and_login_still_work(redis_down, db):
    client = Client(raise_request_exception=False)

    response = client.post("/accounts/signup/", {"username": "newcomer",
                                                 "password1": "a long enough pass 42",
                                                 "password2": "a long enough pass 42"})  # fmt: skip

    assert response.status_code == 302, response.content[:500]
    client.logout()
    login = client.post("/accounts/login/", {"username": "newcomer",
                                             "password": "a long enough pass 42"})  # fmt: skip
    assert login.status_code == 302
