"""An invite link opened before signing in: the team shows, *Sign up* comes back to the link,
and one button joins; in a real browser, with axe on the invite page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from debate.debates.models import Membership, Role
from tests.browser.conftest import SEEDED_SLUG
from tests.browser.test_accessibility import assert_no_serious_violations

pytestmark = pytest.mark.browser

PASSWORD = "seminar-debates-need-evidence"


@pytest.mark.screenshots
def test_invite_link_survives_signing_up_and_joins_in_one_click(
    new_page, cast, live_server, screenshot
):
    team = cast.debate.teams.get(name="Team Now")
    link = f"/join/{team.invite_code}/"
    page = new_page()
    page.goto(live_server.url + link)
    expect(page.locator("main")).to_contain_text("Team Now")
    assert_no_serious_violations(page)
    screenshot(page, "join-invite-anonymous.png")

    page.locator("main").get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("pupil-paula")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(live_server.url + link)

    assert not Membership.objects.filter(user__username="pupil-paula").exists()
    assert_no_serious_violations(page)
    screenshot(page, "join-invite-signed-in.png")
    page.get_by_role("button", name="Join Team Now").click()
    page.wait_for_url(f"{live_server.url}/d/{SEEDED_SLUG}/")
    expect(page.get_by_text("You joined Team Now as a debater.")).to_be_visible()
    membership = Membership.objects.get(user__username="pupil-paula", debate=cast.debate)
    assert (membership.role, membership.team_id) == (Role.DEBATER, team.pk)
