"""The live poll misses nothing when two writes interleave, shown on two real connections.

A page drawn at version v polls `/d/<slug>/live/?since=v`. Writer A adds a claim through the
service and holds its transaction open, its version taken but uncommitted; writer B edits
another claim and waits behind A's lock on the debate row. A poll now has nothing new to
say (the committed version is still v), so the page keeps v; once both commit, the poll from
v inserts A's claim and redraws B's card, and moves the page to the version after both.
"""

from __future__ import annotations

import re

import pytest

from debate.arguments import services as claim_services
from debate.arguments.models import Claim
from debate.audit.models import AuditEvent
from debate.debates.models import Debate
from tests.concurrency import interleaved, needs_postgresql
from tests.helpers import client_as

pytestmark = pytest.mark.django_db(transaction=True)

HX = {"HTTP_HX_REQUEST": "true"}
A_TEXT = "Claim A, written first and committed first."
B_TEXT = "Claim X, as writer B edited it."


def _poll(client, slug: str, since: int):
    return client.get(f"/d/{slug}/live/", {"since": since}, **HX)


def _page_version(body: bytes) -> int:
    """The version the poller's out-of-band swap moves the page to."""
    (version,) = re.findall(rb'id="live"[^>]*data-version="(\d+)"', body)
    return int(version)


def test_a_live_poll_never_skips_a_write_that_commits_after_a_later_one(
    debate, position_now, debater_now, debater_after
):
    needs_postgresql()
    edited = claim_services.claim_create(
        actor=debater_after, debate=debate, position=position_now, stance="con",
        text="Claim X, which writer B will edit.",
    )  # fmt: skip
    page = Debate.objects.get(pk=debate.pk).version  # the version the page was drawn at
    client = client_as(None)
    assert _poll(client, debate.slug, page).status_code == 304

    def write_a():
        claim_services.claim_create(actor=debater_now, debate=debate, position=position_now,
                                    stance="pro", text=A_TEXT)  # fmt: skip

    def write_b():
        claim_services.claim_edit(actor=debater_after, claim=edited, text=B_TEXT,
                                  version=edited.version)  # fmt: skip

    with interleaved(write_a, write_b) as writers:
        during = _poll(client, debate.slug, page)
        a_was_open = writers.a_is_open()

    assert a_was_open
    assert during.status_code == 304, during.content[:300]
    after = _poll(client, debate.slug, page)

    assert after.status_code == 200
    body = after.content
    a = Claim.objects.get(text=A_TEXT)
    inserted = re.search(
        rf'<ol hx-swap-oob="beforeend:#children-p-{position_now.pk}">.*?</ol>'.encode(), body,
        re.S,
    )  # fmt: skip
    assert inserted is not None and f'id="claim-{a.pk}"'.encode() in inserted.group()
    assert A_TEXT.encode() in inserted.group()
    card = re.search(rf'<article [^>]*id="claim-card-{edited.pk}" hx-swap-oob="true".*?</article>'
                     .encode(), body, re.S)  # fmt: skip
    assert card is not None and B_TEXT.encode() in card.group()
    # Both landed, A's version first, and the page moves past both.
    versions = dict(
        AuditEvent.objects.filter(debate=debate, action__in=["claim.create", "claim.edit"],
                                  version__gt=page).values_list("action", "version")
    )  # fmt: skip
    assert versions["claim.create"] < versions["claim.edit"]
    assert _page_version(body) == Debate.objects.get(pk=debate.pk).version == versions["claim.edit"]
    assert _poll(client, debate.slug, _page_version(body)).status_code == 304
