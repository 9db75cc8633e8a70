"""Argdown: a text argument map that the Argdown tools parse, and our own parser for it.

Each position and claim is one statement, `[Pn]` or `[Cn]`, written where it sits in the map:
support as `+`, attack as `-`, indented under its parent. Votes, strength and cited evidence
follow each statement as inline YAML (JSON flow, which is YAML). User text is escaped so that
no claim can open a bracket, a tag, a link, a data block or a new line of its own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_SPECIAL = re.compile(r"([\\\[\]<>{}#*_@~`|])")


def escape(text: str) -> str:
    flat = " ".join(text.split())
    return _SPECIAL.sub(r"\\\1", flat)


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _data(claim: dict[str, Any], evidence_by_claim: dict[int, list[int]]) -> str:
    data: dict[str, Any] = {"votes": claim["votes"], "strength": claim.get("strength")}
    if evidence_by_claim.get(claim["id"]):
        data["evidence"] = [f"E{e}" for e in evidence_by_claim[claim["id"]]]
    return json.dumps(data, separators=(", ", ": "), ensure_ascii=False)


def to_argdown(document: dict[str, Any]) -> str:
    debate = document["debate"]
    evidence_by_claim: dict[int, list[int]] = {}
    for citation in document["citations"]:
        evidence_by_claim.setdefault(citation["claim_id"], []).append(citation["evidence_id"])
    children: dict[Any, list[dict[str, Any]]] = {}
    for claim in document["claims"]:
        key = ("c", claim["parent_id"]) if claim["parent_id"] else ("p", claim["position_id"])
        children.setdefault(key, []).append(claim)

    lines = [
        "===",
        f"title: {json.dumps(debate['title'], ensure_ascii=False)}",
        f"motion: {json.dumps(debate['motion'], ensure_ascii=False)}",
        f"phase: {debate['phase']}",
        f"content_hash: {document.get('content_hash', '')}",
        "===",
        "",
        f"# {escape(debate['title'])}",
        "",
    ]
    for position in document["positions"]:
        data = json.dumps({"strength": position.get("strength")})
        lines.append(f"[P{position['id']}]: {escape(position['title'])} {data}")
        stack = [(claim, 1) for claim in reversed(children.get(("p", position["id"]), []))]
        while stack:
            claim, depth = stack.pop()
            sign = "+" if claim["stance"] == "pro" else "-"
            text = escape(claim["text"]) if claim["text"] is not None else "(hidden)"
            lines.append(
                f"{'  ' * depth}{sign} [C{claim['id']}]: {text} {_data(claim, evidence_by_claim)}"
            )
            for child in reversed(children.get(("c", claim["id"]), [])):
                stack.append((child, depth + 1))
        lines.append("")
    evidence = document.get("evidence", [])
    if evidence:
        lines.append("// Evidence, quoted exactly from its source (id, source, offsets)")
        for item in evidence:
            meta = json.dumps({"source": item["source_id"], "start": item["start"],
                               "end": item["end"], "status": item["status"]})  # fmt: skip
            lines.append(f"[E{item['id']}]: {escape(item['quote'])} {meta}")
    return "\n".join(lines) + "\n"


@dataclass
class ParsedStatement:
    id: str
    text: str
    data: dict[str, Any]
    parent: str | None = None
    stance: str | None = None


_LINE = re.compile(r"^(?P<indent> *)(?:(?P<sign>[+-]) )?\[(?P<id>[PCE]\d+)\]: (?P<rest>.*)$")


def _split_data(rest: str) -> tuple[str, dict[str, Any]]:
    """The statement text and its trailing inline data: the last unescaped ' {'."""
    index = len(rest)
    while True:
        index = rest.rfind(" {", 0, index)
        if index == -1:
            return unescape(rest), {}
        backslashes = len(rest[: index + 1]) - len(rest[: index + 1].rstrip("\\"))
        if rest[index + 1] == "{" and backslashes % 2 == 0:
            try:
                return unescape(rest[:index]), json.loads(rest[index + 1 :])
            except ValueError:
                pass


def parse_argdown(text: str) -> list[ParsedStatement]:
    """Parse what `to_argdown` writes: statements, their parents and relations."""
    statements: list[ParsedStatement] = []
    stack: list[tuple[int, str]] = []  # (depth, statement id)
    in_front_matter = False
    for line in text.splitlines():
        if line.strip() == "===":
            in_front_matter = not in_front_matter
            continue
        if in_front_matter or not line.strip() or line.startswith(("#", "//")):
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"Not an Argdown statement: {line!r}")
        depth = len(match["indent"]) // 2
        text_part, data = _split_data(match["rest"])
        statement = ParsedStatement(id=match["id"], text=text_part, data=data)
        if match["sign"]:
            while stack and stack[-1][0] >= depth:
                stack.pop()
            statement.parent = stack[-1][1] if stack else None
            statement.stance = "pro" if match["sign"] == "+" else "con"
        else:
            stack = []
        stack.append((depth, statement.id))
        statements.append(statement)
    return statements
