"""Debates, positions, teams, memberships and phases, written through the services."""

from __future__ import annotations

import pytest

from debate import permissions
from debate.audit.models import AuditEvent
from debate.debates.models import Debate, Membership, Phase, Position, Role, Team
from debate.debates.services import (
    debate_create,
    membership_set,
    phase_change,
    position_create,
    team_create,
)
from debate.errors import InvalidInput, NotAllowed
from tests.factories import DebateFactory, PositionFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- debates -------------------------------------------------------------------------------


@pytest.fixture
def creator(db):
    """A user holding the "can create debates" permission (not staff)."""
    from django.contrib.auth.models import Permission

    user = UserFactory(username="instructor")
    user.user_permissions.add(Permission.objects.get(codename="create_debate"))
    return user


def test_user_without_the_permission_cannot_create_a_debate(outsider):
    with pytest.raises(NotAllowed):
        debate_create(actor=outsider, title="T", motion="M")
    assert not Debate.objects.exists()


def test_staff_can_create_a_debate(db):
    staff = UserFactory(username="staff", is_staff=True)
    assert debate_create(actor=staff, title="T", motion="M").created_by == staff


def test_debate_is_created_in_setup_with_a_slug_from_its_title(creator):
    debate = debate_create(
        actor=creator, title="  Should NATO admit Ukraine now?  ", motion=" Admit now? "
    )

    debate.refresh_from_db()
    assert debate.slug == "should-nato-admit-ukraine-now"
    assert debate.title == "Should NATO admit Ukraine now?"
    assert debate.motion == "Admit now?"
    assert debate.phase == Phase.SETUP
    assert debate.created_by == creator


@pytest.mark.parametrize(
    ("title", "motion", "field"),
    [("", "A motion", "title"), ("A title", "   ", "motion"), ("!!!", "A motion", "title"),
     ("t" * 201, "A motion", "title")],
)  # fmt: skip
def test_debate_without_title_or_motion_is_refused(creator, title, motion, field):
    with pytest.raises(InvalidInput) as error:
        debate_create(actor=creator, title=title, motion=motion)

    assert error.value.field == field
    assert not Debate.objects.exists()


def test_debate_with_a_taken_slug_is_refused(debate, creator):
    with pytest.raises(InvalidInput) as error:
        debate_create(actor=creator, title="Another", motion="M", slug=debate.slug)

    assert error.value.field == "slug"
    assert Debate.objects.count() == 1


def test_debate_with_an_unknown_phase_is_refused(creator):
    with pytest.raises(InvalidInput) as error:
        debate_create(actor=creator, title="T", motion="M", phase="halftime")

    assert error.value.field == "phase"
    assert not Debate.objects.exists()


# --- positions and teams -------------------------------------------------------------------


def test_moderator_adds_a_position_at_the_end(debate, moderator):
    position = position_create(actor=moderator, debate=debate, key="Third Way", title="Neither")

    assert position.key == "third-way"
    assert position.order == 2
    assert list(debate.positions.values_list("key", flat=True)) == ["now", "after", "third-way"]


def test_position_key_must_be_unique_in_its_debate(debate, moderator):
    with pytest.raises(InvalidInput) as error:
        position_create(actor=moderator, debate=debate, key="now", title="Again")

    assert error.value.field == "key"
    assert debate.positions.count() == 2


def test_debater_cannot_add_a_position(debate, debater_now):
    with pytest.raises(NotAllowed):
        position_create(actor=debater_now, debate=debate, key="mine", title="Mine")

    assert not Position.objects.filter(key="mine").exists()


def test_team_position_must_belong_to_the_debate(debate, moderator):
    foreign = PositionFactory(debate=DebateFactory())

    with pytest.raises(InvalidInput) as error:
        team_create(actor=moderator, debate=debate, name="Team Elsewhere", position=foreign)

    assert error.value.field == "position"
    assert not Team.objects.filter(name="Team Elsewhere").exists()


def test_team_names_are_unique_in_a_debate(debate, moderator):
    with pytest.raises(InvalidInput) as error:
        team_create(actor=moderator, debate=debate, name="Team Now")

    assert error.value.field == "name"
    assert debate.teams.filter(name="Team Now").count() == 1


