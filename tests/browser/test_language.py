"""The language switcher in real Chromium: without JavaScript (choose, then press the button)
and with it (the choice alone sends the form, the button is hidden); the choice survives a
reload, and for a signed-in person a new login in a fresh browser (the stored preference).
Only short strings others will not reword are checked: `<html lang>`, the switcher's label
«Мова інтерфейсу» and the nav's «Увійти». Also the README's Ukrainian screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from debate.accounts.models import LanguagePreference
from tests.browser.conftest import SEEDED_SLUG
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

LABEL_UK = "Мова інтерфейсу"
LOG_IN_UK = "Увійти"


def html_lang(page: Page) -> str:
    return page.evaluate("document.documentElement.lang")


def switcher(page: Page):
    return page.locator("form.language-form")


def log_in_by_form(page: Page, base_url: str, username: str) -> None:
    """The login form by its field names, whatever language it speaks."""
    page.goto(f"{base_url}/accounts/login/?next=/")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(TEST_PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")
    expect(page.locator(".whoami")).to_contain_text(username)


def test_switching_without_javascript_uses_the_button(new_page, cast, live_server):
    page = new_page(javascript=False)
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")
    assert html_lang(page) == "en-gb"
    button = switcher(page).locator("button[type=submit]")
    expect(button).to_be_visible()  # no script hides it

    switcher(page).locator("select[name=language]").select_option("uk")
    assert html_lang(page) == "en-gb"  # nothing sent yet: no script submits on change
    button.click()
    page.wait_for_load_state("load")
    assert page.url == f"{live_server.url}/d/{SEEDED_SLUG}/"  # back where it was
    assert html_lang(page) == "uk"
    expect(page.locator("label[for=language-select]")).to_have_text(LABEL_UK)
    expect(page.locator(".site-nav")).to_contain_text(LOG_IN_UK)

    page.reload()
    assert html_lang(page) == "uk"

    switcher(page).locator("select[name=language]").select_option("en-gb")
    switcher(page).locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert html_lang(page) == "en-gb"


def test_switching_with_javascript_needs_only_the_choice(
    new_page, cast, live_server, console_errors
):
    page = new_page()
    page.goto(f"{live_server.url}/join/")
    expect(switcher(page).locator("button[type=submit]")).to_be_hidden()
    with page.expect_navigation():
        switcher(page).locator("select[name=language]").select_option("uk")
    assert html_lang(page) == "uk"
    assert page.url == f"{live_server.url}/join/"
    expect(page.locator("label[for=language-select]")).to_have_text(LABEL_UK)
    expect(switcher(page).locator("select[name=language]")).to_have_value("uk")
    page.reload()
    assert html_lang(page) == "uk"
    assert not console_errors, console_errors


def test_a_signed_in_choice_follows_the_person_to_a_fresh_browser(new_page, cast, live_server):
    person = cast.debater_now
    first = new_page()
    log_in_by_form(first, live_server.url, person.username)
    assert html_lang(first) == "en-gb"
    with first.expect_navigation():
        switcher(first).locator("select[name=language]").select_option("uk")
    assert html_lang(first) == "uk"
    assert LanguagePreference.objects.get(user=person).language == "uk"

    second = new_page()  # a fresh context: no cookie, no session
    second.goto(f"{live_server.url}/")
    assert html_lang(second) == "en-gb"
    log_in_by_form(second, live_server.url, person.username)
    assert html_lang(second) == "uk"
    second.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")
    assert html_lang(second) == "uk"
    expect(second.locator("label[for=language-select]")).to_have_text(LABEL_UK)


def test_the_debate_and_its_results_in_ukrainian(new_page, cast, live_server, screenshot):
    page = new_page()
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        switcher(page).locator("select[name=language]").select_option("uk")
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/")
    assert html_lang(page) == "uk"
    screenshot(page, "debate-uk.png")
    page.goto(f"{live_server.url}/d/{SEEDED_SLUG}/results/")
    assert html_lang(page) == "uk"
    screenshot(page, "results-uk.png")
