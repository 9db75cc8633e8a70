"""Anonymous mode costs at most one query more on any read of test_query_counts.py (the
pseudonyms, read once per map build), and none in ordinary debates (whose counts that file
asserts exactly).

The claim page is left out here: its comments thread (debate/comments, another part of the
app) reads the names policy on its own, beside the map; what the map adds there is the
same one query as on the debate page."""

from __future__ import annotations

import pytest

from debate.debates.services import debate_anonymity_set
from tests.mapview.test_query_counts import EXPECTED, debate_of_size, measure_all
from tests.mapview.test_query_counts import world as world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_an_anonymous_debate_costs_at_most_one_query_more(world):
    debate_anonymity_set(actor=world.moderator, debate=world.debate, anonymous=True)
    world.debate.refresh_from_db()
    made = debate_of_size(world, 100)

    measured = measure_all(world, made)

    counts = {name: (len(cold), len(warm)) for name, (cold, warm) in measured.items()}
    over = {
        name: (counts[name], EXPECTED[name]) for name in EXPECTED
        if not name.startswith("claim page")
        and (counts[name][0] > EXPECTED[name][0] + 1 or counts[name][1] > EXPECTED[name][1] + 1)
    }  # fmt: skip
    assert over == {}
