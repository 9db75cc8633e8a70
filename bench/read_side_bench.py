"""The read side in one run: three figures, each a ratio against a baseline measured in the same
run (baseline and subject rounds interleaved, medians compared), so that a busy, shared machine
moves both alike.

    .venv/bin/python bench/read_side_bench.py [--only snapshot,vote_fragment,parallel_whole_map]

Set-up: database debate_load_read_side (dropped, created and migrated by bench/run_server.py),
debates from bench/generate.py's large_debate (bulk inserts, fixed seed), all in this process
with DEBUG off, a local-memory cache, and the per-user and heavy-read limits raised
(run_server.RATE_ENV) so that the limiter is never what is measured.

1. `snapshot`: the live snapshot (GET /api/v1/debates/<slug>/snapshot/, anonymous, Django's
   test client: routing, visibility, read model, scoring, content hash, orjson) of a debate
   with 5,000 claims, 500 evidence and 100,000 votes, built cold: every cache is emptied
   before each round (Django's cache and, once it exists, debate.mapview.cache's own). The
   baseline is bench/snapshot_bench.py's: the same rows by raw SQL, serialized with orjson,
   the least any snapshot could cost. The warm figure (the same request right after the cold
   one) is printed too. Goal: cold / baseline <= 1.5.
2. `vote_fragment`: one htmx vote (POST /d/<slug>/claims/<id>/vote/ with HX-Request, signed in
   as an observer; the test client does not enforce CSRF) on a 3,000-claim map, after one GET
   of the debate page, as a real voter would have loaded it. The baseline is the bare
   `vote_cast` service on a twin debate generated with the same seed: on the subject's own
   debate each baseline write would bump its version and spoil what the page had cached,
   which no real voter's own clicks do. Values alternate, so every call really writes.
   Goal: fragment / baseline <= 3. Printed beside it: a signed-in GET of the profile page in
   the same rounds, the floor any signed-in request pays before its view does its own work.
3. `parallel_whole_map`: gunicorn as deployed (bench/run_server.py: gunicorn.conf.py,
   2 workers, production settings, its own Redis db, emptied first) on this database; one
   warm-up GET of the whole map, then in each round: a small request alone (baseline:
   the live poll /d/<slug>/live/?since=<version>, which answers 304, or the login page if it
   does not), then 20 parallel anonymous GET /d/<slug>/?whole=1 while one client keeps
   sending that small request. Each round starts at a new debate version, as after any
   write, so the burst finds nothing of it cached: each server process builds the map and
   renders the page once while it lasts. From one address unless the server trusts X-Forwarded-For
   (PROXY_COUNT); a 429 counts as served (fast). The figure is the small request's p95 under
   load; goal: p95 <= 1 s, printed as a ratio to its p95 alone.

Each section ends with `bench: <name> ratio=<x> goal=<y> PASS|FAIL`; the exit status is 1
if any FAILs. Bounded: every request times out after 120 s, each section has its own budget,
and SIGALRM ends the whole run after LIMIT_SECONDS (unfinished sections then FAIL).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_server import (  # noqa: E402
    RATE_ENV,
    Result,
    Server,
    TimeLimit,
    call,
    fresh_database,
    hard_limit,
    latency_line,
    machine_line,
    server_env,
)

SECTIONS = ("snapshot", "vote_fragment", "parallel_whole_map")
LIMIT_SECONDS = 390
REQUEST_TIMEOUT = 120.0
RESERVE_SECONDS = 25.0  # kept back from the hard limit for stopping gunicorn and reporting
_run_deadline = time.monotonic() + LIMIT_SECONDS  # set again when the run starts
DATABASE = "debate_load_read_side"
REDIS_URL = os.environ.get("READ_SIDE_REDIS_URL", "redis://127.0.0.1:6379/13")

SNAPSHOT_SIZE = {"claims": 5000, "evidence": 500, "votes": 100_000}
SNAPSHOT_ROUNDS, SNAPSHOT_BUDGET, SNAPSHOT_GOAL = 7, 100.0, 1.5
VOTE_SIZE = {"claims": 3000, "evidence": 300, "votes": 30_000}
VOTE_ROUNDS, VOTE_BUDGET, VOTE_GOAL = 15, 60.0, 3.0
PARALLEL_HEAVY, PARALLEL_ROUNDS, PARALLEL_BUDGET, PARALLEL_GOAL = 20, 3, 150.0, 1.0
IDLE_SAMPLES = 30
SMALL_PAUSE = 0.05  # between the small client's requests, as a page's poller spaces them
GOALS = {
    "snapshot": f"{SNAPSHOT_GOAL:g}",
    "vote_fragment": f"{VOTE_GOAL:g}",
    "parallel_whole_map": f"p95<={PARALLEL_GOAL:g}s",
}


@dataclass
class Verdict:
    name: str
    ratio: float
    goal: str
    passed: bool

    def line(self) -> str:
        return (f"bench: {self.name} ratio={self.ratio:.2f} goal={self.goal} "
                f"{'PASS' if self.passed else 'FAIL'}")  # fmt: skip


def timeout() -> float:
    """A request's timeout: 120 s, or less so that no request outlives the run's bound."""
    left = _run_deadline - time.monotonic() - RESERVE_SECONDS
    return max(1.0, min(REQUEST_TIMEOUT, left))


def seconds(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def ms(value: float) -> str:
    return f"{value * 1000:.0f} ms"


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile (the maximum for fewer than 20 values)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def keep_one_connection() -> None:
    """Requests through the test client close the database connection when they finish;
    keep one through the run, as a test case does, so no round pays for connecting."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)


