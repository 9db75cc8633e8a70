"""A large debate under gunicorn: the debate page and the snapshot, latency and query counts.

    .venv/bin/python bench/load_large.py

Set-up (database debate_load_large, dropped and created again each run): bench/generate.py's
large_debate with 5,000 claims, 500 evidence passages and 100,000 votes (bulk inserts).

1. In this process, through Django's test client (as bench/snapshot_bench.py does), the SQL
   queries of one request to each URL, counted with CaptureQueriesContext, and the size of
   the response.
2. The app under gunicorn (2 threaded workers, production settings, bench/run_server.py, 127.0.0.1
   only): after one warm-up request per worker, each URL with 1 client (sequential) and then
   with 4 concurrent clients; the latency percentiles and throughput of each.
   URLs: the debate page /d/{slug}/ (HTML, anonymous) and the snapshot
   /api/v1/debates/{slug}/snapshot/ (JSON, anonymous), plus the snapshot with If-None-Match
   (the 304 path).

Asserts: every response is 200 (304 for the conditional one); the query counts do not grow with
the size of the debate (at most MAX_QUERIES each). Bounded: at most 180 s wall-clock; each
measurement stops sending after its time budget or its request count, whichever comes first,
and is skipped (and says so) when less than 50 s of the bound is left.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_server import (  # noqa: E402
    Server,
    call,
    fresh_database,
    hard_limit,
    latency_line,
    machine_line,
    verdict,
)

LIMIT_SECONDS = 180
CLAIMS, EVIDENCE, VOTES = 5000, 500, 100_000
SLUG = "load-large"
CONCURRENT = 4
# (clients, requests) per URL; the page takes seconds, the snapshot about one, the 304 little.
PLAN = {"debate page": ((1, 3), (CONCURRENT, 4)), "snapshot": ((1, 6), (CONCURRENT, 24))}
NOT_MODIFIED_REQUESTS = 96
BUDGET_SECONDS = 20.0  # per measurement: no new request after this
RESERVE_SECONDS = 50.0  # skip a measurement unless this much of the hard limit is left
MAX_QUERIES = 25


def query_counts(urls: dict[str, str]) -> dict[str, tuple[int, int, float]]:
    from django.core.signals import request_finished
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    request_finished.disconnect(close_old_connections)  # one connection, as in a test case
    client = Client()
    counts = {}
    for name, path in urls.items():
        if name == "snapshot":
            client.get(path)  # warm up (imports); the page is too slow to render twice
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            seconds = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        counts[name] = (len(captured), len(response.content), seconds)
    request_finished.connect(close_old_connections)
    connection.close()
    return counts


def measure(port: int, path: str, clients: int, requests: int, headers=None) -> list:
    deadline = time.monotonic() + BUDGET_SECONDS
    per_client = requests // clients

    def client(_):
        rows = []
        for _ in range(per_client):
            if time.monotonic() > deadline:
                break
            rows.append(call(port, "GET", path, headers=headers, timeout=60))
        return rows

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = [r for rows in pool.map(client, range(clients)) for r in rows]
    return results, time.monotonic() - started


def main() -> None:
    hard_limit(LIMIT_SECONDS)
    started = time.monotonic()
    print(machine_line())
    url = fresh_database("debate_load_large")
    from generate import large_debate  # noqa: I001 - a sibling module of the bench scripts

    began = time.monotonic()
    debate = large_debate(SLUG, claims=CLAIMS, evidence=EVIDENCE, votes=VOTES)
    print(f"generated {CLAIMS} claims, {EVIDENCE} evidence, {VOTES} votes in "
          f"{time.monotonic() - began:.0f} s")  # fmt: skip
    urls = {
        "debate page": f"/d/{debate.slug}/",
        "snapshot": f"/api/v1/debates/{debate.slug}/snapshot/",
    }
    failures: list[str] = []
    for name, (queries, size, seconds) in query_counts(urls).items():
        print(f"{name} {urls[name]}: {queries} SQL queries, {size / 1e6:.2f} MB, "
              f"{seconds * 1000:.0f} ms in-process (test client, one request)")  # fmt: skip
        if queries > MAX_QUERIES:
            failures.append(f"{name}: {queries} queries (> {MAX_QUERIES})")

    with Server(url, name="load_large") as server:
        print(f"server: gunicorn, {server.kind}, production settings, "
              f"127.0.0.1:{server.port}, log {server.log_path}")  # fmt: skip
        for path in urls.values():  # warm up both workers on both URLs
            with ThreadPoolExecutor(max_workers=server.workers) as pool:
                list(pool.map(lambda _, p=path: call(server.port, "GET", p, timeout=60),
                              range(server.workers)))  # fmt: skip
        etag = call(server.port, "GET", urls["snapshot"], timeout=60).headers.get("etag", "")
        plan = [
            (name, urls[name], clients, count, None)
            for name, steps in PLAN.items()
            for clients, count in steps
        ]
        plan.append(("snapshot 304", urls["snapshot"], CONCURRENT, NOT_MODIFIED_REQUESTS,
                     {"If-None-Match": etag}))  # fmt: skip
        for name, path, clients, count, headers in plan:
            if LIMIT_SECONDS - (time.monotonic() - started) < RESERVE_SECONDS:
                print(f"{name}, {clients} clients: skipped, too little time left")
                continue
            results, wall = measure(server.port, path, clients, count, headers)
            want = 304 if headers else 200
            bad = [r for r in results if r.status != want]
            size = max((len(r.body) for r in results), default=0)
            print(f"{name}, {clients} client{'s' if clients > 1 else ''}: {len(results)} "
                  f"requests, {len(results) / wall:.1f} req/s; "
                  f"{latency_line([r.seconds for r in results])}; "
                  f"{size / 1e6:.2f} MB; status != {want}: {len(bad)}")  # fmt: skip
            for r in bad[:5]:
                failures.append(f"{name}: {r.status} {r.error} {r.body[:200]!r}")
            if not results:
                failures.append(f"{name}: no request finished within the budget")
        tracebacks = server.tracebacks()
    print(f"server log: {tracebacks} tracebacks")
    if tracebacks:
        failures.append(f"{tracebacks} tracebacks in the server log")
    verdict(
        failures,
        started,
        LIMIT_SECONDS,
        "all answers 200 (304 when conditional); query counts bounded",
    )


if __name__ == "__main__":
    main()
