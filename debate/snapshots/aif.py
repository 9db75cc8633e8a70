"""Argument Interchange Format (AIF) JSON, in the conventions of AIFdb and OVA.

The mapping (README, "Formats"):

- I-nodes: each position `P<id>` (its title), each claim `C<id>` (its text) and each approved
  piece of evidence `E<id>` (its exact quote). Proposed and rejected quotes are moderation
  state, not part of the argument, so they stay out (the JSON and Argdown carry them).
- RA ("Default Inference") for support, CA ("Default Conflict") for attack: a claim supports
  (`RA<id>`) or attacks (`CA<id>`) its parent, I → RA/CA → I. A citation is a scheme from the
  evidence to the citing claim: RA (`RA-E<e>-C<c>`) when the claim cites it as support, CA
  (`CA-E<e>-C<c>`) when the claim concedes it, as the quote counts against the claim.
- The dialogue: each claim's author asserts it, an L-node `L<id>` ("author: text") joined to
  the claim's I-node through a YA node ("Asserting"), with a locution naming the participant.
  A reply's locution answers its parent's through a TA node `TA<id>` ("Default Transition"),
  L(parent) → TA → L(reply). Claims under a position answer nobody's locution: no TA.
- Hidden and withdrawn claims: nobody is shown asserting them, so they have no L-node, no YA
  and no TA. Readers other than moderators see a placeholder I-node "(hidden claim)", or
  "(withdrawn claim)" for a claim its author withdrew, only when other claims reply to it
  (so the replies keep their place); moderators see the words.
- Ids are strings; timestamps are `YYYY-MM-DD HH:mm:ss` in UTC, each claim's own creation
  time (its locution, YA, TA and schemes share it). Positions and evidence have no time in
  the snapshot document, so they carry the document's `generated_at`.
- Participants are the document's `author` field as given (so anonymous and pseudonymous
  debates stay so), or the team when no author is shown. In an anonymous debate that is the
  pseudonym for everyone but its moderators, whose copy has the username as `firstname` and
  the pseudonym as `surname` (`author_pseudonym`); otherwise `surname` is empty.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

AIF_TIME = "%Y-%m-%d %H:%M:%S"
HIDDEN_TEXT = "(hidden claim)"
WITHDRAWN_TEXT = "(withdrawn claim)"
Node = dict[str, Any]


def aif_time(iso: str | None) -> str:
    """An ISO 8601 time as AIFdb writes it: UTC, to the second, no offset."""
    if not iso:
        return ""
    moment = datetime.datetime.fromisoformat(iso)
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return moment.strftime(AIF_TIME)


@dataclass
class _Graph:
    """The AIF graph as it is built: nodes, edges, locutions and participants, in order."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Node] = field(default_factory=list)
    locutions: list[Node] = field(default_factory=list)
    participants: dict[str, str] = field(default_factory=dict)  # name → participantID
    surnames: dict[str, str] = field(default_factory=dict)  # name → pseudonym beside it

    def node(self, node_id: str, text: str, kind: str, timestamp: str) -> None:
        self.nodes.append({"nodeID": node_id, "text": text, "type": kind, "timestamp": timestamp})

    def edge(self, source: str, target: str) -> None:
        self.edges.append({"edgeID": str(len(self.edges) + 1), "fromID": source, "toID": target,
                           "formEdgeID": None})  # fmt: skip

    def scheme(self, node_id: str, kind: str, source: str, target: str, timestamp: str) -> None:
        """An RA or CA node from `source` to `target`: source → scheme → target."""
        label = "Default Inference" if kind == "RA" else "Default Conflict"
        self.node(node_id, label, kind, timestamp)
        self.edge(source, node_id)
        self.edge(node_id, target)

    def participant(self, name: str, pseudonym: str | None = None) -> str:
        if pseudonym and pseudonym != name:
            self.surnames.setdefault(name, pseudonym)
        return self.participants.setdefault(name, str(len(self.participants) + 1))


