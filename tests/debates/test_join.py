"""Joining a debate: as a debater with a team's invite code, or as an observer."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from debate.audit.models import AuditEvent
from debate.debates.models import Membership, Role
from tests.factories import DebateFactory, PositionFactory, TeamFactory, UserFactory
from tests.helpers import client_as

INVALID_CODE = "This invite code is not valid. Ask your moderator for a new one."


def memberships_and_events():
    return (
        list(Membership.objects.order_by("pk").values()),
        list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
    )


# --- invite codes --------------------------------------------------------------------------


def test_invite_code_posted_makes_a_debater_of_that_team(debate, team_after, outsider):
    response = client_as(outsider).post(reverse("join"), {"code": f"  {team_after.invite_code} "})

    assert response.status_code == 302
    assert response["Location"] == reverse("debate", args=[debate.slug])
    membership = Membership.objects.get(user=outsider, debate=debate)
    assert (membership.role, membership.team_id) == (Role.DEBATER, team_after.pk)
    event = AuditEvent.objects.get(action="membership.join", actor=outsider)
    assert event.debate_id == debate.pk
    assert event.after["team_id"] == team_after.pk


def test_joined_debater_is_welcomed_on_the_debate_page(debate, team_after, outsider):
    client = client_as(outsider)
    response = client.post(reverse("join"), {"code": team_after.invite_code}, follow=True)
    html = response.content.decode()
    assert "You joined Team After as a debater." in html
    assert "You take part as <strong>debater</strong> of <strong>Team After</strong>" in html


def test_invite_link_shows_the_team_without_joining(debate, team_now, outsider):
    response = client_as(outsider).get(reverse("join-code", args=[team_now.invite_code]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Team Now</strong>" in html
    assert escape(team_now.position.title) in html
    assert escape(debate.title) in html
    assert f'value="{team_now.invite_code}"' in html
    assert not Membership.objects.filter(user=outsider).exists()


def test_invite_link_then_confirm_joins(debate, team_now, outsider):
    client = client_as(outsider)
    client.get(reverse("join-code", args=[team_now.invite_code]))
    response = client.post(reverse("join-code", args=[team_now.invite_code]))
    assert response.status_code == 302
    assert Membership.objects.get(user=outsider, debate=debate).team_id == team_now.pk


@pytest.mark.parametrize("code", ["not-a-code", "", "   "], ids=["unknown", "empty", "blank"])
def test_invalid_invite_code_is_refused_with_a_clear_error(debate, outsider, code):
    before = memberships_and_events()
    response = client_as(outsider).post(reverse("join"), {"code": code})
    html = response.content.decode()
    assert response.status_code == 422
    assert escape(INVALID_CODE) in html
    assert 'aria-invalid="true"' in html
    assert memberships_and_events() == before


def test_invalid_invite_link_is_not_found_with_a_clear_error(debate, outsider):
    response = client_as(outsider).get(reverse("join-code", args=["no-such-code"]))
    assert response.status_code == 404
    assert escape(INVALID_CODE) in response.content.decode()
    assert not Membership.objects.filter(user=outsider).exists()


@pytest.mark.parametrize(
    ("member", "described_as"),
    [
        ("observer", "as observer;"),
        ("moderator", "as moderator;"),
        ("debater_now", "as debater of Team Now;"),
    ],
)
def test_member_with_another_role_cannot_join_again(
    request, debate, team_after, member, described_as
):
    user = request.getfixturevalue(member)
    before = memberships_and_events()

    response = client_as(user).post(reverse("join"), {"code": team_after.invite_code})

    html = response.content.decode()
    assert response.status_code == 422
    assert escape(described_as) in html
    assert "one role per debate" in html
    assert memberships_and_events() == before


def test_joining_ones_own_team_again_changes_nothing(debate, team_now, debater_now):
    before = memberships_and_events()
    response = client_as(debater_now).post(reverse("join"), {"code": team_now.invite_code})
    assert response.status_code == 302
    assert memberships_and_events() == before


def test_a_debater_may_join_another_debate(debate, debater_now):
    other = DebateFactory()
    team = TeamFactory(debate=other, position=PositionFactory(debate=other))
    response = client_as(debater_now).post(reverse("join"), {"code": team.invite_code})
    assert response.status_code == 302
    assert Membership.objects.filter(user=debater_now).count() == 2


@pytest.mark.parametrize("name", ["join", "join-code"])
def test_anonymous_visitor_is_sent_to_log_in_before_joining(debate, team_now, name):
    url = reverse(name, args=[team_now.invite_code] if name == "join-code" else [])
    before = memberships_and_events()

    response = Client().post(url, {"code": team_now.invite_code})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert memberships_and_events() == before


def test_join_needs_a_csrf_token(debate, team_now, outsider):
    client = Client(enforce_csrf_checks=True)
    client.force_login(outsider)
    response = client.post(reverse("join"), {"code": team_now.invite_code})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=outsider).exists()


# --- observers -----------------------------------------------------------------------------


def observe(user, debate):
    return client_as(user).post(reverse("debate-observe", args=[debate.slug]))


def test_signed_in_user_joins_as_observer_when_the_debate_allows_it(debate, outsider):
    response = observe(outsider, debate)

    assert response.status_code == 302
    assert response["Location"] == reverse("debate", args=[debate.slug])
    membership = Membership.objects.get(user=outsider, debate=debate)
    assert (membership.role, membership.team_id) == (Role.OBSERVER, None)
    assert AuditEvent.objects.filter(action="membership.join", actor=outsider).count() == 1


def test_observe_is_refused_when_the_debate_takes_no_observers(debate, outsider):
    debate.allow_observers = False
    debate.save(update_fields=["allow_observers"])
    before = memberships_and_events()

    response = observe(outsider, debate)

    assert response.status_code == 403
    assert "This debate takes observers by invitation only." in response.content.decode()
    assert memberships_and_events() == before


def test_debate_page_offers_observing_only_when_allowed(debate, outsider):
    url = reverse("debate", args=[debate.slug])
    observe_url = reverse("debate-observe", args=[debate.slug])
    assert observe_url in client_as(outsider).get(url).content.decode()
    debate.allow_observers = False
    debate.save(update_fields=["allow_observers"])
    assert observe_url not in client_as(outsider).get(url).content.decode()


def test_debater_cannot_also_observe(debate, debater_now):
    before = memberships_and_events()
    response = observe(debater_now, debate)
    assert response.status_code == 422
    assert "one role per debate" in response.content.decode()
    assert memberships_and_events() == before


def test_observing_twice_changes_nothing(debate, observer):
    before = memberships_and_events()
    assert observe(observer, debate).status_code == 302
    assert memberships_and_events() == before


def test_anonymous_visitor_is_sent_to_log_in_before_observing(debate):
    before = memberships_and_events()
    response = Client().post(reverse("debate-observe", args=[debate.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert memberships_and_events() == before


def test_observe_of_a_private_debate_is_not_found(debate):
    debate.is_public = False
    debate.save(update_fields=["is_public"])
    stranger = UserFactory()
    response = observe(stranger, debate)
    assert response.status_code == 404
    assert not Membership.objects.filter(user=stranger).exists()


def test_observe_needs_a_csrf_token(debate, outsider):
    client = Client(enforce_csrf_checks=True)
    client.force_login(outsider)
    response = client.post(reverse("debate-observe", args=[debate.slug]))
    assert response.status_code == 403
    assert not Membership.objects.filter(user=outsider).exists()
