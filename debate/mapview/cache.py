"""The viewer-independent map, built once per debate version and shared.

Two tiers: this process keeps the last few maps as objects (no unpickling on a hit), and
Django's cache (Redis when `REDIS_URL` is set) shares them between processes. A version is
never reused for other content (it only grows, under the debate row's lock), so entries need
no invalidation; they simply stop being asked for. Cached maps are read-only: everything
per viewer (controls, order, what a page draws) lives beside them.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.translation import get_language

from debate.debates.models import Debate
from debate.mapview.build import ALL_VOTERS, build_map, debate_version
from debate.mapview.model import DebateMap
from debate.mapview.visibility import Audience

logger = logging.getLogger(__name__)

SHARED_TIMEOUT = 3600
T = TypeVar("T")


class LocalCache:
    """The last few values of this process, as objects: a hit costs no unpickling."""

    def __init__(self, entries: int):
        self.entries = entries
        self._values: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: str, value) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.entries:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_maps = LocalCache(8)  # maps of a few thousand claims take megabytes each
_derived = LocalCache(16)
_latest = LocalCache(16)  # the last value built of each name, whatever its version


_flights: dict[str, threading.Lock] = {}
_flights_lock = threading.Lock()


@contextmanager
def _single_flight(key: str, *, wait: bool = True):
    """Hold `key`'s lock: threads of this process that miss the same entry at once wait
    for the first one's result instead of each building it (waiting costs no CPU). With
    `wait=False`, yields False at once when another thread is building it."""
    with _flights_lock:
        lock = _flights.setdefault(key, threading.Lock())
    if not lock.acquire(blocking=wait):
        yield False
        return
    try:
        yield True
    finally:
        lock.release()
        with _flights_lock:
            if _flights.get(key) is lock and not lock.locked():
                _flights.pop(key, None)


def _of(debate: Debate) -> str:
    """The debate in a key: its id and its creation, so that a database made afresh (whose
    ids and versions start again) never meets entries a shared cache kept from the last."""
    return f"{debate.pk}.{debate.created_at.timestamp():.6f}"


def map_key(debate: Debate, version: int, *, include_hidden: bool, voters: str) -> str:
    """Per interface language too: an anonymous debate's map names people «Учасник 7" or
    "Participant 7"."""
    audience = Audience(moderator=include_hidden).key
    return f"map:{_of(debate)}:{version}:{audience}:{voters}:{get_language()}"


def _shared() -> bool:
    """Whether Django's cache is shared between processes and answering. A local-memory cache
    is not shared: it would only hold a pickled second copy of what this process keeps
    already. After a failure the shared tier is skipped for a while (the rate limits' outage
    clock), so that an unreachable Redis costs one failed connection, not one per lookup."""
    from debate.ratelimit import counter_cache

    return "locmem" not in settings.CACHES["default"]["BACKEND"].lower() and (
        not counter_cache.is_down()
    )


def _shared_failed(exc: Exception) -> None:
    from debate.ratelimit import counter_cache

    counter_cache.note_failure(exc)  # one warning per outage period, not one per lookup


def _shared_get(key: str):
    if not _shared():
        return None
    try:
        return cache.get(key)
    except Exception as exc:  # a cache that is down costs a rebuild, never an error page
        _shared_failed(exc)
        return None


def _shared_put(key: str, value) -> None:
    if not _shared():
        return
    try:
        cache.set(key, value, SHARED_TIMEOUT)
    except Exception as exc:
        _shared_failed(exc)


def clear() -> None:
    """Forget what this process keeps (tests and benches; production never needs it)."""
    _maps.clear()
    _derived.clear()
    _latest.clear()


def cacheable() -> bool:
    """Inside a transaction that may yet roll back, what we read may never be committed:
    such reads are built fresh and never stored. (A test case's own outer transaction is
    marked by Django, as its `durable` check does, and does not count.)"""
    return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def debate_map(
    debate: Debate, *, include_hidden: bool = False, voters: str = ALL_VOTERS
) -> DebateMap:
    """The map at the debate's current version, from the cache if built (then one query:
    the version, read afresh, since `debate` may have been loaded before a write)."""
    if not cacheable():
        return build_map(debate, include_hidden=include_hidden, voters=voters)
    debate.version = debate_version(debate.pk)
    key = map_key(debate, debate.version, include_hidden=include_hidden, voters=voters)
    dmap = _maps.get(key)
    if dmap is not None:
        return dmap
    with _single_flight(key):  # twenty readers of a new version: one builds, the rest wait
        dmap = _maps.get(key) or _shared_get(key)
        if dmap is None:
            dmap = build_map(debate, include_hidden=include_hidden, voters=voters)
            # Only under the version it was built at, which may be newer than the one asked:
            # a key names exactly its version's content (a vote's patch starts from it).
            key = map_key(debate, dmap.version, include_hidden=include_hidden, voters=voters)
            _shared_put(key, dmap)
        _maps.put(key, dmap)
    return dmap


def store_map(dmap: DebateMap) -> None:
    """Keep a map derived in memory (a vote's fragment patches the previous version)."""
    key = map_key(dmap.debate, dmap.version, include_hidden=dmap.include_hidden,
                  voters=dmap.voters)  # fmt: skip
    _maps.put(key, dmap)


def per_version(
    debate: Debate,
    version: int,
    name: str,
    build: Callable[[], T],
    *,
    stale_ok: Callable[[int], bool] | None = None,
) -> T:
    """Anything else derived from one debate version (a snapshot's bytes, a picture's tree,
    a page for visitors). `stale_ok(older_version)`: whether, while another thread builds
    this version, the last one built may answer instead of waiting (for readers whose page
    catches up live, and only where the versions between took nothing away). Kept per
    interface language: what is built may hold translated words (a picture's labels)."""
    if not cacheable():
        return build()
    name = f"{get_language()}:{name}"
    key = f"derived:{_of(debate)}:{version}:{name}"
    latest = f"latest:{_of(debate)}:{name}"
    value = _derived.get(key)
    if value is not None:
        return value
    stale = _last_built(latest) if stale_ok is not None else None
    if stale is not None:
        with _single_flight(key, wait=False) as building:
            if building:
                return _fill(key, latest, version, build)
        if stale_ok(stale[0]):
            return stale[1]
    with _single_flight(key):
        return _fill(key, latest, version, build)


def _last_built(latest: str):
    """(version, value) of the last one built of a name, by this process or another."""
    found = _latest.get(latest)
    if found is None:
        pointer = _shared_get(latest)
        value = _shared_get(pointer[1]) if pointer else None
        found = (pointer[0], value) if value is not None else None
    return found


def _fill(key: str, latest: str, version: int, build: Callable[[], T]) -> T:
    """Under the key's lock: the value, from a cache if another thread or process made it."""
    value = _derived.get(key) or _shared_get(key)
    if value is None:
        value = build()
        _shared_put(key, value)
    _derived.put(key, value)
    _latest.put(latest, (version, value))
    _shared_put(latest, (version, key))  # other processes find the value under its own key
    return value


_VOTE_ACTIONS = ("vote.cast", "vote.withdraw")
_PATCH_LIMIT = 5  # past a few writes, building afresh is simpler than patching


def debate_map_after_write(debate: Debate, *, include_hidden: bool) -> DebateMap:
    """The map just after the caller's own write, whose version `debate` does not know yet.

    Votes are the most frequent write and change one tally: the map of the version before
    is copied along one path and patched, so a vote's fragment does not rebuild the map.
    Anything else builds the map of the new version (once; then it is cached)."""
    from debate.audit.models import AuditEvent

    if not cacheable():
        return debate_map(debate, include_hidden=include_hidden)
    events = list(
        AuditEvent.objects.filter(debate_id=debate.pk, version__gt=debate.version)
        .order_by("version")
        .values_list("version", "action", "before", "after")[: _PATCH_LIMIT + 1]
    )
    if not events:
        return debate_map(debate, include_hidden=include_hidden)
    base = _maps.get(map_key(debate, debate.version, include_hidden=include_hidden,
                              voters=ALL_VOTERS))  # fmt: skip
    latest = events[-1][0]
    if (
        base is not None
        and base.version == debate.version
        and len(events) <= _PATCH_LIMIT
        and all(action in _VOTE_ACTIONS for _, action, *_ in events)
    ):
        dmap = base
        for version, _, before, after in events:
            dmap = _with_vote(dmap, version, before, after)
        if dmap is not None:
            store_map(dmap)
            debate.version = latest
            return dmap
    debate.version = latest
    return debate_map(debate, include_hidden=include_hidden)


def _with_vote(dmap: DebateMap | None, version: int, before: dict | None, after: dict | None):
    """A new map sharing every node with `dmap` but those from the voted claim up to its
    position, which are copies with the tally moved from `before` to `after`."""
    from dataclasses import replace

    from debate.mapview.build import rescore_path
    from debate.mapview.model import Tally

    state = after or before
    if dmap is None or state is None or state.get("claim_id") not in dmap.claims:
        return None
    claim_id = state["claim_id"]
    if dmap.claims[claim_id].is_placeholder:
        return None
    claims = dict(dmap.claims)
    path = dmap.path_to(claim_id)
    copies = {}
    for node in path:
        copy = replace(node, tally=Tally(list(node.tally.histogram)), children=list(node.children))
        copies[node.id] = copy
        claims[node.id] = copy
    for copy in copies.values():
        copy.children = [copies.get(child.id, child) for child in copy.children]
    histogram = copies[claim_id].tally.histogram
    if before is not None:
        histogram[before["value"]] -= 1
    if after is not None:
        histogram[after["value"]] += 1
    position_id = path[0].position_id
    positions = [
        replace(p, children=[copies.get(c.id, c) for c in p.children]) if p.id == position_id else p
        for p in dmap.positions
    ]
    patched = replace(dmap, claims=claims, positions=positions, version=version)
    rescore_path(patched, claim_id)
    return patched
