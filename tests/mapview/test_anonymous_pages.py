"""The table of pages (test_visibility_pages.py), walked again in an anonymous debate.

Every participant has a username that is easy to find (tests/mapview/anonymous_world.py):
on every page and fragment, no one but a moderator finds another participant's username in
the raw bytes, and one's own only in the site's navigation ("Signed in as ..."). Moderators
find usernames with the pseudonyms beside them.
"""

from __future__ import annotations

import re

import pytest

from debate.audit.models import AuditEvent
from debate.debates.models import Debate
from debate.debates.services import debate_anonymity_set, phase_change
from debate.mapview import cache
from tests.helpers import client_as
from tests.mapview.anonymous_world import (
    ANONYMOUS_NON_MODERATORS,
    USERNAMES,
    others_of,
    pseudonyms_of,
)
from tests.mapview.test_visibility_pages import HX
from tests.mapview.test_visibility_pages import PAGES as TABLE_PAGES
from tests.mapview.test_visibility_pages import path_of as table_path_of

pytestmark = pytest.mark.django_db

# The table's pages, and the others that draw claims with their authors.
PAGES = {
    **TABLE_PAGES,
    "summary": "/d/{slug}/summary/",
    "search": "/d/{slug}/search/?q=claim",
    "roster": "/d/{slug}/people/",
    "grading": "/d/{slug}/grading/",
}
MODERATOR_PAGES = {"moderation", "audit", "roster", "grading"}


def path_of(world, page: str) -> str:
    if page in TABLE_PAGES:
        return table_path_of(world, page)
    return PAGES[page].format(slug=world.debate.slug)


NAVIGATION = re.compile(rb'<nav class="site-nav".*?</nav>', re.S)


def status_for(role: str, page: str) -> int:
    if page in MODERATOR_PAGES and role != "moderator":
        return 404
    if page == "activity" and role == "anonymous":
        return 302
    return 200


def page_body(world, role: str, page: str) -> bytes:
    response = client_as(world.users[role]).get(
        path_of(world, page), **(HX if page.endswith("!") else {})
    )
    assert response.status_code == status_for(role, page), (role, page, response.content[:300])
    return response.content


def names_in(body: bytes, names: dict[str, bytes]) -> set[str]:
    return {who for who, name in names.items() if name in body}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ANONYMOUS_NON_MODERATORS)
def test_no_one_but_moderators_finds_another_participants_username(anonymous_world, role,
                                                                   page):  # fmt: skip
    body = page_body(anonymous_world, role, page)

    assert names_in(body, others_of(role)) == set()
    own = USERNAMES.get(role)
    if own is not None:
        assert own not in NAVIGATION.sub(b"", body), "own username outside the navigation"


@pytest.mark.parametrize("role", ANONYMOUS_NON_MODERATORS)
def test_what_a_moderator_saw_first_names_no_one_to_others(anonymous_world, role):
    """The shared caches (maps, pictures, visitors' pages, live fragments) hold the
    moderator's copy first: none of it may reach another role."""
    for page in PAGES:
        page_body(anonymous_world, "moderator", page)
    for page in PAGES:
        assert names_in(page_body(anonymous_world, role, page), others_of(role)) == set(), page


# --- moderators see both ------------------------------------------------------------------

# Pages where the moderator finds an author's username with the pseudonym beside it: the
# debater wrote the opening claim and the reply, the rival the target claim.
MODERATOR_BOTH = ("debate", "claim:reply", "claim:hidden", "live!")


@pytest.mark.parametrize("page", MODERATOR_BOTH)
def test_moderators_see_the_username_with_the_pseudonym_beside_it(anonymous_world, page):
    body = page_body(anonymous_world, "moderator", page)
    pseudonyms = pseudonyms_of(anonymous_world)

    debater = f'{USERNAMES["debater"].decode()} <span class="pseudonym">'
    assert f"{debater}({pseudonyms['debater']})</span>".encode() in body


def test_moderators_see_both_in_the_queue_and_the_roster(anonymous_world):
    pseudonyms = pseudonyms_of(anonymous_world)
    queue = page_body(anonymous_world, "moderator", "moderation")
    rival = USERNAMES["rival"].decode()
    assert f"proposed by {rival} ({pseudonyms['rival']})".encode() in queue
    roster = client_as(anonymous_world.moderator).get(f"/d/{anonymous_world.debate.slug}/people/")
    assert roster.status_code == 200
    assert f"({pseudonyms['observer']})".encode() in roster.content
    assert USERNAMES["observer"] in roster.content
    grading = page_body(anonymous_world, "moderator", "grading")
    debater = USERNAMES["debater"].decode()
    assert f"{debater} ({pseudonyms['debater']})".encode() in grading
    person = client_as(anonymous_world.moderator).get(
        f"/d/{anonymous_world.debate.slug}/grading/{anonymous_world.debater_now.pk}/"
    )
    assert f"<h1>{debater} ({pseudonyms['debater']})</h1>".encode() in person.content


