"""Failing services, in one run: PostgreSQL restarted mid-run, Redis unreachable, and a
database that accepts connections but never answers.

    .venv/bin/python bench/faults.py               # the three phases
    .venv/bin/python bench/faults.py --no-restart  # phases 2 and 3 only (PostgreSQL untouched)

WARNING: phase 1 restarts the machine's PostgreSQL cluster (all its databases, for everybody):
    pg_ctlcluster --skip-systemctl-redirect <version> main restart
It comes back within seconds, and the script checks at the end, whatever happened, that
PostgreSQL accepts connections again (starting it if it does not). Use --no-restart while
other people's tests run on the machine.

Phase 2, Redis unreachable: a gunicorn whose REDIS_URL is a loopback port nobody listens on.
For 10 s, 2 API writers PUT votes by token, 1 page writer votes through the form (signed in by
the login page, CSRF and all), and readers GET the debate page, the API snapshot and a static
file. Asserts: every write is accepted (2xx, 302 for the page), nothing answers 5xx, no
traceback in the log; the log shows one "shared cache is unavailable" warning per process and
outage period (debate.ratelimit.FallbackCache), not one per request.

Phase 3, a database that never answers: a TCP listener thread that accepts every connection
and never sends a byte; a gunicorn whose DATABASE_URL points at it. For 12 s, one client each
GETs the debate page, the home page, the login page, the API list, the API snapshot, PUTs a
vote through the API (by token), and GETs a static file. Asserts: every request answers within
5 s (DB_CONNECT_TIMEOUT is 3 s); everything that needs the database is the clean 503 (JSON
under /api/, HTML elsewhere, Retry-After, no traceback); the login page answers (it needs no
database: 200); static files are served throughout (whitenoise, before any middleware that
touches the database).

Set-up (database debate_load_faults, dropped and created again each run): a debate in the
rebuttal phase with 300 claims by a debater and 9 observers with API tokens. The app runs under
gunicorn, 2 threaded workers, production settings (bench/run_server.py), on 127.0.0.1 only;
each phase starts its own.

Phase 1, PostgreSQL restarted: a steady stream: 3 writer clients PUT votes (each write on a
(voter, claim) pair never written before, so a Vote row in the database means exactly "that
write committed"), 3 reader clients GET the claim API, the claim page (HTML) and the API
snapshot; each pauses 50 ms between requests. A monitor connects to PostgreSQL every 0.1 s
to time the outage. After 5 s the script restarts PostgreSQL, then keeps the stream going
until 15 s after the database is back.

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
Bounded: at most 300 s for the whole run; each client sends at most 1,500 requests.

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
    free_port,
    fresh_database,
    hard_limit,
    latency_line,
    machine_line,
    verdict,
)

LIMIT_SECONDS = 300
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
# --no-restart skips phase 1 (it restarts PostgreSQL for everybody on the machine).
RESTART = "--no-restart" not in sys.argv[1:]
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
    from debate import permissions

    system = getattr(permissions, "SYSTEM", None)  # the app itself (None before it existed)
    tokens = [token_create(actor=system, user=v, name="load")[1] for v in voters]
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


# --- phase 2: Redis unreachable ---------------------------------------------------------------

REDIS_SECONDS = 10.0
PAGE_PASSWORD = "load faults page writer 1"  # noqa: S105 - a throwaway account of this run
STATIC_PATH = "/static/favicon.svg"  # whitenoise serves it from STATIC_ROOT, without the DB


def http(port: int, method: str, path: str, *, form: dict | None = None,
         headers: dict[str, str] | None = None, timeout: float = 20.0):  # fmt: skip
    """One request with a form body; (Result, {cookie: value} set by the answer)."""
    import http.client
    from urllib.parse import urlencode

    body = urlencode(form).encode() if form is not None else None
    sent = {"Accept": "text/html", **(headers or {})}
    if body is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        data = response.read()
        cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
        lowered = {k.lower(): v for k, v in response.getheaders()}
        return Result(response.status, time.monotonic() - started, data, lowered,
                      started=started), cookies  # fmt: skip
    except OSError as exc:
        return Result(0, time.monotonic() - started, error=f"{type(exc).__name__}: {exc}",
                      started=started), {}  # fmt: skip
    finally:
        conn.close()


def page_session(port: int, username: str) -> dict[str, str]:
    """Log in through the login page (CSRF and all); the headers of a signed-in browser."""
    page, cookies = http(port, "GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body.decode())
    if page.status != 200 or token is None or "csrftoken" not in cookies:
        raise RuntimeError(f"no login form: {page.status} {page.error}")
    answer, more = http(port, "POST", "/accounts/login/",
                        form={"username": username, "password": PAGE_PASSWORD,
                              "csrfmiddlewaretoken": token.group(1)},
                        headers={"Cookie": f"csrftoken={cookies['csrftoken']}"})  # fmt: skip
    cookies.update(more)
    if answer.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login refused: {answer.status} {answer.body[:200]!r}")
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "X-CSRFToken": cookies["csrftoken"]}  # fmt: skip


def page_writer():
    """A signed-in observer who votes through the pages (a password, unlike the others)."""
    from django.contrib.auth import get_user_model

    from debate.debates.models import Debate, Membership, Role

    user = get_user_model().objects.create_user("load-page-writer", password=PAGE_PASSWORD)
    Membership.objects.create(user=user, debate=Debate.objects.get(slug=SLUG),
                              role=Role.OBSERVER)  # fmt: skip
    return user


def unused_port() -> int:
    """A loopback port nobody listens on (bound, then released: refused from then on)."""
    return free_port()


def redis_down_phase(url: str, claim_ids: list[int], tokens: list[str], failures: list[str]):
    """Phase 2: the app's REDIS_URL points at a port nobody listens on. API writes (votes),
    page writes (votes through the form, signed in by the login page), reads and static files
    go on; every answer must be 2xx (302 for a page write), none 5xx."""
    from django.db import connection

    print("--- phase 2: Redis unreachable")
    page_writer()
    connection.close()
    redis_url = f"redis://127.0.0.1:{unused_port()}/0"
    records: list[tuple[str, Result]] = []
    lock = threading.Lock()
    stop = threading.Event()
    with Server(url, name="faults-redis", extra_env={"REDIS_URL": redis_url}) as server:
        print(f"server: gunicorn, {server.kind}, REDIS_URL={redis_url} (refused), "
              f"log {server.log_path}")  # fmt: skip
        session = page_session(server.port, "load-page-writer")

        def client(kind: str, number: int) -> None:
            rng = random.Random(f"{kind}{number}")
            for _ in range(MAX_REQUESTS_PER_CLIENT):
                if stop.is_set():
                    return
                claim_id = rng.choice(claim_ids)
                if kind == "api-write":
                    result = call(server.port, "PUT",
                                  f"/api/v1/debates/{SLUG}/claims/{claim_id}/vote/",
                                  body={"value": rng.randrange(5)},
                                  headers=bearer(tokens[number]))  # fmt: skip
                elif kind == "page-write":
                    path = f"/d/{SLUG}/claims/{claim_id}/vote/"
                    form = {"value": str(rng.randrange(5))}
                    result, _ = http(server.port, "POST", path, form=form, headers=session)
                elif kind == "page-read":
                    result = call(server.port, "GET", f"/d/{SLUG}/",
                                  headers={"Accept": "text/html"})  # fmt: skip
                elif kind == "api-read":
                    result = call(server.port, "GET", f"/api/v1/debates/{SLUG}/snapshot/")
                else:
                    result = call(server.port, "GET", STATIC_PATH)
                with lock:
                    records.append((kind, result))
                time.sleep(PAUSE)

        kinds = [("api-write", 0), ("api-write", 1), ("page-write", 0), ("page-read", 0),
                 ("api-read", 0), ("static", 0)]  # fmt: skip
        threads = [threading.Thread(target=client, args=k, daemon=True) for k in kinds]
        for thread in threads:
            thread.start()
        time.sleep(REDIS_SECONDS)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        log = server.log_text()
        tracebacks = server.tracebacks()
    by_kind = Counter((k, r.status) for k, r in records)
    print("responses: " + ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(by_kind.items())))
    bad = [(k, r) for k, r in records
           if not (r.ok or (k == "page-write" and r.status == 302))]  # fmt: skip
    server_errors = sum(1 for _, r in records if r.status >= 500)
    warnings = log.count("shared cache is unavailable")
    writes = sum(1 for k, r in records if k.endswith("write") and r.status in (200, 302))
    print(f"Redis unreachable: {len(records)} requests, {writes} writes accepted, "
          f"{server_errors} server errors, {len(bad)} not accepted; tracebacks in the log "
          f"{tracebacks}; 'shared cache is unavailable' warnings {warnings} "
          f"(one per process per outage period, not one per request)")  # fmt: skip
    if bad:
        failures.append(f"Redis down: {len(bad)} requests not accepted, first: "
                        f"{bad[0][0]} {bad[0][1].status} {bad[0][1].body[:120]!r}")  # fmt: skip
    if not writes:
        failures.append("Redis down: no write was accepted")
    if tracebacks:
        failures.append(f"Redis down: {tracebacks} tracebacks in the server log")


# --- phase 3: a database that accepts connections and never answers ---------------------------

HUNG_SECONDS = 12.0
HUNG_BOUND = 5.0  # every request answers within this


class SilentDatabase:
    """A TCP listener on the loopback that accepts every connection and never sends a byte:
    PostgreSQL's startup reply never comes."""

    def __init__(self) -> None:
        import socket

        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(128)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.held: list = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            self.held.append(conn)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        for conn in self.held:
            conn.close()
        self.server.close()


