"""GET /api/v1/debates/<slug>/grades/: moderators everything, a participant their own once
released, anyone else 403 (404 where the debate is hidden); a fixed number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from debate.grading import services
from tests.grading.test_views import _grow

pytestmark = pytest.mark.django_db


def _get(user, debate):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.get(reverse("api:grades", args=[debate.slug]))


def test_moderators_read_every_grade_released_or_not(world, graded, moderator):
    rows = {r["username"]: r for r in _get(moderator, graded).json()}
    assert rows["debater-now"]["value"] == "A" and rows["debater-now"]["released_at"] is None
    assert rows["debater-after"]["feedback"][0]["audience"] == "everyone"
    assert rows["observer"]["value"] == ""


def test_a_student_reads_only_their_own_grade_and_only_once_released(world, graded, moderator):
    assert _get(world.debater_now, graded).json() == []
    services.release(actor=moderator, debate=graded, scopes=["grades"])
    rows = _get(world.debater_now, graded).json()
    assert [r["username"] for r in rows] == ["debater-now"]
    assert rows[0]["value"] == "A"
    assert [f["text"] for f in rows[0]["feedback"]] == ["Private note for now-author"]
    assert "Needs evidence." not in _get(world.debater_now, graded).content.decode()


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_people_outside_the_debate_are_refused(world, graded, moderator, who):
    services.release(actor=moderator, debate=graded, scopes=["grades"])
    response = _get(world.users[who], graded)
    assert response.status_code in (401, 403)
    assert "Clear and well sourced" not in response.content.decode()


def test_a_private_debate_is_a_404_to_outsiders(world, graded):
    graded.is_public = False
    graded.save()
    assert _get(world.outsider, graded).status_code == 404


def test_the_list_costs_the_same_queries_at_two_sizes(
    world, graded, moderator, position_now, team_now, django_assert_num_queries,
    django_assert_max_num_queries,
):  # fmt: skip
    _get(moderator, graded)
    with django_assert_max_num_queries(100) as small:
        _get(moderator, graded)
    expected = len(small.captured_queries)
    _grow(graded, position_now, team_now, 5)
    with django_assert_num_queries(expected):
        assert len(_get(moderator, graded).json()) == 8
