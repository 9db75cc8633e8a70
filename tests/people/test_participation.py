"""The participation read model: what each counter counts, that it costs the same number of
queries for 3 or 30 people, and that its counts equal what the API lists and the CSV show."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from debate.arguments.models import Stance
from debate.audit.services import audit_record
from debate.debates.models import Membership, PollResponse, Role
from debate.debates.services import membership_end
from debate.grading.models import Grade
from debate.moderation.models import Flag, FlagKind
from debate.people.models import Targets
from debate.people.selectors import participation, task_progress
from debate.sources.models import EvidenceStatus
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    EvidenceFactory,
    MembershipFactory,
    VoteFactory,
)
from tests.helpers import client_as


def _by_name(people) -> dict:
    return {p.username: p for p in people}


@pytest.fixture
def busy(debate, moderator, debater_now, debater_after, observer, source, position_now):
    """A small debate in which each counter has something to count."""
    team_now, team_after = debate.teams.get(name="Team Now"), debate.teams.get(name="Team After")
    root = ClaimFactory(debate=debate, position=position_now, author=debater_now, team=team_now,
                        version=3)  # fmt: skip
    ClaimFactory(parent=root, author=debater_after, team=team_after, stance=Stance.CON)  # rebuttal
    ClaimFactory(parent=root, author=debater_now, team=team_now, stance=Stance.CON)  # own team
    ClaimFactory(parent=root, author=debater_after, team=team_after, stance=Stance.PRO,
                 is_hidden=True)  # fmt: skip
    ClaimFactory(parent=root, author=debater_after, team=team_after, is_withdrawn=True)
    approved = EvidenceFactory(source=source, proposer=debater_now)
    EvidenceFactory(source=source, proposer=debater_now, status=EvidenceStatus.REJECTED)
    EvidenceFactory(source=source, proposer=debater_after, status=EvidenceStatus.PROPOSED)
    CitationFactory(claim=root, evidence=approved, created_by=debater_now)
    VoteFactory(user=observer, claim=root, value=4)
    VoteFactory(user=debater_after, claim=root, value=1, is_withdrawn=True)
    Flag.objects.create(debate=debate, claim=root, reporter=observer, kind=FlagKind.OFF_TOPIC)
    PollResponse.objects.create(debate=debate, user=observer, poll="before")
    audit_record(actor=observer, debate=debate, action="vote.cast", obj=root, before=None,
                 after=None)  # fmt: skip
    return debate


def test_each_counter_counts_what_the_readme_says(busy, debater_now, debater_after, observer):
    people = _by_name(participation(busy))
    now, after, watcher = people["debater-now"], people["debater-after"], people["observer"]
    assert (now.claims, now.rebuttals, now.edits) == (2, 0, 2)
    assert (after.claims, after.claims_hidden, after.rebuttals) == (3, 1, 1)
    assert (now.evidence_proposed, now.evidence_approved, now.evidence_rejected) == (2, 1, 1)
    assert after.evidence_proposed == 1 and after.evidence_approved == 0
    assert now.citations == 1
    assert (watcher.votes, after.votes) == (1, 0)  # withdrawn votes do not count
    assert (watcher.flags, watcher.poll_answers) == (1, 1)
    assert watcher.last_activity is not None and now.last_activity is None
    assert set(people) == {"moderator", "debater-now", "debater-after", "observer"}
    assert people["debater-now"].team_name == "Team Now"


def test_a_removed_member_is_listed_once_as_removed(busy, moderator, debater_now):
    membership_end(actor=moderator, membership=Membership.objects.get(user=debater_now),
                   reason="")  # fmt: skip
    people = _by_name(participation(busy))
    assert people["debater-now"].status == "removed"
    assert people["debater-now"].claims == 2  # what they wrote stays theirs


def test_tasks_show_done_and_not_done(busy, debater_now):
    Targets.objects.create(debate=busy, min_claims=2, min_rebuttals=1, min_votes=0)
    now = _by_name(participation(busy))["debater-now"]
    assert [(t.label, t.count, t.target, t.done) for t in now.tasks] == [
        ("claims", 2, 2, True), ("rebuttals", 0, 1, False),
    ]  # fmt: skip
    assert now.tasks_done == 1


def test_grades_come_from_the_grading_selector(busy, moderator, debater_now):
    Grade.objects.create(
        debate=busy, user=debater_now, value="A−", comment="=good", updated_by=moderator
    )
    now = _by_name(participation(busy))["debater-now"]
    assert (now.grade, now.grade_comment, now.grade_released) == ("A−", "=good", False)


def _crowd(debate, position, size: int) -> None:
    team = debate.teams.first()
    for _ in range(size):
        user = MembershipFactory(debate=debate, role=Role.DEBATER, team=team).user
        claim = ClaimFactory(debate=debate, position=position, author=user, team=team)
        VoteFactory(user=user, claim=claim)


@pytest.mark.parametrize("size", [3, 30])
def test_participation_costs_the_same_queries_for_3_or_30_people(
    debate, position_now, size, django_assert_num_queries
):
    Targets.objects.create(debate=debate, min_claims=1)
    _crowd(debate, position_now, size)
    with django_assert_num_queries(11):
        people = participation(debate)
    assert len(people) == size


@pytest.mark.parametrize("size", [3, 30])
def test_task_progress_costs_the_same_queries_whatever_the_debate(
    debate, position_now, debater_now, size, django_assert_num_queries
):
    Targets.objects.create(debate=debate, min_claims=1, min_votes=2, min_citations=1,
                           min_rebuttals=1, min_approved_evidence=1)  # fmt: skip
    _crowd(debate, position_now, size)
    debater_now.refresh_from_db()
    with django_assert_num_queries(6):  # membership, targets, claims, evidence, votes, citations
        progress = task_progress(debate, debater_now)
    assert progress is not None and len(progress.tasks) == 5 and progress.done == 0


def test_no_progress_for_moderators_outsiders_or_without_targets(debate, moderator, outsider,
                                                                  debater_now):  # fmt: skip
    assert task_progress(debate, debater_now) is None  # no targets
    Targets.objects.create(debate=debate, min_claims=1)
    assert task_progress(debate, moderator) is None
    assert task_progress(debate, outsider) is None


def _api(user, path: str) -> list:
    client = APIClient()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()


def _rows(body):
    return body["results"] if isinstance(body, dict) else body


def _api_list(user, slug: str, table: str) -> list:
    rows, path = [], f"/api/v1/debates/{slug}/{table}/?page_size=500"
    body = _api(user, path)
    rows = _rows(body)
    while isinstance(body, dict) and body.get("next"):
        body = _api(user, body["next"])
        rows += _rows(body)
    return rows


def test_counts_equal_the_api_lists_a_moderator_reads(busy, moderator):
    people = _api(moderator, f"/api/v1/debates/{busy.slug}/participation/")
    claims = _api_list(moderator, busy.slug, "claims")
    for person in people:
        mine = [c for c in claims if c["author"] == person["username"]]
        assert person["claims"] == len(mine)
        assert person["claims_hidden"] == sum(c["is_hidden"] for c in mine)
        assert person["edits"] == sum(c["version"] - 1 for c in mine)
    evidence = _api_list(moderator, busy.slug, "evidence")
    assert sum(p["evidence_proposed"] for p in people) == len(evidence)
    assert sum(p["evidence_approved"] for p in people) == sum(
        e["status"] == "approved" for e in evidence
    )
    assert sum(p["evidence_rejected"] for p in people) == sum(
        e["status"] == "rejected" for e in evidence
    )
    citations = _api_list(moderator, busy.slug, "citations")
    assert sum(p["citations"] for p in people) == len(citations)


def test_the_csv_read_back_equals_the_api(busy, moderator, debater_now):
    Grade.objects.create(debate=busy, user=debater_now, value="=1+1", comment="@SUM(A1)",
                         updated_by=moderator)  # fmt: skip
    response = client_as(moderator).get(f"/d/{busy.slug}/participation.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{busy.slug}-participation.csv"'
    )
    text = response.content.decode("utf-8")
    assert not text.startswith("\ufeff")  # plain UTF-8, no byte-order mark
    rows = list(csv.DictReader(io.StringIO(text)))
    api = {p["username"]: p for p in _api(moderator, f"/api/v1/debates/{busy.slug}/participation/")}
    assert {r["username"] for r in rows} == set(api)
    counters = ["claims", "rebuttals", "edits", "evidence_proposed", "evidence_approved",
                "evidence_rejected", "citations", "votes", "flags", "poll_answers"]  # fmt: skip
    for row in rows:
        assert {c: int(row[c]) for c in counters} == {c: api[row["username"]][c] for c in counters}
        assert row["status"] == "current"
    now = next(r for r in rows if r["username"] == "debater-now")
    assert (now["grade"], now["grade_comment"]) == ("'=1+1", "'@SUM(A1)")  # no formulas


def test_the_csv_quotes_hostile_names_and_keeps_unicode(debate, moderator):
    user = get_user_model().objects.create(username="-ana_ك🙂")
    MembershipFactory(debate=debate, user=user, role=Role.OBSERVER)
    rows = list(csv.DictReader(io.StringIO(
        client_as(moderator).get(f"/d/{debate.slug}/participation.csv").content.decode()
    )))  # fmt: skip
    assert "'-ana_ك🙂" in {r["username"] for r in rows}


@pytest.mark.parametrize("who,status", [("debater_now", 404), ("observer", 404),
                                        ("outsider", 404), (None, 404)])  # fmt: skip
def test_only_moderators_download_the_csv(request, debate, moderator, who, status):
    user = request.getfixturevalue(who) if who else None
    assert client_as(user).get(f"/d/{debate.slug}/participation.csv").status_code == status


def test_private_debates_hide_the_csv_and_api_from_outsiders(debate, moderator, outsider):
    debate.is_public = False
    debate.save()
    assert client_as(outsider).get(f"/d/{debate.slug}/participation.csv").status_code == 404
    client = APIClient()
    client.force_login(outsider)
    assert client.get(f"/api/v1/debates/{debate.slug}/participation/").status_code == 404


@pytest.mark.parametrize("who", ["debater_now", "observer", "outsider"])
def test_the_api_refuses_non_moderators_of_a_public_debate(request, debate, moderator, who):
    client = APIClient()
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"/api/v1/debates/{debate.slug}/participation/")
    assert response.status_code == 403
    assert client.get(f"/api/v1/debates/{debate.slug}/targets/").status_code == 403


def test_anonymous_api_callers_are_refused(debate):
    assert APIClient().get(f"/api/v1/debates/{debate.slug}/participation/").status_code in (
        401, 403,
    )  # fmt: skip


def test_moderators_read_and_put_targets_through_the_api(debate, moderator):
    client = APIClient()
    client.force_login(moderator)
    url = f"/api/v1/debates/{debate.slug}/targets/"
    assert client.get(url).json()["min_claims"] == 0
    response = client.put(url, {"min_claims": 3, "min_votes": 10}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"min_claims": 3, "min_rebuttals": 0, "min_approved_evidence": 0,
                               "min_votes": 10, "min_citations": 0}  # fmt: skip
    assert client.put(url, {"min_claims": "3"}, format="json").status_code == 400
    assert client.put(url, {"min_claims": -1}, format="json").status_code == 400
    assert client.put(url, {"max_claims": 1}, format="json").status_code == 400
    assert Targets.objects.get(debate=debate).min_claims == 3


def test_a_closed_debate_refuses_targets_through_the_api(debate, moderator):
    debate.phase = "closed"
    debate.save()
    client = APIClient()
    client.force_login(moderator)
    url = f"/api/v1/debates/{debate.slug}/targets/"
    assert client.put(url, {"min_claims": 3}, format="json").status_code == 403
    assert not Targets.objects.exists()


def test_claim_counts_equal_the_moderators_snapshot(busy, moderator):
    """The snapshot a moderator downloads (hidden and withdrawn claims included) names the
    same authors with the same numbers of claims as the roster, and the same citations."""
    rows = _api(moderator, f"/api/v1/debates/{busy.slug}/participation/")
    people = {p["username"]: p for p in rows}
    document = _api(moderator, f"/api/v1/debates/{busy.slug}/snapshot/?format=json")
    by_author: dict[str, list[dict]] = {}
    for claim in document["claims"]:
        if claim["author"]:
            by_author.setdefault(claim["author"], []).append(claim)
    assert {name: len(claims) for name, claims in by_author.items()} == {
        name: p["claims"] for name, p in people.items() if p["claims"]
    }
    assert sum(p["citations"] for p in people.values()) == len(document["citations"])
