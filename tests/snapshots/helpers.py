"""A debate with votes, citations and hidden claims, for snapshot documents and their formats."""

from __future__ import annotations

import json
from functools import cache

import jsonschema
import pytest

from debate.arguments.models import Claim
from debate.snapshots.importer import SCHEMA_PATH
from tests.api.helpers import url
from tests.factories import ClaimFactory, VoteFactory

HOSTILE_TEXT = '[X]: <b> {a: 1} #tag + - \\ and\na newline, then {"votes": 1} and *stars*'


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
