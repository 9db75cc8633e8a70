from __future__ import annotations

from typing import Any

from django.db import models

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
    """Record one write. Call it inside the service's transaction, so both land or neither."""
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor_id=actor_id,
        debate=debate,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        before=before,
        after=after,
    )


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