class StaticReadyServer(Server):
    """Ready when it serves a static file: with no database, no API answers 200."""

    def _wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see "
                                   f"{self.log_path}")  # fmt: skip
            if call(self.port, "GET", STATIC_PATH, timeout=5).status == 200:
                # Warm both workers up as Server does (URLs, views, templates are loaded on
                # the first request), with a page that needs no database.
                for _ in range(4 * self.workers):
                    call(self.port, "GET", "/accounts/login/", timeout=10)
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not serve {STATIC_PATH} within {seconds} s")


def hung_database_phase(url: str, tokens: list[str], failures: list[str]) -> None:
    """Phase 3: the app's DATABASE_URL points at a listener that never answers. Every request
    that needs the database must answer 503 (JSON under /api/) within HUNG_BOUND seconds; the
    login page answers too (200 or 503), and static files are served throughout."""
    print("--- phase 3: a database that accepts connections and never answers")
    records: list[tuple[str, Result]] = []
    lock = threading.Lock()
    stop = threading.Event()
    with SilentDatabase() as silent:
        hung_url = re.sub(r"@[^/]+/", f"@127.0.0.1:{silent.port}/", url)
        with StaticReadyServer(hung_url, name="faults-hung-db") as server:
            print(f"server: gunicorn, {server.kind}, DATABASE_URL -> 127.0.0.1:{silent.port} "
                  f"(accepts, never answers), log {server.log_path}")  # fmt: skip
            paths = {
                "page": (f"/d/{SLUG}/", "text/html"),
                "home": ("/", "text/html"),
                "login-page": ("/accounts/login/", "text/html"),
                "api-list": ("/api/v1/debates/", "application/json"),
                "api-snapshot": (f"/api/v1/debates/{SLUG}/snapshot/", "application/json"),
                "api-write": (f"/api/v1/debates/{SLUG}/claims/1/vote/", "application/json"),
                "static": (STATIC_PATH, "*/*"),
            }

            def client(kind: str) -> None:
                path, accept = paths[kind]
                while not stop.is_set():
                    if kind == "api-write":
                        result = call(server.port, "PUT", path, body={"value": 1},
                                      headers={"Accept": accept, **bearer(tokens[0])},
                                      timeout=30)  # fmt: skip
                    else:
                        result = call(server.port, "GET", path, headers={"Accept": accept},
                                      timeout=30)  # fmt: skip
                    with lock:
                        records.append((kind, result))
                    time.sleep(PAUSE if kind == "static" else 0.2)

            threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in paths]
            for thread in threads:
                thread.start()
            time.sleep(HUNG_SECONDS)
            stop.set()
            for thread in threads:
                thread.join(timeout=40)
            tracebacks = server.tracebacks()
            log = server.log_text()
    by_kind = Counter((k, r.status) for k, r in records)
    print("responses: " + ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(by_kind.items())))
    for kind in paths:
        times = [r.seconds for k, r in records if k == kind]
        if times:
            print(f"  {kind}: {len(times)} requests, {latency_line(times)}")
    slow = [(k, r) for k, r in records if r.seconds >= HUNG_BOUND]
    wrong = []
    for kind, result in records:
        if kind == "static":
            ok = result.status == 200
        elif kind == "login-page":
            ok = result.status in (200, 503)
        else:
            ok = result.status == 503 and clean_failure(
                "read-page" if not kind.startswith("api") else "read-api", result) is None
        if not ok:
            wrong.append((kind, result))
    statics = [r for k, r in records if k == "static"]
    print(f"never-answering database: {len(records)} requests, slowest "
          f"{max(r.seconds for _, r in records):.2f} s (bound {HUNG_BOUND:.0f} s), "
          f"{len(slow)} at or over the bound, {len(wrong)} not the expected answer; static "
          f"files {sum(r.status == 200 for r in statics)}/{len(statics)} served; tracebacks in "
          f"the log {tracebacks}; 'Database unavailable' lines "
          f"{log.count('Database unavailable')}")  # fmt: skip
    if slow:
        failures.append(f"hung database: {len(slow)} requests took >= {HUNG_BOUND} s, first "
                        f"{slow[0][0]} {slow[0][1].seconds:.1f} s")  # fmt: skip
    if wrong:
        kind, first = wrong[0]
        failures.append(f"hung database: {len(wrong)} unexpected answers, first {kind} "
                        f"{first.status} {first.error} {first.body[:120]!r}")  # fmt: skip
    if not statics:
        failures.append("hung database: no static file requested")


