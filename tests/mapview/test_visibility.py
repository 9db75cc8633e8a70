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

from debate.audit.models import AuditEvent
from debate.debates.services import debate_anonymity_set
from tests.api.helpers import token_client, url
from tests.mapview.anonymous_world import (
    ANONYMOUS_NON_MODERATORS,
    ANONYMOUS_ROLES,
    PARTICIPANTS,
    build_anonymous_world,
    others_of,
    pseudonyms_of,
)
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


# --- the anonymous debate ------------------------------------------------------------------
# The same world made anonymous before anything was written (tests/mapview/anonymous_world.py,
# both snapshots frozen while anonymous), with usernames easy to find in any output.


@pytest.fixture
def anon_world(db, request):
    return build_anonymous_world(request)


FORMATS = ("json", "aif", "argdown", "graphml")
# Every read path of the API under the debate ({opening}: a claim's id), each document in
# every format, the diffs both ways, the moderators' roster and the grades.
ANONYMOUS_PATHS = {
    "debate": "",
    "positions": "positions/",
    "teams": "teams/",
    "claims": "claims/",
    "claim": "claims/{opening}/",
    "sources": "sources/",
    "evidence": "evidence/",
    "evidence?status=rejected": "evidence/?status=rejected",
    "citations": "citations/",
    "events": "events/",
    "search": "search/?q=claim",
    "snapshots": "snapshots/",
    **{f"live.{fmt}": f"snapshot/?format={fmt}" for fmt in FORMATS},
    "live.json+text": "snapshot/?format=json&include_text=1",
    **{f"frozen{n}.{fmt}": f"snapshots/{n}/?format={fmt}" for n in (1, 2) for fmt in FORMATS},
    "diff": "snapshots/1/diff/2/",
    "diff.live": "snapshots/1/diff/live/",
    "participation": "participation/",
    "grades": "grades/",
}
# Where a moderator must find every author by username and by pseudonym.
NAMING = {"claims", "live.json", "frozen1.json"}
# JSON keys that carry a person's user id.
ID_KEYS = {"user_id", "author_id", "actor_id", "proposer_id", "created_by", "created_by_id",
           "ended_by_id", "student_id"}  # fmt: skip


def anonymous_get(world, role: str, path: str, *, allowed=(200,)) -> bytes:
    user = world.users[role]
    client = APIClient() if user is None else token_client(user)
    response = client.get(url(path.format(opening=world.opening.pk)))
    assert response.status_code in allowed, (role, path, response.content[:300])
    return response.content


def person_ids(body: bytes) -> set[int]:
    """Every user id under a person key anywhere in a JSON body (an explicit stack)."""
    try:
        stack = [orjson.loads(body)]
    except orjson.JSONDecodeError:
        return set()
    found = set()
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found |= {v for k, v in item.items() if k in ID_KEYS and isinstance(v, int)}
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


@pytest.mark.parametrize("path", list(ANONYMOUS_PATHS))
@pytest.mark.parametrize("role", ANONYMOUS_NON_MODERATORS)
def test_no_one_but_a_moderator_finds_another_participants_username_or_id(anon_world, role, path):
    world = anon_world
    body = anonymous_get(world, role, ANONYMOUS_PATHS[path], allowed=(200, 403))

    found = {who for who, name in others_of(role).items() if name in body}
    assert not found, (role, path)
    own = world.users[role].pk if world.users[role] else None
    others = {p.pk for p in world.people.values()} - {own}
    assert not person_ids(body) & others, (role, path)


@pytest.mark.parametrize("path", sorted(NAMING))
def test_moderators_find_every_author_by_username_and_pseudonym(anon_world, path):
    world = anon_world
    body = anonymous_get(world, "moderator", ANONYMOUS_PATHS[path])
    pseudonyms = pseudonyms_of(world)
    authors = ("debater", "rival", "hidden_author")

    assert all(PARTICIPANTS[who] in body for who in authors), path
    assert all(pseudonyms[who].encode() in body for who in authors), path


@pytest.mark.parametrize("role", ANONYMOUS_ROLES)
def test_claims_carry_the_authors_pseudonym(anon_world, role):
    world = anon_world
    claims = orjson.loads(anonymous_get(world, role, "claims/"))["results"]
    pseudonyms = pseudonyms_of(world)

    (opening,) = [c for c in claims if c["id"] == world.opening.pk]
    assert opening["author_pseudonym"] == pseudonyms["debater"]
    expected = "zq-ana-7731" if role == "moderator" else pseudonyms["debater"]
    assert opening["author"] == expected
    for fmt_path in ("snapshot/", "snapshots/1/"):
        document = orjson.loads(anonymous_get(world, role, fmt_path))
        (row,) = [c for c in document["claims"] if c["id"] == world.opening.pk]
        assert (row["author"], row["author_pseudonym"]) == (expected, pseudonyms["debater"])


@pytest.mark.parametrize("role", ANONYMOUS_ROLES)
def test_events_name_actors_by_pseudonym_and_keep_no_user_ids(anon_world, role):
    world = anon_world
    events = orjson.loads(anonymous_get(world, role, "events/"))["results"]
    pseudonyms = pseudonyms_of(world)

    (created,) = [e for e in events if e["action"] == "claim.create"
                  and e["object_id"] == world.opening.pk]  # fmt: skip
    assert created["actor_pseudonym"] == pseudonyms["debater"]
    assert created["actor"] == ("zq-ana-7731" if role == "moderator" else pseudonyms["debater"])


