"""Moderators hear when something waits: one notice per kind and debate while it is unread,
brought up to date by each new proposal or flag, written in the same transaction."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from debate.activity.models import Notice
from debate.activity.services import notice_moderators
from debate.debates.models import Role
from debate.moderation.services import flag_create, flag_resolve
from debate.sources.services import evidence_approve, evidence_propose
from tests.factories import ClaimFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

QUOTES = ["nine bilateral security agreements", "a temporary recourse", "Critics want the war"]


@pytest.fixture
def second_moderator(debate):
    return MembershipFactory(
        user=UserFactory(username="co-moderator"), debate=debate, role=Role.MODERATOR
    ).user


@pytest.fixture
def claims(debate, position_now, team_now, debater_now):
    return [
        ClaimFactory(debate=debate, position=position_now, author=debater_now, team=team_now)
        for _ in range(3)
    ]


def review_notices(kind: str):
    return Notice.objects.filter(kind=kind).order_by("user__username")


def test_a_proposal_tells_every_moderator_not_the_others(
    debate, source, moderator, second_moderator, debater_now, debater_after, observer
):
    evidence_propose(actor=debater_now, source=source, quote=QUOTES[0])

    notices = list(review_notices("review.evidence"))
    assert [n.user for n in notices] == [second_moderator, moderator]
    assert notices[0].message == f"1 evidence proposal waits for review in “{debate.title}”"
    assert notices[0].url == reverse("moderation-queue", args=[debate.slug])
    assert not Notice.objects.filter(user__in=[debater_now, debater_after, observer]).exists()


def test_a_moderators_own_proposal_tells_only_the_other_moderators(
    source, moderator, second_moderator
):
    evidence_propose(actor=moderator, source=source, quote=QUOTES[0])
    assert [n.user for n in review_notices("review.evidence")] == [second_moderator]


def test_while_unread_the_notice_is_updated_not_repeated(source, moderator, debater_now, debate):
    evidence_propose(actor=debater_now, source=source, quote=QUOTES[0])
    first = Notice.objects.get(user=moderator, kind="review.evidence")
    for quote in QUOTES[1:]:
        evidence_propose(actor=debater_now, source=source, quote=quote)

    notice = Notice.objects.get(user=moderator, kind="review.evidence")
    assert notice.pk == first.pk
    assert notice.message == f"3 evidence proposals wait for review in “{debate.title}”"
    assert notice.created_at > first.created_at  # moved up the panel


def test_after_reading_a_new_notice_comes(source, moderator, debater_now, debate):
    evidence_propose(actor=debater_now, source=source, quote=QUOTES[0])
    Notice.objects.filter(user=moderator).update(read_at=debate.created_at)
    evidence_propose(actor=debater_now, source=source, quote=QUOTES[1])

    messages = [
        (notice.message, notice.read_at)
        for notice in Notice.objects.filter(user=moderator, kind="review.evidence").order_by("id")
    ]
    assert [m for m, _ in messages] == [
        f"1 evidence proposal waits for review in “{debate.title}”",
        f"2 evidence proposals wait for review in “{debate.title}”",
    ]
    assert messages[1][1] is None


def test_proposing_an_existing_span_again_tells_nobody_again(source, moderator, debater_now):
    evidence_propose(actor=debater_now, source=source, quote=QUOTES[0])
    Notice.objects.update(read_at=source.created_at)
    _, created = evidence_propose(actor=debater_now, source=source, quote=QUOTES[0])
    assert not created
    assert not Notice.objects.filter(read_at__isnull=True).exists()


def test_flags_have_their_own_notice(debate, claims, moderator, debater_after):
    for claim in claims[:2]:
        flag_create(actor=debater_after, claim=claim, kind="off_topic")

    notice = Notice.objects.get(user=moderator, kind="review.flags")
    assert notice.message == f"2 flags wait for review in “{debate.title}”"
    assert notice.url == reverse("moderation-queue", args=[debate.slug])
    # The author still hears of the flag, once; the flagger hears nothing.
    assert not Notice.objects.filter(user=debater_after).exists()


def test_a_repeated_flag_updates_the_count_without_a_flood(claims, moderator, debater_after):
    for kind in ("off_topic", "unsupported", "abusive"):
        flag_create(actor=debater_after, claim=claims[0], kind=kind)
    [notice] = Notice.objects.filter(user=moderator, kind="review.flags")
    assert notice.message.startswith("3 flags wait")


def test_a_rolled_back_proposal_leaves_no_notice(source, moderator, debater_now):
    with pytest.raises(RuntimeError), transaction.atomic():
        evidence_propose(actor=debater_now, source=source, quote=QUOTES[0])
        assert Notice.objects.filter(user=moderator).exists()
        raise RuntimeError("the request failed after the proposal")
    assert not Notice.objects.exists()


def test_an_emptied_queue_keeps_the_notice_as_history(source, moderator, debater_now, claims):
    from debate.activity.selectors import pending_for_moderator

    evidence, _ = evidence_propose(actor=debater_now, source=source, quote=QUOTES[0])
    evidence_approve(actor=moderator, evidence=evidence, reason="Exact.")
    assert Notice.objects.filter(user=moderator, kind="review.evidence").exists()
    assert pending_for_moderator(moderator) == 0


def test_dismissing_a_flag_empties_the_count_not_the_notice(claims, moderator, debater_after):
    from debate.activity.selectors import pending_for_moderator

    flag = flag_create(actor=debater_after, claim=claims[0], kind="off_topic")
    flag_resolve(actor=moderator, flag=flag, resolution="dismiss", reason="It is on topic.")
    assert Notice.objects.filter(user=moderator, kind="review.flags").exists()
    assert pending_for_moderator(moderator) == 0


def test_hostile_titles_stay_text_in_the_notice(debate, source, moderator, debater_now):
    debate.title = "<script>alert(1)</script> ‏עברית‏ 🇺🇦"
    debate.save()
    evidence_propose(actor=debater_now, source=source, quote=QUOTES[0])
    notice = Notice.objects.get(user=moderator)
    assert notice.message.endswith("“<script>alert(1)</script> ‏עברית‏ 🇺🇦”")

    from tests.helpers import client_as

    html = client_as(moderator).get(reverse("activity")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("moderators", [1, 8])
def test_telling_the_moderators_takes_the_same_queries_for_any_number(
    debate, moderators, django_assert_num_queries
):
    for _ in range(moderators):
        MembershipFactory(debate=debate, role=Role.MODERATOR)
    actor = UserFactory()
    with django_assert_num_queries(3):  # moderators, their unread notices, the insert
        notice_moderators(actor=actor, debate=debate, kind="review.evidence",
                          message="1 evidence proposal waits", url="/")  # fmt: skip
    with django_assert_num_queries(3):  # the same, with the update instead of the insert
        notice_moderators(actor=actor, debate=debate, kind="review.evidence",
                          message="2 evidence proposals wait", url="/")  # fmt: skip
    assert Notice.objects.count() == moderators
