"""Small groups in a real browser: a moderator splits the seeded debate through the form
(without JavaScript, as the form needs none), lands on the overview of the three groups,
which passes axe and wraps on a phone; and the README's screenshot (groups-overview.png)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from debate.arguments.services import claim_create
from debate.debates.models import Debate, Role
from debate.debates.services import membership_set
from debate.permissions import SYSTEM
from tests.browser.conftest import SEEDED_SLUG
from tests.browser.test_accessibility import assert_no_serious_violations
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

SHOTS = Path("/work/shots/groups")


def _keep(path: Path) -> None:
    """A copy for the person reviewing the change (not a tracked file)."""
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / path.name)


@pytest.fixture
def seminar(cast):
    for i in range(8):
        team = cast.debate.teams.get(name="Team Now" if i % 2 else "Team After")
        membership_set(actor=SYSTEM, debate=cast.debate, user=UserFactory(username=f"student-{i}"),
                       role=Role.DEBATER, team=team)  # fmt: skip
    return cast


@pytest.mark.parametrize("javascript", [False, True])
def test_a_moderator_splits_through_the_form_and_opens_the_overview(
    seminar, new_page, live_server, screenshot, javascript
):
    page = new_page(seminar.moderator, via_form=False, javascript=javascript)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/manage/")
    page.get_by_role("link", name="Split into small groups").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("into small groups")
    page.get_by_label("Number of groups").fill("3")
    page.get_by_role("button", name="Split the debate").click()
    expect(page).to_have_url(f"{live_server.url}/d/{SEEDED_SLUG}/groups/")
    cards = page.locator(".group-card")
    expect(cards).to_have_count(3)
    groups = list(Debate.objects.filter(group_of=seminar.debate).order_by("group_number"))
    assert len(groups) == 3
    if not javascript:
        # The split page, once split, says why in the service's words, and offers no form.
        page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/groups/split/")
        expect(page.locator("p.notice")).to_contain_text("split into groups already")
        expect(page.get_by_role("link", name="See its 3 groups")).to_be_visible()
        expect(page.get_by_label("Number of groups")).to_have_count(0)
        _keep(screenshot(page, "groups-split-refused.png"))
        return
    # A claim in group 1 shows in group 1's card only.
    author = groups[0].memberships.filter(role=Role.DEBATER).first().user
    claim_create(actor=author, debate=groups[0], position=groups[0].positions.first(),
                 text="Group one’s opening claim", stance="pro")  # fmt: skip
    page.reload()
    expect(cards.nth(0).locator(".group-figures")).to_contain_text("Claims1")
    expect(cards.nth(1).locator(".group-figures")).to_contain_text("Claims0")
    assert_no_serious_violations(page)
    _keep(screenshot(page, "groups-overview.png"))
    page.set_viewport_size({"width": 375, "height": 812})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    boxes = [cards.nth(i).bounding_box() for i in range(3)]
    assert boxes[0]["x"] == boxes[1]["x"] == boxes[2]["x"]  # one column on a phone
    _keep(screenshot(page, "groups-overview-phone.png"))