@pytest.mark.parametrize("role", ["observer", "rival", "anonymous"])
def test_others_see_the_debaters_pseudonym_where_the_username_was(anonymous_world, role):
    pseudonym = pseudonyms_of(anonymous_world)["debater"]
    body = page_body(anonymous_world, role, "debate")

    assert f'<span class="author">{pseudonym}</span>'.encode() in body


# --- one pseudonym everywhere, and one's own ----------------------------------------------


def test_a_participants_pseudonym_is_the_same_on_the_debate_claim_and_why_pages(anonymous_world):
    """The rival reads the debater's claims: the same pseudonym on each page."""
    pseudonym = pseudonyms_of(anonymous_world)["debater"].encode()
    for page in ("debate", "claim:reply", "claim:opening?part=replies!", "why:opening"):
        body = page_body(anonymous_world, "rival", page)
        if page.startswith("why"):
            # The why page names no author, so it cannot name another one either.
            assert names_in(body, others_of("rival")) == set()
            continue
        assert pseudonym in body, page


@pytest.mark.parametrize("role", ["debater", "rival", "observer"])
def test_each_member_sees_their_own_pseudonym_on_the_debate_page(anonymous_world, role):
    own = pseudonyms_of(anonymous_world)[role]
    body = page_body(anonymous_world, role, "debate")

    assert f"You appear here as <strong>{own}</strong>".encode() in body


@pytest.mark.parametrize("role", ["anonymous", "outsider"])
def test_visitors_and_outsiders_have_no_pseudonym_of_their_own(anonymous_world, role):
    body = page_body(anonymous_world, role, "debate")

    assert b"You appear here as" not in body
    assert b"This debate is anonymous" in body


def test_ones_own_controls_survive_the_pseudonym(anonymous_world):
    """The participants' map holds no author id, yet the debater may still edit their own
    reply (and not vote on it): the controls know whose it is."""
    world = anonymous_world
    # The debate is in voting: back to rebuttal, where authors edit.
    phase_change(actor=world.moderator, debate=world.debate, phase="rebuttal")
    body = page_body(world, "debater", "claim:reply")
    assert f"/claims/{world.reply.pk}/edit/".encode() in body
    rival = page_body(world, "rival", "claim:reply")
    assert f"/claims/{world.reply.pk}/edit/".encode() not in rival


# --- switching ------------------------------------------------------------------------------


def test_switching_off_shows_usernames_again_and_is_audited(anonymous_world):
    world = anonymous_world
    debate_anonymity_set(actor=world.moderator, debate=world.debate, anonymous=False)

    body = page_body(world, "rival", "debate")
    assert USERNAMES["debater"] in body
    assert b"You appear here as" not in body
    actions = list(
        AuditEvent.objects.filter(debate=world.debate, action="debate.anonymous")
        .order_by("version").values_list("after", flat=True)
    )  # fmt: skip
    assert actions == [{"anonymous": True}, {"anonymous": False}]
    audit = page_body(world, "moderator", "audit")
    assert b"switched anonymous mode off" in audit
    assert b"made the debate anonymous" in audit


def test_the_visitors_cache_cannot_serve_a_named_page_after_switching_on(anonymous_world):
    """Render as a visitor with usernames, switch on, render again: the cached page of the
    named version is never served for the anonymous one."""
    world = anonymous_world
    assert cache.cacheable()
    debate_anonymity_set(actor=world.moderator, debate=world.debate, anonymous=False)
    for page in ("debate", "claim:reply", "claim:opening?part=replies!"):
        assert USERNAMES["debater"] in page_body(world, "anonymous", page), page
    debate_anonymity_set(actor=world.moderator, debate=Debate.objects.get(pk=world.debate.pk),
                         anonymous=True)  # fmt: skip
    for page in ("debate", "claim:reply", "claim:opening?part=replies!"):
        body = page_body(world, "anonymous", page)
        assert names_in(body, others_of("anonymous")) == set(), page


def test_an_open_page_reloads_when_anonymous_mode_switches(anonymous_world):
    """Every card's author changes: the live poll reloads the page rather than patch it."""
    world = anonymous_world
    since = Debate.objects.get(pk=world.debate.pk).version
    debate_anonymity_set(actor=world.moderator, debate=world.debate, anonymous=False)
    response = client_as(world.observer).get(f"/d/{world.debate.slug}/live/?since={since}", **HX)
    assert response.status_code == 200
    assert response.headers.get("HX-Refresh") == "true"
