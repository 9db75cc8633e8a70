"""The screens that write to the map, through Django's test client.

Who may do what in which phase (the issue's table, written out below), CSRF on every write,
bad input, full page versus htmx fragment, escaping, query counts and the live poll.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from debate.activity.services import visit_record
from debate.arguments import services
from debate.arguments.models import Citation, Claim, Stance, Vote
from debate.audit.models import AuditEvent
from debate.debates import services as debate_services
from debate.debates.models import PHASE_ORDER, Debate, Phase
from debate.mapview.build import debate_version
from debate.sources import services as source_services
from debate.sources.models import EvidenceStatus
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    DebateFactory,
    EvidenceFactory,
    PositionFactory,
    SourceFactory,
    VoteFactory,
)
from tests.helpers import client_as, rows_of

HX = {"HTTP_HX_REQUEST": "true"}
CLAIM_TEXT = "Accession talks now deny Russia a veto over NATO enlargement."
NEW_TEXT = "A brand-new claim written through the compose form."
EDITED_TEXT = "Accession talks now deny Moscow a veto over enlargement."


def set_phase(world: SimpleNamespace, phase: str) -> None:
    """Put the debate in `phase`; `next_phase` is where the phase form will move it."""
    Debate.objects.filter(pk=world.debate.pk).update(phase=phase)
    world.debate.refresh_from_db()
    world.next_phase = PHASE_ORDER[(PHASE_ORDER.index(phase) + 1) % len(PHASE_ORDER)]


@pytest.fixture
def world(world, debate, position_now, team_now, debater_now, source):
    """The shared world with Team Now's claim under "now", a hidden claim, and approved
    evidence; `position` is "now".

    "own" is debater_now: on Team Now, which argues "now", and the author of both claims.
    "other" is debater_after, on the other team.
    """
    claim = ClaimFactory(
        debate=debate, position=position_now, author=debater_now, team=team_now, text=CLAIM_TEXT
    )
    hidden = ClaimFactory(
        debate=debate, position=position_now, author=debater_now, team=team_now,
        text="A claim a moderator hid.", is_hidden=True, hidden_reason="Off topic",
    )  # fmt: skip
    evidence = EvidenceFactory(source=source, start=0, end=30)
    vars(world).update(position=position_now, claim=claim, hidden=hidden, evidence=evidence)
    world.call(own="debater", other="rival")
    set_phase(world, debate.phase)
    return world


# --- the role x phase matrix -----------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    """One write endpoint: where it posts, what, how to tell it happened, what it records."""

    url: Callable[[SimpleNamespace], str]
    data: Callable[[SimpleNamespace], dict]
    done: Callable[[SimpleNamespace], bool]
    action: str
    refusal: str


def _on(name: str, attr: str = "claim") -> Callable[[SimpleNamespace], str]:
    return lambda w: reverse(name, args=[w.debate.slug, getattr(w, attr).pk])


def _compose(w: SimpleNamespace) -> str:
    return reverse("compose", args=[w.debate.slug])


WRITES = {
    "compose-position": Write(
        url=_compose,
        data=lambda w: {"position": w.position.pk, "stance": "pro", "text": NEW_TEXT},
        done=lambda w: Claim.objects.filter(text=NEW_TEXT, parent=None).exists(),
        action="claim.create",
        refusal="You cannot add a claim here in this phase.",
    ),
    "compose-reply": Write(
        url=_compose,
        data=lambda w: {"parent": w.claim.pk, "stance": "con", "text": NEW_TEXT},
        done=lambda w: Claim.objects.filter(text=NEW_TEXT, parent=w.claim).exists(),
        action="claim.create",
        refusal="You cannot add a claim here in this phase.",
    ),
    "edit": Write(
        url=_on("claim-edit"),
        data=lambda w: {"text": EDITED_TEXT, "version": w.claim.version},
        done=lambda w: Claim.objects.filter(pk=w.claim.pk, text=EDITED_TEXT, version=2).exists(),
        action="claim.edit",
        refusal="You cannot edit this claim: only its author can, in the opening and "
        "rebuttal phases.",
    ),
    "withdraw": Write(
        url=_on("claim-withdraw"),
        data=lambda w: {},
        done=lambda w: Claim.objects.filter(pk=w.claim.pk, is_withdrawn=True).exists(),
        action="claim.withdraw",
        refusal="Only the author can withdraw a claim.",
    ),
    "hide": Write(
        url=_on("claim-hide"),
        data=lambda w: {"reason": "Off topic"},
        done=lambda w: Claim.objects.filter(pk=w.claim.pk, is_hidden=True).exists(),
        action="claim.hide",
        refusal="Only moderators hide or restore claims.",
    ),
    "restore": Write(
        url=_on("claim-restore", "hidden"),
        data=lambda w: {"reason": "Back on topic"},
        done=lambda w: Claim.objects.filter(pk=w.hidden.pk, is_hidden=False).exists(),
        action="claim.restore",
        refusal="Only moderators hide or restore claims.",
    ),
    "vote": Write(
        url=_on("claim-vote"),
        data=lambda w: {"value": "3"},
        done=lambda w: Vote.objects.filter(claim=w.claim, value=3).exists(),
        action="vote.cast",
        refusal="You cannot vote on this claim now.",
    ),
    "cite": Write(
        url=_on("claim-cite"),
        data=lambda w: {"evidence": w.evidence.pk, "relation": "supports"},
        done=lambda w: Citation.objects.filter(claim=w.claim, evidence=w.evidence).exists(),
        action="citation.add",
        refusal="You cannot cite evidence on this claim.",
    ),
    "phase": Write(
        url=lambda w: reverse("debate-phase", args=[w.debate.slug]),
        data=lambda w: {"phase": w.next_phase},
        done=lambda w: Debate.objects.filter(pk=w.debate.pk, phase=w.next_phase).exists(),
        action="debate.phase",
        refusal="Only moderators change the phase.",
    ),
}

ROLES = ["moderator", "own", "other", "observer", "outsider", "anonymous"]
PHASES = list(PHASE_ORDER)
OPEN = {"setup", "opening", "rebuttal", "voting"}  # moderators: everything until closed
ARGUING = {"opening", "rebuttal"}  # debaters add and edit their own claims
RATING = {"rebuttal", "voting"}  # members vote

# The table, per write: role -> the phases in which it is allowed. Anything missing
# is refused. Nobody rates their own claim ("own" wrote the target claim); authors withdraw,
# moderators hide and restore; a closed debate is read-only except for reopening it.
ALLOWED: dict[str, dict[str, set[str]]] = {
    "compose-position": {"moderator": OPEN, "own": ARGUING, "other": {"rebuttal"}},
    "compose-reply": {"moderator": OPEN, "own": ARGUING, "other": {"rebuttal"}},
    "edit": {"moderator": OPEN, "own": ARGUING},
    "withdraw": {"own": ARGUING},
    "hide": {"moderator": OPEN},
    "restore": {"moderator": OPEN},
    "vote": {"moderator": RATING, "other": RATING, "observer": RATING},
    "cite": {"moderator": OPEN, "own": ARGUING},
    "phase": {"moderator": set(PHASES)},
}

CASES = [(write, role, phase) for write in WRITES for role in ROLES for phase in PHASES]
ALLOWED_CASES = [
    pytest.param(w, r, p, id=f"{r}-{w}-{p}") for w, r, p in CASES if p in ALLOWED[w].get(r, ())
]
REFUSED_CASES = [
    pytest.param(w, r, p, id=f"{r}-{w}-{p}") for w, r, p in CASES if p not in ALLOWED[w].get(r, ())
]


CLOSED = "The debate is closed: nothing changes until a moderator reopens it."


def refused_as(write: str, role: str, phase: str) -> tuple[int, str]:
    """The status and message of a refusal. None of these views is login_required, so an
    anonymous visitor gets the same 403 as a member without the right. A closed debate
    says so, whoever asks, for every change to the map (votes and phases have their own)."""
    if write == "vote" and role == "own":
        return 422, "You cannot rate your own claim."
    if write == "restore" and role != "moderator":
        return 404, "Not found"  # only moderators see a hidden claim at all
    if phase == "closed" and write not in ("vote", "phase"):
        return 403, CLOSED
    if write == "withdraw" and role == "own":
        return 403, "phase claims can no longer be withdrawn"
    return 403, WRITES[write].refusal


@pytest.mark.parametrize(("write", "role", "phase"), ALLOWED_CASES)
def test_allowed_write_redirects_changes_the_map_and_is_audited(world, write, role, phase):
    spec, user = WRITES[write], world.users[role]
    set_phase(world, phase)
    last_event = max(AuditEvent.objects.values_list("pk", flat=True), default=0)

    response = client_as(user).post(spec.url(world), spec.data(world))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("debate", args=[world.debate.slug]))
    assert spec.done(world)
    events = AuditEvent.objects.filter(pk__gt=last_event)
    expected = [(spec.action, user.pk)]
    if write == "phase" and world.next_phase == Phase.CLOSED:
        expected.append(("snapshot.take", user.pk))  # closing freezes a snapshot
    assert [(e.action, e.actor_id) for e in events] == expected


@pytest.mark.parametrize(("write", "role", "phase"), REFUSED_CASES)
def test_refused_write_is_explained_and_changes_nothing(world, write, role, phase):
    spec = WRITES[write]
    set_phase(world, phase)
    before = rows_of()

    response = client_as(world.users[role]).post(spec.url(world), spec.data(world))

    status, message = refused_as(write, role, phase)
    assert response.status_code == status
    assert escape(message) in response.content.decode()
    assert not spec.done(world)
    assert rows_of() == before


# One allowed (role, phase) per write, for the htmx variant.
HTMX_WRITES = {
    "compose-position": "own",
    "compose-reply": "other",
    "edit": "own",
    "withdraw": "own",
    "hide": "moderator",
    "restore": "moderator",
    "vote": "other",
    "cite": "own",
}


@pytest.mark.parametrize(("write", "role"), HTMX_WRITES.items(), ids=list(HTMX_WRITES))
def test_htmx_write_returns_a_fragment_and_nudges_the_live_poller(world, write, role):
    spec = WRITES[write]

    response = client_as(world.users[role]).post(spec.url(world), spec.data(world), **HX)

    assert response.status_code == 200
    assert "Location" not in response
    assert "debate-changed" in response["HX-Trigger"]
    assert "<html" not in response.content.decode()
    assert spec.done(world)


def test_htmx_phase_change_reloads_the_page_instead_of_redirecting(world, moderator):
    response = client_as(moderator).post(
        reverse("debate-phase", args=[world.debate.slug]), {"phase": Phase.VOTING}, **HX
    )
    assert response.status_code == 200
    assert "Location" not in response
    assert response["HX-Refresh"] == "true"
    world.debate.refresh_from_db()
    assert world.debate.phase == Phase.VOTING


def test_htmx_refusal_is_a_fragment_with_the_reason(world, observer):
    before = rows_of()
    response = client_as(observer).post(
        reverse("claim-edit", args=[world.debate.slug, world.claim.pk]),
        {"text": EDITED_TEXT, "version": 1},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "<html" not in html
    assert "You cannot edit this claim" in html
    assert rows_of() == before


def test_author_cannot_withdraw_a_claim_that_a_visible_claim_answers(world, debater_now):
    ClaimFactory(parent=world.claim, stance=Stance.CON, text="A reply")
    before = rows_of()
    response = client_as(debater_now).post(
        reverse("claim-withdraw", args=[world.debate.slug, world.claim.pk])
    )
    assert response.status_code == 422
    assert "Other claims answer this one" in response.content.decode()
    assert rows_of() == before


# A reply answers its claim unless its own author withdrew it; one a moderator hid still
# answers (someone answered). The card offers Withdraw exactly when the service allows it.
REPLIES = {
    "no reply": None,
    "visible reply": {},
    "hidden reply": {"is_hidden": True, "hidden_reason": "Off topic"},
    "withdrawn reply": {"is_withdrawn": True},
    "withdrawn and hidden reply": {"is_withdrawn": True, "is_hidden": True},
}
MAY_WITHDRAW = {"no reply": True, "visible reply": False, "hidden reply": False,
                "withdrawn reply": True, "withdrawn and hidden reply": True}  # fmt: skip


@pytest.mark.parametrize("reply", list(REPLIES))
def test_the_withdraw_control_on_the_card_matches_what_the_service_allows(
    world, debater_now, reply
):
    if REPLIES[reply] is not None:
        ClaimFactory(parent=world.claim, stance=Stance.CON, text="A reply", **REPLIES[reply])
    client = client_as(debater_now)
    page = client.get(reverse("debate", args=[world.debate.slug]))
    assert page.status_code == 200
    offered = f'id="withdraw-{world.claim.pk}"' in page.content.decode()
    before = rows_of()

    response = client.post(reverse("claim-withdraw", args=[world.debate.slug, world.claim.pk]))

    assert offered is MAY_WITHDRAW[reply]
    if MAY_WITHDRAW[reply]:
        assert response.status_code == 302
        assert Claim.objects.get(pk=world.claim.pk).is_withdrawn
    else:
        assert response.status_code == 422
        assert "Other claims answer this one (a reply a moderator hid still counts)" in (
            response.content.decode()
        )
        assert rows_of() == before


def test_empty_vote_withdraws_the_voters_vote(world, observer):
    VoteFactory(user=observer, claim=world.claim, value=2)
    response = client_as(observer).post(
        reverse("claim-vote", args=[world.debate.slug, world.claim.pk]), {"value": ""}
    )
    assert response.status_code == 302
    assert Vote.objects.get(user=observer, claim=world.claim).is_withdrawn


@pytest.mark.parametrize(
    ("write", "role", "phase", "wrong_reason"),
    [
        ("withdraw", "own", Phase.VOTING, "Only the author"),
        ("hide", "moderator", Phase.CLOSED, "Only moderators"),
    ],
    ids=["author-withdraw-in-voting", "moderator-hide-when-closed"],
)
def test_phase_refusal_names_the_phase_not_the_role(world, write, role, phase, wrong_reason):
    set_phase(world, phase)
    spec = WRITES[write]
    response = client_as(world.users[role]).post(spec.url(world), spec.data(world))
    assert response.status_code == 403
    assert wrong_reason not in response.content.decode()


# --- CSRF --------------------------------------------------------------------------------------

# The natural actor of each write, to show that the same POST with a token goes through.
CSRF_ACTOR = {write: "moderator" for write in WRITES} | {"withdraw": "own"}


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("write", list(WRITES))
def test_write_without_csrf_token_is_refused_and_changes_nothing(world, moderator, write, htmx):
    spec = WRITES[write]
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    before = rows_of()

    response = client.post(spec.url(world), spec.data(world), **(HX if htmx else {}))

    assert response.status_code == 403
    assert "CSRF verification failed" in response.content.decode()
    assert rows_of() == before

    # The same POST, with the token the page hands out, goes through.
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[CSRF_ACTOR[write]])
    client.get(reverse("debate", args=[world.debate.slug]))
    token = client.cookies["csrftoken"].value
    response = client.post(spec.url(world), spec.data(world), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    assert spec.done(world)


# --- bad input -----------------------------------------------------------------------------


def post_compose(world, user, **data):
    return client_as(user).post(reverse("compose", args=[world.debate.slug]), data)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write the claim: it cannot be empty."),
        ("   \n\t  ", "Write the claim: it cannot be empty."),
        ("x" * 1001, "A claim has at most 1,000 characters; this one has 1,001."),
    ],
    ids=["empty", "whitespace", "1001-chars"],
)
def test_compose_refuses_bad_text_with_a_message(world, debater_now, text, message):
    before = rows_of()
    response = post_compose(world, debater_now, position=world.position.pk, stance="pro", text=text)
    html = response.content.decode()
    assert response.status_code == 422
    assert escape(message) in html
    assert 'aria-invalid="true"' in html
    assert rows_of() == before


def test_compose_accepts_exactly_1000_characters(world, debater_now):
    response = post_compose(
        world, debater_now, position=world.position.pk, stance="pro", text="y" * 1000
    )
    assert response.status_code == 302
    assert Claim.objects.filter(text="y" * 1000).count() == 1


def test_compose_keeps_the_draft_when_refusing_it(world, debater_now):
    response = post_compose(
        world, debater_now, position=world.position.pk, stance="maybe", text="My careful draft"
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Choose whether the claim supports (pro) or attacks (con)." in html
    assert "My careful draft</textarea>" in html
    assert not Claim.objects.filter(text="My careful draft").exists()


def test_compose_under_a_claim_of_another_debate_is_not_found(world, debater_now):
    elsewhere = ClaimFactory(debate=DebateFactory(), text="A claim in another debate")
    before = rows_of()
    response = post_compose(world, debater_now, parent=elsewhere.pk, stance="con", text=NEW_TEXT)
    assert response.status_code == 404
    assert rows_of() == before


def test_compose_under_a_position_of_another_debate_is_not_found(world, debater_now):
    elsewhere = PositionFactory(debate=DebateFactory())
    before = rows_of()
    response = post_compose(world, debater_now, position=elsewhere.pk, stance="pro", text=NEW_TEXT)
    assert response.status_code == 404
    assert rows_of() == before


def test_compose_with_a_non_numeric_parent_is_refused(world, debater_now):
    before = rows_of()
    response = post_compose(world, debater_now, parent="12abc", stance="con", text=NEW_TEXT)
    assert response.status_code == 422
    assert "Unknown parent." in response.content.decode()
    assert rows_of() == before


def test_htmx_compose_with_a_non_numeric_parent_gets_a_fragment(world, debater_now):
    response = client_as(debater_now).post(
        reverse("compose", args=[world.debate.slug]),
        {"parent": "abc", "stance": "con", "text": NEW_TEXT},
        **HX,
    )
    assert response.status_code == 422
    assert "<html" not in response.content.decode()


@pytest.mark.parametrize("state", ["is_hidden", "is_withdrawn"])
def test_cannot_reply_to_a_claim_that_left_the_map(world, debater_after, state):
    Claim.objects.filter(pk=world.claim.pk).update(**{state: True})
    before = rows_of()
    response = post_compose(world, debater_after, parent=world.claim.pk, stance="con", text="Hi")
    assert response.status_code == 404  # a claim that left the map is not there to answer
    assert rows_of() == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("7", "A vote is from 0 to 4, not 7."),
        ("-1", "A vote is from 0 to 4, not -1."),
        ("x", "A vote is a whole number from 0 to 4."),
        ("2.5", "A vote is a whole number from 0 to 4."),
    ],
)
def test_vote_out_of_range_or_not_a_number_is_refused(world, debater_after, value, message):
    before = rows_of()
    response = client_as(debater_after).post(
        reverse("claim-vote", args=[world.debate.slug, world.claim.pk]), {"value": value}
    )
    assert response.status_code == 422
    assert escape(message) in response.content.decode()
    assert rows_of() == before


def test_edit_with_stale_version_is_refused_and_keeps_the_draft(world, moderator, debater_now):
    services.claim_edit(
        actor=moderator, claim=world.claim, text="The moderator's wording", version=1
    )
    before = rows_of()
    url = reverse("claim-edit", args=[world.debate.slug, world.claim.pk])

    response = client_as(debater_now).post(url, {"text": "My own draft", "version": 1}, **HX)

    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone changed this claim" in html
    assert escape("The moderator's wording") in re.search(
        r'class="context-quote current-text">(.*?)</blockquote>', html, re.S
    ).group(1)
    assert re.search(r"<textarea[^>]*>My own draft</textarea>", html)
    assert '<input type="hidden" name="version" value="2">' in html
    assert rows_of() == before

    # Saving again deliberately, with the version the conflict handed back, goes through.
    response = client_as(debater_now).post(url, {"text": "My own draft", "version": 2})
    assert response.status_code == 302
    assert Claim.objects.get(pk=world.claim.pk).text == "My own draft"


@pytest.mark.parametrize("version", [None, "", "two"], ids=["missing", "empty", "not-a-number"])
def test_edit_without_a_valid_version_is_refused(world, debater_now, version):
    data = {"text": EDITED_TEXT} | ({} if version is None else {"version": version})
    before = rows_of()
    response = client_as(debater_now).post(
        reverse("claim-edit", args=[world.debate.slug, world.claim.pk]), data
    )
    assert response.status_code == 422
    assert "The version is missing or not a number." in response.content.decode()
    assert rows_of() == before


def test_edit_to_empty_text_is_refused(world, debater_now):
    before = rows_of()
    response = client_as(debater_now).post(
        reverse("claim-edit", args=[world.debate.slug, world.claim.pk]),
        {"text": "  ", "version": 1},
    )
    assert response.status_code == 422
    assert "Write the claim: it cannot be empty." in response.content.decode()
    assert rows_of() == before


def test_cite_evidence_of_another_debate_is_not_found(world, debater_now):
    foreign = EvidenceFactory(source=SourceFactory(debate=DebateFactory()), start=0, end=20)
    before = rows_of()
    response = client_as(debater_now).post(
        reverse("claim-cite", args=[world.debate.slug, world.claim.pk]),
        {"evidence": foreign.pk, "relation": "supports"},
    )
    assert response.status_code == 404
    assert rows_of() == before


@pytest.mark.parametrize("status", [EvidenceStatus.PROPOSED, EvidenceStatus.REJECTED])
def test_cite_unapproved_evidence_is_refused(world, debater_now, source, status):
    unapproved = EvidenceFactory(source=source, start=40, end=60, status=status)
    before = rows_of()
    response = client_as(debater_now).post(
        reverse("claim-cite", args=[world.debate.slug, world.claim.pk]),
        {"evidence": unapproved.pk, "relation": "supports"},
    )
    assert response.status_code == 422
    assert "Only approved evidence can be cited." in response.content.decode()
    assert rows_of() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"evidence": "abc", "relation": "supports"}, "Choose a piece of evidence."),
        ({"evidence": None, "relation": "supports"}, "Choose a piece of evidence."),
        ({"relation": "refutes"}, "Choose whether the evidence supports or concedes."),
    ],
    ids=["non-numeric", "missing", "unknown-relation"],
)
def test_cite_without_a_valid_choice_is_refused(world, debater_now, data, message):
    data = {"evidence": world.evidence.pk} | data
    data = {key: value for key, value in data.items() if value is not None}
    before = rows_of()
    response = client_as(debater_now).post(
        reverse("claim-cite", args=[world.debate.slug, world.claim.pk]), data
    )
    assert response.status_code == 422
    assert escape(message) in response.content.decode()
    assert rows_of() == before


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "whitespace"])
def test_hide_without_a_reason_is_refused(world, moderator, reason):
    before = rows_of()
    response = client_as(moderator).post(
        reverse("claim-hide", args=[world.debate.slug, world.claim.pk]), {"reason": reason}
    )
    assert response.status_code == 422
    assert "Give a reason." in response.content.decode()
    assert rows_of() == before


def test_unknown_phase_is_refused(world, moderator):
    before = rows_of()
    response = client_as(moderator).post(
        reverse("debate-phase", args=[world.debate.slug]), {"phase": "finished"}
    )
    assert response.status_code == 422
    assert "Unknown phase." in response.content.decode()
    assert rows_of() == before


# --- full page versus fragment -------------------------------------------------------------


def _compose_under(attr: str, key: str) -> Callable[[SimpleNamespace], str]:
    return lambda w: _compose(w) + f"?{key}={getattr(w, attr).pk}"


# form -> (its URL, a marker the form carries both as a page and as a fragment)
FORMS = {
    "compose": (_compose_under("position", "position"), 'hx-post="{compose}"'),
    "reply": (_compose_under("claim", "parent"), 'name="parent" value="{claim}"'),
    "edit": (_on("claim-edit"), 'name="version" value="1"'),
    "cite": (_on("claim-cite"), 'id="picker-{claim}"'),
    "hide": (_on("claim-hide"), 'name="reason"'),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_form_is_a_full_page_for_a_browser_and_a_fragment_for_htmx(
    world, debater_now, moderator, form
):
    url, marker = FORMS[form]
    marker = marker.format(
        compose=reverse("compose", args=[world.debate.slug]), claim=world.claim.pk
    )
    client = client_as(moderator if form == "hide" else debater_now)

    page = client.get(url(world))
    fragment = client.get(url(world), **HX)

    assert page.status_code == fragment.status_code == 200
    assert "<html" in page.content.decode()
    assert marker in page.content.decode()
    assert "<html" not in fragment.content.decode()
    assert "<form" in fragment.content.decode()
    assert marker in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]


def test_cite_search_returns_only_the_results_list_for_htmx(world, debater_now):
    url = reverse("claim-cite", args=[world.debate.slug, world.claim.pk])
    response = client_as(debater_now).get(url, {"q": world.evidence.quote.split()[0]}, **HX)
    html = response.content.decode()
    assert html.lstrip().startswith(
        f'<ul class="picker-results" id="picker-results-{world.claim.pk}"'
    )
    assert escape(world.evidence.quote) in html


@pytest.mark.parametrize("form", ["edit", "cite", "hide", "restore", "reply"])
def test_hidden_claim_text_is_not_served_by_the_forms(world, form):
    secret = "A slur the moderator hid."
    Claim.objects.filter(pk=world.hidden.pk).update(text=secret)
    url = (
        reverse("compose", args=[world.debate.slug]) + f"?parent={world.hidden.pk}"
        if form == "reply"
        else reverse(f"claim-{form}", args=[world.debate.slug, world.hidden.pk])
    )
    response = Client().get(url)
    assert secret not in response.content.decode()


def test_htmx_edit_success_updates_the_card_in_place(world, debater_now):
    response = client_as(debater_now).post(
        reverse("claim-edit", args=[world.debate.slug, world.claim.pk]),
        {"text": EDITED_TEXT, "version": 1},
        **HX,
    )
    assert response.status_code == 200
    retargeted = response.get("HX-Retarget") == f"#claim-card-{world.claim.pk}"
    oob = re.search(rf'id="claim-card-{world.claim.pk}"[^>]*hx-swap-oob', response.content.decode())
    assert retargeted or oob


def test_refused_htmx_withdraw_keeps_the_claims_replies(world, debater_now):
    ClaimFactory(parent=world.claim, stance=Stance.CON, text="A reply that must stay")
    response = client_as(debater_now).post(
        reverse("claim-withdraw", args=[world.debate.slug, world.claim.pk]), **HX
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert f'id="claim-{world.claim.pk}"' in html
    assert "A reply that must stay" in html


# --- escaping ------------------------------------------------------------------------------

PAYLOADS = ["<img src=x onerror=alert(1)>", '<b hx-get="/admin/" hx-trigger="load">x</b>']


@pytest.mark.parametrize("page", ["debate", "claim", "live", "edit", "cite", "reply"])
@pytest.mark.parametrize("payload", PAYLOADS, ids=["img-onerror", "hx-get"])
def test_claim_text_is_escaped(world, debater_now, payload, page):
    claim = services.claim_create(
        actor=debater_now, debate=world.debate, position=world.position, text=payload,
        stance="pro",
    )  # fmt: skip
    slug = world.debate.slug
    url = {
        "debate": reverse("debate", args=[slug]),
        "claim": reverse("claim", args=[slug, claim.pk]),
        "live": reverse("debate-live", args=[slug]) + "?since=0",
        "edit": reverse("claim-edit", args=[slug, claim.pk]),
        "cite": reverse("claim-cite", args=[slug, claim.pk]),
        "reply": reverse("compose", args=[slug]) + f"?parent={claim.pk}",
    }[page]

    response = client_as(debater_now).get(url, **HX if page == "live" else {})

    html = response.content.decode()
    assert response.status_code == 200
    assert payload not in html
    assert escape(payload) in html


# --- query counts --------------------------------------------------------------------------


def grow_map(world, size: int) -> None:
    """Add `size` claims by both teams, nested and rebutting, each cited and voted on."""
    debate = world.debate
    positions = list(debate.positions.order_by("order"))
    authors = [
        (world.users["own"], debate.teams.get(name="Team Now")),
        (world.users["other"], debate.teams.get(name="Team After")),
    ]
    voters = [world.users["observer"], world.users["moderator"]]
    made: list[Claim] = []
    for index in range(size):
        author, team = authors[index % 2]
        parent = made[index // 2] if made and index % 3 else None
        claim = ClaimFactory(
            debate=debate,
            position=parent.position if parent else positions[index % 2],
            parent=parent,
            author=author,
            team=team,
            stance=Stance.CON if index % 2 else Stance.PRO,
        )
        CitationFactory(claim=claim, evidence=world.evidence)
        for voter in voters:
            VoteFactory(user=voter, claim=claim, value=index % 5)
        if author != world.users["own"]:  # the viewer's own votes, shown on the buttons
            VoteFactory(user=world.users["own"], claim=claim, value=(index + 1) % 5)
        made.append(claim)


def queries_of(request: Callable[[], object], status: int = 200) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == status
    return len(captured)


def fresh_target(world) -> Claim:
    """A claim of the other team that debater_now has not voted on yet."""
    return ClaimFactory(
        debate=world.debate, position=world.debate.positions.get(key="after"),
        author=world.users["other"], team=world.debate.teams.get(name="Team After"),
    )  # fmt: skip


def measure(world, what: str) -> int:
    client = client_as(world.users["own"])
    slug = world.debate.slug
    if what == "debate page":
        return queries_of(lambda: client.get(reverse("debate", args=[slug])))
    if what == "claim page":
        return queries_of(lambda: client.get(reverse("claim", args=[slug, world.claim.pk])))
    if what == "vote fragment":
        url = reverse("claim-vote", args=[slug, fresh_target(world).pk])
        return queries_of(lambda: client.post(url, {"value": "2"}, **HX))
    since = debate_version(world.debate.pk)
    if what == "live after a vote":
        services.vote_cast(actor=world.users["observer"], claim=fresh_target(world), value=1)
    else:  # "live after a phase change": every card is re-rendered
        phase = Phase.VOTING if world.debate.phase != Phase.VOTING else Phase.REBUTTAL
        world.debate = debate_services.phase_change(
            actor=world.users["moderator"], debate=world.debate, phase=phase
        )
    url = reverse("debate-live", args=[slug]) + f"?since={since}"
    return queries_of(lambda: client.get(url, **HX))


@pytest.mark.parametrize(
    "what",
    [
        "debate page",
        "claim page",
        "vote fragment",
        "live after a vote",
        "live after a phase change",
    ],
)
def test_query_count_does_not_grow_with_the_debate(world, what):
    grow_map(world, 10)
    # The reader's first visit inserts its row once ("new since your last visit"); later
    # pages read it in one query, which is what both measures see.
    visit_record(user=world.users["own"], debate=world.debate)
    small = measure(world, what)
    grow_map(world, 90)
    large = measure(world, what)
    assert world.debate.claims.count() >= 100
    assert small == large


def test_unchanged_live_poll_is_304_in_two_queries(world, debater_now):
    services.claim_create(
        actor=debater_now, debate=world.debate, position=world.position, text="x", stance="pro"
    )
    url = reverse("debate-live", args=[world.debate.slug])
    url += f"?since={debate_version(world.debate.pk)}"
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url, **HX)
    assert response.status_code == 304
    assert len(captured) <= 2


# --- live ----------------------------------------------------------------------------------


def poll(user, world, since: int):
    url = reverse("debate-live", args=[world.debate.slug]) + f"?since={since}"
    return client_as(user).get(url, **HX)


def test_live_poll_inserts_a_reply_the_other_team_just_added(world, debater_now, debater_after):
    since = debate_version(world.debate.pk)
    added = client_as(debater_after).post(
        reverse("compose", args=[world.debate.slug]),
        {"parent": world.claim.pk, "stance": "con", "text": "Talks now invite escalation."},
    )
    assert added.status_code == 302

    response = poll(debater_now, world, since)

    html = response.content.decode()
    reply = Claim.objects.get(text="Talks now invite escalation.")
    assert response.status_code == 200
    assert f'hx-swap-oob="beforeend:#children-{world.claim.pk}"' in html
    assert f'id="claim-{reply.pk}"' in html
    assert "Talks now invite escalation." in html
    assert f'data-version="{debate_version(world.debate.pk)}"' in html


def test_live_poll_inserts_a_new_top_level_claim_under_its_position(world, debater_now, observer):
    since = debate_version(world.debate.pk)
    services.claim_create(
        actor=debater_now, debate=world.debate, position=world.position, text="Top", stance="pro"
    )
    html = poll(observer, world, since).content.decode()
    assert f'hx-swap-oob="beforeend:#children-p-{world.position.pk}"' in html


def test_live_poll_updates_the_card_after_a_vote(world, debater_after, observer):
    since = debate_version(world.debate.pk)
    voted = client_as(debater_after).post(
        reverse("claim-vote", args=[world.debate.slug, world.claim.pk]), {"value": "4"}, **HX
    )
    assert voted.status_code == 200

    html = poll(observer, world, since).content.decode()

    card = re.search(rf'<article[^>]*id="claim-card-{world.claim.pk}"[^>]*>', html)
    assert card is not None
    assert 'hx-swap-oob="true"' in card.group(0)
    assert "1 vote · mean impact 4.0 / 4" in html


def test_live_poll_shows_the_phase_banner_after_a_phase_change(world, moderator, observer):
    since = debate_version(world.debate.pk)
    changed = client_as(moderator).post(
        reverse("debate-phase", args=[world.debate.slug]), {"phase": Phase.VOTING}
    )
    assert changed.status_code == 302

    html = poll(observer, world, since).content.decode()

    assert re.search(r'id="phase-banner"[^>]*hx-swap-oob="true"', html)
    assert '<li class="phase-step phase-step--current" aria-current="step">Voting</li>' in html


def test_live_poll_deletes_a_hidden_leaf_for_non_moderators(world, moderator, debater_after):
    since = debate_version(world.debate.pk)
    hidden = client_as(moderator).post(
        reverse("claim-hide", args=[world.debate.slug, world.claim.pk]), {"reason": "Off topic"}
    )
    assert hidden.status_code == 302

    html = poll(debater_after, world, since).content.decode()

    assert f'<div id="claim-{world.claim.pk}" hx-swap-oob="delete"></div>' in html
    assert CLAIM_TEXT not in html


def test_live_poll_redraws_the_parent_of_a_reply_that_left_the_map(
    world, moderator, debater_after
):
    """The parent's strength changes when its attacker goes; the reply is gone from the
    viewer's map, so the walk up the tree starts from where it sat."""
    reply = ClaimFactory(parent=world.claim, stance=Stance.CON, text="An attack soon hidden")
    since = debate_version(world.debate.pk)
    services.claim_hide(actor=moderator, claim=reply, reason="Off topic")

    html = poll(debater_after, world, since).content.decode()

    assert f'<div id="claim-{reply.pk}" hx-swap-oob="delete"></div>' in html
    assert f'id="claim-card-{world.claim.pk}" hx-swap-oob="true"' in html


