"""Generate a large debate quickly with bulk inserts (benchmarks only: no services, no audit)."""

from __future__ import annotations

import random
import time

from django.contrib.auth import get_user_model
from django.db import transaction

from debate.arguments.models import Citation, Claim, Vote
from debate.debates.models import Debate, Phase, Position, Team
from debate.sources.models import Evidence, EvidenceStatus, Source
from debate.sources.text import paragraph_of, paragraph_starts, text_sha256


@transaction.atomic
def large_debate(slug: str, *, claims: int, evidence: int, votes: int, seed: int = 7) -> Debate:
    """A debate with `claims` claims in random trees, `evidence` passages, `votes` votes."""
    rng = random.Random(seed)
    run = time.time_ns()  # names unique to this run; earlier runs' rows stay untouched
    Debate.objects.filter(slug=slug).update(slug=f"{slug}-old-{run}")
    debate = Debate.objects.create(slug=slug, title=f"Bench {slug}", motion="Bench?",
                                   phase=Phase.REBUTTAL)  # fmt: skip
    positions = [
        Position.objects.create(debate=debate, key="now", title="Now", order=0),
        Position.objects.create(debate=debate, key="after", title="After", order=1),
    ]
    teams = [Team.objects.create(debate=debate, name=f"Team {p.key}", position=p)
             for p in positions]  # fmt: skip
    text = "\n\n".join(
        " ".join(f"word{rng.randrange(10000)}" for _ in range(60)) for _ in range(200)
    )
    source = Source.objects.create(debate=debate, title="Bench source", text=text,
                                   text_sha256=text_sha256(text))  # fmt: skip
    starts = paragraph_starts(text)
    spans = set()
    rows = []
    while len(rows) < evidence:
        start = rng.randrange(0, len(text) - 200)
        end = start + rng.randrange(20, 150)
        if (start, end) in spans:
            continue
        spans.add((start, end))
        rows.append(Evidence(debate=debate, source=source, quote=text[start:end], start=start,
                             end=end, paragraph=paragraph_of(starts, start),
                             status=EvidenceStatus.APPROVED))  # fmt: skip
    evidence_rows = Evidence.objects.bulk_create(rows)

    created: list[Claim] = []
    for index in range(claims):
        position = positions[index % 2]
        same = [c for c in created[-700:] if c.position_id == position.pk and c.pk]
        parent = rng.choice(same) if same and rng.random() < 0.8 else None
        claim = Claim(debate=debate, position=position, parent=parent,
                      stance=rng.choice(["pro", "con"]), text=f"Bench claim {index} " * 5,
                      team=teams[rng.randrange(2)])  # fmt: skip
        created.append(claim)
        if len(created) % 500 == 0 or index == claims - 1:
            pending = [c for c in created if c.pk is None]
            Claim.objects.bulk_create(pending)
    Citation.objects.bulk_create(
        Citation(claim=c, evidence=rng.choice(evidence_rows), relation="supports")
        for c in created
        if rng.random() < 0.5
    )
    user_model = get_user_model()
    voters_needed = max(1, -(-votes // claims) + 5)
    voters = user_model.objects.bulk_create(
        user_model(username=f"{slug}-voter-{i}-{run}") for i in range(voters_needed)
    )
    vote_rows = []
    per_claim = votes // claims
    extra = votes - per_claim * claims
    for index, claim in enumerate(created):
        count = per_claim + (1 if index < extra else 0)
        for voter in rng.sample(voters, count):
            vote_rows.append(Vote(user=voter, claim=claim, value=rng.randrange(5)))
    Vote.objects.bulk_create(vote_rows, batch_size=5000)
    return debate
