"""Frozen snapshots: numbered, immutable, served exactly as frozen, and diffed."""

from __future__ import annotations

import pytest

from debate.arguments import services as claim_services
from debate.arguments.models import Vote
from debate.snapshots.models import Snapshot
from debate.sources.services import evidence_hide
from tests.api.helpers import error_of, token_client, url
from tests.factories import CitationFactory, ClaimFactory, UserFactory
from tests.snapshots.helpers import assert_valid_document, fetch

pytestmark = pytest.mark.django_db


def freeze(client) -> dict:
    response = client.post(url("snapshots/"))
    assert response.status_code == 201, response.content
    return response.json()


def every_format(client, number: int) -> dict[str, bytes]:
    return {
        fmt: client.get(url(f"snapshots/{number}/"), {"format": fmt}).content
        for fmt in ("json", "aif", "argdown")
    }


@pytest.fixture
def moderator_client(snap_world):
    return token_client(snap_world.moderator)


def test_moderator_freezes_numbered_snapshots(snap_world, moderator_client, anon):
    first = freeze(moderator_client)
    second = freeze(moderator_client)

    assert (first["number"], second["number"]) == (1, 2)
    assert first["content_hash"].startswith("sha256:")
    listed = anon.get(url("snapshots/")).json()
    assert [s["number"] for s in listed] == [1, 2]
    assert listed[0]["content_hash"] == first["content_hash"]


def test_frozen_snapshot_is_the_public_document(snap_world, moderator_client, anon):
    public = fetch(anon)
    freeze(moderator_client)

    frozen = fetch(anon, "snapshots/1/")

    assert frozen["snapshot"] == 1
    assert frozen["content_hash"] == public["content_hash"]
    assert snap_world.hidden_leaf.pk not in {c["id"] for c in frozen["claims"]}
    assert_valid_document(frozen)


def test_closing_the_debate_freezes_a_snapshot(snap_world, moderator_client):
    moderator_client.post(url("phase/"), {"phase": "closed"}, format="json")

    (snapshot,) = Snapshot.objects.filter(debate=snap_world.debate)
    assert snapshot.number == 1
    assert snapshot.document["debate"]["phase"] == "closed"


def test_frozen_snapshot_stays_the_same_in_every_format_after_changes(
    snap_world, moderator_client, anon
):
    freeze(moderator_client)
    frozen = every_format(anon, 1)
    etag = anon.get(url("snapshots/1/"))["ETag"]

    claim_services.claim_edit(
        actor=snap_world.own, claim=snap_world.claim, text="Changed afterwards.", version=1
    )
    token_client(snap_world.observer).put(
        url(f"claims/{snap_world.rebuttal.pk}/vote/"), {"value": 1}, format="json"
    )
    moderator_client.post(url("phase/"), {"phase": "voting"}, format="json")

    assert every_format(anon, 1) == frozen
    assert anon.get(url("snapshots/1/"))["ETag"] == etag
    assert b"Changed afterwards." in anon.get(url("snapshot/")).content


def test_frozen_etag_is_its_content_hash(snap_world, moderator_client, anon):
    summary = freeze(moderator_client)

    assert anon.get(url("snapshots/1/"))["ETag"] == f'"{summary["content_hash"]}"'


def test_unknown_snapshot_number_is_404(snap_world, anon):
    response = anon.get(url("snapshots/7/"))

    assert response.status_code == 404
    error_of(response)


@pytest.mark.parametrize(
    ("method", "path"),
    [(m, p) for p in ("snapshots/1/", "snapshots/", "snapshots/1/diff/1/")
     for m in ("put", "patch", "delete")]
    + [("post", "snapshots/1/"), ("post", "snapshots/1/diff/1/")],
)  # fmt: skip
def test_frozen_snapshots_cannot_be_altered_through_the_api(
    snap_world, moderator_client, method, path
):
    freeze(moderator_client)
    before = list(Snapshot.objects.values())

    response = getattr(moderator_client, method)(
        url(path), {"content_hash": "sha256:" + "0" * 64, "document": {}}, format="json"
    )

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert list(Snapshot.objects.values()) == before


# --- diff -----------------------------------------------------------------------------------


def test_diff_lists_exactly_what_changed(snap_world, moderator_client, anon):
    w = snap_world
    observer = token_client(w.observer)
    observer.put(url(f"claims/{w.rebuttal.pk}/vote/"), {"value": 1}, format="json")
    leaf = claim_services.claim_create(
        actor=w.other, debate=w.debate, position=w.position_after, stance="pro",
        text="A leaf that a moderator will hide.",
    )  # fmt: skip
    freeze(moderator_client)

    added = moderator_client.post(
        url("claims/"),
        {"position_id": w.position_after.pk, "stance": "pro", "text": "Added after v1."},
        format="json",
    ).json()
    claim_services.claim_hide(actor=w.moderator, claim=leaf, reason="Off topic.")
    claim_services.claim_edit(actor=w.own, claim=w.claim, text="Edited after v1.", version=1)
    observer.put(url(f"claims/{w.rebuttal.pk}/vote/"), {"value": 4}, format="json")
    moderator_client.post(url("phase/"), {"phase": "voting"}, format="json")
    freeze(moderator_client)

    diff = fetch(anon, "snapshots/1/diff/2/")

    assert (diff["from"], diff["to"]) == (1, 2)
    assert [c["id"] for c in diff["claims_added"]] == [added["id"]]
    assert diff["claims_added"][0]["text"] == "Added after v1."
    assert [c["id"] for c in diff["claims_removed"]] == [leaf.pk]
    assert diff["claims_changed"] == [
        {"id": w.claim.pk, "changes": {"text": {"from": w.claim.text, "to": "Edited after v1."}}}
    ]
    assert diff["votes_changed"] == [
        {"claim_id": w.rebuttal.pk,
         "from": {"count": 1, "mean": 1.0, "histogram": [0, 1, 0, 0, 0]},
         "to": {"count": 1, "mean": 4.0, "histogram": [0, 0, 0, 0, 1]}},
    ]  # fmt: skip
    assert diff["phase_changed"] == {"from": "rebuttal", "to": "voting"}
    assert Vote.objects.filter(claim=w.rebuttal).count() == 1


