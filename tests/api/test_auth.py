"""Who is calling: a session, a full token, a read-only token, a revoked token, or nobody."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from debate.accounts.models import ApiToken, hash_token
from debate.accounts.services import token_create, token_revoke
from debate.debates.models import Debate, Phase
from tests.api.helpers import error_of, session_client, token_client, url
from tests.helpers import rows_of

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def change_phase(client):
    return client.post(url("phase/"), {"phase": "voting"}, format="json")


def test_public_debate_is_readable_without_a_token(api_world, anon):
    assert anon.get(url("")).status_code == 200
    assert anon.get(url("claims/")).status_code == 200
    assert anon.get(url("snapshot/")).status_code == 200


def test_anonymous_write_is_401_with_a_bearer_challenge(api_world, anon):
    before = rows_of()

    response = change_phase(anon)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert error_of(response)["code"] == "not_authenticated"
    assert rows_of() == before


def test_full_token_writes(api_world):
    response = change_phase(token_client(api_world.moderator))

    assert response.status_code == 200
    assert Debate.objects.get(pk=api_world.debate.pk).phase == Phase.VOTING


def test_token_from_the_command_line_works_and_is_shown_once(api_world):
    out = StringIO()

    call_command("create_api_token", "moderator", "--read-only", stdout=out)

    raw = out.getvalue().strip()
    token = ApiToken.objects.get(user=api_world.moderator)
    assert token.read_only is True
    assert token.key_hash == hash_token(raw) != raw
    assert raw.startswith(token.prefix)
    assert bearer(raw).get(url("claims/")).status_code == 200
    assert change_phase(bearer(raw)).status_code == 403


def test_command_for_an_unknown_user_fails(db):
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody-by-this-name", stdout=StringIO())


def test_read_only_token_reads_but_cannot_write(api_world):
    client = token_client(api_world.moderator, read_only=True)
    before = rows_of()

    read = client.get(url("claims/"))
    write = change_phase(client)

    assert read.status_code == 200
    assert write.status_code == 403
    assert error_of(write)["message"] == "This token is read-only."
    assert rows_of() == before


def test_read_only_token_of_a_member_reads_a_private_debate(api_world):
    Debate.objects.filter(pk=api_world.debate.pk).update(is_public=False)

    response = token_client(api_world.observer, read_only=True).get(url("claims/"))

    assert response.status_code == 200


def test_revoked_token_is_401_even_for_public_reads(api_world):
    token, raw = token_create(actor=api_world.moderator, user=api_world.moderator, name="old")
    token_revoke(actor=api_world.moderator, token=token)
    client = bearer(raw)
    before = rows_of()

    read = client.get(url("claims/"))
    write = change_phase(client)

    assert read.status_code == write.status_code == 401
    assert error_of(write)["code"] == "authentication_failed"
    assert rows_of() == before


@pytest.mark.parametrize(
    "header",
    ["Bearer dbt_not-a-real-token", "Bearer", "Bearer two parts", "Bearer \u00e9t\u00e9"],
)
def test_bad_bearer_header_is_401(api_world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(url("claims/"))

    assert response.status_code == 401
    error_of(response)


def test_token_of_an_inactive_user_is_401(api_world):
    client = token_client(api_world.moderator)
    api_world.moderator.is_active = False
    api_world.moderator.save()

    assert client.get(url("claims/")).status_code == 401


def test_other_authorization_schemes_are_ignored_for_reads(api_world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic Zm9vOmJhcg==")

    assert client.get(url("claims/")).status_code == 200


def test_using_a_token_records_when_it_was_last_used(api_world):
    client = token_client(api_world.observer)

    client.get(url("claims/"))

    assert ApiToken.objects.get(user=api_world.observer).last_used_at is not None


def test_session_write_without_a_csrf_token_is_refused(api_world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(api_world.moderator)
    before = rows_of()

    response = change_phase(client)

    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]
    assert rows_of() == before


def test_token_write_needs_no_csrf_token(api_world):
    _, raw = token_create(actor=api_world.moderator, user=api_world.moderator, name="t")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert change_phase(client).status_code == 200


def test_session_reads_the_private_debate_of_its_member(api_world):
    Debate.objects.filter(pk=api_world.debate.pk).update(is_public=False)

    assert session_client(api_world.own).get(url("teams/")).status_code == 200
