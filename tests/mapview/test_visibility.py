"""One table of who sees what, walked over every API read path (the pages come later).

Each secret below is a distinctive string, and each row of `SEEN` says which roles may find
it in which responses; everywhere else it must be absent from the raw bytes. The roles are
the shared cast: nobody signed in, an observer, a debater of Team Now, a debater of the
rival Team After, and the moderator.

The world, built through the services so that the audit trail is real:
- a claim by zz_author_hidden, "SECRET-HIDDEN-CLAIM-7731", answered by a visible reply of
  the debater's, frozen into snapshot 1, then hidden by the moderator (snapshot 2 has it as
  a placeholder);
- evidence the debater proposed and the moderator rejected with "REJECT-REASON-9931", and
  evidence the rival proposed that waits for review;
- a poll answer by zz_poll_answerer in the voting phase.
"""

from __future__ import annotations

from types import SimpleNamespace

import orjson
import pytest
from rest_framework.test import APIClient

from debate.arguments import services as claim_services
from debate.debates.models import Role
from debate.debates.services import phase_change, poll_answer
from debate.snapshots.services import snapshot_take
from debate.sources.services import evidence_propose, evidence_reject
from tests.api.helpers import token_client, url
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HIDDEN_TEXT = b"SECRET-HIDDEN-CLAIM-7731"
HIDDEN_AUTHOR = b"zz_author_hidden"
REASON = b"REJECT-REASON-9931"
REJECTED_QUOTE = b"signed nine bilateral security agreements"
PROPOSED_QUOTE = b"Critics want the war to end first."
POLL_ANSWERER = b"zz_poll_answerer"

ROLES = ("anonymous", "observer", "debater", "rival", "moderator")

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
NAMING_AUTHORS = {"claims", "events", "live.json", "live.aif", "frozen.json", "frozen.aif"}
QUOTING_EVIDENCE = {"live.json", "live.argdown"}  # of the documents; AIF carries no evidence
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


@pytest.fixture
def world(debate, position_now, position_after, team_after, moderator, debater_now,
          debater_after, observer, source):  # fmt: skip
    author = MembershipFactory(
        user=UserFactory(username=HIDDEN_AUTHOR.decode()), debate=debate, role=Role.DEBATER,
        team=team_after,
    ).user  # fmt: skip
    answerer = MembershipFactory(
        user=UserFactory(username=POLL_ANSWERER.decode()), debate=debate, role=Role.OBSERVER
    ).user
    hidden = claim_services.claim_create(
        actor=author, debate=debate, position=position_after, stance="pro",
        text=f"{HIDDEN_TEXT.decode()}: a claim a moderator will hide.",
    )  # fmt: skip
    reply = claim_services.claim_create(
        actor=debater_now, debate=debate, position=position_after, parent=hidden,
        stance="con", text="A visible reply to the claim that will be hidden.",
    )  # fmt: skip
    rejected, _ = evidence_propose(actor=debater_now, source=source,
                                   quote=REJECTED_QUOTE.decode())  # fmt: skip
    evidence_reject(actor=moderator, evidence=rejected, reason=f"{REASON.decode()}: no context.")
    proposed, _ = evidence_propose(actor=debater_after, source=source,
                                   quote=PROPOSED_QUOTE.decode())  # fmt: skip
    snapshot_take(actor=moderator, debate=debate)  # 1: the claim is public
    claim_services.claim_hide(actor=moderator, claim=hidden, reason="Off topic.")
    snapshot_take(actor=moderator, debate=debate)  # 2: the claim is a placeholder
    debate = phase_change(actor=moderator, debate=debate, phase="voting")
    poll_answer(actor=answerer, debate=debate, poll="after", position=position_now)
    return SimpleNamespace(
        debate=debate, hidden=hidden, reply=reply, rejected=rejected, proposed=proposed,
        users={"anonymous": None, "observer": observer, "debater": debater_now,
               "rival": debater_after, "moderator": moderator},
    )  # fmt: skip


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


NON_MODERATORS = [role for role in ROLES if role != "moderator"]


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
