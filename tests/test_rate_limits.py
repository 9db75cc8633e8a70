"""Per-user rate limits on posting claims, proposing evidence and voting (debate.ratelimit).

With the limits lowered to 3 a minute, the 4th write by one user is refused with 429, a
clear message and Retry-After, through the page (plain and htmx) and the API alike; the
refused request saves nothing, and other users are not affected. The count lives in the
shared cache, so two app-server processes pointed at one Redis enforce one limit.

The clock of debate.ratelimit is frozen in the middle of a minute, so that no test can
straddle two windows.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from debate import ratelimit
from tests.factories import ClaimFactory
from tests.helpers import rows_of

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 3
FROZEN_TIME = 1_800_000_030.0  # 30 seconds into a minute: Retry-After is 30
RETRY_AFTER = 30
REFUSAL = f"Too many in a minute ({LIMIT} at most). Try again in {RETRY_AFTER} seconds."
REDIS_TEST_URL = "redis://127.0.0.1:6379/14"
HX = {"HTTP_HX_REQUEST": "true"}
# Exact passages of conftest.SOURCE_TEXT, one per proposal.
QUOTES = [
    "signed nine bilateral security agreements",
    "never a replacement for membership",
    "Critics want the war to end first.",
    "the authors reply",
    "Ukraine’s allies",
]


@pytest.fixture
def limits(settings, monkeypatch):
    settings.RATE_LIMITS = {"claim": LIMIT, "evidence": LIMIT, "vote": LIMIT}
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: FROZEN_TIME))


@pytest.fixture
def world(world, debate, position_now, position_after, team_after, debater_now, debater_after):
    """The shared world: debater_now (`writer`) writes under `position` ("now");
    debater_after (`other`) wrote the `targets`, the claims debater_now votes on."""
    targets = [
        ClaimFactory(
            debate=debate,
            position=position_after,
            author=debater_after,
            team=team_after,
            text=f"Claim {i} by the other team.",
        )
        for i in range(LIMIT + 2)
    ]
    vars(world).update(
        position=position_now, writer=debater_now, other=debater_after, targets=targets
    )
    return world


# --- one write, by action and by channel ---------------------------------------------------


@dataclass
class Channel:
    name: str
    htmx: bool = False
    api: bool = False

    def client(self, user):
        client = APIClient() if self.api else Client()
        client.force_login(user)
        return client

    @property
    def ok(self) -> set[int]:
        return {200, 201} if self.api else ({200} if self.htmx else {302})


PLAIN, HTMX, API = Channel("page"), Channel("htmx", htmx=True), Channel("api", api=True)


def write(action: str, channel: Channel, client, world, n: int):
    """The n-th write of `action` (0-based) through `channel`."""
    slug = world.debate.slug
    extra = HX if channel.htmx else {}
    if action == "claim":
        text = f"Claim number {n} from the rate-limit test."
        if channel.api:
            return client.post(
                f"/api/v1/debates/{slug}/claims/",
                {"position_id": world.position.pk, "stance": "pro", "text": text},
                format="json",
            )
        return client.post(
            reverse("compose", args=[slug]),
            {"position": world.position.pk, "stance": "pro", "text": text},
            **extra,
        )
    if action == "evidence":
        if channel.api:
            return client.post(
                f"/api/v1/debates/{slug}/evidence/",
                {"source_id": world.source.pk, "quote": QUOTES[n]},
                format="json",
            )
        return client.post(
            reverse("evidence-propose", args=[slug, world.source.pk]),
            {"quote": QUOTES[n]},
            **extra,
        )
    target = world.targets[n]
    if channel.api:
        return client.put(
            f"/api/v1/debates/{slug}/claims/{target.pk}/vote/", {"value": 3}, format="json"
        )
    return client.post(reverse("claim-vote", args=[slug, target.pk]), {"value": "3"}, **extra)


def message_of(response, channel: Channel) -> str:
    if channel.api:
        error = response.json()["error"]
        assert error["code"] == "rate_limited", error
        return error["message"]
    return response.content.decode()


ACTIONS = ["claim", "evidence", "vote"]
CHANNELS = [PLAIN, HTMX, API]


@pytest.mark.parametrize("channel", CHANNELS, ids=lambda c: c.name)
@pytest.mark.parametrize("action", ACTIONS)
def test_fourth_write_in_a_minute_is_refused_with_429_and_saves_nothing(
    limits, world, action, channel
):
    client = channel.client(world.writer)
    allowed = [write(action, channel, client, world, n).status_code for n in range(LIMIT)]
    before = rows_of()

    response = write(action, channel, client, world, LIMIT)

    assert all(status in channel.ok for status in allowed), allowed
    assert response.status_code == 429
    assert REFUSAL in message_of(response, channel)
    assert 0 < int(response["Retry-After"]) <= 60
    assert rows_of() == before


@pytest.mark.parametrize("channel", [PLAIN, HTMX], ids=lambda c: c.name)
def test_htmx_and_plain_refusals_show_the_message_in_an_alert(limits, world, channel):
    client = channel.client(world.writer)
    for n in range(LIMIT):
        write("claim", channel, client, world, n)
    html = write("claim", channel, client, world, LIMIT).content.decode()
    assert re.search(r'role="alert"[^>]*>[^<]*Too many in a minute', html), html[:2000]
    if channel.htmx:
        assert "<html" not in html  # the fragment, not a whole page into the target


@pytest.mark.parametrize("channel", CHANNELS, ids=lambda c: c.name)
@pytest.mark.parametrize("action", ACTIONS)
def test_another_user_is_not_affected_by_a_limited_one(limits, world, action, channel):
    busy = channel.client(world.writer)
    for n in range(LIMIT + 1):
        write(action, channel, busy, world, n)
    assert write(action, channel, busy, world, LIMIT).status_code == 429

    # The other debater votes on the writer's claims rather than on their own.
    if action == "vote":
        world.targets = [
            ClaimFactory(
                debate=world.debate,
                position=world.position,
                author=world.writer,
                text=f"Writer's claim {i}.",
            )
            for i in range(LIMIT + 2)
        ]
    response = write(action, channel, channel.client(world.other), world, LIMIT + 1)

    assert response.status_code in channel.ok


def test_page_and_api_count_against_one_limit(limits, world):
    page, api = PLAIN.client(world.writer), API.client(world.writer)
    assert write("claim", PLAIN, page, world, 0).status_code == 302
    assert write("claim", API, api, world, 1).status_code == 201
    assert write("claim", HTMX, page, world, 2).status_code == 200
    assert write("claim", API, api, world, 3).status_code == 429
    assert write("claim", PLAIN, page, world, 4).status_code == 429


def test_refused_writes_of_one_kind_leave_the_other_kinds_open(limits, world):
    client = PLAIN.client(world.writer)
    for n in range(LIMIT + 1):
        write("claim", PLAIN, client, world, n)
    assert write("vote", PLAIN, client, world, 0).status_code == 302
    assert write("evidence", PLAIN, client, world, 0).status_code == 302


def test_api_retry_after_is_the_seconds_left_in_the_minute(limits, world):
    client = API.client(world.writer)
    for n in range(LIMIT):
        write("claim", API, client, world, n)
    response = write("claim", API, client, world, LIMIT)
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert response.json()["error"]["message"] == REFUSAL


@pytest.mark.parametrize("channel", [PLAIN, HTMX], ids=lambda c: c.name)
@pytest.mark.parametrize("action", ACTIONS)
def test_page_retry_after_is_the_seconds_left_in_the_minute(limits, world, action, channel):
    client = channel.client(world.writer)
    for n in range(LIMIT):
        write(action, channel, client, world, n)
    response = write(action, channel, client, world, LIMIT)
    assert response.status_code == 429
    assert response["Retry-After"] == str(RETRY_AFTER)


# --- one limit across processes (Redis) -----------------------------------------------------


@pytest.fixture
def shared_redis(settings, limits):
    """Point this process's cache at Redis db 14, emptied before and after."""
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError) as exc:
        message = f"Redis does not answer at {REDIS_TEST_URL}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: the shared limit must be shown on CI)", pytrace=False)
        pytest.skip(message)
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    cache.clear()
    yield
    cache.clear()


