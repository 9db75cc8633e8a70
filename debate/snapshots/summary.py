"""The printable summary of a debate, read from the one read model: each position's claims
as one flat, ordered list with the depth as data (no recursion, in Python or in the
template), and the evidence those claims cite."""

from __future__ import annotations

from dataclasses import dataclass, field

from debate.mapview.model import ClaimNode, DebateMap, EvidenceView, PositionNode, SourceView

# Indentation stops growing here (the outline number still says how deep a claim sits):
# a 40-deep chain stays readable on paper.
MAX_INDENT = 8


@dataclass
class SummaryRow:
    claim: ClaimNode
    depth: int  # 0 for a claim directly under its position
    outline: str  # "2.1.3": where the claim sits under its position, as a reader cites it

    @property
    def indent(self) -> int:
        return min(self.depth, MAX_INDENT)


@dataclass
class PositionSummary:
    position: PositionNode
    number: int
    rows: list[SummaryRow] = field(default_factory=list)


@dataclass
class CitedQuote:
    evidence: EvidenceView
    source: SourceView | None
    uses: list[tuple[int, str]] = field(default_factory=list)  # (claim id, supports|concedes)


@dataclass
class Summary:
    positions: list[PositionSummary]
    quotes: list[CitedQuote]
    claims: int


def position_rows(position: PositionNode, number: int) -> PositionSummary:
    """The position's claims depth first, parents before their replies, on an explicit
    stack: (node, depth, outline) for each claim still to write."""
    summary = PositionSummary(position=position, number=number)
    stack = [(node, 0, f"{number}.{i}") for i, node in
             reversed(list(enumerate(position.children, start=1)))]  # fmt: skip
    while stack:
        node, depth, outline = stack.pop()
        summary.rows.append(SummaryRow(claim=node, depth=depth, outline=outline))
        stack.extend((child, depth + 1, f"{outline}.{i}") for i, child in
                     reversed(list(enumerate(node.children, start=1))))  # fmt: skip
    return summary


def cited_quotes(dmap: DebateMap) -> list[CitedQuote]:
    """Each piece of evidence the map's claims cite, once, in source and text order, with
    the claims citing it. `dmap.citations` holds only what this audience may see."""
    sources = {s.id: s for s in dmap.sources}
    quotes: dict[int, CitedQuote] = {}
    for citation in dmap.citations:
        evidence = citation.evidence
        quote = quotes.setdefault(
            evidence.id, CitedQuote(evidence, sources.get(evidence.source_id))
        )
        quote.uses.append((citation.claim_id, citation.relation))
    for quote in quotes.values():
        quote.uses.sort()
    return sorted(quotes.values(), key=lambda q: (q.evidence.source_id, q.evidence.start,
                                                  q.evidence.id))  # fmt: skip


def debate_summary(dmap: DebateMap) -> Summary:
    positions = [position_rows(p, n) for n, p in enumerate(dmap.positions, start=1)]
    return Summary(
        positions=positions,
        quotes=cited_quotes(dmap),
        claims=sum(len(p.rows) for p in positions),
    )
