"""Issue 12's hand-parsed inputs on the debate, set-up, account and moderation screens: each
bad parameter is a 4xx with a clear message that quotes at most a short prefix, and changes
nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from debate.accounts.models import ApiToken
from debate.debates.models import Debate, Membership, Phase, PollResponse, Team
from debate.inputs import QUOTE_PREFIX
from tests.factories import ClaimFactory
from tests.helpers import client_as, rows_of

pytestmark = pytest.mark.django_db

SUPERSCRIPT_TWO = "²"  # '²'.isdigit() is True, int('²') raises


def _no_500(response) -> None:
    assert response.status_code < 500, response.content[:400]


def test_why_page_of_a_superscript_claim_id_is_a_404(debate):
    response = client_as(None).get(f"/d/{debate.slug}/claims/%C2%B2/why/")
    assert response.status_code == 404


@pytest.mark.parametrize("page", ["debate", "debate-live", "position-why"])
def test_superscript_team_in_the_voters_filter_is_refused_not_a_500(debate, page):
    args = [debate.slug, "now"] if page == "position-why" else [debate.slug]
    response = client_as(None).get(reverse(page, args=args), {"voters": f"team:{SUPERSCRIPT_TWO}"})
    assert response.status_code == 400
    assert "voters" in response.content.decode()


def test_superscript_team_on_the_claim_why_page_is_refused(debate, debater_now, position_now):
    claim = ClaimFactory(debate=debate, position=position_now, author=debater_now)
    response = client_as(None).get(
        reverse("claim-why", args=[debate.slug, claim.pk]), {"voters": "team:²"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("params", [{"since": "²"}, {"root": "²"}, {"page": "²"}, {"sort": "x"}])
def test_bad_query_parameters_are_a_400(debate, params):
    page = "debate-live" if set(params) & {"since", "root"} else "debate"
    response = client_as(None).get(reverse(page, args=[debate.slug]), params)
    assert response.status_code == 400


def test_results_form_with_a_superscript_position_is_refused_and_changes_nothing(
    debate, debater_now
):
    debate.phase = Phase.SETUP
    debate.save()
    before = rows_of(PollResponse)
    response = client_as(debater_now).post(
        reverse("debate-results", args=[debate.slug]), {"poll": "before", "position": "²"}
    )
    assert response.status_code == 422
    assert "Not an id: ²" in response.content.decode()
    assert rows_of(PollResponse) == before


def test_token_revoke_with_a_superscript_id_is_refused_and_changes_nothing(outsider):
    client = client_as(outsider)
    client.post(reverse("profile"), {"action": "create", "name": "dash"})
    before = rows_of(ApiToken)
    response = client.post(reverse("profile"), {"action": "revoke", "token": "²"})
    assert response.status_code == 422
    assert "Not an id" in response.content.decode()
    assert rows_of(ApiToken) == before


def test_team_row_with_a_superscript_position_number_is_refused(moderator, settings):
    from django.contrib.auth.models import Permission

    moderator.user_permissions.add(Permission.objects.get(codename="create_debate"))
    before = rows_of(Debate, Team, Membership)
    response = client_as(moderator).post(reverse("debate-new"), {
        "title": "A new debate", "motion": "Should we?", "positions-0-title": "Yes",
        "positions-1-title": "No", "teams-0-name": "T", "teams-0-position": "²",
    })  # fmt: skip
    assert response.status_code == 422
    assert "Choose one of the positions above." in response.content.decode()
    assert rows_of(Debate, Team, Membership) == before


@pytest.mark.parametrize(
    "data",
    [
        {"action": "team", "name": "Team Three", "position": "²"},
        {"action": "regenerate", "team": "²"},
        {"action": "revise", "source": "²", "text": "x"},
        {"action": "source", "title": "S", "text": "x", "published_on": "²"},
        {"action": SUPERSCRIPT_TWO * 500},
    ],
)
def test_bad_set_up_posts_are_refused_and_change_nothing(debate, moderator, data):
    before = rows_of(Debate, Team, Membership)
    response = client_as(moderator).post(reverse("debate-manage", args=[debate.slug]), data)
    assert response.status_code == 422
    assert SUPERSCRIPT_TWO * (QUOTE_PREFIX + 1) not in response.content.decode()
    assert rows_of(Debate, Team, Membership) == before


def test_a_long_bad_value_is_quoted_only_by_its_prefix(debate, debater_now):
    debate.phase = Phase.SETUP
    debate.save()
    value = "x" * 10_000
    response = client_as(debater_now).post(
        reverse("debate-results", args=[debate.slug]), {"poll": "before", "position": value}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "x" * QUOTE_PREFIX in body
    assert "x" * (QUOTE_PREFIX + 1) not in body


@pytest.mark.parametrize(
    "params", [{"page": "²"}, {"actor": "²"}, {"action": "y" * 5000}]
)
def test_audit_filters_are_parsed_by_a_form(debate, moderator, params):
    response = client_as(moderator).get(reverse("audit", args=[debate.slug]), params)
    _no_500(response)
    assert "y" * (QUOTE_PREFIX + 1) not in response.content.decode()
