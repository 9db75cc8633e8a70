"""When the database is down, say so plainly with a 503, never a traceback; the next request
after it comes back works again (each write is one transaction, so nothing half-written)."""

from __future__ import annotations

import logging

from django.db import DatabaseError, DataError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

logger = logging.getLogger(__name__)
MESSAGE = gettext_noop(
    "The database is unavailable right now. Nothing was saved; try again in a moment."
)
TIMEOUT_MESSAGE = gettext_noop(
    "The database took too long to answer, so the request was stopped. Try again in a moment."
)
# PostgreSQL's SQLSTATE for a statement it cancelled: statement_timeout (debate.settings) ran
# out. The database is up, just slow for this request; the answer says so.
QUERY_CANCELED = "57014"


class RateLimitMiddleware:
    """Tell the rate limits which address the request comes from (`ratelimit.current_address`),
    so that services, which never see a request, count each write per address as well as per
    user; and give a 429 the Retry-After of the refusal behind it, whichever view rendered it
    (a page that only knows "429" would otherwise say 60 seconds, or nothing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from debate import ratelimit

        address = ratelimit.current_address.set(ratelimit.client_address(request))
        refusal = ratelimit.last_refusal.set(None)
        try:
            response = self.get_response(request)
            last = ratelimit.last_refusal.get()
            if response.status_code == 429 and last is not None:
                response["Retry-After"] = str(last.retry_after)
            return response
        finally:
            ratelimit.last_refusal.reset(refusal)
            ratelimit.current_address.reset(address)


def is_database_unavailable(exception: BaseException) -> bool:
    """Whether `exception` says the database cannot answer (down, unreachable, too slow)."""
    return isinstance(exception, OperationalError | InterfaceError) or (
        isinstance(exception, DatabaseError) and connection.connection is None
    )


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DataError):
            # The database refused a value that validation let through: still the client's
            # input, still nothing saved (the transaction rolled back).
            logger.warning("Refused by the database: %s", exception)
            return bad_request(request, "A value is too long or not allowed. Nothing was saved.")
        if not is_database_unavailable(exception):
            return None
        return unavailable(request, exception)


def unavailable(request, exception: BaseException) -> HttpResponse:
    """The 503 for a database that cannot answer: JSON under /api/, a page elsewhere."""
    timed_out = _is_cancelled_statement(exception)
    if timed_out:
        logger.warning("Statement cancelled after the statement timeout: %s", exception)
    else:
        logger.warning("Database unavailable: %s", exception)
    # Drop the broken connection so the next request opens a fresh one.
    connection.close_if_unusable_or_obsolete()
    code, message = (
        ("database_timeout", TIMEOUT_MESSAGE) if timed_out
        else ("database_unavailable", MESSAGE)
    )  # fmt: skip
    message = _(message)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": {"status": 503, "code": code, "message": message, "fields": {}}},
            status=503,
        )
    else:
        response = HttpResponse(
            "<!doctype html><title>{title}</title><h1>{title}</h1><p>{message}</p>".format(
                title=escape(_("Unavailable")), message=escape(message)
            ),
            status=503,
        )
    response["Retry-After"] = "5"
    return response


def _is_cancelled_statement(exception: Exception) -> bool:
    """Django wraps the driver's error; psycopg's QueryCanceled carries SQLSTATE 57014."""
    return getattr(exception.__cause__, "sqlstate", None) == QUERY_CANCELED


def bad_request(request, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"status": 400, "code": "invalid", "message": message,
                                       "fields": {}}}, status=400)  # fmt: skip
    from django.shortcuts import render

    return render(request, "400.html", {"message": message}, status=400)


class CleanInputMiddleware:
    """Refuse form bodies that are not UTF-8 before any view sees them: Django would decode
    them with replacement characters, and the form would save that garbled text as if it
    had been typed. No field can tell, so this check lives here.

    Null characters are no longer refused here: every input is a form field or a serializer
    field now, and Django's and DRF's CharField refuse them (ProhibitNullCharactersValidator)
    per field, so the form comes back with its draft and the field named, instead of a bare
    400 page (which htmx would swap into the form's target). Ids and numbers are ASCII digits
    only, so a null is no id either. JSON bodies are left to the API's serializers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            return bad_request(request, problem)
        return self.get_response(request)

    @staticmethod
    def problem(request) -> str:
        if request.method not in ("POST", "PUT", "PATCH"):
            return ""
        content_type = request.META.get("CONTENT_TYPE", "")
        if not content_type.startswith("application/x-www-form-urlencoded"):
            return ""
        from urllib.parse import unquote_to_bytes

        try:
            raw = request.body
        except Exception:  # noqa: BLE001 - too large: the view will say so
            return ""
        try:
            unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return _("The form was not sent as UTF-8 text.")
        return ""


class UserLanguageMiddleware:
    """A signed-in person's chosen language (put in the session at login and by the
    switcher) wins over the cookie and Accept-Language on pages. No query: the session
    holds it. The API answers in its caller's Accept-Language, session or not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        from debate.accounts.services import SESSION_LANGUAGE, language_supported

        if request.path.startswith("/api/"):
            language = _accepted_language(request.headers.get("Accept-Language", ""))
        else:
            language = language_supported(getattr(request, "session", {}).get(SESSION_LANGUAGE))
            language = language if request.user.is_authenticated else None
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def _accepted_language(header: str) -> str | None:
    """The first language of an Accept-Language header this site speaks, else None (then
    LocaleMiddleware's choice stands: the cookie, the default)."""
    from django.utils.translation import get_supported_language_variant
    from django.utils.translation.trans_real import parse_accept_lang_header

    for code, _quality in parse_accept_lang_header(header[:500]):
        if code == "*":
            continue
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None
