"""Standings and the positions' strength tags never disagree: after a vote, in the voter's
page (the vote's fragment) and in another person's page (the live poll), in real Chromium.
Also the results and why pages as a person sees them (screenshots)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from debate.arguments.models import Claim
from debate.debates import scoring
from debate.mapview.cache import debate_map
from tests.browser.conftest import SEEDED_SLUG
from tests.browser.test_accessibility import assert_no_serious_violations

pytestmark = pytest.mark.browser

LIVE = 5_000  # ms: the page polls every 3 s


def shown_numbers(page: Page, position_id: int) -> tuple[str, str]:
    """The position's value in the standings and on its own strength tag."""
    index = page.evaluate(
        "id => [...document.querySelectorAll('.position-head')].findIndex("
        "h => h.id === 'position-head-' + id)", position_id)  # fmt: skip
    standing = page.locator("#standings .standing-value").nth(index).inner_text()
    tag = page.locator(f"#position-strength-{position_id}").inner_text()
    return standing, re.sub(r"^strength ", "", tag)


def test_a_vote_updates_standings_and_position_tags_together_for_both_people(
    new_page, cast, live_server
):
    now = cast.position("now")
    # One of "now"'s top-level claims, which Team After's debater may rate (not their own).
    claim = Claim.objects.filter(position=now, parent__isnull=True).exclude(
        author=cast.debater_after).order_by("id").first()  # fmt: skip
    url = f"{live_server.url}/d/{SEEDED_SLUG}/"
    watcher = new_page(cast.moderator, via_form=False)
    watcher.goto(url)
    voter = new_page(cast.debater_after, via_form=False)
    voter.goto(url)
    before = shown_numbers(watcher, now.pk)
    assert before[0] == before[1]

    # Rate the claim "none", then "decisive": one of the two moves "now" for sure.
    buttons = voter.locator(f"#votes-{claim.pk} button.vote")
    summary = voter.locator(f"#votes-{claim.pk} .tally-summary")
    buttons.first.click()
    expect(summary).to_contain_text("mean impact 0.0 / 4")
    buttons.last.click()
    expect(summary).to_contain_text("mean impact 4.0 / 4")  # the second vote is in
    expected = scoring.shown(debate_map(cast.debate).position(now.pk).strength)

    # The voter's own page: the vote's fragment redraws both.
    expect(voter.locator(f"#position-strength-{now.pk}")).to_have_text(
        f"strength {expected}", timeout=LIVE)  # fmt: skip
    assert shown_numbers(voter, now.pk) == (expected, expected)
    # The other page: the live poll redraws both, without a reload.
    expect(watcher.locator(f"#position-strength-{now.pk}")).to_have_text(
        f"strength {expected}", timeout=LIVE)  # fmt: skip
    assert shown_numbers(watcher, now.pk) == (expected, expected)
    for position in cast.debate.positions.all():
        standing, tag = shown_numbers(watcher, position.pk)
        assert standing == tag, position.key


@pytest.mark.screenshots
def _rate_the_seeded_debate(cast) -> None:
    """Four observers rate every top-level claim: "now"'s claims 3 or 4, "after"'s 1 or 2."""
    from debate.arguments.models import Vote
    from debate.audit.services import debate_version_bump
    from debate.debates.models import Role
    from tests.factories import MembershipFactory

    people = [MembershipFactory(debate=cast.debate, role=Role.OBSERVER).user for _ in range(4)]
    Vote.objects.bulk_create([
        Vote(user=user, claim=claim, value=(3 if claim.position.key == "now" else 1) + n % 2)
        for claim in Claim.objects.filter(debate=cast.debate, parent__isnull=True)
        .select_related("position")
        for n, user in enumerate(people)
    ])  # fmt: skip
    debate_version_bump(cast.debate.pk)  # the cached map of the version before is stale


def test_results_and_why_pages_look_right(new_page, cast, live_server, screenshot):
    _rate_the_seeded_debate(cast)
    page = new_page(cast.debater_now, via_form=False)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/results/")
    expect(page.get_by_role("heading", name="Stronger case")).to_be_visible()
    expect(page.get_by_role("heading", name="Audience swing")).to_be_visible()
    expect(page.locator("#stronger-case")).to_contain_text("makes the stronger case")
    assert_no_serious_violations(page)
    screenshot(page, "results-verdicts.png", full_page=True)

    claim = Claim.objects.filter(position=cast.position("now"), parent__isnull=True).order_by(
        "id").first()  # fmt: skip
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/claims/{claim.pk}/why/")
    expect(page.locator(".why-lead")).to_contain_text("This claim counts for")
    expect(page.locator(".why-steps")).to_be_hidden()  # the arithmetic is one click away
    page.get_by_text("Show the arithmetic").click()
    expect(page.locator(".why-steps")).to_be_visible()
    assert_no_serious_violations(page)
    screenshot(page, "why-claim.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/results/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    screenshot(page, "results-phone.png", full_page=True)


def test_before_their_phase_the_debate_page_says_when_standings_show(new_page, cast, live_server,
                                                                     screenshot):  # fmt: skip
    from debate.debates.services import debate_update

    d = cast.debate
    debate_update(actor=cast.moderator, debate=d, title=d.title, motion=d.motion,
                  description=d.description, is_public=d.is_public,
                  allow_observers=d.allow_observers, count_observer_votes=d.count_observer_votes,
                  standings_from="voting")  # fmt: skip
    page = new_page(cast.debater_now, via_form=False)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")

    expect(page.locator("#standings")).to_have_text("Standings show from the voting phase.")
    expect(page.locator(".claim-card .strength")).to_have_count(0)
    expect(page.locator(".position-head .strength")).to_have_count(0)
    assert_no_serious_violations(page)
    screenshot(page, "standings-later.png")
