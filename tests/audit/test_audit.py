"""Every service write leaves exactly one AuditEvent: who, what, which object, before, after."""

from __future__ import annotations

import pytest

from debate.arguments.services import (
    claim_create,
    claim_edit,
    claim_hide,
    claim_move,
    vote_cast,
    vote_withdraw,
)
from debate.audit.models import AuditEvent
from debate.debates.services import phase_change
from debate.errors import ServiceError
from debate.permissions import SYSTEM
from debate.sources.services import evidence_approve, evidence_propose
from tests.factories import ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_events():
    """Call it after the action: the events written since the fixture was set up."""
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return lambda: list(AuditEvent.objects.filter(id__gt=last).order_by("id"))


@pytest.fixture
def claim_after(debate, position_after, debater_after, team_after):
    return ClaimFactory(
        debate=debate, position=position_after, author=debater_after, team=team_after,
        text="Wait for a settlement.",
    )  # fmt: skip


def test_claim_create_records_one_event_with_the_new_state(
    debate, position_now, team_now, debater_now, new_events
):
    claim = claim_create(
        actor=debater_now, debate=debate, position=position_now, text=" Talks now. ",
        stance="pro",
    )  # fmt: skip

    [event] = new_events()
    assert event.actor == debater_now
    assert event.debate == debate
    assert event.action == "claim.create"
    assert (event.object_type, event.object_id) == ("arguments.claim", claim.pk)
    assert event.before is None
    assert event.after == {
        "position_id": position_now.pk, "parent_id": None, "stance": "pro",
        "text": "Talks now.", "team_id": team_now.pk, "version": 1, "is_hidden": False,
        "hidden_reason": "", "is_withdrawn": False, "merged_into_id": None,
    }  # fmt: skip


def test_claim_edit_records_text_and_version_before_and_after(
    debate, claim_after, debater_after, new_events
):
    claim_edit(actor=debater_after, claim=claim_after, text="Wait for peace.", version=1)

    [event] = new_events()
    assert event.actor == debater_after
    assert event.debate == debate
    assert event.action == "claim.edit"
    assert (event.object_type, event.object_id) == ("arguments.claim", claim_after.pk)
    assert (event.before["text"], event.before["version"]) == ("Wait for a settlement.", 1)
    assert (event.after["text"], event.after["version"]) == ("Wait for peace.", 2)


def test_vote_cast_records_new_vote_then_the_change(debate, claim_after, observer, new_events):
    vote = vote_cast(actor=observer, claim=claim_after, value=2)
    vote_cast(actor=observer, claim=claim_after, value=4)

    first, second = new_events()
    for event in (first, second):
        assert event.actor == observer
        assert event.debate == debate
        assert event.action == "vote.cast"
        assert (event.object_type, event.object_id) == ("arguments.vote", vote.pk)
    assert first.before is None
    assert first.after == {"claim_id": claim_after.pk, "value": 2}
    assert second.before == {"claim_id": claim_after.pk, "value": 2}
    assert second.after == {"claim_id": claim_after.pk, "value": 4}


def test_repeating_the_same_vote_records_nothing(claim_after, observer, new_events):
    vote_cast(actor=observer, claim=claim_after, value=3)
    vote_cast(actor=observer, claim=claim_after, value=3)

    assert [e.action for e in new_events()] == ["vote.cast"]


def test_vote_withdraw_records_the_value_it_removes(claim_after, observer, new_events):
    vote_cast(actor=observer, claim=claim_after, value=3)
    vote_withdraw(actor=observer, claim=claim_after)
    vote_withdraw(actor=observer, claim=claim_after)

    cast, withdraw = new_events()
    assert withdraw.action == "vote.withdraw"
    assert withdraw.before == {"claim_id": claim_after.pk, "value": 3}
    assert withdraw.after is None