def test_live_poll_redraws_the_claims_citing_evidence_a_moderator_hid(
    world, moderator, debater_after
):
    CitationFactory(claim=world.claim, evidence=world.evidence)
    since = debate_version(world.debate.pk)
    source_services.evidence_hide(actor=moderator, evidence=world.evidence, reason="Misquoted")

    html = poll(debater_after, world, since).content.decode()

    card = html[html.index(f'id="claim-card-{world.claim.pk}"') :]
    assert world.evidence.quote not in card[: card.index("</article>")]


def test_live_poll_keeps_a_hidden_leaf_for_moderators(world, moderator):
    since = debate_version(world.debate.pk)
    services.claim_hide(actor=moderator, claim=world.claim, reason="Off topic")
    html = poll(moderator, world, since).content.decode()
    assert 'hx-swap-oob="delete"' not in html


def test_live_poll_redacts_a_hidden_claim_that_has_replies(world, moderator, debater_after):
    ClaimFactory(parent=world.claim, stance=Stance.CON, text="A reply that stays")
    since = debate_version(world.debate.pk)
    services.claim_hide(actor=moderator, claim=world.claim, reason="Off topic")

    html = poll(debater_after, world, since).content.decode()

    card = re.search(rf'<article[^>]*id="claim-card-{world.claim.pk}"[^>]*hx-swap-oob="true"', html)
    assert CLAIM_TEXT not in html
    # The placeholder replaces the card the page shows (an insertion alone would be skipped).
    assert card is not None


