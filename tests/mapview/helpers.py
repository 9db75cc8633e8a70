"""The secrets of the visibility world (tests/mapview/conftest.py `world`) and its cast.

Each secret is a distinctive string; the tests say which roles may find it in which
responses, and look for it in the raw bytes.
"""

from __future__ import annotations

from debate.arguments import services as claim_services
from debate.debates.models import Debate, Role
from debate.debates.services import phase_change, poll_answer
from debate.snapshots.services import snapshot_take
from debate.sources.services import evidence_approve, evidence_propose, evidence_reject
from tests.factories import MembershipFactory, UserFactory

HIDDEN_TEXT = b"SECRET-HIDDEN-CLAIM-7731"
HIDDEN_AUTHOR = b"zz_author_hidden"
REASON = b"REJECT-REASON-9931"
REJECTED_QUOTE = b"signed nine bilateral security agreements"
PROPOSED_QUOTE = b"Critics want the war to end first."
POLL_ANSWERER = b"zz_poll_answerer"
CITED_QUOTE = "never a replacement for membership"  # approved; the hidden claim cites it
LONE_VOTE = 4  # Team Now's only member rates the rival's claim this

ROLES = ("anonymous", "observer", "debater", "rival", "moderator")
NON_MODERATORS = [role for role in ROLES if role != "moderator"]


def populate(world):
    """Fill the shared world (tests/conftest.py `world`) with the visibility world's claims,
    evidence, snapshots, poll answer and vote (tests/mapview/conftest.py says what), through
    the services; the debate ends in the voting phase."""
    debate, position_now, position_after = world.debate, world.position_now, world.position_after
    team_after, moderator, source = world.team_after, world.moderator, world.source
    debater_now, debater_after = world.debater_now, world.debater_after
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
