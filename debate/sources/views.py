from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from debate.debates.views import get_visible_debate
from debate.sources.models import Source
from debate.sources.selectors import source_reading


@require_GET
def source_reader(request: HttpRequest, slug: str, source_id: int) -> HttpResponse:
    debate = get_visible_debate(request, slug)
    source = get_object_or_404(Source, pk=source_id, debate=debate)
    return render(
        request,
        "sources/source_reader.html",
        {"debate": debate, "reading": source_reading(source)},
    )
