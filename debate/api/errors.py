"""One JSON shape for every 4xx and 5xx under /api/: {"error": {"status", "code", "message",
"fields"}}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, parsers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from debate.errors import Conflict, NotAllowed, ServiceError
from debate.ratelimit import RateLimited


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = gettext_lazy(
        "The claim changed since you read it: fetch it again and retry with its ETag."
    )


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"
    default_detail = gettext_lazy(
        "Send If-Match with the claim's ETag, so that no edit overwrites another."
    )


def error_body(status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    """The error shape; `message` in the request's language (lazy text is resolved here)."""
    return {"error": {"status": status_code, "code": code, "message": str(message),
                      "fields": fields or {}}}  # fmt: skip


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        fields = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    fields[f"{key}.{sub}"] = messages
            else:
                fields[str(key)] = [str(m) for m in (value if isinstance(value, list) else [value])]
        return fields
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {}


def api_exception_handler(exc, context):
    if isinstance(exc, RateLimited):
        response = Response(error_body(429, exc.code, exc.message), status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, ServiceError):
        code = 403 if isinstance(exc, NotAllowed) else 409 if isinstance(exc, Conflict) else 400
        return Response(error_body(code, exc.code, exc.message, exc.field_errors), status=code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or _("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(detail)
        message = _("The request is not valid: see fields.")
        code = "invalid"
    else:
        fields = {}
        message = str(detail)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = error_body(response.status_code, str(code), message, fields)
    return response


def json_or_html_not_found(request, exception=None):
    """404 for the whole site: the API's JSON error shape under /api/, the page otherwise."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse(error_body(404, "not_found", _("Not found.")), status=404)
    return page_not_found(request, exception)


def json_or_html_bad_request(request, exception=None):
    """400 for the whole site (handler400: a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many
    fields, a bad host): the API's JSON error shape under /api/, the page otherwise."""
    from django.http import JsonResponse
    from django.views.defaults import bad_request

    if request.path.startswith("/api/"):
        message = _("The request is too large or malformed.")
        return JsonResponse(error_body(400, "bad_request", message), status=400)
    return bad_request(request, exception)


def json_or_html_forbidden(request, exception=None):
    """403 for the whole site (handler403), in the API's JSON error shape under /api/."""
    from django.http import JsonResponse
    from django.views.defaults import permission_denied

    if request.path.startswith("/api/"):
        message = _("You do not have permission to do this.")
        return JsonResponse(error_body(403, "permission_denied", message), status=403)
    return permission_denied(request, exception)


SERVER_ERROR_MESSAGE = gettext_lazy(
    "Something went wrong on our side; it has been logged. Try again later."
)


def json_or_html_server_error(request):
    """500 for the whole site (handler500), called while the exception is being handled.

    A database that cannot answer raised outside a view (in a middleware, a template's
    context processor, a response being finished) is the same clean 503 as one raised in a
    view; anything else is the API's JSON error shape under /api/, the page elsewhere."""
    import sys

    from django.http import JsonResponse
    from django.views.defaults import server_error

    from debate.middleware import is_database_unavailable, unavailable

    exception = sys.exc_info()[1]
    if exception is not None and is_database_unavailable(exception):
        return unavailable(request, exception)
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(500, "server_error", SERVER_ERROR_MESSAGE), status=500)
    return server_error(request)


class SafeJSONParser(parsers.JSONParser):
    """JSON, refusing documents nested too deeply to parse (a 400, not a RecursionError)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError(_("JSON parse error - nested too deeply.")) from exc
        except exceptions.ParseError as exc:
            # DRF's message ends in Python's own English; say where, in the reader's language.
            cause = exc.__context__
            line, column = getattr(cause, "lineno", None), getattr(cause, "colno", None)
            if line is None:
                raise exceptions.ParseError(_("JSON parse error - the body is not JSON.")) from exc
            raise exceptions.ParseError(
                _("JSON parse error - not valid JSON at line %(line)s, column %(column)s.")
                % {"line": line, "column": column}
            ) from exc
