"""Two people in two browsers work on one map: what one does, the other sees without reloading.

Each person has a browser context of their own (their own cookies), against pytest-django's
live server with the shipped seed. Timing is asserted only through Playwright's auto-waiting
`expect(..., timeout=...)`: the page polls for changes every 3 s, so 5 s is the promise.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from debate.arguments.models import Claim, Vote
from debate.arguments.services import claim_create
from tests.browser.conftest import SEEDED_SLUG

pytestmark = pytest.mark.browser

LIVE = 5_000  # ms: a change made by one person shows for the other within this


def debate_url(live_server) -> str:
    return f"{live_server.url}/d/{SEEDED_SLUG}/"


def card(page: Page, claim_id: int) -> Locator:
    """The claim's own card, in its place in the tree (not its replies, nor its slot)."""
    return page.locator(f"li#claim-{claim_id} > .claim-card")


def claim_in(page: Page, parent: str, text: str) -> Locator:
    """A claim with `text` directly in the list `#children-<parent>`."""
    return page.locator(f"#children-{parent} > li.claim", has_text=text)


def mark_page(page: Page) -> None:
    """Set a marker that a navigation or reload would wipe out."""
    page.evaluate("() => { window.__marker = 1; }")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("() => window.__marker") == 1, f"{page.url} navigated or reloaded"


def added_claim_id(slot: Locator) -> int:
    """The id the compose form reports once the claim is saved ("Your claim #N was added")."""
    notice = slot.locator(".notice")
    expect(notice).to_contain_text("was added to the map")
    return int(re.search(r"#(\d+)", notice.inner_text()).group(1))


def claim_by(user, position, text: str) -> Claim:
    """A claim that `user` wrote before the test's browsers open, through the service."""
    return claim_create(
        actor=user, debate=position.debate, position=position, text=text, stance="pro"
    )


def tally(page: Page, claim_id: int) -> Locator:
    return page.locator(f"#votes-{claim_id} .tally-summary")


def vote_buttons(page: Page, claim_id: int) -> Locator:
    return page.locator(f"#votes-{claim_id} button.vote")


def test_claim_added_by_one_debater_appears_for_the_other_within_five_seconds(
    new_page, cast, live_server
):
    now = cast.position("now")
    # A supports a reply deep in the "now" tree (z); meanwhile B is writing an attack on its
    # parent (x), whose card the live update re-renders because its strength may change.
    z = (
        Claim.objects.filter(position=now, parent__parent__isnull=True, parent__isnull=False)
        .select_related("parent")
        .order_by("-id")
        .first()
    )
    x = z.parent
    draft = "B's unfinished attack: the 2028 target date ignores the ratification calendar."
    text = "A adds: talks can start now because accession takes years to complete anyway."

    page_b = new_page(cast.debater_after, via_form=False)
    page_b.goto(debate_url(live_server))
    card(page_b, x.pk).get_by_role("link", name="Attack").click()
    draft_box = page_b.locator(f"#slot-{x.pk} textarea")
    draft_box.press_sequentially(draft)
    draft_box.evaluate("el => el.scrollIntoView({block: 'center'})")
    scroll_before = page_b.evaluate("() => window.scrollY")
    box_before = draft_box.bounding_box()
    assert scroll_before > 300, "B's form should sit well down the page for this test to mean much"
    mark_page(page_b)
    card(page_b, x.pk).evaluate("el => { el.__before = 1; }")  # gone once the card is redrawn

    page_a = new_page(cast.debater_now)  # through the login form
    page_a.goto(debate_url(live_server))
    mark_page(page_a)
    card(page_a, z.pk).get_by_role("link", name="Support").click()
    slot_a = page_a.locator(f"#slot-{z.pk}")
    expect(slot_a.get_by_label(f"supports #{z.pk}")).to_be_checked()
    slot_a.get_by_label("Claim").fill(text)
    slot_a.get_by_role("button", name="Add claim").click()

    # B sees it within 5 s of A's click, without a reload...
    expect(claim_in(page_b, str(z.pk), text)).to_be_visible(timeout=LIVE)
    # ... and A sees it in place, once, with the form closed into a notice.
    new_id = added_claim_id(slot_a)
    expect(claim_in(page_a, str(z.pk), text)).to_have_count(1)
    expect(page_a.locator(f"li#claim-{new_id}")).to_be_visible()
    expect(page_a.locator(f"li#claim-{new_id} .stance").first).to_have_text("Supports")
    assert_not_reloaded(page_a)
    assert Claim.objects.get(pk=new_id).author_id == cast.debater_now.pk

    expect(page_b.locator(f'[id="claim-{new_id}"]')).to_have_count(1)
    assert_not_reloaded(page_b)
    # X's card, just above B's form, was redrawn by the live update (its strength changed).
    assert card(page_b, x.pk).evaluate("el => el.__before") is None
    # B's draft, focus and scroll position survived the live update.
    expect(draft_box).to_have_value(draft)
    expect(draft_box).to_be_focused()
    assert abs(page_b.evaluate("() => window.scrollY") - scroll_before) <= 3
    assert abs(draft_box.bounding_box()["y"] - box_before["y"]) <= 3


