"""The moderators' screens through the test client: the queue (proposed evidence and open
flags), reviewing and resolving from it (full page and htmx fragment), the flag form, the
audit trail, and who may do each moderation action.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils.html import escape

from debate.activity.models import Notice
from debate.arguments.models import Claim, Stance, Vote
from debate.audit.models import AuditEvent
from debate.debates.models import Debate, Phase
from debate.moderation.models import Flag, FlagKind, FlagStatus
from debate.moderation.selectors import AUDIT_PAGE_SIZE
from debate.sources.models import Evidence, EvidenceStatus
from tests.factories import (
    ClaimFactory,
    DebateFactory,
    EvidenceFactory,
    SourceFactory,
    VoteFactory,
)
from tests.helpers import client_as, rows_of

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
QUOTE = "“a temporary recourse”"


def last_event_id() -> int:
    return max(AuditEvent.objects.values_list("pk", flat=True), default=0)


def new_events(since: int) -> list[tuple[str, int | None]]:
    return list(
        AuditEvent.objects.filter(pk__gt=since).order_by("pk").values_list("action", "actor_id")
    )


@pytest.fixture
def world(
    world, debate, position_now, team_now, team_after, debater_now, debater_after, observer,
    source,
):  # fmt: skip
    """The shared world with claims, evidence in every state and flags in the debate.

    - `original` (by debater_now) and its `duplicate` (by debater_after), under "now";
    - `hidden`: a claim a moderator hid; `reply`: debater_now's answer to the duplicate;
    - `proposed`: debater_now's proposed evidence "“a temporary recourse”", with a note;
      `approved` and `hidden_evidence`: approved evidence, the latter hidden;
    - `fallacy_flag` (observer, straw man, on `original`) and `duplicate_flag` (debater_now,
      `duplicate` duplicates `original`) are open; `dismissed_flag` is resolved.
    """
    original = ClaimFactory(
        debate=debate, position=position_now, author=debater_now, team=team_now,
        text="Talks now deny Russia a veto over enlargement.",
    )  # fmt: skip
    duplicate = ClaimFactory(
        debate=debate, position=position_now, author=debater_after, team=team_after,
        text="Starting talks now removes Moscow's veto.",
    )  # fmt: skip
    reply = ClaimFactory(parent=duplicate, stance=Stance.CON, author=debater_now,
                         text="Moscow never had a veto.")  # fmt: skip
    hidden = ClaimFactory(
        debate=debate, position=position_now, author=debater_now, text="A claim a moderator hid.",
        is_hidden=True, hidden_reason="Off topic",
    )  # fmt: skip
    start = source.text.index(QUOTE)
    proposed = EvidenceFactory(
        source=source, start=start, end=start + len(QUOTE), status=EvidenceStatus.PROPOSED,
        proposer=debater_now, reviewed_at=None, note="The report's own words.",
    )  # fmt: skip
    approved = EvidenceFactory(source=source, start=0, end=20, proposer=debater_after)
    hidden_evidence = EvidenceFactory(
        source=source, start=30, end=50, is_hidden=True, hidden_reason="Misleading cut."
    )
    VoteFactory(user=observer, claim=duplicate, value=2)
    fallacy_flag = Flag.objects.create(
        debate=debate, claim=original, reporter=observer, kind=FlagKind.FALLACY,
        fallacy="straw_man", note="Nobody argued that.",
    )  # fmt: skip
    duplicate_flag = Flag.objects.create(
        debate=debate, claim=duplicate, reporter=debater_now, kind=FlagKind.DUPLICATE,
        duplicate_of=original,
    )  # fmt: skip
    dismissed_flag = Flag.objects.create(
        debate=debate, claim=original, reporter=debater_after, kind=FlagKind.ABUSIVE,
        status=FlagStatus.DISMISSED, note="An old, dismissed complaint.",
    )  # fmt: skip
    vars(world).update(
        original=original, duplicate=duplicate, reply=reply, hidden=hidden, proposed=proposed,
        approved=approved, hidden_evidence=hidden_evidence, fallacy_flag=fallacy_flag,
        duplicate_flag=duplicate_flag, dismissed_flag=dismissed_flag,
    )  # fmt: skip
    return world


def queue_url(w) -> str:
    return reverse("moderation-queue", args=[w.debate.slug])


def review_url(w, evidence) -> str:
    return reverse("evidence-review", args=[w.debate.slug, evidence.pk])


def resolve_url(w, flag) -> str:
    return reverse("flag-resolve", args=[w.debate.slug, flag.pk])


def article(html: str, element_id: str) -> str:
    """The markup of the <article> with this id."""
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</article>", start)]


# --- the queue -----------------------------------------------------------------------------------


def test_queue_lists_proposed_evidence_with_its_context(world, moderator):
    response = client_as(moderator).get(queue_url(world))

    html = response.content.decode()
    assert response.status_code == 200
    item = article(html, f"queued-evidence-{world.proposed.pk}")
    assert "proposed by debater-now" in item
    assert "¶2" in item
    assert (
        f'The task force calls them <mark class="evidence">{QUOTE}</mark> — never a '
        "replacement for membership." in item
    )
    assert f"Note: {escape(world.proposed.note)}" in item
    assert "Proposed evidence (1)" in html
    assert f"queued-evidence-{world.approved.pk}" not in html
    assert f"queued-evidence-{world.hidden_evidence.pk}" not in html


def test_queue_context_is_cut_at_the_edges_of_a_long_source(world, moderator, debater_now):
    text = "x" * 500 + " the passage " + "y" * 500
    long = SourceFactory(debate=world.debate, title="Long", text=text)
    start = text.index("the passage")
    EvidenceFactory(source=long, start=start, end=start + 11, status="proposed",
                    proposer=debater_now)  # fmt: skip

    html = client_as(moderator).get(queue_url(world)).content.decode()

    shown = html[html.index('<mark class="evidence">the passage</mark>') - 250 :]
    assert "x" * 239 + ' <mark class="evidence">the passage</mark> ' + "y" * 239 in shown
    assert "x" * 241 not in html and "y" * 241 not in html


def test_queue_lists_open_flags_with_kind_reporter_and_claim(world, moderator):
    html = client_as(moderator).get(queue_url(world)).content.decode()

    assert "Open flags (2)" in html
    fallacy = article(html, f"flag-{world.fallacy_flag.pk}")
    assert "Fallacy: Straw man · by observer" in fallacy
    assert world.original.text in fallacy
    assert "Note: Nobody argued that." in fallacy
    assert 'value="merge"' not in fallacy
    duplicate = article(html, f"flag-{world.duplicate_flag.pk}")
    assert "Duplicate of another claim · by debater-now" in duplicate
    original_url = reverse("claim", args=[world.debate.slug, world.original.pk])
    assert (
        f'Duplicates <a href="{original_url}">#{world.original.pk}</a>: {world.original.text}'
        in duplicate
    )
    assert f"Merge into #{world.original.pk}" in duplicate
    assert f'id="flag-{world.dismissed_flag.pk}"' not in html
    assert "An old, dismissed complaint." not in html


def test_empty_queue_says_so(debate, moderator):
    html = client_as(moderator).get(reverse("moderation-queue", args=[debate.slug])).content
    assert b"No evidence waits for review." in html
    assert b"No open flags." in html


# --- reviewing evidence through HTTP -------------------------------------------------------------


def test_approving_evidence_redirects_back_to_the_queue(world, moderator, debater_now):
    since = last_event_id()

    response = client_as(moderator).post(
        review_url(world, world.proposed), {"decision": "approve", "reason": ""}
    )

    assert response.status_code == 302
    assert response["Location"] == queue_url(world)
    world.proposed.refresh_from_db()
    assert world.proposed.status == EvidenceStatus.APPROVED
    assert world.proposed.reviewer == moderator
    assert new_events(since) == [("evidence.approved", moderator.pk)]
    assert Notice.objects.filter(user=debater_now, kind="evidence.approved").exists()
    followed = client_as(moderator).get(response["Location"]).content.decode()
    assert f"queued-evidence-{world.proposed.pk}" not in followed


def test_htmx_approval_returns_the_queue_fragment_without_the_item(world, moderator):
    response = client_as(moderator).post(
        review_url(world, world.proposed), {"decision": "approve"}, **HX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Location" not in response
    assert "HX-Request" in response["Vary"]
    assert html.lstrip().startswith('<section class="queue" id="evidence-queue"')
    assert "<html" not in html and 'id="flag-queue"' not in html
    assert "Proposed evidence (0)" in html
    assert f"queued-evidence-{world.proposed.pk}" not in html


def test_htmx_rejection_with_a_reason_tells_the_proposer(world, moderator, debater_now):
    response = client_as(moderator).post(
        review_url(world, world.proposed),
        {"decision": "reject", "reason": "Cut mid-sentence."},
        **HX,
    )

    assert response.status_code == 200
    world.proposed.refresh_from_db()
    assert world.proposed.status == EvidenceStatus.REJECTED
    assert world.proposed.review_reason == "Cut mid-sentence."
    notice = Notice.objects.get(user=debater_now, kind="evidence.rejected")
    assert notice.message.endswith("was rejected: Cut mid-sentence.")


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_rejection_without_a_reason_is_refused_in_place(world, moderator, headers):
    before = rows_of()

    response = client_as(moderator).post(
        review_url(world, world.proposed), {"decision": "reject", "reason": "   "}, **headers
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "Say why the evidence is rejected." in article(
        html, f"queued-evidence-{world.proposed.pk}"
    )
    assert ("<html" in html) is (not headers)
    assert rows_of() == before


def test_unknown_decision_is_refused(world, moderator):
    before = rows_of()
    response = client_as(moderator).post(
        review_url(world, world.proposed), {"decision": "delete", "reason": "x"}, **HX
    )
    assert response.status_code == 422
    assert "Choose approve, reject, hide or restore." in response.content.decode()
    assert rows_of() == before


def test_moderator_hides_evidence_from_the_reader_with_a_reason(world, moderator):
    reader = reverse("source", args=[world.debate.slug, world.source.pk])

    response = client_as(moderator).post(
        review_url(world, world.approved),
        {"decision": "hide", "reason": "Quoted out of context.", "next": reader},
    )

    assert response.status_code == 302
    assert response["Location"] == reader
    world.approved.refresh_from_db()
    assert world.approved.is_hidden
    assert world.approved.hidden_reason == "Quoted out of context."
    assert world.approved.status == EvidenceStatus.APPROVED
    assert Evidence.objects.filter(pk=world.approved.pk).exists()


def test_hidden_evidence_is_listed_for_moderators_with_restore_and_not_highlighted(
    world, moderator, debater_now
):
    reader = reverse("source", args=[world.debate.slug, world.source.pk])

    as_moderator = client_as(moderator).get(reader).content.decode()
    as_debater = client_as(debater_now).get(reader).content.decode()

    listed = as_moderator[as_moderator.index("All evidence in this revision") :]
    row = listed[listed.index(f"#{world.hidden_evidence.pk} ") - 30 :]
    row = row[: row.index("</li>")]
    assert 'class="is-hidden"' in row
    assert '<span class="status">Hidden</span>' in row
    assert 'value="restore"' in row
    assert f'id="evidence-{world.hidden_evidence.pk}"' not in as_moderator
    assert f'id="evidence-{world.hidden_evidence.pk}"' not in as_debater
    assert "All evidence in this revision" not in as_debater


def test_moderator_restores_hidden_evidence(world, moderator):
    since = last_event_id()
    response = client_as(moderator).post(
        review_url(world, world.hidden_evidence), {"decision": "restore", "reason": "Fair cut."}
    )
    assert response.status_code == 302
    world.hidden_evidence.refresh_from_db()
    assert not world.hidden_evidence.is_hidden
    assert world.hidden_evidence.hidden_reason == "Fair cut."
    assert new_events(since) == [("evidence.restore", moderator.pk)]


@pytest.mark.parametrize("decision", ["hide", "restore"])
def test_hiding_or_restoring_evidence_needs_a_reason(world, moderator, decision):
    before = rows_of()
    target = world.approved if decision == "hide" else world.hidden_evidence
    response = client_as(moderator).post(
        review_url(world, target), {"decision": decision, "reason": "  "}
    )
    assert response.status_code == 422
    assert rows_of() == before


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
@pytest.mark.parametrize("decision", ["hide", "restore"])
def test_hiding_or_restoring_evidence_without_a_reason_says_why(
    world, moderator, decision, headers
):
    target = world.approved if decision == "hide" else world.hidden_evidence
    response = client_as(moderator).post(
        review_url(world, target), {"decision": decision, "reason": "  "}, **headers
    )
    assert response.status_code == 422
    assert "Give a reason." in response.content.decode()


@pytest.mark.parametrize("next_url", ["//evil.example/", "https://evil.example/", "evil"])
def test_review_never_redirects_off_site(world, moderator, next_url):
    response = client_as(moderator).post(
        review_url(world, world.approved),
        {"decision": "hide", "reason": "Off topic.", "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == queue_url(world)


def test_reviewing_evidence_of_another_debate_is_404(world, moderator):
    other = DebateFactory()
    before = rows_of()
    response = client_as(moderator).post(
        reverse("evidence-review", args=[other.slug, world.proposed.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    assert rows_of() == before


# --- resolving flags through HTTP ----------------------------------------------------------------


def test_dismissing_a_flag_redirects_to_the_queue(world, moderator):
    since = last_event_id()
    response = client_as(moderator).post(
        resolve_url(world, world.fallacy_flag), {"resolution": "dismiss", "reason": "Fair."}
    )
    assert response.status_code == 302
    assert response["Location"] == queue_url(world)
    world.fallacy_flag.refresh_from_db()
    assert world.fallacy_flag.status == FlagStatus.DISMISSED
    assert world.fallacy_flag.resolution_reason == "Fair."
    assert new_events(since) == [("flag.dismissed", moderator.pk)]


def test_htmx_merge_returns_the_flag_queue_fragment(world, moderator):
    response = client_as(moderator).post(
        resolve_url(world, world.duplicate_flag),
        {"resolution": "merge", "reason": "Same point."},
        **HX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="queue" id="flag-queue"')
    assert "<html" not in html and 'id="evidence-queue"' not in html
    assert f'id="flag-{world.duplicate_flag.pk}"' not in html
    assert f'id="flag-{world.fallacy_flag.pk}"' in html
    world.duplicate.refresh_from_db()
    world.reply.refresh_from_db()
    assert world.duplicate.merged_into_id == world.original.pk
    assert world.reply.parent_id == world.original.pk
    assert Vote.objects.get(user=world.users["observer"]).claim_id == world.original.pk


def test_htmx_hide_resolution_hides_the_claim(world, moderator):
    response = client_as(moderator).post(
        resolve_url(world, world.fallacy_flag), {"resolution": "hide", "reason": "Straw man."},
        **HX,
    )  # fmt: skip
    assert response.status_code == 200
    world.original.refresh_from_db()
    assert world.original.is_hidden and world.original.hidden_reason == "Straw man."


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_resolution_without_a_reason_is_refused_in_place(world, moderator, headers):
    before = rows_of()
    response = client_as(moderator).post(
        resolve_url(world, world.duplicate_flag), {"resolution": "merge", "reason": ""}, **headers
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Give a reason for the resolution." in article(html, f"flag-{world.duplicate_flag.pk}")
    assert rows_of() == before


def test_merge_of_a_non_duplicate_flag_is_refused_in_place(world, moderator):
    before = rows_of()
    response = client_as(moderator).post(
        resolve_url(world, world.fallacy_flag), {"resolution": "merge", "reason": "Same."}, **HX
    )
    assert response.status_code == 422
    assert "Only a duplicate flag names a claim to merge into." in response.content.decode()
    assert rows_of() == before


def test_resolving_a_flag_of_another_debate_is_404(world, moderator):
    other = DebateFactory()
    before = rows_of()
    response = client_as(moderator).post(
        reverse("flag-resolve", args=[other.slug, world.fallacy_flag.pk]),
        {"resolution": "dismiss", "reason": "x"},
    )
    assert response.status_code == 404
    assert rows_of() == before


def test_merged_duplicate_shows_greyed_to_moderators_and_not_to_others(world, moderator):
    client_as(moderator).post(
        resolve_url(world, world.duplicate_flag), {"resolution": "merge", "reason": "Same."}
    )
    debate_url = reverse("debate", args=[world.debate.slug])

    as_moderator = client_as(moderator).get(debate_url).content.decode()
    as_observer = client_as(world.users["observer"]).get(debate_url).content.decode()

    assert f'claim--hidden" id="claim-{world.duplicate.pk}"' in as_moderator
    assert escape(world.duplicate.text) in as_moderator
    assert reverse("claim-restore", args=[world.debate.slug, world.duplicate.pk]) in as_moderator
    assert escape(world.duplicate.text) not in as_observer
    assert escape(world.reply.text) in as_observer


# --- the flag form -------------------------------------------------------------------------------


def flag_url(w, claim) -> str:
    return reverse("claim-flag", args=[w.debate.slug, claim.pk])


def test_flag_form_offers_every_kind_and_fallacy(world, observer):
    html = client_as(observer).get(flag_url(world, world.original)).content.decode()
    for value in ("off_topic", "duplicate", "unsupported", "fallacy", "abusive"):
        assert f'name="kind" value="{value}"' in html
    assert '<option value="ad_hominem">Ad hominem</option>' in html


def test_fallacy_flag_without_the_fallacy_is_refused_with_a_clear_error(world, observer):
    before = rows_of()
    response = client_as(observer).post(flag_url(world, world.original), {"kind": "fallacy"}, **HX)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Name the fallacy from the list." in html
    assert 'value="fallacy" checked' in html
    assert rows_of() == before


def test_duplicate_flag_takes_the_claim_number_with_a_hash(world, observer):
    response = client_as(observer).post(
        flag_url(world, world.duplicate),
        {"kind": "duplicate", "duplicate_of": f"#{world.original.pk}", "note": "Same."},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#claim-{world.duplicate.pk}")
    flag = Flag.objects.get(reporter=observer, claim=world.duplicate)
    assert flag.duplicate_of_id == world.original.pk


@pytest.mark.parametrize("number", ["abc", "999999", "other-debate"])
def test_duplicate_of_an_unknown_claim_is_refused(world, observer, number):
    if number == "other-debate":
        number = str(ClaimFactory(debate=DebateFactory()).pk)
    before = rows_of()
    response = client_as(observer).post(
        flag_url(world, world.duplicate), {"kind": "duplicate", "duplicate_of": number}, **HX
    )
    assert response.status_code == 422
    assert "No claim with that number in this debate." in response.content.decode()
    assert rows_of() == before


def test_htmx_flag_returns_the_thank_you_fragment(world, debater_after):
    response = client_as(debater_after).post(
        flag_url(world, world.original), {"kind": "unsupported"}, **HX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thank you: a moderator will look at your flag" in html
    assert "<html" not in html
    assert Flag.objects.filter(reporter=debater_after, kind="unsupported").count() == 1


@pytest.mark.parametrize("role", ["observer", "anonymous"])
def test_flag_form_does_not_reveal_a_hidden_claim(world, role):
    response = client_as(world.users[role]).get(flag_url(world, world.hidden))
    assert response.status_code == 404
    assert world.hidden.text not in response.content.decode()


# --- the role matrix -----------------------------------------------------------------------------

ROLES = ["moderator", "debater", "rival", "observer", "outsider", "anonymous"]


@dataclass(frozen=True)
class Action:
    """One moderation action over HTTP: where it posts, what, and how to tell it happened."""

    url: Callable[[SimpleNamespace], str]
    data: dict
    done: Callable[[SimpleNamespace], bool]
    audit: list[str]
    allowed: frozenset[str]
    refusal: str
    refused_status: int = 403


MODERATORS = frozenset({"moderator"})
PARTICIPANTS = frozenset({"moderator", "debater", "rival", "observer"})

ACTIONS = {
    "evidence-approve": Action(
        url=lambda w: review_url(w, w.proposed),
        data={"decision": "approve", "reason": ""},
        done=lambda w: Evidence.objects.filter(pk=w.proposed.pk, status="approved").exists(),
        audit=["evidence.approved"],
        allowed=MODERATORS,
        refusal="Only moderators review evidence.",
    ),  # fmt: skip
    "evidence-reject": Action(
        url=lambda w: review_url(w, w.proposed),
        data={"decision": "reject", "reason": "Cut mid-sentence."},
        done=lambda w: Evidence.objects.filter(pk=w.proposed.pk, status="rejected").exists(),
        audit=["evidence.rejected"],
        allowed=MODERATORS,
        refusal="Only moderators review evidence.",
    ),  # fmt: skip
    "evidence-hide": Action(
        url=lambda w: review_url(w, w.approved),
        data={"decision": "hide", "reason": "Out of context."},
        done=lambda w: Evidence.objects.filter(pk=w.approved.pk, is_hidden=True).exists(),
        audit=["evidence.hide"],
        allowed=MODERATORS,
        refusal="Only moderators hide or restore evidence.",
    ),  # fmt: skip
    "evidence-restore": Action(
        url=lambda w: review_url(w, w.hidden_evidence),
        data={"decision": "restore", "reason": "Fair cut."},
        done=lambda w: Evidence.objects.filter(pk=w.hidden_evidence.pk, is_hidden=False).exists(),
        audit=["evidence.restore"],
        allowed=MODERATORS,
        refusal="Only moderators hide or restore evidence.",
    ),  # fmt: skip
    "flag-dismiss": Action(
        url=lambda w: resolve_url(w, w.fallacy_flag),
        data={"resolution": "dismiss", "reason": "Fair criticism."},
        done=lambda w: Flag.objects.filter(pk=w.fallacy_flag.pk, status="dismissed").exists(),
        audit=["flag.dismissed"],
        allowed=MODERATORS,
        refusal="Only moderators resolve flags.",
    ),  # fmt: skip
    "flag-hide": Action(
        url=lambda w: resolve_url(w, w.fallacy_flag),
        data={"resolution": "hide", "reason": "Straw man."},
        done=lambda w: Claim.objects.filter(pk=w.original.pk, is_hidden=True).exists(),
        audit=["claim.hide", "flag.hidden"],
        allowed=MODERATORS,
        refusal="Only moderators resolve flags.",
    ),  # fmt: skip
    "flag-merge": Action(
        url=lambda w: resolve_url(w, w.duplicate_flag),
        data={"resolution": "merge", "reason": "Same point."},
        done=lambda w: Claim.objects.filter(pk=w.duplicate.pk, merged_into=w.original).exists(),
        audit=["claim.merge", "flag.merged"],
        allowed=MODERATORS,
        refusal="Only moderators resolve flags.",
    ),  # fmt: skip
    "claim-hide": Action(
        url=lambda w: reverse("claim-hide", args=[w.debate.slug, w.original.pk]),
        data={"reason": "Off topic."},
        done=lambda w: Claim.objects.filter(pk=w.original.pk, is_hidden=True).exists(),
        audit=["claim.hide"],
        allowed=MODERATORS,
        refusal="Only moderators hide or restore claims.",
    ),  # fmt: skip
    "claim-restore": Action(
        url=lambda w: reverse("claim-restore", args=[w.debate.slug, w.hidden.pk]),
        data={"reason": "Back on topic."},
        done=lambda w: Claim.objects.filter(pk=w.hidden.pk, is_hidden=False).exists(),
        audit=["claim.restore"],
        allowed=MODERATORS,
        # Only moderators see a hidden claim at all.
        refusal="Not found",
        refused_status=404,
    ),  # fmt: skip
    "flag-create": Action(
        url=lambda w: flag_url(w, w.duplicate),
        data={"kind": "off_topic", "note": "Not about accession."},
        done=lambda w: Flag.objects.filter(note="Not about accession.").exists(),
        audit=["flag.create"],
        # The rival wrote the duplicate: nobody flags their own claim (test_self_flag.py).
        allowed=PARTICIPANTS - {"rival"},
        refusal="Only participants can flag claims, while it is open.",
    ),  # fmt: skip
    "evidence-propose": Action(
        url=lambda w: reverse("evidence-propose", args=[w.debate.slug, w.source.pk]),
        data={"quote": "Accession talks should start now.", "start": "160"},
        done=lambda w: Evidence.objects.filter(quote="Accession talks should start now.").exists(),
        audit=["evidence.propose"],
        allowed=PARTICIPANTS,
        refusal="Only participants of this debate can propose evidence.",
    ),  # fmt: skip
    "phase-change": Action(
        url=lambda w: reverse("debate-phase", args=[w.debate.slug]),
        data={"phase": Phase.VOTING},
        done=lambda w: Debate.objects.filter(pk=w.debate.pk, phase=Phase.VOTING).exists(),
        audit=["debate.phase"],
        allowed=MODERATORS,
        refusal="Only moderators change the phase.",
    ),  # fmt: skip
}

MATRIX = [pytest.param(action, role, id=f"{role}-{action}") for action in ACTIONS for role in ROLES]


@pytest.mark.parametrize(("action", "role"), MATRIX)
def test_each_role_may_do_exactly_its_moderation_actions(world, action, role):
    spec, user = ACTIONS[action], world.users[role]
    before = rows_of()
    since = last_event_id()

    response = client_as(user).post(spec.url(world), spec.data)

    if role in spec.allowed:
        assert response.status_code == 302
        assert spec.done(world)
        assert new_events(since) == [(name, user.pk) for name in spec.audit]
    else:
        assert response.status_code == spec.refused_status
        assert not spec.done(world)
        assert rows_of() == before


@pytest.mark.parametrize("action", list(ACTIONS))
def test_refused_moderation_action_says_why(world, outsider, action):
    spec = ACTIONS[action]
    response = client_as(outsider).post(spec.url(world), spec.data)
    assert response.status_code == spec.refused_status
    assert escape(spec.refusal) in response.content.decode()


# A closed debate can still be reopened: the phase form is the way out, so it is left out.
@pytest.mark.parametrize(
    "action", [a for a in ACTIONS if ACTIONS[a].allowed == MODERATORS and a != "phase-change"]
)
def test_moderators_cannot_moderate_a_closed_debate(world, moderator, action):
    Debate.objects.filter(pk=world.debate.pk).update(phase=Phase.CLOSED)
    before = rows_of()

    response = client_as(moderator).post(ACTIONS[action].url(world), ACTIONS[action].data)

    assert response.status_code == 403
    assert not ACTIONS[action].done(world)
    assert rows_of() == before


@pytest.mark.parametrize("role", ["debater", "outsider", "anonymous"])
@pytest.mark.parametrize("endpoint", ["evidence-review", "flag-resolve"])
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_refused_moderation_post_does_not_show_the_queue(world, role, endpoint, headers):
    url = (
        review_url(world, world.proposed)
        if endpoint == "evidence-review"
        else resolve_url(world, world.fallacy_flag)
    )
    response = client_as(world.users[role]).post(
        url, {"decision": "approve", "resolution": "dismiss", "reason": "x"}, **headers
    )
    html = response.content.decode()
    assert response.status_code in (403, 404)
    assert "The report" not in html  # the proposal's note
    assert "Nobody argued that." not in html  # the flag's note
    assert 'id="evidence-queue"' not in html and 'id="flag-queue"' not in html


# --- moderators-only pages ----------------------------------------------------------------------

PAGES = {
    "queue": lambda w: queue_url(w),
    "audit": lambda w: reverse("audit", args=[w.debate.slug]),
    "manage": lambda w: reverse("debate-manage", args=[w.debate.slug]),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_see_queue_audit_and_manage(world, page, role):
    response = client_as(world.users[role]).get(PAGES[page](world))
    if role == "moderator":
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        assert world.proposed.note not in response.content.decode()


def test_moderator_of_another_debate_does_not_see_this_queue(world):
    from tests.factories import MembershipFactory

    elsewhere = MembershipFactory(role="moderator", team=None).user
    assert client_as(elsewhere).get(queue_url(world)).status_code == 404


def test_superuser_sees_the_queue(world):
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    assert client_as(admin).get(queue_url(world)).status_code == 200


# --- the audit trail -----------------------------------------------------------------------------


def audit_url(w, **query) -> str:
    url = reverse("audit", args=[w.debate.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def trail(world, moderator, debater_now, observer):
    """Real events: a flag, a hide and a review by moderator, observer and debater_now."""
    from debate.arguments.services import claim_hide
    from debate.moderation.services import flag_create
    from debate.sources.services import evidence_approve, evidence_propose

    flag_create(actor=observer, claim=world.duplicate, kind="off_topic")
    claim_hide(actor=moderator, claim=world.original, reason="<b>Off</b> topic")
    evidence_propose(actor=debater_now, source=world.source, quote="Critics want the war")
    evidence_approve(actor=moderator, evidence=world.proposed)
    return world


def audit_rows(html: str) -> list[str]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return body.split("<tr>")[1:]


def test_audit_trail_lists_every_event_newest_first(trail, moderator):
    html = client_as(moderator).get(audit_url(trail)).content.decode()
    actions = [row.split("<code>")[1].split("</code>")[0] for row in audit_rows(html)]
    assert actions == ["evidence.approved", "evidence.propose", "claim.hide", "flag.create"]
    assert "4 events." in html
    assert "&lt;b&gt;Off&lt;/b&gt; topic" in html and "<b>Off</b>" not in html


def test_audit_trail_filters_by_person(trail, moderator):
    html = client_as(moderator).get(audit_url(trail, actor="moderator")).content.decode()
    rows = audit_rows(html)
    assert len(rows) == 2
    assert all('<p class="audit-sentence"><bdi>moderator</bdi> ' in row for row in rows)
    assert "2 events matching." in html
    assert '<option value="moderator" selected>' in html


def test_audit_trail_filters_by_action(trail, moderator):
    html = client_as(moderator).get(audit_url(trail, action="claim.hide")).content.decode()
    rows = audit_rows(html)
    assert len(rows) == 1 and "<code>claim.hide</code>" in rows[0]
    assert '<option value="claim.hide" selected>' in html


def test_audit_trail_filters_by_person_and_action_together(trail, moderator):
    html = (
        client_as(moderator)
        .get(audit_url(trail, actor="observer", action="evidence.approved"))
        .content.decode()
    )
    assert "No events." in html
    assert "0 events matching." in html


def test_audit_filter_menus_list_people_and_actions_of_this_debate(trail, moderator):
    AuditEvent.objects.create(action="secret.elsewhere", object_type="x", debate=DebateFactory())
    html = client_as(moderator).get(audit_url(trail)).content.decode()
    menu = html[html.index('id="audit-actor"') : html.index('id="audit-action"')]
    assert [n for n in ("debater-now", "moderator", "observer") if f'value="{n}"' in menu] == [
        "debater-now", "moderator", "observer"
    ]  # fmt: skip
    assert 'value="claim.hide"' in html
    assert "secret.elsewhere" not in html


def test_audit_trail_paginates_and_keeps_the_filters(world, moderator):
    for number in range(AUDIT_PAGE_SIZE + 5):
        AuditEvent.objects.create(
            actor=moderator, debate=world.debate, action="claim.hide", object_type="c",
            object_id=number,
        )  # fmt: skip
    AuditEvent.objects.create(
        actor=moderator, debate=world.debate, action="flag.create", object_type="f"
    )
    client = client_as(moderator)

    first = client.get(audit_url(world, actor="moderator", action="claim.hide")).content.decode()
    second = client.get(
        audit_url(world, actor="moderator", action="claim.hide", page=2)
    ).content.decode()

    assert len(audit_rows(first)) == AUDIT_PAGE_SIZE
    assert len(audit_rows(second)) == 5
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert 'href="?actor=moderator&amp;action=claim.hide&amp;page=2">Older' in first
    assert 'href="?actor=moderator&amp;action=claim.hide&amp;page=1">Newer' in second
    assert "<code>flag.create</code>" not in first + second


def test_audit_trail_with_a_bad_page_number_shows_a_page(trail, moderator):
    response = client_as(moderator).get(audit_url(trail, page="abc"))
    assert response.status_code == 200
    assert len(audit_rows(response.content.decode())) == 4


def test_htmx_audit_filter_returns_the_table_fragment(trail, moderator):
    response = client_as(moderator).get(audit_url(trail, action="flag.create"), **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="audit-table">')
    assert "<html" not in html and "<form" not in html
    assert len(audit_rows(html)) == 1


def test_audit_trail_shows_only_this_debates_events(trail, moderator):
    AuditEvent.objects.create(
        actor=moderator, debate=DebateFactory(), action="claim.hide", object_type="c"
    )
    html = client_as(moderator).get(audit_url(trail, action="claim.hide")).content.decode()
    assert len(audit_rows(html)) == 1
