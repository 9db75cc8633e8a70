"""What changed between two snapshot documents (two frozen ones, or a frozen one and live)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

_CLAIM_FIELDS = ("text", "stance", "parent_id", "position_id", "hidden", "withdrawn")
_POSITION_FIELDS = ("key", "title", "description")
_EVIDENCE_FIELDS = ("source_id", "quote", "start", "end", "paragraph", "status")
_CITATION_FIELDS = ("relation",)

Row = dict[str, Any]


def _changes(a: Row, b: Row, fields: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {f: {"from": a.get(f), "to": b.get(f)} for f in fields if a.get(f) != b.get(f)}


def _table_diff(
    old: list[Row], new: list[Row], key: Callable[[Row], Hashable], fields: tuple[str, ...]
) -> tuple[list[Row], list[Row], list[tuple[Hashable, dict]]]:
    """Rows added and removed (whole, in key order), and the fields changed of rows in both."""
    before = {key(row): row for row in old}
    after = {key(row): row for row in new}
    changed = []
    for k in sorted(before.keys() & after.keys()):
        fields_changed = _changes(before[k], after[k], fields)
        if fields_changed:
            changed.append((k, fields_changed))
    return (
        [after[k] for k in sorted(after.keys() - before.keys())],
        [before[k] for k in sorted(before.keys() - after.keys())],
        changed,
    )


def _strength_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Row]:
    """Positions first, then claims, each in id order: where the computed strength moved."""
    changes = []
    for kind, table in (("position", "positions"), ("claim", "claims")):
        before = {row["id"]: row.get("strength") for row in old[table]}
        after = {row["id"]: row.get("strength") for row in new[table]}
        both = sorted(before.keys() & after.keys())
        changes += [{"kind": kind, "id": i, "from": before[i], "to": after[i]}
                    for i in both if before[i] != after[i]]  # fmt: skip
    return changes


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Compare two documents as given: pass each as its reader may see it (the API passes
    `snapshots.services.frozen_view` documents and the live snapshot of the same audience),
    so the diff shows nothing either hides."""
    claims_added, claims_removed, claims_changed = _table_diff(
        old["claims"], new["claims"], lambda r: r["id"], _CLAIM_FIELDS
    )
    before = {c["id"]: c["votes"] for c in old["claims"]}
    votes_changed = [
        {"claim_id": c["id"], "from": before[c["id"]], "to": c["votes"]}
        for c in sorted(new["claims"], key=lambda c: c["id"])
        if c["id"] in before and before[c["id"]] != c["votes"]
    ]
    positions = _table_diff(old["positions"], new["positions"], lambda r: r["id"],
                            _POSITION_FIELDS)  # fmt: skip
    evidence = _table_diff(old["evidence"], new["evidence"], lambda r: r["id"], _EVIDENCE_FIELDS)
    citations = _table_diff(
        old["citations"],
        new["citations"],
        lambda r: (r["claim_id"], r["evidence_id"]),
        _CITATION_FIELDS,
    )
    phase = None
    if old["debate"]["phase"] != new["debate"]["phase"]:
        phase = {"from": old["debate"]["phase"], "to": new["debate"]["phase"]}
    return {
        "claims_added": claims_added,
        "claims_removed": claims_removed,
        "claims_changed": [{"id": k, "changes": c} for k, c in claims_changed],
        "votes_changed": votes_changed,
        "strength_changed": _strength_changes(old, new),
        "positions_added": positions[0],
        "positions_removed": positions[1],
        "positions_changed": [{"id": k, "changes": c} for k, c in positions[2]],
        "evidence_added": evidence[0],
        "evidence_removed": evidence[1],
        "evidence_changed": [{"id": k, "changes": c} for k, c in evidence[2]],
        "citations_added": citations[0],
        "citations_removed": citations[1],
        "citations_changed": [
            {"claim_id": k[0], "evidence_id": k[1], "changes": c} for k, c in citations[2]
        ],
        "phase_changed": phase,
    }