def claim_text(claim: dict[str, Any]) -> str:
    """A claim's I-node text: its words, or the placeholder of a claim not shown."""
    if claim["text"] is not None:
        return claim["text"]
    return WITHDRAWN_TEXT if claim.get("withdrawn") else HIDDEN_TEXT


def _claim_nodes(graph: _Graph, claim: dict[str, Any]) -> None:
    when = aif_time(claim.get("created_at"))
    claim_node = f"C{claim['id']}"
    graph.node(claim_node, claim_text(claim), "I", when)
    parent = f"C{claim['parent_id']}" if claim["parent_id"] else f"P{claim['position_id']}"
    kind = "RA" if claim["stance"] == "pro" else "CA"
    graph.scheme(f"{kind}{claim['id']}", kind, claim_node, parent, when)


def _asserted(claim: dict[str, Any]) -> bool:
    # A hidden or withdrawn claim is nobody's standing assertion, even where its words show.
    return claim["text"] is not None and not claim.get("hidden")


def _dialogue_nodes(graph: _Graph, claim: dict[str, Any], asserted: set[int]) -> None:
    """The author's locution, its YA into the claim, and its TA from the parent's locution."""
    when = aif_time(claim.get("created_at"))
    person = claim.get("author") or claim.get("team") or "anonymous"
    locution, assertion = f"L{claim['id']}", f"YA{claim['id']}"
    graph.node(locution, f"{person}: {claim['text']}", "L", when)
    graph.node(assertion, "Asserting", "YA", when)
    graph.edge(locution, assertion)
    graph.edge(assertion, f"C{claim['id']}")
    pseudonym = claim.get("author_pseudonym") if claim.get("author") else None
    graph.locutions.append({"nodeID": locution,
                            "personID": graph.participant(person, pseudonym),
                            "timestamp": when, "start": None, "end": None,
                            "source": None})  # fmt: skip
    if claim["parent_id"] in asserted:
        transition = f"TA{claim['id']}"
        graph.node(transition, "Default Transition", "TA", when)
        graph.edge(f"L{claim['parent_id']}", transition)
        graph.edge(transition, locution)


def _evidence_nodes(graph: _Graph, document: dict[str, Any], generated: str) -> None:
    approved = {e["id"] for e in document.get("evidence", []) if e["status"] == "approved"}
    for item in document.get("evidence", []):
        if item["id"] in approved:
            graph.node(f"E{item['id']}", item["quote"], "I", generated)
    claim_time = {c["id"]: aif_time(c.get("created_at")) for c in document["claims"]}
    for citation in document.get("citations", []):
        evidence, claim = citation["evidence_id"], citation["claim_id"]
        if evidence not in approved or claim not in claim_time:
            continue
        kind = "CA" if citation["relation"] == "concedes" else "RA"
        graph.scheme(f"{kind}-E{evidence}-C{claim}", kind, f"E{evidence}", f"C{claim}",
                     claim_time[claim])  # fmt: skip


def to_aif(document: dict[str, Any]) -> dict[str, Any]:
    graph = _Graph()
    generated = aif_time(document.get("generated_at"))
    for position in document["positions"]:
        graph.node(f"P{position['id']}", position["title"], "I", generated)
    for claim in document["claims"]:
        _claim_nodes(graph, claim)
    # Known before the walk: a reply's TA needs to know whether its parent has a locution.
    asserted = {claim["id"] for claim in document["claims"] if _asserted(claim)}
    for claim in document["claims"]:
        if claim["id"] in asserted:
            _dialogue_nodes(graph, claim, asserted)
    _evidence_nodes(graph, document, generated)
    return {
        "nodes": graph.nodes,
        "edges": graph.edges,
        "locutions": graph.locutions,
        "participants": [
            {"participantID": pid, "firstname": name, "surname": graph.surnames.get(name, "")}
            for name, pid in graph.participants.items()
        ],
    }
