"""Alerts for moderators in a real browser: the debate page's banner and the header's link,
the activity page's "Waiting for you" list with its digest switch (htmx), axe on both, a
phone's width, and the README's screenshot (alerts-activity.png)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from debate.arguments.models import Claim
from debate.moderation.services import flag_create
from debate.sources.models import Source
from debate.sources.services import evidence_propose
from tests.browser.conftest import SEEDED_SLUG
from tests.browser.test_accessibility import assert_no_serious_violations

pytestmark = pytest.mark.browser

SHOTS = Path("/work/shots/alerts")


def _keep(path: Path) -> None:
    """A copy for the person reviewing the change (not a tracked file)."""
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / path.name)


@pytest.fixture
def waiting_cast(cast):
    """Two proposals by a debater and one flag on someone else's claim wait."""
    source = Source.objects.filter(debate=cast.debate).order_by("id").first()
    words = source.text.split()
    for start in (40, 80):
        evidence_propose(actor=cast.debater_now, source=source,
                         quote=" ".join(words[start : start + 8]))  # fmt: skip
    claim = Claim.objects.filter(debate=cast.debate).exclude(author=cast.debater_after).first()
    flag_create(actor=cast.debater_after, claim=claim, kind="unsupported")
    return cast


def test_the_debate_page_banner_leads_to_the_queue(waiting_cast, new_page, live_server, tmp_path):
    page = new_page(waiting_cast.moderator, via_form=False)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")
    banner = page.locator(".pending-banner")
    expect(banner).to_contain_text(re.compile(r"\d+ evidence proposals? and 1 flag wait"))
    expect(page.locator(".review-link .count")).to_be_visible()
    assert_no_serious_violations(page)
    shot = tmp_path / "alerts-banner.png"
    page.screenshot(path=shot)
    _keep(shot)
    banner.get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()


def test_the_activity_page_lists_what_waits_and_switches_the_digest(
    waiting_cast, new_page, live_server, screenshot, tmp_path
):
    page = new_page(waiting_cast.moderator, via_form=False)
    page.goto(f"{live_server.url}/activity/")
    waiting = page.locator("#waiting")
    expect(waiting.get_by_role("heading", name="Waiting for you")).to_be_visible()
    expect(waiting).to_contain_text("1 flag wait")
    expect(page.locator(".notice-item").first).to_contain_text(re.compile("waits? for review in"))
    assert_no_serious_violations(page)
    _keep(screenshot(page, "alerts-activity.png"))

    waiting.get_by_role("button", name=re.compile("Switch on")).first.click()
    expect(page.locator("#waiting .form-done")).to_contain_text("is on.")
    expect(page.locator("#waiting")).to_contain_text("Daily email digest: on")
    assert_no_serious_violations(page)
    page.screenshot(path=tmp_path / "alerts-activity-digest-on.png")
    _keep(tmp_path / "alerts-activity-digest-on.png")


def test_the_activity_page_fits_a_phone(waiting_cast, browser, live_server, tmp_path):
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        client = Client()
        client.force_login(waiting_cast.moderator)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url, "value": cookie}]
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/activity/")
        shot = tmp_path / "alerts-activity-phone.png"
        page.screenshot(path=shot, full_page=True)
        _keep(shot)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()
