"""Votes under contention: 50 API clients cast and change votes on the same 20 claims.

    .venv/bin/python bench/load_votes.py

Set-up (database debate_load_votes, dropped and created again each run): a debate in the
rebuttal phase with 20 claims by a separate author (a debater), 50 voters who are observers,
each with its own API token (debate.accounts.services.token_create), plus one extra claim for
the same-user race below. The app runs under gunicorn, 2 threaded workers, production settings
(see bench/run_server.py), on 127.0.0.1 only.

Phases, each with 50 concurrent clients:
1. trivial view: GET /api/v1/debates/?page_size=1 (anonymous; 2 SQL queries), 1,000 requests;
2. votes: 2,000 PUT /api/v1/debates/{slug}/claims/{id}/vote/ {"value": n} in all (40 a client,
   random claim and value, seeded), each client with its own token;
3. trivial view again, 1,000 requests (the machine is shared: before and after show drift);
4. same-user race: one voter sends 10 PUTs with different values on one claim at once.

Asserts: no non-2xx response in any phase; every response of phase 2 echoes the value sent;
for every claim the tally in the API snapshot (/api/v1/debates/{slug}/snapshot/: count and
histogram) equals the tally computed from each client's own last vote on that claim; the Vote
rows in the database equal those last votes one by one (user, claim, value); every vote.cast
audit event matches a 2xx write; the race leaves exactly one Vote row, with one of the sent
values. Prints throughput (req/s), latency percentiles and the votes / trivial ratio.
Bounded: at most 180 s wall-clock (SIGALRM), 4,010 requests plus set-up.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_server import (  # noqa: E402
    Server,
    bearer,
    call,
    fresh_database,
    hard_limit,
    latency_line,
    machine_line,
    verdict,
)

LIMIT_SECONDS = 180
CLIENTS = 50
CLAIMS = 20
VOTE_REQUESTS = 2000
TRIVIAL_REQUESTS = 1000
TRIVIAL_PATH = "/api/v1/debates/?page_size=1"
RACE_REQUESTS = 10
SEED = 20240521
SLUG = "load-votes"


def set_up():
    from django.contrib.auth import get_user_model

    from debate.accounts.services import token_create
    from debate.arguments.models import Claim
    from debate.debates.models import Debate, Membership, Phase, Position, Role, Team

    user_model = get_user_model()
    debate = Debate.objects.create(slug=SLUG, title="Load: votes", motion="Votes?",
                                   phase=Phase.REBUTTAL)  # fmt: skip
    positions = [
        Position.objects.create(debate=debate, key="now", title="Now", order=0),
        Position.objects.create(debate=debate, key="after", title="After", order=1),
    ]
    team = Team.objects.create(debate=debate, name="Team now", position=positions[0])
    author = user_model.objects.create(username="load-author")
    Membership.objects.create(user=author, debate=debate, role=Role.DEBATER, team=team)
    claims = [
        Claim.objects.create(debate=debate, position=positions[i % 2], stance="pro",
                             text=f"Load claim {i}", author=author, team=team)
        for i in range(CLAIMS + 1)
    ]  # fmt: skip
    voters = user_model.objects.bulk_create(
        user_model(username=f"load-voter-{i}", password="!") for i in range(CLIENTS)
    )
    Membership.objects.bulk_create(
        Membership(user=v, debate=debate, role=Role.OBSERVER) for v in voters
    )
    tokens = [token_create(actor=None, user=v, name="load")[1] for v in voters]
    return debate, [c.pk for c in claims[:CLAIMS]], claims[CLAIMS].pk, voters, tokens


def run_clients(port, plans, worker) -> tuple[list, float]:
    """Run one plan per client thread, all released at once; returns results and wall time."""
    barrier = threading.Barrier(len(plans) + 1)
    results: list = [None] * len(plans)

    def client(index):
        barrier.wait()
        results[index] = [worker(port, index, step) for step in plans[index]]

    with ThreadPoolExecutor(max_workers=len(plans)) as pool:
        futures = [pool.submit(client, i) for i in range(len(plans))]
        barrier.wait()
        started = time.monotonic()
        for future in futures:
            future.result()
        wall = time.monotonic() - started
    return results, wall


def trivial_phase(port: int, label: str) -> tuple[float, list]:
    per_client = TRIVIAL_REQUESTS // CLIENTS
    plans = [[None] * per_client for _ in range(CLIENTS)]
    results, wall = run_clients(port, plans, lambda p, i, step: call(p, "GET", TRIVIAL_PATH))
    flat = [r for rows in results for r in rows]
    bad = [r for r in flat if not r.ok]
    rate = len(flat) / wall
    print(f"trivial view {label}: GET {TRIVIAL_PATH}, {len(flat)} requests, {CLIENTS} clients: "
          f"{rate:.0f} req/s; {latency_line([r.seconds for r in flat])}; "
          f"non-2xx {len(bad)}")  # fmt: skip
    return rate, bad


def query_counts(debate, claim_id: int) -> str:
    """SQL statements (BEGIN, SAVEPOINT and COMMIT included) of a first vote, of a changed
    vote and of the trivial view, in this process (test client), for a new voter."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from debate.accounts.services import token_create
    from debate.debates.models import Membership, Role

    user = get_user_model().objects.create(username="load-voter-queries", password="!")
    Membership.objects.create(user=user, debate=debate, role=Role.OBSERVER)
    token = token_create(actor=None, user=user, name="queries")[1]
    client = Client()
    path = f"/api/v1/debates/{SLUG}/claims/{claim_id}/vote/"
    counts = []
    for value in (3, 4):  # the first vote (and the token's first use), then a change
        with CaptureQueriesContext(connection) as captured:
            response = client.put(path, {"value": value}, content_type="application/json",
                                  HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
        assert response.status_code == 200, response.content
        counts.append(len(captured))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(TRIVIAL_PATH).status_code == 200
    return (
        f"SQL statements (in-process test client): first vote {counts[0]} (incl. the token's "
        f"last_used_at update), changed vote {counts[1]}, trivial view {len(captured)}"
    )


def main() -> None:
    hard_limit(LIMIT_SECONDS)
    started = time.monotonic()
    print(machine_line())
    url = fresh_database("debate_load_votes")
    from django.db import close_old_connections

    from debate.arguments.models import Vote
    from debate.audit.models import AuditEvent

    debate, claim_ids, race_claim, voters, tokens = set_up()
    close_old_connections()
    rng = random.Random(SEED)
    per_client = VOTE_REQUESTS // CLIENTS
    plans = [
        [(rng.choice(claim_ids), rng.randrange(5)) for _ in range(per_client)]
        for _ in range(CLIENTS)
    ]
    failures: list[str] = []

    def vote(port, index, step):
        claim_id, value = step
        path = f"/api/v1/debates/{SLUG}/claims/{claim_id}/vote/"
        return call(port, "PUT", path, body={"value": value}, headers=bearer(tokens[index]))

    with Server(url, name="load_votes") as server:
        print(f"server: gunicorn, {server.kind}, production settings, "
              f"127.0.0.1:{server.port}, log {server.log_path}")  # fmt: skip
        before, bad_before = trivial_phase(server.port, "before")
        results, wall = run_clients(server.port, plans, vote)
        after, bad_after = trivial_phase(server.port, "after")

        # Same-user race: one voter with no vote yet on race_claim, 10 values at once.
        race_values = list(range(RACE_REQUESTS))
        race_values = [v % 5 for v in race_values]
        race_plans = [[v] for v in race_values]
        race_path = f"/api/v1/debates/{SLUG}/claims/{race_claim}/vote/"
        race, _ = run_clients(server.port, race_plans, lambda p, i, v: call(
            p, "PUT", race_path, body={"value": v}, headers=bearer(tokens[0])))  # fmt: skip
        race = [rows[0] for rows in race]
        snapshot = call(server.port, "GET", f"/api/v1/debates/{SLUG}/snapshot/")
        tracebacks = server.tracebacks()

    flat = [r for rows in results for r in rows]
    bad = [r for r in flat if not r.ok]
    rate = len(flat) / wall
    trivial = (before + after) / 2
    print(f"votes: PUT .../vote/, {len(flat)} requests, {CLIENTS} clients (one token each), "
          f"{CLAIMS} claims: {rate:.0f} req/s; {latency_line([r.seconds for r in flat])}; "
          f"non-2xx {len(bad)}")  # fmt: skip
    print(f"ratio votes / trivial view: {rate / trivial:.2f} (trivial = mean of before "
          f"{before:.0f} and after {after:.0f} req/s)")  # fmt: skip

    # Each client's own last successful vote per claim is what must be in the tally.
    expected: dict[tuple[int, int], int] = {}
    for index, rows in enumerate(results):
        for (claim_id, value), result in zip(plans[index], rows, strict=True):
            if result.ok:
                expected[(voters[index].pk, claim_id)] = value
                if result.json().get("value") != value:
                    failures.append(f"response echoed {result.json()} for value {value}")
    histograms = defaultdict(lambda: [0] * 5)
    for (_, claim_id), value in expected.items():
        histograms[claim_id][value] += 1

    for result in bad + bad_before + bad_after:
        failures.append(f"non-2xx: {result.status} {result.error} {result.body[:200]!r}")
    if snapshot.status != 200:
        failures.append(f"snapshot answered {snapshot.status}")
    else:
        tallies = {c["id"]: c["votes"] for c in snapshot.json()["claims"]}
        mismatched = [
            (cid, tallies[cid], histograms[cid])
            for cid in claim_ids
            if tallies[cid]["histogram"] != histograms[cid]
            or tallies[cid]["count"] != sum(histograms[cid])
        ]
        for cid, got, want in mismatched:
            failures.append(f"claim {cid}: snapshot tally {got}, clients' last votes {want}")
        print(
            f"tallies: {CLAIMS - len(mismatched)}/{CLAIMS} claims match the clients' last "
            f"votes (snapshot count and histogram); {len(expected)} (voter, claim) votes, "
            f"{sum(t['count'] for c, t in tallies.items() if c in claim_ids)} in snapshot"
        )

    close_old_connections()
    rows = {(v.user_id, v.claim_id): v.value
            for v in Vote.objects.active().filter(claim_id__in=claim_ids)}  # fmt: skip
    if rows != expected:
        diff = set(rows.items()) ^ set(expected.items())
        failures.append(f"Vote rows differ from clients' last votes: {sorted(diff)[:10]}")
    print(f"database: {len(rows)} Vote rows; equal to the clients' last votes: "
          f"{rows == expected}")  # fmt: skip
    events = AuditEvent.objects.filter(debate=debate, action="vote.cast",
                                       object_type="arguments.vote")  # fmt: skip
    events = events.exclude(after__claim_id=race_claim)
    changes = 0
    last_seen: dict[tuple[int, int], int] = {}
    for index, rows_ in enumerate(results):
        for (claim_id, value), result in zip(plans[index], rows_, strict=True):
            key = (voters[index].pk, claim_id)
            if result.ok and last_seen.get(key) != value:
                changes += 1  # a write that changed something writes one audit event
                last_seen[key] = value
    if events.count() != changes:
        failures.append(f"{events.count()} vote.cast events, {changes} changing writes")
    print(f"audit: {events.count()} vote.cast events for {changes} writes that changed a vote "
          f"(re-casting the same value is a no-op)")  # fmt: skip

    race_ok = [r for r in race if r.ok]
    race_rows = list(Vote.objects.filter(claim_id=race_claim).values_list("user_id", "value"))
    print(f"same-user race: {RACE_REQUESTS} concurrent PUTs by one voter on one claim: "
          f"{len(race_ok)} x 2xx, statuses {sorted(Counter(r.status for r in race).items())}; "
          f"Vote rows {race_rows}")  # fmt: skip
    if len(race_ok) != RACE_REQUESTS:
        for r in race:
            if not r.ok:
                failures.append(f"race: {r.status} {r.error} {r.body[:300]!r}")
    if len(race_rows) != 1 or race_rows[0][1] not in race_values:
        failures.append(f"race: Vote rows {race_rows}")
    if tracebacks:
        failures.append(f"{tracebacks} tracebacks in the server log")
    print(f"server log: {tracebacks} tracebacks")
    print(query_counts(debate, claim_ids[0]))
    verdict(
        failures,
        started,
        LIMIT_SECONDS,
        "no error response; every tally equals the clients' own last votes",
    )


if __name__ == "__main__":
    main()
