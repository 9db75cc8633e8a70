"""?format=aif: the Argument Interchange Format, read by arguebuf (the test of record) and
checked against AIF's rules for edges and AIFdb's conventions (string ids, timestamps)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from debate.snapshots.aif import aif_time
from tests.api.helpers import token_client, url
from tests.snapshots.helpers import SEEDED_SLUG, fetch
from tests.snapshots.outside_tools import require_arguebuf

pytestmark = pytest.mark.django_db

SCHEMES = {"RA", "CA"}


def check_aif_rules(aif: dict) -> None:
    """I→RA→I, I→CA→I, L→YA→I, L→TA→L; each RA/CA/YA/TA has exactly one edge in and one out;
    no I→I edge; every edge joins nodes that exist."""
    kinds = {n["nodeID"]: n["type"] for n in aif["nodes"]}
    assert len(kinds) == len(aif["nodes"]), "node ids repeat"
    allowed = {("I", "RA"), ("RA", "I"), ("I", "CA"), ("CA", "I"), ("L", "YA"), ("YA", "I"),
               ("L", "TA"), ("TA", "L")}  # fmt: skip
    incoming, outgoing = Counter(), Counter()
    for edge in aif["edges"]:
        assert edge["fromID"] in kinds and edge["toID"] in kinds, edge
        pair = (kinds[edge["fromID"]], kinds[edge["toID"]])
        assert pair in allowed, f"{pair} edge {edge}"
        outgoing[edge["fromID"]] += 1
        incoming[edge["toID"]] += 1
    for node_id, kind in kinds.items():
        if kind in SCHEMES | {"YA", "TA"}:
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


AIFDB_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def aif_of(client, slug: str) -> dict:
    response = client.get(url("snapshot/", slug), {"format": "aif"})
    assert response.status_code == 200, response.content
    return response.json()


def expected_atoms(document: dict) -> dict[str, str]:
    """I-node id → text: every position, every claim (a placeholder keeps its place for its
    replies) and every approved piece of evidence in the document."""
    atoms = {f"P{p['id']}": p["title"] for p in document["positions"]}
    atoms |= {
        f"C{c['id']}": c["text"]
        if c["text"] is not None
        else "(withdrawn claim)"
        if c.get("withdrawn")
        else "(hidden claim)"
        for c in document["claims"]
    }
    atoms |= {f"E{e['id']}": e["quote"] for e in document["evidence"] if e["status"] == "approved"}
    return atoms


def expected_schemes(document: dict) -> set[tuple[str, str, str]]:
    """(premise, conclusion, "support" or "attack") for each claim and each citation."""
    schemes = {
        (f"C{c['id']}", f"C{c['parent_id']}" if c["parent_id"] else f"P{c['position_id']}",
         "support" if c["stance"] == "pro" else "attack")
        for c in document["claims"]
    }  # fmt: skip
    approved = {e["id"] for e in document["evidence"] if e["status"] == "approved"}
    schemes |= {
        (f"E{c['evidence_id']}", f"C{c['claim_id']}",
         "attack" if c["relation"] == "concedes" else "support")
        for c in document["citations"] if c["evidence_id"] in approved
    }  # fmt: skip
    return schemes


def loaded_by_arguebuf(aif: dict):
    """arguebuf's graph of the AIF. Its AIF reader keeps the argument (I-nodes, RA, CA) and
    skips the dialogue layer (L, YA, TA), which check_aif_rules checks instead."""
    arguebuf = require_arguebuf()
    return arguebuf.load.aif(aif)


def arguebuf_schemes(graph) -> set[tuple[str, str, str]]:
    from arguebuf.model.scheme import Attack, Support

    schemes = set()
    for scheme in graph.scheme_nodes.values():
        (premise,) = graph.incoming_atom_nodes(scheme)
        (conclusion,) = graph.outgoing_atom_nodes(scheme)
        assert isinstance(scheme.scheme, Support | Attack), scheme.scheme
        kind = "support" if isinstance(scheme.scheme, Support) else "attack"
        schemes.add((premise.id, conclusion.id, kind))
    return schemes


def assert_arguebuf_reads_the_map(aif: dict, document: dict) -> None:
    graph = loaded_by_arguebuf(aif)

    assert {a.id: a.plain_text for a in graph.atom_nodes.values()} == expected_atoms(document)
    assert arguebuf_schemes(graph) == expected_schemes(document)
    assert len(graph.scheme_nodes) == len(expected_schemes(document))


def fetch_seeded(client) -> dict:
    response = client.get(url("snapshot/", SEEDED_SLUG))
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("who", ["anonymous", "moderator"])
def test_arguebuf_loads_the_seeded_debate_with_one_atom_per_statement(seeded_world, anon, who):
    client = anon if who == "anonymous" else token_client(seeded_world.moderator)
    document = fetch_seeded(client)

    aif = aif_of(client, SEEDED_SLUG)

    assert document["evidence"] and document["citations"]
    assert_arguebuf_reads_the_map(aif, document)
    check_aif_rules(aif)


@pytest.mark.parametrize("who", ["anonymous", "moderator"])
def test_arguebuf_loads_hostile_text_exactly(hostile_world, snap_world, anon, who):
    client = anon if who == "anonymous" else token_client(hostile_world.moderator)
    document = fetch(client)

    aif = fetch(client, format="aif")

    assert_arguebuf_reads_the_map(aif, document)
    check_aif_rules(aif)


def test_every_id_is_a_string(hostile_world, anon):
    aif = fetch(anon, format="aif")

    ids = [n["nodeID"] for n in aif["nodes"]]
    ids += [v for e in aif["edges"] for v in (e["edgeID"], e["fromID"], e["toID"])]
    ids += [loc["personID"] for loc in aif["locutions"]]
    ids += [p["participantID"] for p in aif["participants"]]
    assert ids and all(isinstance(value, str) for value in ids)
    assert {loc["personID"] for loc in aif["locutions"]} <= {
        p["participantID"] for p in aif["participants"]
    }


def test_each_claim_carries_its_own_creation_time(hostile_world, anon):
    document = fetch(anon)
    aif = fetch(anon, format="aif")
    times = {n["nodeID"]: n["timestamp"] for n in aif["nodes"]}

    assert all(AIFDB_TIME.match(t) for t in times.values()), set(times.values())
    for claim in document["claims"]:
        assert times[f"C{claim['id']}"] == aif_time(claim["created_at"])
        if claim["text"] is not None:
            assert times[f"L{claim['id']}"] == aif_time(claim["created_at"])
    assert {loc["timestamp"] for loc in aif["locutions"]} <= set(times.values())


def test_aif_time_is_utc_to_the_second():
    assert aif_time("2026-03-04T05:06:07.891011+02:00") == "2026-03-04 03:06:07"
    assert aif_time("2026-03-04T05:06:07.891011Z") == "2026-03-04 05:06:07"


def test_a_replys_locution_answers_its_parents_through_a_ta_node(hostile_world, anon):
    aif = fetch(anon, format="aif")
    kinds = {n["nodeID"]: n["type"] for n in aif["nodes"]}
    edges = {(e["fromID"], e["toID"]) for e in aif["edges"]}
    claim, rebuttal = hostile_world.claim.pk, hostile_world.rebuttal.pk

    (transition,) = [n for (a, n) in edges if a == f"L{claim}" and kinds[n] == "TA"
                     and (n, f"L{rebuttal}") in edges]  # fmt: skip
    assert transition == f"TA{rebuttal}"
    top_level = [f"TA{c['id']}" for c in fetch(anon)["claims"] if c["parent_id"] is None]
    assert not set(top_level) & set(kinds)


def test_a_participant_is_the_documents_author_as_given(hostile_world, anon):
    document = fetch(anon)
    aif = fetch(anon, format="aif")
    names = {p["participantID"]: p["firstname"] for p in aif["participants"]}
    texts = {n["nodeID"]: n["text"] for n in aif["nodes"]}

    for locution in aif["locutions"]:
        claim = next(c for c in document["claims"] if f"L{c['id']}" == locution["nodeID"])
        assert names[locution["personID"]] == claim["author"]
        assert texts[locution["nodeID"]] == f"{claim['author']}: {claim['text']}"


def test_citations_link_approved_evidence_by_support_or_concession(hostile_world, anon):
    aif = fetch(anon, format="aif")
    kinds = {n["nodeID"]: n["type"] for n in aif["nodes"]}
    texts = {n["nodeID"]: n["text"] for n in aif["nodes"]}
    edges = {(e["fromID"], e["toID"]) for e in aif["edges"]}
    quote = f"E{hostile_world.hostile_quote.pk}"
    first, second = (f"C{c.pk}" for c in hostile_world.hostile_chain[:2])

    assert texts[quote] == hostile_world.hostile_quote.quote
    assert kinds[f"RA-{quote}-{first}"] == "RA" and kinds[f"CA-{quote}-{second}"] == "CA"
    assert {(quote, f"RA-{quote}-{first}"), (f"RA-{quote}-{first}", first)} <= edges
    assert {(quote, f"CA-{quote}-{second}"), (f"CA-{quote}-{second}", second)} <= edges
    assert f"E{hostile_world.proposed.pk}" not in kinds


def test_moderators_aif_shows_hidden_and_withdrawn_claims_unasserted(hostile_world, snap_world):
    aif = fetch(token_client(hostile_world.moderator), format="aif")
    texts = {n["nodeID"]: n["text"] for n in aif["nodes"]}
    asserted = {e["toID"] for e in aif["edges"] if e["fromID"].startswith("YA")}

    for claim in (hostile_world.withdrawn, snap_world.hidden_leaf, snap_world.hidden_parent):
        assert texts[f"C{claim.pk}"] == claim.text
        assert f"C{claim.pk}" not in asserted
        assert f"L{claim.pk}" not in texts
    assert f"C{hostile_world.claim.pk}" in asserted
    check_aif_rules(aif)
