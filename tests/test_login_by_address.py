"""Login lockout by address as well as by (username, address).

django-axes locks a username from one address after AXES_FAILURE_LIMIT failures; spraying
many usernames from one address was never locked, and each attempt cost a password hash even
for unknown users. debate.ratelimit.AddressLoginBackend, first of the backends, locks the
address after LOGIN_FAILURES_PER_ADDRESS failures (whatever the usernames, within the
cool-off), before any password is hashed; other addresses are not affected.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.test import Client

from tests.factories import UserFactory

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's
WRONG = "wrong password"  # noqa: S105
SPRAYER = "203.0.113.7"
NEIGHBOUR = "198.51.100.2"


@pytest.fixture
def address_limit(settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    settings.AXES_FAILURE_LIMIT = 5
    return 6


@pytest.fixture
def hashing(monkeypatch):
    """Counts the attempts that reached the password-checking backend."""
    calls = []
    real = ModelBackend.authenticate

    def counted(self, request, username=None, password=None, **kwargs):
        calls.append(username)
        return real(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counted)
    return calls


def attempt(username: str, password: str = WRONG, address: str = SPRAYER):
    return Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"username": username, "password": password}
    )


def test_defaults_are_documented_values(settings):
    assert settings.LOGIN_FAILURES_PER_ADDRESS == 30
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AUTHENTICATION_BACKENDS[0] == "debate.ratelimit.AddressLoginBackend"


@pytest.mark.django_db
def test_spraying_usernames_from_one_address_is_locked(address_limit, hashing):
    answers = [attempt(f"student{n}").status_code for n in range(address_limit)]

    locked = attempt("student-next")

    assert answers == [422] * address_limit  # each a wrong login, none locked by axes alone
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()


@pytest.mark.django_db
def test_past_the_limit_no_password_is_hashed(address_limit, hashing):
    for n in range(address_limit):
        attempt(f"student{n}")
    hashed_before = len(hashing)

    for n in range(5):
        attempt(f"unknown{n}")

    assert hashed_before == address_limit
    assert len(hashing) == hashed_before


@pytest.mark.django_db
def test_a_locked_address_cannot_log_in_even_with_the_right_password(address_limit):
    UserFactory(username="real", password=PASSWORD)
    for n in range(address_limit):
        attempt(f"student{n}")

    response = attempt("real", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in Client().session


@pytest.mark.django_db
def test_another_address_is_not_locked(address_limit):
    UserFactory(username="real", password=PASSWORD)
    for n in range(address_limit):
        attempt(f"student{n}")

    response = attempt("real", PASSWORD, address=NEIGHBOUR)

    assert response.status_code == 302


@pytest.mark.django_db
def test_the_username_lockout_still_comes_first(settings):
    """Five failures on one username lock that username from that address (axes), while
    the address as a whole is still under its limit (attempts while locked count too)."""
    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    UserFactory(username="real", password=PASSWORD)
    for _ in range(5):
        attempt("real")

    assert attempt("real", PASSWORD).status_code == 429
    assert attempt("someone-else").status_code == 422


@pytest.mark.django_db
def test_zero_turns_the_address_lockout_off(settings, hashing):
    settings.LOGIN_FAILURES_PER_ADDRESS = 0
    for n in range(8):
        assert attempt(f"student{n}").status_code == 422
    assert len(hashing) == 8
