"""One table of who sees what, walked over every API read path (the pages are in
test_visibility_pages.py).

Each secret (tests/mapview/helpers.py) is a distinctive string, and each row of `SEEN` says
which roles may find it in which responses; everywhere else it must be absent from the raw
bytes. The world and the roles are described in tests/mapview/conftest.py.
"""

from __future__ import annotations

import orjson
import pytest
from rest_framework.test import APIClient

from tests.api.helpers import token_client, url
from tests.mapview.helpers import (
    HIDDEN_AUTHOR,
    HIDDEN_TEXT,
    NON_MODERATORS,
    POLL_ANSWERER,
    PROPOSED_QUOTE,
    REASON,
    REJECTED_QUOTE,
    ROLES,
)

pytestmark = pytest.mark.django_db

PATHS = {
    "evidence": "evidence/",
    "evidence?status=rejected": "evidence/?status=rejected",
    "evidence?status=proposed": "evidence/?status=proposed",
    "citations": "citations/",
    "claims": "claims/",
    "events": "events/",
    **{f"live.{fmt}": f"snapshot/?format={fmt}" for fmt in ("json", "aif", "argdown")},
    **{f"frozen.{fmt}": f"snapshots/1/?format={fmt}" for fmt in ("json", "aif", "argdown")},
    "diff": "snapshots/1/diff/2/",
}

LIVE = {"live.json", "live.aif", "live.argdown"}
FROZEN = {"frozen.json", "frozen.aif", "frozen.argdown"}
# The live AIF names no author of a hidden claim: nobody is shown asserting it (no L-node);
# in snapshot 1 the claim was still public, so the frozen AIF names its author.
NAMING_AUTHORS = {"claims", "events", "live.json", "frozen.json", "frozen.aif"}
# Of the documents; AIF carries approved evidence only, never a proposed or rejected quote.
QUOTING_EVIDENCE = {"live.json", "live.argdown"}
REJECTED = {"evidence", "evidence?status=rejected", "events"}
PROPOSED = {"evidence", "evidence?status=proposed", "events"}

# secret -> role -> the paths where that role finds it; absent from every other response.
SEEN: dict[bytes, dict[str, set[str]]] = {
    HIDDEN_TEXT: {"moderator": {"claims", "events", "diff"} | LIVE | FROZEN},
    HIDDEN_AUTHOR: {"moderator": NAMING_AUTHORS},
    REASON: {"debater": REJECTED, "moderator": REJECTED},
    REJECTED_QUOTE: {"debater": REJECTED, "moderator": REJECTED | QUOTING_EVIDENCE},
    PROPOSED_QUOTE: {"rival": PROPOSED, "moderator": PROPOSED | QUOTING_EVIDENCE},
    POLL_ANSWERER: {"moderator": {"events"}},
}


def get(world, role: str, path: str) -> bytes:
    """The raw body of GET `path` (under the debate) as `role`."""
    user = world.users[role]
    client = APIClient() if user is None else token_client(user)
    response = client.get(url(path))
    assert response.status_code == 200, (role, path, response.content[:300])
    return response.content


def body_of(world, role: str, path: str) -> bytes:
    """The body of one of `PATHS`, by its name in the table."""
    return get(world, role, PATHS[path])


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_what_the_policy_allows(world, role, path):
    body = body_of(world, role, path)

    found = {secret.decode() for secret in SEEN if secret in body}
    allowed = {secret.decode() for secret, where in SEEN.items() if path in where.get(role, ())}
    assert found == allowed


@pytest.mark.parametrize("role", NON_MODERATORS)
def test_the_hidden_claim_is_a_blank_placeholder_in_every_document(world, role):
    for path in ("snapshot/", "snapshots/1/", "snapshots/2/"):
        claims = {c["id"]: c for c in orjson.loads(get(world, role, path))["claims"]}
        placeholder = claims[world.hidden.pk]
        assert placeholder["text"] is placeholder["author"] is placeholder["team"] is None, path
        assert placeholder["team_id"] is None and placeholder["hidden"] is True, path
        assert claims[world.reply.pk]["parent_id"] == world.hidden.pk, path


@pytest.mark.parametrize("role", NON_MODERATORS)
def test_a_poll_answer_event_says_neither_who_nor_what(world, role):
    events = orjson.loads(body_of(world, role, "events"))["results"]

    (poll,) = [e for e in events if e["action"] == "poll.after"]
    assert (poll["actor"], poll["before"], poll["after"]) == (None, None, None)


def test_moderators_see_who_answered_what(world):
    events = orjson.loads(body_of(world, "moderator", "events"))["results"]

    (poll,) = [e for e in events if e["action"] == "poll.after"]
    assert poll["actor"] == POLL_ANSWERER.decode()
    assert poll["after"] == {"position_id": world.debate.positions.get(key="now").pk}
