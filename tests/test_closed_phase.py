"""A closed debate is read-only for moderators too: every set-up change is refused with the
closed phase's reason and changes nothing; only reopening (a phase change) goes through,
and freezing a snapshot or cloning the debate, which only read it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from debate import permissions
from debate.debates.models import Debate, Phase, Role
from debate.debates.services import (
    debate_clone,
    debate_update,
    membership_set,
    phase_change,
    position_create,
    team_create,
    team_regenerate_code,
)
from debate.errors import NotAllowed
from debate.snapshots.models import Snapshot
from debate.snapshots.services import snapshot_take
from debate.sources.services import source_create, source_revise, source_update_text
from tests.factories import UserFactory
from tests.helpers import rows_of

pytestmark = pytest.mark.django_db

CLOSED = "The debate is closed: nothing changes until a moderator reopens it."


@pytest.fixture
def closed(debate):
    debate.phase = Phase.CLOSED
    debate.save(update_fields=["phase"])
    return debate


SET_UP_CHANGES = {
    "edit details": lambda d, m, src: debate_update(
        actor=m, debate=d, title="New title", motion="New motion?"),
    "add a position": lambda d, m, src: position_create(
        actor=m, debate=d, key="third", title="A third way"),
    "add a team": lambda d, m, src: team_create(actor=m, debate=d, name="Team Late"),
    "regenerate an invite": lambda d, m, src: team_regenerate_code(
        actor=m, team=d.teams.get(name="Team Now")),
    "add a moderator": lambda d, m, src: membership_set(
        actor=m, debate=d, user=User.objects.get(username="someone"), role=Role.MODERATOR),
    "add a source": lambda d, m, src: source_create(
        actor=m, debate=d, title="Late article", text="Some late text."),
    "revise a source": lambda d, m, src: source_revise(
        actor=m, source=src, text=src.text + "A late correction.\n"),
    "correct a source's text": lambda d, m, src: source_update_text(
        actor=m, source=src, text="Other text."),
}  # fmt: skip


@pytest.mark.parametrize("change", list(SET_UP_CHANGES))
def test_moderators_cannot_change_the_set_up_of_a_closed_debate(closed, moderator, source,
                                                                change):  # fmt: skip
    UserFactory(username="someone")  # rows a change would need exist before the comparison
    before = rows_of()
    with pytest.raises(NotAllowed) as refused:
        SET_UP_CHANGES[change](closed, moderator, source)
    assert refused.value.message == CLOSED
    assert rows_of() == before


@pytest.mark.parametrize("change", list(SET_UP_CHANGES))
def test_the_same_changes_work_while_the_debate_is_open(debate, moderator, source, change):
    UserFactory(username="someone")
    SET_UP_CHANGES[change](debate, moderator, source)  # raises nothing


def test_the_system_cannot_change_a_closed_debate_either(closed, source):
    with pytest.raises(NotAllowed):
        team_create(actor=permissions.SYSTEM, debate=closed, name="Team Late")


def test_a_moderator_may_reopen_a_closed_debate(closed, moderator):
    phase_change(actor=moderator, debate=closed, phase=Phase.VOTING)

    assert Debate.objects.get(pk=closed.pk).phase == Phase.VOTING


def test_a_closed_debate_can_still_be_frozen_and_cloned(closed, moderator, source):
    moderator.is_staff = True  # may create debates
    moderator.save(update_fields=["is_staff"])

    snapshot_take(actor=moderator, debate=closed)
    clone = debate_clone(actor=moderator, debate=closed, title="Seminar B")

    assert Snapshot.objects.filter(debate=closed).count() == 1
    assert clone.phase == Phase.SETUP and clone.teams.count() == 2


def test_can_manage_answers_for_the_set_up_page(debate, closed, moderator, debater_now):
    assert not permissions.can_manage(moderator, closed)
    closed.phase = Phase.VOTING
    assert permissions.can_manage(moderator, closed)
    assert not permissions.can_manage(debater_now, closed)


# --- the set-up page of a closed debate: it reads, says why, and every post is refused -------


def test_the_set_up_page_of_a_closed_debate_disables_its_controls(closed, moderator, client):
    client.force_login(moderator)
    response = client.get(f"/d/{closed.slug}/manage/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "its set-up is read-only until it is reopened" in html
    assert '<fieldset class="contents" disabled>' in html


def test_the_set_up_page_of_an_open_debate_has_live_controls(debate, moderator, client):
    client.force_login(moderator)
    html = client.get(f"/d/{debate.slug}/manage/").content.decode()
    assert '<fieldset class="contents">' in html
    assert "read-only until it is reopened" not in html


@pytest.mark.parametrize(
    "data",
    [
        {"action": "details", "title": "New", "motion": "New?"},
        {"action": "team", "name": "Team Late"},
        {"action": "moderator", "username": "someone"},
        {"action": "source", "title": "Late", "text": "Late text."},
    ],
    ids=lambda d: d["action"],
)
def test_posting_to_a_closed_set_up_page_changes_nothing(closed, moderator, client, data):
    UserFactory(username="someone")
    client.force_login(moderator)
    before = rows_of()
    response = client.post(f"/d/{closed.slug}/manage/", data)
    assert response.status_code == 403, response.content[:300]
    assert CLOSED in response.content.decode()
    assert rows_of() == before
