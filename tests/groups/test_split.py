"""The split: what each group gets, how members are dealt, and every refusal."""

from __future__ import annotations

from collections import Counter

import pytest

from debate.arguments.models import Claim
from debate.audit.models import AuditEvent
from debate.debates.models import Debate, Membership, Phase, Role
from debate.errors import InvalidInput, NotAllowed
from debate.groups.services import debate_split, group_slug, groups_phase_change
from debate.people.models import Pseudonym
from debate.sources.models import Evidence, EvidenceStatus, Source
from tests.factories import DebateFactory
from tests.helpers import rows_of


def split3(world, **kwargs):
    return debate_split(actor=world.moderator, debate=world.debate, count=3, **kwargs)


def test_a_split_copies_the_set_up_into_each_group(seminar):
    groups = split3(seminar)
    parent = seminar.debate

    assert [g.group_number for g in groups] == [1, 2, 3]
    assert [g.slug for g in groups] == [f"{parent.slug}-g{n}" for n in (1, 2, 3)]
    assert groups[1].title == f"{parent.title} — Group 2"
    parent_codes = set(parent.teams.values_list("invite_code", flat=True))
    for group in groups:
        group.refresh_from_db()
        assert group.group_of_id == parent.pk
        assert group.phase == parent.phase == Phase.REBUTTAL
        assert group.motion == parent.motion
        assert (group.is_public, group.allow_observers, group.standings_from, group.anonymous) == (
            parent.is_public,
            parent.allow_observers,
            parent.standings_from,
            parent.anonymous,
        )
        assert list(group.positions.values_list("key", "title")) == list(
            parent.positions.values_list("key", "title")
        )
        assert sorted(group.teams.values_list("name", "position__key")) == sorted(
            parent.teams.values_list("name", "position__key")
        )
        assert not parent_codes & set(group.teams.values_list("invite_code", flat=True))
        assert list(Source.objects.filter(debate=group).values_list("text", flat=True)) == [
            seminar.source.text
        ]
        evidence = Evidence.objects.filter(debate=group)
        assert [(e.quote, e.status) for e in evidence] == [
            (seminar.approved.quote, EvidenceStatus.APPROVED)
        ]  # the proposal stays behind
        assert not Claim.objects.filter(debate=group).exists()
    # The parent stays as it was: its claim, its members, its evidence.
    assert Claim.objects.filter(debate=parent).count() == 1
    assert Membership.objects.filter(debate=parent).count() == 16
    event = AuditEvent.objects.get(debate=parent, action="debate.split")
    assert event.after == {"count": 3, "assignment": "team",
                           "groups": [g.slug for g in groups]}  # fmt: skip


def test_by_team_every_group_gets_every_team_evenly_and_every_moderator(seminar):
    groups = split3(seminar)
    parent = seminar.debate
    for team in parent.teams.all():
        per_group = Counter(
            Membership.objects.filter(
                debate__in=groups, role=Role.DEBATER, team__name=team.name
            ).values_list("debate_id", flat=True)
        )
        assert sorted(per_group.values()) == [2, 2, 2]
    observers = Counter(Membership.objects.filter(debate__in=groups, role=Role.OBSERVER)
                        .values_list("debate_id", flat=True))  # fmt: skip
    assert sorted(observers.values()) == [1, 1]  # two observers, two groups get one
    for group in groups:
        mods = set(group.memberships.filter(role=Role.MODERATOR).values_list("user_id", flat=True))
        assert mods == {seminar.moderator.pk, seminar.second_moderator.pk}
        # each debater sits in their own team's copy
        for m in group.memberships.filter(role=Role.DEBATER).select_related("team", "user"):
            parent_team = Membership.objects.get(debate=parent, user=m.user).team
            assert m.team.debate_id == group.pk and m.team.name == parent_team.name
        member_ids = set(group.memberships.values_list("user_id", flat=True))
        assert member_ids <= set(Pseudonym.objects.filter(debate=group)
                                 .values_list("user_id", flat=True))  # fmt: skip
    everyone = Membership.objects.filter(debate__in=groups).exclude(role=Role.MODERATOR)
    assert everyone.count() == 14  # each debater and observer in exactly one group
    assert everyone.values("user_id").distinct().count() == 14


