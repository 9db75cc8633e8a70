"""Incremental sync: /events/?after=VERSION, in commit order, in pages a consumer can follow."""

from __future__ import annotations

import pytest

from debate.arguments import services as claim_services
from debate.audit.models import AuditEvent
from debate.debates.models import Debate
from debate.debates.services import membership_observe, membership_set, poll_answer
from debate.moderation.services import flag_create
from debate.sources.models import Evidence
from debate.sources.services import evidence_approve, evidence_hide, evidence_reject
from tests.api.helpers import error_of, token_client, url
from tests.factories import DebateFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = 100  # debate.api.views.EVENTS_PAGE


def add_events(debate, n: int, action: str = "test.event") -> list[int]:
    """`n` committed events, numbered as audit_record numbers them (the debate's next
    versions, the debate moved on to the last); their versions."""
    first = Debate.objects.get(pk=debate.pk).version + 1
    AuditEvent.objects.bulk_create(
        AuditEvent(debate=debate, action=action, object_type="debates.debate",
                   object_id=debate.pk, after={"n": i}, version=first + i)
        for i in range(n)
    )  # fmt: skip
    Debate.objects.filter(pk=debate.pk).update(version=first + n - 1)
    return list(range(first, first + n))


def follow(client, after: int = 0) -> tuple[list[int], int, int]:
    """Read every page from `after`, as a consumer does; return versions, cursor, requests."""
    seen, requests = [], 0
    while True:
        body = client.get(url("events/"), {"after": after}).json()
        requests += 1
        seen += [e["version"] for e in body["results"]]
        if body["next_after"] is not None:
            after = body["next_after"]
        if not body["has_more"]:
            return seen, after, requests


def test_events_after_a_cursor_come_in_version_order(api_world, anon):
    versions = add_events(api_world.debate, 5)

    body = anon.get(url("events/"), {"after": versions[1]}).json()

    assert [e["version"] for e in body["results"]] == versions[2:]
    assert body["next_after"] == versions[-1]
    assert body["has_more"] is False
    assert body["results"][0]["action"] == "test.event"
    assert all(isinstance(e["id"], int) for e in body["results"])


def test_events_come_in_version_order_not_id_order(api_world, anon):
    """An id is taken when a row is inserted, a version when the debate row is locked: where
    the two disagree, the version (the order of commits) wins."""
    debate = api_world.debate
    later, earlier = (
        AuditEvent.objects.create(debate=debate, action=f"test.{name}",
                                  object_type="debates.debate", object_id=debate.pk,
                                  version=version)
        for name, version in (("second", 2), ("first", 1))
    )  # fmt: skip
    Debate.objects.filter(pk=debate.pk).update(version=2)

    body = anon.get(url("events/")).json()

    assert later.id < earlier.id
    assert [e["action"] for e in body["results"]] == ["test.first", "test.second"]
    assert body["next_after"] == 2


def test_events_past_the_debates_version_wait_for_it(api_world, anon):
    """The debate's version, read first, is the watermark: every event up to it has
    committed. A row numbered past it is served only once the debate has reached it."""
    (seen,) = add_events(api_world.debate, 1)
    AuditEvent.objects.create(debate=api_world.debate, action="test.ahead",
                              object_type="debates.debate", version=seen + 1)  # fmt: skip

    before = anon.get(url("events/")).json()
    Debate.objects.filter(pk=api_world.debate.pk).update(version=seen + 1)
    after = anon.get(url("events/"), {"after": before["next_after"]}).json()

    assert [e["version"] for e in before["results"]] == [seen]
    assert before["next_after"] == seen
    assert [e["action"] for e in after["results"]] == ["test.ahead"]


def test_events_of_other_debates_are_left_out(api_world, anon):
    mine = add_events(api_world.debate, 2)
    add_events(DebateFactory(slug="elsewhere"), 3)

    body = anon.get(url("events/")).json()

    assert [e["version"] for e in body["results"]] == mine


def test_a_long_trail_comes_in_pages_with_has_more(api_world, anon):
    versions = add_events(api_world.debate, PAGE + 5)

    first = anon.get(url("events/")).json()
    second = anon.get(url("events/"), {"after": first["next_after"]}).json()

    assert len(first["results"]) == PAGE
    assert first["has_more"] is True
    assert first["next_after"] == versions[PAGE - 1]
    assert [e["version"] for e in second["results"]] == versions[PAGE:]
    assert second["has_more"] is False


def test_consumer_following_next_after_sees_every_event_exactly_once(api_world, anon):
    versions = add_events(api_world.debate, 2 * PAGE + 37)

    seen, cursor, requests = follow(anon)
    later = add_events(api_world.debate, 3, action="test.later")
    seen_later, _, _ = follow(anon, cursor)

    assert seen == versions
    assert requests == 3
    assert seen_later == later
    assert len(set(seen + seen_later)) == len(seen) + len(seen_later)


@pytest.mark.parametrize("after", ["yesterday", "²", "١٢", "-1", "1.0", " 1", "1e3", str(2**64)])
def test_a_cursor_that_is_not_a_whole_number_in_ascii_digits_is_400(api_world, anon, after):
    response = anon.get(url("events/"), {"after": after})

    assert response.status_code == 400
    assert "after" in error_of(response)["fields"]


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