# A second app-server process: its own interpreter, configured only through the environment
# (REDIS_URL, RATE_LIMIT_CLAIMS), counting claims for one user id with the same frozen clock.
OTHER_PROCESS = """
import os, sys, types
import django
django.setup()
from debate import ratelimit
from django.conf import settings
assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
ratelimit.time = types.SimpleNamespace(time=lambda: float(os.environ["FROZEN_TIME"]))
actor = types.SimpleNamespace(pk=int(sys.argv[1]), is_authenticated=True)
answers = []
for _ in range(int(sys.argv[2])):
    try:
        ratelimit.check_rate(actor, "claim")
        answers.append("ok")
    except ratelimit.RateLimited as error:
        answers.append("refused:" + error.message)
print("|".join(answers))
"""


def claims_in_other_process(user_id: int, count: int) -> list[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "debate.settings",
        "REDIS_URL": REDIS_TEST_URL,
        "RATE_LIMIT_CLAIMS": str(LIMIT),
        "FROZEN_TIME": repr(FROZEN_TIME),
    }
    env.pop("DJANGO_ENV", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", OTHER_PROCESS, str(user_id), str(count)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split("|")


def test_claims_counted_in_another_process_limit_this_one(shared_redis, world):
    assert claims_in_other_process(world.writer.pk, LIMIT) == ["ok"] * LIMIT
    before = rows_of()

    response = write("claim", PLAIN, PLAIN.client(world.writer), world, 0)

    assert response.status_code == 429
    assert escape(REFUSAL) in response.content.decode()
    assert rows_of() == before


def test_claims_counted_here_limit_another_process(shared_redis, world):
    client = HTMX.client(world.writer)
    assert [write("claim", HTMX, client, world, n).status_code for n in range(LIMIT)] == [200] * 3

    assert claims_in_other_process(world.writer.pk, 1) == [f"refused:{REFUSAL}"]


def test_other_process_counts_each_user_apart(shared_redis, world):
    client = PLAIN.client(world.writer)
    for n in range(LIMIT + 1):
        write("claim", PLAIN, client, world, n)
    assert claims_in_other_process(world.other.pk, LIMIT) == ["ok"] * LIMIT
