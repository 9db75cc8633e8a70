"""GraphML exports, read back by networkx's GraphML reader (the test of record)."""

from __future__ import annotations

import io

import networkx as nx
import pytest

from debate.snapshots.graphml import to_graphml
from tests.api.helpers import token_client, url
from tests.snapshots.helpers import HOSTILE_TEXT, fetch

pytestmark = pytest.mark.django_db


def graph_of(client, path: str = "snapshot/") -> nx.DiGraph:
    response = client.get(url(path), {"format": "graphml"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/graphml+xml"
    return nx.read_graphml(io.BytesIO(response.content))


def test_graphml_has_a_node_per_position_claim_and_evidence(snap_world, anon):
    document = fetch(anon)

    graph = graph_of(anon)

    expected = ({f"p{p['id']}" for p in document["positions"]}
                | {f"c{c['id']}" for c in document["claims"]}
                | {f"e{e['id']}" for e in document["evidence"]})  # fmt: skip
    assert set(graph.nodes) == expected
    claim = graph.nodes[f"c{snap_world.claim.pk}"]
    assert claim["kind"] == "claim"
    assert claim["text"] == snap_world.claim.text
    assert claim["stance"] == "pro"
    assert claim["votes"] == 2
    assert claim["hidden"] is False
    by_id = {c["id"]: c for c in document["claims"]}
    assert claim["strength"] == pytest.approx(by_id[snap_world.claim.pk]["strength"])
    assert graph.nodes[f"p{snap_world.position_now.pk}"]["kind"] == "position"


def test_graphml_edges_are_replies_and_citations(snap_world, anon):
    w = snap_world
    graph = graph_of(anon)

    assert graph.edges[f"c{w.claim.pk}", f"p{w.position_now.pk}"]["relation"] == "support"
    assert graph.edges[f"c{w.rebuttal.pk}", f"c{w.claim.pk}"]["relation"] == "attack"
    assert graph.edges[f"e{w.approved.pk}", f"c{w.claim.pk}"]["relation"] == "supports"
    document = fetch(anon)
    assert graph.number_of_edges() == len(document["claims"]) + len(document["citations"])


def test_graphml_keeps_hostile_text_exactly(snap_world, anon):
    graph = graph_of(anon)

    assert graph.nodes[f"c{snap_world.hostile.pk}"]["text"] == HOSTILE_TEXT


def test_graphml_characters_xml_cannot_hold_are_replaced():
    document = {
        "positions": [{"id": 1, "title": "P <&> \"q\"", "strength": None}],
        "claims": [{"id": 2, "position_id": 1, "parent_id": None, "stance": "con",
                    "text": "bell \x07 here", "votes": {"count": 0, "mean": None},
                    "hidden": False}],
        "evidence": [], "citations": [],
    }  # fmt: skip

    graph = nx.read_graphml(io.BytesIO(to_graphml(document)))

    assert graph.nodes["p1"]["text"] == 'P <&> "q"'
    assert graph.nodes["c2"]["text"] == "bell \ufffd here"
    assert graph.edges["c2", "p1"]["relation"] == "attack"


def test_public_graphml_hides_what_the_json_hides(snap_world, anon):
    w = snap_world
    body = anon.get(url("snapshot/"), {"format": "graphml"}).content
    graph = nx.read_graphml(io.BytesIO(body))

    assert w.hidden_leaf.text.encode() not in body
    assert w.hidden_parent.text.encode() not in body
    assert f"c{w.hidden_leaf.pk}" not in graph.nodes
    placeholder = graph.nodes[f"c{w.hidden_parent.pk}"]
    assert placeholder["hidden"] is True and "text" not in placeholder


def test_moderators_graphml_marks_hidden_claims(snap_world):
    graph = graph_of(token_client(snap_world.moderator))

    leaf = graph.nodes[f"c{snap_world.hidden_leaf.pk}"]
    assert leaf["hidden"] is True
    assert leaf["text"] == snap_world.hidden_leaf.text


def test_frozen_snapshot_is_served_as_graphml(snap_world, anon):
    token_client(snap_world.moderator).post(url("snapshots/"))

    graph = graph_of(anon, "snapshots/1/")

    assert f"c{snap_world.claim.pk}" in graph.nodes


def test_graphml_of_a_very_deep_chain_is_flat_and_reads_back():
    depth = 2_000  # far past any recursion limit: nodes are siblings, edges carry the tree
    claims = [{"id": i, "position_id": 1, "parent_id": i - 1 if i > 1 else None,
               "stance": "con", "text": f"level {i}", "votes": {"count": 0, "mean": None}}
              for i in range(1, depth + 1)]  # fmt: skip
    document = {"positions": [{"id": 1, "title": "P"}], "claims": claims, "evidence": [],
                "citations": []}  # fmt: skip

    graph = nx.read_graphml(io.BytesIO(to_graphml(document)))

    assert graph.number_of_nodes() == depth + 1
    assert nx.shortest_path_length(graph, f"c{depth}", "p1") == depth
