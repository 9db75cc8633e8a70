"""Every page at 375 × 812 (a phone), with no sideways scrolling: for each role that sees
something different (anonymous, a debater, the moderator), on the seeded debate and on a
debate full of hostile text (a 300-character word, a long URL, right-to-left text, emoji,
deep nesting), in every phase for the debate page.

The pages come from the fuzz tables (tests/test_fuzz_pages.py ENDPOINTS): every route that
answers GET is visited, so a new page cannot be forgotten; `test_every_get_route_is_visited`
fails when a route is neither visited nor named in NOT_PAGES with a reason.

A failure names the elements that stick out past the viewport (the widest first), found by
script, not just the page's width.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from debate.debates.models import Phase, Role
from tests.browser.conftest import SEEDED_SLUG
from tests.browser.test_accessibility import assert_no_serious_violations
from tests.test_fuzz_pages import ENDPOINTS

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
HOSTILE_SLUG = "hostile-long-words"

WORD = "Unbreakable" + "x" * 289  # 300 characters, no break opportunity
URL = (
    "https://example.org/" + "/".join(["a-long-path-segment-without-spaces"] * 8) + "?q=" + "z" * 80
)
RTL = "مفاوضات الانضمام الآن أثناء الحرب \u202eطويلة\u202c 🇺🇦🕊️👩🏽‍⚖️"
EMOJI = "🧨" * 60

# Routes that answer GET but are no page a person reads, each with the reason.
NOT_PAGES = {
    "debate-live": "an htmx fragment for the live poll, inserted into the debate page",
    "compose-evidence": "an htmx fragment: the evidence list inside the compose form",
    "compose-similar": "an htmx fragment: the similar-claim hints inside the compose form",
    "logout": "POST only",
    "debate-export": "a file download (Content-Disposition: attachment), not a page",
    "snapshot-export": "a file download (Content-Disposition: attachment), not a page",
    "debate-participation-csv": "a file download (Content-Disposition: attachment), not a page",
    "javascript-catalog": "Django's JavaScript translation catalogue (/jsi18n/), not a page",
}

# Pages a route table cannot name: the error pages and the API's HTML docs.
EXTRA = {
    "404": "/no-such-page/{long}/",
    "400": "/d/{slug}/?page=%C2%B2",
    "api-docs": "/api/v1/docs/",
    "debate-whole": "/d/{slug}/?whole=1",
    "claim-replies": "/d/{slug}/claims/{claim}/?sort=strength",
    "compose-under-position": "/d/{slug}/compose/?position={position}",
    "compose-reply": "/d/{slug}/compose/?parent={claim}&stance=con",
    "search": "/d/{slug}/search/?q=Unbreakable",
}

# The page's width, and the elements that stick out past the right edge of the viewport (the
# widest first), ignoring those clipped by a scrolling
# or hidden-overflow ancestor that itself fits.
OVERFLOW = """() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 0.5) continue;
    let clipped = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== "visible") {
        const pr = p.getBoundingClientRect();
        if (pr.right <= vw + 0.5) { clipped = true; break; }
      }
    }
    if (clipped) continue;
    const cls = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    out.push({right: Math.round(r.right), left: Math.round(r.left),
              what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + cls,
              text: (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 50)});
  }
  out.sort((a, b) => b.right - a.right);
  return {width: document.documentElement.scrollWidth, viewport: vw, culprits: out.slice(0, 5)};
}"""


@dataclass
class World:
    slug: str
    claim: int  # a claim the debater wrote (edit, cite, flag)
    claimkey: str
    key: str
    source: int
    code: str
    position: int
    person: int = 0  # a debater, for the grading pages (debate/grading)


def hostile_debate(cast) -> World:
    """A debate where every piece of text someone typed is as awkward as it can be."""
    from debate.moderation.models import Flag
    from debate.sources.models import EvidenceStatus
    from tests.factories import (
        ClaimFactory,
        DebateFactory,
        EvidenceFactory,
        MembershipFactory,
        PositionFactory,
        SourceFactory,
        TeamFactory,
    )

    debate = DebateFactory(
        slug=HOSTILE_SLUG, title=WORD[:200], motion=f"{RTL} {WORD}"[:500],
        description=f"{URL} {RTL} {WORD}",
    )  # fmt: skip
    now = PositionFactory(debate=debate, key="now", title=WORD[:200], description=URL)
    after = PositionFactory(
        debate=debate, key="after", title=f"{RTL} {EMOJI}"[:200], description=WORD
    )
    team_now = TeamFactory(debate=debate, position=now, name=WORD[:80])
    team_after = TeamFactory(debate=debate, position=after, name=RTL[:80])
    MembershipFactory(user=cast.moderator, debate=debate, role=Role.MODERATOR, team=None)
    MembershipFactory(user=cast.debater_now, debate=debate, role=Role.DEBATER, team=team_now)
    MembershipFactory(user=cast.debater_after, debate=debate, role=Role.DEBATER, team=team_after)
    source = SourceFactory(
        debate=debate, title=WORD, publication=URL[:200],
        text=f"{WORD} {URL}\n\n{RTL} {EMOJI}\n\nAccession talks should start now, {WORD}.\n",
    )  # fmt: skip
    approved = EvidenceFactory(source=source, start=0, end=len(WORD) + 1 + len(URL))
    EvidenceFactory(source=source, start=0, end=len(WORD), status=EvidenceStatus.PROPOSED,
                    proposer=cast.debater_now)  # fmt: skip
    parent = top = ClaimFactory(debate=debate, position=now, author=cast.debater_now,
                                team=team_now, text=f"{WORD} {URL}")  # fmt: skip
    for depth in range(8):  # a deep thread: each level indents
        parent = ClaimFactory(
            debate=debate, parent=parent, stance="con" if depth % 2 == 0 else "pro",
            author=cast.debater_after if depth % 2 == 0 else cast.debater_now,
            team=team_after if depth % 2 == 0 else team_now,
            text=f"Level {depth}: {WORD} {RTL} {EMOJI} {URL}",
        )  # fmt: skip
    ClaimFactory(debate=debate, position=after, author=cast.debater_after, team=team_after,
                 text=f"{RTL}\n{EMOJI}\n{WORD}")  # fmt: skip
    from tests.factories import CitationFactory

    CitationFactory(claim=top, evidence=approved)
    Flag.objects.create(debate=debate, claim=top, reporter=cast.debater_after, kind="off_topic",
                        note=f"{WORD} {URL}")  # fmt: skip
    from debate.comments.models import Comment

    Comment.objects.create(debate=debate, claim=top, author=cast.debater_after, kind="question",
                           text=f"@{WORD[:40]} {WORD} {RTL} {EMOJI} {URL}")  # fmt: skip
    return World(HOSTILE_SLUG, top.pk, str(top.pk), "now", source.pk, team_now.invite_code, now.pk,
                 cast.debater_now.pk)  # fmt: skip


def seeded_world(cast) -> World:
    from debate.arguments.models import Claim

    claim = Claim.objects.filter(debate=cast.debate, position__isnull=False).order_by("id").first()
    source = cast.debate.sources.order_by("id").first()
    team = cast.debate.teams.order_by("id").first()
    return World(SEEDED_SLUG, claim.pk, str(claim.pk), "now", source.pk, team.invite_code,
                 claim.position_id, cast.debater_now.pk)  # fmt: skip


def paths(world: World, user) -> dict[str, str]:
    """Every page to look at: each GET route of the fuzz table, and the EXTRA ones."""
    if user is not None:
        uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
    else:
        uidb64, token = "MQ", "bad-token"
    values = {"slug": world.slug, "claim": world.claim, "claimkey": world.claimkey,
              "key": world.key, "source": world.source, "code": world.code,
              "uidb64": uidb64, "token": token, "long": WORD,
              "position": world.position, "person": world.person}  # fmt: skip
    found = {}
    for endpoint in ENDPOINTS:
        if "GET" not in endpoint.methods or endpoint.name in NOT_PAGES:
            continue
        found[endpoint.name] = endpoint.path.replace("{D}", "/d/{slug}").format(**values)
    for name, pattern in EXTRA.items():
        found[name] = pattern.format(**values)
    return found


def overflow_of(page, url: str) -> str | None:
    response = page.goto(url)
    page.wait_for_load_state("load")
    found = page.evaluate(OVERFLOW)
    if found["width"] <= PHONE["width"]:
        return None
    status = response.status if response else "?"
    culprits = "; ".join(f"{c['what']} [{c['left']}..{c['right']}] “{c['text']}”"
                         for c in found["culprits"])  # fmt: skip
    return f"{url} ({status}): page {found['width']} px wide; sticking out: {culprits}"


def phone_page(new_page, user):
    page = new_page(user, via_form=False) if user is not None else new_page()
    page.set_viewport_size(PHONE)
    return page


def person(cast, role: str):
    return {"anonymous": None, "debater": cast.debater_now, "moderator": cast.moderator}[role]


@pytest.mark.parametrize("which", ["seeded", "hostile"])
@pytest.mark.parametrize("role", ["anonymous", "debater", "moderator"])
def test_every_page_fits_a_phone(new_page, cast, live_server, role, which):
    world = hostile_debate(cast) if which == "hostile" else seeded_world(cast)
    user = person(cast, role)
    page = phone_page(new_page, user)

    problems = [problem for name, path in paths(world, user).items()
                if (problem := overflow_of(page, f"{live_server.url}{path}"))]  # fmt: skip

    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("which", ["seeded", "hostile"])
@pytest.mark.parametrize("role", ["anonymous", "debater", "moderator"])
def test_the_debate_page_fits_a_phone_in_every_phase(new_page, cast, live_server, role, which):
    from debate.debates.models import Debate
    from debate.mapview import cache as maps

    world = hostile_debate(cast) if which == "hostile" else seeded_world(cast)
    page = phone_page(new_page, person(cast, role))
    problems = []
    for phase in Phase.values:
        Debate.objects.filter(slug=world.slug).update(phase=phase)
        maps.clear()
        for path in (f"/d/{world.slug}/", f"/d/{world.slug}/claims/{world.claim}/"):
            if problem := overflow_of(page, f"{live_server.url}{path}"):
                problems.append(f"[{phase}] {problem}")

    assert problems == [], "\n".join(problems)


def test_every_get_route_is_visited():
    visited = {e.name for e in ENDPOINTS if "GET" in e.methods} - set(NOT_PAGES)
    assert visited, "the fuzz table lists no GET page"
    assert set(NOT_PAGES) <= {e.name for e in ENDPOINTS}, "NOT_PAGES names a route that is gone"


# --- the debate page on a phone: one position at a time, with tabs -----------------------


def test_second_position_is_one_tap_away_on_a_phone(new_page, cast, live_server, screenshot):
    from playwright.sync_api import expect

    page = phone_page(new_page, cast.debater_now)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")
    tabs = page.get_by_role("tablist", name="Positions")
    expect(tabs).to_be_visible()
    first, second = cast.position("now"), cast.position("after")
    first_tab = page.get_by_role("tab", name=first.title)
    second_tab = page.get_by_role("tab", name=second.title)
    expect(first_tab).to_have_attribute("aria-selected", "true")
    expect(second_tab).to_have_attribute("aria-controls", "position-after")
    expect(page.locator("#position-after")).to_be_hidden()
    assert_no_serious_violations(page)
    # The standings, the tabs and the start of the first position, as a phone shows them.
    page.evaluate("""() => window.scrollTo(0, document.querySelector('#standings')
        .getBoundingClientRect().top + window.scrollY - 8)""")
    screenshot(page, "phone-debate.png")

    second_tab.click()

    after = page.locator("#position-after")
    expect(after).to_be_visible()
    expect(after).to_have_attribute("role", "tabpanel")
    expect(page.locator("#position-now")).to_be_hidden()
    expect(second_tab).to_have_attribute("aria-selected", "true")
    top = after.evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top <= 160, f"the second position starts {top} px down the screen"
    assert_no_serious_violations(page)
    screenshot(page, "phone-debate-second-position.png")

    # Arrow keys move between the tabs, and show the position they land on.
    second_tab.focus()
    page.keyboard.press("ArrowLeft")
    expect(first_tab).to_be_focused()
    expect(first_tab).to_have_attribute("aria-selected", "true")
    expect(page.locator("#position-now")).to_be_visible()
    page.keyboard.press("End")
    expect(second_tab).to_be_focused()
    expect(page.locator("#position-after")).to_be_visible()


def test_a_claim_in_the_other_position_opens_its_tab(new_page, cast, live_server):
    from playwright.sync_api import expect

    from debate.arguments.models import Claim

    claim = Claim.objects.filter(debate=cast.debate, position__key="after").order_by("id").first()
    page = phone_page(new_page, None)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/#claim-{claim.pk}")

    expect(page.locator("#position-after")).to_be_visible()
    expect(page.get_by_role("tab", name=cast.position("after").title)).to_have_attribute(
        "aria-selected", "true"
    )


def test_a_malformed_link_target_breaks_no_script(new_page, cast, live_server):
    """A hash that is not valid percent-encoding (a link cut mid-character) once threw out of
    tabs.js (decodeURIComponent), on loading the page and on every such hash change after
    (found by opening odd links at 375 px)."""
    page = phone_page(new_page, None)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/#claim-%E0%A4%A")
    page.evaluate("() => { window.location.hash = '#%E0'; }")
    page.wait_for_timeout(300)
    assert errors == []
    tab = page.get_by_role("tab", name=cast.position("after").title)
    tab.click()
    assert tab.get_attribute("aria-selected") == "true"


def test_the_desktop_keeps_both_columns_and_no_tabs(new_page, cast, live_server):
    from playwright.sync_api import expect

    page = new_page()  # 1400 px wide
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")

    expect(page.locator(".position-tabs")).to_be_hidden()
    now, after = page.locator("#position-now"), page.locator("#position-after")
    expect(now).to_be_visible()
    expect(after).to_be_visible()
    assert now.evaluate("el => el.getAttribute('role')") is None
    assert now.bounding_box()["y"] == after.bounding_box()["y"]  # side by side


def test_without_javascript_both_positions_stay_stacked(new_page, cast, live_server):
    from playwright.sync_api import expect

    page = new_page(javascript=False)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")

    expect(page.locator(".position-tabs")).to_be_hidden()
    expect(page.locator("#position-now")).to_be_visible()
    expect(page.locator("#position-after")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


# --- small things: vote buttons that say what they mean, a counter that does not cut ------


def test_vote_buttons_say_what_each_digit_means_and_fit_a_phone(new_page, cast, live_server):
    from playwright.sync_api import expect

    from debate.arguments.models import Claim

    claim = Claim.objects.filter(debate=cast.debate, position__key="now").order_by("id").first()
    page = phone_page(new_page, cast.debater_after)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/claims/{claim.pk}/")

    buttons = page.locator(f"#votes-{claim.pk} .vote-buttons button")
    expect(buttons).to_have_count(5)
    words = [" ".join(t.split()) for t in buttons.all_inner_texts()]
    assert words == ["0 none", "1 minor", "2 moderate", "3 strong", "4 decisive"], words
    group = page.locator(f"#votes-{claim.pk} .vote-buttons").bounding_box()
    for button in buttons.all():
        box = button.bounding_box()
        assert box["x"] >= group["x"] - 0.5 and box["x"] + box["width"] <= PHONE["width"]
        # Each word is on one line inside its button (no "moderat-e").
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth")
    votes = page.locator(f"#votes-{claim.pk}")
    expect(votes.get_by_role("button", name="3 strong")).to_be_visible()


def test_pasting_5000_characters_keeps_them_and_warns(new_page, cast, live_server, screenshot):
    from playwright.sync_api import expect

    page = phone_page(new_page, cast.debater_now)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/compose/?position={cast.position('now').pk}")
    box = page.locator("textarea[name=text]")
    counter = page.locator(".char-counter")
    expect(counter).to_have_text("0 / 1,000")
    describedby = box.get_attribute("aria-describedby")
    assert counter.get_attribute("id") in describedby.split()

    box.fill("y" * 899)
    expect(counter).to_have_text("899 / 1,000")
    expect(counter).to_have_class("char-counter char-counter--ok")
    box.fill("y" * 905)
    expect(counter).to_contain_text("905 / 1,000 · 95 left")
    expect(counter).to_have_class("char-counter char-counter--near")

    paste = ("Accession talks should start now. " * 200)[:5000]
    box.fill(paste)
    assert box.evaluate("b => b.value.length") == 5000  # nothing cut
    expect(counter).to_contain_text("5,000 / 1,000 · 4,000 too many: remove 4,000 characters")
    expect(counter).to_have_class("char-counter char-counter--over")
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".char-counter-live[aria-live=polite]")).to_have_text(
        "Over the limit by 4,000 characters: remove them to post."
    )
    screenshot(page, "phone-counter-over.png")
    assert_no_serious_violations(page)

    page.get_by_role("button", name="Add claim").click()

    expect(page.locator(".form-error").first).to_contain_text("Remove 4,000 characters")
    assert page.locator("textarea[name=text]").evaluate("b => b.value") == paste.strip()
    expect(page.locator(".char-counter")).to_contain_text("remove 4,000")
