"""The database restarted in the middle of a run: clean 503s, recovery, no half-written change.

    .venv/bin/python bench/faults.py

WARNING: this restarts the machine's PostgreSQL cluster (all its databases, for everybody):
    pg_ctlcluster --skip-systemctl-redirect <version> main restart
It comes back within seconds, and the script checks at the end, whatever happened, that
PostgreSQL accepts connections again (starting it if it does not).

Set-up (database debate_load_faults, dropped and created again each run): a debate in the
rebuttal phase with 300 claims by a debater and 9 observers with API tokens. The app runs under
gunicorn, 2 threaded workers, production settings (bench/run_server.py), on 127.0.0.1 only.

A steady stream: 3 writer clients PUT votes (each write on a (voter, claim) pair never written
before, so a Vote row in the database means exactly "that write committed"), 3 reader clients
GET the claim API, the claim page (HTML) and the API snapshot; each pauses 50 ms between
requests. A monitor connects to PostgreSQL every 0.1 s to time the outage. After 5 s the
script restarts PostgreSQL, then keeps the stream going until 15 s after the database is back.

Asserts:
- requests during the outage fail cleanly: every non-2xx is a 503 with Retry-After and the
  message "The database is unavailable right now...", JSON ({"error": {"code":
  "database_unavailable"}}) under /api/, HTML elsewhere; no body holds a traceback or an
  exception name (Traceback, OperationalError, psycopg, ...); no connection error, no 500;
- the app recovers without restarting gunicorn (same master pid, no new worker booted): every
  request sent more than RECOVERY_SECONDS (5 s) after the database accepts connections again
  succeeds, and the first successes after the outage are reported;
- no half-written change: every write answered 2xx is in the database with its value; every
  write answered 503 is not (the 503 says "Nothing was saved"); each Vote row has exactly one
  vote.cast audit event and each such event a Vote row (the two are one transaction).
  How a write is judged: a request could commit and then fail before it answers (the
  connection dies during COMMIT, so the app cannot know); such a write would show up as
  "503 but in the database" and is listed separately, not hidden; a write with no HTTP
  answer at all (connection error) may be either way and is only counted.
Bounded: at most 180 s; each client sends at most 1,500 requests.

    .venv/bin/python bench/faults.py --dry-run   # the same stream, no restart (its checks
                                                 # about the outage then fail: nothing to see)
"""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_server import (  # noqa: E402
    LEAKS,
    PG_ADMIN_URL,
    Result,
    Server,
    bearer,
    call,
    fresh_database,
    hard_limit,
    machine_line,
)

LIMIT_SECONDS = 180
CLAIMS = 300
WRITERS = 3
USERS_PER_WRITER = 3
PAUSE = 0.05
BEFORE_SECONDS = 5.0
AFTER_SECONDS = 15.0  # keep the stream going this long after the database is back
RECOVERY_SECONDS = 5.0  # every request sent later than this after the database is back: 2xx
MAX_REQUESTS_PER_CLIENT = 1500
SLUG = "load-faults"
DRY_RUN = "--dry-run" in sys.argv[1:]
MESSAGE = "The database is unavailable right now"


def cluster_version() -> str:
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir() if p.is_dir())
    return versions[0]


def pg_accepts() -> bool:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def ensure_postgres() -> None:
    """PostgreSQL must be up when this script ends: other people's work depends on it."""
    for _ in range(30):
        if pg_accepts():
            print("postgresql: accepting connections at the end of the run")
            return
        time.sleep(1)
    print("postgresql: not answering after 30 s; starting the cluster", flush=True)
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", cluster_version(), "main",
                    "start"], timeout=90, check=False)  # fmt: skip
    for _ in range(60):
        if pg_accepts():
            print("postgresql: started; accepting connections")
            return
        time.sleep(1)
    print("postgresql: STILL DOWN; start it by hand: pg_ctlcluster --skip-systemctl-redirect "
          f"{cluster_version()} main start")  # fmt: skip