def test_an_events_state_loses_every_person_key_where_names_are_hidden():
    from debate.mapview.visibility import Names, state_named

    state = {"user_id": 7, "role": "debater", "ended_by_id": 3, "author_id": 7, "text": "x"}

    hidden = Names(anonymous=True, moderator=False)
    assert state_named(state, hidden) == {"role": "debater", "text": "x"}
    assert state_named(state, Names(anonymous=True, moderator=True)) == state
    assert state_named(state, Names()) == state
    assert state_named(None, Names(anonymous=True)) is None


def test_a_snapshot_frozen_while_anonymous_stays_anonymous_after_switching_off(
    anon_world,
):
    world = anon_world
    pseudonym = pseudonyms_of(world)["debater"]
    debate_anonymity_set(actor=world.moderator, debate=world.debate, anonymous=False)

    live = anonymous_get(world, "rival", "snapshot/")
    assert b"zq-ana-7731" in live  # the live debate names people again
    for path in ("snapshots/1/", "snapshots/1/?format=aif", "snapshots/1/?format=argdown",
                 "snapshots/1/diff/2/", "snapshots/1/diff/live/"):  # fmt: skip
        body = anonymous_get(world, "rival", path)
        assert not {w for w, name in others_of("rival").items() if name in body}, path
    moderator = anonymous_get(world, "moderator", "snapshots/1/")
    assert b"zq-ana-7731" in moderator
    assert pseudonym.encode() in moderator


def test_a_snapshot_frozen_before_switching_on_is_anonymous_for_participants(world):
    author = world.debater_now.username.encode()
    before = anonymous_get(world, "rival", "snapshots/1/")
    assert author in before

    debate_anonymity_set(actor=world.moderator, debate=world.debate, anonymous=True)

    pseudonym = pseudonyms_of_user(world, world.debater_now)
    for fmt in FORMATS:
        body = anonymous_get(world, "rival", f"snapshots/1/?format={fmt}")
        assert author not in body and HIDDEN_AUTHOR not in body, fmt
    document = orjson.loads(anonymous_get(world, "rival", "snapshots/1/"))
    assert {c["author"] for c in document["claims"] if c["author"]} >= {pseudonym}
    moderator = anonymous_get(world, "moderator", "snapshots/1/")
    assert author in moderator and pseudonym.encode() in moderator


def pseudonyms_of_user(world, user) -> str:
    from debate.mapview.visibility import Audience, names_for

    return names_for(Audience(moderator=True), world.debate).pseudonym(user.pk)


def test_frozen_while_anonymous_is_recorded_and_the_hash_is_of_the_stored_document(
    anon_world,
):
    world = anon_world
    snapshot = world.debate.snapshots.get(number=1)
    document = orjson.loads(anonymous_get(world, "rival", "snapshots/1/"))

    assert snapshot.anonymous is True
    assert document["content_hash"] == snapshot.content_hash
    stored = {c["id"]: c for c in snapshot.document["claims"]}
    assert stored[world.opening.pk]["author"] == "zq-ana-7731"
    assert stored[world.opening.pk]["author_pseudonym"] == pseudonyms_of(world)["debater"]


# --- PATCH /api/v1/debates/<slug>/ ---------------------------------------------------------


def test_a_moderator_switches_anonymity_on_and_it_is_audited(world):
    response = token_client(world.moderator).patch(url(""), {"anonymous": True}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["anonymous"] is True
    world.debate.refresh_from_db()
    assert world.debate.anonymous is True
    event = AuditEvent.objects.get(debate=world.debate, action="debate.anonymous")
    assert (event.actor, event.after) == (world.moderator, {"anonymous": True})
    assert APIClient().get(url("")).json()["anonymous"] is True


@pytest.mark.parametrize("role", ["debater", "rival", "observer", "outsider"])
def test_no_one_else_switches_anonymity(world, role):
    response = token_client(world.users[role]).patch(url(""), {"anonymous": True}, format="json")

    assert response.status_code == 403, response.content
    assert response.json()["error"]["status"] == 403
    world.debate.refresh_from_db()
    assert world.debate.anonymous is False


def test_signed_out_callers_cannot_switch_anonymity(world):
    response = APIClient().patch(url(""), {"anonymous": True}, format="json")

    assert response.status_code in (401, 403)
    world.debate.refresh_from_db()
    assert world.debate.anonymous is False


@pytest.mark.parametrize("body", [{}, {"anonymous": "true"}, {"anonymous": 1},
                                  {"anonymous": None}, {"anonymous": True, "title": "x"},
                                  {"anonymus": True}, [True], "true"])  # fmt: skip
def test_a_bad_body_is_a_400_and_changes_nothing(world, body):
    response = token_client(world.moderator).patch(url(""), body, format="json")

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["status"] == 400 and error["fields"]
    world.debate.refresh_from_db()
    assert world.debate.anonymous is False
    assert not AuditEvent.objects.filter(action="debate.anonymous").exists()
