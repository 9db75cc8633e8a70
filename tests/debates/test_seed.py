"""`manage.py seed`: the shipped debate, verified evidence, idempotence, and demo accounts."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from debate.arguments.models import Citation, Claim, Stance
from debate.arguments.services import claim_edit
from debate.debates.models import Debate, Membership, Role
from debate.debates.seeding import DEMO_ACCOUNTS, DEMO_PASSWORD
from debate.mapview.cache import debate_map
from debate.permissions import SYSTEM
from debate.sources.models import Evidence, EvidenceStatus, Source
from debate.sources.services import evidence_reject

pytestmark = pytest.mark.django_db

PROJECT_APPS = ["auth", "audit", "debates", "sources", "arguments"]


def seed() -> str:
    out = StringIO()
    call_command("seed", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """How many rows every model of the project (and auth) holds."""
    return {
        model._meta.label: model.objects.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def seeded(settings):
    settings.DEBUG = False
    seed()
    return Debate.objects.get()


def test_seed_creates_one_debate_with_two_positions_and_their_teams(seeded):
    assert seeded.slug == "ukraine-nato-accession"
    assert seeded.phase == "rebuttal"
    assert list(seeded.positions.values_list("key", flat=True)) == ["now", "after"]
    teams = {team.name: team.position.key for team in seeded.teams.select_related("position")}
    assert teams == {"Team Now": "now", "Team After": "after"}


def test_seeded_source_hash_matches_its_text_and_the_file(seeded):
    source = Source.objects.get()
    on_disk = django_settings.SEEDS_DIR / "edm-21-77-bilateral-security-agreements-part-two.txt"

    assert source.debate == seeded
    assert source.text_sha256 == hashlib.sha256(source.text.encode("utf-8")).hexdigest()
    assert source.text_sha256 == hashlib.sha256(on_disk.read_bytes()).hexdigest()
    assert source.publication == "Eurasia Daily Monitor"


def test_seeded_evidence_is_approved_and_quoted_exactly(seeded):
    evidence = list(Evidence.objects.select_related("source"))

    assert len(evidence) >= 12
    for item in evidence:
        assert item.status == EvidenceStatus.APPROVED
        assert item.source.text[item.start : item.end] == item.quote
        assert item.paragraph >= 1


def test_seeded_claims_include_rebuttals_from_the_other_team(seeded):
    claims = list(Claim.objects.select_related("parent"))
    rebuttals = [
        claim
        for claim in claims
        if claim.stance == Stance.CON
        and claim.parent is not None
        and claim.team_id != claim.parent.team_id
    ]

    assert len(claims) >= 12
    assert len(rebuttals) >= 3
    assert all(claim.team_id is not None for claim in claims)
    assert all(claim.position_id == claim.parent.position_id for claim in rebuttals)


def test_seeded_claims_cite_approved_evidence(seeded):
    citations = Citation.objects.select_related("evidence", "claim")

    assert citations.count() >= 12
    assert all(c.evidence.status == EvidenceStatus.APPROVED for c in citations)
    assert all(c.evidence.debate_id == c.claim.debate_id for c in citations)


def test_seeded_map_shows_every_claim_with_rebuttals_marked(seeded):
    result = debate_map(seeded)

    assert len(result.claims) == Claim.objects.count()
    assert sum(node.is_rebuttal for node in result.walk()) >= 3
    assert all(position.children for position in result.positions)


def test_second_seed_run_creates_nothing(settings):
    settings.DEBUG = True
    seed()
    before = row_counts()

    output = seed()

    assert row_counts() == before
    assert "created nothing new" in output


def test_demo_accounts_are_not_created_without_debug(settings):
    settings.DEBUG = False

    output = seed()

    assert get_user_model().objects.count() == 0
    assert not Membership.objects.exists()
    assert DEMO_PASSWORD not in output


def test_demo_accounts_are_created_with_debug(settings):
    settings.DEBUG = True

    output = seed()

    users = get_user_model().objects
    assert users.count() == len(DEMO_ACCOUNTS)
    for username, role, team in DEMO_ACCOUNTS:
        membership = Membership.objects.select_related("team").get(user__username=username)
        assert membership.role == role
        assert (membership.team.name if membership.team else None) == team
        assert users.get(username=username).check_password(DEMO_PASSWORD)
    assert Membership.objects.filter(role=Role.MODERATOR).count() == 1
    assert DEMO_PASSWORD in output


def test_reseeding_after_a_claim_edit_creates_no_duplicates(seeded):
    claim = Claim.objects.filter(parent=None).first()
    claim_edit(actor=SYSTEM, claim=claim, text=claim.text + " (Edited.)", version=claim.version)
    claims = Claim.objects.count()

    seed()

    assert Claim.objects.count() == claims


def test_reseeding_keeps_a_moderators_rejection(seeded):
    evidence = Evidence.objects.first()
    evidence_reject(actor=SYSTEM, evidence=evidence, reason="Quoted out of context.")

    seed()

    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.REJECTED
