"""Every 5xx under /api/ is the API's JSON error shape, {"error": {"status", "code", "message",
"fields"}}, never Django's HTML page; pages keep the HTML 500 page. A database that cannot
answer is the clean 503 wherever it is raised: in a view (debate.middleware) and outside one
(a middleware, a context processor), which only handler500 sees.

The failures are injected: a bug in an API view (an unhandled exception), and an
OperationalError from the middleware that runs before every view.
"""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client
from rest_framework.test import APIClient

from debate import middleware
from debate.api import views  # before debate.api.errors, which DRF's settings import back
from debate.api.errors import SERVER_ERROR_MESSAGE

LEAKS = ("Traceback", "RuntimeError", "OperationalError", "psycopg", 'File "/')


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.fixture
def broken_api_view(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("a bug nobody caught")

    monkeypatch.setattr(views.DebateDetail, "get", boom)


@pytest.fixture
def database_gone_before_the_view(monkeypatch):
    """The database fails where no view's process_exception sees it."""

    def gone(request):
        raise OperationalError("connection to server at 127.0.0.1 failed: timeout expired")

    monkeypatch.setattr(middleware.CleanInputMiddleware, "problem", staticmethod(gone))


def assert_json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message", "fields"}
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code
    assert body["error"]["fields"] == {}
    text = response.content.decode()
    assert not [word for word in LEAKS if word in text]
    return body["error"]


def test_an_unhandled_exception_in_an_api_view_is_a_json_500(client, debate, broken_api_view):
    response = client.get(f"/api/v1/debates/{debate.slug}/")

    error = assert_json_error(response, 500, "server_error")
    assert error["message"] == SERVER_ERROR_MESSAGE


def test_a_page_keeps_the_html_500(client, debate, monkeypatch):
    from debate.debates import views as page_views

    def boom(*args, **kwargs):
        raise RuntimeError("a bug nobody caught")

    monkeypatch.setattr(page_views, "map_for_viewer", boom)

    response = client.get(f"/d/{debate.slug}/results/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "RuntimeError" not in response.content.decode()


def test_database_gone_outside_a_view_is_a_json_503_under_api(
    client, debate, database_gone_before_the_view
):
    response = client.get(f"/api/v1/debates/{debate.slug}/")

    error = assert_json_error(response, 503, "database_unavailable")
    assert error["message"] == middleware.MESSAGE
    assert response["Retry-After"] == "5"


def test_database_gone_outside_a_view_is_an_html_503_on_a_page(
    client, debate, database_gone_before_the_view
):
    response = client.get(f"/d/{debate.slug}/")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "5"
    assert middleware.MESSAGE in response.content.decode()


def test_an_api_write_that_crashes_is_a_json_500(debate, debater_now, monkeypatch):
    from debate.arguments import services

    def boom(**kwargs):
        raise RuntimeError("a bug nobody caught")

    monkeypatch.setattr(services, "claim_create", boom)
    api = APIClient(raise_request_exception=False)
    api.force_login(debater_now)

    response = api.post(f"/api/v1/debates/{debate.slug}/claims/",
                        {"position_id": debate.positions.first().pk, "stance": "pro",
                         "text": "A claim."}, format="json")  # fmt: skip

    assert_json_error(response, 500, "server_error")
