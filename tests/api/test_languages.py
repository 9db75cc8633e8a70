"""The API's error messages follow the request's Accept-Language (LocaleMiddleware), for a
signed-out client and a token-authenticated one alike, while the status and the `code` a
program reads stay the same in every language. Our own messages come from debate/locale;
DRF's own validation messages from DRF's catalogue."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.api.helpers import error_of, token_client, url

pytestmark = pytest.mark.django_db

CYRILLIC = set("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя")


def in_both(send):
    """The same request in English and in Ukrainian: (English error, Ukrainian error), after
    checking that both have the same status and code."""
    english = send(HTTP_ACCEPT_LANGUAGE="en")
    ukrainian = send(HTTP_ACCEPT_LANGUAGE="uk")
    assert english.status_code == ukrainian.status_code
    en, uk = error_of(english), error_of(ukrainian)
    assert en["code"] == uk["code"]
    assert set(en["fields"]) == set(uk["fields"])
    assert english["Content-Language"] == "en-gb"
    assert ukrainian["Content-Language"] == "uk"
    return en, uk


def test_an_unknown_format_is_refused_in_the_readers_language(api_world, anon):
    en, uk = in_both(lambda **headers: anon.get(url("snapshot/?format=pdf"), **headers))

    assert en["status"] == 400 and en["code"] == "invalid"
    assert en["message"] == "The request is not valid: see fields."
    assert uk["message"] == "Запит недійсний: подробиці — у помилках полів."
    assert en["fields"]["format"] == ["Choose one of: json, aif, argdown, graphml."]
    assert uk["fields"]["format"] == ["Виберіть одне з: json, aif, argdown, graphml."]


def test_a_token_authenticated_request_gets_the_readers_language(api_world):
    client = token_client(api_world.moderator)

    en, uk = in_both(lambda **headers: client.get(url("snapshots/999/"), **headers))

    assert en["status"] == 404 and en["code"] == "not_found"
    assert en["message"] == "No snapshot 999."
    assert uk["message"] == "Знімка 999 немає."


def test_a_read_only_token_is_refused_in_the_readers_language(api_world):
    client = token_client(api_world.moderator, read_only=True)

    en, uk = in_both(lambda **headers: client.post(
        url("phase/"), {"phase": "voting"}, format="json", **headers))  # fmt: skip

    assert en["status"] == 403 and en["code"] == "permission_denied"
    assert en["message"] == "This token is read-only."
    assert uk["message"] == "Цей токен лише для читання."


def test_an_unknown_token_is_refused_in_the_readers_language(api_world, anon):
    anon.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    en, uk = in_both(lambda **headers: anon.get(url(""), **headers))

    assert en["status"] == 401 and en["code"] == "authentication_failed"
    assert en["message"] == "The token is unknown or revoked."
    assert uk["message"] == "Токен невідомий або відкликаний."


def test_an_unknown_field_is_named_in_the_readers_language(api_world):
    client = token_client(api_world.own)
    vote_url = url(f"claims/{api_world.claim.pk}/vote/")

    en, uk = in_both(lambda **headers: client.put(
        vote_url, {"value": 3, "weight": 1}, format="json", **headers))  # fmt: skip

    assert en["status"] == 400 and en["code"] == "invalid"
    assert en["fields"]["weight"] == ["Unknown field."]
    assert uk["fields"]["weight"] == ["Невідоме поле."]


def test_drf_validation_messages_come_translated_by_drf(api_world):
    client = token_client(api_world.own)
    vote_url = url(f"claims/{api_world.claim.pk}/vote/")

    en, uk = in_both(lambda **headers: client.put(vote_url, {"value": 9}, format="json",
                                                  **headers))  # fmt: skip

    assert en["status"] == 400 and en["code"] == "invalid"
    assert en["fields"]["value"] == ["Ensure this value is less than or equal to 4."]
    assert uk["fields"]["value"] != en["fields"]["value"]
    assert CYRILLIC & set(uk["fields"]["value"][0].lower())


def test_a_missing_debate_is_one_answer_in_each_language(anon, db):
    en, uk = in_both(lambda **headers: anon.get(url("", slug="no-such-debate"), **headers))

    assert en["status"] == 404 and en["code"] == "not_found"
    assert en["message"] == "No such debate."
    assert uk["message"] == "Таких дебатів немає."


def test_the_schema_still_validates_with_translated_messages(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert out.stat().st_size > 0
