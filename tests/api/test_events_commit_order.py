"""The events cursor follows commit order, shown with two real writers on two connections.

Writer A takes its version first and holds its transaction open; writer B starts while A is
open. An id cursor would let a poller see B's event (a higher id), move past it, and never
see A's once A commits. With versions handed out under the debate row's lock and the feed
served only up to the debate's committed version, a poller sees neither event while A is
open, and then both, A first.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from debate.arguments import services as claim_services
from debate.audit.models import AuditEvent
from debate.debates.models import Debate
from tests.api.helpers import url

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 20  # seconds; only a bound on waiting for the other thread, never asserted on


def _write_claim(world, author, text: str, *, hold: threading.Event | None = None,
                 written: threading.Event | None = None) -> None:  # fmt: skip
    """Add a claim on this thread's own connection; with `hold`, keep the transaction open
    (and the version it took uncommitted) until `hold` is set."""
    try:
        with transaction.atomic():
            claim_services.claim_create(
                actor=author, debate=world.debate, position=world.position_now, stance="pro",
                text=text,
            )  # fmt: skip
            if written is not None:
                written.set()
            if hold is not None:
                assert hold.wait(WAIT), "the test never let writer A commit"
    finally:
        connections["default"].close()


def _waiting_on_a_lock() -> int:
    """How many other sessions of this database wait for a lock now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _poll(client, after: int) -> tuple[list[str], int]:
    body = client.get(url("events/"), {"after": after}).json()
    return [event["after"]["text"] for event in body["results"]], body["next_after"]


def test_a_poller_never_skips_an_event_that_commits_after_a_later_one(api_world, anon):
    if connection.vendor != "postgresql":
        pytest.skip("needs two real connections to one PostgreSQL database")
    written, release = threading.Event(), threading.Event()
    writer_a = threading.Thread(
        target=_write_claim, args=(api_world, api_world.own, "Claim A, written first."),
        kwargs={"hold": release, "written": written},
    )  # fmt: skip
    writer_b = threading.Thread(
        target=_write_claim, args=(api_world, api_world.other, "Claim B, written second."),
    )  # fmt: skip
    writer_a.start()
    try:
        assert written.wait(WAIT), "writer A never wrote"
        writer_b.start()
        # B is under way: either blocked behind A's lock on the debate row, or (were that
        # lock missing) already committed. Either way, poll now, while A is still open.
        deadline = time.monotonic() + WAIT
        while writer_b.is_alive() and not _waiting_on_a_lock() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen, cursor = _poll(anon, 0)
        a_was_open = writer_a.is_alive()
    finally:
        release.set()
        writer_a.join(WAIT)
        if writer_b.ident is not None:  # started
            writer_b.join(WAIT)

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