def test_uneven_teams_differ_by_at_most_one_per_group(world):
    from tests.factories import MembershipFactory, UserFactory

    for i in range(6):
        MembershipFactory(user=UserFactory(username=f"n{i}"), debate=world.debate,
                          role=Role.DEBATER, team=world.team_now)  # fmt: skip
    groups = debate_split(actor=world.moderator, debate=world.debate, count=4)
    for name in ("Team Now", "Team After"):
        sizes = Counter(Membership.objects.filter(debate__in=groups, team__name=name)
                        .values_list("debate_id", flat=True))  # fmt: skip
        values = [sizes.get(g.pk, 0) for g in groups]
        assert max(values) - min(values) <= 1
    total = Counter(Membership.objects.filter(debate__in=groups).exclude(role=Role.MODERATOR)
                    .values_list("debate_id", flat=True))  # fmt: skip
    assert max(total.values()) - min(total.get(g.pk, 0) for g in groups) <= 1


def test_by_hand_puts_each_member_where_the_moderator_chose(world):
    chosen = {world.debater_now.pk: 2, world.debater_after.pk: 2, world.observer.pk: 1}
    groups = debate_split(actor=world.moderator, debate=world.debate, count=2,
                          assignment="hand", by_hand=chosen)  # fmt: skip
    assert set(groups[0].memberships.values_list("user__username", "role")) == {
        ("moderator", "moderator"),
        ("observer", "observer"),
    }
    assert set(groups[1].memberships.values_list("user__username", "role")) == {
        ("moderator", "moderator"),
        ("debater-now", "debater"),
        ("debater-after", "debater"),
    }


def test_a_taken_slug_gets_a_number(world):
    DebateFactory(slug=f"{world.debate.slug}-g2")
    groups = debate_split(actor=world.moderator, debate=world.debate, count=2)
    assert [g.slug for g in groups] == [f"{world.debate.slug}-g1", f"{world.debate.slug}-g2-2"]
    assert group_slug("x" * 80, 12, set()) == "x" * 76 + "-g12"


def test_a_long_unicode_title_is_cut_to_fit(world):
    world.debate.title = ("Вступ до НАТО 🇺🇦 " * 20)[:200]
    world.debate.save()
    groups = debate_split(actor=world.moderator, debate=world.debate, count=2)
    assert all(len(g.title) <= 200 and g.title.endswith(f"— Group {g.group_number}")
               for g in groups)  # fmt: skip


def _refused(world, error, **kwargs):
    before = rows_of()
    with pytest.raises(error) as caught:
        debate_split(**{"actor": world.moderator, "debate": world.debate, "count": 3, **kwargs})
    assert rows_of() == before
    return caught.value


def test_a_non_moderator_cannot_split(world):
    for who in (world.debater_now, world.observer, world.outsider):
        _refused(world, NotAllowed, actor=who)


def test_a_closed_debate_is_not_split(world):
    Debate.objects.filter(pk=world.debate.pk).update(phase=Phase.CLOSED)
    assert "closed" in _refused(world, NotAllowed).message


@pytest.mark.parametrize("count", [0, 1, 13, 100, -2, "3", True, None])
def test_a_count_out_of_range_is_refused_clearly(world, count):
    error = _refused(world, InvalidInput, count=count)
    assert error.message == "Split into 2 to 12 groups." and error.field == "count"


def test_a_debate_is_split_only_once(world):
    debate_split(actor=world.moderator, debate=world.debate, count=2)
    assert "already" in _refused(world, InvalidInput).message


def test_a_group_is_not_split_again(world):
    group = debate_split(actor=world.moderator, debate=world.debate, count=2)[0]
    before = rows_of()
    with pytest.raises(InvalidInput, match="small group itself"):
        debate_split(actor=world.moderator, debate=group, count=2)
    assert rows_of() == before


def test_by_hand_without_every_member_is_refused(world):
    error = _refused(world, InvalidInput, count=2, assignment="hand",
                     by_hand={world.debater_now.pk: 1, world.observer.pk: 2})  # fmt: skip
    assert error.field_errors == {f"member-{world.debater_after.pk}": [
        "Choose a group for this member."]}  # fmt: skip
    _refused(
        world,
        InvalidInput,
        count=2,
        assignment="hand",
        by_hand={world.debater_now.pk: 1, world.observer.pk: 2, world.debater_after.pk: 3},
    )
    _refused(world, InvalidInput, count=2, assignment="hand",
             by_hand={world.debater_now.pk: 1, world.observer.pk: 2, world.debater_after.pk: 1,
                      world.outsider.pk: 1})  # fmt: skip
    _refused(world, InvalidInput, assignment="lottery")