def test_moderator_adds_a_team_for_a_position(debate, moderator, position_after):
    team = team_create(actor=moderator, debate=debate, name="Team Later", position=position_after)

    assert team.position == position_after
    assert team.invite_code


# --- memberships ---------------------------------------------------------------------------


def test_moderator_makes_an_outsider_a_debater(debate, moderator, outsider, team_after):
    assert not permissions.can_add_claim(outsider, debate, position=team_after.position)

    membership_set(
        actor=moderator, debate=debate, user=outsider, role=Role.DEBATER, team=team_after
    )

    assert Membership.objects.get(user=outsider, debate=debate).team == team_after
    # The cached "no membership" answer was forgotten, so the new role counts at once.
    assert permissions.can_add_claim(outsider, debate, position=team_after.position)


def test_debater_needs_a_team(debate, moderator, outsider):
    with pytest.raises(InvalidInput) as error:
        membership_set(actor=moderator, debate=debate, user=outsider, role=Role.DEBATER)

    assert error.value.field == "team"
    assert not Membership.objects.filter(user=outsider).exists()


def test_team_of_another_debate_is_refused(debate, moderator, outsider):
    foreign = TeamFactory(debate=DebateFactory())

    with pytest.raises(InvalidInput) as error:
        membership_set(
            actor=moderator, debate=debate, user=outsider, role=Role.DEBATER, team=foreign
        )

    assert error.value.field == "team"
    assert not Membership.objects.filter(user=outsider).exists()


def test_non_debater_roles_drop_the_team(debate, moderator, debater_now):
    membership = membership_set(actor=moderator, debate=debate, user=debater_now, role="observer")

    membership.refresh_from_db()
    assert membership.role == Role.OBSERVER
    assert membership.team is None
    assert Membership.objects.filter(user=debater_now, debate=debate).count() == 1


def test_unknown_role_is_refused(debate, moderator, outsider):
    with pytest.raises(InvalidInput) as error:
        membership_set(actor=moderator, debate=debate, user=outsider, role="judge")

    assert error.value.field == "role"
    assert not Membership.objects.filter(user=outsider).exists()


def test_debater_cannot_assign_roles(debate, debater_now):
    newcomer = UserFactory()

    with pytest.raises(NotAllowed):
        membership_set(actor=debater_now, debate=debate, user=newcomer, role=Role.MODERATOR)

    assert not Membership.objects.filter(user=newcomer).exists()


# --- phases --------------------------------------------------------------------------------


def test_moderator_can_change_phase(debate, moderator):
    changed = phase_change(actor=moderator, debate=debate, phase=Phase.VOTING)

    debate.refresh_from_db()
    assert debate.phase == Phase.VOTING
    assert changed.phase == Phase.VOTING


def test_moderator_can_reopen_a_closed_debate(debate, moderator):
    phase_change(actor=moderator, debate=debate, phase=Phase.CLOSED)

    phase_change(actor=moderator, debate=debate, phase=Phase.REBUTTAL)

    debate.refresh_from_db()
    assert debate.phase == Phase.REBUTTAL


@pytest.mark.parametrize("who", ["debater_now", "debater_after", "observer", "outsider"])
def test_non_moderator_cannot_change_phase(request, debate, who):
    actor = request.getfixturevalue(who)

    with pytest.raises(NotAllowed):
        phase_change(actor=actor, debate=debate, phase=Phase.CLOSED)

    debate.refresh_from_db()
    assert debate.phase == Phase.REBUTTAL
    assert not AuditEvent.objects.exists()


def test_unknown_phase_is_refused(debate, moderator):
    with pytest.raises(InvalidInput) as error:
        phase_change(actor=moderator, debate=debate, phase="overtime")

    assert error.value.field == "phase"
    debate.refresh_from_db()
    assert debate.phase == Phase.REBUTTAL


def test_changing_to_the_current_phase_records_nothing(debate, moderator):
    phase_change(actor=moderator, debate=debate, phase=Phase.REBUTTAL)

    assert not AuditEvent.objects.exists()
