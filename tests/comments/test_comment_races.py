"""A double submit that arrives at once, on two connections: the second waits behind the
first's lock on the debate row, then finds its comment and writes nothing."""

from __future__ import annotations

import pytest

from debate.comments import services
from debate.comments.models import Comment, Mention
from tests.concurrency import interleaved, needs_postgresql
from tests.factories import ClaimFactory


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_submit_saves_one_comment_and_one_mention(world):
    needs_postgresql()
    claim = ClaimFactory(debate=world.debate, position=world.position_now,
                         author=world.debater_now, team=world.team_now)  # fmt: skip

    def send():
        services.comment_add(actor=world.debater_after, claim=claim, kind="question",
                             text="Which source, @observer?")  # fmt: skip

    with interleaved(send, send) as run:
        assert run.a_is_open()

    assert Comment.objects.count() == 1 and Mention.objects.count() == 1