def test_a_split_counts_as_one_manage_write(world, monkeypatch):
    from debate import ratelimit

    counted = []
    monkeypatch.setattr(ratelimit, "check_rate", lambda actor, action: counted.append(action))
    debate_split(actor=world.moderator, debate=world.debate, count=3)
    assert counted == ["manage"]


def test_phases_together_moves_every_group_in_one_count(world, monkeypatch):
    from debate import ratelimit
    from debate.debates.services import phase_change

    groups = debate_split(actor=world.moderator, debate=world.debate, count=3)
    counted = []
    monkeypatch.setattr(ratelimit, "check_rate", lambda actor, action: counted.append(action))
    groups_phase_change(actor=world.moderator, debate=world.debate, phase=Phase.VOTING)
    assert counted == ["manage"]
    assert set(Debate.objects.filter(group_of=world.debate).values_list("phase", flat=True)) == {
        Phase.VOTING
    }
    assert Debate.objects.get(pk=world.debate.pk).phase == Phase.REBUTTAL  # the parent stays
    # one by one: each group's own control moves it alone
    phase_change(actor=world.moderator, debate=groups[1], phase=Phase.CLOSED)
    assert list(
        Debate.objects.filter(group_of=world.debate)
        .order_by("group_number")
        .values_list("phase", flat=True)
    ) == [Phase.VOTING, Phase.CLOSED, Phase.VOTING]


def test_phases_together_is_all_or_nothing(world):
    groups = debate_split(actor=world.moderator, debate=world.debate, count=3)
    # a moderator of the parent who is no moderator of group 3: group 3 refuses, so none move
    Membership.objects.filter(debate=groups[2], user=world.moderator).update(role=Role.OBSERVER)
    before = rows_of()
    with pytest.raises(NotAllowed):
        groups_phase_change(actor=world.moderator, debate=world.debate, phase=Phase.VOTING)
    assert rows_of() == before
    with pytest.raises(NotAllowed):
        groups_phase_change(actor=world.debater_now, debate=world.debate, phase=Phase.VOTING)
    with pytest.raises(InvalidInput):
        groups_phase_change(actor=world.moderator, debate=world.debate, phase="lunch")


def test_an_anonymous_debate_splits_into_anonymous_groups(world):
    Debate.objects.filter(pk=world.debate.pk).update(anonymous=True)
    world.debate.refresh_from_db()
    groups = debate_split(actor=world.moderator, debate=world.debate, count=2)
    for group in groups:
        group.refresh_from_db()
        assert group.anonymous
        members = set(Membership.objects.filter(debate=group).values_list("user_id", flat=True))
        assert members <= set(Pseudonym.objects.filter(debate=group)
                              .values_list("user_id", flat=True))  # fmt: skip


def test_a_superuser_moves_every_group_as_the_permissions_module_allows(world):
    from tests.factories import UserFactory

    debate_split(actor=world.moderator, debate=world.debate, count=2)
    admin = UserFactory(username="admin-ü", is_superuser=True)
    moved = groups_phase_change(actor=admin, debate=world.debate, phase=Phase.VOTING)
    assert {g.phase for g in moved} == {Phase.VOTING}


def test_each_student_is_told_which_group_they_argue_in(seminar):
    from debate.activity.models import Notice

    groups = split3(seminar)
    for group in groups:
        students = set(group.memberships.exclude(role=Role.MODERATOR)
                       .values_list("user_id", flat=True))  # fmt: skip
        told = Notice.objects.filter(debate=group, kind="group.placed")
        assert set(told.values_list("user_id", flat=True)) == students
        assert all(f"small group {group.group_number}" in n.message for n in told)
        assert all(n.url == f"/d/{group.slug}/" for n in told)
    assert not Notice.objects.filter(kind="group.placed", user=seminar.moderator).exists()
    assert not Notice.objects.filter(kind="group.placed",
                                     user=seminar.second_moderator).exists()  # fmt: skip
