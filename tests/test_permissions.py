"""Who may do what, in which phase: the table that debate/permissions.py encodes.

| action          | setup | opening           | rebuttal | voting | closed |
|-----------------|-------|-------------------|----------|--------|--------|
| add claim: mod  | yes   | yes               | yes      | yes    | no     |
| add claim: deb  | no    | own position only | yes      | no     | no     |
| vote (members)  | no    | no                | yes      | yes    | no     |
| moderate (mod)  | yes   | yes               | yes      | yes    | no     |
| change phase    | moderators, in every phase                             |
| propose evidence| members, in every phase but closed                     |

Observers and outsiders never add claims; outsiders never vote; nobody rates their own claim.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from debate import permissions
from debate.debates.models import Phase
from debate.errors import NotAllowed
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

PHASES = [p.value for p in Phase]
ACTORS = ["moderator", "debater_now", "debater_after", "observer", "outsider"]


def actor(request, who):
    return permissions.SYSTEM if who == "system" else request.getfixturevalue(who)


def in_phase(debate, phase):
    """The permission functions read the phase from the debate object they are given."""
    debate.phase = phase
    return debate


# (who, phase) -> may add a claim under position "now"
ADD_UNDER_NOW = {
    **{("moderator", p): p != Phase.CLOSED for p in PHASES},
    **{("debater_now", p): p in (Phase.OPENING, Phase.REBUTTAL) for p in PHASES},
    **{("debater_after", p): p == Phase.REBUTTAL for p in PHASES},
    **{("observer", p): False for p in PHASES},
    **{("outsider", p): False for p in PHASES},
    **{("system", p): p != Phase.CLOSED for p in PHASES},
}


@pytest.mark.parametrize(("who", "phase"), sorted(ADD_UNDER_NOW))
def test_who_may_add_a_claim_under_position_now_in_each_phase(
    request, debate, position_now, who, phase
):
    user = actor(request, who)

    allowed = permissions.can_add_claim(user, in_phase(debate, phase), position=position_now)

    assert allowed is ADD_UNDER_NOW[(who, phase)]


def test_in_opening_a_debater_adds_under_own_position_but_not_the_other(
    debate, position_now, position_after, debater_now, debater_after
):
    in_phase(debate, Phase.OPENING)

    assert permissions.can_add_claim(debater_now, debate, position=position_now)
    assert not permissions.can_add_claim(debater_now, debate, position=position_after)
    assert permissions.can_add_claim(debater_after, debate, position=position_after)
    assert not permissions.can_add_claim(debater_after, debate, position=position_now)


def test_anonymous_visitor_cannot_add_claims(debate, position_now):
    assert not permissions.can_add_claim(AnonymousUser(), debate, position=position_now)


def test_superuser_counts_as_moderator_without_membership(debate, position_now):
    admin = UserFactory(is_superuser=True, is_staff=True)

    assert permissions.is_moderator(admin, debate)
    assert permissions.can_add_claim(admin, debate, position=position_now)
    assert permissions.can_change_phase(admin, debate)


VOTE_PHASES = {p: p in (Phase.REBUTTAL, Phase.VOTING) for p in PHASES}


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("who", ["moderator", "debater_after", "observer"])
def test_members_vote_on_others_claims_only_in_rebuttal_and_voting(
    request, debate, position_now, debater_now, who, phase
):
    claim = ClaimFactory(debate=in_phase(debate, phase), position=position_now, author=debater_now)

    assert permissions.can_vote(request.getfixturevalue(who), debate, claim) is VOTE_PHASES[phase]


@pytest.mark.parametrize("phase", PHASES)
def test_outsider_cannot_vote(debate, position_now, outsider, phase):
    claim = ClaimFactory(debate=in_phase(debate, phase), position=position_now)

    assert not permissions.can_vote(outsider, claim.debate, claim)


def test_nobody_votes_on_their_own_claim(debate, position_now, debater_now, moderator):
    own = ClaimFactory(debate=debate, position=position_now, author=debater_now)
    moderators = ClaimFactory(debate=debate, position=position_now, author=moderator)

    assert not permissions.can_vote(debater_now, own.debate, own)
    assert not permissions.can_vote(moderator, moderators.debate, moderators)
    assert permissions.can_vote(moderator, own.debate, own)


def test_anonymous_visitor_and_system_cannot_vote(debate, position_now):
    claim = ClaimFactory(debate=debate, position=position_now)

    assert not permissions.can_vote(AnonymousUser(), debate, claim)
    assert not permissions.can_vote(permissions.SYSTEM, claim.debate, claim)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("who", ACTORS)
def test_only_moderators_moderate_and_never_once_closed(request, debate, who, phase):
    allowed = permissions.can_moderate(request.getfixturevalue(who), in_phase(debate, phase))

    assert allowed is (who == "moderator" and phase != Phase.CLOSED)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("who", ACTORS)
def test_only_moderators_change_phase_in_any_phase(request, debate, who, phase):
    allowed = permissions.can_change_phase(request.getfixturevalue(who), in_phase(debate, phase))

    assert allowed is (who == "moderator")


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("who", ACTORS)
def test_members_propose_evidence_until_closed(request, debate, who, phase):
    allowed = permissions.can_propose_evidence(
        request.getfixturevalue(who), in_phase(debate, phase)
    )

    assert allowed is (who != "outsider" and phase != Phase.CLOSED)


def test_author_edits_own_claim_teammates_and_other_team_do_not(
    debate, position_now, debater_now, debater_after
):
    claim = ClaimFactory(debate=debate, position=position_now, author=debater_now)

    assert permissions.can_edit_claim(debater_now, claim.debate, claim)
    assert not permissions.can_edit_claim(debater_after, claim.debate, claim)


@pytest.mark.parametrize(
    ("phase", "allowed"),
    [(Phase.SETUP, False), (Phase.OPENING, True), (Phase.REBUTTAL, True),
     (Phase.VOTING, False), (Phase.CLOSED, False)],
)  # fmt: skip
def test_author_edits_own_claim_only_while_claims_may_be_added(
    debate, position_now, debater_now, phase, allowed
):
    claim = ClaimFactory(debate=in_phase(debate, phase), position=position_now, author=debater_now)

    assert permissions.can_edit_claim(debater_now, claim.debate, claim) is allowed


def test_moderator_edits_any_claim_until_closed(debate, position_now, debater_now, moderator):
    claim = ClaimFactory(debate=debate, position=position_now, author=debater_now)

    assert permissions.can_edit_claim(moderator, debate, claim)
    assert not permissions.can_edit_claim(moderator, in_phase(debate, Phase.CLOSED), claim)


def test_only_the_author_may_withdraw(debate, position_now, debater_now, moderator):
    claim = ClaimFactory(debate=debate, position=position_now, author=debater_now)
    seeded = ClaimFactory(debate=debate, position=position_now, author=None)

    assert permissions.can_withdraw_claim(debater_now, claim.debate, claim, answered=False)
    assert not permissions.can_withdraw_claim(moderator, claim.debate, claim, answered=False)
    assert not permissions.can_withdraw_claim(permissions.SYSTEM, seeded.debate, seeded,
                                              answered=False)  # fmt: skip


def test_an_answered_claim_is_not_withdrawn_and_a_hidden_reply_still_answers(
    debate, position_now, debater_now
):
    claim = ClaimFactory(debate=debate, position=position_now, author=debater_now)
    hidden = ClaimFactory(parent=claim, is_hidden=True)
    withdrawn = ClaimFactory(parent=claim, is_withdrawn=True)

    assert not permissions.can_withdraw_claim(debater_now, debate, claim, answered=True)
    assert permissions.is_answer(hidden)
    assert not permissions.is_answer(withdrawn)


def test_private_debate_is_visible_to_members_only(debate, observer, outsider):
    debate.is_public = False

    assert permissions.can_view_debate(observer, debate)
    assert not permissions.can_view_debate(outsider, debate)
    assert not permissions.can_view_debate(AnonymousUser(), debate)


def test_public_debate_is_visible_to_everyone(debate, outsider):
    assert permissions.can_view_debate(outsider, debate)
    assert permissions.can_view_debate(AnonymousUser(), debate)


def test_require_turns_a_refusal_into_not_allowed():
    permissions.require(True, "never raised")

    with pytest.raises(NotAllowed, match="No entry"):
        permissions.require(False, "No entry")
