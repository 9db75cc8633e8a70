"""The roster in a real browser: axe finds nothing serious, a moderator removes a member
through the htmx form, the page fits a phone, and the README's screenshot (roster.png)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from debate.arguments.services import claim_create
from debate.people.services import targets_set
from tests.browser.conftest import SEEDED_SLUG
from tests.browser.test_accessibility import assert_no_serious_violations

pytestmark = pytest.mark.browser

SHOTS = Path("/work/shots/people")
# The outermost elements that reach past the viewport, to name in a failure.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 376 && !e.closest('.table-scroll'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)"""


def _keep(path: Path) -> None:
    """A copy for the person reviewing the change (not a tracked file)."""
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / path.name)


@pytest.fixture
def busy_cast(cast):
    targets_set(actor=cast.moderator, debate=cast.debate, min_claims=2, min_rebuttals=1,
                min_votes=3)  # fmt: skip
    claim_create(actor=cast.debater_now, debate=cast.debate, position=cast.position("now"),
                 parent=None, stance="pro", text="Talks now give Kyiv a 2028 horizon.")  # fmt: skip
    return cast


def test_the_roster_passes_axe_and_removes_a_member_by_htmx(busy_cast, new_page, live_server,
                                                             screenshot):  # fmt: skip
    page = new_page(busy_cast.moderator, via_form=False)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/people/")
    expect(page.get_by_role("heading", name="People", exact=True)).to_be_visible()
    assert_no_serious_violations(page)
    _keep(screenshot(page, "roster.png"))
    row = page.locator(f"#member-{busy_cast.debater_after.pk}")
    row.locator(".roster-manage summary").click()
    row.get_by_label("Reason for removing").fill("Moved to another seminar")
    row.get_by_label("Yes, remove").check()
    row.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("heading", name="Removed (1)")).to_be_visible()
    assert_no_serious_violations(page)


def test_the_roster_fits_a_phone(busy_cast, browser, live_server, tmp_path):
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        client = Client()
        client.force_login(busy_cast.moderator)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "url": live_server.url,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                }
            ]
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/people/")
        page.screenshot(path=tmp_path / "roster-phone.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate(WIDEST)
        assert width <= 375, f"the page scrolls sideways: {width}px ({wide})"
        _keep(tmp_path / "roster-phone.png")
    finally:
        context.close()


def test_a_debater_sees_their_tasks_on_the_debate_page(busy_cast, new_page, live_server, tmp_path):
    page = new_page(busy_cast.debater_now, via_form=False)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")
    progress = page.locator(".task-progress")
    expect(progress).to_contain_text("Your tasks: 0 of 3 done")
    expect(progress).to_contain_text("1 of 2 claims")
    assert_no_serious_violations(page)
    page.screenshot(path=tmp_path / "tasks-progress.png")
    _keep(tmp_path / "tasks-progress.png")
