"""Nobody but the student and moderators ever sees a grade: every role, on every page where
grades or feedback appear (the debate page, the claim's thread, the activity page, the API's
events feed), before and after each release."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from debate.grading import services
from tests.helpers import client_as

pytestmark = pytest.mark.django_db

ROLES = ["debater", "rival", "observer", "outsider", "anonymous"]
SECRETS = ["Clear and well sourced", "Needs evidence.", "Private note for now-author",
           "Public note on after claim"]  # fmt: skip


def _page(world, who: str, url: str) -> str:
    response = client_as(world.users[who]).get(url)
    assert response.status_code == 200
    return response.content.decode()


def _pages(world, debate, claim_now, claim_after) -> list[str]:
    return [
        reverse("debate", args=[debate.slug]),
        reverse("claim", args=[debate.slug, claim_now.pk]),
        reverse("claim", args=[debate.slug, claim_after.pk]),
    ]


@pytest.mark.parametrize("who", ROLES)
def test_before_release_no_one_but_moderators_sees_anything(world, graded, claim_now,
                                                            claim_after, who):  # fmt: skip
    for url in _pages(world, graded, claim_now, claim_after):
        page = _page(world, who, url)
        assert 'id="my-grade"' not in page
        assert not [secret for secret in SECRETS if secret in page]


def test_after_release_each_student_sees_only_their_own_grade(world, graded, moderator,
                                                              claim_now, claim_after):  # fmt: skip
    services.release(actor=moderator, debate=graded, scopes=["grades"])
    mine = _page(world, "debater", reverse("debate", args=[graded.slug]))
    assert 'id="my-grade"' in mine and "Grade: <strong>A</strong>" in mine
    assert "Clear and well sourced &lt;b&gt;bold&lt;/b&gt;." in mine
    assert "Private note for now-author" in mine
    assert "Needs evidence." not in mine and "Public note on after claim" not in mine
    rival = _page(world, "rival", reverse("debate", args=[graded.slug]))
    assert "Grade: <strong>C</strong>" in rival and "Public note on after claim" in rival
    assert "Clear and well sourced" not in rival and "Private note" not in rival
    for who in ("observer", "outsider", "anonymous"):
        for url in _pages(world, graded, claim_now, claim_after):
            page = _page(world, who, url)
            assert 'id="my-grade"' not in page
            assert not [secret for secret in SECRETS if secret in page], (who, url)


def test_the_author_sees_released_feedback_on_their_claim_thread(world, graded, moderator,
                                                                 claim_now):  # fmt: skip
    url = reverse("claim", args=[graded.slug, claim_now.pk])
    assert "Private note for now-author" not in _page(world, "debater", url)
    services.release(actor=moderator, debate=graded, scopes=["grades"])
    assert "Private note for now-author" in _page(world, "debater", url)
    assert "Private note for now-author" not in _page(world, "rival", url)


@pytest.mark.parametrize("who", ROLES)
def test_feedback_released_to_everyone_shows_on_the_claim_thread(world, graded, moderator,
                                                                 claim_after, who):  # fmt: skip
    services.release(actor=moderator, debate=graded, scopes=["feedback_everyone"])
    page = _page(world, who, reverse("claim", args=[graded.slug, claim_after.pk]))
    assert "Public note on after claim" in page
    assert "Needs evidence." not in page  # the grade stays unreleased
    assert 'id="my-grade"' not in _page(world, who, reverse("debate", args=[graded.slug])) or (
        who == "rival"
    )


def test_moderators_see_unreleased_feedback_on_the_thread_marked(world, graded, claim_now):
    page = _page(world, "moderator", reverse("claim", args=[graded.slug, claim_now.pk]))
    assert "Private note for now-author" in page and "not released" in page


def test_feedback_on_a_hidden_claim_stays_hidden_from_readers(world, graded, moderator,
                                                              claim_after):  # fmt: skip
    services.release(actor=moderator, debate=graded, scopes=["feedback_everyone"])
    claim_after.is_hidden = True
    claim_after.save()
    from debate.audit.services import debate_version_bump

    debate_version_bump(graded.pk)
    response = client_as(world.users["observer"]).get(
        reverse("claim", args=[graded.slug, claim_after.pk])
    )
    assert "Public note on after claim" not in response.content.decode()


@pytest.mark.parametrize("who", ROLES)
def test_the_activity_page_shows_only_ones_own_release_notice(world, graded, moderator, who):
    services.release(actor=moderator, debate=graded, scopes=["grades"])
    user = world.users[who]
    response = client_as(user).get(reverse("activity"))
    if user is None:
        assert response.status_code == 302  # to the login page
        return
    page = response.content.decode()
    released = "grade or feedback in" in page
    assert released == (who in ("debater", "rival"))
    assert not [secret for secret in SECRETS if secret in page]
    assert "Grade: " not in page


@pytest.mark.parametrize("who", ROLES)
def test_the_events_feed_never_carries_a_grade(world, graded, moderator, who):
    services.release(actor=moderator, debate=graded, scopes=["grades", "feedback_everyone"])
    client = APIClient()
    if world.users[who] is not None:
        client.force_authenticate(world.users[who])
    response = client.get(reverse("api:events", args=[graded.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert not [secret for secret in SECRETS if secret in body]
    assert '"value":"A"' not in body.replace(" ", "")
    rows = [r for r in response.json()["results"] if r["object_type"].startswith("grading.")]
    assert rows and all(r["actor"] is None and r["after"] is None for r in rows)


def test_moderators_see_grading_events_in_full(world, graded, moderator):
    client = APIClient()
    client.force_authenticate(moderator)
    rows = client.get(reverse("api:events", args=[graded.slug])).json()["results"]
    assert any(r["action"] == "grade.set" and r["after"]["value"] == "A" for r in rows)


def test_the_debate_page_cost_for_a_student_does_not_grow_with_feedback(
    world, graded, moderator, claim_now, django_assert_num_queries, django_assert_max_num_queries
):
    services.release(actor=moderator, debate=graded, scopes=["grades"])
    client = client_as(world.debater_now)
    url = reverse("debate", args=[graded.slug])
    client.get(url)
    with django_assert_max_num_queries(100) as small:
        client.get(url)
    expected = len(small.captured_queries)  # now: the next request clears the log
    for n in range(5):
        services.feedback_set(actor=moderator, claim=claim_now, text=f"more {n}", audience="author")
    services.release(actor=moderator, debate=graded, scopes=["grades"])
    client.get(url)  # the map is rebuilt once for the new version
    with django_assert_num_queries(expected):
        page = client.get(url).content.decode()
    assert "more 4" in page
