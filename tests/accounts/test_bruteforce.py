"""Password guessing: django-axes locks a username out per address, and nothing tells an
attacker which usernames exist. Everything goes through the real login view, since axes
needs the request in `authenticate`."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
WRONG = "not-the-password-at-all"
LOGIN_FAILED = (
    "Please enter a correct username and password. Note that both fields may be case-sensitive."
)


def log_in(client: Client, username: str, password: str, **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password, "next": "/"}, **extra
    )


def logged_in_user_id(client: Client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id is not None else None


def fail_until_locked(client: Client, username: str, **extra) -> list:
    return [log_in(client, username, WRONG, **extra) for _ in range(settings.AXES_FAILURE_LIMIT)]


def template_names(response) -> set[str]:
    return {t.name for t in response.templates if t.name}


@pytest.fixture
def alice():
    return UserFactory(username="alice")


def test_failure_limit_is_five():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_TEMPLATE == "registration/locked_out.html"


def test_failed_logins_before_the_limit_show_the_form_again(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "alice", WRONG)
        assert response.status_code == 422
        assert escape(LOGIN_FAILED) in response.content.decode()
    assert logged_in_user_id(client) is None
    assert log_in(client, "alice", TEST_PASSWORD).status_code == 302
    assert logged_in_user_id(client) == alice.pk


def test_after_five_failures_even_the_right_password_is_refused(client, alice):
    responses = fail_until_locked(client, "alice")
    assert responses[-1].status_code == 429  # the fifth failure already locks

    response = log_in(client, "alice", TEST_PASSWORD)

    assert response.status_code == 429
    assert "registration/locked_out.html" in template_names(response)
    assert "Too many attempts" in response.content.decode()
    assert logged_in_user_id(client) is None
    assert "_auth_user_id" not in Client().session  # and no session was created elsewhere


def test_lockout_page_shows_no_password_form(client, alice):
    fail_until_locked(client, "alice")
    html = log_in(client, "alice", TEST_PASSWORD).content.decode()
    assert 'name="password"' not in html


def test_a_different_username_from_the_same_address_is_not_locked(client, alice):
    bob = UserFactory(username="bob")
    fail_until_locked(client, "alice")

    response = log_in(client, "bob", TEST_PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == bob.pk


def test_the_same_username_from_another_address_is_not_locked(alice):
    fail_until_locked(Client(REMOTE_ADDR="203.0.113.7"), "alice")
    elsewhere = Client(REMOTE_ADDR="198.51.100.9")
    assert log_in(elsewhere, "alice", TEST_PASSWORD).status_code == 302
    assert logged_in_user_id(elsewhere) == alice.pk


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, alice):
    fail_until_locked(client, "alice")
    response = log_in(client, "alice", TEST_PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.44")
    assert response.status_code == 429
    assert logged_in_user_id(client) is None


@pytest.mark.xfail(
    strict=True,
    reason=(
        "Known limit: the proxy settings are read at start-up. PROXY_COUNT in the environment "
        "sets both AXES_IPWARE_PROXY_COUNT and AXES_IPWARE_META_PRECEDENCE_ORDER (settings.py); "
        "changing only the count at run time, as this test does, leaves X-Forwarded-For "
        "untrusted, so every client behind the proxy shares the proxy's address."
    ),
)
def test_behind_a_proxy_the_lockout_counts_the_client_address(settings, alice):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    fail_until_locked(attacker, "alice")

    alice_browser = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert log_in(alice_browser, "alice", TEST_PASSWORD).status_code == 302


def test_wrong_password_and_unknown_username_fail_with_the_same_words(alice):
    wrong_password = log_in(Client(), "alice", WRONG)
    unknown_user = log_in(Client(), "nobody-by-this-name", WRONG)

    assert wrong_password.status_code == unknown_user.status_code == 422

    def failure_text(response) -> str:
        html = response.content.decode()
        start = html.index('<div class="form-error" role="alert">')
        return html[start : html.index("</div>", start)]

    assert escape(LOGIN_FAILED) in failure_text(wrong_password)
    assert failure_text(wrong_password) == failure_text(unknown_user)


def test_an_unknown_username_is_locked_out_like_a_real_one(client):
    """Otherwise the lockout itself would tell which usernames exist."""
    responses = fail_until_locked(client, "nobody-by-this-name")
    assert responses[-1].status_code == 429
    response = log_in(client, "nobody-by-this-name", WRONG)
    assert response.status_code == 429
    assert "registration/locked_out.html" in template_names(response)


# --- sign-up refuses weak passwords --------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt-pw!", "This password is too short. It must contain at least 10 characters."),
        ("password123", "This password is too common."),
    ],
    ids=["nine-characters", "common"],
)
def test_signup_refuses_a_weak_password_with_django_s_message(client, password, message):
    response = client.post(
        reverse("signup"),
        {"username": "newcomer", "password1": password, "password2": password},
    )
    assert response.status_code == 422
    assert escape(message) in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()
    assert logged_in_user_id(client) is None


def test_signup_accepts_a_ten_character_uncommon_password(client):
    response = client.post(
        reverse("signup"),
        {"username": "newcomer", "password1": "Qv7-kite-9x", "password2": "Qv7-kite-9x"},
    )
    assert response.status_code == 302
    assert User.objects.filter(username="newcomer").exists()
