"""?format=argdown, read by Argdown's own parser (`@argdown/cli` 1.7.5): the test of record.

Each export must parse without an error or a warning, and Argdown must find in it the same
statements (positions, claims, evidence), relations (claim → parent, evidence → citing
claim) and texts as the JSON snapshot holds, on the seeded debate and on a debate full of
hostile text, for the public and for moderators.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from debate.snapshots.argdown import collapse, escape, to_argdown
from tests.api.helpers import token_client, url
from tests.snapshots.helpers import HOSTILE_STRINGS, SEEDED_SLUG, fetch
from tests.snapshots.outside_tools import argdown_json, argdown_map

pytestmark = pytest.mark.django_db

Relations = set[tuple[str, str, str]]


def argdown_of(client, slug: str | None = None) -> str:
    path = url("snapshot/") if slug is None else url("snapshot/", slug)
    response = client.get(path, {"format": "argdown"})
    assert response.status_code == 200, response.content
    return response.content.decode()


def document_of(client, slug: str) -> dict:
    response = client.get(url("snapshot/", slug))
    assert response.status_code == 200, response.content
    return response.json()


def expected_statements(document: dict) -> dict[str, str]:
    """statement title → text, as the JSON snapshot says (texts on one line)."""
    statements = {f"P{p['id']}": collapse(p["title"]) for p in document["positions"]}
    for claim in document["claims"]:
        text = claim["text"]
        statements[f"C{claim['id']}"] = collapse(text) if text is not None else "(hidden)"
    for item in document["evidence"]:
        statements[f"E{item['id']}"] = collapse(item["quote"])
    return statements


def expected_relations(document: dict) -> Relations:
    """(from, to, type): each claim to its parent, each cited evidence to its claim."""
    relations = {
        (
            f"C{c['id']}",
            f"C{c['parent_id']}" if c["parent_id"] else f"P{c['position_id']}",
            "support" if c["stance"] == "pro" else "attack",
        )
        for c in document["claims"]
    }
    shown = {e["id"] for e in document["evidence"]}
    relations |= {
        (f"E{c['evidence_id']}", f"C{c['claim_id']}",
         "attack" if c["relation"] == "concedes" else "support")
        for c in document["citations"] if c["evidence_id"] in shown
    }  # fmt: skip
    return relations


def parsed_statements(parsed: dict[str, Any]) -> dict[str, str]:
    """statement title → the text of its one definition, as Argdown read it."""
    statements = {}
    for title, statement in parsed["statements"].items():
        definitions = [m for m in statement["members"] if not m.get("isReference")]
        assert len(definitions) == 1, (title, definitions)
        statements[title] = collapse(definitions[0].get("text") or "")
    return statements


def parsed_relations(parsed: dict[str, Any]) -> Relations:
    return {(r["from"], r["to"], r["relationType"]) for r in parsed["relations"]}


def parsed_data(parsed: dict[str, Any], title: str) -> dict[str, Any]:
    return parsed["statements"][title].get("data") or {}


def assert_same_map(parsed: dict[str, Any], document: dict) -> None:
    assert parsed_statements(parsed) == expected_statements(document)
    assert parsed_relations(parsed) == expected_relations(document)


@pytest.mark.parametrize("who", ["anonymous", "moderator"])
def test_the_seeded_debate_parses_in_argdown_with_the_snapshots_map(
    seeded_world, anon, tmp_path, who
):
    client = anon if who == "anonymous" else token_client(seeded_world.moderator)
    document = document_of(client, SEEDED_SLUG)

    parsed = argdown_json(argdown_of(client, SEEDED_SLUG), tmp_path)

    assert len(document["claims"]) > 5 and document["evidence"] and document["citations"]
    assert_same_map(parsed, document)


def test_argdown_draws_a_map_of_the_seeded_debate(seeded_world, anon, tmp_path):
    dot = argdown_map(argdown_of(anon, SEEDED_SLUG), tmp_path)

    assert dot.startswith("digraph")
    assert "Accession" in dot


@pytest.mark.parametrize("who", ["anonymous", "moderator"])
def test_every_hostile_text_parses_in_argdown_with_its_exact_text(
    hostile_world, anon, tmp_path, who
):
    client = anon if who == "anonymous" else token_client(hostile_world.moderator)
    document = fetch(client)

    parsed = argdown_json(argdown_of(client), tmp_path)

    assert_same_map(parsed, document)
    texts = set(parsed_statements(parsed).values())
    assert {collapse(text) for text in HOSTILE_STRINGS} <= texts


def test_a_url_in_a_claim_keeps_the_rest_of_its_line(hostile_world, anon, tmp_path):
    claim = next(c for c in hostile_world.hostile_chain if "https://" in c.text)

    parsed = argdown_json(argdown_of(anon), tmp_path)

    assert parsed_statements(parsed)[f"C{claim.pk}"] == claim.text
    assert parsed_data(parsed, f"C{claim.pk}")["votes"]["count"] == 1


def test_inline_data_carries_votes_strength_and_cited_evidence(snap_world, anon, tmp_path):
    document = fetch(anon)
    parsed = argdown_json(argdown_of(anon), tmp_path)

    data = parsed_data(parsed, f"C{snap_world.claim.pk}")
    row = next(c for c in document["claims"] if c["id"] == snap_world.claim.pk)
    assert data["votes"] == {"count": 2, "mean": 3.5, "histogram": [0, 0, 0, 1, 1]}
    assert data["strength"] == row["strength"]
    assert data["evidence"] == [f"E{snap_world.approved.pk}"]
    assert parsed_data(parsed, f"E{snap_world.approved.pk}")["status"] == "approved"


def test_a_conceded_quote_attacks_the_claim_that_concedes_it(hostile_world, anon, tmp_path):
    first, second = hostile_world.hostile_chain[:2]
    quote = f"E{hostile_world.hostile_quote.pk}"

    parsed = argdown_json(argdown_of(anon), tmp_path)

    relations = parsed_relations(parsed)
    assert (quote, f"C{first.pk}", "support") in relations
    assert (quote, f"C{second.pk}", "attack") in relations
    assert parsed_data(parsed, f"C{second.pk}")["concedes"] == [quote]


def test_moderators_argdown_marks_hidden_and_withdrawn_claims(hostile_world, snap_world, tmp_path):
    parsed = argdown_json(argdown_of(token_client(hostile_world.moderator)), tmp_path)

    for claim in (hostile_world.withdrawn, snap_world.hidden_leaf, snap_world.hidden_parent):
        assert parsed_statements(parsed)[f"C{claim.pk}"] == claim.text
        assert parsed_data(parsed, f"C{claim.pk}")["hidden"] is True
    assert "hidden" not in parsed_data(parsed, f"C{hostile_world.claim.pk}")


def test_the_public_argdown_shows_neither_hidden_nor_withdrawn_words(
    hostile_world, snap_world, anon, tmp_path
):
    text = argdown_of(anon)
    parsed = argdown_json(text, tmp_path)

    for words in ("insult", "A hidden claim that has a reply.", "A claim its author withdrew."):
        assert words not in text
    assert parsed_statements(parsed)[f"C{hostile_world.withdrawn.pk}"] == "(hidden)"
    assert parsed_data(parsed, f"C{hostile_world.withdrawn.pk}")["hidden"] is True
    assert f"C{snap_world.hidden_leaf.pk}" not in parsed["statements"]


def test_each_hostile_string_alone_is_one_statement_with_its_text(tmp_path):
    """Without the API: one document per string would cost a CLI run each, so one document
    holds them all as sibling claims, the hostile text also as the position and the title."""
    claims = [
        {"id": index, "position_id": 1, "parent_id": None, "stance": "pro", "text": text,
         "votes": {"count": 0, "mean": None, "histogram": [0] * 5}, "strength": 0.5}
        for index, text in enumerate(HOSTILE_STRINGS, start=2)
    ]  # fmt: skip
    document = {
        "debate": {"title": " ".join(HOSTILE_STRINGS), "motion": "\n".join(HOSTILE_STRINGS),
                   "phase": "rebuttal"},
        "positions": [{"id": 1, "title": HOSTILE_STRINGS[0], "strength": 0.5}],
        "claims": claims, "citations": [], "evidence": [],
    }  # fmt: skip

    parsed = argdown_json(to_argdown(document), tmp_path)

    assert_same_map(parsed, document)


def claims_document(texts: list[str]) -> dict:
    """A one-position document with `texts` as sibling claims, alternately pro and con."""
    claims = [
        {"id": index, "position_id": 1, "parent_id": None,
         "stance": "pro" if index % 2 else "con", "text": text,
         "votes": {"count": 0, "mean": None, "histogram": [0] * 5}, "strength": 0.5}
        for index, text in enumerate(texts, start=2)
    ]  # fmt: skip
    return {
        "debate": {"title": "T", "motion": "M", "phase": "rebuttal"},
        "positions": [{"id": 1, "title": "P", "strength": 0.5}],
        "claims": claims, "citations": [], "evidence": [],
    }  # fmt: skip


def test_random_runs_of_argdown_syntax_keep_their_text(tmp_path):
    """300 texts drawn from Argdown's syntax characters and a few words, read in one run."""
    pieces = list("[]<>{}#*_@/=\\.:;,+-()!?'\"` \t\n") + [
        "//", "/*", "*/", "<!--", "-->", "===", "--", ".A.", ":happy:", "[x]:", "<y>:", "+>",
        "->", "><", "**", "__", "https://a.example/b", "Київ", "🇺🇦", "עברית", "}", " {a: 1}",
    ]  # fmt: skip
    rng = random.Random(11)  # fixed: a failure can be reproduced
    texts = ["".join(rng.choices(pieces, k=rng.randint(1, 12))) for _ in range(300)]
    texts = [text if text.strip() else "x" + text for text in texts]
    document = claims_document(texts)

    parsed = argdown_json(to_argdown(document), tmp_path)

    assert_same_map(parsed, document)


@pytest.mark.parametrize("text", HOSTILE_STRINGS)
def test_escaped_text_is_one_line_with_no_unescaped_syntax(text):
    escaped = escape(text)

    assert "\n" not in escaped and "\r" not in escaped
    assert "//" not in escaped and "/*" not in escaped and "===" not in escaped
