"""In a real browser: a moderator makes the seeded debate anonymous from its set-up page;
the rival debater then reads the map under pseudonyms only and sees their own pseudonym,
while the moderator sees usernames with pseudonyms beside them (1280 and 375 px wide)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from debate.arguments.models import Claim
from debate.arguments.services import claim_create
from debate.mapview.visibility import Audience, names_for
from tests.browser.conftest import SEEDED_SLUG, screenshot_taker

pytestmark = pytest.mark.browser

SHOTS = Path("/work/shots/anonpages")


@pytest.fixture
def shots(tmp_path):
    folder = SHOTS if SHOTS.parent.is_dir() else tmp_path
    folder.mkdir(exist_ok=True)
    return screenshot_taker(folder)


def test_a_moderator_makes_the_debate_anonymous_and_the_rival_sees_pseudonyms(
    cast, new_page, live_server, shots
):
    parent = (Claim.objects.filter(debate=cast.debate, parent=None, position__key="after")
              .order_by("id").first())  # fmt: skip
    claim = claim_create(actor=cast.debater_now, debate=cast.debate, position=parent.position,
                         parent=parent, stance="con", text="A rebuttal by now-nadia.")  # fmt: skip
    moderator = new_page(cast.moderator)
    moderator.goto(f"{live_server.url}/d/{SEEDED_SLUG}/manage/")
    moderator.get_by_role("button", name="Make this debate anonymous").click()
    expect(moderator.get_by_text("Anonymous mode is on")).to_be_visible()
    shots(moderator, "manage-switched-on.png")
    cast.debate.refresh_from_db()
    names = names_for(Audience(moderator=True), cast.debate)
    nadia = names.pseudonym(cast.debater_now.pk)
    anton = names.pseudonym(cast.debater_after.pk)

    rival = new_page(cast.debater_after)
    for width in (1280, 375):
        rival.set_viewport_size({"width": width, "height": 900})
        rival.goto(f"{live_server.url}/d/{SEEDED_SLUG}/#claim-card-{claim.pk}")
        expect(rival.locator("#anonymous-note")).to_contain_text(f"You appear here as {anton}")
        card = rival.locator(f"#claim-card-{claim.pk}")
        expect(card.locator(".author")).to_have_text(nadia)
        assert "now-nadia" not in rival.content().replace("A rebuttal by now-nadia.", "")
        card.scroll_into_view_if_needed()
        shots(rival, f"rival-sees-pseudonyms-{width}.png")

    moderator.goto(f"{live_server.url}/d/{SEEDED_SLUG}/claims/{claim.pk}/")
    expect(moderator.locator(f"#claim-card-{claim.pk} .author")).to_have_text(
        f"now-nadia ({nadia})"
    )
    shots(moderator, "moderator-sees-both.png")
