"""Pseudonyms: given on joining, random, kept for good; switching anonymity on names
everyone who ever wrote; the names policy shows them instead of usernames."""

from __future__ import annotations

import pytest

from debate.debates.services import debate_anonymity_set
from debate.errors import NotAllowed
from debate.mapview.visibility import Audience, names_for
from debate.people.models import Pseudonym

pytestmark = pytest.mark.django_db


def test_every_member_has_a_distinct_pseudonym(debate, moderator, debater_now, debater_after):
    rows = Pseudonym.objects.filter(debate=debate)
    assert {row.user_id for row in rows} >= {moderator.pk, debater_now.pk, debater_after.pk}
    assert len({row.number for row in rows}) == rows.count()


def test_switching_on_is_audited_and_names_by_pseudonym(debate, moderator, debater_now):
    debate_anonymity_set(actor=moderator, debate=debate, anonymous=True)
    debate.refresh_from_db()
    assert debate.anonymous
    assert debate.events.filter(action="debate.anonymous").count() == 1
    mine = Pseudonym.objects.get(debate=debate, user=debater_now).label
    participant = names_for(Audience(moderator=False), debate)
    assert participant.shown(debater_now.pk, debater_now.username) == mine
    assert participant.user_id_shown(debater_now.pk) is None
    teacher = names_for(Audience(moderator=True), debate)
    assert teacher.label(debater_now.pk, debater_now.username) == (
        f"{debater_now.username} ({mine})"
    )
    assert participant.user_of(mine.lower().replace(" ", "")) == debater_now.pk


def test_only_moderators_switch_it(debate, debater_now):
    with pytest.raises(NotAllowed):
        debate_anonymity_set(actor=debater_now, debate=debate, anonymous=True)
    debate.refresh_from_db()
    assert not debate.anonymous
