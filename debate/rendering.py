"""Rendering helpers shared by the page views: one view per screen, full page or fragment."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from debate.errors import Conflict, NotAllowed, ServiceError
from debate.ratelimit import RateLimited


def render_screen(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    region: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render `template`, or only its partial `region` when htmx asked for a fragment."""
    name = f"{template}#{region}" if region and request.htmx else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    if status == 429:
        response["Retry-After"] = str(context.get("retry_after", 60))
    return response


def error_status(error: ServiceError) -> int:
    if isinstance(error, RateLimited):
        return 429
    if isinstance(error, NotAllowed):
        return 403
    if isinstance(error, Conflict):
        return 409
    return 422


def error_context(error: ServiceError) -> dict:
    """What a page needs to answer a refusal: 429s say when to come back."""
    return {"retry_after": error.retry_after} if isinstance(error, RateLimited) else {}
