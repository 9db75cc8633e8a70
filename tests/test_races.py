"""Bursts of the same write at once, on real connections: each request gets the answer it
would get alone (the existing row, or a clean InvalidInput), never an IntegrityError, and no
duplicate row exists afterwards.

Each burst starts its threads at one barrier, so that they pass their "does it exist yet?"
checks together; before, one of them then hit the unique constraint as a 500.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from debate.arguments.models import Claim
from debate.arguments.services import POSTED_ALREADY, claim_create
from debate.debates.models import Debate, Membership, PollResponse, Position, Role, Team
from debate.debates.services import (
    SLUG_TAKEN,
    debate_create,
    membership_join_team,
    membership_observe,
    poll_answer,
    position_create,
    team_create,
)
from debate.errors import InvalidInput
from tests.concurrency import WAIT, needs_postgresql
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def burst(n: int, write: Callable[[int], object]) -> list[object]:
    """Run `write(i)` for i < n on n threads (each its own connection), started together;
    the results, an exception standing for a refusal."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(WAIT)
            results[i] = write(i)
        except Exception as exc:  # noqa: BLE001 - the test asserts what each one was
            results[i] = exc
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    return results


def fresh(debate: Debate) -> Debate:
    """The debate as each request loads it, on its own connection."""
    return Debate.objects.get(pk=debate.pk)


def refusals(results: list[object]) -> list[Exception]:
    return [r for r in results if isinstance(r, Exception)]


def test_ten_joins_with_one_code_at_once_give_one_membership(debate, team_now):
    needs_postgresql()
    student = UserFactory()

    code = team_now.invite_code
    results = burst(10, lambda _: membership_join_team(actor=student, invite_code=code))

    assert refusals(results) == []
    [membership] = Membership.objects.filter(user=student, debate=debate)
    assert (membership.role, membership.team_id) == (Role.DEBATER, team_now.pk)
    assert {r.pk for r in results} == {membership.pk}  # each answer is the one membership


def test_observing_twice_at_once_gives_one_membership(debate):
    needs_postgresql()
    debate.allow_observers = True
    debate.save(update_fields=["allow_observers"])
    visitor = UserFactory()

    results = burst(6, lambda _: membership_observe(actor=visitor, debate=fresh(debate)))

    assert refusals(results) == []
    assert Membership.objects.filter(user=visitor, debate=debate).count() == 1


def test_eight_new_debates_with_one_title_make_one_and_refuse_the_rest(moderator):
    needs_postgresql()
    moderator.is_staff = True
    moderator.save(update_fields=["is_staff"])

    results = burst(8, lambda _: debate_create(actor=moderator, title="Same title",
                                               motion="Should it?"))  # fmt: skip

    refused = refusals(results)
    assert len(refused) == 7
    assert all(isinstance(r, InvalidInput) and r.message == SLUG_TAKEN for r in refused), refused
    assert Debate.objects.filter(slug="same-title").count() == 1


def test_eight_teams_with_one_name_make_one_and_refuse_the_rest(debate, moderator):
    needs_postgresql()

    results = burst(8, lambda _: team_create(actor=moderator, debate=fresh(debate), name="Late"))

    refused = refusals(results)
    assert len(refused) == 7
    assert all(isinstance(r, InvalidInput) and r.field == "name" for r in refused), refused
    assert Team.objects.filter(debate=debate, name="Late").count() == 1


def test_positions_with_one_key_at_once_make_one_and_refuse_the_rest(debate, moderator):
    needs_postgresql()
    debate.phase = "setup"
    debate.save(update_fields=["phase"])

    results = burst(6, lambda _: position_create(
        actor=moderator, debate=fresh(debate), key="third", title="A third way",
    ))  # fmt: skip

    refused = refusals(results)
    assert len(refused) == 5
    assert all(isinstance(r, InvalidInput) and r.field == "key" for r in refused), refused
    assert Position.objects.filter(debate=debate, key="third").count() == 1


def test_one_persons_poll_answers_at_once_leave_one_answer(debate, observer, position_now):
    needs_postgresql()
    debate.phase = "voting"
    debate.save(update_fields=["phase"])

    results = burst(6, lambda _: poll_answer(
        actor=observer, debate=fresh(debate), poll="after", position=position_now,
    ))  # fmt: skip

    assert refusals(results) == []
    assert PollResponse.objects.filter(debate=debate, user=observer).count() == 1


def test_one_persons_same_claim_posted_three_times_at_once_is_one_claim(
    debate, position_now, debater_now
):
    needs_postgresql()

    results = burst(3, lambda _: claim_create(
        actor=debater_now, debate=fresh(debate), position=position_now,
        text="Posted twice by a double click", stance="pro",
    ))  # fmt: skip

    refused = refusals(results)
    made = Claim.objects.filter(debate=debate, text="Posted twice by a double click")
    assert made.count() == 1
    assert len(refused) == 2
    assert all(isinstance(r, InvalidInput) and r.field == "text"
               and r.message == POSTED_ALREADY.format(id=made.get().pk) for r in refused), refused


def test_the_same_words_elsewhere_or_by_someone_else_are_new_claims(
    debate, position_now, debater_now, team_now
):
    first = claim_create(actor=debater_now, debate=debate, position=position_now,
                         text="Said twice", stance="pro")  # fmt: skip
    other = UserFactory()
    Membership.objects.create(debate=debate, user=other, role=Role.DEBATER, team=team_now)

    claim_create(actor=debater_now, debate=debate, position=position_now, text="Said twice",
                 stance="con")  # the other side  # fmt: skip
    claim_create(actor=debater_now, debate=debate, position=position_now, text="Said twice",
                 stance="pro", parent=first)  # a reply to it  # fmt: skip
    claim_create(actor=other, debate=debate, position=position_now, text="Said twice",
                 stance="pro")  # fmt: skip

    assert Claim.objects.filter(debate=debate, text="Said twice").count() == 4
