"""?format=aif: the Argument Interchange Format, checked against AIF's rules for edges."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.api.helpers import token_client
from tests.snapshots.helpers import fetch

pytestmark = pytest.mark.django_db

SCHEMES = {"RA", "CA"}


def check_aif_rules(aif: dict) -> None:
    """I→RA→I, I→CA→I, L→YA→I; each RA/CA joins exactly one I-node to exactly one I-node;
    no I→I edge; every edge joins nodes that exist."""
    kinds = {n["nodeID"]: n["type"] for n in aif["nodes"]}
    assert len(kinds) == len(aif["nodes"]), "node ids repeat"
    allowed = {("I", "RA"), ("RA", "I"), ("I", "CA"), ("CA", "I"), ("L", "YA"), ("YA", "I")}
    incoming, outgoing = Counter(), Counter()
    for edge in aif["edges"]:
        assert edge["fromID"] in kinds and edge["toID"] in kinds, edge
        pair = (kinds[edge["fromID"]], kinds[edge["toID"]])
        assert pair in allowed, f"{pair} edge {edge}"
        outgoing[edge["fromID"]] += 1
        incoming[edge["toID"]] += 1
    for node_id, kind in kinds.items():
        if kind in SCHEMES | {"YA"}:
            assert incoming[node_id] == 1, f"{node_id} has {incoming[node_id]} incoming edges"
            assert outgoing[node_id] == 1, f"{node_id} has {outgoing[node_id]} outgoing edges"
    locution_ids = {loc["nodeID"] for loc in aif["locutions"]}
    assert locution_ids == {n for n, k in kinds.items() if k == "L"}
    assert len({e["edgeID"] for e in aif["edges"]}) == len(aif["edges"]), "edge ids repeat"


def test_every_aif_edge_respects_the_aif_rules_for_moderators(snap_world):
    aif = fetch(token_client(snap_world.moderator), format="aif")

    assert {"nodes", "edges", "locutions"} <= set(aif)
    check_aif_rules(aif)


def test_every_aif_edge_respects_the_aif_rules_for_the_public(api_world, anon):
    aif = fetch(anon, format="aif")

    assert len(aif["nodes"]) > 2
    check_aif_rules(aif)


def test_aif_rules_hold_with_a_reply_under_a_hidden_claim(snap_world, anon):
    check_aif_rules(fetch(anon, format="aif"))


def test_each_claim_is_an_i_node_linked_to_its_parent_by_its_stance(snap_world, anon):
    aif = fetch(anon, format="aif")
    kinds = {n["nodeID"]: n["type"] for n in aif["nodes"]}
    texts = {n["nodeID"]: n["text"] for n in aif["nodes"]}
    edges = {(e["fromID"], e["toID"]) for e in aif["edges"]}

    claim, rebuttal = f"C{snap_world.claim.pk}", f"C{snap_world.rebuttal.pk}"
    assert kinds[claim] == kinds[rebuttal] == "I"
    assert texts[claim] == snap_world.claim.text
    support = next(n for (a, n) in edges if a == claim and kinds[n] == "RA")
    assert (support, f"P{snap_world.position_now.pk}") in edges
    attack = next(n for (a, n) in edges if a == rebuttal and kinds[n] == "CA")
    assert (attack, claim) in edges


def test_every_visible_claim_is_asserted_by_a_locution(snap_world, anon):
    document = fetch(anon)
    aif = fetch(anon, format="aif")
    kinds = {n["nodeID"]: n["type"] for n in aif["nodes"]}

    asserted = {
        e["toID"] for e in aif["edges"] if kinds[e["fromID"]] == "YA" and kinds[e["toID"]] == "I"
    }
    with_text = {f"C{c['id']}" for c in document["claims"] if c["text"] is not None}
    assert asserted == with_text


def test_hidden_claims_are_not_in_the_public_aif(snap_world, anon):
    aif = fetch(anon, format="aif")
    text = str(aif)

    assert "insult" not in text
    assert "A hidden claim that has a reply." not in text
    assert f"C{snap_world.hidden_leaf.pk}" not in {n["nodeID"] for n in aif["nodes"]}
