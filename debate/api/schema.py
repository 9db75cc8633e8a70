"""The OpenAPI components that come from the shipped JSON Schema of the snapshot document.

The JSON Schema (debate/snapshots/schema/debate-snapshot-1.json) is the one description of
the document: the importer validates with it, and the OpenAPI schema is converted from it
here, so the two cannot disagree. OpenAPI 3.0 speaks a dialect of JSON Schema: `nullable`
instead of `type: [..., "null"]`, `enum` instead of `const`, and no `$schema` or `$id`.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension

from debate.snapshots.importer import snapshot_schema

# Keywords whose values are schemas, or maps of names to schemas, that the converter enters.
_SUBSCHEMA = ("items", "additionalProperties")
_SUBSCHEMA_MAPS = ("properties",)
_JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number"}


def _convert_node(node: dict[str, Any]) -> None:
    """Rewrite one schema object in place (not its subschemas) into OpenAPI 3.0's dialect."""
    node.pop("$schema", None)
    node.pop("$id", None)
    if "const" in node:
        node["enum"] = [node.pop("const")]
    if isinstance(node.get("type"), list):
        types = [t for t in node["type"] if t != "null"]
        if len(types) != len(node["type"]):
            node["nullable"] = True
        if len(types) != 1:
            raise ValueError(f"OpenAPI 3.0 cannot say type {node['type']!r}")
        node["type"] = types[0]
    if "enum" in node and "type" not in node:
        kinds = {_JSON_TYPES.get(type(value)) for value in node["enum"]}
        if len(kinds) == 1 and None not in kinds:
            node["type"] = kinds.pop()


def openapi_from_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A converted copy of `schema` (an explicit stack: no recursion, whatever its depth)."""
    result = copy.deepcopy(schema)
    stack = [result]
    while stack:
        node = stack.pop()
        _convert_node(node)
        stack.extend(node[key] for key in _SUBSCHEMA if isinstance(node.get(key), dict))
        for key in _SUBSCHEMA_MAPS:
            stack.extend(value for value in node.get(key, {}).values() if isinstance(value, dict))
    return result


def snapshot_component() -> dict[str, Any]:
    """The snapshot document (format json) as an OpenAPI component."""
    return openapi_from_json_schema(snapshot_schema())


class SnapshotDocumentExtension(OpenApiSerializerExtension):
    """Lets `serializers.SnapshotDocument` stand for the shipped JSON Schema in the OpenAPI
    schema (the serializer itself never validates: the importer does, with the JSON Schema)."""

    target_class = "debate.api.serializers.SnapshotDocument"

    def map_serializer(self, auto_schema, direction):
        return snapshot_component()


class AifDocumentExtension(OpenApiSerializerExtension):
    """An AIF document: AIF's own JSON (AIFdb and OVA read it), described by its top level."""

    target_class = "debate.api.serializers.AifDocument"

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "description": "AIF (Argument Interchange Format) JSON: nodes, edges, locutions "
            "and participants; the README maps the debate onto it.",
            "required": ["nodes", "edges"],
            "properties": {
                "nodes": {"type": "array", "items": {"type": "object"}},
                "edges": {"type": "array", "items": {"type": "object"}},
            },
        }


# --- events: each object type's before and after ---------------------------------------------


def _state_of_model(label: str, fields: list[str]) -> dict[str, Any]:
    """The schema of `audit.services.model_state(obj, fields)`: each field under its attname,
    a foreign key as its id, and anything that is not a JSON scalar as a string."""
    from django.apps import apps
    from django.db import models

    model = apps.get_model(label)
    properties = {}
    for name in fields:
        field = model._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            kind = "integer"
        elif isinstance(field, models.BooleanField):
            kind = "boolean"
        elif isinstance(field, models.IntegerField):
            kind = "integer"
        elif isinstance(field, models.FloatField):
            kind = "number"
        else:
            kind = "string"  # text, choices, dates and anything else model_state writes
        properties[field.attname] = {"type": kind, "nullable": True}
    return properties


def _scalars(**types: str) -> dict[str, Any]:
    return {name: {"type": kind} for name, kind in types.items()}


def event_states() -> dict[str, dict[str, Any]]:
    """object_type → the properties its events' before and after may hold. Keys may be
    missing (a write records what it changed; the feed drops review words for others)."""
    from debate.arguments.services import CLAIM_FIELDS
    from debate.debates.services import DEBATE_FIELDS
    from debate.moderation.services import FLAG_FIELDS
    from debate.sources.services import EVIDENCE_FIELDS, SOURCE_FIELDS

    return {
        "arguments.claim": _state_of_model("arguments.Claim", CLAIM_FIELDS),
        "arguments.citation": _state_of_model(
            "arguments.Citation", ["claim", "evidence", "relation", "is_hidden"]
        ),
        "arguments.vote": _scalars(claim_id="integer", value="integer"),
        "debates.debate": {
            **_state_of_model("debates.Debate", DEBATE_FIELDS),
            **_scalars(
                cloned_from="string",
                content_hash="string",
                claims="integer",
                sources="integer",
                evidence="integer",
            ),
        },  # fmt: skip
        "debates.position": _state_of_model(
            "debates.Position", ["key", "title", "description", "order"]
        ),
        "debates.team": _state_of_model("debates.Team", ["name", "position"]),
        "debates.membership": _state_of_model("debates.Membership", ["user", "role", "team"]),
        "debates.pollresponse": _scalars(position_id="integer"),
        "moderation.flag": _state_of_model("moderation.Flag", FLAG_FIELDS),
        "sources.source": _state_of_model(
            "sources.Source", [*SOURCE_FIELDS, "revision", "previous"]
        ),
        "sources.evidence": {
            **_state_of_model("sources.Evidence", EVIDENCE_FIELDS),
            **_scalars(is_hidden="boolean", hidden_reason="string", note="string"),
        },  # fmt: skip
        "snapshots.snapshot": _scalars(number="integer", content_hash="string"),
        "auth.user": _scalars(username="string", count="integer"),
        "accounts.apitoken": _scalars(name="string", read_only="boolean", prefix="string"),
    }


def event_variants() -> list[dict[str, Any]]:
    """One schema per object type, telling its events apart by `object_type`, and one for
    any other type (so a type added later is still described, if loosely). A `pattern`, not
    an `enum`: drf-spectacular merges every enum of one property name into one component,
    which would let each variant match every type."""
    states = event_states()
    variants = []
    for object_type, properties in states.items():
        state = {
            "type": "object",
            "nullable": True,
            "properties": properties,
            "description": f"The {object_type} as the write left it (before: as it was).",
        }
        variants.append({
            "type": "object",
            "properties": {"object_type": {"type": "string",
                                           "pattern": f"^{re.escape(object_type)}$"},
                           "before": state, "after": state},
        })  # fmt: skip
    variants.append(
        {
            "type": "object",
            "properties": {
                "object_type": {
                    "type": "string",
                    "not": {"pattern": f"^({'|'.join(map(re.escape, states))})$"},
                }
            },
        }
    )
    return variants


class EventExtension(OpenApiSerializerExtension):
    """An event: its common fields, and before/after typed by its object_type."""

    target_class = "debate.api.serializers.EventSerializer"

    def map_serializer(self, auto_schema, direction):
        base = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {"allOf": [base, {"oneOf": event_variants()}]}