def restart_phase(url, debate, claim_ids, voters, tokens, monitor, failures) -> None:
    """Phase 1: PostgreSQL restarted under a steady stream (see the module's docstring)."""
    from django.db import connection

    from debate.arguments.models import Vote
    from debate.audit.models import AuditEvent

    print("--- phase 1: PostgreSQL restarted mid-run")
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
    judged = Counter()
    odd = []
    for kind, result, extra in records:
        if kind != "write":
            continue
        user_id, claim_id, value = extra
        row = rows.get((user_id, claim_id))
        if result.ok:
            if row is None or row.value != value:
                judged["2xx, NOT in the database (lost)"] += 1
                odd.append((result.status, extra, row and row.value))
            else:
                judged["2xx, in the database"] += 1
        elif result.status == 0:
            judged[f"no answer, {'in' if row else 'not in'} the database"] += 1
        elif row is not None:
            judged[f"{result.status}, IN the database (in doubt)"] += 1
            odd.append((result.status, extra, row.value, result.body[:200]))
        else:
            judged[f"{result.status}, not in the database"] += 1
    print("writes: " + "; ".join(f"{label}: {n}" for label, n in sorted(judged.items())))
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


def main() -> None:
    hard_limit(LIMIT_SECONDS)
    started = time.monotonic()
    print(machine_line())
    failures: list[str] = []
    monitor = Monitor()
    try:
        url = fresh_database("debate_load_faults")
        from django.db import connection

        debate, claim_ids, voters, tokens = set_up()
        connection.close()
        if RESTART:
            restart_phase(url, debate, claim_ids, voters, tokens, monitor, failures)
        else:
            print("--- phase 1 skipped (--no-restart): PostgreSQL is not restarted")
        redis_down_phase(url, claim_ids, tokens, failures)
        hung_database_phase(url, tokens, failures)
    finally:
        signal.alarm(0)
        monitor.stop.set()
        ensure_postgres()
    verdict(
        failures,
        started,
        LIMIT_SECONDS,
        ("clean 503s during the outage, recovery without restarting gunicorn, no half-written "
         "change; " if RESTART else "")
        + "Redis unreachable: writes succeed, 0 server errors; a database that never answers: "
        "503 within 5 s for every request, static files served throughout",
    )  # fmt: skip


if __name__ == "__main__":
    main()
