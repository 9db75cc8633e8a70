from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from debate import permissions
from debate.debates.models import Debate
from debate.debates.selectors import debate_list, debate_map


def get_visible_debate(request: HttpRequest, slug: str) -> Debate:
    debate = get_object_or_404(Debate, slug=slug)
    if not permissions.can_view_debate(request.user, debate):
        raise Http404("No such debate.")
    return debate


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "debates/home.html", {"debates": debate_list(user=request.user)})


@require_GET
def debate_detail(request: HttpRequest, slug: str) -> HttpResponse:
    debate = get_visible_debate(request, slug)
    is_moderator = permissions.is_moderator(request.user, debate)
    dmap = debate_map(debate, include_hidden=is_moderator)
    return render(
        request,
        "debates/debate_detail.html",
        {"debate": debate, "map": dmap, "is_moderator": is_moderator},
    )
