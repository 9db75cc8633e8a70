"""Grading in a real browser: the moderator grades two students and leaves feedback on a
claim, steps between them with Previous / Next, releases; each student then sees only their
own grade on the debate page, and a third student sees none. axe checks the grading pages
and the student's panel; the person view is the README's grading.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from debate.arguments.services import claim_create
from debate.debates.models import Role
from debate.debates.services import membership_set
from debate.permissions import SYSTEM
from tests.browser.conftest import SEEDED_SLUG
from tests.browser.test_accessibility import assert_no_serious_violations
from tests.factories import ClaimFactory, UserFactory, VoteFactory

pytestmark = pytest.mark.browser


def _url(live_server, path: str = "") -> str:
    return f"{live_server.url}/d/{SEEDED_SLUG}/{path}"


def _grade(page: Page, value: str, comment: str) -> None:
    form = page.locator("#grade-form")
    form.get_by_label("Grade", exact=True).select_option(value)
    form.get_by_label("Comment for").fill(comment)
    form.get_by_role("button", name="Save the grade").click()
    expect(page.locator("#grade-form .notice")).to_contain_text("The grade is saved")


def test_moderator_grades_two_students_and_each_sees_only_their_own(
    new_page, cast, live_server, screenshot
):
    debate = cast.debate
    nadia_claim = claim_create(
        actor=cast.debater_now, debate=debate, position=cast.position("now"), stance="pro",
        text="A 2028 target date gives Kyiv a credible horizon — עברית ✓",
    )  # fmt: skip
    claim_create(actor=cast.debater_after, debate=debate, position=cast.position("after"),
                 stance="pro", text="Accession first needs a settled border.")  # fmt: skip
    VoteFactory(user=cast.debater_now, claim=ClaimFactory(debate=debate,
                position=cast.position("after")), value=3)  # fmt: skip
    third = UserFactory(username="third-theo")
    membership_set(actor=SYSTEM, debate=debate, user=third, role=Role.DEBATER,
                   team=debate.teams.get(name="Team Now"))  # fmt: skip

    moderator = new_page(cast.moderator, via_form=False)
    errors: list[str] = []
    moderator.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    moderator.on("pageerror", lambda exc: errors.append(str(exc)))
    moderator.goto(_url(live_server))
    moderator.locator(".moderator-links").get_by_role("link", name="Grading").click()
    expect(moderator.get_by_role("heading", name="Grading and feedback")).to_be_visible()
    assert_no_serious_violations(moderator)

    # Team After sorts first: after-anton, then now-nadia (Next), then third-theo.
    moderator.get_by_role("link", name="after-anton", exact=True).click()
    expect(moderator.get_by_role("heading", name="after-anton")).to_be_visible()
    _grade(moderator, "C", "Good structure; cite the article.")
    moderator.get_by_role("link", name="Next: now-nadia").click()
    expect(moderator.get_by_role("heading", name="now-nadia")).to_be_visible()
    _grade(moderator, "A", "Clear, sourced and on time.")
    feedback = moderator.locator(f"#claim-feedback-{nadia_claim.pk}")
    feedback.get_by_label(f"Feedback on #{nadia_claim.pk}").fill("Name the source for 2028.")
    feedback.get_by_role("button", name="Add feedback").click()
    expect(feedback.locator(".notice")).to_contain_text("is saved")
    expect(feedback.locator(".feedback-note")).to_contain_text("Name the source for 2028.")
    expect(moderator.get_by_text("rated 3")).to_be_visible()
    assert_no_serious_violations(moderator)
    moderator.locator("#grade-form").scroll_into_view_if_needed()
    moderator.evaluate("window.scrollTo(0, 0)")
    screenshot(moderator, "grading.png")
    expect(moderator.get_by_role("link", name="Previous: after-anton")).to_be_visible()

    # Release: the confirmation is required, then the panel says who was notified.
    moderator.get_by_role("link", name="Grading", exact=True).click()
    release = moderator.locator("#grading-release")
    release.get_by_label("Grades, comments and feedback").check()
    release.get_by_label("I understand").check()
    release.get_by_role("button", name="Release").click()
    expect(moderator.locator("#grading-release .notice")).to_contain_text("2 students notified")
    assert errors == []

    nadia = new_page(cast.debater_now, via_form=False)
    nadia.goto(_url(live_server))
    panel = nadia.locator("#my-grade")
    expect(panel).to_contain_text("Grade: A")
    expect(panel).to_contain_text("Name the source for 2028.")
    expect(nadia.get_by_text("Good structure; cite the article.")).to_have_count(0)
    assert_no_serious_violations(nadia)
    nadia.goto(f"{live_server.url}/activity/")
    expect(nadia.get_by_text("Your grade or feedback in")).to_be_visible()

    anton = new_page(cast.debater_after, via_form=False)
    anton.goto(_url(live_server))
    expect(anton.locator("#my-grade")).to_contain_text("Grade: C")
    expect(anton.get_by_text("Clear, sourced and on time.")).to_have_count(0)
    expect(anton.get_by_text("Name the source for 2028.")).to_have_count(0)

    theo = new_page(third, via_form=False)
    theo.goto(_url(live_server))
    expect(theo.locator("li.claim").first).to_be_visible()
    expect(theo.locator("#my-grade")).to_have_count(0)
    expect(theo.get_by_text("Grade: ")).to_have_count(0)
