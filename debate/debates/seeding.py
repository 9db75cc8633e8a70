"""Load a seeded debate from a data file in `seeds/`, through the services.

Everything goes through the same services as the app, so the same validation applies, and
every step looks for what it would create first: a second run changes nothing.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from debate.arguments.models import Claim
from debate.arguments.services import citation_add, claim_create
from debate.debates.models import Debate, Membership, Role
from debate.debates.services import debate_create, membership_set, position_create, team_create
from debate.sources.models import EvidenceStatus, Source
from debate.sources.services import evidence_approve, evidence_propose, source_create
from debate.sources.text import locate_quote

DEMO_PASSWORD = "debate-demo-2024"  # noqa: S105 - demo accounts exist only when DEBUG is on
DEMO_ACCOUNTS = [
    # username, role, team name (debaters only)
    ("moderator", Role.MODERATOR, None),
    ("debater-now", Role.DEBATER, "Team Now"),
    ("debater-after", Role.DEBATER, "Team After"),
    ("observer", Role.OBSERVER, None),
]


@dataclass
class SeedReport:
    debate: Debate
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


@transaction.atomic
def seed_file(path: Path) -> SeedReport:
    data = json.loads(path.read_text(encoding="utf-8"))
    spec = data["debate"]
    debate = Debate.objects.filter(slug=spec["slug"]).first()
    report = SeedReport(debate=debate)  # type: ignore[arg-type]
    if debate is None:
        debate = debate_create(
            actor=None,
            slug=spec["slug"],
            title=spec["title"],
            motion=spec["motion"],
            description=spec.get("description", ""),
            phase=spec.get("phase", "setup"),
        )
        report.debate = debate
        report.count("debate")

    positions = {}
    for item in data["positions"]:
        position = debate.positions.filter(key=item["key"]).first()
        if position is None:
            position = position_create(
                actor=None, debate=debate, key=item["key"], title=item["title"],
                description=item.get("description", ""),
            )  # fmt: skip
            report.count("position")
        positions[item["key"]] = position

    teams = {}
    for item in data["teams"]:
        team = debate.teams.filter(name=item["name"]).first()
        if team is None:
            team = team_create(
                actor=None, debate=debate, name=item["name"],
                position=positions.get(item.get("position")),
            )  # fmt: skip
            report.count("team")
        teams[item["name"]] = team

    sources = {}
    for item in data["sources"]:
        text = (path.parent / item["file"]).read_text(encoding="utf-8")
        source = Source.objects.filter(debate=debate, title=item["title"]).first()
        if source is None:
            published = item.get("date")
            source = source_create(
                actor=None, debate=debate, title=item["title"], text=text,
                publication=item.get("publication", ""), volume=item.get("volume", ""),
                issue=item.get("issue", ""), url=item.get("url") or "",
                published_on=datetime.date.fromisoformat(published) if published else None,
            )  # fmt: skip
            report.count("source")
        sources[item["key"]] = source

    evidence = {}
    for item in data["evidence"]:
        source = sources[item["source"]]
        span = locate_quote(source.text, item["quote"])
        found = source.evidence.filter(start=span.start, end=span.end).first()
        if found is None:
            found, _ = evidence_propose(actor=None, source=source, quote=item["quote"])
            report.count("evidence")
        if found.status != EvidenceStatus.APPROVED:
            found = evidence_approve(actor=None, evidence=found, reason="Seeded from the article.")
        evidence[item["key"]] = found

    claims: dict[str, Claim] = {}
    for item in data["claims"]:
        parent = claims[item["parent"]] if item.get("parent") else None
        position = positions[item["position"]]
        claim = Claim.objects.filter(
            debate=debate, position=position, parent=parent, text=item["text"].strip()
        ).first()
        if claim is None:
            claim = claim_create(
                actor=None, debate=debate, position=position, parent=parent,
                stance=item["stance"], text=item["text"], team=teams[item["team"]],
            )  # fmt: skip
            report.count("claim")
        for cite in item.get("cites", []):
            if not claim.citations.filter(evidence=evidence[cite["evidence"]]).exists():
                citation_add(
                    actor=None, claim=claim, evidence=evidence[cite["evidence"]],
                    relation=cite["relation"],
                )  # fmt: skip
                report.count("citation")
        claims[item["key"]] = claim
    return report


@transaction.atomic
def seed_demo_accounts(debate: Debate) -> list[tuple[str, str]]:
    """Demo users for a local try-out. Only ever called when DEBUG is on."""
    user_model = get_user_model()
    for username, role, team_name in DEMO_ACCOUNTS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model.objects.create_user(username=username, password=DEMO_PASSWORD)
        if not Membership.objects.filter(user=user, debate=debate).exists():
            team = debate.teams.get(name=team_name) if team_name else None
            membership_set(actor=None, debate=debate, user=user, role=role, team=team)
    return [(username, role) for username, role, _ in DEMO_ACCOUNTS]
