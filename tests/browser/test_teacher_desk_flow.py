"""The teacher's week in one real browser run: a teacher creates a debate with the plain form,
opens it, hands out the invite links; three students join through sign-up and post; the
teacher finds them on the roster, grades two, releases; each graded student sees only their
own grade, the third sees none, and the participation CSV says who did what."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from debate.accounts.services import creator_set
from debate.arguments.models import Claim
from debate.debates.models import Debate, Membership, Role
from debate.permissions import SYSTEM
from tests.browser.test_accessibility import assert_no_serious_violations
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "seminar-debates-need-evidence"
TITLE = "Sanctions: tighten now or after the summit?"


def create_debate(teacher: Page, base: str) -> Debate:
    teacher.goto(f"{base}/debates/new/")
    teacher.get_by_label("Title", exact=True).fill(TITLE)
    teacher.get_by_label("Motion (the question)").fill("Should the EU tighten sanctions now?")
    teacher.get_by_label("Position 1: title").fill("Tighten now")
    teacher.get_by_label("Position 2: title").fill("Wait for the summit")
    teacher.get_by_label("Team 1: name").fill("Team Now")
    teacher.get_by_label("Team 1: argues").select_option("1")
    teacher.get_by_label("Team 2: name").fill("Team Later — Ґанна’s")
    teacher.get_by_label("Team 2: argues").select_option("2")
    teacher.get_by_role("button", name="Create debate").click()
    teacher.wait_for_url(re.compile(r"/d/[\w-]+/manage/$"))
    return Debate.objects.get(title=TITLE)


def open_debate(teacher: Page, base: str, debate: Debate) -> dict[str, str]:
    """Move the new debate to the opening phase; the invite links as the page shows them."""
    teacher.goto(f"{base}/d/{debate.slug}/")
    teacher.get_by_label("Move the debate to").select_option("opening")
    teacher.get_by_role("button", name="Change phase").click()
    expect(teacher.locator(".phase-step--current")).to_have_text("Opening")
    teacher.get_by_text("Team invite links (moderators only)").click()
    links = {}
    for item in teacher.locator(".invites li").all():
        name = item.locator("strong").first.inner_text()
        links[name] = item.locator("code").first.inner_text()
    return links


def join_by_sign_up(page: Page, link: str, username: str, team: str) -> None:
    page.goto(link)
    page.locator("main").get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name=f"Join {team}").click()
    expect(page.get_by_text(f"You joined {team} as a debater.")).to_be_visible()


def post_claim(page: Page, debate: Debate, position_title: str, text: str) -> None:
    position = debate.positions.get(title=position_title)
    page.locator(f"#position-{position.key}").get_by_role("link", name="Add a claim").click()
    slot = page.locator(f"#slot-p-{position.id}")
    slot.get_by_label("Claim").fill(text)
    slot.get_by_role("button", name="Add claim").click()
    expect(slot.locator(".notice")).to_contain_text("was added to the map")


def grade(teacher: Page, student: str, value: str, comment: str) -> None:
    teacher.get_by_role("link", name=student, exact=True).click()
    expect(teacher.get_by_role("heading", name=student)).to_be_visible()
    form = teacher.locator("#grade-form")
    form.get_by_label("Grade", exact=True).select_option(value)
    form.get_by_label("Comment for").fill(comment)
    form.get_by_role("button", name="Save the grade").click()
    expect(teacher.locator("#grade-form .notice")).to_contain_text("The grade is saved")


def test_a_teacher_runs_a_debate_from_invites_to_released_grades(new_page, live_server, db):
    base = live_server.url
    tamara = UserFactory(username="teacher-tamara")
    creator_set(actor=SYSTEM, user=tamara)
    teacher = new_page(tamara)  # through the real login form

    debate = create_debate(teacher, base)
    assert Membership.objects.get(debate=debate, user=tamara).role == Role.MODERATOR
    links = open_debate(teacher, base, debate)
    assert set(links) == {"Team Now", "Team Later — Ґанна’s"}

    students = {
        "sofia-now": ("Team Now", "Tighten now", "Delay rewards the aggressor — ✓ ünïcödé."),
        "ostap-later": ("Team Later — Ґанна’s", "Wait for the summit",
                        "A summit deal binds all 27 members at once."),
        "quiet-kim": ("Team Now", None, None),
    }  # fmt: skip
    pages = {}
    for username, (team, position, text) in students.items():
        page = new_page()
        join_by_sign_up(page, links[team], username, team)
        if text:
            post_claim(page, debate, position, text)
        pages[username] = page
    assert Claim.objects.filter(debate=debate).count() == 2

    # The roster: everyone, with who has not posted yet one filter away.
    teacher.goto(f"{base}/d/{debate.slug}/")
    teacher.locator(".moderator-links").get_by_role("link", name="People").click()
    roster = teacher.locator("main")
    for username in students:
        expect(roster).to_contain_text(username)
    assert_no_serious_violations(teacher)

    # Grading two of them, then releasing.
    teacher.goto(f"{base}/d/{debate.slug}/")
    teacher.locator(".moderator-links").get_by_role("link", name="Grading").click()
    grade(teacher, "sofia-now", "A", "Sharp and sourced — молодець.")
    teacher.get_by_role("link", name="Grading", exact=True).click()
    grade(teacher, "ostap-later", "B", "Good point; answer the rebuttals.")
    teacher.get_by_role("link", name="Grading", exact=True).click()
    release = teacher.locator("#grading-release")
    release.get_by_label("Grades, comments and feedback").check()
    release.get_by_label("I understand").check()
    release.get_by_role("button", name="Release").click()
    expect(release.locator(".notice")).to_contain_text("2 students notified")

    own = {"sofia-now": ("Grade: A", "молодець"), "ostap-later": ("Grade: B", "rebuttals")}
    for username, page in pages.items():
        page.goto(f"{base}/d/{debate.slug}/")
        expect(page.locator("li.claim").first).to_be_visible()
        if username in own:
            expect(page.locator("#my-grade")).to_contain_text(own[username][0])
            expect(page.locator("#my-grade")).to_contain_text(own[username][1])
            other = next(v for k, v in own.items() if k != username)
            expect(page.get_by_text(other[1])).to_have_count(0)
        else:
            expect(page.locator("#my-grade")).to_have_count(0)
            expect(page.get_by_text("Grade: ")).to_have_count(0)

    # The participation CSV, read back with Python's csv module as the teacher downloads it.
    response = teacher.request.get(f"{base}/d/{debate.slug}/participation.csv")
    assert response.status == 200
    rows = {r["username"]: r for r in csv.DictReader(io.StringIO(response.text()))}
    assert {name: (rows[name]["claims"], rows[name]["grade"]) for name in students} == {
        "sofia-now": ("1", "A"), "ostap-later": ("1", "B"), "quiet-kim": ("0", ""),
    }  # fmt: skip
