"""The roster page: moderators only, sortable and filterable by a validated query, with
role, team and removal forms (htmx fragment or full page) and the tasks form."""

from __future__ import annotations

import pytest

from debate.arguments.models import Claim
from debate.debates.models import Membership, Phase, Role
from debate.people.models import Targets
from tests.factories import ClaimFactory, MembershipFactory, UserFactory
from tests.helpers import client_as

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(debate, tail: str = "") -> str:
    return f"/d/{debate.slug}/people/{tail}"


def test_moderators_see_everyone_with_their_counts(debate, moderator, debater_now, observer,
                                                    position_now):  # fmt: skip
    ClaimFactory(debate=debate, position=position_now, author=debater_now)
    response = client_as(moderator).get(_url(debate))
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("debater-now", "observer", "moderator"):
        assert name in page
    assert 'aria-label="Participants (scrolls sideways)"' in page
    assert "participation.csv" in page


@pytest.mark.parametrize("who", ["debater_now", "observer", "outsider", None])
def test_others_get_404_as_on_the_other_moderator_pages(request, debate, moderator, who):
    user = request.getfixturevalue(who) if who else None
    assert client_as(user).get(_url(debate)).status_code == 404


def test_the_debate_page_links_the_roster_for_moderators_only(debate, moderator, debater_now):
    assert _url(debate) in client_as(moderator).get(f"/d/{debate.slug}/").content.decode()
    assert _url(debate) not in client_as(debater_now).get(f"/d/{debate.slug}/").content.decode()


def test_sorting_by_claims_descending_puts_the_busiest_first(
    debate, moderator, debater_now, debater_after, position_now
):
    for _ in range(3):
        ClaimFactory(debate=debate, position=position_now, author=debater_after)
    page = client_as(moderator).get(_url(debate) + "?sort=-claims").content.decode()
    assert page.index("debater-after") < page.index("debater-now")
    assert 'aria-sort="descending"' in page


@pytest.mark.parametrize("query", ["sort=shoe-size", "team=abc", "team=²", "silent=maybe",
                                   "sort=" + "x" * 5000])  # fmt: skip
def test_bad_queries_are_400(debate, moderator, query):
    response = client_as(moderator).get(_url(debate) + "?" + query)
    assert response.status_code == 400
    assert "x" * 100 not in response.content.decode()


def test_filters_by_team_and_by_not_posted_yet(debate, moderator, debater_now, debater_after,
                                                team_now, position_now):  # fmt: skip
    ClaimFactory(debate=debate, position=position_now, author=debater_after)
    page = client_as(moderator).get(_url(debate) + f"?team={team_now.pk}").content.decode()
    assert "debater-now" in page and "debater-after" not in page
    page = client_as(moderator).get(_url(debate) + "?silent=1").content.decode()
    assert "debater-now" in page and ">debater-after<" not in page


