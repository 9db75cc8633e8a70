"""Observers: they join only where the set-up allows it (off for new debates), and a debate
setting decides whether their votes count in the standings (they always show separately)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from debate.arguments.services import vote_cast
from debate.debates import services
from debate.debates.models import Debate, Membership, Phase, Role
from debate.mapview.build import OBSERVERS
from debate.mapview.cache import debate_map
from debate.permissions import SYSTEM
from tests.factories import ClaimFactory, MembershipFactory, UserFactory, VoteFactory
from tests.helpers import client_as

pytestmark = pytest.mark.django_db


def test_a_new_debate_takes_no_observers_by_default(moderator):
    debate = services.debate_set_up(
        actor=SYSTEM, title="Fresh", motion="Now or later?", positions=["Now", "Later"], teams=[]
    )
    assert Debate._meta.get_field("allow_observers").default is False
    assert debate.allow_observers is False
    with pytest.raises(services.NotAllowed):
        services.membership_observe(actor=UserFactory(), debate=debate)


def test_the_set_up_page_edits_both_observer_settings(debate, moderator):
    version = Debate.objects.get(pk=debate.pk).version
    response = client_as(moderator).post(reverse("debate-manage", args=[debate.slug]), {
        "action": "details", "title": debate.title, "motion": debate.motion,
        "allow_observers": "on", "is_public": "on",
    })  # fmt: skip
    assert response.status_code == 302
    debate.refresh_from_db()
    assert (debate.allow_observers, debate.count_observer_votes) == (True, False)
    # The write bumps the version: cached maps of the old setting are not served again.
    assert debate.version > version
    page = client_as(moderator).get(reverse("debate-manage", args=[debate.slug])).content
    assert b'name="count_observer_votes">' in page  # unchecked now
    assert b'name="allow_observers" checked>' in page


def _fresh_observers(debate, count: int) -> list:
    """Accounts made the way anyone can: sign up, then observe with one click."""
    users = []
    for i in range(count):
        client = Client()
        response = client.post(reverse("signup"), {
            "username": f"fresh{i}", "password1": "a-long-passphrase-1", "password2":
            "a-long-passphrase-1",
        })  # fmt: skip
        assert response.status_code == 302
        assert client.post(reverse("debate-observe", args=[debate.slug])).status_code == 302
        users.append(Membership.objects.get(debate=debate, user__username=f"fresh{i}").user)
    return users


@pytest.fixture
def voted(debate, position_now, debater_now, debater_after, moderator, settings):
    settings.RATE_LIMITS = {}
    claim = ClaimFactory(debate=debate, position=position_now, author=debater_now)
    debate.phase = Phase.VOTING
    debate.save()
    VoteFactory(claim=claim, user=debater_after, value=1)
    return claim


def _strengths(debate, claim, voters="all"):
    dmap = debate_map(Debate.objects.get(pk=debate.pk), voters=voters)
    return dmap.claims[claim.pk].strength, [p.strength for p in dmap.positions]


def test_six_fresh_observers_cannot_move_the_standings_when_excluded(debate, voted):
    services.debate_update(actor=SYSTEM, debate=debate, title=debate.title,
                           motion=debate.motion, allow_observers=True,
                           count_observer_votes=False)  # fmt: skip
    before = _strengths(debate, voted)

    for user in _fresh_observers(debate, 6):
        vote_cast(actor=user, claim=voted, value=4)

    assert _strengths(debate, voted) == before
    dmap = debate_map(Debate.objects.get(pk=debate.pk), voters=OBSERVERS)
    assert dmap.claims[voted.pk].tally.histogram[4] == 6  # still counted apart


def test_observers_votes_count_where_the_debate_counts_them(debate, voted):
    before = _strengths(debate, voted)
    for _ in range(6):
        observer = MembershipFactory(debate=debate, role=Role.OBSERVER, user=UserFactory()).user
        VoteFactory(claim=voted, user=observer, value=4)
    assert _strengths(debate, voted)[0] > before[0]


def test_turning_observer_votes_off_changes_the_page_at_once(debate, voted, moderator):
    for _ in range(3):
        observer = MembershipFactory(debate=debate, role=Role.OBSERVER, user=UserFactory()).user
        VoteFactory(claim=voted, user=observer, value=4)
    url = reverse("debate", args=[debate.slug])
    assert "4 votes · mean" in Client().get(url).content.decode()
    services.debate_update(actor=moderator, debate=debate, title=debate.title,
                           motion=debate.motion, allow_observers=True,
                           count_observer_votes=False)  # fmt: skip
    html = Client().get(url).content.decode()
    assert "1 vote · mean" in html and "4 votes · mean" not in html


def test_a_clone_keeps_the_observer_settings(debate, moderator):
    from django.contrib.auth.models import Permission

    moderator.user_permissions.add(Permission.objects.get(codename="create_debate"))
    services.debate_update(actor=moderator, debate=debate, title=debate.title,
                           motion=debate.motion, allow_observers=False,
                           count_observer_votes=False)  # fmt: skip
    clone = services.debate_clone(actor=moderator, debate=debate, title="Clone of it")
    assert (clone.allow_observers, clone.count_observer_votes) == (False, False)


def test_the_seeded_debate_keeps_one_click_observing(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = False
    call_command("seed", stdout=StringIO())
    seeded = Debate.objects.get()
    assert (seeded.allow_observers, seeded.count_observer_votes) == (True, True)
