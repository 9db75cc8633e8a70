"""Two real writers on two connections, interleaved: for tests of commit order.

`interleaved(write_a, write_b)` runs writer A on a thread of its own and holds A's
transaction open (the version it took uncommitted) while writer B starts; the body of the
`with` runs once B waits behind A's lock on the debate row (or, were that lock missing, has
committed already). Leaving the block lets A commit, then B. Such tests need
`pytest.mark.django_db(transaction=True)` and PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import connection, connections, transaction

WAIT = 20  # seconds; only a bound on waiting for the other thread, never asserted on


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs two real connections to one PostgreSQL database")


def _write(write: Callable[[], object], *, hold: threading.Event | None = None,
           written: threading.Event | None = None) -> None:  # fmt: skip
    """Run `write` in a transaction on this thread's own connection; with `hold`, keep the
    transaction open (and the version it took uncommitted) until `hold` is set."""
    try:
        with transaction.atomic():
            write()
            if written is not None:
                written.set()
            if hold is not None:
                assert hold.wait(WAIT), "the test never let writer A commit"
    finally:
        connections["default"].close()


def waiting_on_a_lock() -> int:
    """How many other sessions of this database wait for a lock now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@dataclass
class Interleaving:
    writer_a: threading.Thread
    writer_b: threading.Thread

    def a_is_open(self) -> bool:
        """Whether A's transaction is still open (its thread has not finished)."""
        return self.writer_a.is_alive()


@contextmanager
def interleaved(write_a: Callable[[], object], write_b: Callable[[], object]
                ) -> Iterator[Interleaving]:  # fmt: skip
    written, release = threading.Event(), threading.Event()
    writer_a = threading.Thread(target=_write, args=(write_a,),
                                kwargs={"hold": release, "written": written})  # fmt: skip
    writer_b = threading.Thread(target=_write, args=(write_b,))
    writer_a.start()
    try:
        assert written.wait(WAIT), "writer A never wrote"
        writer_b.start()
        # B is under way: either blocked behind A's lock on the debate row, or (were that
        # lock missing) already committed. Either way, the body runs while A is still open.
        deadline = time.monotonic() + WAIT
        while writer_b.is_alive() and not waiting_on_a_lock() and time.monotonic() < deadline:
            time.sleep(0.01)
        yield Interleaving(writer_a, writer_b)
    finally:
        release.set()
        writer_a.join(WAIT)
        if writer_b.ident is not None:  # started
            writer_b.join(WAIT)
