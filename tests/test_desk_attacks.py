"""Attacks on the teacher's desk (issue 14): grades and feedback must not leak through any
output to anyone but moderators and the student; writes refuse other debates' ids, closed
phases and removed members; the participation CSV never holds a live formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from debate.debates.models import Phase, Role
from debate.grading import services as grading
from debate.grading.models import Feedback
from tests.factories import (
    ClaimFactory,
    DebateFactory,
    MembershipFactory,
    PositionFactory,
    TeamFactory,
    UserFactory,
)
from tests.helpers import client_as, rows_of

pytestmark = pytest.mark.django_db

ROLES = ["debater", "rival", "observer", "outsider", "anonymous"]
SECRET_GRADE = "Zq-secret-comment"
SECRET_NOTE = "Zq-private-note"
SHARED_NOTE = "Zq-shared-note"


@pytest.fixture
def claim_now(debate, position_now, debater_now, team_now):
    return ClaimFactory(debate=debate, position=position_now, author=debater_now, team=team_now,
                        text="Talks now keep the door open.")  # fmt: skip


@pytest.fixture
def claim_after(debate, position_after, debater_after, team_after):
    return ClaimFactory(debate=debate, position=position_after, author=debater_after,
                        team=team_after, text="A settlement first avoids escalation.")  # fmt: skip


@pytest.fixture
def graded(debate, moderator, debater_now, debater_after, claim_now, claim_after):
    grading.grade_set(actor=moderator, debate=debate, user_id=debater_now.pk, value="B",
                      comment=SECRET_GRADE)  # fmt: skip
    grading.feedback_set(actor=moderator, claim=claim_now, text=SECRET_NOTE, audience="author")
    grading.feedback_set(actor=moderator, claim=claim_after, text=SHARED_NOTE,
                         audience="everyone")  # fmt: skip
    return debate


def _api(user, url):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client.get(url)


# --- 1. privacy: a sweep of every GET output ------------------------------------------------

PAGES = ["/d/{slug}/", "/d/{slug}/?whole=1", "/d/{slug}/live/", "/d/{slug}/results/",
         "/d/{slug}/claims/{now}/", "/d/{slug}/claims/{after}/", "/d/{slug}/search/?q=Zq",
         "/d/{slug}/search/?q=settlement", "/d/{slug}/audit/", "/d/{slug}/moderate/",
         "/d/{slug}/people/", "/d/{slug}/participation.csv", "/d/{slug}/grading/",
         "/d/{slug}/grading/{now_user}/", "/d/{slug}/exports/", "/d/{slug}/summary/",
         "/d/{slug}/export.json", "/d/{slug}/export.aif", "/d/{slug}/export.argdown",
         "/d/{slug}/export.graphml", "/d/{slug}/snapshots/1/export.json",
         "/d/{slug}/snapshots/1/diff/live/", "/activity/", "/", "/accounts/profile/",
         "/api/v1/debates/{slug}/", "/api/v1/debates/{slug}/claims/",
         "/api/v1/debates/{slug}/claims/{now}/", "/api/v1/debates/{slug}/snapshot/",
         "/api/v1/debates/{slug}/snapshots/1/", "/api/v1/debates/{slug}/snapshots/1/diff/live/",
         "/api/v1/debates/{slug}/events/", "/api/v1/debates/{slug}/search/?q=Zq",
         "/api/v1/debates/{slug}/participation/", "/api/v1/debates/{slug}/grades/",
         "/api/v1/debates/{slug}/teams/", "/api/v1/debates/"]  # fmt: skip


def _sweep(world, debate, claim_now, claim_after, who):
    fill = {"slug": debate.slug, "now": claim_now.pk, "after": claim_after.pk,
            "now_user": world.debater_now.pk}  # fmt: skip
    user = world.users[who]
    client = APIClient()
    if user is not None:
        client.force_login(user)
    out = {}
    for page in PAGES:
        url = page.format(**fill)
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        out[url] = body.decode("utf-8", "replace")
    return out


def _leaks(pages: dict, secrets: list[str]) -> list:
    return [(url, s) for url, body in pages.items() for s in secrets if s in body]


@pytest.mark.parametrize("released", [[], ["grades"], ["feedback_everyone"]])
@pytest.mark.parametrize("who", ROLES)
def test_no_output_leaks_grades_or_feedback(world, graded, moderator, claim_now, claim_after,
                                            who, released):  # fmt: skip
    from debate.snapshots.services import snapshot_take

    snapshot_take(actor=moderator, debate=graded)
    if released:
        grading.release(actor=moderator, debate=graded, scopes=released)
    # A moderator reads everything first: nothing they were shown may be served to others.
    _sweep(world, graded, claim_now, claim_after, "moderator")
    pages = _sweep(world, graded, claim_now, claim_after, who)
    forbidden = [SECRET_GRADE, SECRET_NOTE, SHARED_NOTE]
    if who == "debater" and "grades" in released:
        forbidden = [SHARED_NOTE]
    if who == "rival" and "grades" in released:
        forbidden = [SECRET_GRADE, SECRET_NOTE]
    if "feedback_everyone" in released:
        forbidden = [s for s in forbidden if s != SHARED_NOTE]
        # ... but only on the claim's own thread page, never anywhere else.
        others = {u: b for u, b in pages.items() if f"/claims/{claim_after.pk}/" not in u
                  or u.startswith("/api/")}  # fmt: skip
        if who != "rival":
            assert not _leaks(others, [SHARED_NOTE])
    assert not _leaks(pages, forbidden)


# --- the debate page on SQLite (`make run`'s database) --------------------------------------


def test_the_debate_page_works_where_a_union_may_not_be_ordered(world, graded, moderator,
                                                                 monkeypatch):  # fmt: skip
    """SQLite refuses ORDER BY inside a UNION's parts; Grade and Feedback order by id in
    their Meta, so `my_released` must clear it, or every signed-in reader of the debate page
    gets a 500 on `make run`. Postgres is told to behave as SQLite does here."""
    from django.db import connection

    grading.release(actor=moderator, debate=graded, scopes=["grades"])
    monkeypatch.setattr(connection.features, "supports_slicing_ordering_in_compound", False)
    response = client_as(world.debater_now).get(reverse("debate", args=[graded.slug]))
    assert response.status_code == 200
    assert SECRET_GRADE in response.content.decode()


# --- 2. writes: ids of another debate, removed members, double submits ----------------------


@pytest.fixture
def other(db, debater_now):
    """A second debate, moderated by someone else, where debater_now also takes part."""
    debate = DebateFactory(slug="other-debate", title="Another motion", phase=Phase.REBUTTAL)
    position = PositionFactory(debate=debate, key="yes", title="Yes", order=0)
    team = TeamFactory(debate=debate, name="Team Yes", position=position)
    boss = MembershipFactory(user=UserFactory(username="other-mod"), debate=debate,
                             role=Role.MODERATOR).user  # fmt: skip
    member = MembershipFactory(user=debater_now, debate=debate, role=Role.DEBATER, team=team)
    stranger = MembershipFactory(user=UserFactory(username="only-there"), debate=debate,
                                 role=Role.DEBATER, team=team)  # fmt: skip
    claim = ClaimFactory(debate=debate, position=position, author=debater_now, team=team,
                         text="Elsewhere.")  # fmt: skip
    feedback = grading.feedback_set(actor=boss, claim=claim, text="Other note", audience="author")
    return type("Other", (), {"debate": debate, "member": member, "stranger": stranger,
                              "claim": claim, "feedback": feedback, "team": team})  # fmt: skip


def test_ids_of_another_debate_are_404_and_change_nothing(world, graded, moderator, other):
    slug, now = graded.slug, world.debater_now
    posts = [
        (f"/d/{slug}/people/{other.member.pk}/change/", {"role": "observer"}),
        (f"/d/{slug}/people/{other.stranger.pk}/change/", {"role": "observer"}),
        (f"/d/{slug}/people/{other.member.pk}/remove/", {"confirm": "1"}),
        (f"/d/{slug}/people/{world.debate.memberships.get(user=now).pk}/change/",
         {"role": "debater", "team": other.team.pk}),
        (f"/d/{slug}/grading/{other.stranger.user_id}/grade/", {"value": "A"}),
        (f"/d/{slug}/grading/{now.pk}/claims/{other.claim.pk}/feedback/",
         {"text": "x", "audience": "everyone"}),
        (f"/d/{slug}/grading/feedback/{other.feedback.pk}/remove/", {}),
    ]  # fmt: skip
    client = client_as(moderator)
    before = rows_of()
    for url, data in posts:
        assert client.post(url, data).status_code in (404, 422), url
    assert rows_of() == before
    assert client.get(f"/d/{slug}/grading/{other.stranger.user_id}/").status_code == 404


def test_a_removed_member_reads_and_writes_nothing_in_a_private_debate(world, graded, moderator,
                                                                        claim_after):  # fmt: skip
    from debate.debates import services as debate_services

    grading.release(actor=moderator, debate=graded, scopes=["grades"])
    graded.is_public = False
    graded.save()
    membership = graded.memberships.get(user=world.debater_now)
    debate_services.membership_end(actor=moderator, membership=membership)
    client = client_as(world.debater_now)
    for url in [f"/d/{graded.slug}/", f"/d/{graded.slug}/claims/{claim_after.pk}/",
                f"/d/{graded.slug}/live/", f"/d/{graded.slug}/summary/"]:  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert _api(world.debater_now, f"/api/v1/debates/{graded.slug}/grades/").status_code == 404
    before = rows_of()
    assert client.post(f"/d/{graded.slug}/claims/{claim_after.pk}/vote/",
                       {"value": "4"}).status_code == 404  # fmt: skip
    assert rows_of() == before


def test_a_removed_member_of_a_public_debate_may_no_longer_post_or_vote(world, graded,
                                                                          moderator,
                                                                          claim_after):  # fmt: skip
    from debate.debates import services as debate_services

    membership = graded.memberships.get(user=world.debater_now)
    debate_services.membership_end(actor=moderator, membership=membership)
    client = client_as(world.debater_now)
    before = rows_of()
    posts = [
        (f"/d/{graded.slug}/claims/{claim_after.pk}/vote/", {"value": "4"}),
        (f"/d/{graded.slug}/compose/", {"parent": claim_after.pk, "stance": "con",
                                         "text": "Still here"}),
        (f"/d/{graded.slug}/claims/{claim_after.pk}/flag/", {"kind": "off_topic"}),
    ]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert rows_of() == before
    assert _api(world.debater_now, f"/api/v1/debates/{graded.slug}/grades/").status_code == 403


def test_a_double_release_notifies_once(world, graded, moderator):
    from debate.activity.models import Notice

    client = client_as(moderator)
    url = reverse("debate-grading-release", args=[graded.slug])
    for _ in range(2):
        assert client.post(url, {"scope": ["grades", "feedback_everyone"],
                                 "confirm": "on"}).status_code == 302  # fmt: skip
    assert Notice.objects.filter(kind="grade.released").count() == 2  # one per student


@pytest.mark.parametrize("data", [{"scope": "everything", "confirm": "on"}, {"scope": "grades"},
                                  {}, {"scope": ["grades", "x"], "confirm": "on"}])  # fmt: skip
def test_a_bad_release_is_422_and_releases_nothing(world, graded, moderator, data):
    before = rows_of()
    response = client_as(moderator).post(reverse("debate-grading-release", args=[graded.slug]),
                                         data)  # fmt: skip
    assert response.status_code == 422
    assert rows_of() == before


# --- 3. the CSV -----------------------------------------------------------------------------

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _csv(moderator, debate) -> list[dict]:
    response = client_as(moderator).get(f"/d/{debate.slug}/participation.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))


def test_no_user_controlled_cell_starts_a_formula_and_every_cell_reads_back(debate, moderator,
                                                                            team_now):  # fmt: skip
    from debate.debates.models import Team

    hostile_team = Team.objects.create(debate=debate, name='\t=HYPERLINK("http://x","y")',
                                       position=team_now.position)  # fmt: skip
    names = ["=cmd", "+1", "-2", "@SUM", "ok"]
    for name in names:
        MembershipFactory(debate=debate, role=Role.DEBATER, team=hostile_team,
                          user=UserFactory(username=name))  # fmt: skip
    grading.scale_set(actor=moderator, debate=debate, kind="letters",
                      letters="=1+1, +A, -B, @C, ok")  # fmt: skip
    comment = 'Line one, "quoted";\n=HYPERLINK("http://x")\r\nend'
    users = {m.user.username: m.user for m in debate.memberships.select_related("user")}
    for name, value in zip(names, ["=1+1", "+A", "-B", "@C", "ok"], strict=True):
        grading.grade_set(actor=moderator, debate=debate, user_id=users[name].pk, value=value,
                          comment=f"-{comment}" if name == "ok" else comment)  # fmt: skip
    rows = {row["user_id"]: row for row in _csv(moderator, debate)}
    for row in rows.values():
        for column, cell in row.items():
            assert not cell.startswith(TRIGGERS), (column, cell)
    for name, value in zip(names, ["=1+1", "+A", "-B", "@C", "ok"], strict=True):
        row = rows[str(users[name].pk)]
        assert row["username"] == (name if name == "ok" else f"'{name}")
        assert row["team"] == f"'{hostile_team.name}"
        assert row["grade"] == (value if value == "ok" else f"'{value}")
        # The comment's quotes and line breaks come back as written (csv quotes the cell).
        assert row["grade_comment"] == (f"'-{comment}" if name == "ok" else comment)


@pytest.mark.parametrize("hx", [False, True])
def test_a_points_scale_of_0_is_refused_not_saved_as_100(world, debate, moderator, hx):
    from debate.grading.models import GradeScale

    grading.scale_of(debate)
    before = rows_of()
    extra = {"HTTP_HX_REQUEST": "true"} if hx else {}
    url = reverse("debate-grading-scale", args=[debate.slug])
    response = client_as(moderator).post(url, {"kind": "points", "max_points": "0"}, **extra)
    assert response.status_code == 422
    assert "from 1 to 1000" in response.content.decode()
    assert rows_of() == before
    assert GradeScale.objects.get(debate=debate).kind == "letters"


@pytest.mark.parametrize("who,path", [("moderator", "participation"), ("moderator", "grades"),
                                      ("debater", "grades")])  # fmt: skip
def test_grades_from_the_api_are_never_stored_by_a_cache(world, graded, moderator, who, path):
    """As the CSV (`private, no-store`): a token's answer carries no cookie for a shared
    cache to vary on, and it holds grades."""
    grading.release(actor=moderator, debate=graded, scopes=["grades"])
    response = _api(world.users[who], f"/api/v1/debates/{graded.slug}/{path}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_removed_member_gets_no_notice_quoting_a_private_debate(world, graded, moderator,
                                                                 claim_now):  # fmt: skip
    """membership_end: "they can no longer post, vote or get notices". A rebuttal of their
    old claim must not carry the private debate's words to their activity page."""
    from debate.activity.models import Notice
    from debate.arguments.services import claim_create
    from debate.debates import services as debate_services

    graded.is_public = False
    graded.save()
    membership = graded.memberships.get(user=world.debater_now)
    debate_services.membership_end(actor=moderator, membership=membership)
    claim_create(actor=world.debater_after, debate=graded, position=claim_now.position,
                 parent=claim_now, stance="con", text="Zq-private rebuttal words")  # fmt: skip
    done = grading.release(actor=moderator, debate=graded, scopes=["grades"])
    assert done["students"] == 1  # "1 student notified": debater_after, not the removed one
    assert not Notice.objects.filter(user=world.debater_now).exists()
    page = client_as(world.debater_now).get("/activity/").content.decode()
    assert "Zq-private rebuttal words" not in page
    # A current member still hears of it.
    claim_create(actor=moderator, debate=graded, position=claim_now.position,
                 parent=graded.claims.get(text="Zq-private rebuttal words"), stance="con",
                 text="Answer")  # fmt: skip
    assert Notice.objects.filter(user=world.debater_after, kind="claim.rebutted").exists()


