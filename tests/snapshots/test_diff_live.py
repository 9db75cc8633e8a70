"""Diffs from a frozen snapshot to the live debate, each side as its reader may see it."""

from __future__ import annotations

import pytest

from debate.arguments import services as claim_services
from debate.arguments.models import Relation
from debate.audit.services import debate_version_bump
from debate.debates.services import position_create
from debate.sources.services import evidence_approve
from tests.api.helpers import token_client, url
from tests.factories import ClaimFactory
from tests.snapshots.helpers import fetch

pytestmark = pytest.mark.django_db

EMPTY_LISTS = ("claims_added", "claims_removed", "claims_changed", "votes_changed",
               "strength_changed", "positions_added", "positions_removed", "positions_changed",
               "evidence_added", "evidence_removed", "evidence_changed", "citations_added",
               "citations_removed", "citations_changed")  # fmt: skip


@pytest.fixture
def moderator_client(snap_world):
    return token_client(snap_world.moderator)


@pytest.fixture
def frozen(snap_world, moderator_client):
    """Snapshot 1 of the snap world, as it stands before each test changes it."""
    response = moderator_client.post(url("snapshots/"))
    assert response.status_code == 201, response.content
    return response.json()


def live_diff(client) -> dict:
    return fetch(client, "snapshots/1/diff/live/")


def test_diff_to_an_unchanged_live_debate_is_empty(frozen, anon):
    diff = live_diff(anon)

    assert (diff["from"], diff["to"]) == (1, "live")
    assert isinstance(diff["version"], int)
    assert all(diff[key] == [] for key in EMPTY_LISTS), diff
    assert diff["phase_changed"] is None


def test_live_diff_lists_claims_added_removed_and_changed(snap_world, frozen, anon):
    w = snap_world
    added = claim_services.claim_create(
        actor=w.other, debate=w.debate, position=w.position_after, stance="pro",
        text="Added after the freeze.",
    )  # fmt: skip
    claim_services.claim_hide(actor=w.moderator, claim=w.rebuttal, reason="Off topic.")
    claim_services.claim_edit(actor=w.own, claim=w.claim, text="Edited after it.", version=1)

    diff = live_diff(anon)

    assert [c["id"] for c in diff["claims_added"]] == [added.pk]
    assert diff["claims_added"][0]["text"] == "Added after the freeze."
    changed = {row["id"]: row["changes"] for row in diff["claims_changed"]}
    assert changed[w.claim.pk] == {"text": {"from": w.claim.text, "to": "Edited after it."}}
    # The hidden rebuttal has a visible reply (the hostile claim), so it is a placeholder on
    # both sides: the frozen side is redacted of it as the frozen snapshot is.
    assert w.rebuttal.pk not in changed
    assert w.rebuttal.text not in str(diff)


def test_live_diff_lists_a_removed_leaf(snap_world, frozen, anon):
    w = snap_world
    leaf = w.hostile
    claim_services.claim_hide(actor=w.moderator, claim=leaf, reason="Off topic.")

    diff = live_diff(anon)

    assert [c["id"] for c in diff["claims_removed"]] == [leaf.pk]


def test_live_diff_lists_votes_and_strength_changes(snap_world, frozen, anon):
    w = snap_world
    token_client(w.observer).put(url(f"claims/{w.rebuttal.pk}/vote/"), {"value": 4},
                                 format="json")  # fmt: skip

    diff = live_diff(anon)

    assert diff["votes_changed"] == [{
        "claim_id": w.rebuttal.pk,
        "from": {"count": 0, "mean": None, "histogram": [0, 0, 0, 0, 0]},
        "to": {"count": 1, "mean": 4.0, "histogram": [0, 0, 0, 0, 1]},
    }]  # fmt: skip
    moved = {(row["kind"], row["id"]) for row in diff["strength_changed"]}
    assert ("claim", w.rebuttal.pk) in moved
    assert ("position", w.position_now.pk) in moved
    assert all(row["from"] != row["to"] for row in diff["strength_changed"])


