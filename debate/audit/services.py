from __future__ import annotations

from typing import Any

from django.db import connection, models

from debate.audit.models import AuditEvent


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
