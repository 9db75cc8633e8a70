"""Flags and their resolution (dismiss, hide, merge), written through the services.

A merge moves the duplicate's replies and citations to the original and keeps every vote;
nothing is ever deleted, which the walkthrough at the end proves by counting every table.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from debate.activity.models import Notice
from debate.arguments.models import Citation, Claim, Relation, Stance, Vote
from debate.arguments.services import claim_restore
from debate.audit.models import AuditEvent
from debate.debates.models import Phase
from debate.errors import InvalidInput, NotAllowed
from debate.moderation.models import Flag, FlagKind, FlagStatus
from debate.moderation.services import claim_merge, flag_create, flag_resolve
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    DebateFactory,
    EvidenceFactory,
    MembershipFactory,
    UserFactory,
    VoteFactory,
)
from tests.helpers import every_table, rows_of

pytestmark = pytest.mark.django_db


def rows_of_every_model() -> dict[str, set[int]]:
    """The primary keys of every row of every table `rows_of()` compares, by model label."""
    return {
        model._meta.label: set(model._default_manager.values_list("pk", flat=True))
        for model in every_table()
    }


@pytest.fixture
def claims(debate, position_now, team_now, team_after, debater_now, debater_after):
    """Two claims under position "now": the original (Team Now) and its duplicate (Team After)."""
    original = ClaimFactory(
        debate=debate, position=position_now, author=debater_now, team=team_now,
        text="Talks now deny Russia a veto over enlargement.",
    )  # fmt: skip
    duplicate = ClaimFactory(
        debate=debate, position=position_now, author=debater_after, team=team_after,
        text="Starting talks now takes away Moscow's veto.",
    )  # fmt: skip
    return SimpleNamespace(original=original, duplicate=duplicate)


@pytest.fixture
def merge_world(debate, source, claims, debater_now, observer):
    """The duplicate has a reply, two citations and three votes; the original has one of each.

    - evidence `shared` is cited by both claims; evidence `own` only by the duplicate;
    - `observer` voted on both claims (1 on the original, 4 on the duplicate);
    - `voter` voted only on the duplicate; `debater_now` (the original's author) did too.
    """
    shared = EvidenceFactory(source=source, start=0, end=30)
    own = EvidenceFactory(source=source, start=40, end=70)
    reply = ClaimFactory(parent=claims.duplicate, stance=Stance.CON, author=debater_now,
                         text="A reply under the duplicate.")  # fmt: skip
    original_cites = CitationFactory(claim=claims.original, evidence=shared)
    shared_on_duplicate = CitationFactory(claim=claims.duplicate, evidence=shared)
    own_on_duplicate = CitationFactory(
        claim=claims.duplicate, evidence=own, relation=Relation.CONCEDES
    )
    voter = MembershipFactory(debate=debate, role="observer", user=UserFactory()).user
    observer_on_original = VoteFactory(user=observer, claim=claims.original, value=1)
    observer_on_duplicate = VoteFactory(user=observer, claim=claims.duplicate, value=4)
    voter_on_duplicate = VoteFactory(user=voter, claim=claims.duplicate, value=2)
    return SimpleNamespace(
        original=claims.original, duplicate=claims.duplicate, reply=reply,
        shared=shared, own=own, original_cites=original_cites,
        shared_on_duplicate=shared_on_duplicate, own_on_duplicate=own_on_duplicate,
        voter=voter, observer_on_original=observer_on_original,
        observer_on_duplicate=observer_on_duplicate, voter_on_duplicate=voter_on_duplicate,
    )  # fmt: skip


def duplicate_flag(claims, reporter) -> Flag:
    return flag_create(
        actor=reporter, claim=claims.duplicate, kind=FlagKind.DUPLICATE,
        duplicate_of=claims.original,
    )  # fmt: skip


# --- flag_create ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [FlagKind.OFF_TOPIC, FlagKind.UNSUPPORTED, FlagKind.ABUSIVE])
def test_participant_flags_a_claim_with_a_simple_kind(claims, observer, kind):
    flag = flag_create(actor=observer, claim=claims.original, kind=kind, note="  Please look.  ")

    flag.refresh_from_db()
    assert (flag.kind, flag.status, flag.reporter, flag.note) == (
        kind, FlagStatus.OPEN, observer, "Please look."
    )  # fmt: skip
    assert flag.debate_id == claims.original.debate_id
    assert flag.fallacy == "" and flag.duplicate_of is None


def test_fallacy_flag_names_the_fallacy(claims, debater_after):
    flag = flag_create(
        actor=debater_after, claim=claims.original, kind=FlagKind.FALLACY, fallacy="straw_man"
    )
    flag.refresh_from_db()
    assert (flag.kind, flag.fallacy) == ("fallacy", "straw_man")


@pytest.mark.parametrize("fallacy", ["", None, "made_up_fallacy"])
def test_fallacy_flag_without_a_known_fallacy_is_refused(claims, debater_after, fallacy):
    before = rows_of()
    with pytest.raises(InvalidInput) as error:
        flag_create(
            actor=debater_after, claim=claims.original, kind=FlagKind.FALLACY, fallacy=fallacy
        )
    assert error.value.field == "fallacy"
    assert error.value.message == "Name the fallacy from the list."
    assert rows_of() == before


def test_fallacy_is_dropped_from_a_flag_of_another_kind(claims, observer):
    flag = flag_create(
        actor=observer, claim=claims.original, kind=FlagKind.OFF_TOPIC, fallacy="straw_man"
    )
    flag.refresh_from_db()
    assert flag.fallacy == ""


def test_duplicate_flag_names_the_original(claims, observer):
    flag = duplicate_flag(claims, observer)
    flag.refresh_from_db()
    assert flag.kind == FlagKind.DUPLICATE
    assert flag.duplicate_of_id == claims.original.pk


def test_duplicate_of_is_dropped_from_a_flag_of_another_kind(claims, observer):
    flag = flag_create(
        actor=observer, claim=claims.duplicate, kind=FlagKind.UNSUPPORTED,
        duplicate_of=claims.original,
    )  # fmt: skip
    flag.refresh_from_db()
    assert flag.duplicate_of is None


def test_duplicate_flag_without_the_original_is_refused(claims, observer):
    before = rows_of()
    with pytest.raises(InvalidInput) as error:
        flag_create(actor=observer, claim=claims.duplicate, kind=FlagKind.DUPLICATE)
    assert (error.value.field, error.value.message) == (
        "duplicate_of", "Say which claim this one duplicates."
    )  # fmt: skip
    assert rows_of() == before


def test_duplicate_of_a_claim_in_another_debate_is_refused(claims, observer):
    elsewhere = ClaimFactory(debate=DebateFactory())
    before = rows_of()
    with pytest.raises(InvalidInput) as error:
        flag_create(
            actor=observer, claim=claims.duplicate, kind=FlagKind.DUPLICATE, duplicate_of=elsewhere
        )
    assert (error.value.field, error.value.message) == (
        "duplicate_of", "The original is in another debate."
    )  # fmt: skip
    assert rows_of() == before


def test_claim_cannot_be_flagged_as_a_duplicate_of_itself(claims, observer):
    before = rows_of()
    with pytest.raises(InvalidInput) as error:
        flag_create(
            actor=observer, claim=claims.duplicate, kind=FlagKind.DUPLICATE,
            duplicate_of=claims.duplicate,
        )  # fmt: skip
    assert (error.value.field, error.value.message) == (
        "duplicate_of", "A claim cannot duplicate itself."
    )  # fmt: skip
    assert rows_of() == before


@pytest.mark.parametrize("kind", ["", "spam", None, "OFF_TOPIC"])
def test_unknown_flag_kind_is_refused(claims, observer, kind):
    before = rows_of()
    with pytest.raises(InvalidInput) as error:
        flag_create(actor=observer, claim=claims.original, kind=kind)
    assert error.value.field == "kind"
    assert rows_of() == before


@pytest.mark.parametrize("note", ["x" * 1001, "nul\x00byte", 42])
def test_bad_flag_note_is_refused(claims, observer, note):
    before = rows_of()
    with pytest.raises(InvalidInput) as error:
        flag_create(actor=observer, claim=claims.original, kind=FlagKind.ABUSIVE, note=note)
    assert error.value.field == "note"
    assert rows_of() == before


@pytest.mark.parametrize("who", ["moderator", "debater_now", "debater_after", "observer"])
def test_every_participant_may_flag(request, claims, who):
    # Someone else's claim: debater_after wrote the duplicate (own claims: test_self_flag.py).
    claim = claims.original if who == "debater_after" else claims.duplicate
    flag = flag_create(actor=request.getfixturevalue(who), claim=claim, kind=FlagKind.OFF_TOPIC)
    assert Flag.objects.filter(pk=flag.pk).exists()


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_non_participants_cannot_flag(request, claims, who):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    before = rows_of()
    with pytest.raises(NotAllowed):
        flag_create(actor=actor, claim=claims.original, kind=FlagKind.OFF_TOPIC)
    assert rows_of() == before


def test_nobody_flags_in_a_closed_debate(debate, claims, observer):
    debate.phase = Phase.CLOSED
    debate.save(update_fields=["phase"])
    claims.original.debate.refresh_from_db()
    before = rows_of()
    with pytest.raises(NotAllowed):
        flag_create(actor=observer, claim=claims.original, kind=FlagKind.OFF_TOPIC)
    assert rows_of() == before


def test_flag_create_records_an_audit_event_and_tells_the_author(claims, observer, debater_now):
    flag = flag_create(
        actor=observer, claim=claims.original, kind=FlagKind.FALLACY, fallacy="ad_hominem",
        note="Attacks the authors, not the argument.",
    )  # fmt: skip

    event = AuditEvent.objects.get(action="flag.create")
    assert (event.actor, event.debate_id, event.object_type, event.object_id) == (
        observer, claims.original.debate_id, "moderation.flag", flag.pk
    )  # fmt: skip
    assert event.before is None
    assert event.after["kind"] == "fallacy" and event.after["fallacy"] == "ad_hominem"
    assert event.after["claim_id"] == claims.original.pk
    assert event.after["status"] == "open"
    notice = Notice.objects.get(user=debater_now)
    assert notice.kind == "claim.flagged"
    assert f"#{claims.original.pk}" in notice.message and "ad hominem" in notice.message


# --- flag_resolve --------------------------------------------------------------------------------


def test_dismissing_a_flag_closes_it_and_leaves_the_claim(claims, observer, moderator):
    flag = flag_create(actor=observer, claim=claims.original, kind=FlagKind.OFF_TOPIC)
    flag_resolve(actor=moderator, flag=flag, resolution="dismiss", reason="  It is on topic.  ")

    flag.refresh_from_db()
    assert (flag.status, flag.resolver, flag.resolution_reason) == (
        FlagStatus.DISMISSED, moderator, "It is on topic."
    )  # fmt: skip
    assert flag.resolved_at is not None
    claims.original.refresh_from_db()
    assert not claims.original.is_hidden
    event = AuditEvent.objects.exclude(action="flag.create").get()
    assert event.action == "flag.dismissed" and event.actor == moderator
    assert event.before["status"] == "open"
    assert event.after["status"] == "dismissed"
    assert event.after["resolution_reason"] == "It is on topic."


def test_hiding_through_a_flag_hides_the_claim_with_the_reason(
    claims, observer, moderator, debater_now
):
    flag = flag_create(actor=observer, claim=claims.original, kind=FlagKind.ABUSIVE)

    flag_resolve(actor=moderator, flag=flag, resolution="hide", reason="Insults a debater.")

    flag.refresh_from_db()
    claims.original.refresh_from_db()
    assert flag.status == FlagStatus.HIDDEN
    assert claims.original.is_hidden
    assert claims.original.hidden_reason == "Insults a debater."
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["claim.hide", "flag.hidden"]
    assert Notice.objects.filter(user=debater_now, kind="claim.hidden").exists()


def test_hiding_an_already_hidden_claim_still_closes_the_flag(claims, observer, moderator):
    flag = flag_create(actor=observer, claim=claims.original, kind=FlagKind.ABUSIVE)
    Claim.objects.filter(pk=claims.original.pk).update(is_hidden=True, hidden_reason="Earlier")

    flag_resolve(actor=moderator, flag=flag, resolution="hide", reason="Same problem.")

    flag.refresh_from_db()
    claims.original.refresh_from_db()
    assert flag.status == FlagStatus.HIDDEN
    assert claims.original.hidden_reason == "Earlier"
    assert not AuditEvent.objects.filter(action="claim.hide").exists()


def test_merging_through_a_duplicate_flag_merges_the_claims(claims, observer, moderator):
    flag = duplicate_flag(claims, observer)

    flag_resolve(actor=moderator, flag=flag, resolution="merge", reason="Same point.")

    flag.refresh_from_db()
    claims.duplicate.refresh_from_db()
    assert flag.status == FlagStatus.MERGED
    assert flag.resolution_reason == "Same point."
    assert claims.duplicate.merged_into_id == claims.original.pk
    assert claims.duplicate.is_hidden
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["claim.merge", "flag.merged"]


@pytest.mark.parametrize("resolution", ["dismiss", "hide", "merge"])
@pytest.mark.parametrize("reason", ["", "   ", None, 7])
def test_every_resolution_needs_a_reason(claims, observer, moderator, resolution, reason):
    flag = duplicate_flag(claims, observer)
    before = rows_of()

    with pytest.raises(InvalidInput) as error:
        flag_resolve(actor=moderator, flag=flag, resolution=resolution, reason=reason)

    assert (error.value.field, error.value.message) == (
        "reason", "Give a reason for the resolution."
    )  # fmt: skip
    assert rows_of() == before


def test_only_a_duplicate_flag_can_be_resolved_by_merging(claims, observer, moderator):
    flag = flag_create(actor=observer, claim=claims.duplicate, kind=FlagKind.UNSUPPORTED)
    before = rows_of()
    with pytest.raises(InvalidInput) as error:
        flag_resolve(actor=moderator, flag=flag, resolution="merge", reason="Same point.")
    assert error.value.message == "Only a duplicate flag names a claim to merge into."
    assert rows_of() == before


@pytest.mark.parametrize("resolution", ["", "delete", "approve", None])
def test_unknown_resolution_is_refused(claims, observer, moderator, resolution):
    flag = duplicate_flag(claims, observer)
    before = rows_of()
    with pytest.raises(InvalidInput) as error:
        flag_resolve(actor=moderator, flag=flag, resolution=resolution, reason="Because.")
    assert error.value.field == "resolution"
    assert rows_of() == before


def test_a_resolved_flag_cannot_be_resolved_again(claims, observer, moderator):
    flag = duplicate_flag(claims, observer)
    flag_resolve(actor=moderator, flag=flag, resolution="dismiss", reason="Different points.")
    before = rows_of()
    with pytest.raises(InvalidInput) as error:
        flag_resolve(actor=moderator, flag=flag, resolution="merge", reason="Changed my mind.")
    assert error.value.message == "This flag was resolved already."
    assert rows_of() == before


@pytest.mark.parametrize(
    "who", ["debater_now", "debater_after", "observer", "outsider", "anonymous"]
)
def test_only_moderators_resolve_flags(request, claims, observer, who):
    flag = duplicate_flag(claims, observer)
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    before = rows_of()
    with pytest.raises(NotAllowed):
        flag_resolve(actor=actor, flag=flag, resolution="dismiss", reason="Not a problem.")
    assert rows_of() == before


def test_flags_are_not_resolved_in_a_closed_debate(debate, claims, observer, moderator):
    flag = duplicate_flag(claims, observer)
    debate.phase = Phase.CLOSED
    debate.save(update_fields=["phase"])
    before = rows_of()
    with pytest.raises(NotAllowed):
        flag_resolve(actor=moderator, flag=flag, resolution="dismiss", reason="Late.")
    assert rows_of() == before


# --- claim_merge ---------------------------------------------------------------------------------


def test_merge_moves_the_duplicates_replies_to_the_original(merge_world, moderator):
    claim_merge(actor=moderator, duplicate=merge_world.duplicate, original=merge_world.original,
                reason="Same point.")  # fmt: skip

    merge_world.reply.refresh_from_db()
    assert merge_world.reply.parent_id == merge_world.original.pk
    assert merge_world.reply.stance == Stance.CON


def test_merge_moves_citations_but_keeps_one_the_original_already_has(merge_world, moderator):
    w = merge_world
    claim_merge(actor=moderator, duplicate=w.duplicate, original=w.original, reason="Same.")

    w.own_on_duplicate.refresh_from_db()
    w.shared_on_duplicate.refresh_from_db()
    assert w.own_on_duplicate.claim_id == w.original.pk
    assert w.own_on_duplicate.relation == Relation.CONCEDES
    # The original cites `shared` already: the duplicate's citation of it stays where it was.
    assert w.shared_on_duplicate.claim_id == w.duplicate.pk
    assert set(Citation.objects.filter(claim=w.original).values_list("evidence_id", flat=True)) == {
        w.shared.pk, w.own.pk
    }  # fmt: skip


def test_merge_keeps_every_vote_and_the_originals_vote_stands(merge_world, moderator):
    w = merge_world
    claim_merge(actor=moderator, duplicate=w.duplicate, original=w.original, reason="Same.")

    votes = {v.pk: (v.claim_id, v.user_id, v.value) for v in Vote.objects.all()}
    # The observer voted on both: the vote on the kept claim (1) stands, the other stays put.
    assert votes[w.observer_on_original.pk] == (w.original.pk, w.observer_on_original.user_id, 1)
    assert votes[w.observer_on_duplicate.pk] == (
        w.duplicate.pk, w.observer_on_duplicate.user_id, 4
    )  # fmt: skip
    # A vote only on the duplicate moves to the original, with its value.
    assert votes[w.voter_on_duplicate.pk] == (w.original.pk, w.voter.pk, 2)
    assert len(votes) == 3


def test_merged_duplicate_is_hidden_and_points_to_the_original(merge_world, moderator):
    w = merge_world
    version = w.duplicate.version

    kept = claim_merge(
        actor=moderator, duplicate=w.duplicate, original=w.original, reason="Same point."
    )

    w.duplicate.refresh_from_db()
    assert kept.pk == w.original.pk
    assert w.duplicate.merged_into_id == w.original.pk
    assert w.duplicate.is_hidden and w.duplicate.hidden_reason == "Same point."
    assert w.duplicate.version == version + 1
    assert Claim.objects.filter(pk=w.duplicate.pk).exists()


def test_merge_audit_event_lists_what_moved_and_what_stayed(merge_world, moderator):
    w = merge_world
    claim_merge(actor=moderator, duplicate=w.duplicate, original=w.original, reason="Same.")

    event = AuditEvent.objects.get(action="claim.merge")
    assert (event.actor, event.object_type, event.object_id) == (
        moderator, "arguments.claim", w.duplicate.pk
    )  # fmt: skip
    assert event.before["merged_into_id"] is None and event.before["is_hidden"] is False
    assert event.after["merged_into_id"] == w.original.pk
    assert event.after["is_hidden"] is True and event.after["hidden_reason"] == "Same."
    assert event.after["moved_replies"] == [w.reply.pk]
    assert event.after["moved_citations"] == [w.own_on_duplicate.pk]
    assert event.after["kept_citations"] == [w.shared_on_duplicate.pk]
    assert event.after["moved_votes"] == [w.voter_on_duplicate.pk]


def test_merge_tells_the_duplicates_author(merge_world, moderator, debater_after):
    w = merge_world
    claim_merge(actor=moderator, duplicate=w.duplicate, original=w.original, reason="Same.")

    notice = Notice.objects.get(user=debater_after, kind="claim.merged")
    assert f"#{w.duplicate.pk} was merged into #{w.original.pk}: Same." in notice.message


def test_merge_does_not_make_an_author_rate_their_own_claim(merge_world, moderator, debater_now):
    w = merge_world
    VoteFactory(user=debater_now, claim=w.duplicate, value=3)  # debater_now wrote the original

    claim_merge(actor=moderator, duplicate=w.duplicate, original=w.original, reason="Same.")

    assert not Vote.objects.filter(user=debater_now, claim=w.original).exists()


def test_merge_into_a_claim_under_another_position_is_refused(
    debate, claims, position_after, moderator
):
    other = ClaimFactory(debate=debate, position=position_after)
    before = rows_of()
    with pytest.raises(InvalidInput) as error:
        claim_merge(actor=moderator, duplicate=claims.duplicate, original=other, reason="R")
    assert error.value.message == "Only claims under the same position can be merged."
    assert rows_of() == before


def test_merge_into_a_claim_of_another_debate_is_refused(claims, moderator):
    elsewhere = ClaimFactory(debate=DebateFactory())
    before = rows_of()
    with pytest.raises(InvalidInput) as error:
        claim_merge(actor=moderator, duplicate=claims.duplicate, original=elsewhere, reason="R")
    assert error.value.message == "The original is in another debate."
    assert rows_of() == before


def test_merge_into_itself_or_twice_is_refused(claims, moderator):
    before = rows_of()
    with pytest.raises(InvalidInput):
        claim_merge(actor=moderator, duplicate=claims.duplicate, original=claims.duplicate,
                    reason="R")  # fmt: skip
    assert rows_of() == before

    claim_merge(actor=moderator, duplicate=claims.duplicate, original=claims.original, reason="R")
    before = rows_of()
    with pytest.raises(InvalidInput) as error:
        claim_merge(actor=moderator, duplicate=claims.duplicate, original=claims.original,
                    reason="R")  # fmt: skip
    assert error.value.message == "This claim cannot be merged again."
    assert rows_of() == before


def test_merge_into_one_of_its_own_replies_is_refused(merge_world, moderator):
    deeper = ClaimFactory(parent=merge_world.reply, stance=Stance.PRO)
    before = rows_of()
    with pytest.raises(InvalidInput) as error:
        claim_merge(actor=moderator, duplicate=merge_world.duplicate, original=deeper, reason="R")
    assert error.value.message == "A claim cannot be merged into one of its own replies."
    assert rows_of() == before


@pytest.mark.parametrize("who", ["debater_now", "debater_after", "observer", "outsider"])
def test_only_moderators_merge_claims(request, claims, who):
    actor = request.getfixturevalue(who)  # made before the rows are taken
    before = rows_of()
    with pytest.raises(NotAllowed):
        claim_merge(actor=actor, duplicate=claims.duplicate, original=claims.original,
                    reason="R")  # fmt: skip
    assert rows_of() == before


# --- nothing is ever deleted ---------------------------------------------------------------------


def test_hide_merge_and_restore_lose_no_row_vote_or_citation(
    debate, position_now, merge_world, moderator, observer
):
    """Walk through every destructive-looking moderation step and count every table."""
    w = merge_world
    abusive = ClaimFactory(debate=debate, position=position_now, text="An abusive claim.")
    VoteFactory(user=observer, claim=abusive, value=0)
    votes_before = set(Vote.objects.values_list("pk", "user_id", "value", "is_withdrawn"))
    citations_before = set(Citation.objects.values_list("pk", "evidence_id", "relation"))
    rows_before = rows_of_every_model()

    # 1. hide a claim through its flag
    hide = flag_create(actor=observer, claim=abusive, kind=FlagKind.ABUSIVE)
    flag_resolve(actor=moderator, flag=hide, resolution="hide", reason="Abusive.")
    # 2. merge a duplicate through its flag
    merge = duplicate_flag(w, observer)
    flag_resolve(actor=moderator, flag=merge, resolution="merge", reason="Same point.")
    # 3. restore both
    claim_restore(actor=moderator, claim=abusive, reason="Reworded by its author.")
    claim_restore(actor=moderator, claim=w.duplicate, reason="It makes a distinct point.")

    rows_after = rows_of_every_model()
    lost = {label: rows_before[label] - rows_after[label] for label in rows_before}
    assert all(not pks for pks in lost.values()), lost
    grown = {label for label in rows_before if rows_after[label] != rows_before[label]}
    assert grown <= {"audit.AuditEvent", "activity.Notice", "moderation.Flag"}, grown
    assert set(Vote.objects.values_list("pk", "user_id", "value", "is_withdrawn")) == votes_before
    assert set(Citation.objects.values_list("pk", "evidence_id", "relation")) == citations_before
    assert not Citation.objects.filter(is_hidden=True).exists()
    abusive.refresh_from_db()
    w.duplicate.refresh_from_db()
    assert not abusive.is_hidden and not w.duplicate.is_hidden
    assert w.duplicate.merged_into_id is None
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "flag.create", "claim.hide", "flag.hidden",
        "flag.create", "claim.merge", "flag.merged",
        "claim.restore", "claim.restore",
    ]  # fmt: skip


def test_a_flag_on_another_claim_is_left_open_by_a_merge(claims, observer, moderator):
    merge = duplicate_flag(claims, observer)
    other = flag_create(actor=observer, claim=claims.original, kind=FlagKind.UNSUPPORTED)

    flag_resolve(actor=moderator, flag=merge, resolution="merge", reason="Same point.")

    other.refresh_from_db()
    assert other.status == FlagStatus.OPEN
    assert list(Flag.objects.open()) == [other]
