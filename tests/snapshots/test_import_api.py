"""Export and import through the API alone, and the hazards an import refuses."""

from __future__ import annotations

import copy
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils.dateparse import parse_datetime

from debate.arguments.models import Claim
from debate.debates.models import Debate
from debate.snapshots import importer
from debate.snapshots.documents import content_hash
from tests.api.helpers import API, error_of, token_client, url
from tests.factories import UserFactory, VoteFactory
from tests.helpers import rows_of

pytestmark = pytest.mark.django_db

IMPORT = f"{API}/debates/import/"


@pytest.fixture
def importer_user(db):
    user = UserFactory(username="importer")
    user.user_permissions.add(Permission.objects.get(codename="create_debate"))
    return user


@pytest.fixture
def importer_client(importer_user):
    client = token_client(importer_user)
    client.raise_request_exception = False  # a 500 must show as a 500, not as a traceback
    return client


def api_export(client, slug: str = "ukraine-nato") -> dict:
    response = client.get(url("snapshot/", slug), {"format": "json", "include_text": "1"})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def exported(api_world, anon):
    VoteFactory(user=api_world.observer, claim=api_world.claim, value=4)
    VoteFactory(user=api_world.moderator, claim=api_world.claim, value=1)
    return api_export(anon)


# --- the round trip -------------------------------------------------------------------------


def test_include_text_adds_each_sources_text(api_world, anon):
    plain = anon.get(url("snapshot/")).json()
    with_text = api_export(anon)

    assert "text" not in plain["sources"][0]
    assert with_text["sources"][0]["text"] == api_world.source.text
    assert with_text["content_hash"] == plain["content_hash"]  # the hash leaves texts out


def test_include_text_is_cached_apart_from_the_plain_document(api_world, anon):
    first = anon.get(url("snapshot/"))
    texts = anon.get(url("snapshot/"), {"include_text": "1"})
    again = anon.get(url("snapshot/"))

    assert b'"text":"Ukraine' not in first.content and b'"text":"Ukraine' in texts.content
    assert again.content == first.content
    assert first["ETag"] != texts["ETag"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"include_text": "maybe"}, "include_text"), ({"format": "aif", "include_text": "1"},
     "include_text"), ({"format": "pdf"}, "format")],
)  # fmt: skip
def test_bad_snapshot_query_is_400(api_world, anon, params, field):
    response = anon.get(url("snapshot/"), params)

    assert response.status_code == 400
    assert field in error_of(response)["fields"]


def test_frozen_snapshot_with_include_text_is_400_naming_the_live_export(api_world, anon):
    token_client(api_world.moderator).post(url("snapshots/"))

    response = anon.get(url("snapshots/1/"), {"include_text": "1"})

    assert response.status_code == 400
    assert "include_text=1" in error_of(response)["fields"]["include_text"][0]


def test_export_import_export_through_the_api_keeps_the_content_hash(exported, importer_client):
    response = importer_client.post(IMPORT, exported, format="json")

    assert response.status_code == 201, response.content
    again = api_export(importer_client, response.json()["slug"])
    assert again["content_hash"] == exported["content_hash"]
    assert [c["votes"] for c in again["claims"]] == [c["votes"] for c in exported["claims"]]


def test_moderators_export_with_hidden_claims_round_trips(snap_world, importer_client):
    moderator_export = api_export(token_client(snap_world.moderator))
    assert any(c["hidden"] for c in moderator_export["claims"])

    response = importer_client.post(IMPORT, moderator_export, format="json")

    assert response.status_code == 201, response.content
    again = api_export(importer_client, response.json()["slug"])
    assert again["content_hash"] == moderator_export["content_hash"]


def test_a_document_without_texts_is_refused_naming_the_option(api_world, anon, importer_client):
    document = anon.get(url("snapshot/")).json()

    response = importer_client.post(IMPORT, document, format="json")

    assert response.status_code == 400
    assert "format=json&include_text=1" in error_of(response)["message"]
    # The option it names works: the same request with it gives an importable document.
    assert importer_client.post(IMPORT, api_export(anon), format="json").status_code == 201


# --- authors and timestamps -----------------------------------------------------------------


def test_imported_authors_are_placeholders_never_existing_accounts(exported, importer_client):
    assert {c["author"] for c in exported["claims"]} == {"debater-now", "debater-after"}
    existing = get_user_model().objects.get(username="debater-now")

    response = importer_client.post(IMPORT, exported, format="json")

    debate = Debate.objects.get(slug=response.json()["slug"])
    authors = get_user_model().objects.filter(
        pk__in=debate.claims.values_list("author_id", flat=True)
    )
    assert existing not in authors
    assert {a.username for a in authors} == {
        f"imported-{debate.pk}-debater-now",
        f"imported-{debate.pk}-debater-after",
    }
    assert all(not a.is_active and not a.has_usable_password() for a in authors)
    assert not Claim.objects.filter(author=existing, debate=debate).exists()


