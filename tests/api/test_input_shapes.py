"""The shape of what the API is sent: odd Authorization headers, huge values, ids that are
digits only in Unicode's eyes, and one answer for a debate that is private or missing.

Every write goes through an input serializer; every refusal is a 4xx in the one error shape,
quotes at most a short prefix of what was sent, and changes nothing.
"""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from debate.debates.models import Debate
from tests.api.helpers import error_of, session_client, token_client, url
from tests.factories import DebateFactory
from tests.helpers import rows_of

HUGE = "x" * 1_000_000
# An answer to a 1 MB value may name the field and quote a prefix, nothing like the value.
SMALL = 10_000


# --- the Authorization header --------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "\xa0",  # a no-break space: str.split() sees whitespace and nothing else
        " ",
        "\t",
        "\u2003",  # an em space, outside Latin-1
        "Bearer\xa0dbt_x",
        "\xa0Bearer dbt_x",
        "Bearer \xa0",
        "Bearer \u2028dbt_x",
        "Bearer ✓",
        "Bearer dbt_x\x00",
        "\x00",
        "Bearer " + "y" * 100_000,
    ],
    ids=[
        "nbsp", "space", "tab", "em-space", "bearer-nbsp-token", "nbsp-bearer", "bearer-nbsp",
        "bearer-line-separator", "bearer-check-mark", "bearer-token-null", "null",
        "bearer-100k",
    ],
)  # fmt: skip
def test_odd_authorization_header_is_a_clean_4xx_or_anonymous(api_world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    before = rows_of()

    read = client.get(url("claims/"))
    write = client.post(url("phase/"), {"phase": "voting"}, format="json")

    # Not a credential of ours: read as a visitor (200) or refused as a bad token (401).
    assert read.status_code in (200, 401), read.content[:300]
    assert write.status_code in (401, 403), write.content[:300]
    error_of(write)
    assert len(write.content) < SMALL
    assert rows_of() == before


def test_bearer_scheme_is_case_insensitive_and_a_real_token_still_works(api_world):
    raw = token_client(api_world.moderator)._credentials["HTTP_AUTHORIZATION"].split(" ", 1)[1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"bearer   {raw}  ")

    response = client.post(url("phase/"), {"phase": "voting"}, format="json")

    assert response.status_code == 200, response.content
    assert Debate.objects.get(pk=api_world.debate.pk).phase == "voting"


# --- huge values ---------------------------------------------------------------------------


def _writes(w) -> list[tuple[str, str, dict]]:
    """(method, url, body with one huge value) for every API write that takes a body."""
    claim = w.claim.pk
    return [
        ("post", url("claims/"), {"position_id": w.position_now.pk, "stance": "pro",
                                  "text": HUGE}),
        ("post", url("claims/"), {"position_id": w.position_now.pk, "stance": HUGE,
                                  "text": "Fine text."}),
        ("post", url("claims/"), {"position_id": HUGE, "stance": "pro", "text": "Fine."}),
        ("post", url("claims/"), {"position_id": w.position_now.pk, "stance": "pro",
                                  "text": "Fine.", HUGE: 1}),
        ("patch", url(f"claims/{claim}/"), {"text": HUGE}),
        ("put", url(f"claims/{claim}/vote/"), {"value": HUGE}),
        ("post", url("evidence/"), {"source_id": w.source.pk, "quote": HUGE}),
        ("post", url("evidence/"), {"source_id": w.source.pk, "quote": "Ukraine", "note": HUGE}),
        ("post", url(f"evidence/{w.proposed.pk}/reject/"), {"reason": HUGE}),
        ("post", url("phase/"), {"phase": HUGE}),
        ("post", url(f"claims/{claim}/withdraw/"), {HUGE: 1}),
        ("delete", url(f"claims/{claim}/vote/"), {HUGE: 1}),
        ("post", url("snapshots/"), {HUGE: 1}),
    ]  # fmt: skip


@pytest.mark.parametrize("index", range(13))
def test_a_huge_value_is_refused_without_echoing_it(api_world, index):
    method, address, body = _writes(api_world)[index]
    who = api_world.own if "vote" not in address else api_world.other
    if "reject" in address or "phase" in address or "snapshots" in address:
        who = api_world.moderator
    client = session_client(who)
    headers = {"HTTP_IF_MATCH": f'"claim-{api_world.claim.pk}-v1"'}
    before = rows_of()

    response = getattr(client, method)(address, body, format="json", **headers)

    assert response.status_code == 400, response.content[:500]
    error_of(response)
    assert len(response.content) < SMALL, response.content[:500]
    assert rows_of() == before


def test_an_unknown_field_is_named_by_a_short_prefix(api_world):
    name = "surprise" * 100

    response = session_client(api_world.own).post(
        url("claims/"),
        {"position_id": api_world.position_now.pk, "stance": "pro", "text": "Hi", name: 1},
        format="json",
    )

    fields = error_of(response)["fields"]
    assert response.status_code == 400
    assert name not in fields
    assert all(len(key) <= 60 for key in fields), fields


# --- ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "１", "3", True, 1.0, -1, 0, 10**30, [1], {"id": 1}])
def test_an_id_that_is_not_a_json_whole_number_is_refused(api_world, value):
    before = rows_of()

    response = session_client(api_world.own).post(
        url("claims/"), {"parent_id": value, "stance": "con", "text": "A reply."}, format="json"
    )

    assert response.status_code == 400, response.content[:300]
    assert "parent_id" in error_of(response)["fields"]
    assert rows_of() == before


@pytest.mark.parametrize("after", ["²", "١", "-1", "1e3", " 1", "9" * 40])
def test_an_events_cursor_in_other_digits_is_refused(api_world, after):
    response = APIClient().get(url("events/"), {"after": after})

    assert response.status_code == 400
    assert "after" in error_of(response)["fields"]


def test_a_path_id_beyond_any_row_is_not_found(api_world):
    response = APIClient().get(url(f"claims/{10**30}/"))

    assert response.status_code == 404
    error_of(response)


# --- bodies that are not objects -------------------------------------------------------------


@pytest.mark.parametrize("body", ["[]", '"text"', "42", "null", "[1, 2]"])
@pytest.mark.parametrize("path", ["withdraw", "snapshots", "import"])
def test_a_write_without_fields_still_wants_an_object(api_world, body, path):
    address = {
        "withdraw": url(f"claims/{api_world.claim.pk}/withdraw/"),
        "snapshots": url("snapshots/"),
        "import": "/api/v1/debates/import/",
    }[path]
    who = api_world.own if path == "withdraw" else api_world.moderator
    before = rows_of()

    response = session_client(who).post(address, body, content_type="application/json")

    assert response.status_code == 400, response.content[:300]
    error_of(response)
    assert rows_of() == before


# --- a private debate reads as a missing one ------------------------------------------------


def _reads_and_writes(claim_id: int, evidence_id: int) -> list[tuple[str, str, dict | None]]:
    return [
        ("get", "", None), ("get", "positions/", None), ("get", "teams/", None),
        ("get", "claims/", None), ("get", f"claims/{claim_id}/", None),
        ("get", "sources/", None), ("get", "evidence/", None), ("get", "citations/", None),
        ("get", "snapshot/", None), ("get", "snapshots/", None), ("get", "snapshots/1/", None),
        ("get", "snapshots/1/diff/2/", None), ("get", "snapshots/1/diff/live/", None),
        ("get", "events/", None), ("get", f"claims/{claim_id}/vote/", None),
        ("post", "claims/", {"position_id": 1, "stance": "pro", "text": "Hi"}),
        ("patch", f"claims/{claim_id}/", {"text": "Hi"}),
        ("post", f"claims/{claim_id}/withdraw/", None),
        ("put", f"claims/{claim_id}/vote/", {"value": 2}),
        ("delete", f"claims/{claim_id}/vote/", None),
        ("post", "evidence/", {"source_id": 1, "quote": "Hi"}),
        ("post", f"evidence/{evidence_id}/approve/", {}),
        ("post", f"evidence/{evidence_id}/reject/", {"reason": "No"}),
        ("post", "phase/", {"phase": "voting"}),
        ("post", "snapshots/", None),
    ]  # fmt: skip


@pytest.mark.parametrize("index", range(25))
def test_a_private_debate_answers_as_a_missing_one(api_world, index):
    hidden = DebateFactory(slug="behind-closed-doors", is_public=False)
    method, path, body = _reads_and_writes(api_world.claim.pk, api_world.proposed.pk)[index]
    client = session_client(api_world.outsider)
    headers = {"HTTP_IF_MATCH": '"claim-1-v1"'}

    private = getattr(client, method)(url(path, hidden.slug), body, format="json", **headers)
    missing = getattr(client, method)(url(path, "no-such-debate"), body, format="json", **headers)

    assert private.status_code == missing.status_code == 404, (private.content, missing.content)
    assert error_of(private) == error_of(missing)


@pytest.mark.parametrize("field", ["stance", "phase"])
def test_a_lone_surrogate_in_a_choice_is_refused_and_named(api_world, field):
    """JSON may carry "\\ud800"; a refusal that quoted it raw could not be encoded (a 500)."""
    if field == "stance":
        address, who = url("claims/"), api_world.own
        body = {"position_id": api_world.position_now.pk, "text": "Fine.", "stance": "\ud800"}
    else:
        address, who, body = url("phase/"), api_world.moderator, {"phase": "\ud800"}
    before = rows_of()

    # json.dumps writes the lone surrogate as its escape, as a client's JSON would.
    response = session_client(who).post(address, json.dumps(body), content_type="application/json")

    assert response.status_code == 400, response.content[:300]
    assert field in error_of(response)["fields"]
    assert rows_of() == before


@pytest.mark.parametrize(
    ("path", "query"),
    [("claims/", "stance"), ("evidence/", "status"), ("citations/", "relation"), ("", "phase")],
)
def test_a_list_filter_refuses_a_huge_value_without_echoing_it(api_world, path, query):
    address = url(path) if path else "/api/v1/debates/"

    response = APIClient().get(address, {query: "x" * 100_000})

    assert response.status_code == 400
    assert query in error_of(response)["fields"]
    assert len(response.content) < SMALL
