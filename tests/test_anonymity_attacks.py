"""Attacks on anonymous debates (helper "breakanon"): one test per leak found, named for the
behaviour that now holds. The world is tests/mapview/anonymous_world.py: every participant
has a username that is easy to find in raw bytes (`PARTICIPANTS`)."""

from __future__ import annotations

import secrets

import pytest
from django.contrib.auth.models import Permission

from debate.arguments.models import Claim
from debate.debates.models import Debate
from debate.debates.services import debate_clone, membership_set
from debate.people.models import Pseudonym
from debate.people.services import pseudonyms_assign
from tests.api.helpers import API, token_client, url
from tests.factories import DebateFactory, UserFactory
from tests.helpers import client_as
from tests.mapview.anonymous_world import PARTICIPANTS, build_anonymous_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def anon_world(db, request):
    return build_anonymous_world(request)


def _importer():
    importer = UserFactory(username="importer")
    importer.user_permissions.add(Permission.objects.get(codename="create_debate"))
    return importer


def test_a_moderators_export_of_an_anonymous_debate_imports_under_pseudonyms(anon_world):
    """The moderator's download names each author by username with `author_pseudonym`
    beside it. Imported as it is, the new (public) debate credited its claims to
    `imported-<id>-<username>`, so anyone could read who wrote what in the anonymous one.
    A document that carries a pseudonym is imported under the pseudonym."""
    world = anon_world
    exported = token_client(world.moderator).get(
        url("snapshot/", world.debate.slug), {"format": "json", "include_text": "1"}
    )
    assert exported.status_code == 200
    document = exported.json()
    assert any(c.get("author_pseudonym") for c in document["claims"])
    assert PARTICIPANTS["debater"].decode() in {c.get("author") for c in document["claims"]}

    importer = _importer()
    response = token_client(importer).post(f"{API}/debates/import/", document, format="json")

    assert response.status_code == 201, response.content
    imported = Debate.objects.get(slug=response.json()["slug"])
    authors = set(
        Claim.objects.filter(debate=imported, author__isnull=False)
        .values_list("author__username", flat=True)
    )  # fmt: skip
    assert authors
    assert all(name.startswith(f"imported-{imported.pk}-Participant") for name in authors)
    for page in (f"/d/{imported.slug}/", f"/d/{imported.slug}/export.json"):
        body = client_as(None).get(page).content
        assert {who for who, name in PARTICIPANTS.items() if name in body} == set(), page
    # The round trip still keeps the content hash (people are not in it).
    again = token_client(importer).get(
        url("snapshot/", imported.slug), {"format": "json", "include_text": "1"}
    )
    assert again.json()["content_hash"] == document["content_hash"]


def test_a_clone_of_an_anonymous_debate_is_anonymous(anon_world):
    """Cloning copies the debate's settings (public, observers, standings) but dropped
    anonymous mode: the students who joined the copy of an anonymous seminar saw each
    other's usernames. The clone is anonymous before anyone joins it."""
    world = anon_world
    world.moderator.user_permissions.add(Permission.objects.get(codename="create_debate"))
    moderator = type(world.moderator).objects.get(pk=world.moderator.pk)

    clone = debate_clone(actor=moderator, debate=world.debate, title="Next term's seminar")

    assert Debate.objects.get(pk=clone.pk).anonymous is True
    student = UserFactory(username="zq-new-7731")
    membership_set(actor=moderator, debate=clone, user=student, role="observer")
    assert Pseudonym.objects.filter(debate=clone, user=student).exists()
    assert Pseudonym.objects.filter(debate=clone, user=moderator).exists()


def test_the_first_joiners_pseudonym_is_drawn_from_as_wide_a_range_as_the_twentieths(
    monkeypatch,
):
    """Numbers came from a range that grew with the debate (1..22 for its first member, the
    moderator who set it up; 1..79 for the twentieth), so a high number said "joined late"
    and a low one made the teacher a likely guess. In a seminar-sized debate every member
    draws from the same range, whenever they joined."""
    debate = DebateFactory()
    tops: list[int] = []  # the top of each draw's range: what is free now and what is taken
    sample = secrets.SystemRandom.sample

    def spying(self, population, k):
        taken = Pseudonym.objects.filter(debate=debate).values_list("number", flat=True)
        tops.append(max({*population, *taken}))
        return sample(self, population, k)

    monkeypatch.setattr(secrets.SystemRandom, "sample", spying)
    for _ in range(20):
        pseudonyms_assign(debate, [UserFactory().pk])

    assert len(tops) == 20
    assert tops[0] == tops[-1] >= 99
    numbers = list(Pseudonym.objects.filter(debate=debate).values_list("number", flat=True))
    assert len(set(numbers)) == 20


def test_every_foreign_key_to_a_user_is_a_person_key_of_event_states():
    """A model's new `reviewer` or `hidden_by` leaves an anonymous debate's events without
    anyone remembering to list it (visibility.person_keys derives them)."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from debate.mapview.visibility import Names, person_keys, state_named

    keys = person_keys()
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if getattr(f, "related_model", None) is get_user_model() and f.concrete:
                assert {f.name, f.attname} <= keys, f"{model.__name__}.{f.name}"
    hidden = Names(anonymous=True, moderator=False)
    state = {"reviewer_id": 7, "hidden_by_id": 8, "members": [7, 8], "status": "approved"}
    assert state_named(state, hidden) == {"status": "approved"}
    assert state_named(state, Names(anonymous=True, moderator=True)) == state
