"""Pages rendered once per debate version for signed-out visitors (rendering.for_visitors)."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debate.arguments import services as claim_services
from debate.debates import views
from debate.mapview import cache as maps
from debate.mapview import visibility
from debate.mapview.build import debate_version
from tests.factories import ClaimFactory
from tests.helpers import client_as

TOKEN = re.compile(rb'"X-CSRFToken": "([^"]+)"')


@pytest.fixture
def page(debate, position_now):
    ClaimFactory(debate=debate, position=position_now, text="Cached for visitors.")
    return reverse("debate", args=[debate.slug]) + "?whole=1"


def _token(response) -> bytes:
    return TOKEN.search(response.content).group(1)


def test_a_second_visitor_gets_the_page_from_the_cache_with_a_token_of_their_own(page):
    first, second = Client(), Client()
    answer_one = first.get(page)
    with CaptureQueriesContext(connection) as captured:
        answer_two = second.get(page)

    assert answer_one.status_code == answer_two.status_code == 200
    assert b"Cached for visitors." in answer_two.content
    # Only the debate and its version are read: no table of the map.
    assert not [q for q in captured if "arguments_claim" in q["sql"]]
    assert _token(answer_one) != _token(answer_two)
    assert answer_two.cookies["csrftoken"].value  # the token in the page works with its cookie


def test_a_new_version_renders_the_page_again(page, debate, debater_now, position_now):
    Client().get(page)
    claim_services.claim_create(
        actor=debater_now, debate=debate, position=position_now, stance="pro",
        text="Written after the first visit.",
    )  # fmt: skip

    assert b"Written after the first visit." in Client().get(page).content


def test_signed_in_readers_never_get_the_visitors_page(page, debate, moderator):
    Client().get(page)

    html = client_as(moderator).get(page).content

    assert b"Move the debate to" in html  # the moderator's own controls
    assert b"Move the debate to" not in Client().get(page).content


def test_a_visitor_with_a_session_is_rendered_afresh(page, client, monkeypatch):
    """A session may hold a message meant for that visitor alone."""
    Client().get(page)
    rendered = []
    real = views.render_screen
    monkeypatch.setattr(views, "render_screen", lambda *a, **k: rendered.append(1) or real(*a, **k))
    client.cookies["sessionid"] = "anything"

    client.get(page)
    Client().get(page)

    assert rendered == [1]  # the visitor with a session; the other one came from the cache


def _building_in_another_thread(debate, version: int, name: str, release: threading.Event):
    """Start a build of (version, name) that lasts until `release` is set."""
    started = threading.Event()

    def build():
        started.set()
        release.wait(5)
        return "new"

    def run():
        try:
            maps.per_version(debate, version, name, build)
        finally:
            connections.close_all()  # a thread's connection would outlive the test database

    worker = threading.Thread(target=run)
    worker.start()
    started.wait(5)
    return worker


def test_while_a_version_is_built_readers_get_the_last_one_if_nothing_was_taken_away(debate):
    maps.per_version(debate, 1, "page", lambda: "old")
    release = threading.Event()
    worker = _building_in_another_thread(debate, 2, "page", release)

    answer = maps.per_version(debate, 2, "page", lambda: "built twice",
                              stale_ok=lambda older: older == 1)  # fmt: skip
    release.set()
    worker.join()

    assert answer == "old"
    assert maps.per_version(debate, 2, "page", lambda: "built twice") == "new"


def test_readers_wait_for_the_new_version_when_the_last_one_shows_what_was_taken_away(
    debate, position_now, moderator
):
    claim = ClaimFactory(debate=debate, position=position_now, text="About to be hidden.")
    before = debate_version(debate.pk)
    maps.per_version(debate, before, "page", lambda: "shows the claim")
    claim_services.claim_hide(actor=moderator, claim=claim, reason="Off topic.")
    after = debate_version(debate.pk)
    release = threading.Event()
    worker = _building_in_another_thread(debate, after, "page", release)
    threading.Timer(0.2, release.set).start()

    answer = maps.per_version(
        debate, after, "page", lambda: "built twice",
        stale_ok=lambda older: visibility.older_rendering_shown(debate, older, after),
    )  # fmt: skip
    worker.join()

    assert not visibility.older_rendering_shown(debate, before, after)
    assert answer == "new"
