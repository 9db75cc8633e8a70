"""What changed between two snapshot documents."""

from __future__ import annotations

from typing import Any

_CLAIM_FIELDS = ("text", "stance", "parent_id", "position_id", "hidden")


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Compare two documents as given: pass each as its reader may see it (the API passes
    `snapshots.services.frozen_view` documents), so the diff shows nothing either hides."""
    before = {c["id"]: c for c in old["claims"]}
    after = {c["id"]: c for c in new["claims"]}
    changed = []
    votes_changed = []
    for claim_id in sorted(before.keys() & after.keys()):
        a, b = before[claim_id], after[claim_id]
        fields = {f: {"from": a.get(f), "to": b.get(f)} for f in _CLAIM_FIELDS
                  if a.get(f) != b.get(f)}  # fmt: skip
        if fields:
            changed.append({"id": claim_id, "changes": fields})
        if a["votes"] != b["votes"]:
            votes_changed.append({"claim_id": claim_id, "from": a["votes"], "to": b["votes"]})
    phase = None
    if old["debate"]["phase"] != new["debate"]["phase"]:
        phase = {"from": old["debate"]["phase"], "to": new["debate"]["phase"]}
    return {
        "claims_added": [after[i] for i in sorted(after.keys() - before.keys())],
        "claims_removed": [before[i] for i in sorted(before.keys() - after.keys())],
        "claims_changed": changed,
        "votes_changed": votes_changed,
        "phase_changed": phase,
    }
