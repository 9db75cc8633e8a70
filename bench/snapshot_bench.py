"""Snapshot of a large debate against a raw-SQL baseline, in one process, as a ratio.

    .venv/bin/python bench/snapshot_bench.py            # 5,000 claims, 500 evidence, 100,000 votes

The baseline fetches the same rows with raw SQL and serializes them with orjson: the least
any snapshot could cost. The snapshot request goes through the Django test client (URL
routing, permissions, the read model, scoring, content hash, orjson). Goal: within 1.5x.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_bench_database  # noqa: E402

ROUNDS = 7
LIMIT_SECONDS = 240


def baseline(connection, debate_id: int) -> bytes:
    import orjson

    queries = {
        "positions": "SELECT id, key, title FROM debates_position WHERE debate_id = %s",
        "teams": "SELECT id, name, position_id FROM debates_team WHERE debate_id = %s",
        "claims": (
            "SELECT c.id, c.position_id, c.parent_id, c.stance, c.text, u.username, t.name,"
            " c.created_at, c.updated_at, c.is_hidden, c.is_withdrawn FROM arguments_claim c"
            " LEFT JOIN auth_user u ON u.id = c.author_id"
            " LEFT JOIN debates_team t ON t.id = c.team_id WHERE c.debate_id = %s"
        ),
        "votes": (
            "SELECT v.claim_id, v.value, count(*) FROM arguments_vote v JOIN arguments_claim c"
            " ON c.id = v.claim_id WHERE c.debate_id = %s AND NOT v.is_withdrawn"
            " GROUP BY v.claim_id, v.value"
        ),
        "sources": (
            "SELECT id, title, publication, text_sha256 FROM sources_source WHERE debate_id = %s"
        ),
        "evidence": (
            'SELECT id, source_id, quote, start, "end", paragraph, status FROM sources_evidence'
            " WHERE debate_id = %s"
        ),
        "citations": (
            "SELECT ci.claim_id, ci.evidence_id, ci.relation FROM arguments_citation ci"
            " JOIN arguments_claim c ON c.id = ci.claim_id WHERE c.debate_id = %s"
        ),
    }
    document = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql, [debate_id])
            columns = [col[0] for col in cursor.description]
            document[name] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return orjson.dumps(document)


def timed(function, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    started = time.monotonic()
    django_on_bench_database()
    from django.core.signals import request_finished
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from generate import large_debate  # noqa: I001 - a sibling module of the bench scripts

    # Keep one connection through the run, as a test case does.
    request_finished.disconnect(close_old_connections)
    claims, evidence, votes = 5000, 500, 100_000
    print(f"generating {claims} claims, {evidence} evidence, {votes} votes ...", flush=True)
    debate = large_debate("bench-snapshot", claims=claims, evidence=evidence, votes=votes)
    client = Client()
    url = f"/api/v1/debates/{debate.slug}/snapshot/"

    def snapshot() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    with CaptureQueriesContext(connection) as captured:
        snapshot()  # also warms up the snapshot path
    snapshot_queries = len(captured)  # read now: the next request clears the log
    baseline(connection, debate.pk)
    size = len(client.get(url).content)
    base_times = timed(lambda: baseline(connection, debate.pk), ROUNDS)
    snap_times = timed(snapshot, ROUNDS)
    base, snap = statistics.median(base_times), statistics.median(snap_times)
    print(f"snapshot document: {size / 1e6:.1f} MB, {snapshot_queries} queries")
    print(f"baseline (raw SQL + orjson): median {base * 1000:.0f} ms over {ROUNDS} rounds")
    print(f"snapshot (test client):      median {snap * 1000:.0f} ms over {ROUNDS} rounds")
    print(f"ratio snapshot / baseline:   {snap / base:.2f}x (goal <= 1.5x)")
    etag = client.get(url)["ETag"]
    with CaptureQueriesContext(connection) as captured:
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag)
    not_modified_queries = len(captured)
    t304 = statistics.median(timed(lambda: client.get(url, HTTP_IF_NONE_MATCH=etag), ROUNDS))
    status = not_modified.status_code
    print(f"304 with If-None-Match:      {status}, {not_modified_queries} queries, "
          f"median {t304 * 1000:.1f} ms")  # fmt: skip
    print(f"total {time.monotonic() - started:.0f} s")
    if time.monotonic() - started > LIMIT_SECONDS:
        print("warning: the run took longer than its bound")


if __name__ == "__main__":
    main()
