from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from debate.activity.forms import DigestForm
from debate.activity.selectors import moderated_debates, notices_for
from debate.activity.services import digest_subscribe, digest_unsubscribe, notices_mark_read
from debate.debates.views import get_visible_debate
from debate.errors import ServiceError
from debate.inputs import cleaned
from debate.rendering import error_context, error_status, render_screen


def _panel_context(request: HttpRequest, **extra) -> dict:
    """The panel: the user's notices and, for moderators, what waits in each of their
    debates (from the queues themselves, not from notices) with its digest switch."""
    return {
        "notices": notices_for(request.user),
        "moderated": moderated_debates(request.user),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def activity(request: HttpRequest) -> HttpResponse:
    """Your activity panel: what happened to your claims and evidence, and phase changes."""
    if request.method == "POST":
        notices_mark_read(user=request.user)
        if not request.htmx:
            return redirect("activity")
    return render_screen(request, "activity/panel.html", _panel_context(request), region="notices")


@login_required
@require_POST
def digest_toggle(request: HttpRequest, slug: str) -> HttpResponse:
    """Switch the daily email digest of one debate on or off (its moderators)."""
    debate = get_visible_debate(request, slug)
    try:
        switch_on = cleaned(DigestForm, request.POST)["digest"] == "on"
        if switch_on:
            digest_subscribe(actor=request.user, debate=debate)
        else:
            digest_unsubscribe(actor=request.user, debate=debate)
    except ServiceError as error:
        context = _panel_context(request, error=error.message, **error_context(error))
        # Next to the debate's row when the page lists it, else on top.
        listed = {row.slug for row in context["moderated"]}
        context["error_slug"] = debate.slug if debate.slug in listed else ""
        return render_screen(request, "activity/panel.html", context, region="waiting",
                             status=error_status(error))  # fmt: skip
    if switch_on:
        done = _("The daily digest of “%(title)s” is on.") % {"title": debate.title}
    else:
        done = _("The daily digest of “%(title)s” is off.") % {"title": debate.title}
    if not request.htmx:
        messages.success(request, done)
        return redirect("activity")
    context = _panel_context(request, done=done, done_slug=debate.slug)
    return render_screen(request, "activity/panel.html", context, region="waiting")
