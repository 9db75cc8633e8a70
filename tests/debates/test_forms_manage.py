"""The set-up and new-debate screens render bound forms: a refusal shows its message beside
the form, keeps what was typed, and saves nothing."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import escape

from debate.debates.models import Debate, Membership, Team
from tests.helpers import client_as, rows_of

pytestmark = pytest.mark.django_db


def test_a_refused_details_save_keeps_the_typed_text(debate, moderator):
    before = rows_of(Debate)
    response = client_as(moderator).post(reverse("debate-manage", args=[debate.slug]), {
        "action": "details", "title": "", "motion": "A motion typed but not saved",
        "description": "Typed too",
    })  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 422
    assert "This field is required." in html
    assert 'value="A motion typed but not saved"' in html
    assert ">Typed too</textarea>" in html
    assert rows_of(Debate) == before


def test_the_details_form_shows_the_debates_values(debate, moderator):
    html = client_as(moderator).get(reverse("debate-manage", args=[debate.slug])).content.decode()
    assert f'value="{escape(debate.title)}"' in html
    assert f'value="{escape(debate.motion)}"' in html


@pytest.fixture
def creator(moderator):
    moderator.user_permissions.add(Permission.objects.get(codename="create_debate"))
    return moderator


def test_a_refused_new_debate_keeps_the_typed_rows(creator):
    before = rows_of(Debate, Team, Membership)
    response = client_as(creator).post(reverse("debate-new"), {
        "title": "Sequencing", "motion": "Now or later?", "positions-0-title": "Now",
        "positions-1-title": "Later", "positions-1-description": "Once there is peace.",
        "teams-0-name": "Team A", "teams-0-position": "5", "moderators": "nobody-by-this-name",
    })  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 422
    assert "Position 5 has no title" in html and "No such user: nobody-by-this-name." in html
    assert 'id="positions-0-title" value="Now"' in html
    assert ">Once there is peace.</textarea>" in html
    assert 'id="teams-0-name" value="Team A"' in html
    assert '<option value="5" selected>Position 5</option>' in html
    assert '<option value="1">Position 1: Now</option>' in html  # the menu names typed rows
    assert rows_of(Debate, Team, Membership) == before


def test_unknown_moderators_are_named_by_a_short_prefix(creator):
    name = "n" * 1000
    response = client_as(creator).post(reverse("debate-new"), {
        "title": "Sequencing", "motion": "Now or later?", "positions-0-title": "Now",
        "positions-1-title": "Later", "moderators": name,
    })  # fmt: skip
    assert response.status_code == 422
    message = re.search(r"<span>(No such user: [^<]*)<", response.content.decode())[1]
    assert message == f"No such user: {'n' * 40}…."


def test_a_new_debate_sets_its_observer_settings(creator):
    response = client_as(creator).post(reverse("debate-new"), {
        "title": "Open audience", "motion": "Now or later?", "positions-0-title": "Now",
        "positions-1-title": "Later", "allow_observers": "on",
    })  # fmt: skip
    assert response.status_code == 302
    debate = Debate.objects.get(title="Open audience")
    assert (debate.allow_observers, debate.count_observer_votes) == (True, False)


def test_the_new_debate_form_starts_with_observers_off_and_their_votes_counted(creator):
    html = client_as(creator).get(reverse("debate-new")).content.decode()
    assert 'name="allow_observers">' in html
    assert 'name="count_observer_votes" checked>' in html
