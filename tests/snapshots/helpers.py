"""A debate with votes, citations and hidden claims, for snapshot documents and their formats."""

from __future__ import annotations

import json
from functools import cache
from io import StringIO
from types import SimpleNamespace

import jsonschema
import pytest
from django.core.management import call_command

from debate.arguments.models import Claim
from debate.debates.models import Debate, Role
from debate.snapshots.importer import SCHEMA_PATH
from tests.api.helpers import url
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    EvidenceFactory,
    MembershipFactory,
    SourceFactory,
    UserFactory,
    VoteFactory,
)

SEEDED_SLUG = "ukraine-nato-accession"
HOSTILE_TEXT = '[X]: <b> {a: 1} #tag + - \\ and\na newline, then {"votes": 1} and *stars*'

# Every kind of text that could mean something to Argdown, YAML, JSON or a reader: Argdown
# syntax at the start and in the middle of a line, quotes, backslashes, line breaks, scripts
# other than Latin, emoji and right-to-left text (issue 11).
HOSTILE_STRINGS = [
    "[x]: a statement definition inside a claim",
    "<x>: an argument definition, then [y] and <z> references",
    "See https://example.com/report for details // not a comment",
    "/* not a block comment */ still text <!-- nor an HTML one -->",
    "#tag and #(a long tag) in the middle",
    "+ starts like a support relation",
    "- starts like an attack relation",
    "> a quote, -> an arrow, <- back, >< contradiction, +> <+ _> <_",
    '{a: 1} inline data and {"votes": 99, "strength": 1} } and a lone {',
    "@[x] @<y> mentions and e@mail.example",
    "=== front matter? === and ===",
    "\"double\" and 'single' quotes, `ticks`, “curly” and «guillemets»",
    "back\\slash, \\\\ two, \\[ escaped bracket and a trailing \\",
    "line one\nline two\r\nline three\ttab  and   spaces",
    "Кирилиця: Україна вступає до НАТО, і крапка.",
    "emoji 🇺🇦 👩🏽\u200d🔬 ✊ and a flag at the end 🏳️\u200d🌈",
    "RTL: עברית and العربية mixed with English",
    "*stars* **bold** _under_ __score__ snake_case_name",
    ".A. :happy: U.S.A. at 12:30, a.b.c and .->.",
    "1. numbered, * bullet, -- inference --, ## heading",
]


@pytest.fixture
def hostile_world(api_world):
    """The API world, plus a debate full of hostile text:

    - the debate's title and a position's title carry Argdown syntax;
    - `hostile_chain`: one claim per `HOSTILE_STRINGS` entry, each replying to the one
      before (alternating attack and support), under `claim`;
    - `hostile_quote`: approved evidence whose quote is hostile, cited as support by the
      first hostile claim and conceded by the second;
    - `withdrawn`: a withdrawn claim that has a reply (a placeholder for non-moderators).
    """
    w = api_world
    w.debate.title = "Debate === with [x]: syntax // in its title"
    w.debate.save(update_fields=["title"])
    w.position_after.title = "After a settlement #tag [P]: {x} // still the title"
    w.position_after.save(update_fields=["title"])
    parent, chain = w.claim, []
    for index, text in enumerate(HOSTILE_STRINGS):
        parent = ClaimFactory(
            parent=parent, stance="con" if index % 2 == 0 else "pro", text=text,
            author=w.own if index % 2 else w.other, team=w.team_now if index % 2 else w.team_after,
        )  # fmt: skip
        chain.append(parent)
    w.hostile_chain = chain
    hostile_source = SourceFactory(debate=w.debate, text=" ".join(HOSTILE_STRINGS[:10]))
    w.hostile_quote = EvidenceFactory(source=hostile_source, start=0,
                                      end=len(hostile_source.text))  # fmt: skip
    CitationFactory(claim=chain[0], evidence=w.hostile_quote)
    CitationFactory(claim=chain[1], evidence=w.hostile_quote, relation="concedes")
    w.withdrawn = ClaimFactory(
        debate=w.debate, position=w.position_after, author=w.other, team=w.team_after,
        text="A claim its author withdrew.", is_withdrawn=True,
    )  # fmt: skip
    w.after_withdrawn = ClaimFactory(
        parent=w.withdrawn, stance="con", author=w.own, team=w.team_now,
        text="The reply to the withdrawn claim.",
    )  # fmt: skip
    VoteFactory(user=w.observer, claim=chain[2], value=4)
    return w


@pytest.fixture
def seeded_world(db):
    """The shipped debate as `manage.py seed` loads it, with a moderator to read it."""
    call_command("seed", stdout=StringIO())
    debate = Debate.objects.get(slug=SEEDED_SLUG)
    moderator = MembershipFactory(
        user=UserFactory(username="seed-moderator"), debate=debate, role=Role.MODERATOR
    ).user
    return SimpleNamespace(debate=debate, moderator=moderator, slug=SEEDED_SLUG)


@cache
def snapshot_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def assert_valid_document(document: dict) -> None:
    errors = sorted(snapshot_validator().iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors]


def fetch(client, path: str = "snapshot/", **params) -> dict:
    response = client.get(url(path), params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def snap_world(api_world):
    """The API world, plus:

    - votes on `claim`: observer 3, debater_after 4 (so count 2, mean 3.5);
    - `hidden_leaf`: a hidden claim nothing answers (absent for non-moderators);
    - `hidden_parent`: a hidden claim with a visible reply `orphan` (a placeholder);
    - `hostile`: a claim whose text is full of Argdown syntax.
    """
    w = api_world
    VoteFactory(user=w.observer, claim=w.claim, value=3)
    VoteFactory(user=w.other, claim=w.claim, value=4)
    w.hidden_leaf = ClaimFactory(
        debate=w.debate, position=w.position_after, author=w.other, team=w.team_after,
        text="An insult nobody should read.", is_hidden=True,
    )  # fmt: skip
    w.hidden_parent = ClaimFactory(
        debate=w.debate, position=w.position_after, author=w.other, team=w.team_after,
        text="A hidden claim that has a reply.", is_hidden=True,
    )  # fmt: skip
    w.orphan = ClaimFactory(
        parent=w.hidden_parent, stance="con", author=w.own, team=w.team_now,
        text="The reply to the hidden claim.",
    )  # fmt: skip
    w.hostile = Claim.objects.create(
        debate=w.debate, position=w.position_now, parent=w.rebuttal, stance="con",
        text=HOSTILE_TEXT, author=w.own, team=w.team_now,
    )  # fmt: skip
    return w
