"""The snapshot document: the whole debate as one JSON-ready dict, built from the read model.

`content_hash` covers the canonical content: everything except when and where it was
generated (generated_at, the live version, the snapshot number), the debate's slug, the
timestamps and the people (`author`, `author_pseudonym`), and with database ids replaced by
their order. So the same debate hashes alike on another instance, export → import → export
keeps the hash, and a reading that names authors by pseudonym (an anonymous debate) keeps
the hash of the stored document: the hash of what was frozen.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from django.utils import timezone

from debate.mapview.model import DebateMap

SCHEMA = "debate-snapshot/1"
_VOLATILE = ("generated_at", "content_hash", "version", "snapshot")
_TABLES = ("positions", "teams", "claims", "sources", "evidence", "citations")
_CLAIM_VOLATILE = ("created_at", "updated_at", "author", "author_pseudonym")


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def build_document(dmap: DebateMap) -> dict[str, Any]:
    debate = dmap.debate
    team_names = {t.id: t.name for t in dmap.teams}
    # The canonical rows (what the content hash covers) are made in the same pass: on a large
    # debate, copying every claim row again afterwards costs a third of the snapshot.
    position_ordinal = {p.id: index for index, p in enumerate(dmap.positions, start=1)}
    team_ordinal = {t.id: index for index, t in enumerate(dmap.teams, start=1)}
    nodes = sorted(dmap.claims.values(), key=lambda n: n.id)
    claim_ordinal = {node.id: index for index, node in enumerate(nodes, start=1)}
    claims, canonical_claims = [], []
    for index, node in enumerate(nodes, start=1):
        histogram = list(node.tally.histogram)
        count = sum(histogram)
        mean = (
            round(sum(value * n for value, n in enumerate(histogram)) / count, 4) if count else None
        )
        votes = {"count": count, "mean": mean, "histogram": histogram}
        text = None if node.is_placeholder else node.text
        team = team_names.get(node.team_id)
        hidden, withdrawn = not node.is_visible, node.is_withdrawn
        base_score, strength = round(node.base_score, 4), round(node.strength, 4)
        claims.append({
            "id": node.id, "position_id": node.position_id, "parent_id": node.parent_id,
            "stance": node.stance, "text": text, "author": node.author, "team": team,
            "team_id": node.team_id, "hidden": hidden, "withdrawn": withdrawn,
            "created_at": node.created_at, "updated_at": node.updated_at,
            "votes": votes, "base_score": base_score, "strength": strength,
        })  # fmt: skip
        canonical_claims.append({
            "id": index, "position_id": _ref(position_ordinal, node.position_id),
            "parent_id": _ref(claim_ordinal, node.parent_id), "stance": node.stance,
            "text": text, "team": team, "team_id": _ref(team_ordinal, node.team_id),
            "hidden": hidden, "withdrawn": withdrawn, "votes": votes, "base_score": base_score,
            "strength": strength,
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
    document["content_hash"] = _digest(canonical_content(document, claims=canonical_claims))
    return document


def _ref(ordinal: dict[int, int], value: int | None):
    return None if value is None else ordinal.get(value, f"?{value}")


def canonical_content(document: dict[str, Any], *, claims: list | None = None) -> dict[str, Any]:
    """The part of a document that the content hash covers (see the module docstring).

    Built as new dicts row by row (a deep copy of a large document costs more than the
    rest of the snapshot together). `claims`: the canonical claim rows, when the caller
    made them already."""
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
        "claims": claims if claims is not None else [
            {**{k: v for k, v in row.items() if k not in _CLAIM_VOLATILE},
             "id": ref("claims", row["id"]),
             "position_id": ref("positions", row["position_id"]),
             "parent_id": ref("claims", row["parent_id"]),
             "team_id": ref("teams", row.get("team_id"))}
            for row in document.get("claims", [])
        ],
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
    return _digest(canonical_content(document))


def _digest(canonical: dict[str, Any]) -> str:
    return (
        "sha256:" + hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).hexdigest()
    )
