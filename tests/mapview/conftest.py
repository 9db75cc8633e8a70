"""The world that the visibility tests walk, over the API (test_visibility.py) and over the
pages (test_visibility_pages.py).

Built through the services, so that the audit trail and the activity notices are real. The
roles are the shared cast: nobody signed in, an observer, the debater of Team Now (its only
member), the rival debater of Team After, and the moderator.

- Team Now's opening claim, attacked by a claim of zz_author_hidden's,
  "SECRET-HIDDEN-CLAIM-7731", which cites approved evidence and is answered by a visible
  reply of the debater's; frozen into snapshot 1, then hidden by the moderator (snapshot 2
  has it as a placeholder);
- evidence the debater proposed and the moderator rejected with "REJECT-REASON-9931", and
  evidence the rival proposed that waits for review;
- in the voting phase, a poll answer by zz_poll_answerer, and the debater's vote of 4 on
  the rival's claim: Team Now's only vote, so a breakdown by Team Now would show it.
"""

from __future__ import annotations

import pytest

from debate.arguments import services as claim_services
from debate.debates.models import Debate, Role
from debate.debates.services import phase_change, poll_answer
from debate.snapshots.services import snapshot_take
from debate.sources.services import evidence_approve, evidence_propose, evidence_reject
from tests.factories import MembershipFactory, UserFactory
from tests.mapview.helpers import (
    CITED_QUOTE,
    HIDDEN_AUTHOR,
    HIDDEN_TEXT,
    LONE_VOTE,
    POLL_ANSWERER,
    PROPOSED_QUOTE,
    REASON,
    REJECTED_QUOTE,
)


@pytest.fixture
def world(world, debate, position_now, position_after, team_after, moderator, debater_now,
          debater_after, source):  # fmt: skip
    author = MembershipFactory(
        user=UserFactory(username=HIDDEN_AUTHOR.decode()), debate=debate, role=Role.DEBATER,
        team=team_after,
    ).user  # fmt: skip
    answerer = MembershipFactory(
        user=UserFactory(username=POLL_ANSWERER.decode()), debate=debate, role=Role.OBSERVER
    ).user
    opening = claim_services.claim_create(
        actor=debater_now, debate=debate, position=position_now, stance="pro",
        text="Team Now's opening claim, which the hidden claim attacks.",
    )  # fmt: skip
    cited, _ = evidence_propose(actor=moderator, source=source, quote=CITED_QUOTE)
    cited = evidence_approve(actor=moderator, evidence=cited)
    hidden = claim_services.claim_create(
        actor=author, debate=debate, position=position_now, parent=opening, stance="con",
        text=f"{HIDDEN_TEXT.decode()}: a claim a moderator will hide.",
    )  # fmt: skip
    claim_services.citation_add(actor=author, claim=hidden, evidence=cited, relation="supports")
    reply = claim_services.claim_create(
        actor=debater_now, debate=debate, position=position_now, parent=hidden,
        stance="con", text="A visible reply to the claim that will be hidden.",
    )  # fmt: skip
    target = claim_services.claim_create(
        actor=debater_after, debate=debate, position=position_after, stance="pro",
        text="The rival's claim, which only Team Now's one member rates.",
    )  # fmt: skip
    rejected, _ = evidence_propose(actor=debater_now, source=source,
                                   quote=REJECTED_QUOTE.decode())  # fmt: skip
    evidence_reject(actor=moderator, evidence=rejected, reason=f"{REASON.decode()}: no context.")
    proposed, _ = evidence_propose(actor=debater_after, source=source,
                                   quote=PROPOSED_QUOTE.decode())  # fmt: skip
    snapshot_take(actor=moderator, debate=debate)  # 1: the claim is public
    before_hiding = Debate.objects.get(pk=debate.pk).version
    claim_services.claim_hide(actor=moderator, claim=hidden, reason="Off topic.")
    snapshot_take(actor=moderator, debate=debate)  # 2: the claim is a placeholder
    debate = phase_change(actor=moderator, debate=debate, phase="voting")
    poll_answer(actor=answerer, debate=debate, poll="after", position=position_now)
    claim_services.vote_cast(actor=debater_now, claim=target, value=LONE_VOTE)
    vars(world).update(
        debate=debate, opening=opening, hidden=hidden, reply=reply, target=target, cited=cited,
        rejected=rejected, proposed=proposed, before_hiding=before_hiding,
    )  # fmt: skip
    return world
