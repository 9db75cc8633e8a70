"""The snapshot document: the whole debate as one JSON-ready dict, built from the read model.

`content_hash` covers the canonical content: everything except when and where it was
generated (generated_at, the live version, the snapshot number), the debate's slug, the
timestamps and the people, and with database ids replaced by their order. So the same
debate hashes alike on another instance, and export → import → export keeps the hash.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from django.utils import timezone

from debate.debates.selectors import DebateMap

SCHEMA = "debate-snapshot/1"
_VOLATILE = ("generated_at", "content_hash", "version", "snapshot")
_TABLES = ("positions", "teams", "claims", "sources", "evidence", "citations")
_CLAIM_VOLATILE = ("created_at", "updated_at", "author")


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def build_document(dmap: DebateMap) -> dict[str, Any]:
    debate = dmap.debate
    team_names = {t.id: t.name for t in dmap.teams}
    claims = []
    for node in sorted(dmap.claims.values(), key=lambda n: n.id):
        tally = node.tally
        claims.append({
            "id": node.id,
            "position_id": node.position_id,
            "parent_id": node.parent_id,
            "stance": node.stance,
            "text": None if node.is_placeholder else node.text,
            "author": node.author,
            "team": team_names.get(node.team_id),
            "team_id": node.team_id,
            "hidden": not node.is_visible,
            "created_at": node.created_at.isoformat(),
            "updated_at": node.updated_at.isoformat(),
            "votes": {
                "count": tally.count,
                "mean": _round(tally.mean),
                "histogram": list(tally.histogram),
            },
            "base_score": _round(node.base_score),
            "strength": _round(node.strength),
        })  # fmt: skip
    document = {
        "schema": SCHEMA,
        "debate": {
            "slug": debate.slug,
            "title": debate.title,
            "motion": debate.motion,
            "description": debate.description,
            "phase": debate.phase,
        },
        "generated_at": timezone.now().isoformat(),
        "version": dmap.version,
        "positions": [
            {
                "id": p.id,
                "key": p.key,
                "title": p.title,
                "description": p.description,
                "strength": _round(p.strength),
            }
            for p in dmap.positions
        ],  # fmt: skip
        "teams": [{"id": t.id, "name": t.name, "position_id": t.position_id} for t in dmap.teams],
        "claims": claims,
        "sources": [
            {
                "id": s.id,
                "title": s.title,
                "publication": s.publication,
                "volume": s.volume,
                "issue": s.issue,
                "published_on": s.published_on.isoformat() if s.published_on else None,
                "url": s.url,
                "revision": s.revision,
                "text_sha256": s.text_sha256,
            }
            for s in dmap.sources
        ],  # fmt: skip
        "evidence": [
            {
                "id": e.id,
                "source_id": e.source_id,
                "quote": e.quote,
                "start": e.start,
                "end": e.end,
                "paragraph": e.paragraph,
                "status": e.status,
            }
            for e in sorted(dmap.evidence.values(), key=lambda e: e.id)
        ],  # fmt: skip
        "citations": [
            {"claim_id": c.claim_id, "evidence_id": c.evidence_id, "relation": c.relation}
            for c in sorted(dmap.citations, key=lambda c: (c.claim_id, c.evidence_id))
        ],
    }
    document["content_hash"] = content_hash(document)
    return document


def canonical_content(document: dict[str, Any]) -> dict[str, Any]:
    """The part of a document that the content hash covers (see the module docstring).

    Built as new dicts row by row (a deep copy of a large document costs more than the
    rest of the snapshot together)."""
    ordinal = {
        table: {row["id"]: index for index, row in enumerate(document.get(table, []), start=1)}
        for table in ("positions", "teams", "claims", "sources", "evidence")
    }

    def ref(table: str, value):
        return None if value is None else ordinal[table].get(value, f"?{value}")

    debate = {k: v for k, v in document["debate"].items() if k != "slug"}
    return {
        **{k: v for k, v in document.items() if k not in _VOLATILE and k not in _TABLES},
        "debate": debate,
        "positions": [{**row, "id": ref("positions", row["id"])}
                      for row in document.get("positions", [])],
        "teams": [{**row, "id": ref("teams", row["id"]),
                   "position_id": ref("positions", row["position_id"])}
                  for row in document.get("teams", [])],
        "claims": [{**{k: v for k, v in row.items() if k not in _CLAIM_VOLATILE},
                    "id": ref("claims", row["id"]),
                    "position_id": ref("positions", row["position_id"]),
                    "parent_id": ref("claims", row["parent_id"]),
                    "team_id": ref("teams", row.get("team_id"))}
                   for row in document.get("claims", [])],
        "sources": [{**{k: v for k, v in row.items() if k != "text"},
                     "id": ref("sources", row["id"])}
                    for row in document.get("sources", [])],
        "evidence": [{**row, "id": ref("evidence", row["id"]),
                      "source_id": ref("sources", row["source_id"])}
                     for row in document.get("evidence", [])],
        "citations": sorted(
            ({**row, "claim_id": ref("claims", row["claim_id"]),
              "evidence_id": ref("evidence", row["evidence_id"])}
             for row in document.get("citations", [])),
            key=lambda c: (c["claim_id"], c["evidence_id"]),
        ),
    }  # fmt: skip


def content_hash(document: dict[str, Any]) -> str:
    canonical = orjson.dumps(canonical_content(document), option=orjson.OPT_SORT_KEYS)
    return "sha256:" + hashlib.sha256(canonical).hexdigest()
