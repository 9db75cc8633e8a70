from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, models

from debate import ratelimit
from debate.audit.models import AuditEvent

# Set while a write that was counted once calls other services (a set-up creates positions
# and teams, a clone copies sources, resolving a flag hides the claim): those are part of it.
_COUNTED: ContextVar[bool] = ContextVar("write_counted", default=False)


def rate_check(actor: Any, action: str) -> None:
    """Count one write `action` against the actor's limits (ratelimit.check_rate), unless an
    enclosing write counted already."""
    if not _COUNTED.get():
        ratelimit.check_rate(actor, action)


@contextmanager
def parts_uncounted() -> Iterator[None]:
    """The services called inside the block count nothing: the write that calls them was
    counted already."""
    token = _COUNTED.set(True)
    try:
        yield
    finally:
        _COUNTED.reset(token)


@contextmanager
def counted_as(actor: Any, action: str) -> Iterator[None]:
    """Count one write `action` now; the services called inside the block count nothing."""
    rate_check(actor, action)
    with parts_uncounted():
        yield


def audit_record(
    *,
    actor: Any,
    debate: Any,
    action: str,
    obj: models.Model,
    before: dict | None,
    after: dict | None,
) -> AuditEvent:
    """Record one write. Call it inside the service's transaction, so both land or neither.

    Every write passes here, so here the debate's version moves: the UPDATE takes the debate
    row's lock until the transaction ends, so the next write's version is handed out only
    after this one has committed or rolled back. Versions therefore follow commit order."""
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    version = debate_version_bump(debate.pk) if debate is not None else None
    if debate is not None:
        debate.version = version
    return AuditEvent.objects.create(
        actor_id=actor_id,
        debate=debate,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        before=before,
        after=after,
        version=version,
    )


def debate_lock(debate: Any) -> Any:
    """Lock the debate's row until the transaction ends; `debate` is refreshed from it and
    returned.

    Every service whose rule depends on the phase (or that moderators may not use once the
    debate is closed) starts here and checks permissions against what this returns, so
    the check and the write see one phase: `phase_change` takes the same lock, so a write
    either commits before the phase moves (and is in a closing snapshot) or waits and is
    judged by the new phase. FOR NO KEY UPDATE is the lock the version bump below takes
    anyway (the lock only comes earlier), and unlike FOR UPDATE it lets other transactions
    insert rows that point to the debate. Lock the debate before any claim or flag row, as
    every service does, so that two writers never wait on each other in opposite orders."""
    from debate.debates.models import Debate

    locked = Debate.objects.select_for_update(no_key=True).get(pk=debate.pk)
    # The caller's object takes the locked values, so whatever else holds it (the claim it
    # came from, the view) sees the same phase as the check.
    for field in Debate._meta.concrete_fields:
        setattr(debate, field.attname, getattr(locked, field.attname))
    return debate


def debate_version_bump(debate_id: int) -> int:
    from debate.debates.models import Debate

    table = connection.ops.quote_name(Debate._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET version = version + 1 WHERE id = %s RETURNING version",  # noqa: S608
            [debate_id],
        )
        return cursor.fetchone()[0]


def model_state(obj: models.Model, fields: list[str]) -> dict:
    """A JSON-safe picture of some of an object's fields, for an audit event's before/after."""
    state = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        if value is not None and not isinstance(value, str | int | float | bool):
            value = str(value)
        state[field.attname] = value
    return state
