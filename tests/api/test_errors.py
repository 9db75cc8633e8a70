"""Bad input gets one JSON error shape and a 4xx, never a 500; writes are throttled."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rest_framework.throttling import SimpleRateThrottle

from debate import ratelimit
from debate.arguments.models import Vote
from tests.api.helpers import API, error_of, token_client, url
from tests.helpers import rows_of

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def moderator_client(api_world):
    return token_client(api_world.moderator)


def post_raw(client, path: str, body: bytes, content_type: str = JSON):
    return client.post(path, data=body, content_type=content_type)


@pytest.mark.parametrize(
    "body",
    [b'{"text": ', b"{'single': 'quotes'}", b'{"value": NaN}', b"\xff\xfe", b'{"a": 1}}'],
    ids=["truncated", "single-quotes", "nan", "not-utf8", "trailing-brace"],
)
def test_malformed_json_is_400_parse_error(api_world, moderator_client, body):
    before = rows_of()

    response = post_raw(moderator_client, url("claims/"), body)

    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"
    assert rows_of() == before


@pytest.mark.parametrize("body", [b"[1, 2]", b'"a string"', b"42", b"null", b"true"])
def test_a_body_that_is_not_an_object_is_400(api_world, moderator_client, body):
    before = rows_of()

    response = post_raw(moderator_client, url("claims/"), body)

    assert response.status_code == 400
    assert error_of(response)["fields"]
    assert rows_of() == before


def test_form_encoded_body_is_415(api_world, moderator_client):
    response = post_raw(
        moderator_client, url("claims/"), b"stance=pro&text=x", "application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"stance": ["pro"], "text": "A claim.", "position_id": 1}, "stance"),
        ({"stance": "pro", "text": {"a": 1}, "position_id": 1}, "text"),
        ({"stance": "pro", "text": "A claim.", "position_id": 1.5}, "position_id"),
        ({"stance": "pro", "text": "A claim.", "position_id": True}, "position_id"),
        ({"stance": "pro", "text": "A claim.", "position_id": [1]}, "position_id"),
        ({"stance": "maybe", "text": "A claim.", "position_id": 1}, "stance"),
        ({"stance": "pro", "text": "", "position_id": 1}, "text"),
        ({"stance": "pro", "text": "   ", "position_id": 1}, "text"),
        ({"stance": "pro", "text": "x" * 1001, "position_id": 1}, "text"),
        ({"stance": "pro", "text": "nul\u0000byte", "position_id": 1}, "text"),
        ({"stance": "pro", "text": "A claim."}, "position_id"),
        ({"stance": "pro", "text": "A claim.", "position_id": 0}, "position_id"),
        ({"stance": "pro", "text": "A claim.", "position_id": -1}, "position_id"),
        ({"stance": "pro", "text": "A claim.", "position_id": 10**30}, "position_id"),
        ({"stance": "pro", "text": "A claim.", "parent_id": 10**30}, "parent_id"),
        ({"stance": "pro", "text": "A claim.", "position_id": 1, "author": "x"}, "author"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_bad_claim_input_is_400_with_the_field_named(api_world, moderator_client, payload, field):
    if type(payload.get("position_id")) is int and payload["position_id"] == 1:
        payload["position_id"] = api_world.position_now.pk
    before = rows_of()

    response = moderator_client.post(url("claims/"), payload, format="json")

    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert rows_of() == before


@pytest.mark.parametrize(
    "payload",
    [{"value": 5}, {"value": -1}, {"value": 10**30}, {"value": 2.5}, {"value": None},
     {"value": [2]}, {"value": "high"}, {}, {"value": 2, "weight": 1}],
)  # fmt: skip
def test_bad_vote_is_400_and_casts_nothing(api_world, payload):
    client = token_client(api_world.observer)

    response = client.put(url(f"claims/{api_world.claim.pk}/vote/"), payload, format="json")

    assert response.status_code == 400, response.content
    assert error_of(response)["fields"]
    assert Vote.objects.count() == 0


@pytest.mark.parametrize(
    "payload",
    [{"quote": "Ukraine"}, {"source_id": "x", "quote": "Ukraine"}, {"source_id": 1, "quote": ""},
     {"source_id": 1, "quote": "Ukraine", "start": -1}, {"source_id": 10**30, "quote": "Ukraine"},
     {"source_id": 1, "quote": "x" * 5001}, {"source_id": 1, "quote": ["Ukraine"]}],
)  # fmt: skip
def test_bad_evidence_input_is_400(api_world, payload):
    if type(payload.get("source_id")) is int and payload["source_id"] == 1:
        payload["source_id"] = api_world.source.pk
    client = token_client(api_world.observer)
    before = rows_of()

    response = client.post(url("evidence/"), payload, format="json")

    assert response.status_code == 400, response.content
    assert error_of(response)["fields"]
    assert rows_of() == before


def test_a_far_off_start_is_only_a_hint(api_world):
    """`start` says where a reader selected the quote; the quote itself decides the span."""
    response = token_client(api_world.observer).post(
        url("evidence/"),
        {"source_id": api_world.source.pk, "quote": "Critics want", "start": 10**30},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["start"] == api_world.source.text.index("Critics want")


@pytest.mark.parametrize(
    "path",
    ["claims/", "evidence/", "citations/", "teams/", "positions/", "sources/", "events/"],
)
@pytest.mark.parametrize(
    "query",
    [{"page": "abc"}, {"page": "0"}, {"page": "999"}, {"ordering": "no_such_field"},
     {"position": "x"}, {"status": "nope"}, {"after": "x"}, {"claim": str(10**30)}],
)  # fmt: skip
def test_bad_query_parameters_are_never_a_server_error(api_world, anon, path, query):
    response = anon.get(url(path), query)

    assert response.status_code < 500
    if response.status_code >= 400:
        error_of(response)


def test_events_with_a_bad_cursor_is_400(api_world, anon):
    response = anon.get(url("events/"), {"after": "yesterday"})

    assert response.status_code == 400
    assert "after" in error_of(response)["fields"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("put", "claims/"), ("delete", "claims/"), ("post", "positions/"), ("post", "teams/"),
     ("post", "sources/"), ("post", "citations/"), ("delete", ""), ("put", "phase/")],
)  # fmt: skip
def test_unsupported_method_is_405_in_the_error_shape(api_world, moderator_client, method, path):
    before = rows_of()

    response = getattr(moderator_client, method)(url(path), {}, format="json")

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert rows_of() == before


def test_service_refusal_is_403_in_the_error_shape(api_world):
    response = token_client(api_world.observer).post(
        url("phase/"), {"phase": "closed"}, format="json"
    )

    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "permission_denied"
    assert "moderator" in error["message"].lower()


@pytest.mark.parametrize(
    "send",
    [
        lambda w, c: c.post(url("claims/"), {"position_id": w.position_now.pk, "stance": "pro",
                                             "text": 42}, format="json"),
        lambda w, c: c.post(url("claims/"), {"position_id": str(w.position_now.pk),
                                             "stance": "pro", "text": "A claim."}, format="json"),
        lambda w, c: c.put(url(f"claims/{w.claim.pk}/vote/"), {"value": "2"}, format="json"),
    ],
    ids=["number-as-text", "string-as-id", "string-as-vote"],
)  # fmt: skip
def test_json_of_the_wrong_type_is_400_not_coerced(api_world, send):
    client = token_client(api_world.moderator)  # allowed to do all three: only a type is wrong
    before = rows_of()

    response = send(api_world, client)

    assert response.status_code == 400, response.content
    assert rows_of() == before


@pytest.mark.parametrize("path", [f"{API}/nope/", url("claims/abc/"), url("snapshots/v1/")])
def test_unknown_api_url_is_404_in_the_error_shape(api_world, anon, path):
    response = anon.get(path)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert error_of(response)["code"] == "not_found"


# --- throttles ------------------------------------------------------------------------------


@pytest.fixture
def three_writes_a_minute(monkeypatch, settings):
    """DRF binds THROTTLE_RATES when rest_framework.throttling is imported, so overriding
    the setting alone is not enough: patch the class attribute too."""
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "writes": "3/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


def test_fourth_write_in_a_minute_is_429_with_retry_after(api_world, three_writes_a_minute):
    client = token_client(api_world.observer)
    vote_url = url(f"claims/{api_world.claim.pk}/vote/")
    answers = [client.put(vote_url, {"value": v}, format="json").status_code for v in (1, 2, 3)]
    before = rows_of()

    response = client.put(vote_url, {"value": 4}, format="json")

    assert answers == [200, 200, 200]
    assert response.status_code == 429
    assert error_of(response)["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    assert rows_of() == before
    assert Vote.objects.get().value == 3


def test_reads_are_not_throttled(api_world, three_writes_a_minute):
    client = token_client(api_world.observer)
    for _ in range(3):
        client.put(url(f"claims/{api_world.claim.pk}/vote/"), {"value": 1}, format="json")

    answers = {client.get(url(path)).status_code for path in ("claims/", "snapshot/", "") * 2}

    assert answers == {200}


def test_throttle_counts_each_user_apart(api_world, three_writes_a_minute):
    busy = token_client(api_world.observer)
    for _ in range(4):
        busy.put(url(f"claims/{api_world.claim.pk}/vote/"), {"value": 1}, format="json")

    response = token_client(api_world.other).put(
        url(f"claims/{api_world.claim.pk}/vote/"), {"value": 2}, format="json"
    )

    assert response.status_code == 200


def test_claims_past_the_per_user_rate_limit_are_429_with_retry_after(
    api_world, settings, monkeypatch
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "claim": 2}
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 6_000_030.0))
    client = token_client(api_world.own)

    def create(n):
        payload = {"position_id": api_world.position_now.pk, "stance": "pro", "text": f"C{n}."}
        return client.post(url("claims/"), payload, format="json")

    answers = [create(n).status_code for n in range(2)]
    before = rows_of()
    refused = create(3)

    assert answers == [201, 201]
    assert refused.status_code == 429
    assert error_of(refused)["code"] == "rate_limited"
    assert refused["Retry-After"] == "30"
    assert rows_of() == before
