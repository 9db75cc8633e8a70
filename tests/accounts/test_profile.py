"""Personal API tokens on the profile page: created once, shown once, revocable."""

from __future__ import annotations

import re

from django.urls import reverse

from debate.accounts.models import ApiToken, hash_token
from debate.audit.models import AuditEvent
from debate.permissions import SYSTEM


def test_creating_a_token_shows_it_once_and_stores_only_its_hash(client, debater_now):
    client.force_login(debater_now)
    response = client.post(reverse("profile"), {"action": "create", "name": "dashboard"})
    raw = re.search(r'<code class="token">([^<]+)</code>', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=debater_now)
    assert token.key_hash == hash_token(raw)
    assert raw not in str(token.__dict__)
    assert not token.read_only
    assert raw not in client.get(reverse("profile")).content.decode()
    assert AuditEvent.objects.filter(action="token.create", actor=debater_now).count() == 1


def test_a_read_only_token_is_marked_read_only(client, debater_now):
    client.force_login(debater_now)
    client.post(reverse("profile"), {"action": "create", "name": "ro", "read_only": "on"})
    assert ApiToken.objects.get(user=debater_now).read_only


def test_revoked_token_no_longer_authenticates(client, debate, debater_now):
    client.force_login(debater_now)
    response = client.post(reverse("profile"), {"action": "create", "name": "t"})
    raw = re.search(r'<code class="token">([^<]+)</code>', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=debater_now)
    url = reverse("api:claim-vote", args=[debate.slug, 1])
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code in (200, 404)
    client.post(reverse("profile"), {"action": "revoke", "token": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None
    from django.test import Client

    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_nobody_revokes_someone_elses_token(client, debater_now, debater_after):
    from debate.accounts.services import token_create

    token, _ = token_create(actor=SYSTEM, user=debater_after, name="theirs")
    client.force_login(debater_now)
    response = client.post(reverse("profile"), {"action": "revoke", "token": token.pk})
    token.refresh_from_db()
    assert response.status_code == 422
    assert token.revoked_at is None


def test_profile_needs_login(client, db):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
