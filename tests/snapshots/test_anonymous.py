"""Anonymous debates in the exports (tests/mapview/test_visibility.py walks the API table):
the download and diff pages, the roster's CSV and API, the outside readers of AIF and
Argdown, and the importer, each over the anonymous world (tests/mapview/anonymous_world.py)."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from debate.arguments.models import Claim
from debate.debates.models import Debate
from tests.api.helpers import API, token_client, url
from tests.factories import UserFactory
from tests.mapview.anonymous_world import (
    ANONYMOUS_NON_MODERATORS,
    PARTICIPANTS,
    build_anonymous_world,
    others_of,
    pseudonyms_of,
)
from tests.snapshots.outside_tools import argdown_json
from tests.snapshots.test_aif import assert_arguebuf_reads_the_map, check_aif_rules

pytestmark = pytest.mark.django_db

D = "/d/ukraine-nato"
FORMATS = ("json", "aif", "argdown", "graphml")
PAGES = {
    **{f"export.{fmt}": f"{D}/export.{fmt}" for fmt in FORMATS},
    "export.json+texts": f"{D}/export.json?texts=1",
    **{f"frozen.{fmt}": f"{D}/snapshots/1/export.{fmt}" for fmt in FORMATS},
    "diff": f"{D}/snapshots/1/diff/2/",
    "diff.live": f"{D}/snapshots/1/diff/live/",
    "exports": f"{D}/exports/",
}


@pytest.fixture
def anon_world(db, request):
    return build_anonymous_world(request)


def client_of(world, role: str) -> Client:
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ANONYMOUS_NON_MODERATORS)
def test_no_download_or_diff_page_names_another_participant(anon_world, role, page):
    response = client_of(anon_world, role).get(PAGES[page])

    assert response.status_code == 200, (role, page)
    body = b"".join(response) if response.streaming else response.content
    assert not {who for who, name in others_of(role).items() if name in body}, (role, page)


@pytest.mark.parametrize("page", ["export.json", "frozen.json", "frozen.aif"])
def test_moderators_downloads_carry_usernames_and_pseudonyms(anon_world, page):
    body = client_of(anon_world, "moderator").get(PAGES[page]).content

    assert PARTICIPANTS["debater"] in body
    assert pseudonyms_of(anon_world)["debater"].encode() in body


def test_moderators_aif_names_each_participant_with_the_pseudonym_as_surname(anon_world):
    aif = token_client(anon_world.moderator).get(url("snapshot/"), {"format": "aif"}).json()
    pseudonyms = pseudonyms_of(anon_world)

    people = {p["firstname"]: p["surname"] for p in aif["participants"]}
    assert people["zq-ana-7731"] == pseudonyms["debater"]
    rival = token_client(anon_world.users["rival"]).get(url("snapshot/"), {"format": "aif"})
    assert {p["surname"] for p in rival.json()["participants"]} == {""}
    assert pseudonyms["debater"] in {p["firstname"] for p in rival.json()["participants"]}


# --- the roster ------------------------------------------------------------------------------


def test_the_participation_csv_has_a_pseudonym_column_for_moderators(anon_world):
    response = client_of(anon_world, "moderator").get(f"{D}/participation.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    pseudonyms = pseudonyms_of(anon_world)

    by_name = {row["username"]: row["pseudonym"] for row in rows}
    assert by_name["zq-ana-7731"] == pseudonyms["debater"]
    assert by_name[PARTICIPANTS["hidden_author"].decode()] == pseudonyms["hidden_author"]


def test_the_participation_api_has_each_pseudonym_for_moderators(anon_world):
    rows = token_client(anon_world.moderator).get(url("participation/")).json()

    by_name = {row["username"]: row["pseudonym"] for row in rows}
    assert by_name["zq-rival-7731"] == pseudonyms_of(anon_world)["rival"]


def test_an_ordinary_debates_csv_keeps_its_columns(world):
    response = client_of(world, "moderator").get(f"{D}/participation.csv")

    assert "pseudonym" not in response.content.decode().splitlines()[0].split(",")
    rows = token_client(world.moderator).get(url("participation/")).json()
    assert {row["pseudonym"] for row in rows} == {""}


@pytest.mark.parametrize("role", ANONYMOUS_NON_MODERATORS)
def test_no_one_else_reads_the_roster(anon_world, role):
    page = client_of(anon_world, role).get(f"{D}/participation.csv")
    user = anon_world.users[role]
    api = token_client(user).get(url("participation/")) if user else None

    assert page.status_code in (302, 403, 404)
    assert api is None or api.status_code in (403, 404)


# --- the outside readers ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["rival", "moderator"])
def test_arguebuf_reads_an_anonymous_debates_aif(anon_world, role):
    client = token_client(anon_world.users[role])
    document = client.get(url("snapshot/")).json()
    aif = client.get(url("snapshot/"), {"format": "aif"}).json()

    assert_arguebuf_reads_the_map(aif, document)
    check_aif_rules(aif)


@pytest.mark.parametrize("role", ["rival", "moderator"])
def test_argdown_parses_an_anonymous_debates_argdown(anon_world, role, tmp_path):
    client = token_client(anon_world.users[role])
    for path in ("snapshot/", "snapshots/1/"):
        text = client.get(url(path), {"format": "argdown"}).content.decode()
        workdir = tmp_path / path.replace("/", "_")
        workdir.mkdir()
        parsed = argdown_json(text, workdir)
        assert parsed["statements"], path


@pytest.mark.parametrize("language", ["en", "uk"])
@pytest.mark.parametrize("role", ["rival", "moderator"])
def test_the_outside_readers_take_hostile_names_and_words_in_an_anonymous_debate(
    anon_world, role, language, tmp_path
):
    """A username of letters from other scripts and every character Django allows beside
    them (the moderators' AIF names them, with the pseudonym as surname), and claims in
    every wording that means something to Argdown or JSON; read in either interface
    language (pseudonyms are words of it: «Учасник 7»)."""
    from debate.debates.models import Role
    from debate.debates.services import membership_set
    from debate.permissions import SYSTEM
    from tests.factories import ClaimFactory
    from tests.snapshots.helpers import HOSTILE_STRINGS

    debate = anon_world.debate
    odd = UserFactory(username="Ґанна_حسن.o+k@-x")
    team = debate.teams.first()
    membership_set(actor=SYSTEM, debate=debate, user=odd, role=Role.DEBATER, team=team)
    for text in HOSTILE_STRINGS:  # written in any phase (the phase rules are not tested here)
        ClaimFactory(author=odd, debate=debate, position=team.position, team=team, text=text)
    client = token_client(anon_world.users[role])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    document = client.get(url("snapshot/")).json()
    aif = client.get(url("snapshot/"), {"format": "aif"}).json()
    names = {row["author"] for row in document["claims"]}
    assert (odd.username in names) == (role == "moderator")
    pseudonyms = {row.get("author_pseudonym") or row["author"] for row in document["claims"]}
    word = "Учасник" if language == "uk" else "Participant"
    assert any(str(name).startswith(word) for name in pseudonyms), pseudonyms
    assert_arguebuf_reads_the_map(aif, document)
    check_aif_rules(aif)
    text = client.get(url("snapshot/"), {"format": "argdown"}).content.decode()
    assert argdown_json(text, tmp_path)["statements"]


# --- the importer ----------------------------------------------------------------------------


def test_an_anonymous_export_imports_without_crediting_anyone_here(anon_world):
    exported = token_client(anon_world.users["rival"]).get(
        url("snapshot/"), {"format": "json", "include_text": "1"}
    )
    assert exported.status_code == 200
    document = exported.json()
    assert any(c.get("author_pseudonym") for c in document["claims"])
    importer = UserFactory(username="importer")
    importer.user_permissions.add(Permission.objects.get(codename="create_debate"))

    response = token_client(importer).post(f"{API}/debates/import/", document, format="json")

    assert response.status_code == 201, response.content
    debate = Debate.objects.get(slug=response.json()["slug"])
    authors = set(
        Claim.objects.filter(debate=debate, author__isnull=False).values_list(
            "author__username", flat=True
        )
    )
    real = set(get_user_model().objects.filter(is_active=True).values_list("username", flat=True))
    assert authors and not authors & real
    assert all(name.startswith(f"imported-{debate.pk}-Participant") for name in authors)
