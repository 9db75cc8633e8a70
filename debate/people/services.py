"""Writes of the roster: the debate's tasks (targets). Member changes and removals are
membership writes and live with the others in debate/debates/services.py."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from debate import permissions
from debate.audit.services import audit_record, debate_lock, rate_check
from debate.debates.models import Debate
from debate.errors import InvalidInput
from debate.people.models import TARGET_FIELDS, Pseudonym, Targets

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
    permissions.require(permissions.can_manage(actor, debate), _("Only moderators set tasks."))
    rate_check(actor, "manage")
    unknown = sorted(set(values) - set(TARGET_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown target: %(name)s.") % {"name": unknown[0][:40]},
                           field=unknown[0][:40])  # fmt: skip
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= TARGET_MAX:
            raise InvalidInput(_("A whole number from 0 to %(max)s.") % {"max": TARGET_MAX},
                               field=name)  # fmt: skip
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


# Pseudonyms are numbered 1..99 in any debate of up to 26 people, whenever each joined.
PSEUDONYM_NUMBERS = 100


def pseudonyms_assign(debate: Debate, user_ids: Iterable[int | None]) -> None:
    """Give everyone here without one a pseudonym in `debate` (2 queries, none when all
    have one). Called under the debate's lock by every write that makes a member (joins,
    roles, imports) and when anonymity is switched on, so numbers never race; a person
    keeps theirs for good. Numbers are drawn at random from 1..99 (a range a few times the
    debate's size once it outgrows that), the same range for the first member (the
    moderator who set it up) as for the twentieth, so a number says nothing about who came
    first (a range that grew with the debate made a high number mean "joined late")."""
    wanted = {uid for uid in user_ids if uid is not None}
    if not wanted:
        return
    taken = dict(Pseudonym.objects.filter(debate=debate).values_list("user_id", "number"))
    new = sorted(wanted - taken.keys())
    if not new:
        return
    used = set(taken.values())
    top = max(PSEUDONYM_NUMBERS, 3 * (len(taken) + len(new)) + 20)
    pool = [n for n in range(1, top) if n not in used]
    numbers = secrets.SystemRandom().sample(pool, len(new))
    Pseudonym.objects.bulk_create([
        Pseudonym(debate=debate, user_id=uid, number=number)
        for uid, number in zip(new, numbers, strict=True)
    ])  # fmt: skip
