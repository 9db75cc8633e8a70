"""Security headers, cookies and the production settings, on the pages people actually open.

Every main page (and the API) answers with a strict Content-Security-Policy (no inline
script or style, no eval), nosniff, a Referrer-Policy and framing refused twice
(X-Frame-Options and frame-ancestors). With the production switches on, HTTPS is enforced
(HSTS, a redirect from plain http) and the session and CSRF cookies are Secure.

The templates themselves are scanned too: a strict CSP only holds if no template needs
inline code or styles, and escaping only holds if no template marks user text safe.
"""

from __future__ import annotations

import os
import re
import secrets
import string
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD, ClaimFactory

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


@pytest.fixture
def page_world(debate, position_now, team_now, debater_now, source):
    """A claim to open, on the shared debate with its source."""
    claim = ClaimFactory(
        debate=debate, position=position_now, author=debater_now, team=team_now,
        text="Accession talks now deny Russia a veto over enlargement.",
    )  # fmt: skip
    return {"slug": debate.slug, "claim": claim.pk, "source": source.pk, "user": debater_now}


# name → (url from the world, logged in?)
PAGES: dict[str, tuple[Callable[[dict], str], bool]] = {
    "home": (lambda w: reverse("home"), True),
    "debate": (lambda w: reverse("debate", args=[w["slug"]]), True),
    "claim": (lambda w: reverse("claim", args=[w["slug"], w["claim"]]), True),
    "source-reader": (lambda w: reverse("source", args=[w["slug"], w["source"]]), True),
    "login": (lambda w: reverse("login"), False),
    "signup": (lambda w: reverse("signup"), False),
    "results": (lambda w: reverse("debate-results", args=[w["slug"]]), True),
    "picture": (lambda w: reverse("debate-picture", args=[w["slug"]]), True),
    "api-snapshot": (lambda w: reverse("api:snapshot", args=[w["slug"]]), True),
    "api-docs": (lambda w: reverse("api:docs"), False),
}


def open_page(world: dict, name: str, **extra):
    url_of, logged_in = PAGES[name]
    client = Client()
    if logged_in:
        client.force_login(world["user"])
    response = client.get(url_of(world), **extra)
    assert response.status_code == 200, (name, response.status_code)
    return response


def csp_directives(header: str) -> dict[str, list[str]]:
    """`default-src 'self'; img-src 'self' data:` → {"default-src": ["'self'"], ...}."""
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


# --- headers on every main page ----------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_page_sends_a_strict_content_security_policy(page_world, name):
    response = open_page(page_world, name)
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{name}: no Content-Security-Policy header"
    directives = csp_directives(header)
    assert directives.get("script-src") == ["'self'"], header
    assert directives.get("style-src") == ["'self'"], header
    assert directives.get("frame-ancestors") == ["'none'"], header
    assert directives.get("object-src") == ["'none'"], header
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, header
    assert "Content-Security-Policy-Report-Only" not in response.headers


@pytest.mark.parametrize("name", PAGES)
def test_page_sends_nosniff_referrer_policy_and_refuses_framing(page_world, name):
    response = open_page(page_world, name)
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin"


def inline_code_in(html: str) -> list[str]:
    """Script tags without src= that are not JSON data, style attributes and style blocks."""
    found = []
    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE):
        if not re.search(r"\ssrc=", tag) and 'type="application/json"' not in tag:
            found.append(tag)
    found += re.findall(r"\sstyle=\"[^\"]*\"", html)
    found += re.findall(r"<style\b[^>]*>", html, flags=re.IGNORECASE)
    found += re.findall(r"\son[a-z]+=\"[^\"]*\"", html)  # onclick="…", onload="…"
    found += re.findall(r"\shx-on[:-][\w:-]*=", html)  # htmx inline handlers need eval
    found += re.findall(r"(?:href|src|action)=\"javascript:", html, flags=re.IGNORECASE)
    return found


@pytest.mark.parametrize("name", [name for name in PAGES if name != "api-snapshot"])
def test_rendered_page_has_no_inline_script_or_style_for_the_policy_to_block(page_world, name):
    html = open_page(page_world, name).content.decode()
    assert inline_code_in(html) == []


# --- production: HTTPS only, secure cookies ----------------------------------------------


@pytest.fixture
def production_like(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    return settings


@pytest.mark.parametrize("name", PAGES)
def test_https_response_carries_strict_transport_security(page_world, production_like, name):
    response = open_page(page_world, name, secure=True)
    hsts = response.headers.get("Strict-Transport-Security", "")
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts
    assert "preload" in hsts


@pytest.mark.parametrize("name", ["home", "debate", "login", "api-snapshot"])
def test_plain_http_request_is_redirected_to_https(page_world, production_like, name):
    url = PAGES[name][0](page_world)
    response = Client().get(url)
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{url}"
    assert "Strict-Transport-Security" not in response.headers  # HSTS only over HTTPS


def test_after_login_the_session_cookie_is_secure_and_http_only(debater_now, production_like):
    client = Client()
    login_page = client.get(reverse("login"), secure=True)
    csrf = login_page.cookies[django_settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] is True
    assert csrf["httponly"] is True

    response = client.post(
        reverse("login"),
        {"username": debater_now.username, "password": TEST_PASSWORD},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session.value
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


def test_settings_in_production_turn_on_https_and_secure_cookies():
    """The production switches come from settings.py itself, not from the test above."""
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY)"
    )
    result = run_in_production(["-c", f"import django; django.setup(); {code}"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "31536000", "True", "True", "True", "True", "True"]


def test_production_refuses_to_start_without_a_secret_key():
    result = run_in_production(["-c", "import django; django.setup()"], secret_key="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DJANGO_ENV=production" in result.stderr


def test_deploy_check_passes_with_production_settings():
    result = run_in_production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def run_in_production(args: list[str], *, secret_key: str | None = None):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "debate.settings",
        "SECRET_KEY": (
            "".join(secrets.choice(alphabet) for _ in range(50))
            if secret_key is None
            else secret_key
        ),
        "ALLOWED_HOSTS": "example.org",
    }
    env.pop("DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by tests/browser/conftest.py for Playwright
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


# --- the templates themselves --------------------------------------------------------------


def template_files() -> list[Path]:
    files = sorted(TEMPLATES.rglob("*.html"))
    assert len(files) > 20, "templates/ not found"
    return files


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_inline_script_style_or_event_handler(path):
    html = path.read_text(encoding="utf-8")
    assert inline_code_in(html) == []


# The one allowed `|safe`: Django's own password help text, which holds a <ul> and no user text
# (the fields of sign-up and the password forms, drawn by one fragment).
ALLOWED_SAFE = {("registration/_form_fields.html", "field.help_text|safe")}


def test_no_template_marks_user_text_safe():
    found = set()
    for path in template_files():
        html = path.read_text(encoding="utf-8")
        name = str(path.relative_to(TEMPLATES))
        found |= {(name, m) for m in re.findall(r"[\w.]+\s*\|\s*safe\b", html)}
        assert "{% autoescape off" not in html, name
        assert "safeseq" not in html, name
    assert found == ALLOWED_SAFE


def test_no_python_code_marks_text_safe():
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "debate").rglob("*.py"))
        if re.search(r"\bmark_safe\b|\bSafeString\b", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
