"""Every API write, for every role and kind of credential, in the rebuttal phase.

"own" is debater_now (Team Now, author of the target claims); "other" is debater_after.
Tokens: a full token of the moderator, a read-only token of the moderator, and a full token
of a user outside the debate. A refusal must change nothing at all (rows and audit trail);
a success must have its effect.

| write            | mod | own | other | obs | out | anon | mod tok | r/o tok | out tok |
|------------------|-----|-----|-------|-----|-----|------|---------|---------|---------|
| create claim     | 201 | 201 | 201   | 403 | 403 | 401  | 201     | 403     | 403     |
| create (opening) | 201 | 201 | 403   | 403 | 403 | 401  | 201     | 403     | 403     |
| edit claim       | 200 | 200 | 403   | 403 | 403 | 401  | 200     | 403     | 403     |
| withdraw claim   | 403 | 200 | 403   | 403 | 403 | 401  | 403     | 403     | 403     |
| PUT vote         | 200 | 400 | 200   | 200 | 403 | 401  | 200     | 403     | 403     |
| DELETE vote      | 200 | 403 | 200   | 200 | 403 | 401  | 200     | 403     | 403     |
| propose evidence | 201 | 201 | 201   | 201 | 403 | 401  | 201     | 403     | 403     |
| approve evidence | 200 | 403 | 403   | 403 | 403 | 401  | 200     | 403     | 403     |
| reject evidence  | 200 | 403 | 403   | 403 | 403 | 401  | 200     | 403     | 403     |
| change phase     | 200 | 403 | 403   | 403 | 403 | 401  | 200     | 403     | 403     |
| freeze snapshot  | 201 | 403 | 403   | 403 | 403 | 401  | 201     | 403     | 403     |
| import a debate  | 403 | 403 | 403   | 403 | 403 | 401  | 403     | 403     | 403     |

(obs = observer, out = outsider; "r/o tok" is the moderator's read-only token.)

(Voting on one's own claim is a 400 on the `value` field: the rule is about the claim, not the
role. Withdrawing is for authors only, moderators hide instead.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from debate.arguments.models import Claim, Vote
from debate.debates.models import Debate, Phase
from debate.snapshots.models import Snapshot
from debate.snapshots.services import live_document
from debate.sources.models import Evidence, EvidenceStatus
from tests.api.helpers import API, error_of, session_client, token_client, url
from tests.factories import ClaimFactory, VoteFactory
from tests.helpers import rows_of

pytestmark = pytest.mark.django_db

ACTORS = [
    "moderator", "own", "other", "observer", "outsider", "anonymous",
    "moderator_token", "read_only_token", "outsider_token",
]  # fmt: skip
NEW_TEXT = "A new claim sent through the API."
QUOTE = "Critics want the war to end first."


@dataclass
class Write:
    send: Callable  # (client, world) -> response
    done: Callable  # (world, user) -> bool: the write had its effect
    statuses: tuple[int, ...]  # in the order of ACTORS
    phase: str = Phase.REBUTTAL


def _create(client, w):
    return client.post(
        url("claims/"),
        {"position_id": w.position_now.pk, "stance": "pro", "text": NEW_TEXT},
        format="json",
    )


def _edit(client, w):
    return client.patch(
        url(f"claims/{w.claim.pk}/"), {"text": NEW_TEXT}, format="json",
        HTTP_IF_MATCH=f'"claim-{w.claim.pk}-v1"',
    )  # fmt: skip


def _vote(client, w):
    return client.put(url(f"claims/{w.claim.pk}/vote/"), {"value": 2}, format="json")


def _unvote(client, w):
    return client.delete(url(f"claims/{w.claim.pk}/vote/"))


def _propose(client, w):
    return client.post(url("evidence/"), {"source_id": w.source.pk, "quote": QUOTE}, format="json")


def _status(w) -> str:
    return Evidence.objects.get(pk=w.proposed.pk).status


def _import(client, w):
    document = live_document(w.debate, include_hidden=False, with_text=True)
    return client.post(f"{API}/debates/import/", document, format="json")


WRITES = {
    "create_claim": Write(
        _create,
        lambda w, u: Claim.objects.filter(text=NEW_TEXT, author=u).exists(),
        (201, 201, 201, 403, 403, 401, 201, 403, 403),
    ),
    "create_claim_in_opening": Write(
        _create,
        lambda w, u: Claim.objects.filter(text=NEW_TEXT, author=u).exists(),
        (201, 201, 403, 403, 403, 401, 201, 403, 403),
        phase=Phase.OPENING,
    ),
    "edit_claim": Write(
        _edit,
        lambda w, u: Claim.objects.get(pk=w.claim.pk).text == NEW_TEXT,
        (200, 200, 403, 403, 403, 401, 200, 403, 403),
    ),
    "withdraw_claim": Write(
        lambda client, w: client.post(url(f"claims/{w.leaf.pk}/withdraw/")),
        lambda w, u: Claim.objects.get(pk=w.leaf.pk).is_withdrawn,
        (403, 200, 403, 403, 403, 401, 403, 403, 403),
    ),
    "put_vote": Write(
        _vote,
        lambda w, u: Vote.objects.active().filter(user=u, claim=w.claim, value=2).exists(),
        (200, 400, 200, 200, 403, 401, 200, 403, 403),
    ),
    "delete_vote": Write(
        _unvote,
        lambda w, u: not Vote.objects.active().filter(user=u, claim=w.claim).exists(),
        (200, 403, 200, 200, 403, 401, 200, 403, 403),
    ),
    "propose_evidence": Write(
        _propose,
        lambda w, u: Evidence.objects.filter(quote=QUOTE, proposer=u).exists(),
        (201, 201, 201, 201, 403, 401, 201, 403, 403),
    ),
    "approve_evidence": Write(
        lambda client, w: client.post(url(f"evidence/{w.proposed.pk}/approve/"), {}, format="json"),
        lambda w, u: _status(w) == EvidenceStatus.APPROVED,
        (200, 403, 403, 403, 403, 401, 200, 403, 403),
    ),
    "reject_evidence": Write(
        lambda client, w: client.post(
            url(f"evidence/{w.proposed.pk}/reject/"), {"reason": "Misquoted."}, format="json"
        ),
        lambda w, u: _status(w) == EvidenceStatus.REJECTED,
        (200, 403, 403, 403, 403, 401, 200, 403, 403),
    ),
    "change_phase": Write(
        lambda client, w: client.post(url("phase/"), {"phase": "voting"}, format="json"),
        lambda w, u: Debate.objects.get(pk=w.debate.pk).phase == Phase.VOTING,
        (200, 403, 403, 403, 403, 401, 200, 403, 403),
    ),
    "freeze_snapshot": Write(
        lambda client, w: client.post(url("snapshots/")),
        lambda w, u: Snapshot.objects.filter(debate=w.debate, number=1).exists(),
        (201, 403, 403, 403, 403, 401, 201, 403, 403),
    ),
    "import_debate": Write(
        _import,
        lambda w, u: Debate.objects.count() == 2,
        (403, 403, 403, 403, 403, 401, 403, 403, 403),
    ),
}


@pytest.fixture
def matrix_world(api_world):
    """The API world, plus `leaf`: debater_now's claim that nothing answers yet, and the
    observer's vote on `claim` (so that refused DELETEs have a vote they must not touch)."""
    api_world.leaf = ClaimFactory(
        debate=api_world.debate, position=api_world.position_now, author=api_world.own,
        team=api_world.team_now, text="An unanswered claim of Team Now.",
    )  # fmt: skip
    VoteFactory(user=api_world.observer, claim=api_world.claim, value=3)
    return api_world


def client_of(world, actor: str) -> tuple[APIClient, object]:
    if actor == "anonymous":
        return APIClient(), None
    if actor == "moderator_token":
        return token_client(world.moderator), world.moderator
    if actor == "read_only_token":
        return token_client(world.moderator, read_only=True), world.moderator
    if actor == "outsider_token":
        return token_client(world.outsider), world.outsider
    user = getattr(world, actor)
    return session_client(user), user


CASES = [
    pytest.param(write, actor, expected, id=f"{write}-{actor}")
    for write, spec in WRITES.items()
    for actor, expected in zip(ACTORS, spec.statuses, strict=True)
]


@pytest.mark.parametrize(("write", "actor", "expected"), CASES)
def test_write_answers_each_role_and_token_as_the_rules_say(matrix_world, write, actor, expected):
    spec = WRITES[write]
    Debate.objects.filter(pk=matrix_world.debate.pk).update(phase=spec.phase)
    client, user = client_of(matrix_world, actor)
    before = rows_of()

    response = spec.send(client, matrix_world)

    assert response.status_code == expected, response.content
    if expected >= 400:
        error_of(response)
        assert rows_of() == before, "a refused write changed something"
    else:
        assert spec.done(matrix_world, user), "the write answered success but had no effect"
