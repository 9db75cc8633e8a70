"""Withdrawn apart from hidden (issue 11): `hidden` says a claim is not shown, `withdrawn` that
its author took it back. Every format tells the two apart, and an import keeps them apart."""

from __future__ import annotations

import copy
import io

import networkx as nx
import pytest

from debate.arguments import services as claim_services
from debate.arguments.models import Claim
from debate.debates.models import Debate
from debate.mapview.visibility import Audience, DocumentHidden, redact_document
from debate.snapshots.diff import diff_documents
from debate.snapshots.documents import content_hash
from tests.api.helpers import API, error_of, token_client, url
from tests.snapshots.helpers import assert_valid_document, fetch
from tests.snapshots.outside_tools import argdown_json
from tests.snapshots.test_aif import assert_arguebuf_reads_the_map, check_aif_rules
from tests.snapshots.test_argdown import parsed_data

pytestmark = pytest.mark.django_db

IMPORT = f"{API}/debates/import/"


def claims_of(document: dict) -> dict[int, dict]:
    return {c["id"]: c for c in document["claims"]}


def flags(row: dict) -> tuple[bool, bool]:
    return row["withdrawn"], row["hidden"]


@pytest.fixture
def importer_client(db):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    user = UserFactory(username="withdrawn-importer")
    user.user_permissions.add(Permission.objects.get(codename="create_debate"))
    return token_client(user)


def export(client, slug: str = "ukraine-nato") -> dict:
    response = client.get(url("snapshot/", slug), {"format": "json", "include_text": "1"})
    assert response.status_code == 200, response.content
    return response.json()


# --- the JSON document -----------------------------------------------------------------------


def test_moderators_json_tells_withdrawn_from_hidden(hostile_world, snap_world):
    document = fetch(token_client(hostile_world.moderator))
    claims = claims_of(document)

    assert flags(claims[hostile_world.withdrawn.pk]) == (True, True)
    assert claims[hostile_world.withdrawn.pk]["text"] == hostile_world.withdrawn.text
    assert flags(claims[snap_world.hidden_parent.pk]) == (False, True)
    assert flags(claims[snap_world.hidden_leaf.pk]) == (False, True)
    assert flags(claims[hostile_world.claim.pk]) == (False, False)
    assert document["content_hash"] == content_hash(document)
    assert_valid_document(document)


def test_public_json_tells_withdrawn_from_hidden_on_placeholders(hostile_world, snap_world, anon):
    document = fetch(anon)
    claims = claims_of(document)

    withdrawn = claims[hostile_world.withdrawn.pk]
    assert flags(withdrawn) == (True, True)
    assert (withdrawn["text"], withdrawn["author"], withdrawn["team"]) == (None, None, None)
    assert flags(claims[snap_world.hidden_parent.pk]) == (False, True)
    assert claims[snap_world.hidden_parent.pk]["text"] is None
    assert snap_world.hidden_leaf.pk not in claims
    assert "A claim its author withdrew." not in str(document)
    assert document["content_hash"] == content_hash(document)
    assert_valid_document(document)


# --- import ----------------------------------------------------------------------------------


def imported_claims(response) -> dict[str, tuple[bool, bool]]:
    """Claim text → (is_withdrawn, is_hidden) in the imported debate."""
    assert response.status_code == 201, response.content
    debate = Debate.objects.get(slug=response.json()["slug"])
    return {text: (w, h) for text, w, h in Claim.objects.filter(debate=debate)
            .values_list("text", "is_withdrawn", "is_hidden")}  # fmt: skip


def test_round_trip_keeps_withdrawn_apart_from_hidden(hostile_world, snap_world, importer_client):
    document = export(token_client(hostile_world.moderator))

    response = importer_client.post(IMPORT, document, format="json")

    states = imported_claims(response)
    assert states[hostile_world.withdrawn.text] == (True, False)
    assert states[snap_world.hidden_parent.text] == (False, True)
    assert states[hostile_world.claim.text] == (False, False)
    again = export(importer_client, response.json()["slug"])
    assert again["content_hash"] == document["content_hash"]
    assert [flags(c) for c in again["claims"]] == [flags(c) for c in document["claims"]]


def test_a_document_from_before_withdrawn_imports_its_claims_hidden(hostile_world, importer_client):
    document = export(token_client(hostile_world.moderator))
    for claim in document["claims"]:
        del claim["withdrawn"]
    document["content_hash"] = content_hash(document)

    response = importer_client.post(IMPORT, document, format="json")

    assert imported_claims(response)[hostile_world.withdrawn.text] == (False, True)


def test_a_withdrawn_claim_that_is_not_hidden_is_refused(hostile_world, importer_client):
    document = export(token_client(hostile_world.moderator))
    row = claims_of(document)[hostile_world.withdrawn.pk]
    row["hidden"] = False
    document["content_hash"] = content_hash(document)
    before = Claim.objects.count()

    response = importer_client.post(IMPORT, document, format="json")

    assert response.status_code == 400
    assert "withdrawn" in error_of(response)["message"]
    assert Claim.objects.count() == before


# --- the other formats -----------------------------------------------------------------------


def argdown_of(client) -> str:
    response = client.get(url("snapshot/"), {"format": "argdown"})
    assert response.status_code == 200, response.content
    return response.content.decode()


