"""The exports page, the freeze button, the diff pages and the printable summary in a real
Chromium: downloads arrive under their file names, a double click freezes once, the summary
prints without the site's chrome, and axe finds nothing serious on any of them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from debate.arguments.services import claim_create
from debate.snapshots.models import Snapshot
from debate.snapshots.services import snapshot_take
from tests.browser.conftest import SEEDED_SLUG
from tests.browser.test_accessibility import assert_no_serious_violations
from tests.browser.test_phone_layout import OVERFLOW, PHONE

pytestmark = pytest.mark.browser

# Where these tests also leave their pictures for a person to look at (the helper's folder).
SHOTS = Path(os.environ.get("EXPORTS_SHOTS_DIR", "/work/shots/exports"))


def look(page, name: str, *, full_page: bool = True) -> None:
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SHOTS / name, full_page=full_page)


def exports_url(live_server) -> str:
    return f"{live_server.url}/d/{SEEDED_SLUG}/exports/"


def test_moderator_freezes_once_on_a_double_click_and_compares_with_live(
    new_page, cast, live_server
):
    page = new_page(cast.moderator, via_form=False)
    page.goto(exports_url(live_server))
    assert_no_serious_violations(page)

    page.get_by_role("button", name="Freeze a snapshot").dblclick()

    expect(page.locator("#frozen-versions .notice")).to_have_text("Snapshot 1 is frozen.")
    expect(page.locator("#snapshot-1")).to_be_visible()
    assert list(Snapshot.objects.filter(debate=cast.debate).values_list("number", flat=True)) == [1]
    look(page, "exports-moderator.png")
    assert_no_serious_violations(page)

    text = "A claim after the freeze 🇺🇦 <b>bold?</b>"
    claim_create(actor=cast.debater_now, debate=cast.debate, position=cast.position("now"),
                 parent=None, stance="pro", text=text)  # fmt: skip
    page.locator("#snapshot-1").get_by_role("link", name="to live").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What changed from snapshot 1 to the live debate")  # fmt: skip
    expect(page.locator(".diff-list--added")).to_contain_text(text)
    look(page, "diff-live.png")
    assert_no_serious_violations(page)


def test_downloads_arrive_under_their_file_names(new_page, cast, live_server):
    cast.debate.refresh_from_db()
    page = new_page()
    page.goto(exports_url(live_server))

    for fmt, ext in (("argdown", "argdown"), ("aif", "aif.json")):
        with page.expect_download() as download:
            page.locator(f'a[href$="/export.{fmt}"]').click()
        assert download.value.suggested_filename == f"{SEEDED_SLUG}-v{cast.debate.version}.{ext}"
    look(page, "exports-anonymous.png")


def test_the_summary_prints_without_the_sites_chrome(new_page, cast, live_server, screenshot):
    snapshot_take(actor=cast.moderator, debate=cast.debate)
    page = new_page()
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/summary/")

    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by print.js
    assert_no_serious_violations(page)
    look(page, "summary-screen.png")

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.locator(".summary-claim").first).to_be_visible()
    colour = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert colour in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), colour
    look(page, "summary-print.png")
    look(page, "summary-print-top.png", full_page=False)
    screenshot(page, "printable-summary.png")  # the README's: the top of the first page
    page.locator("#evidence-title").scroll_into_view_if_needed()
    look(page, "summary-print-evidence.png", full_page=False)


def test_the_print_button_opens_the_print_dialog(new_page, cast, live_server):
    page = new_page()
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/summary/")
    # A function, so that Playwright runs it once (a string ending in a function is called).
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed++; }; }")

    page.get_by_role("button", name="Print").click()

    assert page.evaluate("window.__printed") == 1


def test_exports_diff_and_summary_fit_a_phone_with_snapshots(new_page, cast, live_server):
    snapshot_take(actor=cast.moderator, debate=cast.debate)
    claim_create(actor=cast.debater_now, debate=cast.debate, position=cast.position("now"),
                 parent=None, stance="pro", text="Unbreakable" + "x" * 200)  # fmt: skip
    snapshot_take(actor=cast.moderator, debate=cast.debate)
    page = new_page(cast.moderator, via_form=False)
    page.set_viewport_size(PHONE)
    problems = []
    for path in ("exports/", "snapshots/1/diff/2/", "snapshots/1/diff/live/", "summary/"):
        page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/{path}")
        found = page.evaluate(OVERFLOW)
        if found["width"] > PHONE["width"]:
            problems.append(f"{path}: {found}")
    look(page, "summary-phone.png", full_page=False)

    assert problems == [], "\n".join(problems)
