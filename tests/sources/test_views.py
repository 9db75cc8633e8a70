"""The source reader: numbered paragraphs, anchors, highlighted evidence and its claims."""

from __future__ import annotations

from django.urls import reverse

from debate.arguments.services import claim_hide
from debate.sources.services import evidence_hide
from tests.factories import CitationFactory, ClaimFactory, EvidenceFactory
from tests.helpers import client_as


def test_reader_numbers_paragraphs_with_anchors(client, debate, source):
    response = client.get(reverse("source", args=[debate.slug, source.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="p-1"' in html and 'id="p-3"' in html
    assert 'id="p-4"' not in html
    assert source.text_sha256 in html


def test_reader_highlights_approved_evidence_linking_to_citing_claims(client, debate, source):
    start = source.text.index("“a temporary recourse”")
    evidence = EvidenceFactory(
        source=source, start=start, end=start + len("“a temporary recourse”")
    )
    claim = ClaimFactory(debate=debate, position=debate.positions.first())
    CitationFactory(claim=claim, evidence=evidence)

    html = client.get(reverse("source", args=[debate.slug, source.pk])).content.decode()

    mark = html[html.index(f'id="evidence-{evidence.pk}"') :]
    assert mark.index("“a temporary recourse”") < mark.index("</mark>")
    debate_url = reverse("debate", args=[debate.slug])
    assert f'href="{debate_url}#claim-{claim.pk}"' in mark[: mark.index("</mark>")]


def test_reader_does_not_highlight_proposed_or_rejected_evidence(client, debate, source):
    proposed = EvidenceFactory(source=source, start=0, end=10, status="proposed")
    rejected = EvidenceFactory(source=source, start=12, end=20, status="rejected")
    html = client.get(reverse("source", args=[debate.slug, source.pk])).content.decode()
    assert f'id="evidence-{proposed.pk}"' not in html
    assert f'id="evidence-{rejected.pk}"' not in html


def test_reader_of_another_debates_source_is_404(client, debate, source):
    from tests.factories import DebateFactory

    other = DebateFactory()
    assert client.get(reverse("source", args=[other.slug, source.pk])).status_code == 404


# --- what the reader shows whom --------------------------------------------------------------


def reader(user, source) -> str:
    response = client_as(user).get(reverse("source", args=[source.debate.slug, source.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_reader_does_not_name_claims_that_are_hidden_now(debate, source, moderator, observer):
    evidence = EvidenceFactory(source=source, start=0, end=20)
    claim = ClaimFactory(debate=debate, position=debate.positions.first(),
                         text="SECRET-HIDDEN-CLAIM-7731 cites the passage.")  # fmt: skip
    CitationFactory(claim=claim, evidence=evidence)
    claim_hide(actor=moderator, claim=claim, reason="Off topic.")

    assert "SECRET-HIDDEN-CLAIM-7731" not in reader(observer, source)
    assert "SECRET-HIDDEN-CLAIM-7731" not in reader(None, source)


def test_review_reasons_are_for_the_proposer_and_moderators(
    source, debater_now, debater_after, observer, moderator
):
    EvidenceFactory(source=source, start=0, end=20, status="rejected", proposer=debater_now,
                    review_reason="REJECT-REASON-6021")  # fmt: skip
    EvidenceFactory(source=source, start=25, end=40, proposer=debater_now,
                    review_reason="APPROVE-NOTE-6022")  # fmt: skip

    mine = reader(debater_now, source)

    assert "REJECT-REASON-6021" in mine and "APPROVE-NOTE-6022" in mine
    for other in (debater_after, observer, None):
        html = reader(other, source)
        assert "REJECT-REASON-6021" not in html and "APPROVE-NOTE-6022" not in html


def test_a_proposal_hidden_by_a_moderator_leaves_its_proposers_list(source, debater_now, moderator):
    evidence = EvidenceFactory(
        source=source, start=0, end=20, status="proposed", proposer=debater_now,
        review_reason="HIDDEN-PROPOSAL-6023",
    )  # fmt: skip
    evidence_hide(actor=moderator, evidence=evidence, reason="Defamatory.")

    assert "HIDDEN-PROPOSAL-6023" not in reader(debater_now, source)
    assert f"#{evidence.pk} " in reader(moderator, source)


def test_moderators_see_every_proposal_of_the_source(source, debater_now, moderator):
    waiting = EvidenceFactory(source=source, start=0, end=20, status="proposed",
                              proposer=debater_now)  # fmt: skip

    html = reader(moderator, source)

    assert "All evidence in this revision" in html
    assert f"#{waiting.pk} " in html
