"""Setting a debate up from the app: create, edit, teams and invites, moderators, sources,
and cloning a debate as a template. Moderators only (creating needs the permission)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from debate import permissions
from debate.debates import services
from debate.debates.models import Debate, Role, Team
from debate.debates.views import get_visible_debate
from debate.errors import InvalidInput, ServiceError
from debate.rendering import error_status
from debate.sources import services as source_services
from debate.sources.models import Source


def _users_named(field: str, raw: str) -> list:
    names = [n.strip() for n in raw.replace("\n", ",").split(",") if n.strip()]
    users = list(get_user_model().objects.filter(username__in=names))
    missing = sorted(set(names) - {u.username for u in users})
    if missing:
        raise InvalidInput(f"No such user: {', '.join(missing)}.", field=field)
    return users


def _teams_from(raw: str, position_count: int) -> list[tuple[str, int | None]]:
    """Lines of "Team name | position number" (the number is optional)."""
    teams = []
    for line in raw.splitlines():
        if not line.strip():
            continue
        name, _, number = line.partition("|")
        index = None
        if number.strip():
            if not number.strip().isdigit() or not 1 <= int(number) <= position_count:
                raise InvalidInput(
                    f"“{name.strip()}”: the position number must be 1 to {position_count}.",
                    field="teams",
                )
            index = int(number) - 1
        teams.append((name.strip(), index))
    return teams


@login_required
@require_http_methods(["GET", "POST"])
def debate_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_debate(request.user):
        return render(request, "debates/refused.html",
                      {"error": "You are not allowed to create debates."}, status=403)  # fmt: skip
    form = {key: request.POST.get(key, "") for key in
            ("title", "motion", "description", "positions", "teams", "moderators")}  # fmt: skip
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        positions = [line for line in form["positions"].splitlines() if line.strip()]
        try:
            debate = services.debate_set_up(
                actor=request.user, title=form["title"], motion=form["motion"],
                description=form["description"], positions=positions,
                teams=_teams_from(form["teams"], len(positions)),
                moderators=_users_named("moderators", form["moderators"]),
            )  # fmt: skip
        except ServiceError as error:
            errors, status = error.field_errors, error_status(error)
        else:
            messages.success(request, "The debate is set up. Add its sources next.")
            return redirect("debate-manage", slug=debate.slug)
    return render(request, "debates/new.html", {"form": form, "errors": errors}, status=status)


def _managed(request: HttpRequest, slug: str) -> Debate:
    debate = get_visible_debate(request, slug)
    if not permissions.is_moderator(request.user, debate):
        raise Http404("Only moderators manage a debate.")
    return debate


def _manage_page(request: HttpRequest, debate: Debate, *, status: int = 200, **extra):
    context = {
        "debate": debate,
        "teams": debate.teams.select_related("position"),
        "positions": debate.positions.all(),
        "moderators": debate.memberships.filter(role=Role.MODERATOR).select_related("user"),
        "sources": Source.objects.filter(debate=debate).order_by("title", "revision"),
        "can_clone": permissions.can_create_debate(request.user),
        **extra,
    }
    context.setdefault("errors", {})
    return render(request, "debates/manage.html", context, status=status)


@require_http_methods(["GET", "POST"])
def debate_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The set-up page; its forms post back here with an `action`."""
    debate = _managed(request, slug)
    if request.method == "GET":
        return _manage_page(request, debate)
    action = request.POST.get("action", "")
    handlers = {
        "details": _save_details,
        "team": _add_team,
        "regenerate": _regenerate,
        "moderator": _add_moderator,
        "source": _add_source,
        "revise": _revise_source,
        "clone": _clone,
    }
    handler = handlers.get(action)
    try:
        if handler is None:
            raise InvalidInput("Unknown action.")
        outcome = handler(request, debate)
    except ServiceError as error:
        return _manage_page(request, debate, status=error_status(error),
                            errors={action: error.field_errors}, posted=request.POST)  # fmt: skip
    message, url = outcome if isinstance(outcome, tuple) else (outcome, None)
    messages.success(request, message)
    return redirect(url or reverse("debate-manage", args=[slug]))


def _save_details(request, debate):
    services.debate_update(
        actor=request.user, debate=debate, title=request.POST.get("title", ""),
        motion=request.POST.get("motion", ""), description=request.POST.get("description", ""),
        is_public=request.POST.get("is_public") == "on",
        allow_observers=request.POST.get("allow_observers") == "on",
    )  # fmt: skip
    return "The debate's details are saved."


def _add_team(request, debate):
    position = None
    if request.POST.get("position"):
        try:
            position = debate.positions.get(pk=int(request.POST["position"]))
        except (ValueError, debate.positions.model.DoesNotExist) as exc:
            raise InvalidInput("Unknown position.", field="position") from exc
    team = services.team_create(
        actor=request.user, debate=debate, name=request.POST.get("name", ""), position=position
    )
    return f"Team {team.name} added."


def _regenerate(request, debate):
    try:
        team = debate.teams.get(pk=int(request.POST.get("team", "")))
    except (ValueError, Team.DoesNotExist) as exc:
        raise InvalidInput("Unknown team.", field="team") from exc
    services.team_regenerate_code(actor=request.user, team=team)
    return f"{team.name} has a new invite code; the old one no longer works."


def _add_moderator(request, debate):
    for user in _users_named("username", request.POST.get("username", "")):
        services.membership_set(actor=request.user, debate=debate, user=user, role=Role.MODERATOR)
    return "Moderator added."


def _add_source(request, debate):
    upload = request.FILES.get("file")
    text = request.POST.get("text", "")
    if upload is not None:
        if text.strip():
            raise InvalidInput("Paste the text or upload a file, not both.", field="file")
        text = source_services.source_text_from_upload(
            name=upload.name, data=upload.read(source_services.UPLOAD_MAX_BYTES + 1)
        )
    published = request.POST.get("published_on", "").strip()
    try:
        published_on = datetime.date.fromisoformat(published) if published else None
    except ValueError as exc:
        raise InvalidInput("Give the date as YYYY-MM-DD.", field="published_on") from exc
    source = source_services.source_create(
        actor=request.user, debate=debate, title=request.POST.get("title", ""), text=text,
        publication=request.POST.get("publication", ""), volume=request.POST.get("volume", ""),
        issue=request.POST.get("issue", ""), published_on=published_on,
        url=request.POST.get("url", ""),
    )  # fmt: skip
    return f"Source “{source.title}” added.", reverse("source", args=[debate.slug, source.pk])


def _revise_source(request, debate):
    try:
        source = Source.objects.get(pk=int(request.POST.get("source", "")), debate=debate)
    except (ValueError, Source.DoesNotExist) as exc:
        raise InvalidInput("Unknown source.", field="source") from exc
    revision = source_services.source_revise(
        actor=request.user, source=source, text=request.POST.get("text", "")
    )
    return (
        f"Revision {revision.revision} of “{revision.title}” saved.",
        reverse("source", args=[debate.slug, revision.pk]),
    )


def _clone(request, debate):
    clone = services.debate_clone(
        actor=request.user, debate=debate, title=request.POST.get("title", ""),
        slug=request.POST.get("slug", ""),
    )  # fmt: skip
    return f"“{clone.title}” was created from this debate.", reverse(
        "debate-manage", args=[clone.slug]
    )