def test_a_username_taken_by_someone_gets_another_placeholder(api_world):
    squatter = UserFactory(username=f"imported-{api_world.debate.pk}-alice")
    taken = importer._taken_usernames(api_world.debate)

    accounts = importer._placeholder_authors(api_world.debate, {"alice", "bob"}, taken)

    assert squatter.pk not in accounts.values()
    names = dict(get_user_model().objects.filter(pk__in=accounts.values())
                 .values_list("pk", "username"))  # fmt: skip
    assert names[accounts["alice"]] == f"imported-{api_world.debate.pk}-alice-2"
    assert names[accounts["bob"]] == f"imported-{api_world.debate.pk}-bob"


def test_imported_claims_keep_their_timestamps(exported, importer_client):
    exported = copy.deepcopy(exported)
    exported["claims"][0]["created_at"] = "2024-05-06T07:08:09+00:00"
    exported["claims"][0]["updated_at"] = "2024-05-07T07:08:09+00:00"

    response = importer_client.post(IMPORT, exported, format="json")

    assert response.status_code == 201, response.content
    debate = Debate.objects.get(slug=response.json()["slug"])
    first = debate.claims.order_by("pk").first()
    assert first.created_at == parse_datetime("2024-05-06T07:08:09+00:00")
    assert first.updated_at == parse_datetime("2024-05-07T07:08:09+00:00")


# --- hazards: each a 400 that writes nothing ------------------------------------------------


def _with_claims(document: dict, count: int) -> dict:
    """`count` more top-level claims, copies of the first, with the hash brought up to date."""
    document = copy.deepcopy(document)
    template = next(c for c in document["claims"] if c["parent_id"] is None)
    first_id = max(c["id"] for c in document["claims"]) + 1
    for claim_id in range(first_id, first_id + count):
        document["claims"].append({**copy.deepcopy(template), "id": claim_id,
                                   "text": f"Claim {claim_id}."})  # fmt: skip
    document["content_hash"] = content_hash(document)
    return document


def _rehash(change):
    """A change after which the content hash is brought up to date, so it is all that's wrong."""

    def tamper(document):
        change(document)
        document["content_hash"] = content_hash(document)

    return tamper


def _key(value):
    return _rehash(lambda d: d["positions"][0].__setitem__("key", value))


def _many_authors(document):
    for index, claim in enumerate(document["claims"]):
        claim["author"] = f"author-{index}"


def _long(table: str, field: str, length: int):
    return _rehash(lambda d: d[table][0].__setitem__(field, "x" * length))


def _votes(histogram):
    def change(document):
        document["claims"][0]["votes"] = {"count": sum(histogram), "mean": 1.0,
                                          "histogram": histogram}  # fmt: skip

    return _rehash(change)


def _many_rows(table: str, limit: int):
    def change(document):
        document[table] = [copy.deepcopy(document[table][0]) for _ in range(limit + 1)]

    return change


HAZARDS = [
    pytest.param(_key("a/b?c#d"), "positions/0/key", "is not a slug", id="position-key-url"),
    pytest.param(_key("a b"), "positions/0/key", "is not a slug", id="position-key-space"),
    pytest.param(_rehash(lambda d: d["debate"].__setitem__("description", "x" * 5001)),
                 "debate/description", "at most 5,000 characters", id="long-description"),
    pytest.param(_long("positions", "description", importer.MAX_DESCRIPTION + 1),
                 "positions/0/description", "at most", id="long-position-description"),
    pytest.param(_long("sources", "text", importer.MAX_SOURCE_TEXT + 1), "sources/0/text",
                 "at most", id="long-source-text"),
    pytest.param(_long("claims", "author", importer.MAX_AUTHOR_NAME + 1), "claims/0/author",
                 "at most", id="long-author-name"),
    pytest.param(_votes([0, importer.MAX_VOTES_PER_CLAIM + 1, 0, 0, 0]), "claims",
                 "votes", id="votes-on-one-claim"),
    pytest.param(_rehash(lambda d: d["claims"][0].__setitem__("created_at", "yesterday")),
                 "created_at", "UTC offset", id="bad-created-at"),
    pytest.param(_rehash(lambda d: d["claims"][0].__setitem__("created_at",
                                                              "2024-05-06T07:08:09")),
                 "created_at", "UTC offset", id="naive-created-at"),
    pytest.param(_many_rows("positions", importer.MAX_ROWS["positions"]), "positions",
                 "at most", id="too-many-positions"),
    pytest.param(_many_rows("evidence", importer.MAX_ROWS["evidence"]), "evidence",
                 "at most", id="too-many-evidence"),
]  # fmt: skip


