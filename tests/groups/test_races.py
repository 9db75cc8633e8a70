"""A split submitted twice at once (a double click, two tabs) makes one set of groups."""

from __future__ import annotations

import pytest
from django.urls import reverse

from debate.debates.models import Debate, Membership, Role
from tests.concurrency import interleaved, needs_postgresql
from tests.helpers import client_as

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_double_submitted_split_makes_one_set_of_groups(world):
    needs_postgresql()
    url = reverse("debate-groups-split", args=[world.debate.slug])
    answers = []

    def submit():
        answers.append(client_as(world.moderator).post(url, {"count": "3", "assignment": "team"}))

    with interleaved(submit, submit) as writers:
        assert writers.a_is_open()  # B waits behind A's lock on the parent debate
    assert sorted(a.status_code for a in answers) == [302, 422]
    refused = next(a for a in answers if a.status_code == 422)
    assert "split into groups already" in refused.content.decode()
    groups = Debate.objects.filter(group_of=world.debate)
    assert sorted(groups.values_list("group_number", flat=True)) == [1, 2, 3]
    assert Membership.objects.filter(debate__in=groups).exclude(role=Role.MODERATOR).count() == 3