def test_htmx_role_change_returns_the_table(debate, moderator, debater_now, team_after):
    membership = Membership.objects.get(user=debater_now)
    response = client_as(moderator).post(
        _url(debate, f"{membership.pk}/change/"), {"role": "debater", "team": team_after.pk}, **HTMX
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="roster-table">')
    assert Membership.objects.get(user=debater_now).team == team_after


def test_full_page_role_change_redirects_back(debate, moderator, observer):
    membership = Membership.objects.get(user=observer)
    response = client_as(moderator).post(_url(debate, f"{membership.pk}/change/"),
                                         {"role": "moderator"})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == _url(debate)
    assert Membership.objects.get(user=observer).role == Role.MODERATOR


def test_a_refused_change_says_why_next_to_the_member(debate, moderator):
    membership = Membership.objects.get(user=moderator)
    response = client_as(moderator).post(_url(debate, f"{membership.pk}/change/"),
                                         {"role": "observer"}, **HTMX)  # fmt: skip
    assert response.status_code == 422
    assert "last moderator" in response.content.decode()


def test_a_team_of_another_debate_is_refused(debate, moderator, observer):
    other = MembershipFactory(role=Role.DEBATER).team
    membership = Membership.objects.get(user=observer)
    response = client_as(moderator).post(_url(debate, f"{membership.pk}/change/"),
                                         {"role": "debater", "team": other.pk})  # fmt: skip
    assert response.status_code == 422
    assert Membership.objects.get(user=observer).role == Role.OBSERVER


def test_removing_needs_the_confirmation_box(debate, moderator, debater_now):
    membership = Membership.objects.get(user=debater_now)
    response = client_as(moderator).post(_url(debate, f"{membership.pk}/remove/"), {"reason": "x"})
    assert response.status_code == 422
    assert Membership.objects.filter(user=debater_now).exists()


def test_removing_moves_the_member_to_the_removed_table(debate, moderator, debater_now,
                                                         position_now):  # fmt: skip
    claim = ClaimFactory(debate=debate, position=position_now, author=debater_now)
    membership = Membership.objects.get(user=debater_now)
    response = client_as(moderator).post(_url(debate, f"{membership.pk}/remove/"),
                                         {"reason": "<script>alert(1)</script>", "confirm": "1"},
                                         **HTMX)  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "Removed (1)" in page and "<script>alert" not in page
    assert Claim.objects.get(pk=claim.pk).author == debater_now
    # An ended membership has no forms: posting to it again is a 404.
    again = client_as(moderator).post(_url(debate, f"{membership.pk}/remove/"), {"confirm": "1"})
    assert again.status_code == 404


@pytest.mark.parametrize("who", ["debater_now", "observer", "outsider"])
def test_non_moderators_cannot_change_remove_or_set_tasks(request, debate, moderator, who):
    client = client_as(request.getfixturevalue(who))
    membership = Membership.objects.get(user=moderator)
    assert (
        client.post(_url(debate, f"{membership.pk}/change/"), {"role": "observer"}).status_code
        == 404
    )
    assert (
        client.post(_url(debate, f"{membership.pk}/remove/"), {"confirm": "1"}).status_code == 404
    )
    assert client.post(_url(debate, "tasks/"), {"min_claims": "3"}).status_code == 404
    assert Membership.objects.get(user=moderator).role == Role.MODERATOR
    assert not Targets.objects.exists()


def test_the_closed_phase_refuses_every_roster_write(debate, moderator, debater_now):
    debate.phase = Phase.CLOSED
    debate.save()
    client = client_as(moderator)
    membership = Membership.objects.get(user=debater_now)
    assert (
        client.post(_url(debate, f"{membership.pk}/remove/"), {"confirm": "1"}).status_code == 403
    )
    assert (
        client.post(_url(debate, f"{membership.pk}/change/"), {"role": "observer"}).status_code
        == 403
    )
    assert client.post(_url(debate, "tasks/"), {"min_claims": "3"}).status_code == 403
    page = client.get(_url(debate)).content.decode()
    assert "roster-manage" not in page and "Save tasks" not in page  # read-only
    assert Membership.objects.filter(user=debater_now).exists()


def test_moderators_set_tasks_and_members_see_their_progress(debate, moderator, debater_now,
                                                             position_now):  # fmt: skip
    response = client_as(moderator).post(_url(debate, "tasks/"),
                                         {"min_claims": "2", "min_votes": "0"})  # fmt: skip
    assert response.status_code == 302
    assert Targets.objects.get(debate=debate).min_claims == 2
    ClaimFactory(debate=debate, position=position_now, author=debater_now)
    page = client_as(debater_now).get(f"/d/{debate.slug}/").content.decode()
    assert "Your tasks: 0 of 1 done" in page and "1 of 2 claims" in page
    assert "Your tasks" not in client_as(moderator).get(f"/d/{debate.slug}/").content.decode()


def test_a_target_of_one_reads_in_the_singular(debate, moderator, debater_now):
    client_as(moderator).post(_url(debate, "tasks/"), {"min_claims": "1", "min_votes": "3",
                                                       "min_approved_evidence": "1"})  # fmt: skip
    page = client_as(debater_now).get(f"/d/{debate.slug}/").content.decode()
    assert "0 of 1 claim<" in page and "0 of 3 votes" in page
    assert "0 of 1 approved piece of evidence<" in page and "1 claims" not in page


@pytest.mark.parametrize("value", ["-1", "1000", "٣", "abc"])
def test_bad_task_values_are_refused_with_the_form(debate, moderator, value):
    response = client_as(moderator).post(_url(debate, "tasks/"), {"min_claims": value})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Targets.objects.exists()


def test_hostile_names_are_escaped_on_the_roster(debate, moderator):
    user = UserFactory(username="<img src=x onerror=alert(1)>‮")
    MembershipFactory(debate=debate, user=user, role=Role.OBSERVER)
    page = client_as(moderator).get(_url(debate)).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_the_roster_costs_the_same_queries_for_3_or_30_people(
    debate, moderator, position_now, django_assert_max_num_queries
):
    def crowd(size):
        for _ in range(size):
            user = MembershipFactory(debate=debate, role=Role.OBSERVER).user
            ClaimFactory(debate=debate, position=position_now, author=user)

    client = client_as(moderator)
    crowd(3)
    client.get(_url(debate))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(_url(debate))
    crowd(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url(debate))
