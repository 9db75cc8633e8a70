"""Rendering helpers shared by the page views: one view per screen, full page or fragment."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
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


# Stands in for the CSRF token in a page cached for every visitor; each answer gets its own.
_CSRF_STAND_IN = "csrf-token-of-this-visitor"


def for_visitors(
    request: HttpRequest, debate, render_page: Callable[[dict], HttpResponse], *, variant: str
) -> HttpResponse:
    """A page as every signed-out visitor sees it, rendered once per debate version.

    Signed-out readers have no controls and see one audience's map, so the HTML of a
    version, path and language is the same for all of them (the heavy reads the public
    can ask for: the larger map, the picture, the reader). `render_page(extra)` renders it
    with `extra` added to its context; the CSRF token is put in per answer. `variant` names
    what the page drew from its query (sort, page, ...), as parsed."""
    from debate.mapview import cache, visibility
    from debate.mapview.build import debate_version

    if (
        request.user.is_authenticated
        or request.method != "GET"
        # A visitor with a session may have a message waiting, which is theirs alone.
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "messages" in request.COOKIES
    ):
        return render_page({})
    version = debate_version(debate.pk)

    def rendered() -> tuple[bytes, str, int]:
        response = render_page({"csrf_token": _CSRF_STAND_IN})
        return response.content, response["Content-Type"], response.status_code

    part = "fragment" if request.htmx else "page"
    # `variant`: the page's own parsed parameters, never the raw query string, which anyone
    # could vary to fill the cache.
    name = f"page:{part}:{request.path}:{variant}"  # per language: cache.per_version
    # While one thread renders a new version, other visitors get the last one rendered, if
    # nothing was taken away since: its live poll brings them up to date within seconds.
    content, content_type, status = cache.per_version(
        debate, version, name, rendered,
        stale_ok=lambda older: visibility.older_rendering_shown(debate, older, version),
    )  # fmt: skip
    response = HttpResponse(
        content.replace(_CSRF_STAND_IN.encode(), get_token(request).encode()),
        content_type=content_type, status=status,
    )  # fmt: skip
    patch_vary_headers(response, ["HX-Request", "Cookie"])
    return response
