"""Setting a debate up from the app: create, edit, teams and invites, moderators, sources,
and cloning a debate as a template. Moderators only (creating needs the permission)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from debate import permissions
from debate.debates import services
from debate.debates.forms import (
    MANAGE_FORMS,
    DetailsForm,
    ManageActionForm,
    NewDebateSetUp,
    SourceForm,
)
from debate.debates.models import Debate, Role, StandingsFrom
from debate.debates.views import get_visible_debate
from debate.errors import InvalidInput, ServiceError
from debate.inputs import add_service_error, cleaned, field_errors, quote
from debate.rendering import error_status
from debate.sources import services as source_services
from debate.sources.models import Source


def _users_named(field: str, names: list[str]) -> list:
    users = list(get_user_model().objects.filter(username__in=names))
    missing = sorted(set(names) - {u.username for u in users})
    if missing:
        raise InvalidInput(
            _("No such user: %(names)s.") % {"names": quote(", ".join(missing))}, field=field
        )
    return users


@login_required
@require_http_methods(["GET", "POST"])
def debate_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_debate(request.user):
        refusal = _("You are not allowed to create debates.")
        return render(request, "debates/refused.html", {"error": refusal}, status=403)
    setup = NewDebateSetUp(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if setup.is_valid():
            try:
                debate = services.debate_set_up(actor=request.user, **setup.service_input())
            except ServiceError as error:
                # A rule only the service knows (a slug taken meanwhile): shown like the rest.
                add_service_error(setup.form, error)
                status = error_status(error)
            else:
                messages.success(request, _("The debate is set up. Add its sources next."))
                return redirect("debate-manage", slug=debate.slug)
    return render(request, "debates/new.html", _new_debate_context(setup), status=status)


def _new_debate_context(setup: NewDebateSetUp) -> dict:
    """The page's parts, each field's errors by its name, and the summary of them all."""
    errors = field_errors(setup.form) if setup.is_bound else {}
    return {
        "form": setup.form, "errors": errors, "positions": setup.positions,
        "teams": setup.teams, "position_choices": setup.position_choices(),
        "summary": setup.errors() if setup.is_bound else [],
        # The rows past the first two fold away unless something was typed or refused there.
        "more_positions_open": _any_typed(setup.positions.forms[2:]),
        "more_teams_open": _any_typed(setup.teams.forms[2:]),
    }  # fmt: skip


def _any_typed(rows: list) -> bool:
    return any(row.errors or any(row[name].value() for name in row.fields) for row in rows)


def _managed(request: HttpRequest, slug: str) -> Debate:
    debate = get_visible_debate(request, slug)
    if not permissions.is_moderator(request.user, debate):
        raise Http404(_("Only moderators manage a debate."))
    return debate


def _details_form(debate: Debate, action: str, posted) -> DetailsForm:
    """The details form: as posted after a refused save (the typed text stays), else the
    debate's current values."""
    if action == "details" and posted is not None:
        return DetailsForm(posted)
    return DetailsForm(initial={
        name: getattr(debate, name) for name in DetailsForm.base_fields
    })  # fmt: skip


def _manage_page(
    request: HttpRequest, debate: Debate, *, status: int = 200, action: str = "", **extra
):
    context = {
        "debate": debate,
        "teams": debate.teams.select_related("position"),
        "positions": debate.positions.all(),
        "moderators": debate.memberships.filter(role=Role.MODERATOR).select_related("user"),
        "sources": Source.objects.filter(debate=debate).order_by("title", "revision"),
        "can_clone": permissions.can_create_debate(request.user),
        "can_manage": permissions.can_manage(request.user, debate),
        "details": _details_form(debate, action, extra.get("posted")),
        "standings_choices": StandingsFrom.choices,
        # The new-source form as posted after a refusal (cut to its limits), else empty.
        "source_form": SourceForm(extra["posted"]) if action == "source" else SourceForm(),
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
    handlers = {
        "details": _save_details,
        "team": _add_team,
        "regenerate": _regenerate,
        "moderator": _add_moderator,
        "source": _add_source,
        "revise": _revise_source,
        "clone": _clone,
        "anonymous": _set_anonymity,
    }
    action = ""
    try:
        action = cleaned(ManageActionForm, request.POST)["action"]
        data = cleaned(MANAGE_FORMS[action], request.POST, files=request.FILES)
        outcome = handlers[action](request, debate, data)
    except ServiceError as error:
        return _manage_page(request, debate, status=error_status(error), action=action,
                            errors={action: error.field_errors}, posted=request.POST)  # fmt: skip
    message, url = outcome if isinstance(outcome, tuple) else (outcome, None)
    messages.success(request, message)
    return redirect(url or reverse("debate-manage", args=[slug]))


def _save_details(request, debate, data):
    services.debate_update(
        actor=request.user, debate=debate, title=data["title"], motion=data["motion"],
        description=data["description"], is_public=data["is_public"],
        allow_observers=data["allow_observers"],
        count_observer_votes=data["count_observer_votes"],
        standings_from=data["standings_from"] or None,
    )  # fmt: skip
    return _("The debate's details are saved.")


def _add_team(request, debate, data):
    position = None
    if data["position"] is not None:
        position = debate.positions.filter(pk=data["position"]).first()
        if position is None:
            raise InvalidInput(_("Unknown position."), field="position")
    team = services.team_create(
        actor=request.user, debate=debate, name=data["name"], position=position
    )
    return _("Team %(team)s added.") % {"team": team.name}


def _regenerate(request, debate, data):
    team = debate.teams.filter(pk=data["team"]).first()
    if team is None:
        raise InvalidInput(_("Unknown team."), field="team")
    services.team_regenerate_code(actor=request.user, team=team)
    return _("%(team)s has a new invite code; the old one no longer works.") % {"team": team.name}


def _add_moderator(request, debate, data):
    for user in _users_named("username", data["username"]):
        services.membership_set(actor=request.user, debate=debate, user=user, role=Role.MODERATOR)
    return _("Moderator added.")


def _add_source(request, debate, data):
    upload, text = data["file"], data["text"]
    if upload is not None:
        text = source_services.source_text_from_upload(
            name=upload.name, data=upload.read(source_services.UPLOAD_MAX_BYTES + 1)
        )
    source = source_services.source_create(
        actor=request.user, debate=debate, title=data["title"], text=text,
        publication=data["publication"], volume=data["volume"], issue=data["issue"],
        published_on=data["published_on"], url=data["url"],
    )  # fmt: skip
    message = _("Source “%(title)s” added.") % {"title": source.title}
    return message, reverse("source", args=[debate.slug, source.pk])


def _revise_source(request, debate, data):
    source = Source.objects.filter(pk=data["source"], debate=debate).first()
    if source is None:
        raise InvalidInput(_("Unknown source."), field="source")
    revision = source_services.source_revise(actor=request.user, source=source, text=data["text"])
    return (
        _("Revision %(number)s of “%(title)s” saved.") % {
            "number": revision.revision, "title": revision.title},
        reverse("source", args=[debate.slug, revision.pk]),
    )


def _clone(request, debate, data):
    clone = services.debate_clone(
        actor=request.user, debate=debate, title=data["title"], slug=data["slug"]
    )
    return _("“%(title)s” was created from this debate.") % {"title": clone.title}, reverse(
        "debate-manage", args=[clone.slug]
    )


def _set_anonymity(request, debate, data):
    services.debate_anonymity_set(actor=request.user, debate=debate, anonymous=data["anonymous"])
    if data["anonymous"]:
        return _("Anonymous mode is on: participants now see each other under pseudonyms.")
    return _("Anonymous mode is off: participants see each other's usernames again.")
