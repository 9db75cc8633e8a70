"""Writes racing a phase change, with two real connections: each write either commits before
the phase moves (and a closing snapshot holds it) or waits for the change and is judged by the
new phase; none lands after the close.

Writer A holds its transaction open while writer B starts (`tests.concurrency.interleaved`).
Every phase-dependent service locks the debate row before its permission check, as
`phase_change` does, so B waits for A and then sees A's phase. Without that lock B checks the
old phase, waits only at its audit record, and commits after the close.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest

from debate.arguments.models import Citation, Claim, Vote
from debate.arguments.services import citation_add, claim_create, claim_edit, vote_cast
from debate.debates.models import Debate, Phase, PollResponse
from debate.debates.services import phase_change, poll_answer
from debate.errors import NotAllowed
from debate.moderation.models import Flag
from debate.moderation.services import flag_create
from debate.snapshots.models import Snapshot
from debate.sources.models import Evidence, EvidenceStatus, Source
from debate.sources.services import evidence_propose
from tests.concurrency import interleaved, needs_postgresql
from tests.factories import ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def fresh(debate: Debate) -> Debate:
    """The debate as a request on another connection would load it."""
    return Debate.objects.get(pk=debate.pk)


def refused_into(outcome: dict, write: Callable[[], object]) -> Callable[[], None]:
    """`write`, with a refusal kept in `outcome` instead of raised on the writer's thread."""

    def run() -> None:
        try:
            outcome["result"] = write()
        except NotAllowed as refusal:
            outcome["refused"] = refusal

    return run


def close(debate: Debate, moderator) -> Callable[[], object]:
    return lambda: phase_change(actor=moderator, debate=fresh(debate), phase=Phase.CLOSED)


def test_a_vote_racing_the_close_waits_and_is_refused(debate, position_now, moderator,
                                                      debater_after, debater_now):  # fmt: skip
    needs_postgresql()
    claim = ClaimFactory(debate=debate, position=position_now, author=debater_now)
    outcome: dict = {}
    vote = refused_into(outcome, lambda: vote_cast(
        actor=debater_after, claim=Claim.objects.get(pk=claim.pk), value=3))  # fmt: skip

    with interleaved(close(debate, moderator), vote) as writers:
        closing_was_open = writers.a_is_open()

    assert closing_was_open
    assert isinstance(outcome.get("refused"), NotAllowed), outcome
    assert not Vote.objects.filter(claim=claim).exists()
    snapshot = Snapshot.objects.get(debate=debate)
    [row] = [c for c in snapshot.document["claims"] if c["id"] == claim.pk]
    assert row["votes"]["count"] == 0


def test_a_vote_that_locks_first_is_in_the_closing_snapshot(
    debate, position_now, moderator, debater_after, debater_now
):
    needs_postgresql()
    claim = ClaimFactory(debate=debate, position=position_now, author=debater_now)
    vote = lambda: vote_cast(actor=debater_after, claim=Claim.objects.get(pk=claim.pk), value=3)  # noqa: E731

    with interleaved(vote, close(debate, moderator)) as writers:
        vote_was_open = writers.a_is_open()
        not_closed_meanwhile = not Snapshot.objects.filter(debate=debate).exists()

    assert vote_was_open and not_closed_meanwhile
    assert Vote.objects.get(claim=claim).value == 3
    snapshot = Snapshot.objects.get(debate=debate)
    [row] = [c for c in snapshot.document["claims"] if c["id"] == claim.pk]
    assert row["votes"]["count"] == 1
    assert fresh(debate).phase == Phase.CLOSED


def _claim(w):
    return lambda: claim_create(
        actor=w.debater_now, debate=fresh(w.debate), position=w.position_now,
        text="Late claim.", stance="pro",
    )  # fmt: skip


def _edit(w):
    return lambda: claim_edit(actor=w.debater_now, claim=Claim.objects.get(pk=w.own.pk),
                              text="Edited late.", version=w.own.version)  # fmt: skip


def _cite(w):
    return lambda: citation_add(actor=w.debater_now, claim=Claim.objects.get(pk=w.own.pk),
                                evidence=w.evidence, relation="support")  # fmt: skip


def _flag(w):
    return lambda: flag_create(actor=w.debater_now, claim=Claim.objects.get(pk=w.theirs.pk),
                               kind="off_topic")  # fmt: skip


def _propose(w):
    return lambda: evidence_propose(actor=w.debater_now, source=Source.objects.get(pk=w.source.pk),
                                    quote="Critics want the war to end first.")  # fmt: skip


WRITES = {"claim": _claim, "edit": _edit, "citation": _cite, "flag": _flag, "evidence": _propose}


def _nothing_landed(w) -> dict:
    return {
        "claims": Claim.objects.filter(debate=w.debate).count(),
        "text": Claim.objects.get(pk=w.own.pk).text,
        "citations": Citation.objects.count(),
        "flags": Flag.objects.count(),
        "evidence": Evidence.objects.count(),
    }


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_racing_the_close_is_refused_never_late(debate, position_now, source,
                                                        moderator, debater_now, debater_after,
                                                        write):  # fmt: skip
    needs_postgresql()
    world = SimpleNamespace(
        debate=debate, position_now=position_now, source=source, debater_now=debater_now,
        own=ClaimFactory(debate=debate, position=position_now, author=debater_now),
        theirs=ClaimFactory(debate=debate, position=position_now, author=debater_after),
        evidence=EvidenceFactory(source=source, start=0, end=20, status=EvidenceStatus.APPROVED),
    )  # fmt: skip
    before = _nothing_landed(world)
    outcome: dict = {}

    with interleaved(close(debate, moderator), refused_into(outcome, WRITES[write](world))):
        pass

    assert isinstance(outcome.get("refused"), NotAllowed), outcome
    assert _nothing_landed(world) == before


def test_a_before_poll_answer_racing_the_opening_is_refused(debate, moderator, observer,
                                                            position_now):  # fmt: skip
    needs_postgresql()
    debate.phase = Phase.SETUP
    debate.save(update_fields=["phase"])
    outcome: dict = {}
    answer = refused_into(outcome, lambda: poll_answer(
        actor=observer, debate=fresh(debate), poll="before", position=position_now))  # fmt: skip
    opening = lambda: phase_change(actor=moderator, debate=fresh(debate), phase=Phase.OPENING)  # noqa: E731

    with interleaved(opening, answer):
        pass

    assert isinstance(outcome.get("refused"), NotAllowed), outcome
    assert not PollResponse.objects.exists()
