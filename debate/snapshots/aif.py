"""Argument Interchange Format (AIF) JSON, as AIFdb and OVA read it.

Positions and claims are I-nodes. Each claim supports its parent through an RA node
(I → RA → I) or attacks it through a CA node (I → CA → I). Each claim's author asserts it:
an L-node (the locution) joined to the I-node through a YA node, listed in `locutions`
with its participant.
"""

from __future__ import annotations

from typing import Any


def to_aif(document: dict[str, Any]) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    locutions: list[dict[str, Any]] = []
    participants: dict[str, int] = {}
    timestamp = document.get("generated_at", "")

    def node(node_id: str, text: str, kind: str, **extra: Any) -> None:
        nodes.append({"nodeID": node_id, "text": text, "type": kind, "timestamp": timestamp,
                      **extra})  # fmt: skip

    def edge(source: str, target: str) -> None:
        edges.append({"edgeID": f"E{len(edges) + 1}", "fromID": source, "toID": target})

    for position in document["positions"]:
        node(f"P{position['id']}", position["title"], "I")
    for claim in document["claims"]:
        claim_node = f"C{claim['id']}"
        # A hidden claim's placeholder keeps its place (its replies answer it) without words.
        node(claim_node, claim["text"] if claim["text"] is not None else "(hidden claim)", "I")
        parent = f"C{claim['parent_id']}" if claim["parent_id"] else f"P{claim['position_id']}"
        scheme, label = ("RA", "Default Inference") if claim["stance"] == "pro" else (
            "CA", "Default Conflict")  # fmt: skip
        relation = f"{scheme}{claim['id']}"
        node(relation, label, scheme)
        edge(claim_node, relation)
        edge(relation, parent)
        if claim["text"] is None:
            continue  # nobody is shown asserting a hidden claim
        person = claim.get("author") or claim.get("team") or "unknown"
        person_id = participants.setdefault(person, len(participants) + 1)
        locution = f"L{claim['id']}"
        node(locution, f"{person}: {claim['text']}", "L")
        node(f"YA{claim['id']}", "Asserting", "YA")
        edge(locution, f"YA{claim['id']}")
        edge(f"YA{claim['id']}", claim_node)
        locutions.append({"nodeID": locution, "personID": person_id, "timestamp": timestamp})
    return {
        "nodes": nodes,
        "edges": edges,
        "locutions": locutions,
        "participants": [
            {"participantID": pid, "firstname": name, "surname": ""}
            for name, pid in participants.items()
        ],
    }
