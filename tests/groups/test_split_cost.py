"""What a split costs (a fixed number of queries per group, whatever the number of members),
how each group's audit trail records it, and the rules of the bulk membership write."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debate.audit.models import AuditEvent
from debate.debates.models import Membership, Role
from debate.debates.services import memberships_split_in
from debate.errors import InvalidInput
from debate.groups.services import debate_split
from tests.factories import DebateFactory, MembershipFactory, TeamFactory, UserFactory


def _seminar(members: int):
    """A debate with two teams, two moderators, and `members` debaters and observers
    (every fifth an observer), each with a unicode name."""
    debate = DebateFactory()
    teams = [TeamFactory(debate=debate, name=name) for name in ("Jetzt", "Später")]
    moderator = MembershipFactory(debate=debate, role=Role.MODERATOR).user
    MembershipFactory(
        debate=debate, role=Role.MODERATOR, user=UserFactory(username=f"ko-lehrer-{members}")
    )
    for i in range(members):
        user = UserFactory(username=f"schüler-{members}-{i}")
        if i % 5 == 4:
            MembershipFactory(debate=debate, user=user, role=Role.OBSERVER)
        else:
            MembershipFactory(debate=debate, user=user, role=Role.DEBATER, team=teams[i % 2])
    return debate, moderator


def _split_queries(members: int) -> int:
    debate, moderator = _seminar(members)
    with CaptureQueriesContext(connection) as queries:
        groups = debate_split(actor=moderator, debate=debate, count=3)
    joined = Membership.objects.filter(debate__in=groups).exclude(role=Role.MODERATOR).count()
    assert joined == members
    return len(queries)


@pytest.mark.django_db
def test_a_split_costs_the_same_for_6_members_as_for_30():
    few, many = _split_queries(6), _split_queries(30)
    assert few == many
    # Nearly all of it is the clone of the set-up into each group (positions, teams, each
    # through its service); the members were 9 queries each on top (270 more for 30). Each
    # group's students are told where they argue (2 queries per group).
    assert many <= 236


@pytest.mark.django_db
def test_each_group_records_its_members_in_one_event():
    debate, moderator = _seminar(10)
    groups = debate_split(actor=moderator, debate=debate, count=2)
    for group in groups:
        events = AuditEvent.objects.filter(debate=group, action__startswith="membership.")
        # the clone's one `membership.set` makes the splitting moderator its first moderator
        assert sorted(e.action for e in events) == ["membership.set", "membership.split_in"]
        assert events.get(action="membership.set").after["user_id"] == moderator.pk
        after = events.get(action="membership.split_in").after
        joined = Membership.objects.filter(debate=group)
        assert after["count"] == joined.count() - 1  # the splitting moderator came with it
        assert after["debaters"] == joined.filter(role=Role.DEBATER).count()
        assert after["observers"] == joined.filter(role=Role.OBSERVER).count()
        assert after["moderators"] == 1  # the co-teacher
        # every debater in the group's own team of the same name
        for membership in joined.filter(role=Role.DEBATER).select_related("team"):
            assert membership.team.debate_id == group.pk


@pytest.mark.django_db
def test_an_anonymous_split_records_the_switch_in_each_group_before_anyone_joins():
    debate, moderator = _seminar(4)
    debate.anonymous = True
    debate.save(update_fields=["anonymous"])
    for group in debate_split(actor=moderator, debate=debate, count=2):
        actions = list(
            AuditEvent.objects.filter(debate=group).order_by("id").values_list("action", flat=True)
        )
        assert actions.index("debate.anonymous") < actions.index("membership.split_in")


@pytest.mark.django_db
def test_the_bulk_write_keeps_the_rules_of_membership_set():
    debate, moderator = _seminar(0)
    team = debate.teams.first()
    other_team = TeamFactory()
    newcomer, member = UserFactory(), Membership.objects.filter(debate=debate).first().user
    cases = [
        [(newcomer, Role.DEBATER, team), (newcomer, Role.OBSERVER, None)],  # two roles
        [(member, Role.OBSERVER, None)],  # already has one
        [(newcomer, Role.DEBATER, None)],  # a debater without a team
        [(newcomer, Role.DEBATER, other_team)],  # another debate's team
        [(newcomer, "judge", None)],
    ]
    for members in cases:
        with pytest.raises(InvalidInput):
            memberships_split_in(actor=moderator, debate=debate, members=members)
    assert not Membership.objects.filter(debate=debate, user=newcomer).exists()
