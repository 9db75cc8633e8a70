"""The map as a picture and the results page, in a real browser, on the shipped seed.

Also takes the README's map-picture.png and results.png (into pytest's tmp dir; `make
screenshots` writes them to static/docs/screenshots/).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from playwright.sync_api import expect

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

    overflow = page.locator("#picture a").evaluate_all(
        """links => links.flatMap(a => {
            const box = a.querySelector("rect").getBBox();
            return [...a.querySelectorAll("text")]
                .map(t => ({href: a.getAttribute("href"), text: t.textContent,
                            right: t.getBBox().x + t.getBBox().width}))
                .filter(line => line.right > box.width);
        })"""
    )

    assert overflow == []


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
        assert label == f"{stance} #{claim.id}  strength {claim.strength:.2f}"
        # The box shows the start of the text, cut to three lines ending in "…".
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

    verdict = page.locator(".verdict")
    expect(verdict).to_have_text(
        f"{now.title} wins the audience: its share grew by 30 points, more than any other "
        "position's."
    )
    expect(page.locator(".chart--history polyline")).to_have_count(2)
    expect(page.locator(".chart--history circle")).to_have_count(6)
    expect(page.locator(".poll-table tbody tr")).to_have_count(3)
    expect(page.locator(".poll-table tbody tr").first).to_contain_text("30%")
    expect(page.locator(".poll-table tbody tr").first).to_contain_text("60%")
    screenshot(page, "results.png", full_page=True)
    assert console_errors == []
