"""The pages and the API: the split form, the overview, and that a group's claims stay in
their group."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from debate.arguments.services import claim_create
from debate.debates.models import Debate, Membership, Phase, Role
from debate.groups.services import debate_split
from tests.factories import MembershipFactory, VoteFactory
from tests.helpers import client_as, rows_of

SECRET = "Zebrafinch argument only group one makes"


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def groups(seminar):
    return debate_split(actor=seminar.moderator, debate=seminar.debate, count=3)


def _claim_in_group_one(world, groups):
    group = groups[0]
    author = Membership.objects.filter(debate=group, role=Role.DEBATER).first().user
    position = group.positions.get(key="now")
    return claim_create(actor=author, debate=group, position=position, text=SECRET,
                        stance="pro")  # fmt: skip


def test_a_claim_in_group_one_appears_in_no_other_group(seminar, groups):
    claim = _claim_in_group_one(seminar, groups)
    moderator = client_as(seminar.moderator)
    api = api_as(seminar.moderator)
    word = SECRET.split()[0]
    for group in [*groups, seminar.debate]:
        outputs = {
            "page": moderator.get(reverse("debate", args=[group.slug])).content.decode(),
            "claims": api.get(f"/api/v1/debates/{group.slug}/claims/").content.decode(),
            "snapshot": api.get(f"/api/v1/debates/{group.slug}/snapshot/").content.decode(),
            "search": moderator.get(reverse("debate-search", args=[group.slug]),
                                    {"q": word}).content.decode(),
            "search api": api.get(f"/api/v1/debates/{group.slug}/search/",
                                  {"q": word}).content.decode(),
        }  # fmt: skip
        for name, body in outputs.items():
            # (the search page marks the word it found, so the rest of the claim is looked for)
            assert ("only group one makes" in body) == (group.pk == claim.debate_id), (
                group.slug,
                name,
            )

    overview = moderator.get(reverse("debate-groups", args=[seminar.debate.slug]))
    html = overview.content.decode()
    assert overview.status_code == 200
    for group in groups:
        assert f'href="/d/{group.slug}/"' in html
        assert f'href="/d/{group.slug}/people/"' in html
        assert f'href="/d/{group.slug}/moderate/"' in html
    body = api.get(f"/api/v1/debates/{seminar.debate.slug}/groups/").json()
    assert [(g["slug"], g["claims"]) for g in body] == [
        (groups[0].slug, 1), (groups[1].slug, 0), (groups[2].slug, 0)]  # fmt: skip
    assert [g["debaters"] + g["observers"] for g in body] == [5, 5, 4]
    assert all(len(g["standings"]) == 2 and g["strengths_shown"] for g in body)


def test_the_overview_shows_each_groups_figures(seminar, groups):
    claim = _claim_in_group_one(seminar, groups)
    voter = Membership.objects.filter(debate=groups[0], role=Role.DEBATER).last().user
    VoteFactory(claim=claim, user=voter, value=4)
    body = api_as(seminar.moderator).get(
        f"/api/v1/debates/{seminar.debate.slug}/groups/").json()  # fmt: skip
    first = body[0]
    assert (first["number"], first["phase"], first["votes"], first["evidence"]) == (
        1, "rebuttal", 1, 1)  # fmt: skip
    assert first["moderators"] == 2 and first["pending_evidence"] == 0
    assert [g["votes"] for g in body[1:]] == [0, 0]


@pytest.mark.parametrize("who", ["debater_now", "observer", "outsider"])
def test_others_get_a_404_for_the_group_pages_and_a_refusal_from_the_api(seminar, groups, who):
    user = getattr(seminar, who)
    client = client_as(user)
    slug = seminar.debate.slug
    for name in ("debate-groups", "debate-groups-split"):
        assert client.get(reverse(name, args=[slug])).status_code == 404
    before = rows_of()
    assert client.post(reverse("debate-groups-split", args=[slug]),
                       {"count": "3", "assignment": "team"}).status_code == 404  # fmt: skip
    assert client.post(reverse("debate-groups-phase", args=[slug]),
                       {"phase": "voting"}).status_code == 404  # fmt: skip
    assert rows_of() == before
    assert api_as(user).get(f"/api/v1/debates/{slug}/groups/").status_code == 403


def test_the_split_form_splits_and_redirects_to_the_overview(seminar):
    client = client_as(seminar.moderator)
    url = reverse("debate-groups-split", args=[seminar.debate.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert "Team Now" in page.content.decode() and "debater-now" in page.content.decode()
    response = client.post(url, {"count": "3", "assignment": "team"})
    assert response.status_code == 302
    assert response["Location"] == reverse("debate-groups", args=[seminar.debate.slug])
    assert Debate.objects.filter(group_of=seminar.debate).count() == 3
    parent_page = client.get(reverse("debate", args=[seminar.debate.slug])).content.decode()
    assert "This debate was split into 3 small groups" in parent_page
    assert f'href="/d/{seminar.debate.slug}-g2/"' in parent_page


def test_the_set_up_page_links_to_the_split(seminar):
    html = client_as(seminar.moderator).get(
        reverse("debate-manage", args=[seminar.debate.slug])).content.decode()  # fmt: skip
    assert reverse("debate-groups-split", args=[seminar.debate.slug]) in html


@pytest.mark.parametrize("data, field, message", [
    ({"count": "1", "assignment": "team"}, "count", "Split into 2 to 12 groups."),
    ({"count": "13", "assignment": "team"}, "count", "Split into 2 to 12 groups."),
    ({"count": "²", "assignment": "team"}, "count", "Not a whole number"),
    ({"count": "3", "assignment": "lottery"}, "assignment", "Choose “by team” or “by hand”."),
    ({"count": "2", "assignment": "hand"}, "member", "Choose a group for this member."),
])  # fmt: skip
def test_a_refused_split_shows_the_error_under_its_field_and_changes_nothing(
    seminar, data, field, message
):
    client = client_as(seminar.moderator)
    url = reverse("debate-groups-split", args=[seminar.debate.slug])
    before = rows_of()
    response = client.post(url, data)
    assert response.status_code == 422
    assert rows_of() == before
    html = response.content.decode()
    field_id = (
        "split-count"
        if field == "count"
        else ("split-assignment" if field == "assignment" else "id_member-")
    )
    assert f'id="{field_id}' in html and message in html.replace("&#x27;", "'")


def test_by_hand_through_the_form(world):
    client = client_as(world.moderator)
    url = reverse("debate-groups-split", args=[world.debate.slug])
    data = {
        "count": "2",
        "assignment": "hand",
        f"member-{world.debater_now.pk}": "2",
        f"member-{world.debater_after.pk}": "1",
        f"member-{world.observer.pk}": "2",
    }
    assert client.post(url, data).status_code == 302
    two = Debate.objects.get(group_of=world.debate, group_number=2)
    assert set(two.memberships.exclude(role=Role.MODERATOR).values_list("user__username",
               flat=True)) == {"debater-now", "observer"}  # fmt: skip


def test_phases_together_through_the_overview(seminar, groups):
    client = client_as(seminar.moderator)
    url = reverse("debate-groups-phase", args=[seminar.debate.slug])
    assert client.post(url, {"phase": "nope"}).status_code == 422
    assert client.post(url, {"phase": "voting"}).status_code == 302
    assert set(Debate.objects.filter(group_of=seminar.debate)
               .values_list("phase", flat=True)) == {Phase.VOTING}  # fmt: skip
    # one by one, from the group's own page
    response = client.post(reverse("debate-phase", args=[groups[0].slug]), {"phase": "closed"})
    assert response.status_code == 302
    assert list(Debate.objects.filter(group_of=seminar.debate).order_by("group_number")
                .values_list("phase", flat=True)) == ["closed", "voting", "voting"]  # fmt: skip
    html = client.get(reverse("debate-groups", args=[seminar.debate.slug])).content.decode()
    assert html.count("phase <strong>Voting</strong>") == 2
    assert html.count("phase <strong>Closed</strong>") == 1


def test_a_closed_debate_refuses_the_split_page_post(world):
    Debate.objects.filter(pk=world.debate.pk).update(phase=Phase.CLOSED)
    before = rows_of()
    response = client_as(world.moderator).post(
        reverse("debate-groups-split", args=[world.debate.slug]),
        {"count": "3", "assignment": "team"})  # fmt: skip
    assert response.status_code == 403 and rows_of() == before


@pytest.mark.parametrize("warm", [False, True])
def test_the_overview_query_count_grows_only_by_a_small_constant_per_group(
    world, django_assert_max_num_queries, warm
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import DebateFactory, PositionFactory, TeamFactory

    counts = {}
    for size in (3, 6):
        parent = DebateFactory(slug=f"seminar-{size}", phase=Phase.REBUTTAL)
        position = PositionFactory(debate=parent, key="now")
        PositionFactory(debate=parent, key="after")
        team = TeamFactory(debate=parent, name="Team", position=position)
        MembershipFactory(user=world.moderator, debate=parent, role=Role.MODERATOR)
        for _ in range(size * 2):
            MembershipFactory(debate=parent, role=Role.DEBATER, team=team)
        debate_split(actor=world.moderator, debate=parent, count=size)
        client = client_as(world.moderator)
        url = reverse("debate-groups", args=[parent.slug])
        if warm:
            client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[size] = len(queries)
    per_group = (counts[6] - counts[3]) / 3
    # warm: the map's version per group; cold: the map's build (9 or 10 queries) per group
    assert per_group <= (1 if warm else 10), counts
    with django_assert_max_num_queries(counts[6]):
        client.get(url)


def test_a_group_page_says_which_group_it_is(seminar, groups):
    debater = Membership.objects.filter(debate=groups[1], role=Role.DEBATER).first().user
    html = client_as(debater).get(reverse("debate", args=[groups[1].slug])).content.decode()
    assert "Small group 2" in html
    assert reverse("debate-groups", args=[seminar.debate.slug]) not in html  # moderators' link
    html = client_as(seminar.moderator).get(
        reverse("debate", args=[groups[1].slug])).content.decode()  # fmt: skip
    assert reverse("debate-groups", args=[seminar.debate.slug]) in html


def test_the_split_table_names_members_as_the_names_policy_says(world):
    Debate.objects.filter(pk=world.debate.pk).update(anonymous=True)
    html = client_as(world.moderator).get(
        reverse("debate-groups-split", args=[world.debate.slug])).content.decode()  # fmt: skip
    assert "debater-now (Participant " in html  # moderators of an anonymous debate see both


def test_the_split_page_and_the_overview_give_the_services_refusal(seminar, groups):
    """One rule (groups.services.split_refusal): the page says what the service would."""
    from debate.groups.services import A_GROUP, ALREADY_SPLIT

    moderator = client_as(seminar.moderator)
    parent = moderator.get(reverse("debate-groups-split", args=[seminar.debate.slug]))
    html = parent.content.decode()
    assert ALREADY_SPLIT in html and "See its 3 groups" in html and 'name="count"' not in html
    overview = moderator.get(reverse("debate-groups", args=[seminar.debate.slug])).content
    assert reverse("debate-groups-split", args=[seminar.debate.slug]) not in overview.decode()
    group = moderator.get(reverse("debate-groups-split", args=[groups[0].slug])).content
    assert A_GROUP in group.decode() and 'name="count"' not in group.decode()


def test_a_closed_debate_shows_why_no_split_is_offered(world):
    Debate.objects.filter(pk=world.debate.pk).update(phase=Phase.CLOSED)
    html = client_as(world.moderator).get(
        reverse("debate-groups-split", args=[world.debate.slug])).content.decode()  # fmt: skip
    assert "The debate is closed" in html and 'name="count"' not in html


def test_a_groups_page_links_the_overview_only_for_the_parents_moderators(seminar, groups):
    from debate.debates.services import membership_set
    from debate.permissions import SYSTEM
    from tests.factories import UserFactory

    group = groups[1]
    overview = reverse("debate-groups", args=[seminar.debate.slug])
    page = client_as(seminar.moderator).get(reverse("debate", args=[group.slug]))
    assert f'href="{overview}"' in page.content.decode()
    own = UserFactory(username="group-two-tutor")  # moderates this group alone
    membership_set(actor=SYSTEM, debate=group, user=own, role=Role.MODERATOR)
    page = client_as(own).get(reverse("debate", args=[group.slug])).content.decode()
    assert "Small group 2" in page and f'href="{overview}"' not in page
    assert client_as(own).get(overview).status_code == 404
