"""Hostile text in a real browser: claims and a quoted passage that hold HTML, event handlers
and htmx attributes are shown as text, never run, on first load, on their own page and when
the live poll brings them in. And no page a debater uses trips the Content-Security-Policy.

`window.__pwned` is what the payloads would set; a request to /d/x/ is what the hx-get
payload would make; a request to a path ending in /x is what the <img src=x> would load.
Waiting is event-driven: for an element, or for the next live poll (every 3 s).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from debate.arguments.services import citation_add, claim_create
from debate.sources.services import evidence_approve, evidence_propose, source_create
from tests.browser.conftest import SEEDED_SLUG

pytestmark = pytest.mark.browser

IMG = '<img src=x onerror="window.__pwned=1">'
HX = '<div hx-get="/d/x/" hx-trigger="load">hx</div>'
SCRIPT = "<script>window.__pwned=1</script>"
QUOTE = f"The envoy wrote {IMG} and then {HX} in the minutes."
LIVE = 5_000  # ms: the live poll runs every 3 s

# Registered before any page script: collects CSP violations as the browser reports them.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@dataclass
class Watch:
    """What one page did: requests made, console messages about the CSP."""

    page: Page
    requests: list[str]
    csp_console: list[str]

    def assert_inert(self) -> None:
        assert self.page.evaluate("() => typeof window.__pwned") == "undefined"
        assert not [url for url in self.requests if "/d/x/" in url], self.requests
        assert not [url for url in self.requests if url.rstrip("/").endswith("/x")], self.requests

    def assert_no_csp_violation(self) -> None:
        assert self.csp_console == []
        assert self.page.evaluate("() => window.__csp") == []


def watch(page: Page) -> Watch:
    requests: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.add_init_script(CSP_LISTENER)
    return Watch(page, requests, console)


def wait_for_next_poll(page: Page) -> None:
    """Let one more live poll go by, so that anything a swap set off has had its turn."""
    with page.expect_response(lambda r: "/live/" in r.url, timeout=LIVE):
        pass


@pytest.fixture
def hostile(cast):
    """Two hostile claims by the "after" debater, and a cited quote holding the payloads."""
    img_claim = claim_create(actor=cast.debater_after, debate=cast.debate,
                             position=cast.position("after"), text=IMG, stance="pro")  # fmt: skip
    hx_claim = claim_create(actor=cast.debater_after, debate=cast.debate,
                            position=cast.position("after"), text=HX, stance="pro")  # fmt: skip
    source = source_create(
        actor=cast.moderator, debate=cast.debate, title=f"Minutes {IMG}",
        text=f"First paragraph of the minutes.\n\n{QUOTE}\n",
    )  # fmt: skip
    evidence, _ = evidence_propose(actor=cast.debater_now, source=source, quote=QUOTE)
    evidence = evidence_approve(actor=cast.moderator, evidence=evidence)
    citation_add(actor=cast.moderator, claim=hx_claim, evidence=evidence, relation="supports")
    return {"img": img_claim, "hx": hx_claim, "source": source}


@pytest.fixture
def debater_page(new_page, cast) -> Iterator[Watch]:
    page = new_page(cast.debater_now, via_form=False)
    yield watch(page)


def text_of(page: Page, selector: str) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(selector).all_text_contents()]


def test_hostile_claims_show_as_text_on_the_debate_page(debater_page, hostile, live_server):
    page = debater_page.page
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")

    for key in ("img", "hx"):
        card = page.locator(f"#claim-card-{hostile[key].pk} .claim-text")
        expect(card).to_have_text(hostile[key].text)
    expect(page.locator(".quote-link", has_text="The envoy wrote")).to_have_text(f"“{QUOTE}”")
    assert page.locator("main img[src='x'], main [hx-get='/d/x/']").count() == 0
    wait_for_next_poll(page)
    debater_page.assert_inert()
    debater_page.assert_no_csp_violation()


@pytest.mark.parametrize("key", ["img", "hx"])
def test_hostile_claim_shows_as_text_on_its_own_page(debater_page, hostile, live_server, key):
    page = debater_page.page
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/claims/{hostile[key].pk}/")

    expect(page.locator(f"#claim-card-{hostile[key].pk} .claim-text")).to_have_text(
        hostile[key].text
    )
    assert page.locator("main img[src='x'], main [hx-get='/d/x/']").count() == 0
    wait_for_next_poll(page)
    debater_page.assert_inert()


@pytest.mark.parametrize("text", [IMG, HX, SCRIPT], ids=["img-onerror", "hx-get", "script"])
def test_hostile_claim_arriving_by_live_update_shows_as_text(debater_page, cast, live_server, text):
    page = debater_page.page
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")
    wait_for_next_poll(page)  # the page is polling

    claim = claim_create(actor=cast.debater_after, debate=cast.debate,
                         position=cast.position("after"), text=text, stance="pro")  # fmt: skip

    expect(page.locator(f"#claim-card-{claim.pk} .claim-text")).to_have_text(text, timeout=LIVE)
    wait_for_next_poll(page)
    debater_page.assert_inert()
    assert page.locator("main img[src='x'], main [hx-get='/d/x/'], main script").count() == 0


def test_hostile_quote_shows_as_text_in_the_source_reader(debater_page, hostile, live_server):
    page = debater_page.page
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/sources/{hostile['source'].pk}/")

    expect(page.locator("h1")).to_have_text(f"Minutes {IMG}")
    expect(page.locator("mark.evidence")).to_have_text(QUOTE)
    assert page.locator("main img[src='x'], main [hx-get='/d/x/']").count() == 0
    debater_page.assert_inert()


@pytest.mark.parametrize(
    "path",
    [
        "",
        "sources/{source}/",
        "picture/",
        "results/",
        "claims/{claim}/",
        "claims/{claim}/why/",
        "positions/after/why/",
    ],
    ids=["debate", "source-reader", "picture", "results", "claim", "claim-why", "position-why"],
)
def test_no_content_security_policy_violation_for_a_debater(
    debater_page, hostile, live_server, path
):
    page = debater_page.page
    url = path.format(source=hostile["source"].pk, claim=hostile["hx"].pk)

    response = page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/{url}")
    page.wait_for_load_state("load")
    if path == "picture/":  # d3 has drawn the tree, boxes and all
        expect(page.locator("#picture g").first).to_be_attached()
        expect(page.locator("#picture text", has_text="Motion").first).to_be_attached()

    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    debater_page.assert_no_csp_violation()
    debater_page.assert_inert()


def test_picture_shows_hostile_claims_as_text(debater_page, hostile, live_server):
    page = debater_page.page
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/picture/")

    expect(page.locator("#picture text", has_text="onerror").first).to_be_attached()
    labels = " ".join(text_of(page, "#picture text"))
    assert "window.__pwned=1" in labels  # the text itself, drawn as SVG text
    assert page.locator("#picture img, #picture [hx-get]").count() == 0
    debater_page.assert_inert()
    debater_page.assert_no_csp_violation()


def test_no_content_security_policy_violation_on_the_api_docs(page, live_server, seeded):
    watched = watch(page)
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator("#swagger-ui .info .title").first).to_contain_text("Argument maps API")
    watched.assert_no_csp_violation()
