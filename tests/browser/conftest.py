"""Fixtures for the browser tests: one Chromium per session, one fresh page per test.

Chromium is found at `$CHROMIUM`, else `/usr/bin/chromium`. Without it the browser tests are
skipped with a visible reason, except on CI (`CI=true`), where a missing browser is a failure:
a green CI run must mean the critical flows were driven in a real browser.

Playwright's sync API runs an event loop in the main thread, and pytest-django's `live_server`
serves from another thread; Django's async-safety check would refuse ORM calls from test
code while that loop runs, hence DJANGO_ALLOW_ASYNC_UNSAFE.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command

if TYPE_CHECKING:
    from playwright.sync_api import Page

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BROWSER_DIR = Path(__file__).resolve().parent
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
SEEDED_SLUG = "ukraine-nato-accession"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder `browser`, so `-m "not browser"` leaves them out."""
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def chromium_path() -> str:
    return os.environ.get("CHROMIUM") or DEFAULT_CHROMIUM


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the whole session; skipped (or failed on CI) when missing."""
    path = chromium_path()
    if not Path(path).is_file():
        message = f"Chromium not found at {path}; set CHROMIUM to run browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: browser tests must run on CI)", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser) -> Iterator:
    """A fresh context (no cookies, no storage) and page for each test."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def console_errors(page) -> list[str]:
    """Console messages of type error and uncaught page errors, collected for the whole test."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    return errors


@pytest.fixture
def seeded(transactional_db) -> None:
    """The shipped seed data (seeds/*.json), committed so that the live server's thread sees it."""
    call_command("seed", stdout=StringIO())


# --- People and browsers for the collaboration and accessibility tests ----------------------


@dataclass
class Cast:
    """The seeded debate and the people in it, each a committed user with a known password."""

    debate: Any
    moderator: Any
    debater_now: Any  # Team Now, argues position "now"
    debater_after: Any  # Team After, argues position "after"

    def position(self, key: str):
        return self.debate.positions.get(key=key)


@pytest.fixture
def cast(seeded) -> Cast:
    """A moderator and one debater on each team of the seeded debate (phase rebuttal).

    The seed creates demo accounts only with DEBUG on, and tests run with DEBUG off, so the
    cast is made here, through the same service a moderator uses to assign roles.
    """
    from debate.debates.models import Debate, Role
    from debate.debates.services import membership_set
    from tests.factories import UserFactory

    debate = Debate.objects.get(slug=SEEDED_SLUG)
    moderator = UserFactory(username="mod-maria")
    debater_now = UserFactory(username="now-nadia")
    debater_after = UserFactory(username="after-anton")
    membership_set(actor=None, debate=debate, user=moderator, role=Role.MODERATOR)
    for user, name in ((debater_now, "Team Now"), (debater_after, "Team After")):
        team = debate.teams.get(name=name)
        membership_set(actor=None, debate=debate, user=user, role=Role.DEBATER, team=team)
    return Cast(debate, moderator, debater_now, debater_after)


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (its own cookies): one context per person.

    `new_page()` is anonymous; `new_page(user)` logs `user` in through the real login form;
    `new_page(user, via_form=False)` sets a session cookie from Django's `force_login`
    instead. Every context opened here is closed at the end of the test.
    """
    contexts = []

    def open_page(user=None, *, via_form: bool = True, javascript: bool = True) -> Page:
        context = browser.new_context(viewport=VIEWPORT, java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        if user is not None and via_form:
            log_in(page, live_server.url, user.username)
        elif user is not None:
            from django.conf import settings
            from django.test import Client

            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
        return page

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


def log_in(page: Page, base_url: str, username: str) -> None:
    """Log in through the login form, as a person would, and wait for the redirect."""
    from tests.factories import TEST_PASSWORD

    page.goto(f"{base_url}/accounts/login/?next=/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")
    signed_in = page.locator(".whoami")
    assert signed_in.inner_text().strip() == f"Signed in as {username}", signed_in.inner_text()
