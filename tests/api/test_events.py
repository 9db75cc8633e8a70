"""Incremental sync: /events/?after=CURSOR, oldest first, in pages a consumer can follow."""

from __future__ import annotations

import pytest

from debate.arguments import services as claim_services
from debate.audit.models import AuditEvent
from debate.moderation.services import flag_create
from debate.sources.models import Evidence
from debate.sources.services import evidence_hide
from tests.api.helpers import token_client, url
from tests.factories import DebateFactory

pytestmark = pytest.mark.django_db

PAGE = 100  # debate.api.views.EVENTS_PAGE


def add_events(debate, n: int, action: str = "test.event") -> list[int]:
    AuditEvent.objects.bulk_create(
        AuditEvent(debate=debate, action=action, object_type="debates.debate",
                   object_id=debate.pk, after={"n": i})
        for i in range(n)
    )  # fmt: skip
    return list(
        AuditEvent.objects.filter(debate=debate, action=action)
        .order_by("id")
        .values_list("id", flat=True)
    )


def follow(client, after: int = 0) -> tuple[list[int], int, int]:
    """Read every page from `after`, as a consumer does; return ids, last cursor, requests."""
    seen, requests = [], 0
    while True:
        body = client.get(url("events/"), {"after": after}).json()
        requests += 1
        seen += [e["id"] for e in body["results"]]
        if body["next_after"] is not None:
            after = body["next_after"]
        if not body["has_more"]:
            return seen, after, requests


def test_events_after_a_cursor_come_oldest_first(api_world, anon):
    ids = add_events(api_world.debate, 5)

    body = anon.get(url("events/"), {"after": ids[1]}).json()

    assert [e["id"] for e in body["results"]] == ids[2:]
    assert body["next_after"] == ids[-1]
    assert body["has_more"] is False
    assert body["results"][0]["action"] == "test.event"


def test_events_of_other_debates_are_left_out(api_world, anon):
    mine = add_events(api_world.debate, 2)
    add_events(DebateFactory(slug="elsewhere"), 3)

    body = anon.get(url("events/")).json()

    assert [e["id"] for e in body["results"]] == mine


def test_a_long_trail_comes_in_pages_with_has_more(api_world, anon):
    ids = add_events(api_world.debate, PAGE + 5)

    first = anon.get(url("events/")).json()
    second = anon.get(url("events/"), {"after": first["next_after"]}).json()

    assert len(first["results"]) == PAGE
    assert first["has_more"] is True
    assert first["next_after"] == ids[PAGE - 1]
    assert [e["id"] for e in second["results"]] == ids[PAGE:]
    assert second["has_more"] is False


def test_consumer_following_next_after_sees_every_event_exactly_once(api_world, anon):
    ids = add_events(api_world.debate, 2 * PAGE + 37)

    seen, cursor, requests = follow(anon)
    later = add_events(api_world.debate, 3, action="test.later")
    seen_later, _, _ = follow(anon, cursor)

    assert seen == ids
    assert requests == 3
    assert seen_later == later
    assert len(set(seen + seen_later)) == len(seen) + len(seen_later)


def test_writes_through_the_api_appear_as_events(api_world):
    client = token_client(api_world.observer)
    start = AuditEvent.objects.filter(debate=api_world.debate).count()

    client.put(url(f"claims/{api_world.claim.pk}/vote/"), {"value": 3}, format="json")
    events = client.get(url("events/")).json()["results"]

    assert start == 0
    assert [e["action"] for e in events] == ["vote.cast"]
    assert events[0]["after"] == {"claim_id": api_world.claim.pk, "value": 3}


def test_voters_are_anonymous_to_non_moderators(api_world, anon):
    token_client(api_world.observer).put(
        url(f"claims/{api_world.claim.pk}/vote/"), {"value": 3}, format="json"
    )

    public = anon.get(url("events/")).json()["results"]
    moderated = token_client(api_world.moderator).get(url("events/")).json()["results"]

    assert public[0]["actor"] is None
    assert moderated[0]["actor"] == "observer"


def test_words_of_a_hidden_claim_are_redacted_for_non_moderators(api_world, anon):
    claim_services.claim_edit(
        actor=api_world.other, claim=api_world.rebuttal, text="A rude remark.", version=1
    )
    claim_services.claim_hide(actor=api_world.moderator, claim=api_world.rebuttal, reason="Rude.")

    public = anon.get(url("events/")).json()["results"]
    moderated = token_client(api_world.moderator).get(url("events/")).json()["results"]

    assert "rude" not in str(public).lower()
    assert {e["action"] for e in public} == {"claim.edit", "claim.hide"}
    assert all(e["before"] is None and e["after"] is None for e in public)
    assert "A rude remark." in str(moderated)


def test_flag_reporters_and_notes_are_not_shown_to_non_moderators(api_world, anon):
    flag_create(
        actor=api_world.observer, claim=api_world.claim, kind="unsupported",
        note="I think debater-now copied this from a blog.",
    )  # fmt: skip

    (event,) = anon.get(url("events/")).json()["results"]

    assert event["action"] == "flag.create"
    assert event["actor"] is None
    assert "copied this from a blog" not in str(event)


def test_hidden_evidence_is_not_shown_to_non_moderators_through_events(api_world, anon):
    client = token_client(api_world.observer)
    quote = "Critics want the war to end first."
    proposed = client.post(
        url("evidence/"), {"source_id": api_world.source.pk, "quote": quote}, format="json"
    ).json()

    evidence_hide(
        actor=api_world.moderator, evidence=Evidence.objects.get(pk=proposed["id"]),
        reason="Defamatory context.",
    )  # fmt: skip

    events = anon.get(url("events/")).json()["results"]

    assert {e["action"] for e in events} == {"evidence.propose", "evidence.hide"}
    assert quote not in str(events)
    assert "Defamatory" not in str(events)


def test_polling_with_nothing_new_hands_back_the_cursor(api_world, anon):
    (last,) = add_events(api_world.debate, 1)

    body = anon.get(url("events/"), {"after": last}).json()

    assert body["results"] == []
    assert body["next_after"] == last
