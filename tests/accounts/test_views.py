"""Sign-up, log-in and log-out, through the test client."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from debate.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
GOOD_PASSWORD = "seminar-debates-need-evidence"


def sign_up(client, username="newcomer", password=GOOD_PASSWORD, confirm=None, **extra):
    data = {"username": username, "password1": password, "password2": confirm or password}
    return client.post(reverse("signup"), data | extra)


def session_user_id(client) -> int | None:
    """Whose session the client carries, if anyone's."""
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id is not None else None


def test_signup_page_renders_the_form(client):
    response = client.get(reverse("signup"))
    assert response.status_code == 200
    assert 'name="password1"' in response.content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short1!", "This password is too short. It must contain at least 10 characters."),
        ("qwertyuiop", "This password is too common."),
        ("4817263950", "This password is entirely numeric."),
        ("newcomer-1", "The password is too similar to the username."),
    ],
    ids=["too-short", "common", "numeric", "like-username"],
)
def test_signup_with_a_weak_password_is_refused_with_the_validator_message(
    client, password, message
):
    response = sign_up(client, password=password)
    assert response.status_code == 422
    assert escape(message) in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()
    assert session_user_id(client) is None


def test_signup_with_mismatched_passwords_is_refused(client):
    response = sign_up(client, confirm="another-long-password-1")
    assert response.status_code == 422
    assert "The two password fields didn’t match." in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()


def test_valid_signup_creates_the_user_logs_them_in_and_is_audited(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(username="newcomer")
    assert user.check_password(GOOD_PASSWORD)
    assert session_user_id(client) == user.pk
    assert AuditEvent.objects.filter(action="user.signup", actor=user).count() == 1
    home = client.get(reverse("home")).content.decode()
    assert "Signed in as <strong>newcomer</strong>" in home


def test_signup_follows_a_safe_next_and_ignores_an_offsite_one(client):
    assert sign_up(client, next="/join/")["Location"] == "/join/"
    other = Client()
    response = sign_up(other, username="second", next="https://evil.example/")
    assert response["Location"] == reverse("home")


def test_signup_with_a_taken_username_is_refused(client):
    UserFactory(username="newcomer")
    response = sign_up(client)
    assert response.status_code == 422
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username="newcomer").count() == 1
    assert not AuditEvent.objects.filter(action="user.signup").exists()
    assert session_user_id(client) is None


def test_signup_with_a_taken_username_differing_in_case_is_refused(client):
    UserFactory(username="Newcomer")
    response = sign_up(client, username="newcomer")
    assert response.status_code == 422
    assert User.objects.filter(username__iexact="newcomer").count() == 1


def test_login_with_the_right_password_logs_the_user_in(client):
    user = UserFactory(username="alice")
    response = client.post(reverse("login"), {"username": "alice", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert session_user_id(client) == user.pk


def test_login_with_a_wrong_password_is_refused(client):
    UserFactory(username="alice")
    response = client.post(reverse("login"), {"username": "alice", "password": "not-it"})
    assert response.status_code == 422
    assert "Please enter a correct username and password." in response.content.decode()
    assert session_user_id(client) is None


def test_logout_by_post_logs_the_user_out(client):
    client.force_login(UserFactory(username="alice"))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert session_user_id(client) is None


def test_logout_by_get_is_not_allowed_and_keeps_the_session(client):
    user = UserFactory(username="alice")
    client.force_login(user)
    response = client.get(reverse("logout"))
    assert response.status_code == 405
    assert session_user_id(client) == user.pk


def test_login_and_signup_need_a_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    UserFactory(username="alice")
    login = client.post(reverse("login"), {"username": "alice", "password": TEST_PASSWORD})
    signup = sign_up(client, username="bob")
    assert login.status_code == signup.status_code == 403
    assert session_user_id(client) is None
    assert not User.objects.filter(username="bob").exists()
