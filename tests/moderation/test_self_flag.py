"""Flags ask someone else to look: nobody flags their own claim (the service refuses, not only
the hidden control), and one reporter flagging one claim again and again tells its author
once, not once per flag."""

from __future__ import annotations

import pytest

from debate import permissions
from debate.activity.models import Notice
from debate.errors import NotAllowed
from debate.moderation.models import Flag, FlagKind
from debate.moderation.services import flag_create
from tests.factories import ClaimFactory
from tests.helpers import rows_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(debate, position_now, team_now, debater_now):
    return ClaimFactory(debate=debate, position=position_now, team=team_now, author=debater_now)


@pytest.mark.parametrize("kind", [FlagKind.OFF_TOPIC, FlagKind.ABUSIVE])
def test_an_author_cannot_flag_their_own_claim(claim, debater_now, kind):
    before = rows_of()
    with pytest.raises(NotAllowed) as refused:
        flag_create(actor=debater_now, claim=claim, kind=kind)
    assert "your own claim" in refused.value.message
    assert rows_of() == before


def test_a_moderator_cannot_flag_their_own_claim_either(debate, position_now, moderator):
    own = ClaimFactory(debate=debate, position=position_now, author=moderator)
    with pytest.raises(NotAllowed):
        flag_create(actor=moderator, claim=own, kind=FlagKind.OFF_TOPIC)
    assert not Flag.objects.exists()


def test_can_flag_claim_says_so_for_the_controls(debate, claim, debater_now, debater_after):
    assert not permissions.can_flag_claim(debater_now, debate, claim)
    assert permissions.can_flag_claim(debater_after, debate, claim)


def test_sixty_flags_by_one_reporter_make_one_notice(settings, claim, debater_after,
                                                     debater_now):  # fmt: skip
    settings.RATE_LIMITS = {}  # the flag limit is tested on its own; here: the notices
    for i in range(60):
        kind = FlagKind.OFF_TOPIC if i % 2 else FlagKind.ABUSIVE
        flag_create(actor=debater_after, claim=claim, kind=kind, note=f"again {i}")

    assert Flag.objects.filter(claim=claim).count() == 60  # each is in the moderators' queue
    assert Notice.objects.filter(user=debater_now, kind="claim.flagged").count() == 1


def test_each_reporter_tells_the_author_once(claim, debater_after, observer, moderator,
                                             debater_now):  # fmt: skip
    for reporter in (debater_after, observer, moderator, debater_after, observer):
        flag_create(actor=reporter, claim=claim, kind=FlagKind.UNSUPPORTED)

    assert Notice.objects.filter(user=debater_now, kind="claim.flagged").count() == 3
