"""Anonymous mode as a setting: the switch on the set-up page (its own action, audited,
refused once the debate is closed) and the checkbox on the new-debate form."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from debate.audit.models import AuditEvent
from debate.debates.models import Debate, Phase
from debate.people.models import Pseudonym
from tests.factories import UserFactory
from tests.helpers import client_as

pytestmark = pytest.mark.django_db


def manage(debate):
    return reverse("debate-manage", args=[debate.slug])


def switch(user, debate, value: str, **extra):
    return client_as(user).post(manage(debate), {"action": "anonymous", "anonymous": value,
                                                 **extra})  # fmt: skip


def test_the_set_up_page_explains_the_switch(moderator, debate):
    body = client_as(moderator).get(manage(debate)).content

    assert b'id="anonymous-setting"' in body
    assert b"Make this debate anonymous" in body
    assert b"never a username" in body


def test_a_moderator_switches_anonymous_mode_on_and_off_audited(moderator, debater_now, debate):
    response = switch(moderator, debate, "on")

    assert response.status_code == 302
    debate.refresh_from_db()
    assert debate.anonymous
    assert Pseudonym.objects.filter(debate=debate, user=debater_now).exists()
    page = client_as(moderator).get(manage(debate)).content
    assert b"Switch anonymous mode off" in page
    assert switch(moderator, debate, "off").status_code == 302
    debate.refresh_from_db()
    assert not debate.anonymous
    events = AuditEvent.objects.filter(debate=debate, action="debate.anonymous").order_by("id")
    assert [e.after for e in events] == [{"anonymous": True}, {"anonymous": False}]
    assert all(e.actor_id == moderator.pk for e in events)


def test_switching_renews_the_version_so_caches_renew(moderator, debate):
    before = Debate.objects.get(pk=debate.pk).version
    switch(moderator, debate, "on")

    assert Debate.objects.get(pk=debate.pk).version > before


@pytest.mark.parametrize("value", ["", "yes", "1", "ON "])
def test_an_unclear_switch_is_refused_and_changes_nothing(moderator, debate, value):
    response = switch(moderator, debate, value)

    assert response.status_code == 422
    assert b"Say on or off." in response.content
    assert not Debate.objects.get(pk=debate.pk).anonymous


def test_a_closed_debate_cannot_be_switched(moderator, debate):
    Debate.objects.filter(pk=debate.pk).update(phase=Phase.CLOSED)

    response = switch(moderator, debate, "on")

    assert response.status_code in (403, 409, 422)
    assert b"The debate is closed" in response.content
    assert not Debate.objects.get(pk=debate.pk).anonymous
    assert not AuditEvent.objects.filter(debate=debate, action="debate.anonymous").exists()


@pytest.mark.parametrize("who", ["debater_now", "observer", "outsider"])
def test_no_one_but_a_moderator_switches(request, debate, who):
    user = request.getfixturevalue(who)

    response = switch(user, debate, "on")

    assert response.status_code == 404
    assert not Debate.objects.get(pk=debate.pk).anonymous


def test_a_new_debate_can_be_made_anonymous_from_the_start(db):
    creator = UserFactory(username="instructor")
    creator.user_permissions.add(Permission.objects.get(codename="create_debate"))
    form = {
        "title": "Sanctions: tighten now or wait?",
        "motion": "Should the EU tighten sanctions before the summit?",
        "positions-0-title": "Tighten now", "positions-1-title": "Wait",
        "teams-0-name": "Team Tighten", "teams-0-position": "1",
        "anonymous": "on",
    }  # fmt: skip
    page = client_as(creator).get(reverse("debate-new")).content
    assert b'name="anonymous"' in page

    response = client_as(creator).post(reverse("debate-new"), form)

    assert response.status_code == 302
    debate = Debate.objects.get()
    assert debate.anonymous
    assert AuditEvent.objects.filter(debate=debate, action="debate.anonymous").count() == 1
    assert Pseudonym.objects.filter(debate=debate, user=creator).exists()


def test_a_new_debate_is_not_anonymous_unless_asked(db):
    creator = UserFactory(username="instructor")
    creator.user_permissions.add(Permission.objects.get(codename="create_debate"))
    client_as(creator).post(reverse("debate-new"), {
        "title": "T", "motion": "M?", "positions-0-title": "A", "positions-1-title": "B",
    })  # fmt: skip

    assert not Debate.objects.get().anonymous


def test_the_audit_trail_names_people_with_their_pseudonym_beside(moderator, debater_now,
                                                                   debate, position_now):
    from debate.arguments.services import claim_create
    from debate.debates.services import debate_anonymity_set

    debate_anonymity_set(actor=moderator, debate=debate, anonymous=True)
    claim_create(actor=debater_now, debate=debate, position=position_now, stance="pro",
                 text="A claim.")
    pseudonym = Pseudonym.objects.get(debate=debate, user=debater_now).label
    page = client_as(moderator).get(reverse("audit", args=[debate.slug]))
    assert page.status_code == 200
    assert f"{debater_now.username} ({pseudonym})".encode() in page.content
