"""GET /api/v1/debates/{slug}/snapshot/: the whole debate in one document, with a strong ETag."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone

from debate.arguments import services as claim_services
from debate.mapview import cache as maps
from debate.snapshots import documents
from tests.api.helpers import error_of, token_client, url
from tests.snapshots.helpers import HOSTILE_TEXT, assert_valid_document, fetch

pytestmark = pytest.mark.django_db

TOP_LEVEL = {"schema", "debate", "generated_at", "content_hash", "positions", "teams", "claims",
             "sources", "evidence", "citations"}  # fmt: skip


def claims_by_id(document: dict) -> dict[int, dict]:
    return {c["id"]: c for c in document["claims"]}


def test_snapshot_is_one_json_document_that_validates_against_the_schema(snap_world, anon):
    response = anon.get(url("snapshot/"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert set(document) >= TOP_LEVEL
    assert document["schema"] == "debate-snapshot/1"
    assert document["debate"]["slug"] == "ukraine-nato"
    assert_valid_document(document)


def test_moderators_snapshot_validates_against_the_schema_too(snap_world):
    assert_valid_document(fetch(token_client(snap_world.moderator)))


def test_snapshot_counts_votes_with_mean_and_histogram(snap_world, anon):
    claim = claims_by_id(fetch(anon))[snap_world.claim.pk]

    assert claim["votes"] == {"count": 2, "mean": 3.5, "histogram": [0, 0, 0, 1, 1]}
    assert 0 <= claim["strength"] <= 1


def test_snapshot_lists_positions_teams_sources_evidence_and_citations(snap_world, anon):
    document = fetch(anon)

    assert [p["key"] for p in document["positions"]] == ["now", "after"]
    assert [t["name"] for t in document["teams"]] == ["Team Now", "Team After"]
    assert [s["id"] for s in document["sources"]] == [snap_world.source.pk]
    # Evidence still under review is for moderators (and, in the lists, its proposer).
    assert {e["id"] for e in document["evidence"]} == {snap_world.approved.pk}
    assert {e["id"] for e in fetch(token_client(snap_world.moderator))["evidence"]} == {
        snap_world.proposed.pk,
        snap_world.approved.pk,
    }
    assert document["citations"] == [
        {"claim_id": snap_world.claim.pk, "evidence_id": snap_world.approved.pk,
         "relation": "supports"},
    ]  # fmt: skip


def test_content_hash_is_sha256_of_the_content(snap_world, anon):
    document = fetch(anon)

    assert re.fullmatch(r"sha256:[0-9a-f]{64}", document["content_hash"])
    assert documents.content_hash(document) == document["content_hash"]


def test_content_hash_leaves_out_when_the_document_was_generated(snap_world, anon, monkeypatch):
    def at(moment):
        monkeypatch.setattr(documents, "timezone", SimpleNamespace(now=lambda: moment))
        maps.clear()  # else the second answer is the first one's bytes, cached for the version
        return fetch(anon)

    now = timezone.now()
    first = at(now)
    later = at(now + datetime.timedelta(hours=3))

    assert first["generated_at"] != later["generated_at"]
    assert first["content_hash"] == later["content_hash"]


def test_content_hash_changes_when_the_content_does(snap_world, anon):
    before = fetch(anon)["content_hash"]
    claim_services.claim_edit(
        actor=snap_world.own, claim=snap_world.claim, text="Edited text.", version=1
    )

    assert fetch(anon)["content_hash"] != before


def test_claim_ids_are_database_ids_and_stay_stable(snap_world, anon):
    first = fetch(anon)
    claim_services.claim_create(
        actor=snap_world.own, debate=snap_world.debate, position=snap_world.position_now,
        stance="pro", text="One more claim, added between two fetches.",
    )  # fmt: skip
    second = fetch(anon)

    old, new = claims_by_id(first), claims_by_id(second)
    assert snap_world.claim.pk in old
    assert set(old) < set(new)
    for claim_id, claim in old.items():
        assert (new[claim_id]["text"], new[claim_id]["parent_id"]) == (
            claim["text"],
            claim["parent_id"],
        )
    assert [p["id"] for p in first["positions"]] == [p["id"] for p in second["positions"]]


# --- hidden claims --------------------------------------------------------------------------


def test_hidden_leaf_is_absent_for_non_moderators(snap_world, anon):
    for client in (anon, token_client(snap_world.observer), token_client(snap_world.other)):
        document = fetch(client)

        assert snap_world.hidden_leaf.pk not in claims_by_id(document)
        assert "insult" not in str(document)


def test_hidden_claim_with_replies_is_a_placeholder_without_text(snap_world, anon):
    claims = claims_by_id(fetch(anon))

    placeholder = claims[snap_world.hidden_parent.pk]
    assert placeholder["text"] is None
    assert placeholder["hidden"] is True
    assert claims[snap_world.orphan.pk]["parent_id"] == snap_world.hidden_parent.pk
    assert "A hidden claim that has a reply." not in str(claims)


@pytest.mark.parametrize("who", ["anonymous", "observer", "own", "other"])
def test_placeholder_names_neither_author_nor_team_to_non_moderators(snap_world, anon, who):
    client = anon if who == "anonymous" else token_client(getattr(snap_world, who))

    placeholder = claims_by_id(fetch(client))[snap_world.hidden_parent.pk]

    assert (placeholder["author"], placeholder["team"], placeholder["team_id"]) == (None,) * 3


def test_moderator_sees_hidden_claims_with_their_text(snap_world):
    claims = claims_by_id(fetch(token_client(snap_world.moderator)))

    assert claims[snap_world.hidden_leaf.pk]["text"] == "An insult nobody should read."
    assert claims[snap_world.hidden_parent.pk]["text"] == "A hidden claim that has a reply."
    assert claims[snap_world.hidden_leaf.pk]["hidden"] is True


def test_text_is_kept_exactly_in_json(snap_world, anon):
    assert claims_by_id(fetch(anon))[snap_world.hostile.pk]["text"] == HOSTILE_TEXT


# --- ETag -----------------------------------------------------------------------------------


def test_snapshot_has_a_strong_etag(snap_world, anon):
    etag = anon.get(url("snapshot/"))["ETag"]

    assert re.fullmatch(r'"[^"]+"', etag), etag  # strong: no W/ prefix


def test_if_none_match_with_the_etag_is_304_in_at_most_two_queries(
    snap_world, anon, django_assert_max_num_queries
):
    etag = anon.get(url("snapshot/"))["ETag"]

    with django_assert_max_num_queries(2):
        response = anon.get(url("snapshot/"), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_etag_changes_after_a_write_and_the_old_one_gets_the_document(snap_world, anon):
    etag = anon.get(url("snapshot/"))["ETag"]
    token_client(snap_world.moderator).post(url("phase/"), {"phase": "voting"}, format="json")

    response = anon.get(url("snapshot/"), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["debate"]["phase"] == "voting"


def test_etag_differs_by_format_and_by_moderator(snap_world, anon):
    etags = {
        anon.get(url("snapshot/"))["ETag"],
        anon.get(url("snapshot/"), {"format": "aif"})["ETag"],
        anon.get(url("snapshot/"), {"format": "argdown"})["ETag"],
        token_client(snap_world.moderator).get(url("snapshot/"))["ETag"],
    }

    assert len(etags) == 4


def test_moderators_etag_does_not_unlock_the_public_304(snap_world, anon):
    moderators = token_client(snap_world.moderator).get(url("snapshot/"))["ETag"]

    response = anon.get(url("snapshot/"), HTTP_IF_NONE_MATCH=moderators)

    assert response.status_code == 200
    assert "insult" not in response.content.decode()


# --- formats --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xml", "JSON", "", "api"])
def test_unknown_format_is_400(snap_world, anon, fmt):
    response = anon.get(url("snapshot/"), {"format": fmt})

    assert response.status_code == 400
    assert "format" in error_of(response)["fields"]


def test_formats_have_their_content_types(snap_world, anon):
    aif = anon.get(url("snapshot/"), {"format": "aif"})
    argdown = anon.get(url("snapshot/"), {"format": "argdown"})

    assert aif["Content-Type"] == "application/json"
    assert {"nodes", "edges", "locutions"} <= set(aif.json())
    assert argdown["Content-Type"].startswith("text/plain")
    assert argdown.content.decode().startswith("===\n")
