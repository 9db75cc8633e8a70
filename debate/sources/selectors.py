from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from debate.arguments.models import Citation
from debate.mapview import visibility
from debate.sources.models import Evidence, Source
from debate.sources.text import split_paragraphs


@dataclass
class CitingClaim:
    id: int
    text: str
    relation: str


@dataclass
class Segment:
    text: str
    evidence_ids: list[int]
    # The evidence whose passage starts in this segment carries the anchor id.
    anchor_for: int | None = None
    # Where the highlight leads: the one claim citing it, or the list of all of them.
    link_claim_id: int | None = None
    link_cites_id: int | None = None


@dataclass
class ReaderParagraph:
    number: int
    start: int
    segments: list[Segment]
    # (evidence id, the claims citing it) for each passage that starts in this paragraph.
    cited_by: list[tuple[int, list[CitingClaim]]] = field(default_factory=list)


@dataclass
class SourceReading:
    source: Source
    paragraphs: list[ReaderParagraph]
    evidence: dict[int, Evidence]
    citing: dict[int, list[CitingClaim]]


def source_reading(source: Source, audience: visibility.Audience) -> SourceReading:
    """The source text cut into numbered paragraphs, with the evidence that claims may cite
    marked, and the claims this audience may see citing it (2 queries)."""
    evidence = {
        e.pk: e
        for e in Evidence.objects.filter(visibility.citable_evidence_q(), source=source).order_by(
            "start", "end"
        )
    }
    citing: dict[int, list[CitingClaim]] = defaultdict(list)
    for row in (
        Citation.objects.filter(visibility.citation_q(audience), evidence__in=list(evidence))
        .order_by("claim_id")
        .values("evidence_id", "claim_id", "claim__text", "relation")
    ):
        citing[row["evidence_id"]].append(
            CitingClaim(id=row["claim_id"], text=row["claim__text"], relation=row["relation"])
        )
    text = source.text
    paragraphs = []
    for number, start, end in split_paragraphs(text):
        inside = [e for e in evidence.values() if e.start < end and e.end > start]
        cuts = sorted(
            {start, end} | {max(start, min(end, x)) for e in inside for x in (e.start, e.end)}
        )
        segments = []
        anchored: set[int] = set()
        for a, b in zip(cuts, cuts[1:], strict=False):
            covering = [e.pk for e in inside if e.start <= a and e.end >= b]
            segment = Segment(text=text[a:b], evidence_ids=covering)
            for pk in covering:
                if pk not in anchored and evidence[pk].start >= a:
                    segment.anchor_for = pk
                    anchored.add(pk)
                    break
            for pk in covering:
                if len(citing.get(pk, [])) == 1:
                    segment.link_claim_id = citing[pk][0].id
                    break
                if citing.get(pk):
                    segment.link_cites_id = pk
                    break
            segments.append(segment)
        cited_by = [(e.pk, citing[e.pk]) for e in inside if e.start >= start and citing.get(e.pk)]
        paragraphs.append(
            ReaderParagraph(number=number, start=start, segments=segments, cited_by=cited_by)
        )
    return SourceReading(source=source, paragraphs=paragraphs, evidence=evidence, citing=citing)


PICKER_LIMIT = 20


def evidence_search(debate, query: str) -> list[Evidence]:
    """Citable evidence of the debate (approved, visible) whose quote matches every word."""
    qs = Evidence.objects.filter(visibility.citable_evidence_q(), debate=debate).select_related(
        "source"
    )
    for word in (query or "").split()[:8]:
        qs = qs.filter(quote__icontains=word)
    return list(qs.order_by("source_id", "start")[:PICKER_LIMIT])


def source_revisions(source: Source) -> list[Source]:
    """Every revision in this source's chain of corrections, oldest first (1 query)."""
    rows = list(Source.objects.filter(debate_id=source.debate_id).only("id", "revision",
                                                                       "previous_id"))  # fmt: skip
    by_id = {row.pk: row for row in rows}
    next_of = {row.previous_id: row for row in rows if row.previous_id}
    first = by_id[source.pk]
    while first.previous_id in by_id:
        first = by_id[first.previous_id]
    chain = [first]
    while chain[-1].pk in next_of:
        chain.append(next_of[chain[-1].pk])
    return chain


def evidence_of_source(
    source: Source, audience: visibility.Audience, *, proposer_id: int | None = None
) -> list[Evidence]:
    """The evidence of a source that this audience may see (moderators: all of it), or only
    what `proposer_id` proposed. Each row carries `shown_reason`: the review's reason where
    the audience may read it, else ""."""
    qs = Evidence.objects.filter(visibility.evidence_q(audience), source=source)
    if proposer_id is not None:
        qs = qs.filter(proposer_id=proposer_id)
    rows = list(qs.order_by("start"))
    for row in rows:
        shown = visibility.evidence_reason_shown(audience, proposer_id=row.proposer_id)
        row.shown_reason = row.review_reason if shown else ""
    return rows