def test_every_new_form_needs_its_csrf_token(world, graded, moderator, claim_now):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    slug, user = graded.slug, world.debater_now
    membership = graded.memberships.get(user=world.observer).pk
    feedback = Feedback.objects.filter(debate=graded).first().pk
    posts = [f"/d/{slug}/people/tasks/", f"/d/{slug}/people/{membership}/change/",
             f"/d/{slug}/people/{membership}/remove/", f"/d/{slug}/grading/release/",
             f"/d/{slug}/grading/scale/", f"/d/{slug}/grading/{user.pk}/grade/",
             f"/d/{slug}/grading/{user.pk}/claims/{claim_now.pk}/feedback/",
             f"/d/{slug}/grading/feedback/{feedback}/remove/", f"/d/{slug}/snapshots/freeze/",
             f"/activity/digest/{slug}/"]  # fmt: skip
    data = {"confirm": "1", "role": "debater", "value": "F", "scope": "grades", "digest": "on"}
    before = rows_of()
    for url in posts:
        assert client.post(url, data).status_code == 403, url
    assert rows_of() == before


def test_a_read_only_token_sets_no_targets(world, debate, moderator):
    from debate.accounts.services import token_create

    _, raw = token_create(actor=moderator, user=moderator, name="ro", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    before = rows_of()
    response = client.put(f"/api/v1/debates/{debate.slug}/targets/", {"min_claims": 3},
                          format="json")  # fmt: skip
    assert response.status_code == 403
    assert rows_of() == {**before, **{k: v for k, v in rows_of().items()
                                      if k == "accounts.ApiToken"}}  # fmt: skip


@pytest.mark.parametrize("route,data", [
    ("grade", {"value": "A" * 17, "comment": ""}),
    ("grade", {"value": "Z", "comment": ""}),
    ("grade", {"value": "A", "comment": "x" * 4001}),
    ("grade", {"value": "A", "comment": "bad\x00null"}),
    ("feedback", {"text": "", "audience": "author"}),
    ("feedback", {"text": "   ", "audience": "author"}),
    ("feedback", {"text": "ok", "audience": "teachers"}),
    ("feedback", {"text": "x" * 4001, "audience": "author"}),
    ("scale", {"kind": "letters", "letters": "A"}),
    ("scale", {"kind": "letters", "letters": "A, A"}),
    ("scale", {"kind": "letters", "letters": "A, TOOLONGLETTER"}),
    ("scale", {"kind": "points", "max_points": "1001"}),
    ("scale", {"kind": "points", "max_points": "-1"}),
    ("scale", {"kind": "stars"}),
    ("scale", {"kind": "points", "max_points": "50"}),  # strands the B already given
    ("change", {"role": "debater"}),
    ("change", {"role": "admin"}),
    ("change", {"role": "debater", "team": "x"}),
    ("remove", {"reason": "no confirm"}),
    ("tasks", {"min_claims": "-1"}),
    ("tasks", {"min_claims": "1000"}),
])  # fmt: skip
def test_bad_input_is_a_4xx_with_a_message_and_changes_nothing(world, graded, moderator,
                                                               claim_now, route, data):  # fmt: skip
    slug, user = graded.slug, world.debater_now
    observer = graded.memberships.get(user=world.observer).pk
    urls = {
        "grade": f"/d/{slug}/grading/{user.pk}/grade/",
        "feedback": f"/d/{slug}/grading/{user.pk}/claims/{claim_now.pk}/feedback/",
        "scale": f"/d/{slug}/grading/scale/",
        "change": f"/d/{slug}/people/{observer}/change/",
        "remove": f"/d/{slug}/people/{observer}/remove/",
        "tasks": f"/d/{slug}/people/tasks/",
    }
    before = rows_of()
    for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client_as(moderator).post(urls[route], data, **extra)
        assert response.status_code == 422, (route, data, response.status_code)
        assert 'role="alert"' in response.content.decode() or "error" in response.content.decode()
    assert rows_of() == before


def test_a_double_submitted_feedback_is_saved_once(world, graded, moderator, claim_now):
    """The feedback form has no guard of its own (the freeze button has `seen`): a double
    click, or a reload that posts again, must not leave the same note twice."""
    url = f"/d/{graded.slug}/grading/{world.debater_now.pk}/claims/{claim_now.pk}/feedback/"
    client = client_as(moderator)
    for _ in range(2):
        assert (
            client.post(url, {"text": "Cite a source. ", "audience": "author"}).status_code == 302
        )
    assert Feedback.objects.filter(claim=claim_now, text="Cite a source.").count() == 1
    # Another audience, or other words, is another note.
    client.post(url, {"text": "Cite a source.", "audience": "everyone"})
    assert Feedback.objects.filter(claim=claim_now, text="Cite a source.").count() == 2
