"""A document whose strengths are withheld (`Debate.standings_from` not reached yet), in
every export format, read by the outside tools of record: Argdown's CLI, networkx's GraphML
reader and arguebuf. The writers meet `strength: null` only here."""

from __future__ import annotations

import io

import networkx as nx

from debate.debates.models import Debate, StandingsFrom
from debate.snapshots.argdown import collapse
from tests.api.helpers import url
from tests.snapshots.helpers import HOSTILE_STRINGS, fetch
from tests.snapshots.outside_tools import argdown_json, require_arguebuf
from tests.snapshots.test_argdown import argdown_of, assert_same_map, parsed_data, parsed_statements


def withhold(world) -> None:
    Debate.objects.filter(pk=world.debate.pk).update(standings_from=StandingsFrom.VOTING)


def test_argdown_without_strengths_parses_with_its_hostile_text(hostile_world, anon, tmp_path):
    withhold(hostile_world)
    document = fetch(anon)
    assert {p["strength"] for p in document["positions"]} == {None}

    parsed = argdown_json(argdown_of(anon), tmp_path)

    assert_same_map(parsed, document)
    for position in document["positions"]:
        assert parsed_data(parsed, f"P{position['id']}").get("strength") is None
    assert {collapse(text) for text in HOSTILE_STRINGS} <= set(parsed_statements(parsed).values())


def test_graphml_without_strengths_reads_with_no_strength_on_any_node(hostile_world, anon):
    withhold(hostile_world)

    response = anon.get(url("snapshot/"), {"format": "graphml"})
    graph = nx.read_graphml(io.BytesIO(response.content))

    assert response.status_code == 200
    assert graph.number_of_nodes() > len(HOSTILE_STRINGS)
    assert all("strength" not in data and "base_score" not in data
               for _node, data in graph.nodes(data=True))  # fmt: skip


def test_aif_without_strengths_loads_in_arguebuf(hostile_world, anon):
    withhold(hostile_world)
    arguebuf = require_arguebuf()

    response = anon.get(url("snapshot/"), {"format": "aif"})
    graph = arguebuf.load.aif(response.json())

    assert response.status_code == 200
    texts = {str(atom.plain_text) for atom in graph.atom_nodes.values()}
    assert len(texts) > len(HOSTILE_STRINGS)
