"""A full scoring pass (`mapview.build.score`) over in-memory maps of 1,000 and 10,000 claims.

    .venv/bin/python bench/scoring_bench.py

No database: the maps are PositionNode/ClaimNode trees built in memory, each claim with 10
votes, in the shape of a seminar debate (two positions, a few claims under each, replies
nesting a few levels down, a third of them attacks). Each size is scored several times and
the median reported; scoring is linear when the 10,000-claim pass takes about 10 times the
1,000-claim one. The whole run stops adding repetitions once it has used LIMIT_SECONDS.

Passes are timed twice: with the garbage collector paused (as `timeit` does), which measures
the algorithm, and with it running, as in a real request. A full collection walks every live
object, so with the collector on, the larger map also pays for its own size; and 1,000 claims
fit in the CPU caches where 10,000 do not. Both push the measured ratio above 10, so the run
also counts the work itself: strength computations and replies read in one pass.
"""

from __future__ import annotations

import datetime
import gc
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000)
VOTES_PER_CLAIM = 10
REPETITIONS = 15
LIMIT_SECONDS = 50  # the whole run stays well under a minute
NOW = datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)


def setup_django() -> None:
    """The read model's module imports Django models; no database is touched."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "debate.settings")
    os.environ.setdefault("DEBUG", "false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_map(size: int, seed: int):
    """Two positions and `size` claims; each claim picks a parent among recent claims (so
    chains grow deep) or, one time in ten, a position."""
    from debate.mapview.model import ClaimNode, PositionNode

    rng = random.Random(seed)
    positions = [
        PositionNode(id=i, key=f"p{i}", title=f"Position {i}", description="", order=i)
        for i in (1, 2)
    ]
    claims: list[ClaimNode] = []
    for cid in range(size):
        under_position = not claims or rng.random() < 0.1
        parent = (
            None
            if under_position
            else claims[max(0, len(claims) - 1 - int(rng.expovariate(1 / 20)))]
        )
        position = rng.choice(positions) if parent is None else None
        node = ClaimNode(
            cid, parent.position_id if parent else position.id, parent.id if parent else None,
            "con" if rng.random() < 0.35 else "pro", f"Claim {cid}", None, None, None, None, 1,
            False, False, NOW, NOW,
        )  # fmt: skip
        histogram = [0] * 5
        for _ in range(VOTES_PER_CLAIM):
            histogram[rng.randrange(5)] += 1
        node.tally.histogram = histogram
        (parent.children if parent else position.children).append(node)
        claims.append(node)
    return positions, claims


def depth_of(positions) -> int:
    deepest, stack = 0, [(c, 1) for p in positions for c in p.children]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children)
    return deepest


def count_work(size: int) -> tuple[int, int]:
    """(strength computations, replies read) in one pass: the work, free of cache effects."""
    from debate.debates import scoring
    from debate.mapview.build import score as _score

    positions, _claims = build_map(size, seed=size)
    calls = replies = 0
    real = scoring.strength

    def counting(tau, attackers, supporters):
        nonlocal calls, replies
        calls += 1
        attackers, supporters = list(attackers), list(supporters)
        replies += len(attackers) + len(supporters)
        return real(tau, attackers, supporters)

    scoring.strength = counting
    try:
        _score(positions)
    finally:
        scoring.strength = real
    return calls, replies


def time_scoring(size: int, deadline: float, *, collect: bool) -> tuple[float, float, int, int]:
    from debate.mapview.build import score as _score

    positions, claims = build_map(size, seed=size)
    _score(positions)  # warm up
    times = []
    for _ in range(REPETITIONS):
        if times and time.perf_counter() > deadline:
            break
        if not collect:
            gc.disable()
        try:
            start = time.perf_counter()
            _score(positions)
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    assert all(0.0 <= c.strength <= 1.0 for c in claims)
    return statistics.median(times), min(times), len(times), depth_of(positions)


def main() -> None:
    setup_django()
    began = time.perf_counter()
    budget = LIMIT_SECONDS / 4  # four timed series: two sizes, collector paused and running
    for collect in (False, True):
        label = "collector running" if collect else "collector paused"
        results = {}
        for size in SIZES:
            median, best, runs, depth = time_scoring(
                size, time.perf_counter() + budget, collect=collect
            )
            results[size] = median, best
            print(f"{label}: {size:>6,} claims ({VOTES_PER_CLAIM} votes each, depth {depth:>2}): "
                  f"median {median * 1000:7.2f} ms (best {best * 1000:7.2f}) over {runs} runs, "
                  f"{median / size * 1e6:.2f} µs a claim")  # fmt: skip
        (small, small_best), (large, large_best) = (results[s] for s in SIZES)
        print(f"{label}: ratio {SIZES[-1]:,} / {SIZES[0]:,} claims = {large / small:.1f} "
              f"(best {large_best / small_best:.1f}; "
              f"linear ≈ {SIZES[-1] // SIZES[0]})")  # fmt: skip
    work = {size: count_work(size) for size in SIZES}
    for size, (calls, replies) in work.items():
        print(f"work: {size:>6,} claims: {calls:,} strength computations, {replies:,} replies read")
    small, large = (work[s][0] for s in SIZES)
    print(f"work: ratio {large / small:.2f}")
    print(f"total {time.perf_counter() - began:.1f} s (limit {LIMIT_SECONDS} s)")


if __name__ == "__main__":
    main()