def test_live_poll_is_not_modified_when_nothing_changed(world, observer):
    response = poll(observer, world, debate_version(world.debate.pk))
    assert response.status_code == 304


@pytest.mark.parametrize("query", ["since=junk", "since=0&root=x"])
def test_live_poll_with_a_garbage_version_is_a_bad_request(world, observer, query):
    url = reverse("debate-live", args=[world.debate.slug]) + f"?{query}"
    response = client_as(observer).get(url, **HX)
    assert response.status_code == 400
    assert "must be whole numbers" in response.content.decode()


def test_focused_claim_page_polls_only_for_its_subtree(world, debater_now, observer):
    page = client_as(observer).get(reverse("claim", args=[world.debate.slug, world.claim.pk]))
    assert f"&amp;root={world.claim.pk}" in page.content.decode()
    since = debate_version(world.debate.pk)
    inside = services.claim_create(
        actor=debater_now, debate=world.debate, position=world.position, parent=world.claim,
        text="Inside the subtree", stance="pro",
    )  # fmt: skip
    services.claim_create(
        actor=debater_now, debate=world.debate, position=world.position,
        text="Elsewhere in the map", stance="pro",
    )  # fmt: skip
    url = reverse("debate-live", args=[world.debate.slug])
    html = client_as(observer).get(f"{url}?since={since}&root={world.claim.pk}", **HX)
    html = html.content.decode()
    assert f'id="claim-{inside.pk}"' in html
    assert "Elsewhere in the map" not in html
    assert 'id="standings"' not in html


