"""When the database is down, say so plainly with a 503, never a traceback; the next request
after it comes back works again (each write is one transaction, so nothing half-written)."""

from __future__ import annotations

import logging

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger(__name__)
MESSAGE = "The database is unavailable right now. Nothing was saved; try again in a moment."


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
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
