"""Argdown: a text argument map that Argdown's own tools (`@argdown/cli` 1.7.5) parse.

What the file holds:

- a front matter block (title, motion, phase, content hash) and a heading;
- each position as a top-level statement `[P<id>]`, with its claims indented under it:
  `+ [C<id>]` supports its parent, `- [C<id>]` attacks it;
- each piece of evidence as a statement `[E<id>]` (its exact quote), defined once in its own
  section at the end;
- each citation as a relation from the evidence to the citing claim, written under the claim
  as a reference: `+ [E<id>]` when the claim cites it as support, `- [E<id>]` when the claim
  concedes it (the quote counts against the claim, which grants it). Argdown has no relation
  for "concedes", so the claim's data also lists `concedes` to keep the distinction;
- votes, strength, cited evidence and the hidden and withdrawn state (`hidden: true` on any
  claim not shown, `withdrawn: true` besides when its author withdrew it) as inline data
  after each statement, in JSON flow syntax (which is YAML, as Argdown reads it).

Top-level blocks are separated by an empty line: Argdown reads two statements on adjacent
lines at the top level as a syntax error. Text is collapsed to one line (a line break would
end the statement) and escaped as Argdown's lexer requires (see `escape`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

# Characters that start Argdown syntax anywhere in a line: statements and references `[..]`,
# arguments `<..>`, mentions `@`, tags `#`, bold and italics `*` `_`, comments `//` `/* */`
# `<!-- -->`, data `{..}`, front matter `===`, and the backslash itself. A backslash before
# any character makes it plain text (Argdown's EscapedChar token: `\` and one character).
_SPECIAL = re.compile(r"[\\\[\]<>{}#*_@/=]")
# `.x.` and `:x:` are Argdown shortcodes (`.A.` becomes ∀, `:happy:` an emoji), and an
# unknown one keeps any backslash inside it verbatim: escape a dot or colon that a
# non-space character follows, which is the only way such a code can open.
_SHORTCODE_OPENER = re.compile(r"[.:](?=\S)")
# Relations (`+`, `-`, `->`, `><`), headings and list items only count at the start of a
# line; escaped text never starts one, as it always follows a statement's `[..]: `.

_INDENT = "  "


def collapse(text: str) -> str:
    """One line, single spaces: Argdown's statement text cannot hold a line break."""
    return " ".join(text.split())


def escape(text: str) -> str:
    flat = collapse(text)
    flat = _SPECIAL.sub(lambda m: "\\" + m.group(0), flat)
    return _SHORTCODE_OPENER.sub(lambda m: "\\" + m.group(0), flat)


def _data(values: dict[str, Any]) -> str:
    """Inline data. Only numbers, ids and flags go here, never user text: Argdown's data token
    ends at a `}` followed by a space and another character, so free text could end it."""
    return json.dumps(values, separators=(", ", ": "), ensure_ascii=False)


def _yaml_string(value: str) -> str:
    """A front matter value: a JSON string is a YAML double-quoted string. `=` is written as
    \\u003d, because `===` anywhere in the file would end the front matter."""
    return json.dumps(value, ensure_ascii=False).replace("=", "\\u003d")


def _front_matter(document: dict[str, Any]) -> list[str]:
    debate = document["debate"]
    return [
        "===",
        f"title: {_yaml_string(debate['title'])}",
        f"motion: {_yaml_string(debate['motion'])}",
        f"phase: {_yaml_string(debate['phase'])}",
        f"content_hash: {_yaml_string(document.get('content_hash', ''))}",
        "===",
        "",
        f"# {escape(debate['title']) or 'Debate'}",
        "",
    ]


def _citations_by_claim(document: dict[str, Any]) -> dict[int, list[dict[str, Any]]]:
    # A citation of evidence the reader may not see has no statement to point at: left out.
    shown = {item["id"] for item in document.get("evidence", [])}
    by_claim: dict[int, list[dict[str, Any]]] = {}
    for citation in document.get("citations", []):
        if citation["evidence_id"] in shown:
            by_claim.setdefault(citation["claim_id"], []).append(citation)
    return by_claim


def _claim_data(claim: dict[str, Any], citations: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {"votes": claim["votes"], "strength": claim.get("strength")}
    supports = [f"E{c['evidence_id']}" for c in citations if c["relation"] != "concedes"]
    concedes = [f"E{c['evidence_id']}" for c in citations if c["relation"] == "concedes"]
    if supports:
        data["evidence"] = supports
    if concedes:
        data["concedes"] = concedes
    if claim.get("hidden"):
        # Only moderators see a hidden or withdrawn claim's words; everyone sees the flag.
        data["hidden"] = True
    if claim.get("withdrawn"):
        # Its author took it back (`hidden` alone: a moderator hid it).
        data["withdrawn"] = True
    return data


def _claim_line(claim: dict[str, Any], depth: int, citations: list[dict[str, Any]]) -> str:
    sign = "+" if claim["stance"] == "pro" else "-"
    text = escape(claim["text"]) if claim["text"] is not None else "(hidden)"
    data = _data(_claim_data(claim, citations))
    return f"{_INDENT * depth}{sign} [C{claim['id']}]: {text or '(empty)'} {data}"


def _citation_lines(citations: Iterable[dict[str, Any]], depth: int) -> list[str]:
    return [
        f"{_INDENT * depth}{'-' if c['relation'] == 'concedes' else '+'} [E{c['evidence_id']}]"
        for c in citations
    ]


def _position_block(
    position: dict[str, Any],
    children: dict[tuple[str, int], list[dict[str, Any]]],
    citations: dict[int, list[dict[str, Any]]],
) -> list[str]:
    """The position and its tree, in document order, walked with an explicit stack."""
    title = escape(position["title"]) or "(untitled)"
    lines = [f"[P{position['id']}]: {title} {_data({'strength': position.get('strength')})}"]
    stack = [(claim, 1) for claim in reversed(children.get(("p", position["id"]), []))]
    while stack:
        claim, depth = stack.pop()
        cited = citations.get(claim["id"], [])
        lines.append(_claim_line(claim, depth, cited))
        lines.extend(_citation_lines(cited, depth + 1))
        stack.extend((child, depth + 1) for child in reversed(children.get(("c", claim["id"]), [])))
    return lines


def _evidence_block(evidence: list[dict[str, Any]]) -> list[str]:
    lines = ["## Evidence", ""]
    for item in evidence:
        meta = {"source": item["source_id"], "start": item["start"], "end": item["end"],
                "status": item["status"]}  # fmt: skip
        lines += [f"[E{item['id']}]: {escape(item['quote']) or '(empty)'} {_data(meta)}", ""]
    return lines


def to_argdown(document: dict[str, Any]) -> str:
    children: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for claim in document["claims"]:
        key = ("c", claim["parent_id"]) if claim["parent_id"] else ("p", claim["position_id"])
        children.setdefault(key, []).append(claim)
    citations = _citations_by_claim(document)

    lines = _front_matter(document)
    for position in document["positions"]:
        lines += [*_position_block(position, children, citations), ""]
    if document.get("evidence"):
        lines += _evidence_block(document["evidence"])
    return "\n".join(lines).rstrip("\n") + "\n"
