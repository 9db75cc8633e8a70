"""What waits for a moderator: the counts behind the header's badge, the debate page's banner
and the activity page's "Waiting for you" list, each in one query whatever the size."""

from __future__ import annotations

import pytest

from debate.activity.selectors import (
    Pending,
    moderated_debates,
    pending_for_debate,
    pending_for_moderator,
    review_summary,
)
from debate.debates.models import Phase, Role
from debate.moderation.models import FlagStatus
from debate.sources.models import EvidenceStatus
from tests.activity.alerts import flagged, moderated_debate, proposed
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- the words -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("evidence", "flags", "phrase"),
    [
        (0, 0, ""),
        (1, 0, "1 evidence proposal waits"),
        (3, 0, "3 evidence proposals wait"),
        (0, 1, "1 flag waits"),
        (0, 2, "2 flags wait"),
        (1, 1, "1 evidence proposal and 1 flag wait"),
        (3, 1, "3 evidence proposals and 1 flag wait"),
    ],
)
def test_the_phrase_counts_in_singular_and_plural(evidence, flags, phrase):
    pending = Pending(evidence=evidence, flags=flags)
    assert pending.phrase == phrase
    assert bool(pending) is bool(evidence + flags)


# --- one debate ----------------------------------------------------------------------------


def test_a_debate_counts_proposed_evidence_and_open_flags_only(debate, debater_now):
    proposed(debate, 3)
    proposed(debate, 1, status=EvidenceStatus.APPROVED)
    proposed(debate, 1, status=EvidenceStatus.REJECTED)
    proposed(debate, 1, is_hidden=True)
    flagged(debate, 2, reporter=debater_now)
    flagged(debate, 1, reporter=debater_now, status=FlagStatus.DISMISSED)
    flagged(debate, 1, reporter=debater_now, status=FlagStatus.HIDDEN)

    assert pending_for_debate(debate) == Pending(evidence=3, flags=2)


def test_another_debates_items_do_not_count(debate, moderator, debater_now):
    other = moderated_debate(moderator)
    proposed(other, 2)
    flagged(other, 1, reporter=debater_now)
    assert pending_for_debate(debate) == Pending()


@pytest.mark.parametrize("size", [1, 12])
def test_a_debates_count_is_one_query_at_any_size(
    debate, debater_now, django_assert_num_queries, size
):
    proposed(debate, size)
    flagged(debate, size, reporter=debater_now)
    with django_assert_num_queries(1):
        assert pending_for_debate(debate) == Pending(evidence=size, flags=size)


# --- across a moderator's debates ----------------------------------------------------------


@pytest.mark.parametrize("debates", [1, 6])
def test_a_moderators_total_is_one_query_whatever_the_number_of_debates(
    moderator, debater_now, django_assert_num_queries, debates
):
    for _ in range(debates):
        other = moderated_debate(moderator)
        proposed(other, 2)
        flagged(other, 1, reporter=debater_now)
    with django_assert_num_queries(1):
        total = pending_for_moderator(moderator)
    assert total == 3 * debates


def test_only_the_debates_one_moderates_count(debate, moderator, debater_now, observer):
    proposed(debate, 2)
    flagged(debate, 1, reporter=debater_now)
    elsewhere = moderated_debate(UserFactory())
    proposed(elsewhere, 5)

    assert pending_for_moderator(moderator) == 3
    for user in (debater_now, observer, UserFactory()):
        assert pending_for_moderator(user) == 0
        assert not review_summary(user)


def test_a_superuser_is_not_summoned_to_every_queue(debate):
    proposed(debate, 2)
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert pending_for_moderator(admin) == 0


def test_a_closed_debate_waits_for_nobody(debate, moderator):
    proposed(debate, 2)
    debate.phase = Phase.CLOSED
    debate.save()

    [row] = moderated_debates(moderator)
    assert row.pending == Pending(evidence=2) and row.waiting == Pending()
    assert pending_for_moderator(moderator) == 0
    assert review_summary(moderator).moderates


def test_the_summary_links_to_the_one_debate_with_items_waiting(debate, moderator):
    quiet = moderated_debate(moderator)
    proposed(debate, 1)
    assert review_summary(moderator).only_slug == debate.slug
    proposed(quiet, 1)
    summary = review_summary(moderator)
    assert (summary.total, summary.only_slug) == (2, None)


def test_an_ended_membership_moderates_nothing(debate, moderator):
    """Whatever the manager counts as current membership is what counts here (helper A's
    ended memberships included, when there are any)."""
    proposed(debate, 1)
    other = UserFactory()
    MembershipFactory(user=other, debate=debate, role=Role.OBSERVER)
    assert pending_for_moderator(other) == 0
    assert pending_for_moderator(moderator) == 1


def test_the_rows_say_whether_the_digest_is_on(debate, moderator):
    from debate.activity.services import digest_subscribe

    digest_subscribe(actor=moderator, debate=debate)
    other = moderated_debate(moderator)
    rows = {row.slug: row.digest for row in moderated_debates(moderator)}
    assert rows == {debate.slug: True, other.slug: False}


@pytest.mark.parametrize("debates", [1, 6])
def test_the_headers_counts_are_two_queries_and_agree_with_the_selectors(
    moderator, debater_now, debate, django_assert_num_queries, debates
):
    from debate.activity.selectors import header_counts, unread_count
    from debate.activity.services import notice_send

    for _ in range(debates):
        other = moderated_debate(moderator)
        proposed(other, 2)
        flagged(other, 1, reporter=debater_now)
    notice_send(user_id=moderator.pk, actor=debater_now, debate=debate, kind="t", message="m")
    with django_assert_num_queries(2):  # the unread count, then what waits
        counts = header_counts(moderator)
    assert counts.unread == unread_count(moderator) == 1
    assert counts.review == review_summary(moderator)
    assert counts.review.total == 3 * debates


def test_the_headers_counts_for_people_who_moderate_nothing(
    debater_now, debate, django_assert_num_queries
):
    from debate.activity.selectors import header_counts

    proposed(debate, 2)
    with django_assert_num_queries(1):
        counts = header_counts(debater_now)
    assert (counts.unread, bool(counts.review), counts.review.total) == (0, False, 0)
