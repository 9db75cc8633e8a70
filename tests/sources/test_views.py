"""The source reader: numbered paragraphs, anchors, highlighted evidence and its claims."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import CitationFactory, ClaimFactory, EvidenceFactory


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