def test_diff_of_a_snapshot_with_itself_is_empty(snap_world, moderator_client, anon):
    freeze(moderator_client)

    diff = fetch(anon, "snapshots/1/diff/1/")

    assert diff["claims_added"] == diff["claims_removed"] == diff["claims_changed"] == []
    assert diff["votes_changed"] == []
    assert diff["phase_changed"] is None


def test_diff_the_other_way_swaps_added_and_removed(snap_world, moderator_client, anon):
    freeze(moderator_client)
    moderator_client.post(
        url("claims/"), {"position_id": snap_world.position_now.pk, "stance": "con",
                         "text": "New."}, format="json",
    )  # fmt: skip
    freeze(moderator_client)

    forward = fetch(anon, "snapshots/1/diff/2/")
    backward = fetch(anon, "snapshots/2/diff/1/")

    assert forward["claims_added"] == backward["claims_removed"]
    assert len(forward["claims_added"]) == 1
    assert backward["claims_added"] == []


def test_diff_with_an_unknown_snapshot_is_404(snap_world, moderator_client, anon):
    freeze(moderator_client)

    assert anon.get(url("snapshots/1/diff/9/")).status_code == 404
    assert anon.get(url("snapshots/9/diff/1/")).status_code == 404


# --- content hidden after freezing ----------------------------------------------------------


def hide_after_freezing(world, moderator_client) -> None:
    """Freeze `secret`, a claim by zz_frozen_author citing `approved` and answered by a
    reply that stays; then hide both the claim and the evidence."""
    world.secret = ClaimFactory(
        debate=world.debate, position=world.position_now, author=UserFactory(
            username="zz_frozen_author"), team=world.team_now, text="SECRET-FROZEN-CLAIM-5150",
    )  # fmt: skip
    ClaimFactory(parent=world.secret, stance="con", author=world.other, team=world.team_after,
                 text="A reply that stays.")  # fmt: skip
    CitationFactory(claim=world.secret, evidence=world.approved)
    freeze(moderator_client)
    claim_services.claim_hide(actor=world.moderator, claim=world.secret, reason="Plagiarised.")
    evidence_hide(actor=world.moderator, evidence=world.approved, reason="Wrong source.")


@pytest.mark.parametrize("who", ["anonymous", "observer", "own", "other"])
def test_claims_hidden_after_freezing_are_placeholders_in_every_format(
    snap_world, moderator_client, anon, who
):
    w = snap_world
    hide_after_freezing(w, moderator_client)
    client = anon if who == "anonymous" else token_client(getattr(w, who))

    bodies = every_format(client, 1)
    document = fetch(client, "snapshots/1/")

    for fmt, body in bodies.items():
        assert b"SECRET-FROZEN-CLAIM-5150" not in body, fmt
        assert b"zz_frozen_author" not in body, fmt
        assert w.approved.quote.encode() not in body, fmt
    claim = {c["id"]: c for c in document["claims"]}[w.secret.pk]
    assert (claim["text"], claim["author"], claim["team"], claim["team_id"]) == (None,) * 4
    assert claim["hidden"] is True
    assert w.approved.pk not in {e["id"] for e in document["evidence"]}
    assert document["citations"] == []
    assert_valid_document(document)


def test_moderators_still_get_the_frozen_document_as_stored(snap_world, moderator_client):
    hide_after_freezing(snap_world, moderator_client)
    stored = Snapshot.objects.get(debate=snap_world.debate, number=1).document

    document = fetch(moderator_client, "snapshots/1/")

    assert document == stored
    assert b"SECRET-FROZEN-CLAIM-5150" in moderator_client.get(url("snapshots/1/")).content


def test_redaction_leaves_the_stored_snapshot_and_its_hash_untouched(
    snap_world, moderator_client, anon
):
    hide_after_freezing(snap_world, moderator_client)
    stored = Snapshot.objects.get(debate=snap_world.debate, number=1)
    before = list(Snapshot.objects.values())

    document = fetch(anon, "snapshots/1/")

    assert document["content_hash"] == stored.content_hash
    assert list(Snapshot.objects.values()) == before
    assert "SECRET-FROZEN-CLAIM-5150" in str(stored.document)
    assert anon.get(url("snapshots/1/"))["ETag"] != f'"{stored.content_hash}"'


def test_diff_does_not_show_what_was_hidden_after_freezing(snap_world, moderator_client, anon):
    w = snap_world
    hide_after_freezing(w, moderator_client)
    freeze(moderator_client)

    response = anon.get(url("snapshots/1/diff/2/"))
    moderated = moderator_client.get(url("snapshots/1/diff/2/"))

    assert response.status_code == 200
    assert b"SECRET-FROZEN-CLAIM-5150" not in response.content
    assert b"zz_frozen_author" not in response.content
    assert b"SECRET-FROZEN-CLAIM-5150" in moderated.content
