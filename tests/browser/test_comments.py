"""Comments in a real browser: a debater asks for a source under the other team's claim and
@mentions its author, who is told in the activity panel, answers, and the first edits their
comment in place (htmx swaps the thread; no reload). The thread is the README's
comments.png."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from debate.arguments.services import claim_create
from debate.comments.models import Comment
from tests.browser.conftest import SEEDED_SLUG

pytestmark = pytest.mark.browser
SHOTS = Path("/work/shots/comments")


def test_two_debaters_comment_mention_and_edit(new_page, cast, live_server, screenshot):
    claim = claim_create(
        actor=cast.debater_after, debate=cast.debate, position=cast.position("after"),
        stance="pro", text="Membership talks during a war import the war into NATO.",
    )  # fmt: skip
    url = f"{live_server.url}/d/{SEEDED_SLUG}/claims/{claim.pk}/"
    nadia = new_page(cast.debater_now, via_form=False)
    errors: list[str] = []
    nadia.on("pageerror", lambda exc: errors.append(str(exc)))
    nadia.goto(url)
    section = nadia.locator("#comments")
    expect(section.get_by_role("heading", name="Comments (0)")).to_be_visible()
    section.get_by_label("Kind").select_option("source_request")
    section.get_by_label("Comment", exact=True).fill(
        "@after-anton which article says so? Джерело, будь ласка."
    )
    section.get_by_role("button", name="Post comment").click()
    expect(nadia.locator("#comments h2")).to_have_text("Comments (1)")
    expect(nadia.locator("#comments mark.mention")).to_have_text("@after-anton")

    anton = new_page(cast.debater_after, via_form=False)
    anton.goto(f"{live_server.url}/activity/")
    expect(anton.locator("body")).to_contain_text("now-nadia mentioned you in a comment")
    anton.goto(url)
    thread = anton.locator("#comments")
    thread.get_by_label("Kind").select_option("clarification")
    thread.get_by_label("Comment", exact=True).fill("@now-nadia the 2024 summit declaration.")
    thread.get_by_role("button", name="Post comment").click()
    expect(anton.locator("#comments h2")).to_have_text("Comments (2)")

    nadia.reload()
    first = Comment.objects.order_by("id").first()
    item = nadia.locator(f"#comment-{first.pk}")
    item.locator("summary", has_text="Edit").click()
    item.get_by_label("Your comment").fill("@after-anton which page of the article says so?")
    item.get_by_role("button", name="Save").click()
    expect(nadia.locator(f"#comment-{first.pk} .comment-text")).to_contain_text("which page")
    expect(nadia.locator(f"#comment-{first.pk}")).to_contain_text("edited")
    nadia.locator("#comments").scroll_into_view_if_needed()
    path = screenshot(nadia, "comments.png")
    if SHOTS.parent.is_dir():  # a copy for the reviewer, where there is such a place
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / "comments.png")
    assert not errors
    assert Comment.objects.get(pk=first.pk).version == 2
