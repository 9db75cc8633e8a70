"""Evidence moderation in a real browser: a debater selects a passage in the source reader and
proposes it; a moderator approves it in the queue; the debater sees it approved.

Runs against pytest-django's live server with the shipped seed. The first test also takes the
README's propose-evidence.png and moderation-queue.png (into pytest's tmp dir; `make
screenshots` writes them to static/docs/screenshots/).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from debate.arguments.models import Claim
from debate.moderation.services import flag_create
from debate.sources.models import Evidence, EvidenceStatus, Source
from debate.sources.services import evidence_hide
from tests.browser.conftest import SEEDED_SLUG

pytestmark = pytest.mark.browser

PASSAGE = (
    "Those bilateral documents will, inevitably, differ widely from one another in their "
    "respective contents."
)

# Select `passage` inside the reader's paragraph that holds it, across however many text
# nodes (highlights split a paragraph into several), then let reader.js see a mouseup.
SELECT_PASSAGE = """
(passage) => {
  const paragraphs = [...document.querySelectorAll('.source-text p[data-start]')];
  const paragraph = paragraphs.find((p) => p.textContent.includes(passage));
  if (!paragraph) return null;
  const from = paragraph.textContent.indexOf(passage);
  const to = from + passage.length;
  const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0, node;
  while ((node = walker.nextNode())) {
    const length = node.nodeValue.length;
    if (from >= seen && from < seen + length) range.setStart(node, from - seen);
    if (to > seen && to <= seen + length) { range.setEnd(node, to - seen); break; }
    seen += length;
  }
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  paragraph.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
  return Number(paragraph.dataset.start) + from;
}
"""


def reader_url(live_server, source: Source) -> str:
    return f"{live_server.url}/d/{SEEDED_SLUG}/sources/{source.pk}/"


@pytest.fixture
def article(cast) -> Source:
    source = Source.objects.get(debate=cast.debate)
    assert PASSAGE in source.text
    assert not Evidence.objects.filter(source=source, quote=PASSAGE).exists()
    return source


def test_debater_proposes_a_selected_passage_and_sees_it_approved(
    new_page, cast, article, live_server, console_errors, screenshot
):
    # An open flag too, so that the queue's screenshot shows both columns at work.
    flagged = Claim.objects.filter(debate=cast.debate, position__key="now").first()
    flag_create(actor=cast.debater_after, claim=flagged, kind="fallacy", fallacy="straw_man",
                note="Nobody on our side argues for a veto.")  # fmt: skip
    debater: Page = new_page(cast.debater_now, via_form=False)
    debater.goto(reader_url(live_server, article))

    # 1. The debater selects the passage; reader.js fills the form with it and its offsets.
    start = debater.evaluate(SELECT_PASSAGE, PASSAGE)
    assert start == article.text.index(PASSAGE)
    form = debater.locator("#propose-form")
    expect(form).to_have_class("stack-form propose--ready")
    expect(form.locator("textarea[name=quote]")).to_have_value(PASSAGE)
    assert form.locator("input[name=start]").input_value() == str(start)
    assert form.locator("input[name=end]").input_value() == str(start + len(PASSAGE))
    form.locator("textarea[name=note]").fill("Why bilateral deals cannot replace accession.")
    form.get_by_role("button", name="Propose").click()

    notice = debater.locator("#propose .notice")
    expect(notice).to_contain_text("Proposed as evidence #")
    evidence = Evidence.objects.get(source=article, quote=PASSAGE)
    assert (evidence.start, evidence.end) == (start, start + len(PASSAGE))
    assert (evidence.status, evidence.proposer_id) == (EvidenceStatus.PROPOSED, cast.debater_now.pk)
    expect(notice).to_contain_text(f"#{evidence.pk}")
    debater.locator("#propose").scroll_into_view_if_needed()
    screenshot(debater, "propose-evidence.png")

    # 2. The moderator finds it in the queue, in its context, and approves it.
    moderator: Page = new_page(cast.moderator, via_form=False)
    moderator.goto(f"{live_server.url}/d/{SEEDED_SLUG}/moderate/")
    item = moderator.locator(f"#queued-evidence-{evidence.pk}")
    expect(item.locator("mark.evidence")).to_have_text(PASSAGE)
    expect(item.locator(".in-context")).to_contain_text("Nine such agreements have been signed")
    expect(item).to_contain_text("proposed by now-nadia")
    expect(moderator.locator("#flag-queue")).to_contain_text("Fallacy: Straw man · by after-anton")
    screenshot(moderator, "moderation-queue.png", full_page=True)
    item.get_by_label("Reason").fill("Exact, and central to the 'now' case.")
    item.get_by_role("button", name="Approve").click()
    expect(moderator.locator(f"#queued-evidence-{evidence.pk}")).to_have_count(0)
    expect(moderator.locator("#evidence-queue")).to_contain_text("No evidence waits for review.")
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.APPROVED

    # 3. The debater sees it approved, with the reason, and highlighted in the text.
    debater.reload()
    proposals = debater.locator(
        "section.panel", has=debater.get_by_role("heading", name="Your proposals")
    )
    item = proposals.locator("li", has_text="Those bilateral documents")
    expect(item.locator(".status")).to_have_text("Approved")
    expect(item).to_contain_text("Reason: Exact, and central to the 'now' case.")
    expect(debater.locator(f"mark#evidence-{evidence.pk}")).to_be_visible()
    assert console_errors == []


def test_debater_sees_a_rejection_and_its_reason(new_page, cast, article, live_server):
    debater: Page = new_page(cast.debater_after, via_form=False)
    debater.goto(reader_url(live_server, article))
    debater.evaluate(SELECT_PASSAGE, PASSAGE)
    debater.locator("#propose-form").get_by_role("button", name="Propose").click()
    expect(debater.locator("#propose .notice")).to_contain_text("Proposed as evidence #")
    evidence = Evidence.objects.get(source=article, quote=PASSAGE)

    moderator: Page = new_page(cast.moderator, via_form=False)
    moderator.goto(f"{live_server.url}/d/{SEEDED_SLUG}/moderate/")
    item = moderator.locator(f"#queued-evidence-{evidence.pk}")
    item.get_by_role("button", name="Reject").click()  # no reason yet: refused in place
    expect(item.locator(".form-error")).to_have_text("Say why the evidence is rejected.")
    item.get_by_label("Reason").fill("Describes, does not argue.")
    item.get_by_role("button", name="Reject").click()
    expect(moderator.locator(f"#queued-evidence-{evidence.pk}")).to_have_count(0)

    debater.reload()
    mine = debater.locator("li", has_text="Those bilateral documents")
    expect(mine.locator(".status")).to_have_text("Rejected")
    expect(mine).to_contain_text("Reason: Describes, does not argue.")


def test_hidden_evidence_shows_greyed_to_moderators(new_page, cast, article, live_server):
    hidden = Evidence.objects.filter(source=article, status=EvidenceStatus.APPROVED).first()
    evidence_hide(actor=cast.moderator, evidence=hidden, reason="Misleading cut.")
    moderator: Page = new_page(cast.moderator, via_form=False)
    moderator.goto(reader_url(live_server, article))

    row = moderator.locator("li.is-hidden")
    expect(row).to_have_count(1)
    styles = row.evaluate(
        """(li) => {
          const other = li.parentElement.querySelector('li:not(.is-hidden)');
          const s = getComputedStyle(li), o = getComputedStyle(other);
          return {opacity: s.opacity, color: s.color, otherColor: o.color,
                  background: s.backgroundColor, otherBackground: o.backgroundColor};
        }"""
    )
    assert (
        float(styles["opacity"]) < 1
        or styles["color"] != styles["otherColor"]
        or styles["background"] != styles["otherBackground"]
    ), styles
