"""What a reader in one language must never get from a reader in the other: cached maps,
304s, numbers a browser reads, emails (found by trying to break issue 16)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from debate.accounts.services import language_set
from debate.arguments.models import Stance
from debate.arguments.services import claim_create
from debate.debates.services import debate_anonymity_set
from tests.helpers import client_as

pytestmark = pytest.mark.django_db

UK = {"HTTP_ACCEPT_LANGUAGE": "uk"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def anonymous(world):
    claim_create(actor=world.debater_now, debate=world.debate, position=world.position_now,
                 text="A claim in an anonymous debate", stance=Stance.PRO)  # fmt: skip
    debate_anonymity_set(actor=world.moderator, debate=world.debate, anonymous=True)
    world.debate.refresh_from_db()
    return world


def test_an_anonymous_debate_names_pseudonyms_in_each_readers_language(anonymous):
    client = client_as(anonymous.observer)
    url = reverse("debate", args=[anonymous.debate.slug])

    english = client.get(url, **EN).content.decode()  # builds and caches the map first
    ukrainian = client.get(url, **UK).content.decode()

    assert re.search(r'class="author">Participant \d+<', english)
    assert re.search(r'class="author">Учасник \d+<', ukrainian)
    assert "Participant" not in ukrainian


def test_a_live_export_read_in_english_is_not_a_304_in_ukrainian(anonymous):
    client = client_as(anonymous.observer)
    url = reverse("debate-export", args=[anonymous.debate.slug, "json"])

    english = client.get(url, **EN)
    again = client.get(url, HTTP_IF_NONE_MATCH=english["ETag"], **UK)

    assert english.status_code == 200 and "Participant" in english.content.decode()
    assert again.status_code == 200
    assert "Учасник" in again.content.decode()
    assert again["ETag"] != english["ETag"]


def test_the_api_snapshot_has_one_etag_per_language(anonymous):
    client = client_as(anonymous.observer)
    url = f"/api/v1/debates/{anonymous.debate.slug}/snapshot/"

    english = client.get(url, **EN)
    ukrainian = client.get(url, HTTP_IF_NONE_MATCH=english["ETag"], **UK)

    assert ukrainian.status_code == 200
    assert "Учасник" in ukrainian.content.decode()


def test_numbers_a_browser_reads_keep_the_decimal_point_in_ukrainian(world):
    page = client_as(world.observer).get(reverse("debate", args=[world.debate.slug]), **UK)
    html = page.content.decode()

    assert re.search(r'<meter min="0" max="1" value="0\.50"', html)
    assert re.search(r'class="standing-value">0,50<', html)  # what people read: 0,50


def test_a_password_reset_email_is_in_its_readers_language(world, client):
    world.debater_now.email = "debater@example.org"
    world.debater_now.save(update_fields=["email"])
    language_set(user=world.debater_now, language="uk")

    client.post(reverse("password_reset"), {"email": "debater@example.org"}, **EN)

    assert len(mail.outbox) == 1
    assert "Новий пароль" in mail.outbox[0].subject
    assert "пароль" in mail.outbox[0].body


def test_the_api_answers_in_accept_language_even_with_a_session_in_ukrainian(world):
    client = client_as(world.debater_now)
    client.post(reverse("language-switch"), {"language": "uk"})

    page = client.get(reverse("home"))
    api = client.get("/api/v1/debates/no-such-debate/", **EN)

    assert 'lang="uk"' in page.content.decode()
    assert api.status_code == 404
    assert api.json()["error"]["message"].isascii()
