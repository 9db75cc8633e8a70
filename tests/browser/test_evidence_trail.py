"""The evidence trail in a real browser: a cited quote leads to its exact passage and back.

Runs against pytest-django's live server with the shipped seed (seeds/ukraine-nato.json).
The first test takes the README's debate-page and source-reader screenshots (into pytest's
tmp dir; `make screenshots` writes them to static/docs/screenshots/).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SLUG = "ukraine-nato-accession"


def squash(text: str) -> str:
    """Collapse runs of whitespace, as the browser does when it lays out text."""
    return " ".join(text.split())


def unquote(text: str) -> str:
    """The quote as the debate page shows it, without the typographic quotes around it."""
    text = text.strip()
    assert text.startswith("“") and text.endswith("”"), f"quote not in “…”: {text!r}"
    return text[1:-1]


def target_id(page: Page) -> str | None:
    return page.evaluate("() => document.querySelector(':target')?.id ?? null")


def test_cited_quote_leads_to_highlighted_passage_and_back(page, live_server, seeded, screenshot):
    debate_url = f"{live_server.url}/d/{SLUG}/"
    page.goto(debate_url)
    expect(page.locator("h1")).to_contain_text("Ukraine's NATO accession")
    screenshot(page, "debate-page.png")

    link = page.locator(".quote-link").first
    expect(link).to_be_visible()
    claim_id = link.evaluate("a => a.closest('li.claim').id")
    assert re.fullmatch(r"claim-\d+", claim_id), claim_id
    quote = squash(unquote(link.inner_text()))
    assert len(quote) > 20, quote

    link.click()

    # The reader, scrolled to the highlighted passage, which is the page's :target.
    page.wait_for_url(re.compile(rf"/d/{SLUG}/sources/\d+/#evidence-\d+$"))
    evidence_id = page.url.rsplit("#", 1)[1]
    mark = page.locator(f"mark#{evidence_id}")
    expect(mark).to_have_count(1)
    expect(mark).to_be_visible()
    expect(mark).to_be_in_viewport()
    assert target_id(page) == evidence_id
    assert squash(mark.inner_text()) in quote

    # All highlighted pieces of this passage, put together, are exactly the quote.
    number = evidence_id.removeprefix("evidence-")
    pieces = page.locator(f'mark.evidence[data-evidence~="{number}"]').all_inner_texts()
    assert "".join("".join(pieces).split()) == "".join(quote.split())

    # The reader names claim X among the claims citing this passage.
    cited_by = page.locator(f'.cited-by:has(a[href="#{evidence_id}"]) a[href$="#{claim_id}"]')
    expect(cited_by).to_have_count(1)
    expect(cited_by).to_have_text(f"claim #{claim_id.removeprefix('claim-')}")
    screenshot(page, "source-reader.png")

    # The highlight leads back to claim X: directly when only X cites the passage, else
    # through the passage's "cited by" list, which names every citing claim.
    back = mark.locator("a.evidence-link")
    href = back.get_attribute("href")
    if href.startswith("#cites-"):
        back.click()
        assert target_id(page) == f"cites-{number}"
        back = page.locator(f'#cites-{number} a[href$="#{claim_id}"]')
    expect(back).to_have_attribute("href", f"/d/{SLUG}/#{claim_id}")
    back.click()

    page.wait_for_url(f"{debate_url}#{claim_id}")
    claim = page.locator(f"li.claim#{claim_id}")
    expect(claim).to_be_visible()
    expect(claim.locator("> .claim-card")).to_be_in_viewport()
    assert target_id(page) == claim_id
    expect(claim.locator("> .claim-card .quote-link").first).to_contain_text(quote[:40])


def test_debate_page_shows_both_positions_with_nested_claims(
    page, console_errors, live_server, seeded
):
    page.goto(f"{live_server.url}/d/{SLUG}/")

    headings = page.locator(".position h2")
    expect(headings).to_have_text(
        ["Accession talks now, during the war", "Accession only after a settlement"]
    )
    for heading in headings.all():
        expect(heading).to_be_visible()

    nested = page.locator(".claim-children .claim")
    assert nested.count() >= 1
    rebuttal = page.locator(".claim-children .claim:has(> .claim-card .badge--rebuttal)").first
    expect(rebuttal).to_be_visible()
    expect(rebuttal.locator("> .claim-card .badge--rebuttal")).to_have_text("Rebuttal")
    expect(rebuttal.locator("> .claim-card .stance")).to_have_text("Attacks")
    expect(rebuttal.locator("> .claim-card .claim-text")).not_to_be_empty()

    page.wait_for_load_state("load")
    assert console_errors == []
