"""The shared cast, grown into a class: six debaters per team, two observers, a second
moderator, a source with approved evidence and a proposal, and a claim in the parent."""

from __future__ import annotations

import pytest

from debate.debates.models import Role
from debate.sources.models import EvidenceStatus
from tests.factories import ClaimFactory, EvidenceFactory, MembershipFactory, UserFactory


@pytest.fixture
def seminar(world):
    world.approved = EvidenceFactory(source=world.source, start=0, end=23)
    world.proposed = EvidenceFactory(
        source=world.source, start=30, end=60, status=EvidenceStatus.PROPOSED, reviewed_at=None
    )
    world.second_moderator = MembershipFactory(
        user=UserFactory(username="co-teacher"), debate=world.debate, role=Role.MODERATOR
    ).user
    for team, prefix in ((world.team_now, "now"), (world.team_after, "after")):
        for i in range(5):  # with debater_now / debater_after: six per team
            MembershipFactory(user=UserFactory(username=f"{prefix}-{i}"), debate=world.debate,
                              role=Role.DEBATER, team=team)  # fmt: skip
    MembershipFactory(user=UserFactory(username="observer-2"), debate=world.debate,
                      role=Role.OBSERVER)  # fmt: skip
    world.parent_claim = ClaimFactory(
        debate=world.debate, position=world.position_now, text="A claim of the whole seminar",
        author=world.debater_now, team=world.team_now,
    )  # fmt: skip
    return world