def set_up():
    from django.contrib.auth import get_user_model

    from debate.accounts.services import token_create
    from debate.arguments.models import Claim
    from debate.debates.models import Debate, Membership, Phase, Position, Role, Team

    user_model = get_user_model()
    debate = Debate.objects.create(slug=SLUG, title="Load: faults", motion="Faults?",
                                   phase=Phase.REBUTTAL)  # fmt: skip
    position = Position.objects.create(debate=debate, key="now", title="Now", order=0)
    team = Team.objects.create(debate=debate, name="Team now", position=position)
    author = user_model.objects.create(username="load-author")
    Membership.objects.create(user=author, debate=debate, role=Role.DEBATER, team=team)
    claims = Claim.objects.bulk_create(
        Claim(debate=debate, position=position, stance="pro", text=f"Fault claim {i}",
              author=author, team=team)
        for i in range(CLAIMS)
    )  # fmt: skip
    voters = user_model.objects.bulk_create(
        user_model(username=f"load-voter-{i}", password="!")
        for i in range(WRITERS * USERS_PER_WRITER)
    )
    Membership.objects.bulk_create(
        Membership(user=v, debate=debate, role=Role.OBSERVER) for v in voters
    )
    tokens = [token_create(actor=None, user=v, name="load")[1] for v in voters]
    return debate, [c.pk for c in claims], voters, tokens


class Stream:
    """The clients; each records (kind, Result, extra) tuples."""

    def __init__(self, port, claim_ids, voters, tokens):
        self.port, self.claim_ids, self.voters, self.tokens = port, claim_ids, voters, tokens
        self.stop = threading.Event()
        self.records: list[tuple[str, Result, tuple]] = []
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def _record(self, kind, result, extra=()):
        with self.lock:
            self.records.append((kind, result, extra))

    def writer(self, number: int) -> None:
        rng = random.Random(number)
        sent = 0
        for slot in range(USERS_PER_WRITER):
            index = number * USERS_PER_WRITER + slot
            claims = self.claim_ids[:]
            rng.shuffle(claims)
            for claim_id in claims:
                if self.stop.is_set() or sent >= MAX_REQUESTS_PER_CLIENT:
                    return
                value = rng.randrange(5)
                path = f"/api/v1/debates/{SLUG}/claims/{claim_id}/vote/"
                result = call(self.port, "PUT", path, body={"value": value},
                              headers=bearer(self.tokens[index]), timeout=20)  # fmt: skip
                self._record("write", result, (self.voters[index].pk, claim_id, value))
                sent += 1
                time.sleep(PAUSE)

    def reader(self, kind: str) -> None:
        rng = random.Random(kind)
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if self.stop.is_set():
                return
            claim_id = rng.choice(self.claim_ids)
            path = {
                "read-api": f"/api/v1/debates/{SLUG}/claims/{claim_id}/",
                "read-page": f"/d/{SLUG}/claims/{claim_id}/",
                "read-snapshot": f"/api/v1/debates/{SLUG}/snapshot/",
            }[kind]
            accept = "text/html" if kind == "read-page" else "application/json"
            self._record(kind, call(self.port, "GET", path, headers={"Accept": accept},
                                    timeout=20))  # fmt: skip
            time.sleep(PAUSE)

    def start(self) -> None:
        targets = [(self.writer, (n,)) for n in range(WRITERS)]
        targets += [(self.reader, (k,)) for k in ("read-api", "read-page", "read-snapshot")]
        for target, args in targets:
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


