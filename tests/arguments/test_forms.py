"""The shape of what the claim screens are sent, through the forms in debate.arguments.forms.

Huge values, digits that are digits only in Unicode's eyes, null characters and ids beyond
any row: each is a 4xx with a message that quotes at most a short prefix, the answer stays
small, and nothing changes. A private debate answers as a missing one.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from debate.inputs import DRAFT_KEPT
from tests.factories import ClaimFactory, DebateFactory, EvidenceFactory
from tests.helpers import client_as, rows_of

HX = {"HTTP_HX_REQUEST": "true"}
HUGE = "x" * 1_000_000
# An answer to a megabyte may hold the page and a draft cut to the field's limit.
SMALL = 60_000


@pytest.fixture
def world(world):
    world.claim = ClaimFactory(
        debate=world.debate, position=world.position_now, author=world.debater_now,
        team=world.team_now, text="Accession talks now deny Russia a veto.",
    )  # fmt: skip
    world.evidence = EvidenceFactory(source=world.source, start=0, end=30)
    return world



def _url(world, name: str, *args) -> str:
    return reverse(name, args=[world.debate.slug, *args])


# (who, url name, claim in the path?, method, data): every form of the claim screens.
def _posts(w) -> dict[str, tuple]:
    return {
        "compose-text": ("debater_now", "compose", False,
                         {"position": w.position_now.pk, "stance": "pro", "text": HUGE}),
        "compose-stance": ("debater_now", "compose", False,
                           {"position": w.position_now.pk, "stance": HUGE, "text": "Fine."}),
        "compose-parent": ("debater_after", "compose", False,
                           {"parent": HUGE, "stance": "con", "text": "Fine."}),
        "edit-text": ("debater_now", "claim-edit", True, {"text": HUGE, "version": 1}),
        "edit-version": ("debater_now", "claim-edit", True, {"text": "Fine.", "version": HUGE}),
        "hide-reason": ("moderator", "claim-hide", True, {"reason": HUGE}),
        "restore-reason": ("moderator", "claim-restore", True, {"reason": HUGE}),
        "vote-value": ("debater_after", "claim-vote", True, {"value": HUGE}),
        "cite-evidence": ("debater_now", "claim-cite", True,
                          {"evidence": HUGE, "relation": "supports"}),
        "cite-relation": ("debater_now", "claim-cite", True,
                          {"evidence": w.evidence.pk, "relation": HUGE}),
    }  # fmt: skip


POSTS = [
    "compose-text", "compose-stance", "compose-parent", "edit-text", "edit-version",
    "hide-reason", "restore-reason", "vote-value", "cite-evidence", "cite-relation",
]  # fmt: skip


def _post(world, case: str, headers: dict):
    who, name, with_claim, data = _posts(world)[case]
    address = _url(world, name, world.claim.pk) if with_claim else _url(world, name)
    return client_as(getattr(world, who)).post(address, data, **headers)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
@pytest.mark.parametrize("case", POSTS)
def test_a_huge_value_is_refused_without_echoing_it(world, case, headers):
    before = rows_of()

    response = _post(world, case, headers)

    body = response.content.decode()
    assert response.status_code == 422, body[:500]
    assert len(response.content) < SMALL
    # A claim's draft comes back whole up to DRAFT_KEPT characters (to shorten, not retype);
    # every other field's cut to its limit.
    kept = DRAFT_KEPT if case in ("compose-text", "edit-text") else 1000
    assert "x" * (kept + 1) not in body
    assert 'class="form-error"' in body
    assert rows_of() == before


def test_a_huge_claim_says_how_long_it_is(world):
    response = _post(world, "compose-text", HX)

    assert "A claim has at most 1,000 characters; this one has 1,000,000." in (
        response.content.decode()
    )


NOT_ASCII_NUMBERS = ["²", "１", "٣", "-1", "0", "1.0", " ", "9" * 30]
NUMBER_FIELDS = {
    "compose-parent": ("debater_after", "compose", False, "parent",
                       {"stance": "con", "text": "A reply."}),
    "compose-position": ("debater_now", "compose", False, "position",
                         {"stance": "pro", "text": "A claim."}),
    "edit-version": ("debater_now", "claim-edit", True, "version", {"text": "New words."}),
    "cite-evidence": ("debater_now", "claim-cite", True, "evidence", {"relation": "supports"}),
    "vote": ("debater_after", "claim-vote", True, "value", {}),
}  # fmt: skip
# A vote of 0 is a vote and a blank one withdraws the vote: both are valid there.
VALID_VOTES = {"0", " "}


@pytest.mark.parametrize(
    ("who", "name", "with_claim", "field", "data", "digit"),
    [
        pytest.param(*case, digit, id=f"{key}-{digit[:4]!r}")
        for key, case in NUMBER_FIELDS.items()
        for digit in NOT_ASCII_NUMBERS
        if not (case[3] == "value" and digit in VALID_VOTES)
    ],
)
def test_a_number_in_other_digits_is_refused(world, who, name, with_claim, field, data, digit):
    address = _url(world, name, world.claim.pk) if with_claim else _url(world, name)
    before = rows_of()

    response = client_as(getattr(world, who)).post(address, {**data, field: digit})

    # Version 0 is a number, and a stale one: the edit conflicts (409) and saves nothing.
    assert response.status_code in (404, 409, 422), response.content[:500]
    assert rows_of() == before


@pytest.mark.parametrize(
    "query",
    ["?parent=%C2%B2", "?position=%EF%BC%91", "?parent=0", "?position=99999999999999999999"],
)
def test_compose_form_for_a_target_in_other_digits_is_refused(world, query):
    response = client_as(world.debater_now).get(_url(world, "compose") + query, **HX)

    assert response.status_code in (404, 422)
    assert "<html" not in response.content.decode()


def test_a_compose_form_without_a_target_says_what_to_choose(world):
    # Opened without a target (the source reader's "new claim from this quote"), the form
    # asks for the position; posted without one, it is refused with what to choose.
    response = client_as(world.debater_now).get(_url(world, "compose"))
    assert response.status_code == 200
    assert '<select name="position"' in response.content.decode()

    response = client_as(world.debater_now).post(
        _url(world, "compose"), {"stance": "pro", "text": "Fine."}
    )
    assert response.status_code == 422
    assert "Choose a position, or a claim to reply to." in response.content.decode()


@pytest.mark.parametrize("case", ["compose", "edit", "hide", "cite"])
def test_a_null_character_is_refused_and_changes_nothing(world, case):
    who, name, data = {
        "compose": ("debater_now", "compose",
                    {"position": world.position_now.pk, "stance": "pro", "text": "a\x00b"}),
        "edit": ("debater_now", "claim-edit", {"text": "a\x00b", "version": 1}),
        "hide": ("moderator", "claim-hide", {"reason": "spam\x00"}),
        "cite": ("debater_now", "claim-cite", {"evidence": "1\x00", "relation": "supports"}),
    }[case]  # fmt: skip
    address = _url(world, name) if case == "compose" else _url(world, name, world.claim.pk)
    before = rows_of()

    response = client_as(getattr(world, who)).post(address, data)

    assert response.status_code in (400, 422)
    assert "Null characters are not allowed." in response.content.decode()
    assert rows_of() == before


def test_a_huge_picker_query_is_refused_and_not_echoed(world):
    response = client_as(world.debater_now).get(
        _url(world, "claim-cite", world.claim.pk), {"q": HUGE}, **HX
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert len(response.content) < SMALL
    assert "x" * 201 not in body
    assert "Ensure this value has at most 200 characters" in body


def test_a_draft_of_a_refused_edit_is_kept(world):
    """Cutting a huge value does not cut a draft a person wrote: it stays as typed."""
    draft = "My careful draft, " * 10

    response = client_as(world.debater_now).post(
        _url(world, "claim-edit", world.claim.pk), {"text": draft, "version": "²"}
    )

    assert response.status_code == 422
    assert f">{draft.strip()}</textarea>" in response.content.decode() or (
        f">{draft}</textarea>" in response.content.decode()
    )


def test_a_path_id_beyond_any_row_is_not_found(world):
    address = reverse("claim-edit", args=[world.debate.slug, 10**30])

    response = client_as(world.debater_now).get(address)

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["compose", "claim-edit", "claim-cite", "claim-vote"])
def test_a_private_debate_answers_as_a_missing_one(world, name):
    hidden = DebateFactory(slug="behind-closed-doors", is_public=False)
    args = [] if name == "compose" else [world.claim.pk]
    client = client_as(world.outsider)

    private = client.post(reverse(name, args=[hidden.slug, *args]), {"text": "Hi"})
    missing = client.post(reverse(name, args=["no-such-debate", *args]), {"text": "Hi"})

    assert private.status_code == missing.status_code == 404
    assert _without_csrf(private.content) == _without_csrf(missing.content)


def _without_csrf(content: bytes) -> bytes:
    """The page as any visitor gets it: each answer masks its CSRF token afresh."""
    return re.sub(rb"[A-Za-z0-9]{64}", b"<token>", content)


@pytest.mark.parametrize(
    ("stance", "checked"), [("pro", "pro"), ("con", "con"), ("maybe", "con"), (HUGE, "con")]
)
def test_the_compose_link_presets_the_stance_and_nothing_else(world, stance, checked):
    response = client_as(world.debater_after).get(
        _url(world, "compose"), {"parent": world.claim.pk, "stance": stance}, **HX
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert f'name="stance" value="{checked}" checked' in body
    assert len(response.content) < SMALL
