from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from debate.audit.models import AuditEvent
from debate.debates.models import Debate
from debate.moderation.models import Flag
from debate.sources.models import Evidence, EvidenceStatus, Source

CONTEXT_CHARS = 240


@dataclass
class QueuedEvidence:
    evidence: Evidence
    before: str
    after: str


def evidence_queue(debate: Debate) -> list[QueuedEvidence]:
    """Proposed evidence, oldest first, each with the text around it (2 queries)."""
    proposed = list(
        Evidence.objects.filter(debate=debate, status=EvidenceStatus.PROPOSED)
        .select_related("proposer")
        .order_by("id")
    )
    texts = dict(
        Source.objects.filter(pk__in={e.source_id for e in proposed}).values_list("id", "text")
    )
    queue = []
    for evidence in proposed:
        text = texts[evidence.source_id]
        before = text[max(0, evidence.start - CONTEXT_CHARS) : evidence.start]
        after = text[evidence.end : evidence.end + CONTEXT_CHARS]
        # Cut the context at whole words, where a word ends near the cut.
        if evidence.start > CONTEXT_CHARS and " " in before[:40]:
            before = before[before.index(" ") + 1 :]
        if evidence.end + CONTEXT_CHARS < len(text) and " " in after[-40:]:
            after = after[: after.rindex(" ")]
        queue.append(QueuedEvidence(evidence=evidence, before=before, after=after))
    return queue


def flag_queue(debate: Debate):
    return (
        Flag.objects.open()
        .filter(debate=debate)
        .select_related("claim", "reporter", "duplicate_of")
        .order_by("id")
    )


AUDIT_PAGE_SIZE = 50


def audit_trail(debate: Debate, *, actor: str = "", action: str = "", page: int = 1) -> Page:
    """The debate's audit events, newest first, filtered by person and by action prefix."""
    events = AuditEvent.objects.filter(debate=debate).select_related("actor").order_by("-id")
    if actor:
        events = events.filter(actor__username=actor)
    if action:
        events = events.filter(action__startswith=action)
    return Paginator(events, AUDIT_PAGE_SIZE).get_page(page)


def audit_filters(debate: Debate) -> tuple[list[str], list[str]]:
    """The people and the actions that occur in the debate's trail, for the filter menus."""
    rows = AuditEvent.objects.filter(debate=debate)
    actors = sorted(
        {name for name in rows.values_list("actor__username", flat=True).distinct() if name}
    )
    actions = sorted(set(rows.values_list("action", flat=True).distinct()))
    return actors, actions
