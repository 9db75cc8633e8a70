"""Writes of the roster: the debate's tasks (targets). Member changes and removals are
membership writes and live with the others in debate/debates/services.py."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from debate import permissions
from debate.audit.services import audit_record, debate_lock, rate_check
from debate.debates.models import Debate
from debate.errors import InvalidInput
from debate.people.models import TARGET_FIELDS, Targets

# A target past this is a typo, not a seminar's plan (and fits a PositiveSmallInteger).
TARGET_MAX = 999


def _state(targets: Targets) -> dict[str, int]:
    return {name: getattr(targets, name) for name in TARGET_FIELDS}


@transaction.atomic
def targets_set(*, actor: Any, debate: Debate, **values: int) -> Targets:
    """Set the debate's targets (moderators, while it is open). Fields not given keep their
    value; 0 sets no target."""
    debate = debate_lock(debate)
    permissions.require_open(debate)
    permissions.require(permissions.can_manage(actor, debate), "Only moderators set tasks.")
    rate_check(actor, "manage")
    unknown = sorted(set(values) - set(TARGET_FIELDS))
    if unknown:
        raise InvalidInput(f"Unknown target: {unknown[0][:40]}.", field=unknown[0][:40])
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= TARGET_MAX:
            raise InvalidInput(f"A whole number from 0 to {TARGET_MAX}.", field=name)
    targets, created = Targets.objects.select_for_update().get_or_create(debate=debate)
    before = None if created else _state(targets)
    for name, value in values.items():
        setattr(targets, name, value)
    if before == _state(targets):
        return targets  # nothing changes: no event, no version
    targets.save()
    audit_record(
        actor=actor, debate=debate, action="targets.set", obj=targets, before=before,
        after=_state(targets),
    )  # fmt: skip
    return targets