def test_evidence_approve_records_the_status_change(
    debate, source, debater_now, moderator, new_events
):
    evidence, _ = evidence_propose(actor=debater_now, source=source, quote="nine bilateral")

    evidence_approve(actor=moderator, evidence=evidence, reason="Checked against the text.")

    propose, approve = new_events()
    assert propose.action == "evidence.propose"
    assert propose.actor == debater_now
    assert approve.actor == moderator
    assert approve.debate == debate
    assert approve.action == "evidence.approved"
    assert (approve.object_type, approve.object_id) == ("sources.evidence", evidence.pk)
    assert (approve.before["status"], approve.before["review_reason"]) == ("proposed", "")
    assert approve.after["status"] == "approved"
    assert approve.after["review_reason"] == "Checked against the text."
    assert approve.after["quote"] == "nine bilateral"
    assert approve.after["source_id"] == source.pk


def test_phase_change_records_old_and_new_phase(debate, moderator, new_events):
    phase_change(actor=moderator, debate=debate, phase="voting")

    [event] = new_events()
    assert event.actor == moderator
    assert event.debate == debate
    assert event.action == "debate.phase"
    assert (event.object_type, event.object_id) == ("debates.debate", debate.pk)
    assert event.before == {"phase": "rebuttal"}
    assert event.after == {"phase": "voting"}


def test_claim_move_and_hide_each_record_one_event(debate, position_now, moderator, new_events):
    parent = ClaimFactory(debate=debate, position=position_now)
    claim = ClaimFactory(debate=debate, position=position_now)

    claim_move(actor=moderator, claim=claim, parent=parent, stance="con")
    claim_hide(actor=moderator, claim=claim, reason="Duplicate.")

    move, hide = new_events()
    assert (move.action, move.before["parent_id"], move.after["parent_id"]) == (
        "claim.move", None, parent.pk,
    )  # fmt: skip
    assert (move.before["stance"], move.after["stance"]) == ("pro", "con")
    assert (hide.action, hide.before["is_hidden"], hide.after["is_hidden"]) == (
        "claim.hide", False, True,
    )  # fmt: skip
    assert hide.after["hidden_reason"] == "Duplicate."


def test_system_writes_are_recorded_without_an_actor(debate, position_now, new_events):
    claim_create(actor=SYSTEM, debate=debate, position=position_now, text="Seeded", stance="pro")

    [event] = new_events()
    assert event.actor is None
    assert event.action == "claim.create"


@pytest.mark.parametrize(
    "attempt",
    [
        lambda c: claim_edit(actor=c["observer"], claim=c["claim"], text="No", version=1),
        lambda c: claim_edit(actor=c["debater_after"], claim=c["claim"], text="New", version=9),
        lambda c: vote_cast(actor=c["outsider"], claim=c["claim"], value=2),
        lambda c: vote_cast(actor=c["observer"], claim=c["claim"], value=9),
        lambda c: evidence_approve(actor=c["observer"], evidence=c["evidence"]),
        lambda c: phase_change(actor=c["observer"], debate=c["claim"].debate, phase="closed"),
    ],
    ids=["edit-not-allowed", "edit-conflict", "vote-outsider", "vote-out-of-range",
         "approve-not-allowed", "phase-not-allowed"],
)  # fmt: skip
def test_refused_writes_record_nothing(
    attempt, claim_after, source, observer, outsider, debater_after, new_events
):
    cast = {"claim": claim_after, "observer": observer, "outsider": outsider,
            "debater_after": debater_after, "evidence": EvidenceFactory(source=source)}  # fmt: skip

    with pytest.raises(ServiceError):
        attempt(cast)

    assert new_events() == []


def test_audit_event_ids_grow_with_each_write(debate, moderator, new_events):
    phase_change(actor=moderator, debate=debate, phase="voting")
    phase_change(actor=moderator, debate=debate, phase="opening")

    first, second = new_events()
    assert second.id > first.id
    assert str(first).startswith(f"#{first.pk} debate.phase debates.debate:")
