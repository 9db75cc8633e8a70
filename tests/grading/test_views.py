"""The grading screens through the test client: moderators only, full page and htmx
fragment, 422 with the form's errors, the closed phase, and query counts that do not grow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from debate.debates.models import Phase, Role
from debate.grading.models import Feedback, Grade
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    EvidenceFactory,
    MembershipFactory,
    UserFactory,
    VoteFactory,
)
from tests.helpers import client_as

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def index_url(debate) -> str:
    return reverse("debate-grading", args=[debate.slug])


def person_url(debate, user) -> str:
    return reverse("debate-grading-person", args=[debate.slug, user.pk])


@pytest.mark.parametrize("who", ["debater", "rival", "observer", "outsider", "anonymous"])
def test_only_moderators_see_the_grading_pages(world, graded, who):
    client = client_as(world.users[who])
    assert client.get(index_url(graded)).status_code == 404
    assert client.get(person_url(graded, world.debater_now)).status_code == 404


@pytest.mark.parametrize("who", ["debater", "rival", "observer", "outsider", "anonymous"])
def test_others_cannot_post_grades_feedback_or_a_release(world, graded, claim_now, who):
    client = client_as(world.users[who])
    debate, user = graded, world.debater_now
    posts = [
        (reverse("debate-grading-grade", args=[debate.slug, user.pk]), {"value": "F"}),
        (reverse("debate-grading-feedback", args=[debate.slug, user.pk, claim_now.pk]),
         {"text": "x", "audience": "author"}),
        (reverse("debate-grading-release", args=[debate.slug]),
         {"scope": "grades", "confirm": "on"}),
        (reverse("debate-grading-scale", args=[debate.slug]), {"kind": "points"}),
    ]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404)
    assert Grade.objects.get(user=user).value == "A"
    assert not Grade.objects.filter(released_at__isnull=False).exists()


def test_the_index_lists_debaters_first_with_their_status(world, graded, moderator):
    page = client_as(moderator).get(index_url(graded)).content.decode()
    assert page.index("debater-after") < page.index("debater-now") < page.index(">observer<")
    assert "<strong>A</strong>" in page and "not yet" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_person_page_shows_their_work_and_steps_through(world, graded, moderator,
                                                            claim_now, source):  # fmt: skip
    debater = world.debater_now
    EvidenceFactory(debate=graded, source=source, proposer=debater)
    CitationFactory(claim=claim_now, created_by=debater)
    VoteFactory(user=debater, claim=ClaimFactory(debate=graded, position=claim_now.position),
                value=4)  # fmt: skip
    page = client_as(moderator).get(person_url(graded, debater)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "עברית 🎓" in page
    assert "Evidence proposed (1)" in page and "Citations (1)" in page and "Votes cast (1)" in page
    assert "rated 4" in page
    assert 'rel="prev"' in page and 'rel="next"' in page  # debater-after, then observer
    assert "Private note for now-author" in page and "not released" in page


@pytest.mark.parametrize("who", ["moderator", "outsider"])
def test_a_person_not_graded_here_is_a_404(world, graded, moderator, who):
    response = client_as(moderator).get(person_url(graded, world.users[who]))
    assert response.status_code == 404


def test_posting_a_grade_without_htmx_redirects_back(world, graded, moderator):
    url = reverse("debate-grading-grade", args=[graded.slug, world.debater_now.pk])
    response = client_as(moderator).post(url, {"value": "B", "comment": "Better ✓"})
    assert response.status_code == 302 and response["Location"].endswith("#grade-form")
    assert Grade.objects.get(user=world.debater_now).value == "B"


def test_posting_a_grade_with_htmx_returns_the_grade_fragment(world, graded, moderator):
    url = reverse("debate-grading-grade", args=[graded.slug, world.debater_now.pk])
    response = client_as(moderator).post(url, {"value": "B", "comment": ""}, **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="panel grading-grade" id="grade-form"')
    assert "The grade is saved" in body and "<html" not in body


@pytest.mark.parametrize("hx", [{}, HX])
def test_a_grade_off_the_scale_is_a_422_with_the_error(world, graded, moderator, hx):
    url = reverse("debate-grading-grade", args=[graded.slug, world.debater_now.pk])
    response = client_as(moderator).post(url, {"value": "Z<b>", "comment": "kept draft"}, **hx)
    assert response.status_code == 422
    body = response.content.decode()
    assert "A grade on this debate&#x27;s scale" in body and "kept draft" in body
    assert Grade.objects.get(user=world.debater_now).value == "A"


def test_grading_works_after_the_debate_closed(world, graded, moderator, claim_now):
    graded.phase = Phase.CLOSED
    graded.save()
    client = client_as(moderator)
    url = reverse("debate-grading-grade", args=[graded.slug, world.debater_now.pk])
    assert client.post(url, {"value": "B", "comment": ""}).status_code == 302
    url = reverse("debate-grading-feedback", args=[graded.slug, world.debater_now.pk, claim_now.pk])
    assert client.post(url, {"text": "late note", "audience": "author"}).status_code == 302
    url = reverse("debate-grading-release", args=[graded.slug])
    assert client.post(url, {"scope": "grades", "confirm": "on"}).status_code == 302
    assert Grade.objects.get(user=world.debater_now).released_at is not None


def test_feedback_with_htmx_returns_that_claims_fragment(world, graded, moderator, claim_now):
    url = reverse("debate-grading-feedback", args=[graded.slug, world.debater_now.pk, claim_now.pk])
    response = client_as(moderator).post(url, {"text": "<i>nice</i>", "audience": "everyone"},
                                         **HX)  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(
        f'<div class="grading-feedback" id="claim-feedback-{claim_now.pk}"'
    )
    assert "&lt;i&gt;nice&lt;/i&gt;" in body


def test_empty_feedback_is_a_422(world, graded, moderator, claim_now):
    url = reverse("debate-grading-feedback", args=[graded.slug, world.debater_now.pk, claim_now.pk])
    response = client_as(moderator).post(url, {"text": "", "audience": "author"}, **HX)
    assert response.status_code == 422 and "Write the feedback first." in response.content.decode()


def test_feedback_on_someone_elses_claim_through_their_page_is_a_404(
    world, graded, moderator, claim_after
):
    url = reverse("debate-grading-feedback",
                  args=[graded.slug, world.debater_now.pk, claim_after.pk])  # fmt: skip
    assert client_as(moderator).post(url, {"text": "x", "audience": "author"}).status_code == 404


def test_removing_feedback_hides_it_from_the_page(world, graded, moderator, claim_now):
    feedback = Feedback.objects.get(claim=claim_now)
    url = reverse("debate-grading-feedback-remove", args=[graded.slug, feedback.pk])
    body = client_as(moderator).post(url, **HX).content.decode()
    assert "Private note for now-author" not in body
    assert Feedback.objects.get(pk=feedback.pk).is_hidden


def test_release_needs_the_confirmation(world, graded, moderator):
    url = reverse("debate-grading-release", args=[graded.slug])
    response = client_as(moderator).post(url, {"scope": "grades"}, **HX)
    assert response.status_code == 422 and "Tick the box" in response.content.decode()
    assert not Grade.objects.filter(released_at__isnull=False).exists()


def test_release_with_htmx_says_what_was_released(world, graded, moderator):
    url = reverse("debate-grading-release", args=[graded.slug])
    response = client_as(moderator).post(url, {"scope": ["grades", "feedback_everyone"],
                                               "confirm": "on"}, **HX)  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200 and 'id="grading-release"' in body
    assert "2 students notified" in body


def test_the_scale_form_switches_to_points(world, debate, moderator):
    url = reverse("debate-grading-scale", args=[debate.slug])
    response = client_as(moderator).post(url, {"kind": "points", "max_points": "20"}, **HX)
    assert response.status_code == 200 and "0–20 points" in response.content.decode()
    response = client_as(moderator).post(url, {"kind": "points", "max_points": "²"}, **HX)
    assert response.status_code == 422


def _grow(debate, position, team, n: int) -> None:
    """n more debaters, each with a claim, feedback, a grade and a vote."""
    for _ in range(n):
        user = UserFactory()
        MembershipFactory(user=user, debate=debate, role=Role.DEBATER, team=team)
        claim = ClaimFactory(debate=debate, position=position, author=user, team=team)
        Grade.objects.create(debate=debate, user=user, value="B", updated_by=user)
        Feedback.objects.create(debate=debate, claim=claim, author=user, student=user, text="f")
        VoteFactory(user=user, claim=claim)


@pytest.mark.parametrize("page", ["index", "person"])
def test_the_grading_pages_cost_the_same_queries_at_two_sizes(
    world,
    graded,
    moderator,
    position_now,
    team_now,
    django_assert_num_queries,
    django_assert_max_num_queries,
    page,
):
    client = client_as(moderator)
    url = index_url(graded) if page == "index" else person_url(graded, world.debater_now)
    client.get(url)
    with django_assert_max_num_queries(100) as small:
        client.get(url)
    expected = len(small.captured_queries)  # read now: the next request clears the log
    _grow(graded, position_now, team_now, 5)
    client.get(url)  # the person page builds the new version's map once (for strengths)
    with django_assert_num_queries(expected):
        client.get(url)


def _grow_work(debate, person, position, team, source, n: int) -> None:
    """n more of the person's own rows on their page: claims (with feedback by a moderator),
    evidence proposals, citations and votes, each drawn with a related row."""
    for _ in range(n):
        claim = ClaimFactory(debate=debate, position=position, author=person, team=team)
        Feedback.objects.create(debate=debate, claim=claim, author=person, student=person,
                                text="f")  # fmt: skip
        EvidenceFactory(debate=debate, source=source, proposer=person)
        CitationFactory(claim=claim, created_by=person)
        VoteFactory(user=person, claim=ClaimFactory(debate=debate, position=position))


def test_the_person_page_costs_the_same_queries_however_much_they_wrote(
    world, graded, moderator, position_now, team_now, source, django_assert_num_queries,
    django_assert_max_num_queries,
):  # fmt: skip
    client = client_as(moderator)
    url = person_url(graded, world.debater_now)
    client.get(url)
    with django_assert_max_num_queries(100) as small:
        client.get(url)
    expected = len(small.captured_queries)
    _grow_work(graded, world.debater_now, position_now, team_now, source, 6)
    client.get(url)  # the new version's map, once
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.content.decode().count('class="feedback-note"') >= 7


def test_the_debate_page_links_moderators_to_grading(world, graded, moderator):
    page = client_as(moderator).get(reverse("debate", args=[graded.slug])).content.decode()
    assert f'href="{index_url(graded)}">Grading</a>' in page
    other = client_as(world.debater_now).get(reverse("debate", args=[graded.slug]))
    assert index_url(graded) not in other.content.decode()


def test_the_audit_trail_tells_each_grading_event_as_a_sentence(world, graded, moderator):
    from debate.grading import services

    services.release(actor=moderator, debate=graded, scopes=["grades"])
    page = client_as(moderator).get(reverse("audit", args=[graded.slug])).content.decode()
    assert "graded <bdi>debater-now</bdi>: <bdi>A</bdi>" in page and "left feedback on" in page
    assert "released the grades and feedback" in page