class Monitor(threading.Thread):
    """Connects to PostgreSQL every 0.1 s; records when it stops and starts answering."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.down_at: float | None = None
        self.up_at: float | None = None

    def run(self) -> None:
        while not self.stop.is_set():
            up = pg_accepts()
            now = time.monotonic()
            if not up and self.down_at is None:
                self.down_at = now
            if up and self.down_at is not None and self.up_at is None:
                self.up_at = now
            time.sleep(0.1)


def clean_failure(kind: str, result: Result) -> str | None:
    """None if this non-2xx response is the clean 503 the middleware promises, else why not."""
    text = result.body.decode(errors="replace")
    if result.status != 503:
        return f"status {result.status} {result.error}".strip()
    if "retry-after" not in result.headers:
        return "503 without Retry-After"
    if MESSAGE not in text:
        return "503 without the message"
    leaked = [word for word in LEAKS if word in text]
    if leaked:
        return f"503 body shows {leaked}"
    content_type = result.headers.get("content-type", "")
    if kind == "read-page":
        if not content_type.startswith("text/html"):
            return f"page 503 as {content_type}"
    else:
        if not content_type.startswith("application/json"):
            return f"API 503 as {content_type}"
        if result.json().get("error", {}).get("code") != "database_unavailable":
            return "API 503 without code database_unavailable"
    return None


def main() -> None:
    hard_limit(LIMIT_SECONDS)
    started = time.monotonic()
    print(machine_line())
    failures: list[str] = []
    monitor = Monitor()
    try:
        url = fresh_database("debate_load_faults")
        from django.db import connection

        from debate.arguments.models import Vote
        from debate.audit.models import AuditEvent

        debate, claim_ids, voters, tokens = set_up()
        connection.close()
        with Server(url, name="faults") as server:
            master_pid = server.process.pid
            print(
                f"server: gunicorn (master pid {master_pid}), {server.kind}, "
                f"production settings, 127.0.0.1:{server.port}, log {server.log_path}"
            )
            stream = Stream(server.port, claim_ids, voters, tokens)
            t0 = time.monotonic()
            stream.start()
            monitor.start()
            try:
                time.sleep(BEFORE_SECONDS)
                command = ["pg_ctlcluster", "--skip-systemctl-redirect", cluster_version(),
                           "main", "restart"]  # fmt: skip
                if DRY_RUN:  # check the plumbing without touching PostgreSQL
                    command = ["true"]
                restart_at = time.monotonic()
                done = subprocess.run(command, capture_output=True, text=True, timeout=90)
                restarted_at = time.monotonic()
                if done.returncode != 0:
                    failures.append(f"restart exited {done.returncode}: {done.stderr.strip()}")
                while not DRY_RUN and monitor.up_at is None:
                    if time.monotonic() - restarted_at > 60:
                        break
                    time.sleep(0.1)
                back_at = monitor.up_at or restarted_at
                while time.monotonic() < back_at + AFTER_SECONDS:
                    time.sleep(0.2)
            finally:
                stream.finish()
                monitor.stop.set()
            alive = server.process.poll() is None
            log = server.log_text()
            tracebacks = server.tracebacks()

        def rel(moment: float | None) -> str:
            return "-" if moment is None else f"{moment - t0:.2f} s"

        records = sorted(stream.records, key=lambda r: r[1].started)
        failed = [(k, r) for k, r, _ in records if not r.ok]
        events_ = [
            (restart_at, f"restart command issued: {' '.join(command)}"),
            (monitor.down_at, "PostgreSQL stops accepting connections (monitor)"),
            (monitor.up_at, "PostgreSQL accepts connections again (monitor)"),
            (restarted_at, f"restart command returned ({done.returncode})"),
        ]
        if failed:
            events_.append((failed[0][1].started, f"first failed request sent ({failed[0][0]})"))
            events_.append((failed[-1][1].started, f"last failed request sent ({failed[-1][0]})"))
        for kind in ("write", "read-api", "read-page", "read-snapshot"):
            after = [
                r
                for k, r, _ in records
                if k == kind and r.ok and monitor.up_at and r.started >= monitor.up_at
            ]
            if after:
                lag = after[0].started - monitor.up_at
                events_.append((after[0].started, f"first 2xx {kind} sent after the DB is back "
                                                  f"(+{lag:.2f} s)"))  # fmt: skip
            else:
                events_.append((None, f"no 2xx {kind} after the DB is back"))
        events_.append((records[-1][1].started, "last request sent; the stream stops"))
        print(f"timeline (t = 0 when the stream started; {len(records)} requests in all):")
        for moment, text in sorted(events_, key=lambda e: (e[0] is None, e[0] or 0)):
            print(f"  {rel(moment):>8}  {text}")
        causes = Counter(
            re.sub(
                r"connection to server at \S+, port \d+ failed: ",
                "",
                line.split("Database unavailable: ", 1)[1],
            )[:100]
            for line in log.splitlines()
            if "Database unavailable: " in line
        )
        print("server log, causes of the 503s: " + "; ".join(
            f"{n} x {cause}" for cause, n in causes.most_common()))  # fmt: skip

        by_kind = Counter((k, r.status) for k, r, _ in records)
        print("responses: " + ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(by_kind.items())))
        unclean = Counter()
        for kind, result in failed:
            reason = clean_failure(kind, result)
            if reason:
                unclean[(kind, reason)] += 1
        for (kind, reason), count in sorted(unclean.items()):
            failures.append(f"{count} x {kind}: {reason}")
        print(f"failures during the outage: {len(failed)}, of which clean 503s "
              f"{len(failed) - sum(unclean.values())}")  # fmt: skip
        if monitor.up_at is None:
            failures.append("the monitor never saw PostgreSQL come back")
        else:
            late = [(k, r) for k, r, _ in records
                    if r.started > monitor.up_at + RECOVERY_SECONDS and not r.ok]  # fmt: skip
            sent_late = sum(1 for _, r, _ in records
                            if r.started > monitor.up_at + RECOVERY_SECONDS)  # fmt: skip
            print(f"recovery: requests sent > {RECOVERY_SECONDS:.0f} s after the DB was back: "
                  f"{sent_late}, failed {len(late)}")  # fmt: skip
            if late or not sent_late:
                failures.append(f"{len(late)} failures > {RECOVERY_SECONDS} s after the DB was "
                                f"back (of {sent_late})")  # fmt: skip
        booted = log.count("Booting worker")
        print(f"gunicorn: master pid {master_pid} alive until stopped: {alive}; "
              f"'Booting worker' lines {booted} (2 at start), 'WORKER TIMEOUT' "
              f"{log.count('WORKER TIMEOUT')}; tracebacks in the log {tracebacks}")  # fmt: skip
        if not alive or booted != server.workers:
            failures.append("gunicorn or a worker restarted")

        # The writes, against the database.
        connection.close()
        rows = {(v.user_id, v.claim_id): v for v in Vote.objects.filter(claim_id__in=claim_ids)}
        verdict = Counter()
        odd = []
        for kind, result, extra in records:
            if kind != "write":
                continue
            user_id, claim_id, value = extra
            row = rows.get((user_id, claim_id))
            if result.ok:
                if row is None or row.value != value:
                    verdict["2xx, NOT in the database (lost)"] += 1
                    odd.append((result.status, extra, row and row.value))
                else:
                    verdict["2xx, in the database"] += 1
            elif result.status == 0:
                verdict[f"no answer, {'in' if row else 'not in'} the database"] += 1
            elif row is not None:
                verdict[f"{result.status}, IN the database (in doubt)"] += 1
                odd.append((result.status, extra, row.value, result.body[:200]))
            else:
                verdict[f"{result.status}, not in the database"] += 1
        print("writes: " + "; ".join(f"{label}: {n}" for label, n in sorted(verdict.items())))
        written = {extra[:2] for kind, _, extra in records if kind == "write"}
        extra_rows = [key for key in rows if key not in written]
        if extra_rows:
            failures.append(f"{len(extra_rows)} Vote rows no client wrote")
        for line in odd[:10]:
            failures.append(f"write judged wrong: {line}")
        events = Counter(
            AuditEvent.objects.filter(debate=debate, action="vote.cast").values_list(
                "object_id", flat=True
            )
        )
        vote_ids = {v.pk for v in rows.values()}
        orphans = set(events) - vote_ids
        missing = vote_ids - set(events)
        doubled = [k for k, n in events.items() if n != 1]
        print(f"atomicity: {len(rows)} Vote rows, {sum(events.values())} vote.cast events; "
              f"rows without event {len(missing)}, events without row {len(orphans)}, "
              f"rows with != 1 event {len(doubled)}")  # fmt: skip
        if orphans or missing or doubled:
            failures.append("Vote rows and audit events disagree")
    finally:
        signal.alarm(0)
        monitor.stop.set()
        ensure_postgres()
    verdict(
        failures,
        started,
        LIMIT_SECONDS,
        "clean 503s during the outage, recovery without restarting gunicorn, "
        "no half-written change",
    )


if __name__ == "__main__":
    main()
