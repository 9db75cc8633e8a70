"""Claims, citations and votes, written through the services."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from debate.arguments import services
from debate.arguments.models import (
    CLAIM_TEXT_MAX,
    MAX_REPLY_DEPTH,
    Citation,
    Claim,
    Relation,
    Stance,
    Vote,
)
from debate.arguments.services import (
    citation_add,
    claim_create,
    claim_depth,
    claim_edit,
    claim_hide,
    claim_move,
    claim_restore,
    claim_thread_height,
    claim_withdraw,
    vote_cast,
    vote_withdraw,
)
from debate.audit.models import AuditEvent
from debate.debates.models import Phase
from debate.errors import Conflict, InvalidInput, NotAllowed
from debate.mapview.cache import debate_map
from debate.sources.models import EvidenceStatus
from tests.arguments.helpers import reply_chain
from tests.factories import (
    ClaimFactory,
    DebateFactory,
    EvidenceFactory,
    MembershipFactory,
    PositionFactory,
    VoteFactory,
)
from tests.helpers import rows_of

pytestmark = pytest.mark.django_db


def set_phase(debate, phase):
    debate.phase = phase
    debate.save(update_fields=["phase"])


@pytest.fixture
def claim_now(debate, position_now, debater_now, team_now):
    """A top-level claim by Team Now under position "now"."""
    return ClaimFactory(
        debate=debate, position=position_now, author=debater_now, team=team_now,
        text="Accession talks now deny Russia a veto over NATO enlargement.",
    )  # fmt: skip


@pytest.fixture
def chain(debate, position_now):
    """a <- b <- c: b answers a, c answers b, all under position "now"."""
    a = ClaimFactory(debate=debate, position=position_now, text="A")
    b = ClaimFactory(parent=a, stance=Stance.CON, text="B")
    c = ClaimFactory(parent=b, stance=Stance.CON, text="C")
    return a, b, c


# --- creating claims -----------------------------------------------------------------------


def test_debater_adds_claim_with_trimmed_text_and_own_team(
    debate, position_now, debater_now, team_now
):
    claim = claim_create(
        actor=debater_now, debate=debate, position=position_now,
        text="  \n Talks now deny Russia a veto.\t ", stance="pro",
    )  # fmt: skip

    claim.refresh_from_db()
    assert claim.text == "Talks now deny Russia a veto."
    assert claim.author == debater_now
    assert claim.team == team_now
    assert claim.parent is None
    assert claim.version == 1


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", None, 42])
def test_empty_or_non_text_claim_is_refused(debate, position_now, debater_now, text):
    before = rows_of()

    with pytest.raises(InvalidInput) as error:
        claim_create(
            actor=debater_now, debate=debate, position=position_now, text=text, stance="pro"
        )

    assert error.value.field == "text"
    assert rows_of() == before


def test_claim_of_1001_characters_is_refused(debate, position_now, debater_now):
    with pytest.raises(InvalidInput, match="at most 1,000 characters") as error:
        claim_create(
            actor=debater_now, debate=debate, position=position_now,
            text="x" * (CLAIM_TEXT_MAX + 1), stance="pro",
        )  # fmt: skip

    assert error.value.field == "text"
    assert not Claim.objects.exists()


def test_claim_of_exactly_1000_characters_is_accepted(debate, position_now, debater_now):
    claim = claim_create(
        actor=debater_now, debate=debate, position=position_now,
        text="x" * CLAIM_TEXT_MAX, stance="pro",
    )  # fmt: skip

    claim.refresh_from_db()
    assert len(claim.text) == CLAIM_TEXT_MAX


def test_surrounding_whitespace_does_not_count_towards_the_limit(debate, position_now, debater_now):
    claim = claim_create(
        actor=debater_now, debate=debate, position=position_now,
        text="  " + "y" * CLAIM_TEXT_MAX + "\n", stance="pro",
    )  # fmt: skip

    assert claim.text == "y" * CLAIM_TEXT_MAX


@pytest.mark.parametrize("stance", ["neutral", "PRO", "", None])
def test_unknown_stance_is_refused(debate, position_now, debater_now, stance):
    with pytest.raises(InvalidInput) as error:
        claim_create(
            actor=debater_now, debate=debate, position=position_now, text="Fine.", stance=stance
        )

    assert error.value.field == "stance"
    assert not Claim.objects.exists()


def test_parent_in_another_debate_is_refused(debate, position_now, debater_now):
    elsewhere = ClaimFactory(debate=DebateFactory(), text="Elsewhere")
    before = rows_of()

    with pytest.raises(InvalidInput, match="another debate") as error:
        claim_create(
            actor=debater_now, debate=debate, position=position_now, parent=elsewhere,
            text="A reply", stance="con",
        )  # fmt: skip

    assert error.value.field == "parent"
    assert rows_of() == before


def test_parent_under_another_position_is_refused(
    debate, position_now, position_after, debater_now
):
    under_after = ClaimFactory(debate=debate, position=position_after, text="Wait first.")
    before = rows_of()

    with pytest.raises(InvalidInput, match="another position") as error:
        claim_create(
            actor=debater_now, debate=debate, position=position_now, parent=under_after,
            text="A reply", stance="con",
        )  # fmt: skip

    assert error.value.field == "parent"
    assert rows_of() == before


def test_position_of_another_debate_is_refused(debate, moderator):
    foreign = PositionFactory(debate=DebateFactory())

    with pytest.raises(InvalidInput) as error:
        claim_create(actor=moderator, debate=debate, position=foreign, text="Hi", stance="pro")

    assert error.value.field == "position"
    assert not Claim.objects.exists()


def test_rebuttal_from_the_other_team_hangs_under_its_parent(claim_now, debater_after, team_after):
    reply = claim_create(
        actor=debater_after, debate=claim_now.debate, position=claim_now.position,
        parent=claim_now, text="Russia has no veto; allies decide.", stance="con",
    )  # fmt: skip

    assert reply.parent == claim_now
    assert reply.team == team_after
    assert reply.stance == Stance.CON


def test_observer_cannot_add_claim(debate, position_now, observer):
    before = rows_of()

    with pytest.raises(NotAllowed):
        claim_create(actor=observer, debate=debate, position=position_now, text="Hi", stance="pro")

    assert rows_of() == before


def test_outsider_cannot_add_claim(debate, position_now, outsider):
    with pytest.raises(NotAllowed):
        claim_create(actor=outsider, debate=debate, position=position_now, text="Hi", stance="pro")

    assert not Claim.objects.exists()


def test_in_opening_debater_adds_under_own_position_only(
    debate, position_now, position_after, debater_now
):
    set_phase(debate, Phase.OPENING)

    claim_create(actor=debater_now, debate=debate, position=position_now, text="Mine", stance="pro")
    with pytest.raises(NotAllowed):
        claim_create(
            actor=debater_now, debate=debate, position=position_after, text="Theirs", stance="con"
        )

    assert list(Claim.objects.values_list("text", flat=True)) == ["Mine"]


def test_in_rebuttal_debater_adds_under_the_other_position(debate, position_after, debater_now):
    claim = claim_create(
        actor=debater_now, debate=debate, position=position_after, text="Attack", stance="con"
    )

    assert claim.position == position_after


@pytest.mark.parametrize("phase", [Phase.SETUP, Phase.VOTING, Phase.CLOSED])
def test_debater_cannot_add_claims_outside_opening_and_rebuttal(
    debate, position_now, debater_now, phase
):
    set_phase(debate, phase)

    with pytest.raises(NotAllowed):
        claim_create(
            actor=debater_now, debate=debate, position=position_now, text="Late", stance="pro"
        )

    assert not Claim.objects.exists()


def test_even_the_moderator_cannot_add_claims_once_closed(debate, position_now, moderator):
    set_phase(debate, Phase.CLOSED)

    with pytest.raises(NotAllowed):
        claim_create(
            actor=moderator, debate=debate, position=position_now, text="Late", stance="pro"
        )

    assert not Claim.objects.exists()


# --- database constraints ------------------------------------------------------------------


def test_database_refuses_vote_value_out_of_range(claim_now, observer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(user=observer, claim=claim_now, value=5)

    assert not Vote.objects.exists()


def test_database_refuses_a_second_vote_by_the_same_user(claim_now, observer):
    Vote.objects.create(user=observer, claim=claim_now, value=2)

    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(user=observer, claim=claim_now, value=3)

    assert Vote.objects.filter(user=observer, claim=claim_now).count() == 1


@pytest.mark.parametrize("text", ["", "z" * (CLAIM_TEXT_MAX + 1)])
def test_database_refuses_claim_text_of_bad_length(debate, position_now, text):
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(debate=debate, position=position_now, stance="pro", text=text)

    assert not Claim.objects.exists()


def test_database_refuses_unknown_stance(debate, position_now):
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(debate=debate, position=position_now, stance="meh", text="Hm")

    assert not Claim.objects.exists()


def test_database_refuses_claim_as_its_own_parent(claim_now):
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim_now.pk).update(parent=claim_now.pk)

    claim_now.refresh_from_db()
    assert claim_now.parent_id is None


def test_database_refuses_duplicate_citation(claim_now, source):
    evidence = EvidenceFactory(source=source)
    Citation.objects.create(claim=claim_now, evidence=evidence, relation=Relation.SUPPORTS)

    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(claim=claim_now, evidence=evidence, relation=Relation.CONCEDES)

    assert Citation.objects.count() == 1


# --- moving claims -------------------------------------------------------------------------


def test_moving_a_claim_under_its_own_grandchild_is_refused(chain, moderator):
    a, b, c = chain
    before = rows_of()

    with pytest.raises(InvalidInput, match="under itself or its own replies") as error:
        claim_move(actor=moderator, claim=a, parent=c)

    assert error.value.field == "parent"
    a.refresh_from_db()
    assert a.parent_id is None
    assert a.version == 1
    assert rows_of() == before


def test_moving_a_claim_under_itself_is_refused(chain, moderator):
    _, b, _ = chain

    with pytest.raises(InvalidInput, match="under itself"):
        claim_move(actor=moderator, claim=b, parent=b)

    b.refresh_from_db()
    assert b.parent_id == chain[0].pk
    assert b.version == 1


def test_moving_a_claim_under_another_position_is_refused(chain, moderator, position_after):
    _, b, _ = chain
    other = ClaimFactory(debate=b.debate, position=position_after)

    with pytest.raises(InvalidInput, match="another position"):
        claim_move(actor=moderator, claim=b, parent=other)

    b.refresh_from_db()
    assert b.parent_id == chain[0].pk


def test_moderator_moves_a_claim_and_its_version_bumps(chain, moderator):
    a, b, c = chain

    claim_move(actor=moderator, claim=c, parent=a, stance="pro")

    c.refresh_from_db()
    assert c.parent == a
    assert c.stance == Stance.PRO
    assert c.version == 2


def test_moving_a_claim_to_the_top_of_its_position_is_allowed(chain, moderator):
    _, _, c = chain

    claim_move(actor=moderator, claim=c, parent=None)

    c.refresh_from_db()
    assert c.parent is None


def test_debater_cannot_move_claims(chain, debater_now):
    a, _, c = chain

    with pytest.raises(NotAllowed):
        claim_move(actor=debater_now, claim=c, parent=a)

    c.refresh_from_db()
    assert c.parent_id == chain[1].pk


# --- reply depth ---------------------------------------------------------------------------

DEPTH_REFUSAL = (
    f"Replies can go at most {MAX_REPLY_DEPTH} deep; this thread is {MAX_REPLY_DEPTH} deep "
    "already. Start a new thread under a higher claim."
)


def test_the_reply_depth_limit_is_40():
    assert MAX_REPLY_DEPTH == 40


def test_a_reply_at_the_deepest_allowed_depth_is_accepted(debate, position_now, debater_after):
    chain = reply_chain(position=position_now, depth=MAX_REPLY_DEPTH - 1)

    claim = claim_create(
        actor=debater_after, debate=debate, position=position_now, parent=chain[-1],
        text="The last word this thread can take.", stance="con",
    )  # fmt: skip

    assert claim.parent == chain[-1]
    assert claim_depth(claim_id=claim.pk) == MAX_REPLY_DEPTH


def test_a_reply_one_deeper_than_the_limit_is_refused_and_saves_nothing(
    debate, position_now, debater_after
):
    chain = reply_chain(position=position_now, depth=MAX_REPLY_DEPTH)
    before = rows_of()

    with pytest.raises(InvalidInput) as error:
        claim_create(
            actor=debater_after, debate=debate, position=position_now, parent=chain[-1],
            text="One reply too many.", stance="con",
        )  # fmt: skip

    assert error.value.message == DEPTH_REFUSAL
    assert error.value.field == "parent"
    assert rows_of() == before


def test_a_new_thread_under_a_position_is_depth_0(debate, position_now, debater_now):
    claim = claim_create(actor=debater_now, debate=debate, position=position_now,
                         text="A fresh thread.", stance="pro")  # fmt: skip

    assert claim_depth(claim_id=claim.pk) == 0


def test_depth_of_a_legacy_chain_is_one_query_and_stops_past_the_limit(
    position_now, django_assert_num_queries
):
    chain = reply_chain(position=position_now, depth=150)

    with django_assert_num_queries(1):
        deepest = claim_depth(claim_id=chain[-1].pk)
    with django_assert_num_queries(1):
        middle = claim_depth(claim_id=chain[MAX_REPLY_DEPTH].pk)

    assert deepest > MAX_REPLY_DEPTH  # capped: the walk stops once past the limit
    assert middle == MAX_REPLY_DEPTH


@pytest.mark.parametrize("recursive_cte", [True, False], ids=["one-query", "level-by-level"])
def test_depth_and_thread_height_agree_with_and_without_a_recursive_query(
    position_now, monkeypatch, recursive_cte
):
    if not recursive_cte:
        monkeypatch.setattr(services, "_RECURSIVE_CTE_VENDORS", frozenset())
    chain = reply_chain(position=position_now, depth=60)
    leaf = reply_chain(position=position_now, depth=0)[0]

    assert claim_depth(claim_id=chain[0].pk) == 0
    assert claim_depth(claim_id=chain[7].pk) == 7
    assert claim_depth(claim_id=chain[-1].pk) == MAX_REPLY_DEPTH + 1  # capped
    assert claim_thread_height(claim_id=chain[-1].pk) == 0
    assert claim_thread_height(claim_id=chain[-4].pk) == 3
    assert claim_thread_height(claim_id=chain[0].pk) == MAX_REPLY_DEPTH + 1  # capped
    assert claim_thread_height(claim_id=leaf.pk) == 0


def test_moving_a_thread_where_its_deepest_reply_passes_the_limit_is_refused(
    debate, position_now, moderator
):
    target = reply_chain(position=position_now, depth=MAX_REPLY_DEPTH - 2)[-1]  # depth 38
    thread = reply_chain(position=position_now, depth=2)  # its deepest would land at 41
    before = rows_of()

    with pytest.raises(InvalidInput, match=f"at most {MAX_REPLY_DEPTH} deep") as error:
        claim_move(actor=moderator, claim=thread[0], parent=target)

    assert error.value.field == "parent"
    thread[0].refresh_from_db()
    assert thread[0].parent_id is None
    assert thread[0].version == 1
    assert rows_of() == before


def test_moving_a_thread_whose_deepest_reply_lands_at_the_limit_is_allowed(
    debate, position_now, moderator
):
    target = reply_chain(position=position_now, depth=MAX_REPLY_DEPTH - 3)[-1]  # depth 37
    thread = reply_chain(position=position_now, depth=2)

    claim_move(actor=moderator, claim=thread[0], parent=target)

    assert claim_depth(claim_id=thread[-1].pk) == MAX_REPLY_DEPTH


def test_moving_part_of_a_legacy_chain_up_within_the_limit_is_allowed(position_now, moderator):
    chain = reply_chain(position=position_now, depth=60)

    claim_move(actor=moderator, claim=chain[30], parent=None)  # now 30 deep at most

    assert claim_depth(claim_id=chain[-1].pk) == 30


# --- editing claims ------------------------------------------------------------------------


def test_edit_with_fresh_version_changes_text_and_bumps_version(claim_now, debater_now):
    claim_edit(actor=debater_now, claim=claim_now, text="  A sharper claim. ", version=1)

    claim_now.refresh_from_db()
    assert claim_now.text == "A sharper claim."
    assert claim_now.version == 2


def test_edit_with_stale_version_is_refused(claim_now, debater_now, moderator):
    original = claim_now.text
    claim_edit(actor=moderator, claim=claim_now, text="Moderator's wording.", version=1)
    events = AuditEvent.objects.count()

    with pytest.raises(Conflict) as error:
        claim_edit(actor=debater_now, claim=claim_now, text="My late draft.", version=1)

    claim_now.refresh_from_db()
    assert claim_now.text == "Moderator's wording."
    assert claim_now.text != original
    assert claim_now.version == 2
    assert error.value.current.version == 2
    assert AuditEvent.objects.count() == events


def test_edit_without_a_version_number_is_refused(claim_now, debater_now):
    with pytest.raises(InvalidInput) as error:
        claim_edit(actor=debater_now, claim=claim_now, text="New", version="latest")

    assert error.value.field == "version"
    claim_now.refresh_from_db()
    assert claim_now.version == 1


def test_edit_to_the_same_text_changes_nothing(claim_now, debater_now):
    claim_edit(actor=debater_now, claim=claim_now, text=claim_now.text, version=1)

    claim_now.refresh_from_db()
    assert claim_now.version == 1
    assert not AuditEvent.objects.exists()


def test_debater_cannot_edit_a_teammates_claim(debate, claim_now, team_now):
    teammate = MembershipFactory(debate=debate, team=team_now).user

    with pytest.raises(NotAllowed):
        claim_edit(actor=teammate, claim=claim_now, text="Hijacked", version=1)

    claim_now.refresh_from_db()
    assert claim_now.text != "Hijacked"


def test_edit_refuses_empty_text(claim_now, debater_now):
    with pytest.raises(InvalidInput):
        claim_edit(actor=debater_now, claim=claim_now, text="   ", version=1)

    claim_now.refresh_from_db()
    assert claim_now.version == 1


# --- withdrawing and hiding ----------------------------------------------------------------


def test_author_withdraws_an_unanswered_claim(claim_now, debater_now):
    claim_withdraw(actor=debater_now, claim=claim_now)

    claim_now.refresh_from_db()
    assert claim_now.is_withdrawn is True
    assert Claim.objects.filter(pk=claim_now.pk).exists()
    assert not Claim.objects.visible().filter(pk=claim_now.pk).exists()


def test_author_cannot_withdraw_a_claim_that_has_replies(claim_now, debater_now):
    ClaimFactory(parent=claim_now, stance=Stance.CON)

    with pytest.raises(InvalidInput, match="answer this one"):
        claim_withdraw(actor=debater_now, claim=claim_now)

    claim_now.refresh_from_db()
    assert claim_now.is_withdrawn is False


@pytest.mark.parametrize(("reply", "answered"), [
    (None, False), ({}, True), ({"is_hidden": True}, True), ({"is_withdrawn": True}, False),
], ids=["no reply", "visible reply", "hidden reply", "withdrawn reply"])  # fmt: skip
def test_a_hidden_reply_still_answers_a_withdrawn_one_does_not(
    claim_now, debater_now, reply, answered
):
    if reply is not None:
        ClaimFactory(parent=claim_now, stance=Stance.CON, **reply)
    node = debate_map(claim_now.debate).claims[claim_now.pk]  # the author's audience
    assert node.answered is answered  # what the card's Withdraw control is decided from
    before = rows_of()

    if answered:
        with pytest.raises(InvalidInput, match="a reply a moderator hid still counts"):
            claim_withdraw(actor=debater_now, claim=claim_now)
        assert rows_of() == before
    else:
        claim_withdraw(actor=debater_now, claim=claim_now)
        claim_now.refresh_from_db()
        assert claim_now.is_withdrawn is True


def test_only_the_author_withdraws(claim_now, moderator):
    with pytest.raises(NotAllowed):
        claim_withdraw(actor=moderator, claim=claim_now)

    claim_now.refresh_from_db()
    assert claim_now.is_withdrawn is False


def test_moderator_hides_and_restores_with_a_reason(claim_now, moderator):
    claim_hide(actor=moderator, claim=claim_now, reason="Off topic.")
    claim_now.refresh_from_db()
    assert claim_now.is_hidden is True
    assert claim_now.hidden_reason == "Off topic."

    claim_restore(actor=moderator, claim=claim_now, reason="On reflection, relevant.")
    claim_now.refresh_from_db()
    assert claim_now.is_hidden is False
    assert claim_now.version == 3


def test_hiding_needs_a_reason(claim_now, moderator):
    with pytest.raises(InvalidInput) as error:
        claim_hide(actor=moderator, claim=claim_now, reason="  ")

    assert error.value.field == "reason"
    claim_now.refresh_from_db()
    assert claim_now.is_hidden is False


def test_debater_cannot_hide_claims(claim_now, debater_after):
    with pytest.raises(NotAllowed):
        claim_hide(actor=debater_after, claim=claim_now, reason="I disagree.")

    claim_now.refresh_from_db()
    assert claim_now.is_hidden is False


# --- citations -----------------------------------------------------------------------------


def test_author_cites_approved_evidence(claim_now, debater_now, source):
    evidence = EvidenceFactory(source=source)

    citation = citation_add(
        actor=debater_now, claim=claim_now, evidence=evidence, relation="supports"
    )

    assert citation.claim == claim_now
    assert citation.evidence == evidence
    assert citation.relation == Relation.SUPPORTS
    assert citation.created_by == debater_now


@pytest.mark.parametrize("status", [EvidenceStatus.PROPOSED, EvidenceStatus.REJECTED])
def test_unapproved_evidence_cannot_be_cited(claim_now, debater_now, source, status):
    evidence = EvidenceFactory(source=source, status=status)

    with pytest.raises(InvalidInput, match="approved"):
        citation_add(actor=debater_now, claim=claim_now, evidence=evidence, relation="supports")

    assert not Citation.objects.exists()


def test_evidence_of_another_debate_cannot_be_cited(claim_now, debater_now):
    foreign = EvidenceFactory()

    with pytest.raises(InvalidInput, match="another debate"):
        citation_add(actor=debater_now, claim=claim_now, evidence=foreign, relation="supports")

    assert not Citation.objects.exists()


def test_unknown_citation_relation_is_refused(claim_now, debater_now, source):
    evidence = EvidenceFactory(source=source)

    with pytest.raises(InvalidInput) as error:
        citation_add(actor=debater_now, claim=claim_now, evidence=evidence, relation="proves")

    assert error.value.field == "relation"
    assert not Citation.objects.exists()


def test_citing_the_same_evidence_twice_keeps_one_citation(claim_now, debater_now, source):
    evidence = EvidenceFactory(source=source)
    citation_add(actor=debater_now, claim=claim_now, evidence=evidence, relation="supports")

    citation_add(actor=debater_now, claim=claim_now, evidence=evidence, relation="concedes")

    assert Citation.objects.get().relation == Relation.CONCEDES


def test_other_team_cannot_cite_on_my_claim(claim_now, debater_after, source):
    evidence = EvidenceFactory(source=source)

    with pytest.raises(NotAllowed):
        citation_add(actor=debater_after, claim=claim_now, evidence=evidence, relation="concedes")

    assert not Citation.objects.exists()


# --- votes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [7, -1, "x", 2.5, True, None, ""])
def test_vote_outside_0_to_4_is_refused(claim_now, observer, value):
    with pytest.raises(InvalidInput) as error:
        vote_cast(actor=observer, claim=claim_now, value=value)

    assert error.value.field == "value"
    assert not Vote.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("value", [0, 4, "3"])
def test_vote_in_range_is_stored_as_a_number(claim_now, observer, value):
    vote = vote_cast(actor=observer, claim=claim_now, value=value)

    vote.refresh_from_db()
    assert vote.value == int(value)


def test_casting_twice_updates_the_one_vote(claim_now, observer):
    first = vote_cast(actor=observer, claim=claim_now, value=1)

    second = vote_cast(actor=observer, claim=claim_now, value=4)

    assert second.pk == first.pk
    assert Vote.objects.filter(user=observer, claim=claim_now).count() == 1
    assert Vote.objects.get().value == 4


def test_withdrawn_vote_keeps_its_row(claim_now, observer):
    vote_cast(actor=observer, claim=claim_now, value=3)

    vote_withdraw(actor=observer, claim=claim_now)

    vote = Vote.objects.get(user=observer, claim=claim_now)
    assert vote.is_withdrawn is True
    assert vote.value == 3
    assert not Vote.objects.active().exists()


def test_casting_after_withdrawing_revives_the_same_row(claim_now, observer):
    vote_cast(actor=observer, claim=claim_now, value=3)
    vote_withdraw(actor=observer, claim=claim_now)

    vote_cast(actor=observer, claim=claim_now, value=2)

    vote = Vote.objects.get()
    assert vote.is_withdrawn is False
    assert vote.value == 2


def test_cannot_rate_own_claim(claim_now, debater_now):
    with pytest.raises(InvalidInput, match="own claim"):
        vote_cast(actor=debater_now, claim=claim_now, value=4)

    assert not Vote.objects.exists()


def test_outsider_cannot_vote(claim_now, outsider):
    with pytest.raises(NotAllowed):
        vote_cast(actor=outsider, claim=claim_now, value=2)

    assert not Vote.objects.exists()


@pytest.mark.parametrize("who", ["observer", "debater_after", "moderator"])
def test_participants_vote_on_others_claims_in_rebuttal(request, claim_now, who):
    actor = request.getfixturevalue(who)

    vote_cast(actor=actor, claim=claim_now, value=2)

    assert Vote.objects.filter(user=actor, claim=claim_now, value=2).exists()


def test_observer_votes_in_the_voting_phase(claim_now, observer):
    set_phase(claim_now.debate, Phase.VOTING)

    vote_cast(actor=observer, claim=claim_now, value=2)

    assert Vote.objects.filter(user=observer).count() == 1


@pytest.mark.parametrize("phase", [Phase.SETUP, Phase.OPENING, Phase.CLOSED])
def test_no_voting_outside_rebuttal_and_voting(claim_now, observer, phase):
    set_phase(claim_now.debate, phase)

    with pytest.raises(NotAllowed):
        vote_cast(actor=observer, claim=claim_now, value=2)

    assert not Vote.objects.exists()


def test_vote_withdrawal_is_refused_once_closed(claim_now, observer):
    vote_cast(actor=observer, claim=claim_now, value=3)
    set_phase(claim_now.debate, Phase.CLOSED)

    with pytest.raises(NotAllowed):
        vote_withdraw(actor=observer, claim=claim_now)

    assert Vote.objects.get().is_withdrawn is False


def test_hidden_claim_cannot_be_rated(claim_now, observer, moderator):
    claim_hide(actor=moderator, claim=claim_now, reason="Duplicate.")

    with pytest.raises(InvalidInput):
        vote_cast(actor=observer, claim=claim_now, value=2)

    assert not Vote.objects.exists()


def test_existing_vote_row_from_a_factory_is_updated_not_duplicated(claim_now, observer):
    VoteFactory(user=observer, claim=claim_now, value=0)

    vote_cast(actor=observer, claim=claim_now, value=3)

    assert list(Vote.objects.values_list("value", flat=True)) == [3]