@pytest.mark.parametrize(("tamper", "where", "says"), HAZARDS)
def test_hazard_is_400_with_a_clear_message_and_writes_no_row(
    exported, importer_client, tamper, where, says
):
    document = copy.deepcopy(exported)
    tamper(document)
    before = rows_of()

    response = importer_client.post(IMPORT, document, format="json")

    assert response.status_code == 400, response.content[:300]
    error = error_of(response)
    assert says in error["message"], error
    assert any(where in key for key in error["fields"]), error
    assert rows_of() == before


@pytest.mark.parametrize(
    "where", ["claims/0/text", "debate/title", "sources/0/text", "positions/0/title"]
)
def test_a_lone_surrogate_anywhere_is_400_and_writes_no_row(exported, importer_client, where):
    table, index_or_key, *rest = where.split("/")
    body = json.dumps(exported, ensure_ascii=True)
    target = exported[table][int(index_or_key)][rest[0]] if rest else exported[table][index_or_key]
    # Spelled in the JSON itself, as a sender would: Python's json.dumps cannot write one.
    spelled = json.dumps(target, ensure_ascii=True)
    assert spelled in body
    body = body.replace(spelled, spelled[:-1] + '\\ud800"', 1)
    before = rows_of()

    response = importer_client.post(IMPORT, body, content_type="application/json")

    assert response.status_code == 400, response.content[:300]
    error = error_of(response)
    assert "lone surrogate" in error["message"]
    assert rows_of() == before


def test_a_lone_surrogate_in_a_key_is_400(exported, importer_client):
    body = json.dumps(exported).replace('"schema":', '"\\udfff": 1, "schema":', 1)
    before = rows_of()

    response = importer_client.post(IMPORT, body, content_type="application/json")

    assert response.status_code == 400, response.content[:300]
    assert "lone surrogate" in error_of(response)["message"]
    assert rows_of() == before


def test_too_many_claims_is_400_and_writes_no_row(exported, importer_client, monkeypatch):
    monkeypatch.setitem(importer.MAX_ROWS, "claims", 10)  # the real limit, made small to test
    document = _with_claims(exported, 9)
    before = rows_of()

    response = importer_client.post(IMPORT, document, format="json")

    assert response.status_code == 400
    assert error_of(response)["message"] == (
        "The document has 11 claims; an import takes at most 10."
    )
    assert rows_of() == before


def test_too_many_votes_in_all_is_400(exported, importer_client, monkeypatch):
    monkeypatch.setattr(importer, "MAX_VOTES", 5)
    document = _with_claims(exported, 2)
    for claim in document["claims"]:
        claim["votes"] = {"count": 2, "mean": 1.0, "histogram": [0, 2, 0, 0, 0]}
    document["content_hash"] = content_hash(document)
    before = rows_of()

    response = importer_client.post(IMPORT, document, format="json")

    assert response.status_code == 400
    assert "votes in all" in error_of(response)["message"]
    assert rows_of() == before


def test_too_many_authors_is_400(exported, importer_client, monkeypatch):
    monkeypatch.setattr(importer, "MAX_AUTHORS", 1)
    document = copy.deepcopy(exported)
    _many_authors(document)
    before = rows_of()

    response = importer_client.post(IMPORT, document, format="json")

    assert response.status_code == 400
    assert "authors" in error_of(response)["message"]
    assert rows_of() == before


def test_the_limits_that_the_readme_lists_are_the_importers(settings):
    from pathlib import Path

    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    for value in (*importer.MAX_ROWS.values(), importer.MAX_AUTHORS, importer.MAX_VOTES,
                  importer.MAX_VOTES_PER_CLAIM, importer.MAX_DESCRIPTION,
                  importer.MAX_SOURCE_TEXT, importer.MAX_AUTHOR_NAME):  # fmt: skip
        assert f"{value:,}" in readme, value


# --- refusals quote a short prefix of what was sent -------------------------------------------


@pytest.mark.parametrize(
    "spoil",
    [
        lambda doc: doc["debate"].__setitem__("slug", "x" * 1_000_000),
        lambda doc: doc["positions"][0].__setitem__("key", "ключ " * 200_000),
        lambda doc: doc["teams"][0].__setitem__("name", "𝕏" * 1_000_000),
        lambda doc: doc["positions"][0].__setitem__("id", "9" * 1_000_000),
    ],
    ids=["slug", "position-key", "team-name", "position-id"],
)
def test_a_refused_import_never_echoes_a_huge_value(exported, importer_client, spoil):
    document = copy.deepcopy(exported)
    spoil(document)
    before = rows_of()
    response = importer_client.post(IMPORT, document, format="json")
    assert response.status_code == 400, response.content[:500]
    assert len(response.content) < 5_000
    assert error_of(response)["message"]
    assert rows_of() == before
