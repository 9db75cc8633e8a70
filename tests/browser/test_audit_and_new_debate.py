"""In a real browser: the audit trail read as sentences (axe, 1280 and 375 px wide), and a
teacher setting up a debate through the new-debate form, seeing every mistake at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Page, expect

from debate.arguments.models import Claim
from debate.arguments.services import claim_create, claim_hide
from debate.debates.models import Debate, Phase
from debate.debates.services import phase_change
from tests.browser.conftest import SEEDED_SLUG, screenshot_taker
from tests.browser.test_accessibility import assert_no_serious_violations
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

SHOTS = Path("/work/shots/auditform")
HOSTILE = "<script>alert('x')</script> \u202eRTL\u202c 🙂 " + "a long claim that goes on " * 5


@pytest.fixture
def shots(tmp_path):
    """Screenshots for the reviewer to look at: /work/shots/auditform when there is such a
    place, else the test's tmp dir (each is checked as the `screenshot` fixture checks)."""
    folder = SHOTS if SHOTS.parent.is_dir() else tmp_path
    folder.mkdir(exist_ok=True)
    return screenshot_taker(folder)


def some_events(cast) -> Claim:
    """A rebuttal with hostile text, hidden with a reason, and a phase change."""
    parent = (Claim.objects.filter(debate=cast.debate, parent=None, position__key="now")
              .order_by("id").first())  # fmt: skip
    claim = claim_create(actor=cast.debater_after, debate=cast.debate, position=parent.position,
                         parent=parent, text=HOSTILE, stance="con")  # fmt: skip
    claim_hide(actor=cast.moderator, claim=claim, reason="<b>Off topic</b>, and rude")
    phase_change(actor=cast.moderator, debate=cast.debate, phase=Phase.VOTING)
    return claim


@pytest.mark.parametrize("width", [1280, 375])
def test_the_audit_trail_reads_as_sentences(new_page, cast, live_server, width, shots, screenshot):
    claim = some_events(cast)
    page = new_page(cast.moderator, via_form=False)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/audit/")

    sentences = page.locator(".audit-sentence")
    expect(sentences.first).to_have_text("mod-maria moved the debate to the voting phase")
    expect(sentences.nth(1)).to_contain_text(f"mod-maria hid #{claim.pk}: <b>Off topic</b>")
    expect(sentences.nth(2)).to_contain_text("after-anton attacked #")
    expect(sentences.nth(2)).to_contain_text("<script>alert('x')</script>")
    assert "…" in sentences.nth(2).inner_text()  # cut at 80 characters
    page.locator(".audit-state summary").nth(1).click()
    expect(page.locator(".audit-state pre").nth(3)).to_contain_text('"is_hidden": true')
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_serious_violations(page)
    shots(page, f"audit-{width}.png")
    if width == 1280:
        screenshot(page, "audit-trail.png")


def fill_rows(page: Page) -> None:
    page.get_by_label("Title", exact=True).fill("Sanctions: now or after the summit?")
    page.get_by_label("Motion (the question)").fill("Should the EU tighten sanctions now?")
    page.get_by_label("Position 1: title").fill("Tighten now")
    page.get_by_label("Position 1: description").fill("Before the summit.")
    page.get_by_label("Position 2: title").fill("")  # mistake 2: only one position
    page.get_by_label("Team 1: name").fill("Team Now")
    page.get_by_label("Team 1: argues").select_option("1")
    page.get_by_label("Team 2: name").fill("team now")  # mistake 3: the same name again
    page.get_by_label("Team 2: argues").select_option("1")


def test_a_teacher_sees_every_mistake_at_once_then_creates_the_debate(
    new_page, seeded, live_server, screenshot, shots
):
    teacher = UserFactory(username="teacher-tanya")
    teacher.user_permissions.add(Permission.objects.get(codename="create_debate"))
    page = new_page(teacher)
    page.goto(f"{live_server.url}/debates/new/")
    fill_rows(page)
    page.get_by_label("Title", exact=True).fill("")  # mistake 1: no title
    page.get_by_role("button", name="Create debate").click()

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("3 problems to fix")
    expect(summary.get_by_role("link")).to_have_count(3)
    expect(page.locator("#new-title-error")).to_have_text("This field is required.")
    expect(page.locator("#positions-error")).to_contain_text("at least two positions")
    expect(page.locator("#teams-1-name-error")).to_contain_text("Another team has this name")
    expect(page.get_by_label("Team 2: name")).to_have_attribute(
        "aria-describedby", "teams-1-name-error"
    )
    # What was typed stays.
    expect(page.get_by_label("Position 1: description")).to_have_value("Before the summit.")
    expect(page.get_by_label("Team 2: argues")).to_have_value("1")
    assert_no_serious_violations(page)
    screenshot(page, "new-debate-errors.png", full_page=True)
    shots(page, "new-debate-errors.png", full_page=True)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Title", exact=True)).to_be_focused()

    page.get_by_label("Title", exact=True).fill("Sanctions: now or after the summit?")
    page.get_by_label("Position 2: title").fill("Wait for the summit")
    page.get_by_label("Team 2: name").fill("Team Wait")
    page.get_by_label("Team 2: argues").select_option("2")
    page.get_by_role("button", name="Create debate").click()

    debate = Debate.objects.get(title="Sanctions: now or after the summit?")
    page.wait_for_url(f"{live_server.url}/d/{debate.slug}/manage/")
    assert dict(debate.teams.values_list("name", "position__title")) == {
        "Team Now": "Tighten now", "Team Wait": "Wait for the summit",
    }  # fmt: skip
    assert debate.positions.get(title="Tighten now").description == "Before the summit."


def test_the_new_debate_form_works_without_javascript(new_page, seeded, live_server):
    teacher = UserFactory(username="teacher-tom")
    teacher.user_permissions.add(Permission.objects.get(codename="create_debate"))
    page = new_page(teacher, via_form=False, javascript=False)
    page.goto(f"{live_server.url}/debates/new/")
    page.get_by_label("Title", exact=True).fill("Three views")
    page.get_by_label("Motion (the question)").fill("Now, later or never?")
    page.get_by_label("Position 1: title").fill("Now")
    page.get_by_label("Position 2: title").fill("Later")
    page.get_by_text("More positions").click()  # <details>: no script needed
    page.get_by_label("Position 3: title").fill("Never")
    page.get_by_label("Team 1: name").fill("Team Never")
    page.get_by_label("Team 1: argues").select_option("3")
    page.get_by_role("button", name="Create debate").click()

    debate = Debate.objects.get(title="Three views")
    page.wait_for_url(f"{live_server.url}/d/{debate.slug}/manage/")
    assert list(debate.positions.values_list("title", flat=True)) == ["Now", "Later", "Never"]
    assert debate.teams.get().position.title == "Never"


def test_the_new_debate_form_with_errors_fits_a_phone(new_page, seeded, live_server, shots):
    teacher = UserFactory(username="teacher-pat")
    teacher.user_permissions.add(Permission.objects.get(codename="create_debate"))
    page = new_page(teacher, via_form=False)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/debates/new/")
    fill_rows(page)
    page.get_by_label("Team 2: name").fill("A team name that is long enough to wrap on a phone")
    page.get_by_role("button", name="Create debate").click()

    expect(page.locator("#error-summary")).to_contain_text("problem")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shots(page, "new-debate-375.png", full_page=True)
