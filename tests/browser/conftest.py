"""Fixtures for the browser tests: one Chromium per session, one fresh page per test.

Chromium is found at `$CHROMIUM`, else `/usr/bin/chromium`. Without it the browser tests are
skipped with a visible reason, except on CI (`CI=true`), where a missing browser is a failure:
a green CI run must mean the critical flows were driven in a real browser.

Playwright's sync API runs an event loop in the main thread, and pytest-django's `live_server`
serves from another thread; Django's async-safety check would refuse ORM calls from test
code while that loop runs, hence DJANGO_ALLOW_ASYNC_UNSAFE.

Under pytest-xdist (`make test` runs `-n`) each worker is its own process with its own test
database, live server (on a free port) and Chromium: nothing here is shared between workers.

Screenshots go through the `screenshot` fixture, into pytest's tmp dir, so the suite never
rewrites a tracked file; `make screenshots` runs only the tests that take them (marked
`screenshots`) with `SCREENSHOTS_DIR=static/docs/screenshots` to refresh the README's.
"""

from __future__ import annotations

import os
import struct
import zlib
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
ROOT = BROWSER_DIR.parents[1]
SCREENSHOTS_ENV = "SCREENSHOTS_DIR"
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
    """Mark every test in this folder `browser`, so `-m "not browser"` leaves them out, and
    each test that takes a README screenshot `screenshots`, so `make screenshots` finds them."""
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if "screenshot" in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.screenshots)


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


# --- Screenshots: pytest's tmp dir, or the README's folder under `make screenshots` ---------


@pytest.fixture(scope="session")
def screenshots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where `screenshot` writes: `$SCREENSHOTS_DIR` when set (relative to the checkout;
    `make screenshots` sets it to static/docs/screenshots), else a folder in pytest's tmp dir,
    so that running the tests never rewrites a tracked file."""
    chosen = os.environ.get(SCREENSHOTS_ENV)
    if not chosen:
        return tmp_path_factory.mktemp("screenshots")
    folder = Path(chosen) if Path(chosen).is_absolute() else ROOT / chosen
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def screenshot(screenshots_dir: Path) -> Callable[..., Path]:
    """`screenshot(page, "name.png", full_page=False)`: save the page as `name.png` in
    `screenshots_dir` and check what was saved (see `screenshot_taker`). A test using this
    fixture is marked `screenshots`: it makes a picture the README shows."""
    return screenshot_taker(screenshots_dir)


def screenshot_taker(folder: Path) -> Callable[..., Path]:
    """Save screenshots into `folder`, each checked: a PNG of the viewport's width (and
    height, unless `full_page`) that shows something, not one flat colour."""

    def take(page: Page, name: str, *, full_page: bool = False) -> Path:
        assert name.endswith(".png") and "/" not in name, name
        path = folder / name
        page.screenshot(path=path, full_page=full_page)
        width, height, pixels = png_pixels(path)
        viewport = page.viewport_size or VIEWPORT
        assert width == viewport["width"], (name, width)
        assert height >= viewport["height"] if full_page else height == viewport["height"], (
            name,
            height,
        )
        # A blank or single-colour page filters down to a handful of byte values; rendered
        # text and borders give many.
        assert len(set(pixels)) > 32, f"{name} looks blank"
        return path

    return take


def png_pixels(path: Path) -> tuple[int, int, bytes]:
    """A PNG's width, height and decompressed (still filtered) scanlines, read with the
    standard library: enough to tell an image from an empty one."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width = height = 0
    chunks: list[bytes] = []
    at = 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        body = data[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"IEND":
            break
        at += 12 + length
    return width, height, zlib.decompress(b"".join(chunks))


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
    from debate.permissions import SYSTEM
    from tests.factories import UserFactory

    debate = Debate.objects.get(slug=SEEDED_SLUG)
    moderator = UserFactory(username="mod-maria")
    debater_now = UserFactory(username="now-nadia")
    debater_after = UserFactory(username="after-anton")
    membership_set(actor=SYSTEM, debate=debate, user=moderator, role=Role.MODERATOR)
    for user, name in ((debater_now, "Team Now"), (debater_after, "Team After")):
        team = debate.teams.get(name=name)
        membership_set(actor=SYSTEM, debate=debate, user=user, role=Role.DEBATER, team=team)
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
