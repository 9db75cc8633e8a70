"""Writing through the API, with the same services and rules as the pages."""

from __future__ import annotations

import pytest

from debate.arguments.models import Claim, Vote
from debate.audit.models import AuditEvent
from debate.debates.models import Debate, Phase
from debate.snapshots.models import Snapshot
from debate.sources.models import Evidence, EvidenceStatus
from tests.api.helpers import error_of, session_client, token_client, url
from tests.factories import ClaimFactory, DebateFactory, EvidenceFactory, PositionFactory
from tests.helpers import rows_of

pytestmark = pytest.mark.django_db

NEW_TEXT = "Membership talks signal that Russia cannot veto NATO's open door."


def etag_of(client, claim_id: int) -> str:
    return client.get(url(f"claims/{claim_id}/"))["ETag"]


# --- claims ---------------------------------------------------------------------------------


def test_debater_creates_a_claim_and_gets_201_with_its_etag(api_world):
    client = token_client(api_world.own)

    response = client.post(
        url("claims/"),
        {"position_id": api_world.position_now.pk, "stance": "pro", "text": f"  {NEW_TEXT}  "},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    claim = Claim.objects.get(pk=body["id"])
    assert claim.text == NEW_TEXT
    assert claim.author == api_world.own
    assert claim.team == api_world.team_now
    assert response["ETag"] == f'"claim-{claim.pk}-v1"'
    assert body["team"] == "Team Now"
    assert AuditEvent.objects.filter(action="claim.create", object_id=claim.pk).exists()


def test_reply_takes_its_parents_position(api_world):
    response = token_client(api_world.other).post(
        url("claims/"),
        {"parent_id": api_world.claim.pk, "stance": "con", "text": NEW_TEXT},
        format="json",
    )

    assert response.status_code == 201, response.content
    claim = Claim.objects.get(pk=response.json()["id"])
    assert claim.parent_id == api_world.claim.pk
    assert claim.position_id == api_world.position_now.pk


def test_reply_to_a_claim_of_another_debate_is_400(api_world):
    elsewhere = ClaimFactory(debate=DebateFactory(slug="elsewhere"))
    client = token_client(api_world.own)
    before = rows_of()

    response = client.post(
        url("claims/"),
        {"parent_id": elsewhere.pk, "stance": "con", "text": NEW_TEXT},
        format="json",
    )

    assert response.status_code == 400
    assert "parent_id" in error_of(response)["fields"]
    assert rows_of() == before


def test_claim_under_a_position_of_another_debate_is_400(api_world):
    foreign = PositionFactory()
    client = token_client(api_world.moderator)
    before = rows_of()

    response = client.post(
        url("claims/"),
        {"position_id": foreign.pk, "stance": "pro", "text": NEW_TEXT},
        format="json",
    )

    assert response.status_code == 400
    assert "position_id" in error_of(response)["fields"]
    assert rows_of() == before


def test_no_new_claims_once_the_debate_is_closed(api_world):
    Debate.objects.filter(pk=api_world.debate.pk).update(phase=Phase.CLOSED)
    client = token_client(api_world.moderator)
    before = rows_of()

    response = client.post(
        url("claims/"),
        {"position_id": api_world.position_now.pk, "stance": "pro", "text": NEW_TEXT},
        format="json",
    )

    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    assert rows_of() == before


def test_edit_with_the_current_etag_changes_the_text_and_the_etag(api_world):
    client = token_client(api_world.own)
    etag = etag_of(client, api_world.claim.pk)

    response = client.patch(
        url(f"claims/{api_world.claim.pk}/"), {"text": NEW_TEXT}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 200, response.content
    api_world.claim.refresh_from_db()
    assert api_world.claim.text == NEW_TEXT
    assert api_world.claim.version == 2
    assert response["ETag"] == f'"claim-{api_world.claim.pk}-v2"' != etag
    assert response.json()["text"] == NEW_TEXT


def test_edit_with_a_stale_etag_is_412_and_changes_nothing(api_world):
    client = token_client(api_world.own)
    stale = etag_of(client, api_world.claim.pk)
    client.patch(
        url(f"claims/{api_world.claim.pk}/"), {"text": "First edit."}, format="json",
        HTTP_IF_MATCH=stale,
    )  # fmt: skip
    before = rows_of()

    response = client.patch(
        url(f"claims/{api_world.claim.pk}/"), {"text": NEW_TEXT}, format="json", HTTP_IF_MATCH=stale
    )

    assert response.status_code == 412
    assert error_of(response)["code"] == "precondition_failed"
    assert rows_of() == before
    api_world.claim.refresh_from_db()
    assert api_world.claim.text == "First edit."


def test_edit_without_if_match_is_428_and_changes_nothing(api_world):
    client = token_client(api_world.own)
    before = rows_of()

    response = client.patch(url(f"claims/{api_world.claim.pk}/"), {"text": NEW_TEXT}, format="json")

    assert response.status_code == 428
    assert error_of(response)["code"] == "precondition_required"
    assert rows_of() == before


def test_edit_with_a_made_up_etag_is_412(api_world):
    response = token_client(api_world.own).patch(
        url(f"claims/{api_world.claim.pk}/"), {"text": NEW_TEXT}, format="json",
        HTTP_IF_MATCH='"anything"',
    )  # fmt: skip

    assert response.status_code == 412


def test_author_withdraws_an_unanswered_claim(api_world):
    client = token_client(api_world.other)

    response = client.post(url(f"claims/{api_world.rebuttal.pk}/withdraw/"))

    assert response.status_code == 200, response.content
    assert response.json()["is_withdrawn"] is True
    api_world.rebuttal.refresh_from_db()
    assert api_world.rebuttal.is_withdrawn


def test_answered_claim_cannot_be_withdrawn(api_world):
    client = token_client(api_world.own)
    before = rows_of()

    response = client.post(url(f"claims/{api_world.claim.pk}/withdraw/"))

    assert response.status_code == 400
    assert rows_of() == before


# --- votes ----------------------------------------------------------------------------------


def test_put_vote_twice_with_the_same_value_keeps_one_vote(api_world):
    client = token_client(api_world.observer)
    vote_url = url(f"claims/{api_world.claim.pk}/vote/")

    first = client.put(vote_url, {"value": 3}, format="json")
    second = client.put(vote_url, {"value": 3}, format="json")

    assert first.status_code == second.status_code == 200
    assert second.json() == {"claim_id": api_world.claim.pk, "value": 3}
    assert Vote.objects.filter(claim=api_world.claim).count() == 1
    assert AuditEvent.objects.filter(action="vote.cast").count() == 1


def test_put_vote_with_another_value_changes_the_one_vote(api_world):
    client = token_client(api_world.observer)
    vote_url = url(f"claims/{api_world.claim.pk}/vote/")
    client.put(vote_url, {"value": 3}, format="json")

    response = client.put(vote_url, {"value": 1}, format="json")

    assert response.json()["value"] == 1
    (vote,) = Vote.objects.filter(claim=api_world.claim)
    assert vote.value == 1
    assert client.get(vote_url).json() == {"claim_id": api_world.claim.pk, "value": 1}


def test_delete_vote_twice_is_fine(api_world):
    client = token_client(api_world.observer)
    vote_url = url(f"claims/{api_world.claim.pk}/vote/")
    client.put(vote_url, {"value": 2}, format="json")

    first = client.delete(vote_url)
    second = client.delete(vote_url)

    assert first.status_code == second.status_code == 200
    assert second.json() == {"claim_id": api_world.claim.pk, "value": None}
    assert Vote.objects.active().filter(claim=api_world.claim).count() == 0
    assert AuditEvent.objects.filter(action="vote.withdraw").count() == 1


def test_delete_vote_that_was_never_cast_is_fine(api_world):
    response = token_client(api_world.observer).delete(url(f"claims/{api_world.claim.pk}/vote/"))

    assert response.status_code == 200
    assert Vote.objects.count() == 0


def test_vote_on_a_hidden_claim_is_refused(api_world):
    Claim.objects.filter(pk=api_world.rebuttal.pk).update(is_hidden=True)

    response = token_client(api_world.observer).put(
        url(f"claims/{api_world.rebuttal.pk}/vote/"), {"value": 2}, format="json"
    )

    assert response.status_code == 404
    assert Vote.objects.count() == 0


def test_nobody_rates_their_own_claim(api_world):
    response = token_client(api_world.own).put(
        url(f"claims/{api_world.claim.pk}/vote/"), {"value": 4}, format="json"
    )

    assert response.status_code == 400
    assert "value" in error_of(response)["fields"]
    assert Vote.objects.count() == 0


# --- evidence -------------------------------------------------------------------------------


def test_proposing_new_evidence_is_201(api_world):
    quote = "Critics want the war to end first."

    response = token_client(api_world.observer).post(
        url("evidence/"), {"source_id": api_world.source.pk, "quote": quote}, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["quote"] == quote
    assert api_world.source.text[body["start"] : body["end"]] == quote
    assert body["status"] == EvidenceStatus.PROPOSED


def test_proposing_an_existing_span_is_200_with_the_same_row(api_world):
    client = token_client(api_world.observer)
    payload = {"source_id": api_world.source.pk, "quote": "Critics want the war to end first."}
    first = client.post(url("evidence/"), payload, format="json")
    count = Evidence.objects.count()

    second = client.post(url("evidence/"), payload, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert Evidence.objects.count() == count


def test_a_quote_not_in_the_source_is_400(api_world):
    client = token_client(api_world.observer)
    before = rows_of()

    response = client.post(
        url("evidence/"),
        {"source_id": api_world.source.pk, "quote": "Words the article never used."},
        format="json",
    )

    assert response.status_code == 400
    assert "quote" in error_of(response)["fields"]
    assert rows_of() == before


def test_start_hint_picks_the_nearest_of_two_matches(api_world):
    quote = "Accession talks should start now"
    second = api_world.source.text.rindex(quote)

    response = token_client(api_world.observer).post(
        url("evidence/"),
        {"source_id": api_world.source.pk, "quote": quote, "start": second},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["start"] == second


def test_moderator_approves_evidence(api_world):
    response = token_client(api_world.moderator).post(
        url(f"evidence/{api_world.proposed.pk}/approve/"), {}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == EvidenceStatus.APPROVED
    api_world.proposed.refresh_from_db()
    assert api_world.proposed.status == EvidenceStatus.APPROVED
    assert api_world.proposed.reviewer == api_world.moderator


def test_moderator_rejects_evidence_with_a_reason(api_world):
    response = token_client(api_world.moderator).post(
        url(f"evidence/{api_world.proposed.pk}/reject/"),
        {"reason": "Out of context."},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["review_reason"]) == ("rejected", "Out of context.")


@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": "   "}])
def test_rejecting_evidence_needs_a_reason(api_world, payload):
    client = token_client(api_world.moderator)
    before = rows_of()

    response = client.post(url(f"evidence/{api_world.proposed.pk}/reject/"), payload, format="json")

    assert response.status_code == 400
    assert "reason" in error_of(response)["fields"]
    assert rows_of() == before


def test_reviewing_evidence_of_another_debate_is_404(api_world):
    foreign = EvidenceFactory(status=EvidenceStatus.PROPOSED)

    response = token_client(api_world.moderator).post(
        url(f"evidence/{foreign.pk}/approve/"), {}, format="json"
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == EvidenceStatus.PROPOSED


# --- phase ----------------------------------------------------------------------------------


def test_moderator_changes_the_phase(api_world):
    response = token_client(api_world.moderator).post(
        url("phase/"), {"phase": "voting"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["phase"] == "voting"
    api_world.debate.refresh_from_db()
    assert api_world.debate.phase == Phase.VOTING


def test_unknown_phase_is_400(api_world):
    response = token_client(api_world.moderator).post(
        url("phase/"), {"phase": "overtime"}, format="json"
    )

    assert response.status_code == 400
    assert "phase" in error_of(response)["fields"]
    api_world.debate.refresh_from_db()
    assert api_world.debate.phase == Phase.REBUTTAL


def test_writes_through_a_session_work_like_a_token(api_world):
    response = session_client(api_world.moderator).post(
        url("phase/"), {"phase": "voting"}, format="json"
    )

    assert response.status_code == 200
    assert Debate.objects.get(pk=api_world.debate.pk).phase == Phase.VOTING


def test_closing_the_debate_freezes_a_snapshot(api_world):
    response = token_client(api_world.moderator).post(
        url("phase/"), {"phase": "closed"}, format="json"
    )

    assert response.status_code == 200
    assert list(Snapshot.objects.values_list("number", flat=True)) == [1]
