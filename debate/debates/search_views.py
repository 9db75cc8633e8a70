"""Search in one debate: `/d/<slug>/search/?q=`, the whole page, or its results for htmx (the
search box on the debate page shows them as one types). The read is debate/mapview/search.py,
under the visibility policy."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from debate.arguments.forms import SearchForm
from debate.debates.views import get_visible_debate
from debate.inputs import field_errors
from debate.mapview import search, visibility
from debate.rendering import render_screen


@require_GET
def debate_search(request: HttpRequest, slug: str) -> HttpResponse:
    """Claims and evidence matching every word of `q`; a query that is too long (or holds a
    null character) is a 400 with the reason, an empty one shows the empty box."""
    debate = get_visible_debate(request, slug)
    form = SearchForm(request.GET)
    results, status = None, 200
    if form.is_valid():
        audience = visibility.audience_of(request.user, debate)
        results = search.debate_search(debate, form.cleaned_data["q"], audience)
    else:
        status = 400
    return render_screen(
        request, "debates/search.html",
        {"debate": debate, "query": form.draft["q"], "results": results,
         "errors": field_errors(form), "result_limit": search.RESULT_LIMIT},
        region="search-results", status=status,
    )  # fmt: skip
