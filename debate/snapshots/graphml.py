"""A snapshot document as GraphML: one graph that yEd and Gephi open directly.

Nodes are the positions (`p<id>`), claims (`c<id>`) and pieces of evidence (`e<id>`), each
with its `kind`, `label`, `text` and what the document says of it (stance, strength, votes,
hidden, withdrawn). Edges point from the answer to what it answers: a claim to its parent
(`support` for pro, `attack` for con) and a piece of evidence to each claim citing it (`supports` or
`concedes`). Everything comes from the document as its reader may see it, so the graph
shows nothing that the JSON snapshot does not.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree as ET

NS = "http://graphml.graphdrawing.org/xmlns"
# (id, for, attr.type): the attributes a node or edge may carry, declared once as GraphML asks.
KEYS = (
    ("kind", "node", "string"),
    ("label", "node", "string"),
    ("text", "node", "string"),
    ("stance", "node", "string"),
    ("strength", "node", "double"),
    ("base_score", "node", "double"),
    ("votes", "node", "int"),
    ("mean_vote", "node", "double"),
    ("hidden", "node", "boolean"),
    ("withdrawn", "node", "boolean"),
    ("team", "node", "string"),
    ("status", "node", "string"),
    ("relation", "edge", "string"),
)
LABEL_LENGTH = 60  # yEd draws `label`; the whole text is in `text`
# XML 1.0 cannot hold these characters at all, escaped or not (a claim may contain them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _label(text: str | None) -> str:
    if text is None:
        return "(hidden)"
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1] + "…"


def _data(element: ET.Element, key: str, value: Any) -> None:
    """One attribute; a missing value is left out, as GraphML readers expect."""
    if value is None:
        return
    if isinstance(value, bool):
        value = "true" if value else "false"
    ET.SubElement(element, "data", key=key).text = _xml_text(str(value))


def _node(graph: ET.Element, node_id: str, attributes: dict[str, Any]) -> None:
    node = ET.SubElement(graph, "node", id=node_id)
    for key, value in attributes.items():
        _data(node, key, value)


def _edge(graph: ET.Element, source: str, target: str, relation: str) -> None:
    edge = ET.SubElement(graph, "edge", source=source, target=target)
    _data(edge, "relation", relation)


def to_graphml(document: dict[str, Any]) -> bytes:
    """The document's map as GraphML bytes (UTF-8)."""
    root = ET.Element("graphml", xmlns=NS)
    for key, domain, kind in KEYS:
        ET.SubElement(root, "key", {"id": key, "for": domain, "attr.name": key,
                                    "attr.type": kind})  # fmt: skip
    graph = ET.SubElement(root, "graph", id="debate", edgedefault="directed")
    for position in document["positions"]:
        _node(graph, f"p{position['id']}", {
            "kind": "position", "label": _label(position["title"]), "text": position["title"],
            "strength": position.get("strength"),
        })  # fmt: skip
    for claim in document["claims"]:
        votes = claim["votes"]
        _node(graph, f"c{claim['id']}", {
            "kind": "claim", "label": _label(claim["text"]), "text": claim["text"],
            "stance": claim["stance"], "strength": claim.get("strength"),
            "base_score": claim.get("base_score"), "votes": votes["count"],
            "mean_vote": votes["mean"], "hidden": claim.get("hidden", False),
            "withdrawn": claim.get("withdrawn", False), "team": claim.get("team"),
        })  # fmt: skip
        parent = (
            f"c{claim['parent_id']}" if claim["parent_id"] is not None
            else f"p{claim['position_id']}"
        )  # fmt: skip
        _edge(graph, f"c{claim['id']}", parent, "support" if claim["stance"] == "pro" else "attack")
    for evidence in document["evidence"]:
        _node(graph, f"e{evidence['id']}", {
            "kind": "evidence", "label": _label(evidence["quote"]), "text": evidence["quote"],
            "status": evidence["status"],
        })  # fmt: skip
    claims = {c["id"] for c in document["claims"]}
    evidence_ids = {e["id"] for e in document["evidence"]}
    for citation in document["citations"]:
        if citation["claim_id"] in claims and citation["evidence_id"] in evidence_ids:
            _edge(graph, f"e{citation['evidence_id']}", f"c{citation['claim_id']}",
                  citation["relation"])  # fmt: skip
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