def test_live_poll_of_a_private_debate_is_not_found_for_outsiders(world, outsider):
    Debate.objects.filter(pk=world.debate.pk).update(is_public=False)
    assert poll(outsider, world, 0).status_code == 404


def test_outsider_sees_no_controls_on_the_debate_page(world, outsider):
    html = client_as(outsider).get(reverse("debate", args=[world.debate.slug])).content.decode()
    assert CLAIM_TEXT in html
    assert 'name="value"' not in html
    assert reverse("claim-edit", args=[world.debate.slug, world.claim.pk]) not in html
    assert reverse("compose", args=[world.debate.slug]) not in html


def test_debater_sees_vote_buttons_on_the_other_teams_claim_only(world, debater_now, debater_after):
    url = reverse("claim", args=[world.debate.slug, world.claim.pk])
    vote_url = reverse("claim-vote", args=[world.debate.slug, world.claim.pk])
    assert vote_url not in client_as(debater_now).get(url).content.decode()
    assert vote_url in client_as(debater_after).get(url).content.decode()


def test_htmx_hide_closes_the_form_and_greys_the_card_in_place(world, moderator):
    response = client_as(moderator).post(
        reverse("claim-hide", args=[world.debate.slug, world.claim.pk]),
        {"reason": "Off topic"},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<form" not in html  # the reason form in the slot is replaced by nothing
    card = re.search(rf'<article class="([^"]*)" id="claim-card-{world.claim.pk}"[^>]*>', html)
    assert card is not None and "claim-card--hidden" in card.group(1)
    assert 'hx-swap-oob="true"' in card.group(0)
    assert Claim.objects.get(pk=world.claim.pk).is_hidden
