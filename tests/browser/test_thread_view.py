"""The thread view in real Chromium: axe finds nothing serious, the columns sit side by side
on a laptop and stack on a phone, live replies land in their column, "new" marks show, and
the README's screenshot of it."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache as django_cache
from django.utils import timezone
from playwright.sync_api import expect

from debate.activity.models import DebateVisit
from debate.activity.services import VISIT_GAP, visit_record
from debate.arguments.models import Claim
from debate.arguments.services import claim_create, vote_cast
from debate.mapview import cache as maps
from tests.browser.conftest import SEEDED_SLUG
from tests.browser.test_accessibility import assert_no_serious_violations

pytestmark = pytest.mark.browser


def busiest_claim(debate) -> Claim:
    """The seeded claim with both supports and attacks under it."""
    for claim in Claim.objects.filter(debate=debate).order_by("id"):
        stances = set(claim.children.values_list("stance", flat=True))
        if stances == {"pro", "con"}:
            return claim
    raise AssertionError("the seed has no claim with both supports and attacks")


def thread_url(live_server, claim) -> str:
    return f"{live_server.url}/d/{SEEDED_SLUG}/claims/{claim.pk}/"


def richer_thread(cast) -> Claim:
    """The busiest seeded thread, with two more replies and a few votes, as in a seminar."""
    claim = busiest_claim(cast.debate)
    claim_create(actor=cast.debater_after, debate=cast.debate, position=claim.position,
                 parent=claim, stance="con",
                 text="A fixed date hands Moscow a deadline to escalate against.")  # fmt: skip
    claim_create(actor=cast.debater_now, debate=cast.debate, position=claim.position,
                 parent=claim, stance="pro",
                 text="Allies already plan together; a date only makes that public.")  # fmt: skip
    for reply in claim.children.order_by("id")[:2]:
        vote_cast(actor=cast.moderator, claim=reply, value=3)
    return claim


@pytest.mark.parametrize("role", [None, "debater_after", "moderator"])
def test_thread_view_has_no_serious_violations(new_page, cast, live_server, role):
    claim = richer_thread(cast)
    page = new_page(getattr(cast, role) if role else None, via_form=False)
    page.goto(thread_url(live_server, claim))
    expect(page.locator(".thread-column--pro li.claim").first).to_be_visible()
    expect(page.locator(".thread-column--con li.claim").first).to_be_visible()
    page.locator("#keys-help summary").click()  # the help open, so axe checks it too
    assert_no_serious_violations(page)


def test_thread_columns_sit_side_by_side_and_stack_on_a_phone(new_page, cast, live_server):
    claim = busiest_claim(cast.debate)
    page = new_page()
    page.goto(thread_url(live_server, claim))
    pro = page.locator(".thread-column--pro").bounding_box()
    con = page.locator(".thread-column--con").bounding_box()
    assert pro["x"] + pro["width"] <= con["x"] and abs(pro["y"] - con["y"]) < 2
    page.set_viewport_size({"width": 375, "height": 812})
    pro = page.locator(".thread-column--pro").bounding_box()
    con = page.locator(".thread-column--con").bounding_box()
    assert con["y"] >= pro["y"] + pro["height"] - 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375


def test_a_live_attack_lands_in_the_attacks_column(new_page, cast, live_server):
    claim = busiest_claim(cast.debate)
    page = new_page(cast.debater_now, via_form=False)
    page.goto(thread_url(live_server, claim))
    expect(page.locator(".thread-column--con li.claim").first).to_be_visible()
    reply = claim_create(actor=cast.debater_after, debate=cast.debate, position=claim.position,
                         parent=claim, stance="con",
                         text="Arrived while you were reading.")  # fmt: skip
    expect(page.locator(f".thread-column--con #claim-{reply.pk}")).to_be_visible(timeout=10_000)
    expect(page.locator(f".thread-column--pro #claim-{reply.pk}")).to_have_count(0)


def test_new_marks_show_after_a_break_and_link_to_the_first(new_page, cast, live_server):
    reader = cast.debater_now
    visit_record(user=reader, debate=cast.debate)
    ended = timezone.now() - VISIT_GAP - datetime.timedelta(minutes=1)
    Claim.objects.filter(debate=cast.debate).update(created_at=ended - datetime.timedelta(1))
    DebateVisit.objects.filter(user=reader).update(seen_at=ended)
    django_cache.clear()
    maps.clear()
    parent = Claim.objects.filter(debate=cast.debate, parent=None).order_by("id").first()
    reply = claim_create(actor=cast.debater_after, debate=cast.debate, position=parent.position,
                         parent=parent, stance="con", text="Written during the break.")  # fmt: skip
    page = new_page(reader, via_form=False)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")
    expect(page.locator(".badge--new")).to_have_count(1)
    expect(page.locator(f"#claim-card-{reply.pk} .badge--new")).to_be_visible()
    page.get_by_role("link", name=f"Go to the first (#{reply.pk})").click()
    expect(page.locator(f"#claim-card-{reply.pk}")).to_be_focused()


def test_screenshot_of_the_thread_view(new_page, cast, live_server, screenshot):
    claim = richer_thread(cast)
    page = new_page(cast.debater_after, via_form=False)
    page.goto(thread_url(live_server, claim))
    expect(page.locator(".thread-column--con li.claim").first).to_be_visible()
    page.locator(f"#claim-card-{claim.pk}").focus()
    screenshot(page, "thread-view.png")


def test_changes_below_what_the_thread_draws_log_no_errors(new_page, cast, live_server):
    """The poll sends every changed card under the thread; the page drops those it does not
    draw (a reply's own replies) instead of htmx logging oobErrorNoTarget for each."""
    claim = Claim.objects.filter(debate=cast.debate, parent=None).order_by("id").first()
    child = claim.children.order_by("id").first()
    grandchild = child.children.order_by("id").first()
    assert grandchild is not None
    page = new_page(cast.debater_now, via_form=False)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(thread_url(live_server, claim))
    version = page.locator("#live").get_attribute("data-version")
    vote_cast(actor=cast.moderator, claim=grandchild, value=3)
    claim_create(actor=cast.debater_after, debate=cast.debate, position=claim.position,
                 parent=grandchild, stance="con", text="Two levels below the thread.")  # fmt: skip
    expect(page.locator("#live")).not_to_have_attribute("data-version", version, timeout=10_000)
    page.wait_for_timeout(500)
    assert errors == []
    expect(page.locator(f"#claim-card-{grandchild.pk}")).to_have_count(0)
