"""Proposing evidence from the source reader, through the test client: the server finds the
exact span, refuses twins and quotes that are not in the text, and tells the proposer how
the review went. Only approved evidence can be cited."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from debate.arguments.models import Citation
from debate.audit.models import AuditEvent
from debate.debates.models import Phase
from debate.sources.models import Evidence, EvidenceStatus
from debate.sources.services import evidence_approve, evidence_hide, evidence_reject
from tests.conftest import SOURCE_TEXT
from tests.factories import ClaimFactory
from tests.helpers import client_as, rows_of

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
REPEATED = "Accession talks should start now"  # in paragraphs 2 and 3


def propose_url(source) -> str:
    return reverse("evidence-propose", args=[source.debate.slug, source.pk])


def reader_url(source) -> str:
    return reverse("source", args=[source.debate.slug, source.pk])


# --- proposing -----------------------------------------------------------------------------------


def test_proposal_stores_the_exact_span_and_redirects_to_it(source, debater_now):
    start = SOURCE_TEXT.index("nine bilateral")
    response = client_as(debater_now).post(
        propose_url(source),
        {"quote": "nine bilateral security agreements", "start": str(start),
         "end": str(start + 34), "note": " Counts the agreements. "},
    )  # fmt: skip

    evidence = Evidence.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reader_url(source)}#evidence-{evidence.pk}"
    assert (evidence.start, evidence.end, evidence.paragraph) == (start, start + 34, 1)
    assert evidence.quote == SOURCE_TEXT[evidence.start : evidence.end]
    assert (evidence.status, evidence.proposer, evidence.note) == (
        EvidenceStatus.PROPOSED, debater_now, "Counts the agreements."
    )  # fmt: skip
    event = AuditEvent.objects.get(action="evidence.propose")
    assert (event.actor, event.object_id, event.after["start"]) == (debater_now, evidence.pk, start)


def test_htmx_proposal_returns_the_propose_fragment(source, observer):
    response = client_as(observer).post(
        propose_url(source), {"quote": "Critics want the war to end first."}, **HX
    )

    html = response.content.decode()
    evidence = Evidence.objects.get()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="panel propose" id="propose">')
    assert "<html" not in html
    assert f"Proposed as evidence #{evidence.pk}. A moderator will review it." in html
    assert "Critics want the war" not in html.split('id="propose-quote"')[1].split("</textarea>")[0]


@pytest.mark.parametrize(
    ("occurrence", "paragraph"), [(0, 2), (1, 3)], ids=["first-hinted", "second-hinted"]
)
def test_start_from_the_selection_picks_the_occurrence_selected(
    source, debater_now, occurrence, paragraph
):
    first = SOURCE_TEXT.index(REPEATED)
    starts = [first, SOURCE_TEXT.index(REPEATED, first + 1)]

    client_as(debater_now).post(
        propose_url(source), {"quote": REPEATED, "start": str(starts[occurrence])}
    )

    evidence = Evidence.objects.get()
    assert (evidence.start, evidence.end) == (
        starts[occurrence], starts[occurrence] + len(REPEATED)
    )  # fmt: skip
    assert evidence.paragraph == paragraph


@pytest.mark.parametrize("start", ["", "abc", "-5", "99999"])
def test_missing_or_odd_start_still_finds_the_quote(source, debater_now, start):
    response = client_as(debater_now).post(
        propose_url(source), {"quote": "Critics want the war", "start": start}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.quote == "Critics want the war"
    assert SOURCE_TEXT[evidence.start : evidence.end] == "Critics want the war"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ukraine's allies", "Ukraine’s allies"),
        ('them "a temporary recourse" - never', "them “a temporary recourse” — never"),
        ("recourse\u201d -- never a replacement", "recourse” — never a replacement"),
        ("for membership.  Accession   talks", "for membership.\nAccession talks"),
        ("  Critics want the war to end first.  ", "Critics want the war to end first."),
    ],
    ids=["apostrophe", "quotes-and-dash", "double-hyphen", "whitespace", "padding"],
)
def test_typographic_variants_store_the_exact_source_text(source, debater_now, typed, stored):
    response = client_as(debater_now).post(propose_url(source), {"quote": typed}, **HX)

    assert response.status_code == 200
    evidence = Evidence.objects.get()
    assert evidence.quote == stored
    assert SOURCE_TEXT[evidence.start : evidence.end] == stored


def test_a_span_that_is_already_evidence_returns_the_existing_one(source, debater_now, observer):
    client_as(debater_now).post(propose_url(source), {"quote": "a temporary recourse"})
    existing = Evidence.objects.get()
    before = rows_of()

    response = client_as(observer).post(
        propose_url(source), {"quote": "a  temporary recourse"}, **HX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert rows_of() == before  # no twin, no audit event
    assert (
        f'This passage is <a href="#evidence-{existing.pk}">evidence #{existing.pk}</a> '
        "already (proposed); nothing new was created." in html
    )


def test_repeat_proposal_without_htmx_says_which_evidence_it_is(source, debater_now, moderator):
    client = client_as(debater_now)
    client.post(propose_url(source), {"quote": "a temporary recourse"})
    existing = Evidence.objects.get()
    evidence_approve(actor=moderator, evidence=existing)

    response = client.post(propose_url(source), {"quote": "a temporary recourse"}, follow=True)

    assert Evidence.objects.count() == 1
    assert response.redirect_chain[-1][0] == f"{reader_url(source)}#evidence-{existing.pk}"
    assert f"This passage is evidence #{existing.pk} already (approved)." in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        ("Accession talks should wait", "The quote does not occur in the source text."),
        ("   ", "The quote is empty."),
        ("", "The quote is empty."),
        ("nul\x00byte", "Null characters are not allowed."),
    ],
    ids=["not-in-text", "blank", "empty", "nul"],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_quote_not_in_the_source_is_refused_and_saves_nothing(
    source, debater_now, quote, message, headers
):
    before = rows_of()

    response = client_as(debater_now).post(propose_url(source), {"quote": quote}, **headers)

    html = response.content.decode()
    # Null characters are refused by the form's field, like any other bad value.
    assert response.status_code == 422
    assert f'<p class="form-error" role="alert">{escape(message)}</p>' in html
    assert rows_of() == before
    if quote.strip():
        assert f">{escape(quote)}</textarea>" in html  # the attempt stays in the form


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_non_members_cannot_propose(request, source, who):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_as(user)
    before = rows_of()

    response = client.post(propose_url(source), {"quote": "Critics want the war"}, **HX)

    assert response.status_code == 403
    assert "Only participants of this debate can propose evidence." in response.content.decode()
    assert rows_of() == before
    assert 'id="propose-form"' not in client.get(reader_url(source)).content.decode()


def test_nobody_proposes_in_a_closed_debate(debate, source, debater_now):
    debate.phase = Phase.CLOSED
    debate.save(update_fields=["phase"])
    before = rows_of()
    response = client_as(debater_now).post(
        propose_url(source), {"quote": "Critics want the war"}, **HX
    )
    assert response.status_code == 403
    assert rows_of() == before


def test_members_see_the_propose_form_in_the_reader(source, observer):
    html = client_as(observer).get(reader_url(source)).content.decode()
    assert 'id="propose-form"' in html
    assert f'action="{propose_url(source)}"' in html


# --- the proposer sees the review ----------------------------------------------------------------


def my_proposals(html: str) -> str:
    start = html.index("<h2>Your proposals</h2>")
    return html[start : html.index("</section>", start)]


def test_proposer_sees_a_pending_proposal(source, debater_now):
    client = client_as(debater_now)
    client.post(propose_url(source), {"quote": "Critics want the war"})

    panel = my_proposals(client.get(reader_url(source)).content.decode())
    assert '<span class="status status--proposed">Proposed</span> “Critics want the war”' in panel


def test_proposer_sees_the_approval_and_its_reason(source, debater_now, moderator):
    client = client_as(debater_now)
    client.post(propose_url(source), {"quote": "Critics want the war"})
    evidence_approve(actor=moderator, evidence=Evidence.objects.get(), reason="Exact quote.")

    panel = my_proposals(client.get(reader_url(source)).content.decode())
    assert '<span class="status status--approved">Approved</span>' in panel
    assert "Reason: Exact quote." in panel


def test_proposer_sees_the_rejection_and_its_reason(source, debater_now, moderator):
    client = client_as(debater_now)
    client.post(propose_url(source), {"quote": "Critics want the war"})
    evidence_reject(actor=moderator, evidence=Evidence.objects.get(), reason="Cut <mid> sentence.")

    panel = my_proposals(client.get(reader_url(source)).content.decode())
    assert '<span class="status status--rejected">Rejected</span>' in panel
    assert "Reason: Cut &lt;mid&gt; sentence." in panel


def test_others_do_not_see_my_proposals(source, debater_now, debater_after):
    client_as(debater_now).post(propose_url(source), {"quote": "Critics want the war"})
    html = client_as(debater_after).get(reader_url(source)).content.decode()
    assert "Your proposals" not in html
    assert "Critics want the war</mark>" not in html


# --- only approved evidence is cited -------------------------------------------------------------


@pytest.fixture
def own_claim(debate, position_now, team_now, debater_now):
    return ClaimFactory(debate=debate, position=position_now, author=debater_now, team=team_now)


def cite(debate, claim, evidence, user):
    return client_as(user).post(
        reverse("claim-cite", args=[debate.slug, claim.pk]),
        {"evidence": evidence.pk, "relation": "supports"},
    )


def test_proposed_evidence_cannot_be_cited_until_approved(
    debate, source, own_claim, debater_now, moderator
):
    client_as(debater_now).post(propose_url(source), {"quote": "Critics want the war"})
    evidence = Evidence.objects.get()

    refused = cite(debate, own_claim, evidence, debater_now)
    assert refused.status_code == 422
    assert "Only approved evidence can be cited." in refused.content.decode()
    assert not Citation.objects.exists()

    evidence_approve(actor=moderator, evidence=evidence)
    accepted = cite(debate, own_claim, evidence, debater_now)
    assert accepted.status_code == 302
    assert Citation.objects.get().evidence_id == evidence.pk


@pytest.mark.parametrize("outcome", ["rejected", "hidden"])
def test_rejected_or_hidden_evidence_cannot_be_cited(
    debate, source, own_claim, debater_now, moderator, outcome
):
    client_as(debater_now).post(propose_url(source), {"quote": "Critics want the war"})
    evidence = Evidence.objects.get()
    if outcome == "rejected":
        evidence_reject(actor=moderator, evidence=evidence, reason="Not relevant.")
    else:
        evidence_approve(actor=moderator, evidence=evidence)
        evidence_hide(actor=moderator, evidence=evidence, reason="Misleading cut.")

    response = cite(debate, own_claim, evidence, debater_now)

    assert response.status_code == 422
    assert "Only approved evidence can be cited." in response.content.decode()
    assert not Citation.objects.exists()


def test_evidence_picker_offers_only_approved_visible_evidence(
    debate, source, own_claim, debater_now, moderator
):
    client = client_as(debater_now)
    client.post(propose_url(source), {"quote": "Critics want the war"})
    client.post(propose_url(source), {"quote": "nine bilateral security agreements"})
    pending = Evidence.objects.get(quote="Critics want the war")
    approved = Evidence.objects.get(quote="nine bilateral security agreements")
    evidence_approve(actor=moderator, evidence=approved)

    html = client.get(reverse("claim-cite", args=[debate.slug, own_claim.pk])).content.decode()

    assert approved.quote in html
    assert pending.quote not in html
