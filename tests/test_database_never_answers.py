"""A database that accepts connections but never answers: every request answers within 5 s,
503 where it needs the database, and static files are served throughout.

Reproduced with a TCP listener thread that accepts each connection and never sends a byte
(PostgreSQL's startup reply never comes). The default connection is pointed at it for the
test, with the connect timeout the settings give (DB_CONNECT_TIMEOUT, under 5 s); before it
was 60 s of hanging and then a 500. The test's own database comes back afterwards.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from debate import middleware

BOUND_SECONDS = 5.0


class SilentListener:
    """Accepts connections on a loopback port and never answers; closes them when stopped."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            self.accepted.append(conn)  # held open, never read from or written to

    def __enter__(self) -> SilentListener:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        for conn in self.accepted:
            conn.close()
        self.server.close()


@pytest.fixture
def hung_database(transactional_db, settings):
    """Every new connection of the default alias goes to a database that never answers."""
    if connection.vendor != "postgresql":
        pytest.skip("connect_timeout is a PostgreSQL setting")
    settings.WHITENOISE_USE_FINDERS = True  # static files from static/, as collectstatic would
    saved = dict(connection.settings_dict)
    saved_options = dict(saved.get("OPTIONS", {}))
    with SilentListener() as listener:
        connection.close()
        connection.settings_dict["HOST"] = "127.0.0.1"
        connection.settings_dict["PORT"] = str(listener.port)
        connection.settings_dict["CONN_HEALTH_CHECKS"] = True
        try:
            yield listener
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
            connection.settings_dict["OPTIONS"] = saved_options
    connection.ensure_connection()  # the test database answers again, for the teardown


def timed(client: Client, path: str, **headers):
    started = time.monotonic()
    response = client.get(path, **headers)
    return response, time.monotonic() - started


def test_the_connect_timeout_is_under_five_seconds(settings):
    timeout = settings.DATABASES["default"].get("OPTIONS", {}).get("connect_timeout")
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        assert 0 < timeout < BOUND_SECONDS


@pytest.mark.parametrize("path", ["/d/ukraine-nato/", "/", "/d/ukraine-nato/results/"])
def test_pages_answer_503_within_five_seconds(hung_database, path):
    client = Client(raise_request_exception=False)

    response, seconds = timed(client, path)

    assert seconds < BOUND_SECONDS
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == "5"
    assert middleware.MESSAGE in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/debates/", "/api/v1/debates/ukraine-nato/snapshot/"])
def test_api_answers_a_json_503_within_five_seconds(hung_database, path):
    client = Client(raise_request_exception=False)

    response, seconds = timed(client, path)

    assert seconds < BOUND_SECONDS
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_unavailable"


def test_a_signed_in_request_answers_503_within_five_seconds(hung_database):
    """A session cookie makes the middleware read the session and the user first."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "abcdefghijklmnopqrstuvwxyz012345"

    response, seconds = timed(client, "/d/ukraine-nato/")

    assert seconds < BOUND_SECONDS
    assert response.status_code == 503, response.content[:300]


def test_the_login_page_answers_within_five_seconds(hung_database):
    client = Client(raise_request_exception=False)

    page, page_seconds = timed(client, "/accounts/login/")
    started = time.monotonic()
    attempt = client.post("/accounts/login/", {"username": "someone", "password": "x" * 12})
    attempt_seconds = time.monotonic() - started

    assert page_seconds < BOUND_SECONDS and attempt_seconds < BOUND_SECONDS
    assert page.status_code in (200, 503)  # the form itself needs no database
    assert attempt.status_code == 503, attempt.content[:300]


def test_static_files_are_served_without_the_database(hung_database):
    client = Client(raise_request_exception=False)

    response, seconds = timed(client, "/static/favicon.svg")

    assert response.status_code == 200
    assert seconds < 1.0
