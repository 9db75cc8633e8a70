"""Load a seeded debate from a data file in `seeds/`, through the services.

Everything goes through the same services as the app, so the same validation applies. A
debate is seeded once: when its slug exists already, the seed leaves it exactly as its users
and moderators have made it (edited claims, rejected evidence, a closed phase), so a second
run changes nothing.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction

from debate.arguments.models import Claim
from debate.arguments.services import citation_add, claim_create
from debate.debates.models import Debate, Membership, Role
from debate.debates.services import (
    debate_create,
    membership_set,
    phase_change,
    position_create,
    team_create,
)
from debate.permissions import SYSTEM
from debate.sources.services import evidence_approve, evidence_propose, source_create

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
    existing = Debate.objects.filter(slug=spec["slug"]).first()
    if existing is not None:
        return SeedReport(debate=existing)
    debate = debate_create(
        actor=SYSTEM,
        slug=spec["slug"],
        title=spec["title"],
        motion=spec["motion"],
        description=spec.get("description", ""),
        # Content goes in during setup; the seeded phase is set last, through the service.
        phase="setup",
        # The demo's audience joins with one click (new debates take observers only if set up to).
        allow_observers=True,
    )
    report = SeedReport(debate=debate)
    report.count("debate")

    positions = {}
    for item in data["positions"]:
        positions[item["key"]] = position_create(
            actor=SYSTEM, debate=debate, key=item["key"], title=item["title"],
            description=item.get("description", ""),
        )  # fmt: skip
        report.count("position")

    teams = {}
    for item in data["teams"]:
        teams[item["name"]] = team_create(
            actor=SYSTEM, debate=debate, name=item["name"],
            position=positions.get(item.get("position")),
        )  # fmt: skip
        report.count("team")

    sources = {}
    for item in data["sources"]:
        published = item.get("date")
        sources[item["key"]] = source_create(
            actor=SYSTEM, debate=debate, title=item["title"],
            text=(path.parent / item["file"]).read_text(encoding="utf-8"),
            publication=item.get("publication", ""), volume=item.get("volume", ""),
            issue=item.get("issue", ""), url=item.get("url") or "",
            published_on=datetime.date.fromisoformat(published) if published else None,
        )  # fmt: skip
        report.count("source")

    evidence = {}
    for item in data["evidence"]:
        found, created = evidence_propose(
            actor=SYSTEM, source=sources[item["source"]], quote=item["quote"]
        )
        if created:
            report.count("evidence")
        evidence[item["key"]] = evidence_approve(
            actor=SYSTEM, evidence=found, reason="Seeded from the article."
        )

    claims: dict[str, Claim] = {}
    for item in data["claims"]:
        claim = claim_create(
            actor=SYSTEM, debate=debate, position=positions[item["position"]],
            parent=claims[item["parent"]] if item.get("parent") else None,
            stance=item["stance"], text=item["text"], team=teams[item["team"]],
        )  # fmt: skip
        report.count("claim")
        for cite in item.get("cites", []):
            citation_add(
                actor=SYSTEM, claim=claim, evidence=evidence[cite["evidence"]],
                relation=cite["relation"],
            )  # fmt: skip
            report.count("citation")
        claims[item["key"]] = claim
    phase_change(actor=SYSTEM, debate=debate, phase=spec.get("phase", "setup"))
    return report


@transaction.atomic
def seed_demo_accounts(debate: Debate) -> list[tuple[str, str]]:
    """Demo users for a local try-out. Only ever called when DEBUG is on."""
    user_model = get_user_model()
    for username, role, team_name in DEMO_ACCOUNTS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model.objects.create_user(username=username, password=DEMO_PASSWORD)
            if role == Role.MODERATOR:
                # The demo instructor may also create and clone debates.
                user.user_permissions.add(Permission.objects.get(codename="create_debate"))
        if not Membership.objects.filter(user=user, debate=debate).exists():
            team = debate.teams.get(name=team_name) if team_name else None
            membership_set(actor=SYSTEM, debate=debate, user=user, role=role, team=team)
    return [(username, role) for username, role, _ in DEMO_ACCOUNTS]
