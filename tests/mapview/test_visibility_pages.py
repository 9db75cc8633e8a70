"""The table of who sees what (test_visibility.py), walked over every HTML read path.

The same world and roles (tests/mapview/conftest.py): each row of `SEEN` says on which pages
a role may find a secret in the raw bytes of the response; on every other page it must be
absent. Pages that are not a role's to see answer 404 (moderation queue, audit trail) or
send them to log in (the activity panel, for nobody signed in), and hold no secret either.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers import client_as
from tests.mapview.helpers import (
    HIDDEN_AUTHOR,
    HIDDEN_TEXT,
    LONE_VOTE,
    NON_MODERATORS,
    POLL_ANSWERER,
    PROPOSED_QUOTE,
    REASON,
    REJECTED_QUOTE,
    ROLES,
)

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}

# name -> path, with the world's ids filled in by `path_of`. Names ending in "!" are htmx
# requests (the fragment a page swaps in).
PAGES = {
    "debate": "/d/{slug}/",
    "debate?whole=1": "/d/{slug}/?whole=1",
    "debate?sort=strength": "/d/{slug}/?sort=strength",
    "debate?voters=observers": "/d/{slug}/?voters=observers",
    "debate?voters=team": "/d/{slug}/?voters=team:{team}",
    "claim:reply": "/d/{slug}/claims/{reply}/",
    "claim:hidden": "/d/{slug}/claims/{hidden}/",
    "claim:hidden?part=replies!": "/d/{slug}/claims/{hidden}/?part=replies",
    "claim:opening?part=replies!": "/d/{slug}/claims/{opening}/?part=replies",
    "live!": "/d/{slug}/live/?since={since}",
    "why:hidden": "/d/{slug}/claims/{hidden}/why/",
    "why:opening": "/d/{slug}/claims/{opening}/why/",
    "why:position": "/d/{slug}/positions/now/why/",
    "picture": "/d/{slug}/picture/",
    "results": "/d/{slug}/results/",
    "source": "/d/{slug}/sources/{source}/",
    "activity": "/activity/",
    "moderation": "/d/{slug}/moderate/",
    "audit": "/d/{slug}/audit/",
}
MODERATORS_ONLY = {"moderation", "audit"}

DEBATE = {"debate", "debate?whole=1", "debate?sort=strength", "debate?voters=observers",
          "debate?voters=team"}  # fmt: skip
# Where a moderator sees the hidden claim's card, greyed, with its author.
HIDDEN_CARD = DEBATE | {"claim:hidden", "claim:opening?part=replies!", "live!"}
# Where a moderator reads the hidden claim's words without its card: the path of its reply,
# the why pages (why:opening counts only the replies still in the map), the picture, the
# claims citing a passage of the source, the audit trail.
HIDDEN_WORDS = {"claim:reply", "why:hidden", "picture", "source", "audit"}

# secret -> role -> the pages where that role finds it; absent from every other response.
SEEN: dict[bytes, dict[str, set[str]]] = {
    HIDDEN_TEXT: {"moderator": HIDDEN_CARD | HIDDEN_WORDS},
    HIDDEN_AUTHOR: {"moderator": HIDDEN_CARD | {"audit"}},
    REASON: {"debater": {"source", "activity"}, "moderator": {"audit"}},
    REJECTED_QUOTE: {
        "debater": {"source", "activity"},
        # (the queue shows the proposed passage in its context, which holds this one)
        "moderator": {"source", "moderation", "audit"},
    },
    PROPOSED_QUOTE: {"rival": {"source"}, "moderator": {"source", "moderation", "audit"}},
    POLL_ANSWERER: {"moderator": {"audit"}},
}

# The source reader prints the whole source text, which holds every quote: its paragraphs
# are cut out before looking for quotes (highlights are checked on their own below).
SOURCE_PARAGRAPH = re.compile(rb'<p data-start="\d+">.*?</p>', re.S)


def path_of(world, page: str) -> str:
    return PAGES[page].format(
        slug=world.debate.slug, team=world.team_now.pk, reply=world.reply.pk,
        hidden=world.hidden.pk, opening=world.opening.pk, since=world.before_hiding,
        source=world.source.pk,
    )  # fmt: skip


def expected_status(role: str, page: str) -> int:
    if page in MODERATORS_ONLY and role != "moderator":
        return 404
    if page == "activity" and role == "anonymous":
        return 302
    return 200


def body_of(world, role: str, page: str) -> bytes:
    """The raw body of `page` as `role`, once its status is the one the role should get."""
    response = client_as(world.users[role]).get(
        path_of(world, page), **(HX if page.endswith("!") else {})
    )
    assert response.status_code == expected_status(role, page), (
        role, page, response.content[:300],
    )  # fmt: skip
    return response.content


def allowed_on(role: str, page: str) -> set[str]:
    return {secret.decode() for secret, where in SEEN.items() if page in where.get(role, ())}


def secrets_in(body: bytes, page: str) -> set[str]:
    if page == "source":
        body = SOURCE_PARAGRAPH.sub(b"", body)
    return {secret.decode() for secret in SEEN if secret in body}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_what_the_policy_allows_on_each_page(world, role, page):
    body = body_of(world, role, page)

    assert secrets_in(body, page) == allowed_on(role, page)


@pytest.mark.parametrize("role", NON_MODERATORS)
def test_what_a_moderator_saw_first_is_never_served_to_another_role(world, role):
    """Maps and pictures are cached per debate version, shared between viewers: with every
    page drawn for the moderator first, a cache keyed without the audience would hand the
    moderator's copy on."""
    for page in PAGES:
        body_of(world, "moderator", page)
    for page in PAGES:
        assert secrets_in(body_of(world, role, page), page) == allowed_on(role, page), page


