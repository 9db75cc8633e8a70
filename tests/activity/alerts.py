"""Rows that wait for review, written straight in (the world a test starts from), shared by
the alerts tests."""

from __future__ import annotations

from debate.debates.models import Debate, Role
from debate.moderation.models import Flag, FlagKind, FlagStatus
from debate.sources.models import EvidenceStatus
from tests.factories import (
    ClaimFactory,
    DebateFactory,
    EvidenceFactory,
    MembershipFactory,
    SourceFactory,
)


def proposed(debate: Debate, count: int = 1, *, source=None, **fields) -> list:
    """`count` proposed pieces of evidence in `debate` (one source, distinct spans)."""
    source = source or SourceFactory(debate=debate)
    fields = {"status": EvidenceStatus.PROPOSED, "reviewed_at": None, **fields}
    return [EvidenceFactory(source=source, start=i, end=i + 10, **fields) for i in range(count)]


def flagged(debate: Debate, count: int = 1, *, reporter, status=FlagStatus.OPEN) -> list[Flag]:
    """`count` flags on claims of `debate`, one claim each."""
    position = debate.positions.first()
    flags = []
    for _ in range(count):
        claim = ClaimFactory(debate=debate, position=position)
        flags.append(Flag.objects.create(debate=debate, claim=claim, reporter=reporter,
                                         kind=FlagKind.OFF_TOPIC, status=status))  # fmt: skip
    return flags


def moderated_debate(user, **fields) -> Debate:
    """Another debate, with a position, that `user` moderates."""
    debate = DebateFactory(**fields)
    debate.positions.create(key="only", title="The only position", order=0)
    MembershipFactory(user=user, debate=debate, role=Role.MODERATOR)
    return debate
