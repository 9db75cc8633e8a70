from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from debate import permissions
from debate.debates import services
from debate.debates.live import changes_since
from debate.debates.models import Debate, Phase, Team
from debate.debates.selectors import claim_path, debate_list, debate_version, map_for_viewer
from debate.errors import ServiceError
from debate.rendering import error_status, render_screen

SORT_CHOICES = [("oldest", "Oldest first"), ("newest", "Newest first"), ("strength", "Strongest")]


def get_visible_debate(request: HttpRequest, slug: str) -> Debate:
    debate = get_object_or_404(Debate, slug=slug)
    if not permissions.can_view_debate(request.user, debate):
        raise Http404("No such debate.")
    return debate


def _sort_of(request: HttpRequest) -> str:
    sort = request.GET.get("sort", "oldest")
    return sort if sort in dict(SORT_CHOICES) else "oldest"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "debates/home.html",
        {
            "debates": debate_list(user=request.user),
            "can_create": permissions.can_create_debate(request.user),
        },
    )


@require_GET
def debate_detail(request: HttpRequest, slug: str) -> HttpResponse:
    debate = get_visible_debate(request, slug)
    sort = _sort_of(request)
    dmap, viewer = map_for_viewer(debate, request.user, sort=sort)
    context = _page_context(request, debate, dmap, viewer)
    context.update(sort=sort, sort_choices=SORT_CHOICES)
    if viewer.is_moderator:
        # Invite codes are for moderators' eyes only, so the read model does not carry them.
        context["invites"] = list(debate.teams.select_related("position"))
    return render_screen(request, "debates/debate_detail.html", context)


def _page_context(request: HttpRequest, debate: Debate, dmap, viewer) -> dict:
    return {
        "debate": debate,
        "map": dmap,
        "viewer": viewer,
        "phases": Phase.choices,
        "can_change_phase": permissions.can_change_phase(request.user, debate),
    }


@require_GET
def claim_detail(request: HttpRequest, slug: str, claim_id: int) -> HttpResponse:
    """A claim on its own: the path from its position down to it, and all its replies."""
    debate = get_visible_debate(request, slug)
    dmap, viewer = map_for_viewer(debate, request.user, sort=_sort_of(request))
    claim = dmap.claims.get(claim_id)
    if claim is None:
        raise Http404("No such claim in this debate.")
    return render_screen(
        request,
        "debates/claim_detail.html",
        {
            "debate": debate,
            "map": dmap,
            "viewer": viewer,
            "claim": claim,
            "path": claim_path(dmap, claim_id)[:-1],
            "position": dmap.position(claim.position_id),
        },
    )


@require_GET
def debate_live(request: HttpRequest, slug: str) -> HttpResponse:
    """The live poll: 304 when nothing changed since `since`, else out-of-band fragments.

    Every app-server process answers the same way: the version is the id of the debate's
    latest audit event, read from the database, never kept in memory.
    """
    debate = get_visible_debate(request, slug)
    try:
        since = int(request.GET.get("since", "0"))
        root = int(request.GET["root"]) if request.GET.get("root") else None
    except ValueError:
        return HttpResponse("since and root must be whole numbers.", status=400)
    version = debate_version(debate.pk)
    if version == since:
        return HttpResponseNotModified()
    dmap, viewer = map_for_viewer(debate, request.user)
    change = changes_since(debate, since, dmap, root=root)
    if change.reload:
        return HttpResponseClientRefresh()
    context = _page_context(request, debate, dmap, viewer)
    context.update(change=change, version=version, root=root)
    return render(request, "debates/_live.html", context)


@require_POST
def debate_phase(request: HttpRequest, slug: str) -> HttpResponse:
    debate = get_visible_debate(request, slug)
    phase = request.POST.get("phase", "")
    try:
        services.phase_change(actor=request.user, debate=debate, phase=phase)
    except ServiceError as error:
        return render_screen(
            request,
            "debates/refused.html",
            {"debate": debate, "error": error.message},
            status=error_status(error),
        )
    messages.success(request, f"The debate is now in the {phase} phase.")
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect("debate", slug=debate.slug)


@login_required
@require_http_methods(["GET", "POST"])
def debate_join(request: HttpRequest, code: str = "") -> HttpResponse:
    """Join as a debater with a team's invite code (from a link, or typed in)."""
    code = request.POST.get("code", code).strip()
    team = Team.objects.select_related("debate", "position").filter(invite_code=code).first()
    error = ""
    status = 200
    if request.method == "POST":
        try:
            membership = services.membership_join_team(actor=request.user, invite_code=code)
        except ServiceError as exc:
            error, status = exc.message, error_status(exc)
        else:
            messages.success(request, f"You joined {membership.team.name} as a debater.")
            return redirect("debate", slug=membership.debate.slug)
    elif code and team is None:
        error, status = "This invite code is not valid. Ask your moderator for a new one.", 404
    return render(
        request,
        "debates/join.html",
        {"code": code, "team": team, "error": error},
        status=status,
    )


@login_required
@require_POST
def debate_observe(request: HttpRequest, slug: str) -> HttpResponse:
    debate = get_visible_debate(request, slug)
    try:
        services.membership_observe(actor=request.user, debate=debate)
    except ServiceError as error:
        return render_screen(
            request,
            "debates/refused.html",
            {"debate": debate, "error": error.message},
            status=error_status(error),
        )
    messages.success(request, "You joined as an observer: you can rate claims when voting opens.")
    return redirect(reverse("debate", args=[debate.slug]))
