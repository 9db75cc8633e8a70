"""Reading through the API: lists under a debate, paginated, filtered, ordered; privacy."""

from __future__ import annotations

import pytest
from rest_framework.pagination import PageNumberPagination

from debate.debates.models import Debate, Phase
from debate.sources.models import Evidence, EvidenceStatus
from tests.api.helpers import API, error_of, session_client, token_client, url
from tests.factories import CitationFactory, ClaimFactory, DebateFactory, EvidenceFactory

pytestmark = pytest.mark.django_db

LISTS = ["positions/", "teams/", "claims/", "sources/", "evidence/", "citations/"]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def make_private(debate) -> None:
    Debate.objects.filter(pk=debate.pk).update(is_public=False)


# --- debates --------------------------------------------------------------------------------


def test_anonymous_lists_public_debates_only(anon, debate):
    DebateFactory(slug="private-one", is_public=False)

    response = anon.get(f"{API}/debates/")

    assert response.status_code == 200
    body = response.json()
    assert {"count", "next", "previous", "results"} <= set(body)
    assert [d["slug"] for d in body["results"]] == ["ukraine-nato"]


def test_member_lists_the_private_debate_they_belong_to(api_world):
    make_private(api_world.debate)
    DebateFactory(slug="someone-elses", is_public=False)

    response = session_client(api_world.observer).get(f"{API}/debates/")

    assert [d["slug"] for d in response.json()["results"]] == ["ukraine-nato"]


def test_debates_filter_by_phase(anon, debate):
    DebateFactory(slug="closed-one", phase=Phase.CLOSED)

    response = anon.get(f"{API}/debates/", {"phase": "closed"})

    assert [d["slug"] for d in response.json()["results"]] == ["closed-one"]


def test_debates_order_by_slug(anon, debate):
    DebateFactory(slug="aaa-first")
    DebateFactory(slug="zzz-last")

    def slugs(ordering):
        return [
            d["slug"] for d in anon.get(f"{API}/debates/", {"ordering": ordering}).json()["results"]
        ]

    ascending, descending = slugs("slug"), slugs("-slug")

    assert ascending == ["aaa-first", "ukraine-nato", "zzz-last"]
    assert descending == list(reversed(ascending))


def test_debate_detail_is_readable_without_a_token(anon, debate):
    response = anon.get(f"{API}/debates/ukraine-nato/")

    assert response.status_code == 200
    assert response.json()["slug"] == "ukraine-nato"
    assert response.json()["phase"] == "rebuttal"