def test_rebuttal_and_votes_show_tallies_for_both(new_page, cast, live_server, screenshot):
    claim_a = claim_by(
        cast.debater_now,
        cast.position("now"),
        "Opening talks now signals that Russia has no veto over NATO enlargement.",
    )
    rebuttal_text = "A signal without a date is cheap: Moscow has read such signals since 2008."

    page_a = new_page(cast.debater_now)
    page_b = new_page(cast.debater_after, via_form=False)
    for page in (page_a, page_b):
        page.goto(debate_url(live_server))
        mark_page(page)

    # B rebuts A's claim: "Attack" under it, with the stance already chosen.
    card(page_b, claim_a.pk).get_by_role("link", name="Attack").click()
    slot_b = page_b.locator(f"#slot-{claim_a.pk}")
    expect(slot_b.get_by_label(f"attacks #{claim_a.pk}")).to_be_checked()
    slot_b.get_by_label("Claim").fill(rebuttal_text)
    slot_b.get_by_role("button", name="Add claim").click()
    rebuttal_id = added_claim_id(slot_b)
    for page in (page_b, page_a):
        rebuttal = claim_in(page, str(claim_a.pk), rebuttal_text)
        expect(rebuttal).to_be_visible(timeout=LIVE)
        expect(card(page, rebuttal_id).locator(".badge--rebuttal")).to_have_text("Rebuttal")
        expect(card(page, rebuttal_id).locator(".stance")).to_have_text("Attacks")
    slot_b.get_by_role("button", name="Close").click()  # the "claim #N was added" notice
    expect(slot_b).to_be_empty()

    # Nobody rates their own claim: no vote buttons there, only the tally.
    expect(vote_buttons(page_a, claim_a.pk)).to_have_count(0)
    expect(vote_buttons(page_b, rebuttal_id)).to_have_count(0)
    for page in (page_a, page_b):
        expect(tally(page, claim_a.pk)).to_have_text("No votes yet")
        expect(tally(page, rebuttal_id)).to_have_text("No votes yet")

    # Each votes on the other's claim with one click.
    for voter, author, claim_id, value, label in (
        (page_b, page_a, claim_a.pk, 3, "strong"),
        (page_a, page_b, rebuttal_id, 1, "minor"),
    ):
        buttons = vote_buttons(voter, claim_id)
        expect(buttons).to_have_count(5)
        buttons.filter(has_text=label).click()
        expected = f"1 vote · mean impact {value}.0 / 4"
        expect(tally(voter, claim_id)).to_have_text(expected)
        expect(buttons.nth(value)).to_have_attribute("aria-pressed", "true")
        pressed = [b.get_attribute("aria-pressed") for b in buttons.all()]
        assert pressed == ["true" if i == value else "false" for i in range(5)], pressed
        expect(voter.locator(f"#votes-{claim_id} .vote--mine")).to_have_text(
            re.compile(rf"^{value}\b")
        )
        expect(tally(author, claim_id)).to_have_text(expected, timeout=LIVE)
        expect(vote_buttons(author, claim_id)).to_have_count(0)
    assert list(Vote.objects.filter(claim=claim_a).values_list("user", "value")) == [
        (cast.debater_after.pk, 3)
    ]
    assert list(Vote.objects.filter(claim_id=rebuttal_id).values_list("user", "value")) == [
        (cast.debater_now.pk, 1)
    ]
    assert_not_reloaded(page_a)
    assert_not_reloaded(page_b)

    # The docs' screenshot: B's view, A's claim with B's vote marked and the rebuttal under it.
    page_b.locator(f"li#claim-{claim_a.pk}").evaluate(
        "el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 120)"
    )
    expect(page_b.locator(f"#votes-{claim_a.pk}")).to_be_in_viewport()
    expect(page_b.locator(f"#votes-{rebuttal_id}")).to_be_in_viewport()
    page_b.mouse.move(0, 0)  # no hover state on the button just clicked
    screenshot(page_b, "map-with-votes.png")


