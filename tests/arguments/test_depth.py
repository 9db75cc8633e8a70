"""The reply-depth limit, through every boundary that writes claims, and deep chains read back.

A claim directly under a position is at depth 0, a reply to it at depth 1, and so on; no new
claim may sit deeper than MAX_REPLY_DEPTH (40). A reply chain built by ordinary debaters
once reached 57 and broke every page that walked it. Chains deeper than the limit can still
exist (data from before the limit), so every page, fragment and export must still answer.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from debate.arguments.models import MAX_REPLY_DEPTH, Claim
from debate.arguments.services import claim_depth
from debate.errors import InvalidInput
from debate.moderation.services import claim_merge
from tests.api.helpers import error_of, session_client, url
from tests.arguments.helpers import reply_chain
from tests.helpers import client_as, rows_of

pytestmark = pytest.mark.django_db

DEPTH_REFUSAL = (
    f"Replies can go at most {MAX_REPLY_DEPTH} deep; this thread is {MAX_REPLY_DEPTH} deep "
    "already. Start a new thread under a higher claim."
)
SNAPSHOT_FORMATS = ("json", "aif", "argdown")


# --- merging -------------------------------------------------------------------------------


def test_merge_that_would_push_the_duplicates_replies_past_the_limit_is_refused(
    position_now, moderator
):
    original = reply_chain(position=position_now, depth=MAX_REPLY_DEPTH - 1)[-1]  # depth 39
    duplicate, *replies = reply_chain(position=position_now, depth=2)  # replies at 40 and 41
    before = rows_of()

    with pytest.raises(InvalidInput, match=f"at most {MAX_REPLY_DEPTH} deep"):
        claim_merge(actor=moderator, duplicate=duplicate, original=original, reason="Same.")

    assert rows_of() == before


def test_merge_whose_moved_replies_land_at_the_limit_is_allowed(position_now, moderator):
    original = reply_chain(position=position_now, depth=MAX_REPLY_DEPTH - 2)[-1]  # depth 38
    duplicate, *replies = reply_chain(position=position_now, depth=2)

    claim_merge(actor=moderator, duplicate=duplicate, original=original, reason="Same.")

    assert Claim.objects.get(pk=replies[0].pk).parent_id == original.pk
    assert claim_depth(claim_id=replies[-1].pk) == MAX_REPLY_DEPTH


def test_merging_a_duplicate_without_replies_under_a_deep_original_is_allowed(
    position_now, moderator
):
    original = reply_chain(position=position_now, depth=MAX_REPLY_DEPTH)[-1]
    (duplicate,) = reply_chain(position=position_now, depth=0)

    claim_merge(actor=moderator, duplicate=duplicate, original=original, reason="Same.")

    assert Claim.objects.get(pk=duplicate.pk).merged_into_id == original.pk


# --- the API and the page refuse the 41st reply ---------------------------------------------


def test_api_refuses_a_reply_past_the_limit_with_400_and_saves_nothing(
    debate, position_now, debater_after
):
    deepest = reply_chain(position=position_now, depth=MAX_REPLY_DEPTH)[-1]
    client = session_client(debater_after)
    before = rows_of()

    response = client.post(
        url("claims/"), {"parent_id": deepest.pk, "stance": "con", "text": "One too many."},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["message"] == DEPTH_REFUSAL
    assert error["fields"] == {"parent": [DEPTH_REFUSAL]}
    assert rows_of() == before


def test_compose_page_refuses_a_reply_past_the_limit_and_saves_nothing(
    debate, position_now, debater_after
):
    deepest = reply_chain(position=position_now, depth=MAX_REPLY_DEPTH)[-1]
    before = rows_of()

    response = client_as(debater_after).post(
        reverse("compose", args=[debate.slug]),
        {"parent": deepest.pk, "stance": "con", "text": "One too many."},
    )

    assert response.status_code == 422
    assert escape(DEPTH_REFUSAL) in response.content.decode()
    assert rows_of() == before


# --- deep chains answer everywhere ----------------------------------------------------------


def reading_paths(slug: str, claims: list[Claim]) -> list[str]:
    """Every page, fragment and export that reads the chain: the debate (cut and whole), the
    live poll, the picture, the results, the top, middle and deepest claims with their
    "why" pages, and the snapshot in each format."""
    paths = [
        reverse("debate", args=[slug]),
        reverse("debate", args=[slug]) + "?whole=1",
        reverse("debate-live", args=[slug]) + "?since=1",
        reverse("debate-picture", args=[slug]),
        reverse("debate-results", args=[slug]),
    ]
    for claim in (claims[0], claims[len(claims) // 2], claims[-1]):
        paths.append(reverse("claim", args=[slug, claim.pk]))
        paths.append(reverse("claim-why", args=[slug, str(claim.pk)]))
    paths += [url(f"snapshot/?format={fmt}", slug) for fmt in SNAPSHOT_FORMATS]
    return paths


def statuses(client: Client, paths: list[str]) -> dict[str, int]:
    """Each path's status; a crash is a 500 here, so one run names every path that fails."""
    client.raise_request_exception = False
    return {path: client.get(path).status_code for path in paths}


def assert_everything_answers(slug: str, claims: list[Claim], moderator) -> None:
    paths = reading_paths(slug, claims)
    failing = {
        f"{who} {path}": status
        for who, client in (("anonymous", Client()), ("moderator", client_as(moderator)))
        for path, status in statuses(client, paths).items()
        if status != 200
    }
    assert not failing, "\n".join(f"{status} {where}" for where, status in failing.items())


@pytest.fixture
def generous_limits(settings):
    """Room for the 42 claims two debaters post in a row; the limits have their own tests."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "claim": 1000}


def test_a_deep_chain_answers_everywhere(
    debate, position_now, debater_now, debater_after, moderator, generous_limits
):
    # Two rival debaters answer each other in turn until the thread is as deep as allowed.
    rivals = [session_client(debater_now), session_client(debater_after)]
    parent_id = None
    for depth in range(MAX_REPLY_DEPTH + 1):
        body = {"stance": "pro", "text": f"Opening claim at depth {depth}."}
        if parent_id is None:
            body["position_id"] = position_now.pk
        else:
            body.update(parent_id=parent_id, stance="con", text=f"Rebuttal at depth {depth}.")
        response = rivals[depth % 2].post(url("claims/"), body, format="json")
        assert response.status_code == 201, (depth, response.content)
        parent_id = response.json()["id"]
    claims = list(Claim.objects.filter(debate=debate).order_by("pk"))
    assert claim_depth(claim_id=claims[-1].pk) == MAX_REPLY_DEPTH
    before = rows_of()

    refused = rivals[(MAX_REPLY_DEPTH + 1) % 2].post(
        url("claims/"), {"parent_id": parent_id, "stance": "con", "text": "41 deep."},
        format="json",
    )  # fmt: skip

    assert refused.status_code == 400
    assert error_of(refused)["message"] == DEPTH_REFUSAL
    assert rows_of() == before
    assert_everything_answers(debate.slug, claims, moderator)


def test_a_legacy_chain_deeper_than_the_limit_answers_everywhere(debate, position_now, moderator):
    claims = reply_chain(position=position_now, depth=150)

    assert_everything_answers(debate.slug, claims, moderator)