def test_unknown_debate_is_404_in_the_error_shape(anon, db):
    response = anon.get(f"{API}/debates/no-such-debate/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


# --- privacy --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", *LISTS, "snapshot/", "snapshots/", "events/"])
@pytest.mark.parametrize("who", ["anonymous", "outsider", "outsider_token"])
def test_private_debate_is_404_for_people_outside_it(api_world, anon, path, who):
    make_private(api_world.debate)
    client = {
        "anonymous": anon,
        "outsider": session_client(api_world.outsider),
        "outsider_token": token_client(api_world.outsider),
    }[who]

    response = client.get(url(path))

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert "Accession" not in response.content.decode()


@pytest.mark.parametrize("path", ["", *LISTS, "snapshot/", "events/"])
def test_private_debate_is_readable_by_its_members(api_world, path):
    make_private(api_world.debate)

    response = token_client(api_world.observer).get(url(path))

    assert response.status_code == 200


def test_private_debate_claim_detail_is_404_for_outsiders(api_world, anon):
    make_private(api_world.debate)

    response = anon.get(url(f"claims/{api_world.claim.pk}/"))

    assert response.status_code == 404


# --- lists under a debate -------------------------------------------------------------------


@pytest.mark.parametrize("path", LISTS)
def test_every_list_under_a_debate_is_paginated(api_world, anon, path):
    response = anon.get(url(path))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == len(body["results"]) > 0


def test_claims_list_pages_follow_each_other(api_world, anon, monkeypatch):
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    for n in range(3):
        ClaimFactory(debate=api_world.debate, position=api_world.position_after, text=f"c{n}")

    first = anon.get(url("claims/")).json()
    second = anon.get(first["next"]).json()
    third = anon.get(second["next"]).json()

    assert first["count"] == 5
    assert [len(p["results"]) for p in (first, second, third)] == [2, 2, 1]
    seen = [c["id"] for page in (first, second, third) for c in page["results"]]
    assert len(set(seen)) == 5
    assert third["next"] is None


def test_claims_filter_by_stance(api_world, anon):
    assert ids(anon.get(url("claims/"), {"stance": "con"})) == [api_world.rebuttal.pk]
    assert ids(anon.get(url("claims/"), {"stance": "pro"})) == [api_world.claim.pk]


def test_claims_filter_by_position_and_parent(api_world, anon):
    other = ClaimFactory(debate=api_world.debate, position=api_world.position_after)

    by_position = ids(anon.get(url("claims/"), {"position": api_world.position_after.pk}))
    by_parent = ids(anon.get(url("claims/"), {"parent": api_world.claim.pk}))

    assert by_position == [other.pk]
    assert by_parent == [api_world.rebuttal.pk]


def test_claims_filter_with_a_bad_value_is_400(api_world, anon):
    response = anon.get(url("claims/"), {"position": "not-a-number"})

    assert response.status_code == 400
    assert "position" in error_of(response)["fields"]


def test_claims_order_by_descending_id(api_world, anon):
    assert ids(anon.get(url("claims/"), {"ordering": "-id"})) == [
        api_world.rebuttal.pk,
        api_world.claim.pk,
    ]
    assert ids(anon.get(url("claims/"), {"ordering": "id"})) == [
        api_world.claim.pk,
        api_world.rebuttal.pk,
    ]


def test_evidence_filter_by_status(api_world):
    client = token_client(api_world.moderator)  # others see only approved evidence

    proposed = ids(client.get(url("evidence/"), {"status": EvidenceStatus.PROPOSED}))
    approved = ids(client.get(url("evidence/"), {"status": EvidenceStatus.APPROVED}))

    assert proposed == [api_world.proposed.pk]
    assert approved == [api_world.approved.pk]


def test_evidence_order_by_descending_id(api_world):
    assert ids(token_client(api_world.moderator).get(url("evidence/"), {"ordering": "-id"})) == [
        api_world.approved.pk,
        api_world.proposed.pk,
    ]


def test_citations_filter_by_claim(api_world, anon):
    cited = api_world.citation
    CitationFactory(claim=api_world.rebuttal, evidence=api_world.approved, relation="concedes")

    response = anon.get(url("citations/"), {"claim": api_world.claim.pk})

    assert ids(response) == [cited.pk]
    assert response.json()["results"][0]["relation"] == "supports"


def test_teams_and_positions_list_the_debates_own(api_world, anon):
    DebateFactory(slug="other-debate")

    teams = anon.get(url("teams/")).json()["results"]
    positions = anon.get(url("positions/"), {"ordering": "order"}).json()["results"]

    assert [t["name"] for t in teams] == ["Team Now", "Team After"]
    assert [p["key"] for p in positions] == ["now", "after"]


def test_sources_list_shows_the_hash_not_the_text(api_world, anon):
    (row,) = anon.get(url("sources/")).json()["results"]

    assert row["text_sha256"] == api_world.source.text_sha256
    assert "text" not in row


# --- hidden things --------------------------------------------------------------------------


@pytest.fixture
def hidden_world(api_world):
    api_world.hidden = ClaimFactory(
        debate=api_world.debate, position=api_world.position_after, is_hidden=True,
        text="A hidden insult.",
    )  # fmt: skip
    api_world.withdrawn = ClaimFactory(
        debate=api_world.debate, position=api_world.position_after, is_withdrawn=True,
        text="A withdrawn thought.",
    )  # fmt: skip
    api_world.hidden_evidence = EvidenceFactory(source=api_world.source, start=30, end=40,
                                                is_hidden=True)  # fmt: skip
    CitationFactory(claim=api_world.hidden, evidence=api_world.approved)
    return api_world


@pytest.mark.parametrize("who", ["anonymous", "observer", "own", "other", "outsider"])
def test_hidden_and_withdrawn_claims_are_left_out_for_non_moderators(hidden_world, anon, who):
    client = anon if who == "anonymous" else token_client(getattr(hidden_world, who))

    listed = ids(client.get(url("claims/")))
    detail = client.get(url(f"claims/{hidden_world.hidden.pk}/"))
    evidence = ids(client.get(url("evidence/")))
    citations = client.get(url("citations/")).json()["results"]

    assert listed == [hidden_world.claim.pk, hidden_world.rebuttal.pk]
    assert detail.status_code == 404
    assert hidden_world.hidden_evidence.pk not in evidence
    assert hidden_world.hidden.pk not in [c["claim_id"] for c in citations]


def test_moderator_sees_hidden_and_withdrawn_claims(hidden_world):
    client = token_client(hidden_world.moderator)

    listed = ids(client.get(url("claims/")))
    detail = client.get(url(f"claims/{hidden_world.hidden.pk}/"))
    evidence = ids(client.get(url("evidence/")))

    assert hidden_world.hidden.pk in listed
    assert hidden_world.withdrawn.pk in listed
    assert detail.status_code == 200
    assert detail.json()["is_hidden"] is True
    assert hidden_world.hidden_evidence.pk in evidence


def test_claim_detail_carries_its_etag(api_world, anon):
    response = anon.get(url(f"claims/{api_world.claim.pk}/"))

    assert response.status_code == 200
    assert response["ETag"] == f'"claim-{api_world.claim.pk}-v1"'
    assert response.json()["author"] == "debater-now"
    assert response.json()["team"] == "Team Now"


def test_claim_of_another_debate_is_404_under_this_one(api_world, anon):
    elsewhere = ClaimFactory(debate=DebateFactory(slug="elsewhere"))

    response = anon.get(url(f"claims/{elsewhere.pk}/"))

    assert response.status_code == 404


# --- evidence under review, and what cites it ------------------------------------------------


@pytest.fixture
def review_world(api_world):
    """The API world, plus evidence that debater_now proposed and a moderator rejected with a
    reason, and a proposal of debater_after's still waiting (both on the shared source)."""
    w = api_world
    w.rejected = EvidenceFactory(
        source=w.source, start=25, end=35, status=EvidenceStatus.REJECTED, proposer=w.own,
        review_reason="REJECT-REASON-4410: the quote is torn from its context.",
    )  # fmt: skip
    w.waiting = EvidenceFactory(
        source=w.source, start=40, end=50, status=EvidenceStatus.PROPOSED, proposer=w.other,
    )  # fmt: skip
    return w


def client_of(world, anon, who: str):
    return anon if who == "anonymous" else token_client(getattr(world, who))


@pytest.mark.parametrize("status", [None, "rejected", "proposed"])
@pytest.mark.parametrize("who", ["anonymous", "observer", "outsider"])
def test_evidence_under_review_is_not_listed_for_others(review_world, anon, who, status):
    query = {"status": status} if status else {}

    response = client_of(review_world, anon, who).get(url("evidence/"), query)

    assert ids(response) == ([] if status else [review_world.approved.pk])
    assert b"REJECT-REASON-4410" not in response.content


def test_proposers_see_their_own_proposals_with_the_reason(review_world):
    mine = token_client(review_world.own).get(url("evidence/"), {"ordering": "id"})
    theirs = token_client(review_world.other).get(url("evidence/"), {"ordering": "id"})

    assert ids(mine) == [review_world.approved.pk, review_world.rejected.pk]
    assert mine.json()["results"][1]["review_reason"].startswith("REJECT-REASON-4410")
    assert ids(theirs) == [review_world.approved.pk, review_world.waiting.pk]
    assert b"REJECT-REASON-4410" not in theirs.content


def test_moderators_list_every_piece_of_evidence_with_its_reason(review_world):
    response = token_client(review_world.moderator).get(url("evidence/"), {"status": "rejected"})

    assert ids(response) == [review_world.rejected.pk]
    assert b"REJECT-REASON-4410" in response.content


def test_reasons_on_approved_evidence_are_for_its_proposer_and_moderators(api_world, anon):
    Evidence.objects.filter(pk=api_world.approved.pk).update(
        proposer=api_world.own, review_reason="APPROVE-NOTE-2207"
    )

    public = anon.get(url("evidence/"))
    rival = token_client(api_world.other).get(url("evidence/"))
    proposer = token_client(api_world.own).get(url("evidence/"))

    assert b"APPROVE-NOTE-2207" not in public.content
    assert b"APPROVE-NOTE-2207" not in rival.content
    assert b"APPROVE-NOTE-2207" in proposer.content


@pytest.mark.parametrize("status", [EvidenceStatus.REJECTED, EvidenceStatus.PROPOSED, "hidden"])
def test_citations_of_evidence_the_map_drops_are_not_listed(api_world, anon, status):
    w = api_world
    if status == "hidden":
        dropped = EvidenceFactory(source=w.source, start=30, end=40, is_hidden=True)
    else:
        dropped = EvidenceFactory(source=w.source, start=30, end=40, status=status)
    CitationFactory(claim=w.rebuttal, evidence=dropped)

    public = anon.get(url("citations/")).json()["results"]
    moderated = token_client(w.moderator).get(url("citations/")).json()["results"]

    assert [c["evidence_id"] for c in public] == [w.approved.pk]
    assert [c["evidence_id"] for c in moderated] == [w.approved.pk]
