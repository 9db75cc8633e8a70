"""Password reset by e-mail and password change, through the pages, with the real outbox."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.helpers import client_as

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-passphrase-42"


@pytest.fixture
def alice(db):
    user = UserFactory(username="alice", email="alice@example.org")
    user.set_password("old-passphrase-for-alice")
    user.save()
    return user


def _logs_in(password: str) -> bool:
    """Through the login page, as a person would (django-axes wants the request)."""
    response = Client().post(reverse("login"), {"username": "alice", "password": password})
    return response.status_code == 302


def _reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_whole_reset_flow_sets_a_password_that_logs_in(alice):
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert "alice" in message.body

    page = client.get(_reset_link(message), follow=True)
    assert page.status_code == 200
    assert "Choose a new password" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302

    assert _logs_in(NEW_PASSWORD)
    assert not _logs_in("old-passphrase-for-alice")
    # The link works once.
    again = client.get(_reset_link(message), follow=True)
    assert "This link does not work" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(alice):
    known = Client().post(reverse("password_reset"), {"email": "alice@example.org"})
    unknown = Client().post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_a_malformed_address_is_refused_with_a_422(alice):
    response = Client().post(reverse("password_reset"), {"email": "not an address"})
    assert response.status_code == 422
    assert mail.outbox == []


def test_resets_for_one_account_are_throttled_with_the_same_words_as_for_none(alice, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset_account": 2,
                            "password_reset": 100}  # fmt: skip
    answers = {}
    for email in ("alice@example.org", "nobody@example.org"):
        for _ in range(2):
            assert Client().post(reverse("password_reset"), {"email": email}).status_code == 302
        refused = Client().post(reverse("password_reset"), {"email": email.upper()})
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 0
        message = re.search(r'id="rate-limited">([^<]*)<', refused.content.decode())[1]
        answers[email] = re.sub(r"\d+ seconds", "N seconds", message)  # the clock moves on
    assert answers["alice@example.org"] == answers["nobody@example.org"]
    assert len(mail.outbox) == 2  # alice's two; the third was never sent


def test_resets_from_one_address_are_throttled(alice, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": 3,
                            "password_reset_account": 100}  # fmt: skip
    client = Client()
    codes = [
        client.post(reverse("password_reset"), {"email": f"user{i}@example.org"}).status_code
        for i in range(4)
    ]
    assert codes == [302, 302, 302, 429]


def test_password_change_is_linked_from_the_profile_and_works(alice):
    client = client_as(alice)
    profile = client.get(reverse("profile")).content.decode()
    assert f'href="{reverse("password_change")}"' in profile

    wrong = client.post(reverse("password_change"), {
        "old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })  # fmt: skip
    assert wrong.status_code == 422
    alice.refresh_from_db()
    assert alice.check_password("old-passphrase-for-alice")

    done = client.post(reverse("password_change"), {
        "old_password": "old-passphrase-for-alice", "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    })  # fmt: skip
    assert done.status_code == 302
    assert _logs_in(NEW_PASSWORD)
    # Still signed in here after the change.
    assert client.get(reverse("profile")).status_code == 200


def test_password_change_needs_a_login():
    response = Client().get(reverse("password_change"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_sign_up_keeps_an_optional_email_for_resets(db):
    response = Client().post(reverse("signup"), {
        "username": "carol", "email": "carol@example.org",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
    })  # fmt: skip
    assert response.status_code == 302
    assert get_user_model().objects.get(username="carol").email == "carol@example.org"


def test_email_settings_come_from_an_email_url():
    from debate.settings import email_from_url

    settings = email_from_url("smtp+tls://mailer%40example.org:p%40ss@smtp.example.org:2525")
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"]) == ("smtp.example.org", 2525)
    assert (settings["EMAIL_HOST_USER"], settings["EMAIL_HOST_PASSWORD"]) == (
        "mailer@example.org", "p@ss",
    )  # fmt: skip
    assert settings["EMAIL_USE_TLS"] and not settings["EMAIL_USE_SSL"]


def test_a_bad_email_url_stops_the_app():
    from django.core.exceptions import ImproperlyConfigured

    from debate.settings import email_from_url

    with pytest.raises(ImproperlyConfigured):
        email_from_url("http://example.org")
