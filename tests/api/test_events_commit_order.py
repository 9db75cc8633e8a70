"""The events cursor follows commit order, shown with two real writers on two connections.

Writer A takes its version first and holds its transaction open; writer B starts while A is
open. An id cursor would let a poller see B's event (a higher id), move past it, and never
see A's once A commits. With versions handed out under the debate row's lock and the feed
served only up to the debate's committed version, a poller sees neither event while A is
open, and then both, A first.
"""

from __future__ import annotations

import pytest

from debate.arguments import services as claim_services
from debate.audit.models import AuditEvent
from debate.debates.models import Debate
from tests.api.helpers import url
from tests.concurrency import interleaved, needs_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


def _claim_by(world, author, text: str):
    return lambda: claim_services.claim_create(
        actor=author, debate=world.debate, position=world.position_now, stance="pro", text=text
    )


def _poll(client, after: int) -> tuple[list[str], int]:
    body = client.get(url("events/"), {"after": after}).json()
    return [event["after"]["text"] for event in body["results"]], body["next_after"]


def test_a_poller_never_skips_an_event_that_commits_after_a_later_one(api_world, anon):
    needs_postgresql()
    with interleaved(
        _claim_by(api_world, api_world.own, "Claim A, written first."),
        _claim_by(api_world, api_world.other, "Claim B, written second."),
    ) as writers:
        seen, cursor = _poll(anon, 0)
        a_was_open = writers.a_is_open()

    more, cursor = _poll(anon, cursor)
    seen += more

    assert a_was_open
    assert seen == ["Claim A, written first.", "Claim B, written second."]
    versions = list(
        AuditEvent.objects.filter(debate=api_world.debate, action="claim.create")
        .order_by("version")
        .values_list("after__text", flat=True)
    )
    assert versions == seen
    assert cursor == Debate.objects.get(pk=api_world.debate.pk).version