def test_live_diff_lists_evidence_and_citations(snap_world, frozen, anon):
    w = snap_world
    approved = evidence_approve(actor=w.moderator, evidence=w.proposed)
    claim_services.citation_add(actor=w.own, claim=w.claim, evidence=approved,
                                relation=Relation.SUPPORTS)  # fmt: skip
    claim_services.citation_add(actor=w.own, claim=w.claim, evidence=w.approved,
                                relation=Relation.CONCEDES)  # fmt: skip

    diff = live_diff(anon)

    assert [e["id"] for e in diff["evidence_added"]] == [w.proposed.pk]
    assert diff["evidence_added"][0]["quote"] == w.proposed.quote
    assert diff["citations_added"] == [
        {"claim_id": w.claim.pk, "evidence_id": w.proposed.pk, "relation": "supports"}
    ]
    assert diff["citations_changed"] == [{
        "claim_id": w.claim.pk, "evidence_id": w.approved.pk,
        "changes": {"relation": {"from": "supports", "to": "concedes"}},
    }]  # fmt: skip


def test_moderators_live_diff_shows_a_review_as_an_evidence_change(
    snap_world, frozen, moderator_client
):
    w = snap_world
    before = live_diff(moderator_client)
    evidence_approve(actor=w.moderator, evidence=w.proposed)

    after = live_diff(moderator_client)

    # Frozen snapshots hold what everyone saw, so unreviewed evidence is "added" for moderators.
    assert w.proposed.pk in [e["id"] for e in before["evidence_added"]]
    assert after["evidence_added"][0]["status"] == "approved"


def test_live_diff_lists_positions_and_the_phase(snap_world, frozen, anon, moderator_client):
    w = snap_world
    new = position_create(actor=w.moderator, debate=w.debate, key="never", title="Never")
    w.position_after.title = "Accession after a settlement, renamed"
    w.position_after.save(update_fields=["title"])
    debate_version_bump(w.debate.pk)  # as a service would: the live snapshot is per version
    moderator_client.post(url("phase/"), {"phase": "voting"}, format="json")

    diff = live_diff(anon)

    assert [p["id"] for p in diff["positions_added"]] == [new.pk]
    assert diff["positions_changed"] == [{
        "id": w.position_after.pk,
        "changes": {"title": {"from": "Accession only after a settlement",
                              "to": "Accession after a settlement, renamed"}},
    }]  # fmt: skip
    assert diff["positions_removed"] == []
    assert diff["phase_changed"] == {"from": "rebuttal", "to": "voting"}


@pytest.mark.parametrize("who", ["anonymous", "observer", "own", "other"])
def test_non_moderators_live_diff_never_shows_hidden_text(
    snap_world, frozen, anon, moderator_client, who
):
    w = snap_world
    hidden_since = ClaimFactory(
        debate=w.debate, position=w.position_now, author=w.other, team=w.team_after,
        text="HIDDEN-AFTER-FREEZE-7731",
    )  # fmt: skip
    claim_services.claim_hide(actor=w.moderator, claim=hidden_since, reason="Insult.")
    claim_services.claim_hide(actor=w.moderator, claim=w.claim, reason="Plagiarised.")
    client = anon if who == "anonymous" else token_client(getattr(w, who))

    body = client.get(url("snapshots/1/diff/live/")).content
    moderated = moderator_client.get(url("snapshots/1/diff/live/")).content

    for secret in ("HIDDEN-AFTER-FREEZE-7731", w.claim.text, w.hidden_leaf.text,
                   w.hidden_parent.text):  # fmt: skip
        assert secret.encode() not in body, secret
    assert b"HIDDEN-AFTER-FREEZE-7731" in moderated
    assert w.hidden_leaf.text.encode() in moderated  # "added": frozen snapshots are public


def test_live_diff_from_an_unknown_snapshot_is_404(snap_world, anon):
    assert anon.get(url("snapshots/3/diff/live/")).status_code == 404