def test_argdown_marks_withdrawn_claims(hostile_world, snap_world, anon, tmp_path):
    moderated = argdown_json(argdown_of(token_client(hostile_world.moderator)), tmp_path)
    public = argdown_json(argdown_of(anon), tmp_path)

    for parsed in (moderated, public):
        data = parsed_data(parsed, f"C{hostile_world.withdrawn.pk}")
        assert (data["withdrawn"], data["hidden"]) == (True, True)
        hidden = parsed_data(parsed, f"C{snap_world.hidden_parent.pk}")
        assert hidden["hidden"] is True and "withdrawn" not in hidden
        assert "withdrawn" not in parsed_data(parsed, f"C{hostile_world.claim.pk}")


def test_public_aif_names_a_withdrawn_placeholder_as_such(hostile_world, snap_world, anon):
    document = fetch(anon)
    aif = fetch(anon, format="aif")
    texts = {n["nodeID"]: n["text"] for n in aif["nodes"]}

    assert texts[f"C{hostile_world.withdrawn.pk}"] == "(withdrawn claim)"
    assert texts[f"C{snap_world.hidden_parent.pk}"] == "(hidden claim)"
    assert f"L{hostile_world.withdrawn.pk}" not in texts
    check_aif_rules(aif)
    assert_arguebuf_reads_the_map(aif, document)


def test_graphml_marks_withdrawn_claims(hostile_world, snap_world, anon):
    for client in (token_client(hostile_world.moderator), anon):
        body = client.get(url("snapshot/"), {"format": "graphml"}).content
        graph = nx.read_graphml(io.BytesIO(body))
        withdrawn = graph.nodes[f"c{hostile_world.withdrawn.pk}"]
        hidden = graph.nodes[f"c{snap_world.hidden_parent.pk}"]
        visible = graph.nodes[f"c{hostile_world.claim.pk}"]
        assert (withdrawn["withdrawn"], withdrawn["hidden"]) == (True, True)
        assert (hidden["withdrawn"], hidden["hidden"]) == (False, True)
        assert (visible["withdrawn"], visible["hidden"]) == (False, False)


# --- frozen snapshots and diffs --------------------------------------------------------------


@pytest.fixture
def withdrawn_after_freezing(snap_world):
    """A claim by `other`, frozen in snapshot 1 while shown, withdrawn by its author since."""
    w = snap_world
    w.taken_back = claim_services.claim_create(
        actor=w.other, debate=w.debate, position=w.position_after, stance="pro",
        text="TAKEN-BACK-AFTER-FREEZE-4411",
    )  # fmt: skip
    response = token_client(w.moderator).post(url("snapshots/"))
    assert response.status_code == 201, response.content
    claim_services.claim_withdraw(actor=w.other, claim=w.taken_back)
    return w


def test_a_claim_withdrawn_after_freezing_is_a_withdrawn_placeholder(
    withdrawn_after_freezing, anon
):
    w = withdrawn_after_freezing

    document = fetch(anon, "snapshots/1/")

    row = claims_of(document)[w.taken_back.pk]
    assert flags(row) == (True, True)
    assert (row["text"], row["author"], row["team"]) == (None, None, None)
    assert "TAKEN-BACK-AFTER-FREEZE-4411" not in str(document)
    assert claims_of(document)[w.hidden_parent.pk]["withdrawn"] is False
    assert_valid_document(document)


def test_moderators_live_diff_lists_withdrawn_with_hidden(withdrawn_after_freezing):
    w = withdrawn_after_freezing

    diff = fetch(token_client(w.moderator), "snapshots/1/diff/live/")

    changed = {row["id"]: row["changes"] for row in diff["claims_changed"]}
    assert changed[w.taken_back.pk] == {
        "hidden": {"from": False, "to": True},
        "withdrawn": {"from": False, "to": True},
    }


def test_diff_lists_withdrawn_among_changed_fields():
    row = {"id": 1, "position_id": 1, "parent_id": None, "stance": "pro", "text": None,
           "hidden": True, "withdrawn": False, "votes": {}, "strength": None}  # fmt: skip
    old = {"debate": {"phase": "opening"}, "positions": [], "evidence": [], "citations": [],
           "claims": [row]}  # fmt: skip
    new = {**old, "claims": [{**row, "withdrawn": True}]}

    diff = diff_documents(old, new)

    assert diff["claims_changed"] == [
        {"id": 1, "changes": {"withdrawn": {"from": False, "to": True}}}
    ]


def test_redaction_keeps_a_rows_withdrawn_unless_withdrawn_since():
    rows = [{"id": 1, "text": "a", "author": "x", "team": None, "team_id": None, "hidden": False,
             "withdrawn": False},
            {"id": 2, "text": "b", "author": "y", "team": None, "team_id": None, "hidden": False,
             "withdrawn": False}]  # fmt: skip
    document = {"claims": copy.deepcopy(rows), "evidence": [], "citations": []}

    redacted = redact_document(
        document,
        Audience(moderator=False),
        DocumentHidden(claims=frozenset({1, 2}), withdrawn=frozenset({2})),
    )

    assert [flags(c) for c in redacted["claims"]] == [(False, True), (True, True)]
    assert document["claims"] == rows
