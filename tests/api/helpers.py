"""Helpers and fixtures for API tests (tests/api and tests/snapshots import them).

| fixture / helper     | what                                                               |
|----------------------|--------------------------------------------------------------------|
| `anon`               | an APIClient with no credentials                                   |
| `session_client(u)`  | an APIClient logged in as `u` through the session                  |
| `token_client(u)`    | an APIClient sending `Authorization: Bearer <full token of u>`      |
| `api_world`          | the shared cast, Team Now's claim by debater_now, proposed evidence |

Throttle counters live in the cache, so every test starts with it empty.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from debate.accounts.services import token_create
from debate.sources.models import EvidenceStatus
from tests.factories import CitationFactory, ClaimFactory, EvidenceFactory

API = "/api/v1"
SLUG = "ukraine-nato"  # the shared `debate` fixture's slug


def url(path: str, slug: str = SLUG) -> str:
    """`url("claims/")` → /api/v1/debates/ukraine-nato/claims/."""
    return f"{API}/debates/{slug}/{path}"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def token_client(user, *, read_only: bool = False) -> APIClient:
    _, raw = token_create(actor=user, user=user, name="tests", read_only=read_only)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


def error_of(response) -> dict:
    """The one error shape: {"error": {"status", "code", "message", "fields"}}."""
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"status", "code", "message", "fields"}, error
    assert error["status"] == response.status_code
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return error




@pytest.fixture
def api_world(world, debate, position_now, team_now, team_after, debater_now, debater_after,
              source):  # fmt: skip
    """The shared world (tests/conftest.py), with `own` (debater_now), `other`
    (debater_after), and:

    - `claim`: Team Now's claim under "now", written by debater_now ("own");
    - `rebuttal`: debater_after's con reply to it;
    - `proposed`: evidence proposed on the source, waiting for review;
    - `approved`: approved evidence on the source, which `claim` cites (`citation`).
    """
    claim = ClaimFactory(
        debate=debate, position=position_now, author=debater_now, team=team_now,
        text="Accession talks now deny Russia a veto over enlargement.",
    )  # fmt: skip
    rebuttal = ClaimFactory(
        parent=claim, stance="con", author=debater_after, team=team_after,
        text="Talks during a war invite escalation.",
    )  # fmt: skip
    proposed = EvidenceFactory(source=source, start=0, end=8, status=EvidenceStatus.PROPOSED)
    approved = EvidenceFactory(source=source, start=10, end=20)
    citation = CitationFactory(claim=claim, evidence=approved)
    vars(world).update(
        own=debater_now, other=debater_after, claim=claim, rebuttal=rebuttal, proposed=proposed,
        approved=approved, citation=citation,
    )  # fmt: skip
    return world
