"""Keyboard only, in real Chromium: from the debate page to a thread, a vote and a reply.

Every step uses the keys the page documents (static/js/keys.js, the "Keys" help) or Tab and
Enter: the map is one tab stop, the keys move between claims, a digit votes, `r` opens a
reply, and after posting, the focus lands on the new claim, in view (not on <body>).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from debate.arguments.models import Claim, Vote
from tests.browser.conftest import SEEDED_SLUG

pytestmark = pytest.mark.browser

# The id of the claim card holding the focus ("" when the focus is elsewhere).
FOCUSED_CARD = """() => {
  const card = document.activeElement && document.activeElement.closest(".claim-card");
  return card ? card.id.replace("claim-card-", "") : "";
}"""
IN_VIEWPORT = """(id) => {
  const box = document.getElementById("claim-card-" + id).getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
}"""
TAB_LIMIT = 60  # far more than the page's controls above the map; 73 reached "Attack" before


def focused_card(page: Page) -> str:
    return page.evaluate(FOCUSED_CARD)


def press(page: Page, key: str, expected: int) -> None:
    page.keyboard.press(key)
    page.wait_for_function(f"() => ({FOCUSED_CARD})() === '{expected}'", timeout=5000)


def test_a_thread_is_navigated_voted_on_and_answered_by_keyboard_alone(new_page, cast, live_server):
    debate = cast.debate
    now = list(Claim.objects.filter(debate=debate, parent=None, position__key="now")
               .order_by("id"))  # fmt: skip
    first, second, third = now[:3]
    replies = list(third.children.order_by("id"))
    support, attack = replies[0], replies[1]
    assert (support.stance, attack.stance) == ("pro", "con")
    page = new_page(cast.debater_after, via_form=False)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")
    expect(page.locator(f"#claim-card-{first.pk}")).to_be_visible()

    # Tab reaches the map: the first claim's card, without walking through every control.
    tabs = 0
    while focused_card(page) == "" and tabs < TAB_LIMIT:
        page.keyboard.press("Tab")
        tabs += 1
    assert focused_card(page) == str(first.pk), f"no card after {tabs} Tab presses"
    stops = page.evaluate("() => document.querySelectorAll('.claim-card[tabindex=\"0\"]').length")
    assert stops == 1  # one tab stop for the whole map
    expect(page.locator(f"#claim-card-{first.pk}")).to_be_focused()

    # Siblings, first reply, parent.
    press(page, "j", second.pk)
    press(page, "ArrowDown", third.pk)
    press(page, "d", support.pk)
    press(page, "j", attack.pk)
    press(page, "k", support.pk)
    press(page, "u", third.pk)
    press(page, "ArrowRight", support.pk)
    press(page, "ArrowLeft", third.pk)
    press(page, "ArrowUp", second.pk)
    press(page, "ArrowDown", third.pk)

    # Enter opens the thread view: the claim on top, supports and attacks side by side.
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/d/{SEEDED_SLUG}/claims/{third.pk}/")
    expect(page.locator(f"#claim-card-{third.pk}")).to_be_focused()
    expect(page.locator(f".thread-column--pro #claim-{support.pk}")).to_be_visible()
    expect(page.locator(f".thread-column--con #claim-{attack.pk}")).to_be_visible()
    press(page, "d", support.pk)
    press(page, "j", attack.pk)  # the attacks column follows the supports

    # A digit votes on the focused claim.
    page.keyboard.press("3")
    expect(page.locator(f"#vote-{attack.pk}-3")).to_have_attribute("aria-pressed", "true")
    assert Vote.objects.active().get(user=cast.debater_after, claim=attack).value == 3
    assert focused_card(page) == str(attack.pk)

    # `r` opens a supporting reply; type, then Ctrl+Enter posts it (the documented key).
    page.keyboard.press("r")
    textarea = page.locator(f"#slot-{attack.pk} textarea")
    expect(textarea).to_be_focused()
    expect(page.locator(f"#slot-{attack.pk} input[name=stance][value=pro]")).to_be_checked()
    page.keyboard.type("Typed with the keyboard alone: a support for the attack.")
    page.keyboard.press("Control+Enter")

    page.wait_for_function(
        "() => document.activeElement && document.activeElement.closest('li.claim')"
        f" && document.activeElement.closest('li.claim').id !== 'claim-{attack.pk}'",
        timeout=10000,
    )
    new = Claim.objects.get(debate=debate, text__startswith="Typed with the keyboard alone")
    assert new.parent_id == attack.pk and new.stance == "pro"
    active_item = page.evaluate("() => document.activeElement.closest('li.claim').id")
    assert active_item == f"claim-{new.pk}"
    assert page.evaluate(IN_VIEWPORT, new.pk)


def test_keys_are_left_alone_while_typing_and_with_modifiers(new_page, cast, live_server):
    first = Claim.objects.filter(debate=cast.debate, parent=None).order_by("id").first()
    page = new_page(cast.debater_after, via_form=False)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")
    page.locator(f"#claim-card-{first.pk}").focus()
    page.keyboard.press("Control+j")
    assert focused_card(page) == str(first.pk)
    field = page.locator("#jump-n")
    field.focus()
    page.keyboard.type("j3")
    expect(field).to_have_value("j3")
    assert not Vote.objects.filter(user=cast.debater_after).exists()


def test_the_keys_help_and_collapse_all_work(new_page, cast, live_server):
    page = new_page(cast.debater_after, via_form=False)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")
    help_panel = page.locator("#keys-help")
    expect(help_panel).to_be_visible()
    page.keyboard.press("?")
    expect(help_panel).to_have_attribute("open", "")
    expect(help_panel.get_by_text("first reply")).to_be_visible()
    replies = page.locator("details.replies[open]")
    assert replies.count() > 0
    page.get_by_role("button", name="Collapse all").click()
    expect(replies).to_have_count(0)
    page.get_by_role("button", name="Expand all").click()
    assert page.locator("details.replies:not([open])").count() == 0


def test_without_javascript_the_buttons_that_need_it_are_not_shown(new_page, cast, live_server):
    page = new_page(javascript=False)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")
    expect(page.get_by_role("button", name="Collapse all")).to_be_hidden()
    expect(page.locator("#keys-help")).to_be_hidden()
    expect(page.get_by_label("Go to claim #")).to_be_visible()
