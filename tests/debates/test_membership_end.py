"""Changing a member's role or team and removing a member (the roster's writes): audited,
refused in the closed phase and to non-moderators, never losing the last moderator; a
removed member is no member at all while everything they wrote stays attributed."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from debate import permissions
from debate.activity.models import Notice
from debate.activity.services import notice_members
from debate.arguments.models import Claim
from debate.audit.models import AuditEvent
from debate.debates.models import Membership, Phase, Role
from debate.debates.services import membership_change, membership_end, membership_join_team
from debate.errors import InvalidInput, NotAllowed
from tests.factories import ClaimFactory, MembershipFactory, UserFactory


def _membership(user, debate) -> Membership:
    return Membership.objects.get(user=user, debate=debate)


def test_moderator_moves_a_debater_to_the_other_team_audited(
    debate, moderator, debater_now, team_after
):
    membership = membership_change(
        actor=moderator, membership=_membership(debater_now, debate), role=Role.DEBATER,
        team=team_after,
    )  # fmt: skip
    assert membership.team == team_after
    event = AuditEvent.objects.get(action="membership.change")
    assert event.before == {"role": "debater", "team_id": debate.teams.get(name="Team Now").pk}
    assert event.after["team_id"] == team_after.pk
    assert event.actor == moderator


def test_a_debater_becomes_an_observer_and_loses_the_team(debate, moderator, debater_now):
    membership = membership_change(
        actor=moderator, membership=_membership(debater_now, debate), role=Role.OBSERVER,
        team=debate.teams.first(),
    )  # fmt: skip
    assert (membership.role, membership.team) == (Role.OBSERVER, None)


def test_a_debater_needs_a_team_of_this_debate(debate, moderator, observer):
    with pytest.raises(InvalidInput, match="needs a team"):
        membership_change(actor=moderator, membership=_membership(observer, debate),
                          role=Role.DEBATER)  # fmt: skip
    other = MembershipFactory(role=Role.DEBATER).team
    with pytest.raises(InvalidInput, match="another debate"):
        membership_change(actor=moderator, membership=_membership(observer, debate),
                          role=Role.DEBATER, team=other)  # fmt: skip
    assert not AuditEvent.objects.filter(action="membership.change").exists()


def test_unknown_role_is_refused(debate, moderator, observer):
    with pytest.raises(InvalidInput, match="Unknown role"):
        membership_change(actor=moderator, membership=_membership(observer, debate), role="king")


@pytest.mark.parametrize("who", ["debater_now", "observer", "outsider"])
def test_only_moderators_change_or_remove_members(request, debate, moderator, observer, who):
    actor = request.getfixturevalue(who)
    target = _membership(moderator, debate)
    with pytest.raises(NotAllowed):
        membership_change(actor=actor, membership=target, role=Role.OBSERVER)
    with pytest.raises(NotAllowed):
        membership_end(actor=actor, membership=target, reason="")
    assert _membership(moderator, debate).role == Role.MODERATOR


def test_closed_debate_refuses_both_writes(debate, moderator, debater_now):
    debate.phase = Phase.CLOSED
    debate.save()
    membership = _membership(debater_now, debate)
    with pytest.raises(NotAllowed, match="closed"):
        membership_change(actor=moderator, membership=membership, role=Role.OBSERVER)
    with pytest.raises(NotAllowed, match="closed"):
        membership_end(actor=moderator, membership=membership, reason="")
    assert _membership(debater_now, debate).ended_at is None


def test_the_last_moderator_is_never_demoted_nor_removed(debate, moderator):
    own = _membership(moderator, debate)
    with pytest.raises(InvalidInput, match="last moderator"):
        membership_change(actor=moderator, membership=own, role=Role.OBSERVER)
    with pytest.raises(InvalidInput, match="last moderator"):
        membership_end(actor=moderator, membership=own, reason="")
    second = MembershipFactory(debate=debate, role=Role.MODERATOR).user
    membership_change(actor=second, membership=own, role=Role.OBSERVER)
    assert _membership(moderator, debate).role == Role.OBSERVER


def test_removing_ends_the_membership_and_keeps_the_row_and_the_claims(
    debate, moderator, debater_now, position_now
):
    claim = ClaimFactory(debate=debate, position=position_now, author=debater_now,
                         team=debate.teams.get(name="Team Now"))  # fmt: skip
    ended = membership_end(
        actor=moderator, membership=_membership(debater_now, debate), reason="Left the course 🙂"
    )
    assert ended.ended_at is not None and ended.ended_by == moderator
    assert not Membership.objects.filter(user=debater_now, debate=debate).exists()
    assert Membership.all_objects.filter(user=debater_now, debate=debate).count() == 1
    assert Claim.objects.get(pk=claim.pk).author == debater_now  # stays attributed
    event = AuditEvent.objects.get(action="membership.end")
    assert event.after["reason"] == "Left the course 🙂"
    assert event.before["role"] == "debater"


def test_a_removed_member_can_no_longer_post_vote_or_get_notices(
    debate, moderator, debater_now, debater_after, position_now
):
    claim = ClaimFactory(debate=debate, position=position_now, author=debater_after)
    membership_end(actor=moderator, membership=_membership(debater_now, debate), reason="")
    permissions.forget_memberships(debater_now)
    assert permissions.membership_of(debater_now, debate) is None
    assert not permissions.can_add_claim(debater_now, debate, position=position_now)
    assert not permissions.can_vote(debater_now, debate, claim)
    notice_members(actor=moderator, debate=debate, kind="debate.phase", message="moved")
    assert not Notice.objects.filter(user=debater_now).exists()
    assert Notice.objects.filter(user=debater_after).exists()


def test_a_removed_member_rejoins_by_invite_as_a_new_membership(
    debate, moderator, debater_now, team_after
):
    old = membership_end(actor=moderator, membership=_membership(debater_now, debate), reason="")
    new = membership_join_team(actor=debater_now, invite_code=team_after.invite_code)
    assert new.pk != old.pk and new.ended_at is None and new.team == team_after
    assert Membership.all_objects.filter(user=debater_now, debate=debate).count() == 2


def test_ending_an_ended_membership_is_refused(debate, moderator, debater_now):
    membership = _membership(debater_now, debate)
    membership_end(actor=moderator, membership=membership, reason="")
    with pytest.raises(InvalidInput, match="ended already"):
        membership_end(actor=moderator, membership=membership, reason="")


def test_the_database_holds_one_current_membership_per_user(debate, observer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=observer, debate=debate, role=Role.OBSERVER)


def test_the_team_check_still_holds_for_ended_memberships(debate):
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.all_objects.create(
            user=user, debate=debate, role=Role.DEBATER, team=None,
            ended_at="2026-01-01T00:00:00Z",
        )  # fmt: skip


def test_a_change_that_changes_nothing_records_nothing(debate, moderator, observer):
    membership_change(actor=moderator, membership=_membership(observer, debate),
                      role=Role.OBSERVER)  # fmt: skip
    assert not AuditEvent.objects.filter(action="membership.change").exists()