# --- who did what: people, evidence under review, hidden claims ------------------------------


def feed(client) -> tuple[list[dict], bytes]:
    response = client.get(url("events/"))
    assert response.status_code == 200, response.content
    return response.json()["results"], response.content


def test_poll_answers_name_nobody_to_non_moderators(api_world, anon):
    Debate.objects.filter(pk=api_world.debate.pk).update(phase="voting")
    debate = Debate.objects.get(pk=api_world.debate.pk)
    poll_answer(actor=api_world.observer, debate=debate, poll="after",
                position=api_world.position_after)  # fmt: skip

    for client in (anon, token_client(api_world.own), token_client(api_world.observer)):
        (event,), body = feed(client)
        assert event["action"] == "poll.after"
        assert (event["actor"], event["before"], event["after"]) == (None, None, None)
        assert b"observer" not in body
    (event,), _ = feed(token_client(api_world.moderator))
    assert event["actor"] == "observer"
    assert event["after"] == {"position_id": api_world.position_after.pk}


def test_memberships_and_roles_are_for_moderators(api_world, anon):
    newcomer = UserFactory(username="zz_newcomer_5512")
    membership_set(actor=api_world.moderator, debate=api_world.debate, user=newcomer,
                   role="debater", team=api_world.team_after)  # fmt: skip
    membership_observe(actor=api_world.outsider, debate=api_world.debate)

    for client in (anon, token_client(api_world.own)):
        events, body = feed(client)
        assert [e["action"] for e in events] == ["membership.set", "membership.join"]
        assert all(e["actor"] is e["before"] is e["after"] is None for e in events)
        assert b"zz_newcomer_5512" not in body and b"outsider" not in body
        assert b"debater" not in body
    events, body = feed(token_client(api_world.moderator))
    assert events[0]["after"]["role"] == "debater"
    assert events[1]["actor"] == "outsider"


def test_evidence_events_name_the_proposer_and_reason_to_the_proposer_only(api_world, anon):
    quote = "Critics want the war to end first."
    proposed = (
        token_client(api_world.own)
        .post(url("evidence/"), {"source_id": api_world.source.pk, "quote": quote}, format="json")
        .json()
    )
    evidence = Evidence.objects.get(pk=proposed["id"])
    evidence_reject(actor=api_world.moderator, evidence=evidence,
                    reason="REJECT-REASON-8120: out of context.")  # fmt: skip

    for client in (anon, token_client(api_world.other), token_client(api_world.observer)):
        events, body = feed(client)
        assert [e["action"] for e in events] == ["evidence.propose", "evidence.rejected"]
        assert all(e["actor"] is None for e in events)
        assert b"REJECT-REASON-8120" not in body
        assert b"debater-now" not in body and b"moderator" not in body
    for client in (token_client(api_world.own), token_client(api_world.moderator)):
        events, body = feed(client)
        assert events[0]["actor"] == "debater-now"
        assert events[1]["after"]["review_reason"].startswith("REJECT-REASON-8120")


def test_approved_evidence_events_show_the_quote_but_not_who_proposed_it(api_world, anon):
    quote = "Critics want the war to end first."
    proposed = (
        token_client(api_world.own)
        .post(url("evidence/"), {"source_id": api_world.source.pk, "quote": quote}, format="json")
        .json()
    )
    evidence_approve(actor=api_world.moderator, evidence=Evidence.objects.get(pk=proposed["id"]),
                     reason="APPROVE-NOTE-3321")  # fmt: skip

    events, body = feed(anon)

    assert [e["actor"] for e in events] == [None, None]
    assert events[1]["after"]["quote"] == quote
    assert b"APPROVE-NOTE-3321" not in body and b"debater-now" not in body


def test_who_wrote_a_claim_that_is_hidden_now_is_not_shown(api_world, anon):
    author = UserFactory(username="zz_author_hidden")
    MembershipFactory(user=author, debate=api_world.debate, team=api_world.team_after)
    claim = claim_services.claim_create(
        actor=author, debate=api_world.debate, position=api_world.position_after, stance="pro",
        text="SECRET-HIDDEN-CLAIM-7731",
    )  # fmt: skip
    claim_services.citation_add(actor=author, claim=claim, evidence=api_world.approved,
                                relation="supports")  # fmt: skip
    claim_services.claim_hide(actor=api_world.moderator, claim=claim, reason="Off topic.")

    events, body = feed(anon)

    assert [e["action"] for e in events] == ["claim.create", "citation.add", "claim.hide"]
    assert all(e["actor"] is e["before"] is e["after"] is None for e in events)
    assert b"zz_author_hidden" not in body and b"SECRET-HIDDEN-CLAIM-7731" not in body
    _, moderated = feed(token_client(api_world.moderator))
    assert b"zz_author_hidden" in moderated and b"SECRET-HIDDEN-CLAIM-7731" in moderated


def test_who_wrote_a_withdrawn_claim_is_not_shown(api_world, anon):
    claim_services.claim_withdraw(actor=api_world.other, claim=api_world.rebuttal)

    events, body = feed(anon)

    assert [e["action"] for e in events] == ["claim.withdraw"]
    assert events[0]["actor"] is None
    assert b"debater-after" not in body and b"invite escalation" not in body
