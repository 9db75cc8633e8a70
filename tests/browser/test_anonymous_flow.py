"""An anonymous debate in a real browser: the moderator switches anonymity on from the set-up
page; two students comment under a claim and @mention each other by pseudonym; each is told
by the pseudonym of the other, and neither page, fragment nor notice shows a username of the
other; the moderator reads the same thread with real names and pseudonyms side by side."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from debate.arguments.models import Claim
from debate.arguments.services import claim_create
from debate.comments.models import Comment
from debate.people.models import Pseudonym
from tests.browser.conftest import SEEDED_SLUG

pytestmark = pytest.mark.browser


def pseudonym(debate, user) -> str:
    return Pseudonym.objects.get(debate=debate, user=user).label


def comment(page: Page, text: str) -> None:
    section = page.locator("#comments")
    count = Comment.objects.count()
    section.get_by_label("Comment", exact=True).fill(text)
    section.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comments .notice").first).to_contain_text("Your comment is posted")
    assert Comment.objects.count() == count + 1


def assert_never_named(page: Page, *usernames: str) -> None:
    """The whole document, attributes included, holds none of these usernames, nor the name
    of anyone who wrote a claim of the seeded debate."""
    html = page.content()
    authors = set(Claim.objects.filter(debate__slug=SEEDED_SLUG).values_list(
        "author__username", flat=True))  # fmt: skip
    me = page.locator(".whoami strong").inner_text()
    for name in (set(usernames) | authors) - {me, None}:
        assert name not in html, f"{name} appears on {page.url}"


def test_students_comment_and_mention_under_pseudonyms(new_page, cast, live_server, screenshot):
    base = f"{live_server.url}/d/{SEEDED_SLUG}"
    teacher = new_page(cast.moderator)
    teacher.goto(f"{base}/manage/")
    teacher.get_by_role("button", name="Make this debate anonymous").click()
    expect(teacher.locator("body")).to_contain_text("Anonymous mode is on")

    nadia, anton = cast.debater_now, cast.debater_after
    as_nadia, as_anton = pseudonym(cast.debate, nadia), pseudonym(cast.debate, anton)
    claim = claim_create(
        actor=anton, debate=cast.debate, position=cast.position("after"), stance="pro",
        text="Membership talks during a war import the war into NATO.",
    )  # fmt: skip
    claim_url = f"{base}/claims/{claim.pk}/"

    nadia_page = new_page(nadia)
    errors: list[str] = []
    nadia_page.on("pageerror", lambda exc: errors.append(str(exc)))
    nadia_page.goto(f"{base}/")
    expect(nadia_page.locator("#anonymous-note")).to_contain_text(f"You appear here as {as_nadia}")
    nadia_page.goto(claim_url)
    expect(nadia_page.locator("main")).to_contain_text(as_anton)
    comment(nadia_page, f"@{as_anton} which page of the article says so?")
    expect(nadia_page.locator("#comments mark.mention")).to_have_text(f"@{as_anton}")
    assert_never_named(nadia_page, anton.username, cast.moderator.username)

    anton_page = new_page(anton)
    anton_page.goto(f"{live_server.url}/activity/")
    expect(anton_page.locator("main")).to_contain_text(f"{as_nadia} mentioned you")
    assert_never_named(anton_page, nadia.username, cast.moderator.username)
    anton_page.goto(claim_url)
    comment(anton_page, f"@{as_nadia.replace(' ', '')} the 2024 summit declaration.")
    assert_never_named(anton_page, nadia.username, cast.moderator.username)

    nadia_page.goto(f"{live_server.url}/activity/")
    expect(nadia_page.locator("main")).to_contain_text(f"{as_anton} mentioned you")
    nadia_page.goto(claim_url)
    expect(nadia_page.locator("#comments")).to_contain_text("the 2024 summit declaration")
    assert_never_named(nadia_page, anton.username, cast.moderator.username)
    nadia_page.locator("#comments").scroll_into_view_if_needed()
    screenshot(nadia_page, "anonymous-comments.png")  # the README's

    teacher.goto(claim_url)
    thread = teacher.locator("#comments")
    expect(thread).to_contain_text(f"{nadia.username} ({as_nadia})")
    expect(thread).to_contain_text(f"{anton.username} ({as_anton})")
    assert not errors