def clear_map_caches() -> None:
    """Empty every cache the read side may use, so that the next build is cold. The
    process-local map cache arrives with the read-side refactor: skip it until it exists."""
    from django.core.cache import cache

    cache.clear()
    try:
        from debate.mapview import cache as maps
    except ImportError:
        return
    if hasattr(maps, "clear"):
        maps.clear()


def generate(slug: str, size: dict[str, int]):
    from generate import large_debate  # noqa: I001 - a sibling module of the bench scripts

    began = time.monotonic()
    debate = large_debate(slug, **size)
    print(f"generated {slug}: {size['claims']} claims, {size['evidence']} evidence, "
          f"{size['votes']} votes in {time.monotonic() - began:.0f} s", flush=True)  # fmt: skip
    return debate


# --- 1. snapshot -------------------------------------------------------------------------------


def bench_snapshot(debate) -> Verdict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from snapshot_bench import baseline  # noqa: I001 - a sibling module of the bench scripts

    client = Client()
    url = f"/api/v1/debates/{debate.slug}/snapshot/"
    sizes: list[int] = []

    def snapshot() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        sizes.append(len(response.content))

    baseline(connection, debate.pk)  # warm both paths up (imports, plans) before timing
    clear_map_caches()
    with CaptureQueriesContext(connection) as captured:
        snapshot()
    queries = len(captured)
    base, cold, warm = [], [], []
    deadline = time.monotonic() + SNAPSHOT_BUDGET
    for _ in range(SNAPSHOT_ROUNDS):
        base.append(seconds(lambda: baseline(connection, debate.pk)))
        clear_map_caches()
        cold.append(seconds(snapshot))
        warm.append(seconds(snapshot))
        if time.monotonic() > deadline and len(base) >= 3:
            break
    b, c, w = (statistics.median(x) for x in (base, cold, warm))
    print(f"snapshot: {sizes[-1] / 1e6:.1f} MB, {queries} queries cold; {len(base)} rounds; "
          f"baseline (raw SQL + orjson) median {ms(b)}; cold {ms(c)} ({c / b:.2f}x); "
          f"warm {ms(w)} ({w / b:.2f}x)")  # fmt: skip
    return Verdict("snapshot", c / b, GOALS["snapshot"], c / b <= SNAPSHOT_GOAL)


# --- 2. vote_fragment --------------------------------------------------------------------------


def observer_of(debate, name: str):
    from django.contrib.auth import get_user_model

    from debate.debates.models import Membership, Role

    user = get_user_model().objects.create(username=f"{debate.slug}-{name}")
    Membership.objects.create(user=user, debate=debate, role=Role.OBSERVER)
    return user


