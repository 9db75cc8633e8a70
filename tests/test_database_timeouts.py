"""Database timeouts: a bounded wait to connect, and a server-side limit on every statement.

On PostgreSQL, DB_CONNECT_TIMEOUT (seconds, default 3) bounds how long a request waits for a
connection, and DB_STATEMENT_TIMEOUT_MS (default 15000) makes the server cancel any statement
that runs longer. A cancelled statement (psycopg's QueryCanceled, a Django OperationalError)
answers a clean 503 with Retry-After, JSON under /api/ and HTML elsewhere, never a traceback.

The cancellation is made deterministic: the session's limit is lowered to 50 ms and the
request runs `pg_sleep(2)`, which always outlasts it; nothing is timed by the test.
"""

from __future__ import annotations

import runpy

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client

from debate import middleware, permissions
from tests.api.helpers import error_of

SETTINGS_ENV = ("DATABASE_URL", "DB_CONNECT_TIMEOUT", "DB_STATEMENT_TIMEOUT_MS")
POSTGRES_URL = "postgres://app@db.example.org:5432/debate"

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout is a PostgreSQL setting"
)


def database_settings(monkeypatch, **env: str) -> dict:
    """DATABASES["default"] as debate/settings.py builds it from this environment."""
    for name in SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_module("debate.settings")["DATABASES"]["default"]


# --- settings --------------------------------------------------------------------------------


def test_postgres_gets_a_connect_timeout_and_a_statement_timeout_by_default(monkeypatch):
    options = database_settings(monkeypatch, DATABASE_URL=POSTGRES_URL)["OPTIONS"]

    assert options["connect_timeout"] == 3  # under 5 s: a hung database's 503 comes within 5 s
    assert options["options"] == "-c statement_timeout=15000"


def test_both_timeouts_come_from_the_environment(monkeypatch):
    options = database_settings(
        monkeypatch, DATABASE_URL=POSTGRES_URL, DB_CONNECT_TIMEOUT="2",
        DB_STATEMENT_TIMEOUT_MS="300",
    )["OPTIONS"]  # fmt: skip

    assert options["connect_timeout"] == 2
    assert options["options"] == "-c statement_timeout=300"


def test_options_already_in_the_url_are_kept(monkeypatch):
    url = f"{POSTGRES_URL}?options=-c%20search_path%3Dapp&connect_timeout=9"

    options = database_settings(monkeypatch, DATABASE_URL=url)["OPTIONS"]

    assert options["connect_timeout"] == 9
    assert options["options"] == "-c search_path=app -c statement_timeout=15000"


def test_sqlite_gets_no_postgres_options(monkeypatch):
    default = database_settings(monkeypatch, DATABASE_URL="sqlite:////tmp/x.sqlite3")

    assert "connect_timeout" not in default.get("OPTIONS", {})
    assert "options" not in default.get("OPTIONS", {})


@pytest.mark.parametrize(
    ("name", "value"),
    [("DB_CONNECT_TIMEOUT", "soon"), ("DB_STATEMENT_TIMEOUT_MS", "-1"),
     ("DB_CONNECT_TIMEOUT", "-5")],
)  # fmt: skip
def test_a_bad_timeout_stops_the_app_naming_the_variable(monkeypatch, name, value):
    with pytest.raises(ImproperlyConfigured, match=name):
        database_settings(monkeypatch, DATABASE_URL=POSTGRES_URL, **{name: value})


@postgres_only
@pytest.mark.django_db
def test_the_running_connection_has_the_statement_timeout(settings):
    wanted = settings.DATABASES["default"]["OPTIONS"]["options"].split("=")[-1]

    with connection.cursor() as cursor:
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'statement_timeout'")
        (setting,) = cursor.fetchone()

    assert setting == wanted


# --- a cancelled statement answers 503 -------------------------------------------------------


@pytest.fixture
def slow_database(monkeypatch):
    """Every debate lookup runs one statement longer than the session allows. The session
    setting is dropped with the connection afterwards, so no other test inherits it."""

    def can_view_slowly(user, debate) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(2)")
        return True

    monkeypatch.setattr(permissions, "can_view_debate", can_view_slowly)
    yield
    connection.close()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_cancelled_statement_in_the_api_is_a_json_503(debate, slow_database):
    client = Client(raise_request_exception=False)

    response = client.get(f"/api/v1/debates/{debate.slug}/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    error = error_of(response)
    assert error["code"] == "database_timeout"
    assert error["message"] == middleware.TIMEOUT_MESSAGE


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_cancelled_statement_on_a_page_is_an_html_503(debate, slow_database):
    client = Client(raise_request_exception=False)

    response = client.get(f"/d/{debate.slug}/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert middleware.TIMEOUT_MESSAGE in response.content.decode()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_next_request_after_a_cancelled_statement_works(debate, slow_database, monkeypatch):
    client = Client(raise_request_exception=False)
    assert client.get(f"/api/v1/debates/{debate.slug}/").status_code == 503
    monkeypatch.undo()  # the database is quick again

    response = client.get(f"/api/v1/debates/{debate.slug}/")

    assert response.status_code == 200
