"""axe-core on the screens people read and write on, plus the keyboard focus after a vote.

axe runs in the real page (axe-playwright-python injects axe.min.js); a violation of impact
"serious" or "critical" fails the test, and the message lists each rule with its nodes.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from debate.arguments.models import Claim
from debate.arguments.services import claim_create, claim_edit, vote_cast
from debate.sources.models import Source
from tests.browser.conftest import SEEDED_SLUG

pytestmark = pytest.mark.browser

AXE = Axe()
BLOCKING = {"serious", "critical"}


def debate_url(live_server) -> str:
    return f"{live_server.url}/d/{SEEDED_SLUG}/"


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"  {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"    {summary[:300]}")
    return "\n".join(lines)


def assert_no_serious_violations(page: Page) -> None:
    violations = AXE.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], f"axe on {page.url}:\n{describe(blocking)}"


def first_claim_with_replies(debate) -> Claim:
    return (
        Claim.objects.filter(debate=debate, children__isnull=False, is_hidden=False)
        .order_by("id")
        .first()
    )


def voted_claim(cast) -> Claim:
    """A seeded claim with two votes, so that its tally shows a histogram and a marked vote."""
    claim = Claim.objects.filter(debate=cast.debate, author=None).order_by("id").first()
    vote_cast(actor=cast.moderator, claim=claim, value=2)
    vote_cast(actor=cast.debater_after, claim=claim, value=4)
    return claim


def test_debate_page_has_no_serious_violations_for_an_anonymous_reader(new_page, cast, live_server):
    claim = voted_claim(cast)
    page = new_page()
    page.goto(debate_url(live_server))
    expect(page.locator("li.claim").first).to_be_visible()
    expect(page.locator(f"#votes-{claim.pk} .histogram")).to_be_visible()
    expect(page.locator(".vote-form")).to_have_count(0)
    assert_no_serious_violations(page)


@pytest.mark.parametrize("role", ["debater_after", "moderator"])
def test_debate_page_has_no_serious_violations_with_controls_visible(
    new_page, cast, live_server, role
):
    claim = voted_claim(cast)
    page = new_page(getattr(cast, role), via_form=False)
    page.goto(debate_url(live_server))
    expect(page.locator(".vote-form").first).to_be_visible()
    expect(page.locator(f"#votes-{claim.pk} .vote--mine")).to_have_count(1)
    expect(page.get_by_role("link", name="Support").first).to_be_visible()
    if role == "moderator":
        expect(page.get_by_label("Move the debate to")).to_be_visible()
    assert_no_serious_violations(page)


def test_open_forms_and_an_edit_conflict_have_no_serious_violations(new_page, cast, live_server):
    now = cast.position("now")
    own = claim_create(
        actor=cast.debater_now, debate=cast.debate, position=now,
        text="Talks now make the 2028 date credible.", stance="pro",
    )  # fmt: skip
    page = new_page(cast.debater_now, via_form=False)
    page.goto(debate_url(live_server))

    page.locator(f"#position-{now.key}").get_by_role("link", name="Add a claim").click()
    expect(page.locator(f"#slot-p-{now.pk} textarea")).to_be_visible()
    other = first_claim_with_replies(cast.debate)
    page.locator(f"li#claim-{other.pk} > .claim-card").get_by_role("link", name="Attack").click()
    expect(page.locator(f"#slot-{other.pk} textarea")).to_be_visible()
    page.locator(f"li#claim-{own.pk} > .claim-card").get_by_role("link", name="Edit").click()
    edit = page.locator(f"#slot-{own.pk} form")
    expect(edit.get_by_label("Claim text")).to_be_visible()
    assert_no_serious_violations(page)

    # Someone else saves first: the conflict notice is an alert inside the form.
    claim_edit(
        actor=cast.moderator, claim=Claim.objects.get(pk=own.pk),
        text="Talks now make the 2028 target date credible.", version=own.version,
    )  # fmt: skip
    edit.get_by_label("Claim text").fill("Talks now make a 2028 date believable.")
    edit.get_by_role("button", name="Save").click()
    expect(page.locator(f"#slot-{own.pk} .conflict")).to_be_visible()
    assert_no_serious_violations(page)


def test_claim_page_has_no_serious_violations(new_page, cast, live_server):
    claim = first_claim_with_replies(cast.debate)
    page = new_page(cast.debater_after, via_form=False)
    page.goto(f"{debate_url(live_server)}claims/{claim.pk}/")
    expect(page.locator(f"li#claim-{claim.pk}")).to_be_visible()
    expect(page.locator(f"#votes-{claim.pk} .vote-form")).to_be_visible()
    assert_no_serious_violations(page)


@pytest.mark.parametrize(
    "role",
    [
        pytest.param(None, id="anonymous"),
        pytest.param("debater_now", id="debater"),
    ],
)
def test_source_reader_has_no_serious_violations(new_page, cast, live_server, role):
    source = Source.objects.filter(debate=cast.debate).order_by("id").first()
    page = new_page(getattr(cast, role) if role else None, via_form=False)
    page.goto(f"{debate_url(live_server)}sources/{source.pk}/")
    expect(page.locator("mark.evidence").first).to_be_visible()
    assert_no_serious_violations(page)


ACTIVE = """() => {
  const el = document.activeElement;
  return el === document.body ? "body" : `${el.tagName.toLowerCase()} ${el.getAttribute("value")}`;
}"""


def test_focus_stays_on_the_vote_button_after_voting_by_keyboard(new_page, cast, live_server):
    page = new_page(cast.debater_after, via_form=False)
    page.goto(debate_url(live_server))
    button = page.locator("button.vote[value='2']").first
    claim_id = button.evaluate("b => b.closest('.votes').id.replace('votes-', '')")
    button.focus()
    page.keyboard.press("Space")
    expect(page.locator(f"#votes-{claim_id} .vote--mine")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#votes-{claim_id} .tally-summary")).to_contain_text("1 vote")
    assert page.evaluate(ACTIVE) == "button 2"


def luminance(rgb: str) -> float:
    """Relative luminance (WCAG 2) of a computed `rgb(r, g, b)` colour."""
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_voters_own_button_stays_readable_under_the_pointer(new_page, cast, live_server):
    page = new_page(cast.debater_after, via_form=False)
    page.goto(debate_url(live_server))
    button = page.locator("button.vote[value='3']").first
    votes_id = button.evaluate("b => b.closest('.votes').id")
    button.click()
    mine = page.locator(f"#{votes_id} .vote--mine")
    expect(mine).to_have_attribute("aria-pressed", "true")
    mine.hover()
    style = mine.evaluate("b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]")
    assert contrast(*style) >= 4.5, f"own vote under the pointer: text/background {style}"