def test_the_pages_draw_what_the_table_assumes(world):
    """The table is only as good as the pages it walks: each shows the map it should."""
    moderator = body_of(world, "moderator", "debate")
    observer = body_of(world, "observer", "debate")
    for body in (moderator, observer):
        assert f'id="claim-card-{world.hidden.pk}"'.encode() in body
        assert f'id="claim-card-{world.reply.pk}"'.encode() in body
    assert b"hidden by a moderator; its replies stay below" in observer
    assert b"Hidden by a moderator \xe2\x80\x94 shown to moderators only." in moderator
    # The debater's notice of the hidden attack on their claim is there, without its words.
    activity = body_of(world, "debater", "activity")
    assert b"This notice quoted something that is no longer in the map." in activity
    assert f"Your claim #{world.opening.pk} was attacked".encode() not in activity
    live = body_of(world, "observer", "live!")
    assert f'hx-swap-oob="beforeend:#children-{world.opening.pk}"'.encode() in live
    assert f'id="claim-card-{world.hidden.pk}"'.encode() in live


def marked_evidence(body: bytes) -> set[int]:
    """The evidence highlighted in the source reader's text."""
    return {int(pk) for ids in re.findall(rb'data-evidence="([\d ]+)"', body)
            for pk in ids.split()}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_the_reader_highlights_only_approved_evidence(world, role):
    body = body_of(world, role, "source")

    assert marked_evidence(body) == {world.cited.pk}
    # Only the hidden claim cites the passage: only moderators see whom it is cited by.
    cited_by = re.findall(rb'<p class="cited-by".*?</p>', body, re.S)
    assert [f"#claim-{world.hidden.pk}".encode() in p for p in cited_by] == (
        [True] if role == "moderator" else []
    )


# --- the vote of a group of one -----------------------------------------------------------

TOO_FEW = b"Too few voters in this group to show"
LONE_TALLY = f"1 vote \u00b7 mean impact {LONE_VOTE:.1f} / 4".encode()
LONE_WHY = f"1 vote rated its impact {LONE_VOTE:.2f} out of 4".encode()

GROUP_PAGES = {
    "debate": "/d/{slug}/?voters=team:{team}",
    "live!": "/d/{slug}/live/?since={since}&voters=team:{team}",
    "why:target": "/d/{slug}/claims/{target}/why/?voters=team:{team}",
}


def group_body(world, role: str, page: str) -> bytes:
    path = GROUP_PAGES[page].format(
        slug=world.debate.slug, team=world.team_now.pk, since=world.before_hiding,
        target=world.target.pk,
    )  # fmt: skip
    response = client_as(world.users[role]).get(path, **(HX if page.endswith("!") else {}))
    assert response.status_code == 200, (role, page)
    return response.content


@pytest.mark.parametrize("page", list(GROUP_PAGES))
@pytest.mark.parametrize("role", NON_MODERATORS)
def test_a_group_of_one_does_not_show_its_vote(world, role, page):
    body = group_body(world, role, page)

    assert LONE_TALLY not in body and LONE_WHY not in body
    assert b"mean impact" not in body and b"rated its impact" not in body
    assert (b"Starting point (base score)" if page == "why:target" else TOO_FEW) in body


@pytest.mark.parametrize("page", list(GROUP_PAGES))
def test_moderators_see_the_vote_of_a_group_of_one(world, page):
    body = group_body(world, "moderator", page)

    assert (LONE_WHY if page == "why:target" else LONE_TALLY) in body
    assert TOO_FEW not in body


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_the_vote_among_all_voters(world, role):
    """The same vote, counted among everyone's, is no one's in particular."""
    body = body_of(world, role, "debate")

    assert LONE_TALLY in body and TOO_FEW not in body
