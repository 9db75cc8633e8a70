"""?format=argdown: a text map that parses back to the same claims, whatever users wrote."""

from __future__ import annotations

import pytest

from debate.snapshots.argdown import escape, parse_argdown, to_argdown, unescape
from tests.api.helpers import token_client, url
from tests.snapshots.helpers import HOSTILE_TEXT, fetch

pytestmark = pytest.mark.django_db


def argdown_of(client) -> str:
    response = client.get(url("snapshot/"), {"format": "argdown"})
    assert response.status_code == 200
    return response.content.decode()


def collapse(text: str) -> str:
    return " ".join(text.split())


def parsed_claims(text: str) -> dict[int, tuple]:
    """claim id → (parent, stance, text) as the Argdown says."""
    return {
        int(s.id[1:]): (s.parent, s.stance, s.text)
        for s in parse_argdown(text)
        if s.id.startswith("C")
    }


def document_claims(document: dict) -> dict[int, tuple]:
    return {
        c["id"]: (
            f"C{c['parent_id']}" if c["parent_id"] else f"P{c['position_id']}",
            c["stance"],
            collapse(c["text"]) if c["text"] is not None else "(hidden)",
        )
        for c in document["claims"]
    }


@pytest.mark.parametrize("who", ["anonymous", "moderator"])
def test_argdown_round_trips_to_the_json_documents_claims(snap_world, anon, who):
    client = anon if who == "anonymous" else token_client(snap_world.moderator)

    document = fetch(client)
    parsed = parsed_claims(argdown_of(client))

    assert parsed == document_claims(document)
    assert set(parsed) == {c["id"] for c in document["claims"]}


def test_positions_are_top_level_statements(snap_world, anon):
    statements = {s.id: s for s in parse_argdown(argdown_of(anon))}

    now = statements[f"P{snap_world.position_now.pk}"]
    assert now.parent is None and now.stance is None
    assert now.text == "Accession talks now, during the war"


def test_hostile_text_stays_one_statement_with_its_exact_text(snap_world, anon):
    text = argdown_of(anon)

    parsed = parsed_claims(text)

    assert parsed[snap_world.hostile.pk] == (
        f"C{snap_world.rebuttal.pk}",
        "con",
        collapse(HOSTILE_TEXT),
    )
    assert "\na newline" not in text
    assert sum(line.count(f"[C{snap_world.hostile.pk}]") for line in text.splitlines()) == 1
    assert len(parsed) == len(fetch(anon)["claims"])


def test_inline_data_carries_votes_and_cited_evidence(snap_world, anon):
    statements = {s.id: s for s in parse_argdown(argdown_of(anon))}

    data = statements[f"C{snap_world.claim.pk}"].data
    assert data["votes"] == {"count": 2, "mean": 3.5, "histogram": [0, 0, 0, 1, 1]}
    assert data["evidence"] == [f"E{snap_world.approved.pk}"]
    assert statements[f"E{snap_world.approved.pk}"].text == snap_world.approved.quote


def test_hidden_text_is_not_in_the_public_argdown(snap_world, anon):
    text = argdown_of(anon)

    assert "insult" not in text
    assert "A hidden claim that has a reply." not in text


@pytest.mark.parametrize(
    "text",
    [HOSTILE_TEXT, "ends with a backslash \\", "\\\\ {\"votes\": 2}", "[C1]: fake", "# heading",
     "// comment", "===", "- [P1]: fake child", "tab\there", "emoji 🇺🇦 and ’curly’"],
)  # fmt: skip
def test_escape_then_unescape_gives_the_collapsed_text(text):
    assert unescape(escape(text)) == collapse(text)


@pytest.mark.parametrize(
    "text",
    ["ends with a backslash \\", "\\\\ {\"votes\": 2}", "x {\"a\": 1}", "[C1]: fake", "===",
     "// comment", "# heading", "+ [C9]: looks like a child"],
)  # fmt: skip
def test_any_claim_text_parses_back_from_a_document(text):
    document = {
        "debate": {"title": "T", "motion": "M", "phase": "rebuttal"},
        "positions": [{"id": 1, "title": "P", "strength": 0.5}],
        "claims": [
            {"id": 7, "position_id": 1, "parent_id": None, "stance": "pro", "text": text,
             "votes": {"count": 0, "mean": None, "histogram": [0] * 5}, "strength": 0.5},
        ],
        "citations": [],
        "evidence": [],
    }  # fmt: skip

    (position, claim) = parse_argdown(to_argdown(document))

    assert (claim.id, claim.parent, claim.stance, claim.text) == ("C7", "P1", "pro", text)
    assert claim.data["strength"] == 0.5
    assert position.id == "P1"
