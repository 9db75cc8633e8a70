"""Every write people can repeat is rate-limited, per user and per client address, through
the pages and the API alike (debate.ratelimit.check_rate, called by each service).

Each case makes one valid write through HTTP after its budget was already spent, and expects
429 with Retry-After, the refusal's words, and no row changed. The budget is spent directly
(`check_rate` outside a request counts the user; with `current_address` set it counts the
address), so that each case needs only one valid write, whatever the page's form looks like.

The clock of debate.ratelimit is frozen 30 seconds into a minute (and of an hour), so that no
test straddles two windows: Retry-After is then 30 for a minute's limit, 3,570 for an hour's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.test import Client
from rest_framework.test import APIClient

from debate import ratelimit
from debate.accounts.models import ApiToken
from debate.arguments.models import Citation, Claim, Vote
from debate.comments.models import Comment
from debate.debates.models import Debate, Membership, Phase, PollResponse, Team
from debate.moderation.models import Flag
from debate.snapshots.models import Snapshot
from debate.sources.models import Evidence, EvidenceStatus, Source
from tests.factories import ClaimFactory, EvidenceFactory, UserFactory
from tests.helpers import rows_of

FROZEN_TIME = 1_800_000_030.0  # 30 s into a minute, and into an hour
ADDRESS = "127.0.0.1"  # the test client's REMOTE_ADDR
TABLES = (Claim, Vote, Flag, Citation, Evidence, Membership, PollResponse, ApiToken, Snapshot,
          Debate, Team, Source, Comment)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: FROZEN_TIME))


def spend_user(user, action: str, times: int = 1) -> None:
    for _ in range(times):
        ratelimit.check_rate(user, action)


def spend_address(action: str, times: int = 1, address: str = ADDRESS) -> None:
    token = ratelimit.current_address.set(address)
    try:
        for _ in range(times):
            ratelimit.check_rate(None, action)
    finally:
        ratelimit.current_address.reset(token)


@dataclass
class Case:
    """One write: who makes it, what it needs made first (`prepare(world)`, done before the
    rows are compared) and the request (`send(client, world, prepared)`)."""

    action: str
    who: str  # a fixture name in `world`
    send: Callable
    prepare: Callable = lambda world: None
    api: bool = False


def other_claim(world):
    return ClaimFactory(debate=world.debate, position=world.position_after,
                        author=world.debater_after, team=world.team_after)  # fmt: skip


def own_claim(world):
    return ClaimFactory(debate=world.debate, position=world.position_now,
                        author=world.debater_now, team=world.team_now)  # fmt: skip


def own_claim_and_evidence(world):
    evidence = EvidenceFactory(debate=world.debate, source=world.source,
                               status=EvidenceStatus.APPROVED)  # fmt: skip
    return own_claim(world), evidence


def proposed(world):
    return EvidenceFactory(debate=world.debate, source=world.source,
                           status=EvidenceStatus.PROPOSED, reviewed_at=None)  # fmt: skip


def flagged(world):
    return Flag.objects.create(debate=world.debate, claim=other_claim(world),
                               reporter=world.debater_now, kind="off_topic")  # fmt: skip


def voting(world):
    world.debate.phase = Phase.VOTING
    world.debate.save(update_fields=["phase"])


def own_comment(world):
    return Comment.objects.create(debate=world.debate, claim=other_claim(world),
                                  author=world.debater_now, kind="question", text="Which?")


def observers_allowed(world):
    world.debate.allow_observers = True
    world.debate.save(update_fields=["allow_observers"])


D = "/d/ukraine-nato"
A = "/api/v1/debates/ukraine-nato"

CASES = [
    Case("claim", "debater_now", lambda c, w, _: c.post(
        f"{D}/compose/", {"position": w.position_now.pk, "stance": "pro", "text": "A claim."})),
    Case("claim", "debater_now", lambda c, w, _: c.post(
        f"{A}/claims/", {"position_id": w.position_now.pk, "stance": "pro", "text": "A claim."},
        format="json"), api=True),
    Case("edit", "debater_now", lambda c, w, claim: c.post(
        f"{D}/claims/{claim.pk}/edit/", {"text": "Edited text.", "version": claim.version}),
        prepare=own_claim),
    Case("edit", "debater_now", lambda c, w, claim: c.post(f"{D}/claims/{claim.pk}/withdraw/"),
         prepare=own_claim),
    Case("edit", "debater_now", lambda c, w, claim: c.post(
        f"{A}/claims/{claim.pk}/withdraw/", format="json"), prepare=own_claim, api=True),
    Case("vote", "debater_now", lambda c, w, claim: c.post(
        f"{D}/claims/{claim.pk}/vote/", {"value": "3"}), prepare=other_claim),
    Case("vote", "debater_now", lambda c, w, claim: c.put(
        f"{A}/claims/{claim.pk}/vote/", {"value": 3}, format="json"), prepare=other_claim,
        api=True),
    Case("flag", "debater_now", lambda c, w, claim: c.post(
        f"{D}/claims/{claim.pk}/flag/", {"kind": "off_topic", "note": "Off topic."}),
        prepare=other_claim),
    Case("cite", "debater_now", lambda c, w, both: c.post(
        f"{D}/claims/{both[0].pk}/cite/", {"evidence": both[1].pk, "relation": "supports"}),
        prepare=own_claim_and_evidence),
    Case("evidence", "debater_now", lambda c, w, _: c.post(
        f"{D}/sources/{w.source.pk}/propose/", {"quote": "never a replacement for membership"})),
    Case("evidence", "debater_now", lambda c, w, _: c.post(
        f"{A}/evidence/", {"source_id": w.source.pk, "quote": "the authors reply"},
        format="json"), api=True),
    Case("poll", "observer", lambda c, w, _: c.post(
        f"{D}/results/", {"poll": "after", "position": w.position_now.pk}), prepare=voting),
    Case("review", "moderator", lambda c, w, evidence: c.post(
        f"{D}/evidence/{evidence.pk}/review/", {"decision": "approve"}), prepare=proposed),
    Case("review", "moderator", lambda c, w, evidence: c.post(
        f"{A}/evidence/{evidence.pk}/approve/", format="json"), prepare=proposed, api=True),
    Case("review", "moderator", lambda c, w, claim: c.post(
        f"{D}/claims/{claim.pk}/hide/", {"reason": "Off topic for this debate."}),
        prepare=other_claim),
    Case("review", "moderator", lambda c, w, flag: c.post(
        f"{D}/flags/{flag.pk}/resolve/", {"resolution": "dismiss", "reason": "Nothing wrong."}),
        prepare=flagged),
    Case("join", "outsider", lambda c, w, _: c.post("/join/", {"code": w.team_now.invite_code})),
    Case("join", "outsider", lambda c, w, _: c.post(f"{D}/observe/"), prepare=observers_allowed),
    Case("token", "outsider", lambda c, w, _: c.post("/accounts/profile/", {"name": "laptop"})),
    Case("manage", "moderator", lambda c, w, _: c.post(f"{D}/phase/", {"phase": "voting"})),
    Case("manage", "moderator", lambda c, w, _: c.post(
        f"{A}/phase/", {"phase": "voting"}, format="json"), api=True),
    Case("manage", "moderator", lambda c, w, _: c.post(f"{A}/snapshots/", {}, format="json"),
         api=True),
    Case("manage", "moderator", lambda c, w, _: c.post(f"{D}/snapshots/freeze/", {"seen": "0"})),
    Case("manage", "moderator", lambda c, w, _: c.post(f"{D}/manage/",
         {"action": "team", "name": "Team Three", "position": w.position_now.pk})),
    Case("manage", "moderator", lambda c, w, _: c.post(f"{D}/manage/",
         {"action": "source", "title": "Another source", "text": "Some text of it."})),
    Case("manage", "moderator", lambda c, w, _: c.post(f"{D}/manage/",
         {"action": "regenerate", "team": w.team_now.pk})),
    Case("manage", "staff", lambda c, w, _: c.post("/debates/new/", {
        "title": "A new debate", "motion": "Now or later?", "positions-0-title": "Now",
        "positions-1-title": "Later"})),
    Case("review", "moderator", lambda c, w, evidence: c.post(
        f"{A}/evidence/{evidence.pk}/reject/", {"reason": "Not in the source."}, format="json"),
        prepare=proposed, api=True),
    # comments on claims (debate/comments): added and edited count as "comment"; moderators'
    # hides and restores as their other reviews
    Case("comment", "debater_now", lambda c, w, claim: c.post(
        f"{D}/claims/{claim.pk}/comments/add/", {"kind": "question", "text": "Which source?"}),
        prepare=other_claim),
    Case("comment", "debater_now", lambda c, w, claim: c.post(
        f"{A}/claims/{claim.pk}/comments/", {"kind": "question", "text": "Which source?"},
        format="json"), prepare=other_claim, api=True),
    Case("comment", "debater_now", lambda c, w, comment: c.post(
        f"{D}/claims/{comment.claim_id}/comments/{comment.pk}/edit/",
        {"text": "Which page?", "version": "1"}), prepare=own_comment),
    Case("comment", "debater_now", lambda c, w, comment: c.patch(
        f"{A}/comments/{comment.pk}/", {"text": "Which page?", "version": 1}, format="json"),
        prepare=own_comment, api=True),
    Case("review", "moderator", lambda c, w, comment: c.post(
        f"{D}/claims/{comment.claim_id}/comments/{comment.pk}/hide/", {"reason": "Rude."}),
        prepare=own_comment),
    Case("review", "moderator", lambda c, w, comment: c.post(
        f"{A}/comments/{comment.pk}/hide/", {"reason": "Rude."}, format="json"),
        prepare=own_comment, api=True),
]


def case_id(case: Case) -> str:
    return f"{case.action}-{'api' if case.api else 'page'}-{CASES.index(case)}"


@pytest.fixture
def world(debate, position_now, position_after, team_now, team_after, moderator, debater_now,
          debater_after, observer, outsider, source):  # fmt: skip
    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)
    return SimpleNamespace(**locals())


def client_of(case: Case, user):
    client = APIClient() if case.api else Client()
    client.force_login(user)
    return client


def assert_refused(response, case: Case, words: str) -> None:
    assert response.status_code == 429, response.content[:800]
    assert response["Retry-After"] == "30"
    if case.api:
        error = response.json()["error"]
        assert error["code"] == "rate_limited"
        assert words in error["message"]
    else:
        assert words in response.content.decode()


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_write_past_the_users_limit_is_a_429_and_saves_nothing(frozen, settings, world, case):
    settings.RATE_LIMITS = {case.action: 1}
    user = getattr(world, case.who)
    client = client_of(case, user)
    prepared = case.prepare(world)
    spend_user(user, case.action)
    before = rows_of(*TABLES)

    response = case.send(client, world, prepared)

    assert_refused(response, case, "Too many in a minute (1 at most)")
    assert rows_of(*TABLES) == before


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_write_past_the_addresss_limit_is_a_429(frozen, settings, world, case):
    """Others behind the same address spent its budget (the factor times one user's): this
    user's first write of the minute is refused too, and saves nothing."""
    settings.RATE_LIMITS = {case.action: 1}
    settings.RATE_LIMIT_ADDRESS_FACTOR = 2
    client = client_of(case, getattr(world, case.who))
    prepared = case.prepare(world)
    spend_address(case.action, times=2)
    before = rows_of(*TABLES)

    response = case.send(client, world, prepared)

    assert_refused(response, case, "Too many from your network in a minute (2 at most)")
    assert rows_of(*TABLES) == before


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_the_same_write_within_the_limit_succeeds(frozen, settings, world, case):
    """The control: with budget left, each request above is a write that goes through, so
    the 429s above are the limit's and nothing else's."""
    settings.RATE_LIMITS = {case.action: 5}
    client = client_of(case, getattr(world, case.who))
    prepared = case.prepare(world)

    response = case.send(client, world, prepared)

    assert response.status_code in (200, 201, 302), response.content[:800]


# --- the settings and the counting rules -----------------------------------------------------

SETTINGS = {
    "claim": ("RATE_LIMIT_CLAIMS", 20), "edit": ("RATE_LIMIT_EDITS", 30),
    "vote": ("RATE_LIMIT_VOTES", 120), "flag": ("RATE_LIMIT_FLAGS", 10),
    "cite": ("RATE_LIMIT_CITATIONS", 30), "evidence": ("RATE_LIMIT_EVIDENCE", 20),
    "poll": ("RATE_LIMIT_POLLS", 10), "review": ("RATE_LIMIT_REVIEWS", 120),
    "join": ("RATE_LIMIT_JOINS", 10), "token": ("RATE_LIMIT_TOKENS", 10),
    "manage": ("RATE_LIMIT_MANAGE", 60), "signup": ("RATE_LIMIT_SIGNUPS", 30),
    "comment": ("RATE_LIMIT_COMMENTS", 20),
    "password_reset": ("RATE_LIMIT_PASSWORD_RESETS", 10),
    "password_reset_account": ("RATE_LIMIT_PASSWORD_RESETS_ACCOUNT", 3),
}  # fmt: skip


def settings_with(monkeypatch, **env: str) -> dict:
    import runpy

    for name, _ in SETTINGS.values():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("RATE_LIMIT_ADDRESS_FACTOR", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_module("debate.settings")


def test_every_action_has_its_documented_default(monkeypatch):
    built = settings_with(monkeypatch)

    assert built["RATE_LIMITS"] == {action: default for action, (_, default) in SETTINGS.items()}
    assert built["RATE_LIMIT_ADDRESS_FACTOR"] == 10
    assert built["RATE_LIMIT_WINDOWS"] == {"signup": 3600, "password_reset": 3600,
                                           "password_reset_account": 3600}  # fmt: skip


@pytest.mark.parametrize("action", list(SETTINGS))
def test_each_limit_has_one_setting(monkeypatch, action):
    name, _ = SETTINGS[action]

    assert settings_with(monkeypatch, **{name: "7"})["RATE_LIMITS"][action] == 7


def test_a_negative_limit_stops_the_app(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="flag"):
        settings_with(monkeypatch, RATE_LIMIT_FLAGS="-1")


def test_outside_a_request_only_the_user_is_counted(frozen, settings, db):
    settings.RATE_LIMITS = {"claim": 1}
    settings.RATE_LIMIT_ADDRESS_FACTOR = 1
    first, second = UserFactory(), UserFactory()

    ratelimit.check_rate(first, "claim")
    ratelimit.check_rate(second, "claim")  # no address: the two do not share a budget

    with pytest.raises(ratelimit.RateLimited):
        ratelimit.check_rate(first, "claim")


def test_the_system_actor_is_never_counted(frozen, settings):
    from debate.permissions import SYSTEM

    settings.RATE_LIMITS = {"manage": 1}
    token = ratelimit.current_address.set(ADDRESS)
    try:
        for _ in range(5):
            ratelimit.check_rate(SYSTEM, "manage")
    finally:
        ratelimit.current_address.reset(token)


def test_signups_are_counted_per_address_and_hour(frozen, settings):
    settings.RATE_LIMITS = {"signup": 2}
    settings.RATE_LIMIT_WINDOWS = {"signup": 3600}
    spend_address("signup", times=2)
    token = ratelimit.current_address.set(ADDRESS)
    try:
        with pytest.raises(ratelimit.RateLimited) as refused:
            ratelimit.check_rate(None, "signup")
        ratelimit.current_address.set("192.0.2.9")
        ratelimit.check_rate(None, "signup")  # another address has its own budget
    finally:
        ratelimit.current_address.reset(token)

    assert refused.value.retry_after == 3600 - 30
    assert "in an hour (2 at most)" in refused.value.message


def test_password_resets_are_counted_per_account_without_case(frozen, settings, db):
    settings.RATE_LIMITS = {"password_reset_account": 2}
    user = UserFactory()
    ratelimit.check_rate_key("password_reset_account", "Student@Example.org")
    ratelimit.check_rate_key("password_reset_account", "student@example.org ")
    ratelimit.check_rate_key("password_reset_account", user)  # a user is its own key

    with pytest.raises(ratelimit.RateLimited):
        ratelimit.check_rate_key("password_reset_account", "STUDENT@example.org")


def test_a_signup_page_past_the_addresss_limit_is_a_429(frozen, settings, db):
    settings.RATE_LIMITS = {"signup": 1}
    settings.RATE_LIMIT_WINDOWS = {"signup": 3600}
    spend_address("signup")

    password = "a long enough pass 42"  # noqa: S105
    response = Client().post("/accounts/signup/", {"username": "newcomer", "password1": password,
                                                   "password2": password})  # fmt: skip

    assert response.status_code == 429
    assert response["Retry-After"] == str(3600 - 30)
    assert "from your network in an hour (1 at most)" in response.content.decode()
