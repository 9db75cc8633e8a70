"""When the database is down, say so plainly with a 503, never a traceback; the next request
after it comes back works again (each write is one transaction, so nothing half-written)."""

from __future__ import annotations

import logging

from django.db import DatabaseError, DataError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger(__name__)
MESSAGE = "The database is unavailable right now. Nothing was saved; try again in a moment."


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
        logger.warning("Database unavailable: %s", exception)
        # Drop the broken connection so the next request opens a fresh one.
        connection.close_if_unusable_or_obsolete()
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"error": {"status": 503, "code": "database_unavailable", "message": MESSAGE,
                           "fields": {}}}, status=503)  # fmt: skip
        else:
            response = HttpResponse(
                f"<!doctype html><title>Unavailable</title><h1>Unavailable</h1><p>{MESSAGE}</p>",
                status=503,
            )
        response["Retry-After"] = "5"
        return response


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
