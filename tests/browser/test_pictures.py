"""The map as a picture and the results page, in a real browser, on the shipped seed.

Also takes the README's map-picture.png and results.png (into pytest's tmp dir; `make
screenshots` writes them to static/docs/screenshots/).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect

from debate.debates.scoring import shown as shown_strength
from tests.browser.conftest import SEEDED_SLUG

pytestmark = pytest.mark.browser

SVG = "{http://www.w3.org/2000/svg}"


def squash(text: str) -> str:
    return " ".join(text.split())


def seeded_map():
    from debate.debates.models import Debate
    from debate.mapview.cache import debate_map

    return debate_map(Debate.objects.get(slug=SEEDED_SLUG))


def expected_hrefs(dmap) -> list[str]:
    debate_url = reverse("debate", args=[SEEDED_SLUG])
    return sorted(
        [debate_url]
        + [f"{debate_url}#position-{p.key}" for p in dmap.positions]
        + [reverse("claim", args=[SEEDED_SLUG, claim_id]) for claim_id in dmap.claims]
    )


def open_picture(page, live_server):
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/picture/")
    boxes = page.locator("#picture a rect")
    expect(boxes.first).to_be_visible()
    return boxes


def test_picture_draws_one_linked_box_per_claim_position_and_the_motion(
    page, live_server, seeded, console_errors, screenshot
):
    dmap = seeded_map()
    assert len(dmap.claims) == 29

    boxes = open_picture(page, live_server)

    expect(boxes).to_have_count(len(dmap.claims) + len(dmap.positions) + 1)
    hrefs = page.locator("#picture a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert sorted(hrefs) == expected_hrefs(dmap)
    screenshot(page, "map-picture.png")
    assert console_errors == []


def test_box_of_a_claim_leads_to_the_claim(page, live_server, seeded):
    dmap = seeded_map()
    claim = next(iter(dmap.positions[0].children))
    open_picture(page, live_server)
    page.click("#picture-fit")  # the whole map in view, however small

    page.locator(f'#picture a[href$="/claims/{claim.id}/"]').click()

    page.wait_for_url(f"**/claims/{claim.id}/")
    expect(page.locator(f"#claim-card-{claim.id}")).to_be_visible()


def test_picture_depth_two_shows_only_the_claims_under_positions(
    page, live_server, seeded, console_errors
):
    dmap = seeded_map()
    top = sum(len(p.children) for p in dmap.positions)
    boxes = open_picture(page, live_server)
    expect(boxes).to_have_count(len(dmap.claims) + 3)

    page.select_option("#picture-depth", "2")

    expect(boxes).to_have_count(top + len(dmap.positions) + 1)
    assert top < len(dmap.claims)
    page.select_option("#picture-depth", "99")
    expect(boxes).to_have_count(len(dmap.claims) + 3)
    assert console_errors == []


def _box_texts(root: ET.Element) -> dict[str, tuple[str, str]]:
    """href -> (label line, body text) for every box of a downloaded picture."""
    boxes = {}
    for link in root.iter(f"{SVG}a"):
        lines = [text.text or "" for text in link.iter(f"{SVG}text")]
        boxes[link.get("href")] = (lines[0], " ".join(lines[1:]))
    return boxes


def _download(page, tmp_path) -> ET.Element:
    with page.expect_download() as info:
        page.get_by_role("button", name="Download SVG").click()
    download = info.value
    assert download.suggested_filename == "argument-map.svg"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    root = ET.parse(path).getroot()  # noqa: S314 - our own file, written by the test's browser
    assert root.tag == f"{SVG}svg"
    return root


def test_every_line_of_text_fits_inside_its_box(page, live_server, seeded):
    open_picture(page, live_server)

    assert page.evaluate(TEXT_OUTSIDE_BOXES) == []


def test_download_svg_saves_a_valid_svg_with_each_claims_text(
    page, live_server, seeded, tmp_path, console_errors
):
    dmap = seeded_map()
    open_picture(page, live_server)

    root = _download(page, tmp_path)

    boxes = _box_texts(root)
    assert sorted(boxes) == expected_hrefs(dmap)
    assert root.get("viewBox") and float(root.get("width")) > 200
    for claim in dmap.claims.values():
        label, body = boxes[reverse("claim", args=[SEEDED_SLUG, claim.id])]
        stance = "supports" if claim.stance == "pro" else "attacks"
        # The server's figure (`strength_label`, rounded once by scoring.shown), never redone.
        strength = f" · strength {shown_strength(claim.strength)}" if dmap.strengths_shown else ""
        assert label == f"{stance} #{claim.id}{strength}"
        # The box shows the start of the text, cut to a few lines ending in "…".
        shown = body.removesuffix("…")
        assert len(shown) > 40, body
        assert squash(claim.text).startswith(shown), (body, claim.text)
    for position in dmap.positions:
        label, body = boxes[f"{reverse('debate', args=[SEEDED_SLUG])}#position-{position.key}"]
        assert squash(position.title).startswith(body.removesuffix("…"))
    assert console_errors == []


def test_downloaded_svg_contains_the_full_claim_texts(page, live_server, seeded, tmp_path):
    dmap = seeded_map()
    open_picture(page, live_server)

    root = _download(page, tmp_path)

    everything = squash(" ".join(root.itertext()))
    missing = [c.id for c in dmap.claims.values() if squash(c.text) not in everything]
    assert missing == []


def test_results_page_after_both_polls_and_three_snapshots(
    page, live_server, cast, console_errors, screenshot
):
    from debate.arguments.models import Claim
    from debate.arguments.services import vote_cast
    from debate.debates.models import Phase, Role
    from debate.debates.services import membership_set, phase_change, poll_answer
    from debate.snapshots.services import snapshot_take
    from tests.factories import UserFactory

    debate, moderator = cast.debate, cast.moderator
    now, after = cast.position("now"), cast.position("after")
    audience = [UserFactory(username=f"audience-{i}") for i in range(10)]
    for user in audience:
        membership_set(actor=moderator, debate=debate, user=user, role=Role.OBSERVER)

    debate = phase_change(actor=moderator, debate=debate, phase=Phase.SETUP)
    snapshot_take(actor=moderator, debate=debate)
    before = [now] * 3 + [after] * 4 + [None] * 3  # 30% / 40% / 30%
    for user, position in zip(audience, before, strict=True):
        poll_answer(actor=user, debate=debate, poll="before", position=position)

    debate = phase_change(actor=moderator, debate=debate, phase=Phase.VOTING)
    claims = list(Claim.objects.filter(debate=debate).order_by("id"))
    for round_number in range(2):
        for index, claim in enumerate(claims):
            for user in audience[round_number * 5 : round_number * 5 + 5]:
                value = 4 if claim.position_id == now.pk else index % 3
                vote_cast(actor=user, claim=claim, value=value)
        snapshot_take(actor=moderator, debate=debate)
    after_poll = [now] * 6 + [after] * 3 + [None]  # 60% / 30% / 10%
    for user, position in zip(audience, after_poll, strict=True):
        poll_answer(actor=user, debate=debate, poll="after", position=position)

    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/results/")

    verdict = page.locator("#audience-swing .verdict")
    expect(verdict).to_have_text(
        f"{now.title} wins the audience: its share grew by 30 points, more than any other "
        "position's."
    )
    expect(page.locator("#stronger-case .verdict")).to_contain_text(
        f"{now.title} makes the stronger case")  # fmt: skip
    expect(page.locator(".chart--history polyline")).to_have_count(2)
    expect(page.locator(".chart--history circle")).to_have_count(6)
    expect(page.locator(".poll-table tbody tr")).to_have_count(3)
    expect(page.locator(".poll-table tbody tr").first).to_contain_text("30%")
    expect(page.locator(".poll-table tbody tr").first).to_contain_text("60%")
    screenshot(page, "results.png", full_page=True)
    assert console_errors == []


# --- the picture's geometry: fitted, readable, text inside boxes, edges around boxes --------

# Each line of text whose box (getBBox, in the box's own coordinates) leaves its rect.
TEXT_OUTSIDE_BOXES = """() => [...document.querySelectorAll("#picture a")].flatMap(a => {
  const box = a.querySelector("rect").getBBox();
  return [...a.querySelectorAll("text")].map(t => {
    const b = t.getBBox();
    return {id: a.dataset.id, text: t.textContent.slice(0, 40), left: b.x, top: b.y,
            right: b.x + b.width, bottom: b.y + b.height};
  }).filter(t => t.left < box.x || t.top < box.y || t.right > box.x + box.width
                 || t.bottom > box.y + box.height);
})"""

# Every box in the layer's coordinates, from its translate() and its rect.
BOXES = """() => [...document.querySelectorAll("#picture a")].map(a => {
  const m = a.transform.baseVal.consolidate().matrix, r = a.querySelector("rect");
  return {id: a.dataset.id, depth: Number(a.dataset.depth), x: m.e, y: m.f,
          w: r.width.baseVal.value, h: r.height.baseVal.value};
})"""

# Points every 3 px along each edge that fall inside a box other than the edge's two ends.
EDGES_THROUGH_BOXES = """(boxes) => [...document.querySelectorAll("#picture path[data-source]")]
  .flatMap(path => {
    const ends = [path.dataset.source, path.dataset.target], hits = [];
    const length = path.getTotalLength();
    for (let at = 0; at <= length; at += 3) {
      const p = path.getPointAtLength(at);
      for (const b of boxes) {
        if (ends.includes(b.id)) continue;
        if (p.x > b.x + 0.5 && p.x < b.x + b.w - 0.5 && p.y > b.y + 0.5 && p.y < b.y + b.h - 0.5) {
          hits.push(`${ends.join("->")} crosses ${b.id} at (${p.x.toFixed(0)}, ${p.y.toFixed(0)})`);
        }
      }
    }
    return [...new Set(hits.map(h => h.split(" at ")[0]))];
  })"""

# On screen: the svg's rectangle, each position's and the motion's, and the zoom scale.
ON_SCREEN = """() => {
  const svg = document.querySelector("#picture").getBoundingClientRect();
  const heads = [...document.querySelectorAll("#picture a")]
    .filter(a => Number(a.dataset.depth) <= 1)
    .map(a => { const r = a.querySelector("rect").getBoundingClientRect();
                return {id: a.dataset.id, left: r.left, top: r.top, right: r.right,
                        bottom: r.bottom}; });
  const layer = document.querySelector("#picture .picture-layer").transform.baseVal.consolidate();
  const size = Math.min(...[...document.querySelectorAll("#picture a text")]
    .map(t => parseFloat(t.getAttribute("font-size"))));
  return {svg: {left: svg.left, top: svg.top, right: svg.right, bottom: svg.bottom},
          heads, scale: layer ? layer.matrix.a : 1, size};
}"""

DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 375, "height": 812}


def picture_of(page, live_server, slug: str, viewport: dict):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/d/{slug}/picture/")
    expect(page.locator("#picture a rect").first).to_be_attached()
    page.locator("#picture").scroll_into_view_if_needed()


@pytest.fixture(params=["seeded", "hostile"])
def picture_slug(request, cast):
    if request.param == "hostile":
        from tests.browser.test_phone_layout import HOSTILE_SLUG, hostile_debate

        # Six-digit claim numbers, as a long-lived site has: the widest labels must fit too.
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('arguments_claim', 'id'), "
                           "GREATEST(MAX(id), 123456)) FROM arguments_claim")  # fmt: skip
        hostile_debate(cast)
        return HOSTILE_SLUG
    return SEEDED_SLUG


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_picture_opens_fitted_readable_with_text_inside_and_edges_around_boxes(
    page, live_server, picture_slug, viewport, console_errors
):
    picture_of(page, live_server, picture_slug, viewport)

    seen = page.evaluate(ON_SCREEN)
    svg = seen["svg"]
    outside = [h["id"] for h in seen["heads"] if h["left"] < svg["left"] - 0.5
               or h["right"] > svg["right"] + 0.5 or h["top"] < svg["top"] - 0.5
               or h["bottom"] > svg["bottom"] + 0.5]  # fmt: skip
    assert len(seen["heads"]) == 3  # the motion and both positions
    assert outside == [], f"boxes out of view after load: {outside} ({seen})"
    assert seen["size"] * seen["scale"] >= 11 - 1e-6, f"text is {seen['size'] * seen['scale']} px"
    assert page.evaluate(TEXT_OUTSIDE_BOXES) == []
    boxes = page.evaluate(BOXES)
    assert page.evaluate(EDGES_THROUGH_BOXES, boxes) == []
    overlapping = [(a["id"], b["id"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                   if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
                   and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]]  # fmt: skip
    assert overlapping == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert console_errors == []


def test_fit_to_screen_shows_the_whole_map(page, live_server, seeded):
    picture_of(page, live_server, SEEDED_SLUG, DESKTOP)

    page.click("#picture-fit")

    inside = page.evaluate("""() => {
      const svg = document.querySelector("#picture").getBoundingClientRect();
      return [...document.querySelectorAll("#picture a rect")].every(r => {
        const b = r.getBoundingClientRect();
        return b.left >= svg.left - 0.5 && b.right <= svg.right + 0.5
            && b.top >= svg.top - 0.5 && b.bottom <= svg.bottom + 0.5; });
    }""")
    assert inside


def test_screenshot_of_the_fitted_picture(page, live_server, seeded, screenshot):
    picture_of(page, live_server, SEEDED_SLUG, DESKTOP)
    page.evaluate("window.scrollTo(0, 0)")

    screenshot(page, "map-picture-fitted.png")


def test_a_box_reached_with_tab_is_brought_into_view(page, live_server, seeded):
    picture_of(page, live_server, SEEDED_SLUG, DESKTOP)
    last = page.locator("#picture a").last
    in_view = """a => {
      const b = a.getBoundingClientRect(), f = a.ownerSVGElement.getBoundingClientRect();
      return b.left >= f.left && b.right <= f.right && b.top >= f.top && b.bottom <= f.bottom;
    }"""
    assert not last.evaluate(in_view)  # the fitted view starts at the motion

    last.focus()

    assert last.evaluate(in_view)