def test_edit_conflict_shows_current_text_and_keeps_draft(new_page, cast, live_server):
    claim = claim_by(
        cast.debater_now,
        cast.position("now"),
        "Bilateral agreements are a stopgap that cannot replace Article 5.",
    )
    moderator_text = "Bilateral agreements are a stopgap; they cannot replace Article 5."
    draft = "Bilateral agreements are a temporary recourse and cannot replace Article 5 guarantees."

    page_m = new_page(cast.moderator, via_form=False)
    page_a = new_page(cast.debater_now)
    forms = {}
    for page in (page_m, page_a):
        page.goto(debate_url(live_server))
        mark_page(page)
        card(page, claim.pk).get_by_role("link", name="Edit").click()
        forms[page] = page.locator(f"#slot-{claim.pk} form")
        expect(forms[page].get_by_label("Claim text")).to_have_value(claim.text)

    # The moderator saves first.
    forms[page_m].get_by_label("Claim text").fill(moderator_text)
    forms[page_m].get_by_role("button", name="Save").click()
    expect(card(page_m, claim.pk).locator(".claim-text")).to_have_text(moderator_text)
    expect(page_m.locator(f"#slot-{claim.pk} textarea")).to_have_count(0)

    # The author, still on the old version, saves a different draft: refused, nothing lost.
    box = forms[page_a].get_by_label("Claim text")
    box.fill(draft)
    forms[page_a].get_by_role("button", name="Save").click()
    form_a = page_a.locator(f"#slot-{claim.pk} form")
    conflict = form_a.locator(".conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_have_attribute("role", "alert")
    expect(conflict).to_contain_text("Someone changed this claim since you opened it.")
    expect(conflict.locator(".current-text")).to_have_text(moderator_text)
    expect(form_a.get_by_label("Claim text")).to_have_value(draft)
    assert Claim.objects.get(pk=claim.pk).text == moderator_text

    # Saving again, deliberately, goes through, and both see the author's text.
    form_a.get_by_role("button", name="Save").click()
    expect(page_a.locator(f"#slot-{claim.pk} textarea")).to_have_count(0)
    for page in (page_a, page_m):
        expect(card(page, claim.pk).locator(".claim-text")).to_have_text(draft, timeout=LIVE)
        assert_not_reloaded(page)
    assert Claim.objects.get(pk=claim.pk).text == draft


def test_saved_edit_leaves_one_card_of_the_claim(new_page, cast, live_server):
    claim = claim_by(cast.debater_now, cast.position("now"), "Talks now deter, talks later invite.")
    page = new_page(cast.debater_now, via_form=False)
    page.goto(debate_url(live_server))
    card(page, claim.pk).get_by_role("link", name="Edit").click()
    page.get_by_label("Claim text").fill("Talks now deter; talks later invite escalation.")
    page.get_by_role("button", name="Save").click()
    expect(card(page, claim.pk).first.locator(".claim-text")).to_have_text(
        "Talks now deter; talks later invite escalation."
    )
    expect(page.locator(f'[id="claim-card-{claim.pk}"]')).to_have_count(1)


def test_closing_the_debate_removes_controls_and_refuses_direct_post(new_page, cast, live_server):
    target = Claim.objects.filter(position=cast.position("now"), author=None).order_by("id").first()
    vote_url = f"{debate_url(live_server)}claims/{target.pk}/vote/"

    page_d = new_page(cast.debater_after)
    page_d.goto(debate_url(live_server))
    mark_page(page_d)
    csrf = {c["name"]: c["value"] for c in page_d.context.cookies()}["csrftoken"]
    headers = {"X-CSRFToken": csrf}

    # While the debate is open, the same request (cookie, token, form) casts a vote: so the
    # refusal below is the phase rule speaking, not CSRF or a malformed request.
    response = page_d.request.post(vote_url, form={"value": "3"}, headers=headers, max_redirects=0)
    assert response.status == 302, response.status
    page_d.reload()
    mark_page(page_d)
    expect(tally(page_d, target.pk)).to_have_text("1 vote · mean impact 3.0 / 4")
    for control in (
        page_d.locator(".vote-form"),
        page_d.locator(".claim-actions").get_by_role("link", name="Support"),
        page_d.locator(".claim-actions").get_by_role("link", name="Attack"),
        page_d.get_by_role("link", name="Add a claim"),
    ):
        expect(control.first).to_be_visible()

    page_m = new_page(cast.moderator, via_form=False)
    page_m.goto(debate_url(live_server))
    page_m.get_by_label("Move the debate to").select_option("closed")
    page_m.get_by_role("button", name="Change phase").click()
    expect(page_m.locator(".phase-step--current")).to_have_text("Closed")

    # The debater's page loses every writing control through the live update, no reload.
    expect(page_d.locator(".phase-step--current")).to_have_text("Closed", timeout=LIVE)
    expect(page_d.locator(".vote-form")).to_have_count(0, timeout=LIVE)
    expect(page_d.locator("button.vote")).to_have_count(0)
    expect(page_d.locator(".claim-actions")).to_have_count(0)
    expect(page_d.get_by_role("link", name="Add a claim")).to_have_count(0)
    expect(page_d.locator(".phase-help")).to_contain_text("Closed: the map is final")
    assert_not_reloaded(page_d)

    # Posting to the vote URL directly is refused and changes nothing.
    response = page_d.request.post(vote_url, form={"value": "1"}, headers=headers, max_redirects=0)
    assert response.status == 403, response.status
    assert "You cannot vote on this claim now." in response.text()
    assert list(Vote.objects.filter(claim=target).values_list("value", "is_withdrawn")) == [
        (3, False)
    ]
    page_d.reload()
    expect(tally(page_d, target.pk)).to_have_text("1 vote · mean impact 3.0 / 4")
    expect(page_d.locator(".vote-form")).to_have_count(0)


def test_reading_and_posting_work_without_javascript(new_page, cast, live_server):
    page = new_page(cast.debater_now, javascript=False)  # logs in through the plain form
    page.goto(debate_url(live_server))
    assert page.evaluate("() => typeof window.htmx") == "undefined", "page scripts ran"
    expect(page.locator(".position h2")).to_have_count(2)
    expect(page.locator("li.claim .claim-text").first).to_be_visible()

    add = page.locator("#position-now").get_by_role("link", name="Add a claim")
    assert add.get_attribute("href").startswith(f"/d/{SEEDED_SLUG}/compose/?position=")
    add.click()
    page.wait_for_url(re.compile(r"/compose/\?position=\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("New claim")
    text = "Without scripts, a claim still reaches the map: the form is a real form."
    page.get_by_label("Claim").fill(text)
    page.get_by_role("button", name="Add claim").click()

    page.wait_for_url(re.compile(rf"/d/{SEEDED_SLUG}/#claim-\d+$"))
    claim_id = int(page.url.rsplit("-", 1)[1])
    claim = page.locator(f"li#claim-{claim_id}")
    expect(claim).to_be_visible()
    expect(card(page, claim_id).locator(".claim-text")).to_have_text(text)
    saved = Claim.objects.get(pk=claim_id)
    assert (saved.text, saved.author_id, saved.stance) == (text, cast.debater_now.pk, "pro")

    # A vote is a real form too: one click, a redirect back, the button marked.
    other = Claim.objects.filter(position=cast.position("after"), author=None).order_by("id")[0]
    vote_buttons(page, other.pk).filter(has_text="strong").click()
    page.wait_for_url(re.compile(rf"/d/{SEEDED_SLUG}/#claim-{other.pk}$"))
    expect(tally(page, other.pk)).to_have_text("1 vote · mean impact 3.0 / 4")
    expect(page.locator(f"#votes-{other.pk} .vote--mine")).to_have_attribute("aria-pressed", "true")


FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || "").trim(),
    cls: el.className,
    value: el.getAttribute("value"),
    claim: el.closest(".claim-card")?.id ?? null,
    focusVisible: el.matches(":focus-visible"),
    outline: style.outlineStyle,
    outlineWidth: style.outlineWidth,
  };
}"""


def tab_to(page: Page, matches, limit: int = 200) -> dict:
    """Press Tab until the focused element satisfies `matches`; every stop must show focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        assert focused["focusVisible"], f"focus not :focus-visible on {focused}"
        assert focused["outline"] != "none" and focused["outlineWidth"] != "0px", (
            f"no visible focus outline on {focused}"
        )
        if matches(focused):
            return focused
    raise AssertionError(f"not reached with {limit} Tab presses")


