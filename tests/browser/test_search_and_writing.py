"""Search, similar-claim hints and citing while writing, in Chromium: the search box on the
debate page (live with htmx, and as a plain GET form without JavaScript), a hint for a
paraphrase of a seeded claim, a claim posted with its evidence in one step, the source
reader's "new claim from this quote", axe on the new screens, and the README screenshot."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from debate.arguments.models import Claim
from debate.sources.models import Evidence
from tests.browser.conftest import SEEDED_SLUG
from tests.browser.test_accessibility import assert_no_serious_violations

pytestmark = pytest.mark.browser

PARAPHRASE = "The weak bilateral deals should be strengthened instead of rushing accession."
NEW_TEXT = "Strengthened bilateral deals buy time without treaty guarantees in an active war."


def base(live_server) -> str:
    return f"{live_server.url}/d/{SEEDED_SLUG}/"


def test_search_box_finds_a_claim_and_evidence_live(new_page, cast, live_server):
    page = new_page()
    page.goto(base(live_server))
    box = page.get_by_role("searchbox", name="Search claims and evidence")
    box.fill("bilateral")
    results = page.locator("#search-results")
    expect(results.locator(".search-hit").first).to_be_visible()
    expect(results).to_contain_text("claims and")
    claim_link = results.locator(".search-list").first.locator("a.search-hit-link").first
    expect(results.locator("mark").first).to_have_text(re.compile("bilateral", re.I))
    # Evidence by a word in its quote, linked to its place in the reader.
    box.fill("recourse")
    evidence_link = results.locator("a.search-hit-link", has_text="Evidence #")
    expect(evidence_link.first).to_be_visible()
    assert re.search(r"/sources/\d+/#evidence-\d+$", evidence_link.first.get_attribute("href"))
    box.fill("bilateral")
    expect(claim_link).to_be_visible()
    claim_link.click()
    page.wait_for_url(re.compile(rf"/d/{SEEDED_SLUG}/claims/\d+/$"))


def test_toolbar_results_sit_under_the_box_and_go_when_it_is_cleared(new_page, cast, live_server):
    """The answer htmx swaps in replaces the toolbar's empty results box (outerHTML): it must
    still take a line of its own under the search box, not sit over its Search button, and
    vanish when the box is cleared (found by looking at the toolbar after a search)."""
    page = new_page()
    page.goto(base(live_server))
    box = page.get_by_role("searchbox", name="Search claims and evidence")
    box.fill("zzzqqq")
    results = page.locator("#search-results")
    expect(results).to_contain_text("Nothing in this debate matches")
    button = page.locator(".map-toolbar .search-box button").bounding_box()
    shown = results.bounding_box()
    assert shown["y"] >= button["y"] + button["height"], (shown, button)
    box.fill("")
    expect(results).not_to_contain_text("Nothing")
    expect(results).to_be_hidden()


def test_search_works_without_javascript(new_page, cast, live_server):
    page = new_page(javascript=False)
    page.goto(base(live_server))
    page.get_by_role("searchbox", name="Search claims and evidence").fill("guarantee")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search/\?q=guarantee$"))
    expect(page.locator(".search-hit").first).to_be_visible()
    expect(page.locator("mark").first).to_have_text(re.compile("^guarantee", re.I))


def test_search_page_has_no_serious_violations(new_page, cast, live_server, screenshot):
    page = new_page(cast.moderator, via_form=False)
    page.goto(f"{base(live_server)}search/?q=bilateral+agreements")
    expect(page.locator(".search-hit").first).to_be_visible()
    assert_no_serious_violations(page)
    screenshot(page, "search.png")


def open_compose(page, live_server, cast) -> None:
    position = cast.position("after")
    page.goto(f"{base(live_server)}compose/?position={position.pk}")
    expect(page.get_by_role("heading", name="New claim")).to_be_visible()


def test_a_paraphrase_of_a_seeded_claim_gets_a_hint(new_page, cast, live_server, screenshot):
    target = Claim.objects.get(debate=cast.debate, text__startswith="The weakness of the bilateral")
    page = new_page(cast.debater_after, via_form=False)
    open_compose(page, live_server, cast)
    page.get_by_label("Claim", exact=False).first.press_sequentially(PARAPHRASE, delay=5)
    hint = page.locator(".similar-claims")
    expect(hint.get_by_role("link", name=f"Support #{target.pk} instead")).to_be_visible()
    expect(hint).to_contain_text("Already in the map")
    assert_no_serious_violations(page)
    screenshot(page, "compose-similar-hint.png")
    hint.get_by_role("link", name=f"Support #{target.pk} instead").click()
    page.wait_for_url(re.compile(rf"/claims/{target.pk}/$"))


def test_a_student_cites_evidence_in_the_compose_form_in_one_step(new_page, cast, live_server):
    page = new_page(cast.debater_after, via_form=False)
    open_compose(page, live_server, cast)
    page.get_by_label("Claim", exact=False).first.fill(NEW_TEXT)
    search = page.get_by_role("searchbox", name="Search the quotes")
    search.fill("temporary")
    first = page.locator(".cite-row").first
    expect(first.locator("mark").first).to_be_visible()
    evidence_id = int(first.locator("input[name=supports]").get_attribute("value"))
    first.get_by_label(re.compile("cite as support")).check()
    # Another search keeps the ticked quote, first and ticked.
    search.fill("guarantees")
    expect(page.locator(f"input[name=supports][value='{evidence_id}']")).to_be_checked()
    second = page.locator(".cite-row").nth(1)
    concede_id = int(second.locator("input[name=concedes]").get_attribute("value"))
    second.get_by_label(re.compile("as a concession")).check()
    assert_no_serious_violations(page)
    page.get_by_role("button", name="Add claim").click()
    expect(page.get_by_role("status")).to_contain_text("citing 2 pieces of evidence")
    claim = Claim.objects.get(text=NEW_TEXT)
    assert sorted(claim.citations.values_list("evidence_id", "relation")) == sorted(
        [(evidence_id, "supports"), (concede_id, "concedes")]
    )
    # On the map, the new claim shows its quotes.
    page.goto(f"{base(live_server)}claims/{claim.pk}/")
    expect(page.locator(".quote").first).to_be_visible()


def test_new_claim_from_a_quote_in_the_reader(new_page, cast, live_server):
    evidence = Evidence.objects.citable().filter(debate=cast.debate).order_by("id").first()
    page = new_page(cast.debater_now, via_form=False)
    page.goto(f"{base(live_server)}sources/{evidence.source_id}/")
    page.locator(f"a[href$='compose/?supports={evidence.pk}']").click()
    expect(page.locator(f"input[name=supports][value='{evidence.pk}']")).to_be_checked()
    page.get_by_label("Under the position").select_option(str(cast.position("now").pk))
    page.get_by_label("Claim", exact=False).first.fill(NEW_TEXT)
    page.get_by_role("button", name="Add claim").click()
    expect(page.get_by_role("status")).to_contain_text("citing 1 piece of evidence")
    claim = Claim.objects.get(text=NEW_TEXT)
    assert claim.position == cast.position("now")
    assert list(claim.citations.values_list("evidence_id", flat=True)) == [evidence.pk]


def test_search_box_on_the_debate_page_shows_results_in_place(
    new_page, cast, live_server, screenshot
):
    page = new_page(cast.debater_now, via_form=False)
    page.goto(base(live_server))
    page.get_by_role("searchbox", name="Search claims and evidence").fill("veto")
    expect(page.locator("#search-results .search-hit").first).to_be_visible()
    page.locator(".map-toolbar").scroll_into_view_if_needed()
    screenshot(page, "search-box-live.png")


@pytest.mark.parametrize("path", ["search/?q=bilateral", "compose/?supports=1"])
def test_search_and_compose_fit_a_phone(browser, cast, live_server, path):
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(viewport={"width": 375, "height": 812})
    try:
        client = Client()
        client.force_login(cast.debater_now)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie,
                              "url": live_server.url}])  # fmt: skip
        page = context.new_page()
        page.goto(f"{base(live_server)}{path}")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, (path, width)
    finally:
        context.close()


def test_the_inline_compose_form_on_the_map_hints_and_cites(new_page, cast, live_server):
    """The form as most people meet it: opened in place on the map by *Add a claim*."""
    page = new_page(cast.debater_after, via_form=False)
    page.goto(base(live_server))
    position = cast.position("after")
    page.locator(f"#position-head-{position.pk}").get_by_role("link", name="Add a claim").click()
    form = page.locator(f"#slot-p-{position.pk} form.claim-form")
    expect(form).to_be_visible()
    form.locator("textarea[name=text]").press_sequentially(PARAPHRASE, delay=5)
    expect(form.locator(".similar-claims a.similar-support")).to_be_visible()
    search = form.get_by_role("searchbox", name="Search the quotes")
    search.fill("temporary")
    search.press("Enter")  # searches; does not post the claim
    row = form.locator(".cite-row").first
    expect(row.locator("mark").first).to_be_visible()
    row.get_by_label(re.compile("cite as support")).check()
    form.get_by_role("button", name="Add claim").click()
    expect(page.get_by_role("status").filter(has_text="citing 1 piece")).to_be_visible()
    claim = Claim.objects.get(text=PARAPHRASE)
    assert claim.citations.count() == 1


def test_a_long_draft_sends_only_its_beginning_for_hints(new_page, cast, live_server):
    """1,000 Cyrillic characters would make a request line of 6 KB, longer than gunicorn takes;
    the hint asks with the first 300 (static/js/compose.js)."""
    from urllib.parse import parse_qs, urlparse

    page = new_page(cast.debater_after, via_form=False)
    open_compose(page, live_server, cast)
    with page.expect_request(lambda r: "/compose/similar/" in r.url) as request:
        page.get_by_label("Claim", exact=False).first.fill("Україна " * 125)
    sent = parse_qs(urlparse(request.value.url).query)["text"][0]
    assert len(sent) == 300 and sent.startswith("Україна")
    assert len(request.value.url) < 4000
