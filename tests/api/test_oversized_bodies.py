"""Bodies Django refuses before any view runs still answer in the API's error shape."""

from __future__ import annotations

import json

import pytest

from tests.api.helpers import error_of, token_client, url

pytestmark = pytest.mark.django_db


def test_a_body_over_the_upload_limit_is_a_json_400(api_world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = token_client(api_world.own)
    client.raise_request_exception = False
    body = json.dumps(
        {"text": "𝕏" * 20_000, "position_id": api_world.position_now.pk, "stance": "pro"}
    )
    response = client.post(url("claims/"), body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert error_of(response)["code"] == "bad_request"


def test_a_page_over_the_upload_limit_is_still_a_page(api_world, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client.raise_request_exception = False
    client.force_login(api_world.own)
    response = client.post(
        "/d/ukraine-nato/compose/", "text=" + "x" * 20_000,
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