def test_every_action_is_reachable_by_keyboard(new_page, cast, live_server):
    page = new_page(cast.debater_after, via_form=False)
    page.goto(debate_url(live_server))
    page.locator("body").focus()

    first = tab_to(page, lambda f: True)
    assert first["text"] == "Skip to content", first

    vote = tab_to(page, lambda f: f["tag"] == "button" and "vote" in f["cls"].split())
    claim_id = int(vote["claim"].removeprefix("claim-card-"))
    value = vote["value"]
    version = page.locator("#live").get_attribute("data-version")
    page.keyboard.press("Space")
    expect(page.locator(f"#votes-{claim_id} button.vote[value='{value}']")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(tally(page, claim_id)).to_have_text(f"1 vote · mean impact {value}.0 / 4")
    assert Vote.objects.get(claim_id=claim_id, user=cast.debater_after).value == int(value)
    # The vote nudges the live poll, which redraws the card; let it land before tabbing on.
    expect(page.locator("#live")).not_to_have_attribute("data-version", version)
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-swapping')")
    expect(page.locator(f"#votes-{claim_id} button.vote[value='{value}']")).to_be_focused()

    support = tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Support")
    support_id = int(support["claim"].removeprefix("claim-card-"))
    page.keyboard.press("Enter")
    slot = page.locator(f"#slot-{support_id}")
    expect(slot.get_by_label(f"supports #{support_id}")).to_be_checked()
    box = slot.get_by_label("Claim")
    expect(box).to_be_visible()

    # The form opens with the focus in its text box; type, and submit with the keyboard alone.
    expect(box).to_be_focused()
    text = "Typed with the keyboard alone: the map needs no mouse."
    page.keyboard.type(text)
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Add claim")
    page.keyboard.press("Enter")
    expect(claim_in(page, str(support_id), text)).to_be_visible(timeout=LIVE)