def middle_claim(debate):
    """A claim in the middle of the map (not a root's first child, not the last added)."""
    claims = debate.claims.order_by("id")
    return claims[claims.count() // 2]


def bench_vote_fragment(subject_debate, twin_debate) -> Verdict:
    from django.test import Client
    from django.urls import reverse

    from debate.arguments.models import Vote
    from debate.arguments.services import vote_cast

    voter, twin_voter = observer_of(subject_debate, "voter"), observer_of(twin_debate, "voter")
    claim, twin_claim = middle_claim(subject_debate), middle_claim(twin_debate)
    client = Client()  # enforce_csrf_checks is off: CSRF is not what is measured
    client.force_login(voter)
    page = seconds(lambda: client.get(reverse("debate", args=[subject_debate.slug])))
    url = reverse("claim-vote", args=[subject_debate.slug, claim.pk])
    values = itertools.cycle(["1", "3"])  # each call changes the vote: a real write each time
    last: dict[str, str] = {}

    def fragment() -> None:
        last["subject"] = next(values)
        response = client.post(url, {"value": last["subject"]}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        assert b"<html" not in response.content, "a whole page instead of a fragment"

    def bare() -> None:
        last["twin"] = next(values)
        vote_cast(actor=twin_voter, claim=twin_claim, value=last["twin"])

    def floor() -> None:
        # What any signed-in request costs before its view does anything of its own: the
        # session, the user, the middleware (the profile page reads nothing else much).
        response = client.get(reverse("profile"))
        assert response.status_code == 200, response.status_code

    fragment()  # the first vote of each creates the row; the timed ones change it
    bare()
    base, subject, floors = [], [], []
    deadline = time.monotonic() + VOTE_BUDGET
    for _ in range(VOTE_ROUNDS):
        base.append(seconds(bare))
        subject.append(seconds(fragment))
        floors.append(seconds(floor))
        if time.monotonic() > deadline and len(base) >= 3:
            break
    stored = Vote.objects.get(user=voter, claim=claim).value
    assert str(stored) == last["subject"], (stored, last["subject"])
    b, s = statistics.median(base), statistics.median(subject)
    f = statistics.median(floors)
    print(f"vote_fragment: debate page first GET {ms(page)}; {len(base)} rounds; "
          f"vote_cast median {ms(b)}; htmx vote median {ms(s)} ({s / b:.2f}x); a signed-in "
          f"request for the profile page {ms(f)}, so the vote's own work beyond the request "
          f"and the service is {ms(max(0.0, s - b - f))}")  # fmt: skip
    return Verdict("vote_fragment", s / b, GOALS["vote_fragment"], s / b <= VOTE_GOAL)


# --- 3. parallel_whole_map ---------------------------------------------------------------------


def flush_redis(url: str) -> None:
    """The server's maps are cached in Redis by debate id and version; a fresh database
    restarts both, so entries from an earlier run would be served as this one's."""
    import redis

    redis.Redis.from_url(url).flushdb()


def new_version(debate) -> None:
    """What a write does to the debate's version, done from outside the server."""
    from django.db import connection

    from debate.audit.services import debate_version_bump

    debate_version_bump(debate.pk)
    connection.close()


def small_request(port: int, debate) -> tuple[str, int]:
    """The live poll at the current version (304) if it answers so, else the login page."""
    version = type(debate).objects.values_list("version", flat=True).get(pk=debate.pk)
    poll = f"/d/{debate.slug}/live/?since={version}"
    if call(port, "GET", poll, timeout=timeout()).status == 304:
        return poll, 304
    return "/accounts/login/", 200


def idle_latencies(port: int, path: str) -> list[float]:
    rows = []
    for _ in range(IDLE_SAMPLES):
        rows.append(call(port, "GET", path, timeout=timeout()))
        time.sleep(SMALL_PAUSE)
    return [r.seconds for r in rows]


def forwarded_for(index: int, proxied: bool) -> dict[str, str]:
    return {"X-Forwarded-For": f"198.51.100.{index + 1}"} if proxied else {}


def loaded_round(port: int, heavy: str, small: str, proxied: bool) -> tuple[list, list]:
    """PARALLEL_HEAVY whole-map GETs released together, and the small request sent in a loop
    while any of them is in flight; returns (heavy results, small results)."""
    barrier = threading.Barrier(PARALLEL_HEAVY + 1)
    in_flight = threading.Event()
    in_flight.set()

    def one_heavy(index: int) -> Result:
        barrier.wait()
        return call(port, "GET", heavy, headers=forwarded_for(index, proxied),
                    timeout=timeout())  # fmt: skip

    def small_loop() -> list[Result]:
        barrier.wait()
        rows = []
        while in_flight.is_set():
            rows.append(call(port, "GET", small, timeout=timeout()))
            time.sleep(SMALL_PAUSE)
        return rows

    with ThreadPoolExecutor(max_workers=PARALLEL_HEAVY + 1) as pool:
        poller = pool.submit(small_loop)
        heavies = [pool.submit(one_heavy, i) for i in range(PARALLEL_HEAVY)]
        heavy_results = [f.result() for f in heavies]
        in_flight.clear()
        return heavy_results, poller.result()


def bench_parallel_whole_map(url: str, debate) -> Verdict:
    flush_redis(REDIS_URL)
    extra = {"REDIS_URL": REDIS_URL}
    proxied = server_env(url, extra).get("PROXY_COUNT", "0") not in ("", "0")
    heavy = f"/d/{debate.slug}/?whole=1"
    deadline = time.monotonic() + PARALLEL_BUDGET
    with Server(url, name="read_side", extra_env=extra) as server:
        print(f"server: gunicorn, {server.kind}, production settings, 127.0.0.1:{server.port}, "
              f"log {server.log_path}; X-Forwarded-For {'per client' if proxied else 'unused'}",
              flush=True)  # fmt: skip
        warm = call(server.port, "GET", heavy, timeout=timeout())
        print(f"whole map warm-up: {warm.status}, {len(warm.body) / 1e6:.1f} MB, "
              f"{ms(warm.seconds)}", flush=True)  # fmt: skip
        problems: list[str] = [] if warm.status == 200 else [f"warm-up answered {warm.status}"]
        idle_p95, load_p95, heavy_statuses, heavy_times = [], [], Counter(), []
        for number in range(PARALLEL_ROUNDS):
            # Each round meets a new version, as after any write: nothing of the burst is
            # cached yet, so the server builds the map and renders the page while it lasts.
            new_version(debate)
            small, want = small_request(server.port, debate)
            idle = idle_latencies(server.port, small)
            heavy_results, small_results = loaded_round(server.port, heavy, small, proxied)
            idle_p95.append(p95(idle))
            load_p95.append(p95([r.seconds for r in small_results]))
            heavy_statuses.update(r.status for r in heavy_results)
            heavy_times += [r.seconds for r in heavy_results]
            problems += [f"small {small}: {r.status} {r.error}" for r in small_results
                         if r.status != want]  # fmt: skip
            print(f"round {number + 1}: small alone p95 {ms(idle_p95[-1])}; under load "
                  f"{len(small_results)} small, p95 {ms(load_p95[-1])}; whole map "
                  f"{latency_line([r.seconds for r in heavy_results])}", flush=True)  # fmt: skip
            if time.monotonic() > deadline:
                break
        tracebacks = server.tracebacks()
    problems += [f"whole map answered {status} x{count}" for status, count in
                 heavy_statuses.items() if status not in (200, 429)]  # fmt: skip
    if tracebacks:
        problems.append(f"{tracebacks} tracebacks in the server log")
    idle, loaded = statistics.median(idle_p95), statistics.median(load_p95)
    print(f"parallel_whole_map: small request {small} ({want}); p95 alone {ms(idle)}, under "
          f"{PARALLEL_HEAVY} parallel whole maps {ms(loaded)} (medians of {len(idle_p95)} "
          f"rounds); whole map answers {dict(heavy_statuses)}, "
          f"{latency_line(heavy_times)}")  # fmt: skip
    for line in problems[:10]:
        print(f"  problem: {line}")
    passed = loaded <= PARALLEL_GOAL and not problems
    return Verdict("parallel_whole_map", loaded / idle, GOALS["parallel_whole_map"], passed)


# --- the run -----------------------------------------------------------------------------------


def chosen_sections(argv: list[str] | None) -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated, from: {', '.join(SECTIONS)}")  # fmt: skip
    names = [n.strip() for n in parser.parse_args(argv).only.split(",") if n.strip()]
    unknown = sorted(set(names) - set(SECTIONS))
    if unknown or not names:
        parser.error(f"unknown section(s) {unknown}; choose from {', '.join(SECTIONS)}")
    return [n for n in SECTIONS if n in names]


def run(sections: list[str]) -> list[Verdict]:
    os.environ.update(RATE_ENV)  # read by the settings when fresh_database sets Django up
    url = fresh_database(DATABASE)
    keep_one_connection()
    verdicts: list[Verdict] = []
    big = None
    if {"snapshot", "parallel_whole_map"} & set(sections):
        big = generate("read-side-large", SNAPSHOT_SIZE)
    if "snapshot" in sections:
        verdicts.append(bench_snapshot(big))
        print(verdicts[-1].line(), flush=True)
    if "vote_fragment" in sections:
        subject = generate("read-side-votes", VOTE_SIZE)
        twin = generate("read-side-votes-twin", VOTE_SIZE)
        verdicts.append(bench_vote_fragment(subject, twin))
        print(verdicts[-1].line(), flush=True)
    if "parallel_whole_map" in sections:
        from django.db import connection

        connection.close()  # the server's workers are the ones reading now
        verdicts.append(bench_parallel_whole_map(url, big))
        print(verdicts[-1].line(), flush=True)
    return verdicts


def main(argv: list[str] | None = None) -> None:
    sections = chosen_sections(argv)
    global _run_deadline
    hard_limit(LIMIT_SECONDS)
    started = time.monotonic()
    _run_deadline = started + LIMIT_SECONDS
    print(machine_line(), flush=True)
    verdicts: list[Verdict] = []
    try:
        verdicts = run(sections)
    except TimeLimit as exc:
        print(f"stopped: {exc}")
    finally:
        import signal

        signal.alarm(0)
    done = {v.name for v in verdicts}
    for name in sections:
        if name not in done:  # cut short by the time limit: no figure, so no pass
            print(f"bench: {name} ratio=nan goal={GOALS[name]} FAIL")
    print(f"total {time.monotonic() - started:.0f} s (bound {LIMIT_SECONDS} s)")
    if len(done) < len(sections) or not all(v.passed for v in verdicts):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
