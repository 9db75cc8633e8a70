from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from debate.activity.selectors import notices_for
from debate.activity.services import notices_mark_read
from debate.rendering import render_screen


@login_required
@require_http_methods(["GET", "POST"])
def activity(request: HttpRequest) -> HttpResponse:
    """Your activity panel: what happened to your claims and evidence, and phase changes."""
    if request.method == "POST":
        notices_mark_read(user=request.user)
        if not request.htmx:
            return redirect("activity")
    return render_screen(
        request, "activity/panel.html", {"notices": notices_for(request.user)}, region="notices"
    )
