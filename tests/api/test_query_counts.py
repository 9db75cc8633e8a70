"""The snapshot and the claims list take as many queries for 200 claims as for 10."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from debate.arguments.models import Citation, Claim, Vote
from debate.debates.models import Role
from tests.api.helpers import session_client, url
from tests.factories import (
    DebateFactory,
    EvidenceFactory,
    MembershipFactory,
    PositionFactory,
    SourceFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 200


def build_debate(slug: str, size: int):
    """`size` claims in two trees, each with two votes and a citation; one hidden claim."""
    debate = DebateFactory(slug=slug)
    positions = [PositionFactory(debate=debate, key=k, order=i) for i, k in enumerate("ab")]
    teams = [TeamFactory(debate=debate, position=p) for p in positions]
    moderator = MembershipFactory(debate=debate, role=Role.MODERATOR).user
    source = SourceFactory(debate=debate)
    evidence = [EvidenceFactory(source=source, start=i * 3, end=i * 3 + 12) for i in range(4)]
    voters = [UserFactory() for _ in range(2)]
    trees: dict[int, list[Claim]] = {p.pk: [] for p in positions}
    for i in range(size):
        position, team = positions[i % 2], teams[i % 2]
        tree = trees[position.pk]
        parent = tree[(len(tree) - 1) // 2] if tree else None
        tree.append(
            Claim.objects.create(
                debate=debate,
                position=position,
                parent=parent,
                team=team,
                stance="con" if i % 3 else "pro",
                text=f"Claim {i} of {slug}.",
                is_hidden=(i == size - 1),
            )  # fmt: skip
        )
    claims = [c for tree in trees.values() for c in tree]
    Vote.objects.bulk_create(
        Vote(user=voter, claim=claim, value=(claim.pk + n) % 5)
        for claim in claims
        for n, voter in enumerate(voters)
    )
    Citation.objects.bulk_create(
        Citation(claim=claim, evidence=evidence[i % 4], relation="supports")
        for i, claim in enumerate(claims)
    )
    return debate, moderator


def queries_for(client: APIClient, path: str) -> int:
    client.get(path)  # warm up: sessions, content types, anything cached once per process
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


@pytest.fixture
def two_sizes(db):
    return build_debate("small", SMALL), build_debate("large", LARGE)


READS = ["snapshot/", "snapshot/?format=aif", "snapshot/?format=argdown", "claims/",
         "claims/?ordering=-id&stance=con", "citations/", "evidence/", "events/"]  # fmt: skip


@pytest.mark.parametrize("who", ["anonymous", "moderator"])
def test_reads_take_the_same_queries_at_two_sizes(two_sizes, who):
    (small, small_mod), (large, large_mod) = two_sizes
    small_client = APIClient() if who == "anonymous" else session_client(small_mod)
    large_client = APIClient() if who == "anonymous" else session_client(large_mod)

    small_counts = {path: queries_for(small_client, url(path, slug=small.slug)) for path in READS}
    large_counts = {path: queries_for(large_client, url(path, slug=large.slug)) for path in READS}

    assert small_counts == large_counts
    assert max(small_counts.values()) <= 15, small_counts


def test_the_large_snapshot_has_every_visible_claim_with_votes(two_sizes):
    _, (large, _) = two_sizes

    document = APIClient().get(url("snapshot/", slug=large.slug)).json()

    assert len(document["claims"]) == LARGE - 1  # the hidden leaf is left out
    assert all(c["votes"]["count"] == 2 for c in document["claims"])
    assert len(document["citations"]) == LARGE - 1


def anonymous_debate(slug: str, size: int):
    """`build_debate` made anonymous, each claim by one of ten authors with pseudonyms, and
    one snapshot frozen."""
    from debate.people.services import pseudonyms_assign
    from debate.snapshots.services import snapshot_take

    debate, moderator = build_debate(slug, size)
    authors = [MembershipFactory(debate=debate, role=Role.DEBATER).user for _ in range(10)]
    for i, claim in enumerate(Claim.objects.filter(debate=debate).order_by("id")):
        Claim.objects.filter(pk=claim.pk).update(author=authors[i % 10])
    pseudonyms_assign(debate, [u.pk for u in authors])
    debate.anonymous = True
    debate.save(update_fields=["anonymous"])
    snapshot_take(actor=moderator, debate=debate)
    return debate, moderator


ANONYMOUS_READS = [*READS, "snapshots/1/", "snapshots/1/?format=aif", "snapshots/1/diff/live/",
                   "claims/?ordering=-id"]  # fmt: skip


@pytest.mark.parametrize("who", ["anonymous", "moderator"])
def test_anonymous_reads_take_the_same_queries_at_two_sizes(db, who):
    (small, small_mod) = anonymous_debate("anon-small", SMALL)
    (large, large_mod) = anonymous_debate("anon-large", LARGE)
    small_client = APIClient() if who == "anonymous" else session_client(small_mod)
    large_client = APIClient() if who == "anonymous" else session_client(large_mod)

    small_counts = {p: queries_for(small_client, url(p, slug=small.slug)) for p in ANONYMOUS_READS}
    large_counts = {p: queries_for(large_client, url(p, slug=large.slug)) for p in ANONYMOUS_READS}

    assert small_counts == large_counts
    assert max(small_counts.values()) <= 17, small_counts
