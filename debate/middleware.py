"""When the database is down, say so plainly with a 503, never a traceback; the next request
after it comes back works again (each write is one transaction, so nothing half-written)."""

from __future__ import annotations

import logging

from django.db import DatabaseError, DataError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger(__name__)
MESSAGE = "The database is unavailable right now. Nothing was saved; try again in a moment."
TIMEOUT_MESSAGE = (
    "The database took too long to answer, so the request was stopped. Try again in a moment."
)
# PostgreSQL's SQLSTATE for a statement it cancelled: statement_timeout (debate.settings) ran
# out. The database is up, just slow for this request; the answer says so.
QUERY_CANCELED = "57014"


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
        if not isinstance(exception, OperationalError | InterfaceError) and not (
            isinstance(exception, DatabaseError) and connection.connection is None
        ):
            return None
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
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"error": {"status": 503, "code": code, "message": message, "fields": {}}},
                status=503,
            )
        else:
            response = HttpResponse(
                f"<!doctype html><title>Unavailable</title><h1>Unavailable</h1><p>{message}</p>",
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
    """Refuse input no field may hold before any view sees it: null characters (PostgreSQL
    cannot store them) and form bodies that are not UTF-8 (they would be saved garbled).
    JSON bodies are left to the API's serializers, which name the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            return bad_request(request, problem)
        return self.get_response(request)

    @staticmethod
    def problem(request) -> str:
        if "\x00" in request.path:
            return "Null characters are not allowed."
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return "Null characters are not allowed."
        if request.method not in ("POST", "PUT", "PATCH"):
            return ""
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/x-www-form-urlencoded"):
            from urllib.parse import unquote_to_bytes

            try:
                raw = request.body
            except Exception:  # noqa: BLE001 - too large: the view will say so
                return ""
            decoded = unquote_to_bytes(raw.replace(b"+", b" "))
            try:
                decoded.decode("utf-8")
            except UnicodeDecodeError:
                return "The form was not sent as UTF-8 text."
            if b"\x00" in decoded:
                return "Null characters are not allowed."
        elif content_type.startswith("multipart/form-data"):
            for key, values in request.POST.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return "Null characters are not allowed."
        return ""
