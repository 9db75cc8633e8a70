"""The small-groups pages: the overview of a split debate, the split form, and the form that
moves every group to a phase at once. Moderators of the debate only; others get a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from debate import permissions
from debate.debates.models import Debate, Phase
from debate.debates.views import get_visible_debate
from debate.errors import ServiceError
from debate.groups import selectors, services
from debate.groups.forms import ASSIGNMENT_CHOICES, GroupsPhaseForm, SplitForm, member_field
from debate.inputs import add_service_error
from debate.mapview import visibility
from debate.rendering import error_status, render_screen


def _moderated(request: HttpRequest, slug: str) -> Debate:
    debate = get_visible_debate(request, slug)
    if not permissions.is_moderator(request.user, debate):
        raise Http404(_("No such page."))
    return debate


def _overview(
    request: HttpRequest, debate: Debate, *, phase_form: GroupsPhaseForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    cards = selectors.groups_overview(debate, request.user)
    return render_screen(request, "groups/overview.html", {
        "debate": debate, "cards": cards, "phases": Phase.choices,
        # The form offers the phase the first group is in (a form posted back: as posted).
        "phase_form": phase_form or GroupsPhaseForm(initial={"phase": cards[0].phase} if cards
                                                     else None),
        "can_split": services.split_refusal(request.user, debate, has_groups=bool(cards)) is None,
    }, status=status)  # fmt: skip


@require_GET
def groups_overview(request: HttpRequest, slug: str) -> HttpResponse:
    return _overview(request, _moderated(request, slug))


@require_POST
def groups_phase(request: HttpRequest, slug: str) -> HttpResponse:
    """Every group to one phase at once (all or none)."""
    debate = _moderated(request, slug)
    form = GroupsPhaseForm(request.POST)
    if not form.is_valid():
        return _overview(request, debate, phase_form=form, status=422)
    try:
        groups = services.groups_phase_change(
            actor=request.user, debate=debate, phase=form.cleaned_data["phase"]
        )
    except ServiceError as error:
        add_service_error(form, error)
        return _overview(request, debate, phase_form=form, status=error_status(error))
    phase = dict(Phase.choices).get(form.cleaned_data["phase"], form.cleaned_data["phase"])
    messages.success(request, ngettext(
        # Translators: %(phase)s is a phase's name: "Opening", "Voting".
        "All %(count)s group is now in the %(phase)s phase.",
        "All %(count)s groups are now in the %(phase)s phase.", len(groups),
    ) % {"count": len(groups), "phase": phase})  # fmt: skip
    return redirect("debate-groups", slug=debate.slug)


@require_http_methods(["GET", "POST"])
def groups_split(request: HttpRequest, slug: str) -> HttpResponse:
    debate = _moderated(request, slug)
    members = selectors.split_members(debate)
    form = SplitForm(request.POST if request.method == "POST" else None, members=members)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.debate_split(
                    actor=request.user, debate=debate, count=form.cleaned_data["count"],
                    assignment=form.cleaned_data["assignment"], by_hand=form.by_hand(),
                )  # fmt: skip
            except ServiceError as error:
                add_service_error(form, error)
                status = error_status(error)
            else:
                count = form.cleaned_data["count"]
                messages.success(request, ngettext(
                    "The debate is split into %(count)s group.",
                    "The debate is split into %(count)s groups.", count,
                ) % {"count": count})  # fmt: skip
                return redirect("debate-groups", slug=debate.slug)
    groups = selectors.group_rows(debate)
    refusal = services.split_refusal(request.user, debate, has_groups=bool(groups))
    names = visibility.names_for(visibility.audience_of(request.user, debate), debate)
    rows = [
        {"membership": m, "name": names.label(m.user_id, m.user.username),
         "field": form[member_field(m.user_id)]}
        for m in members
    ]  # fmt: skip
    return render_screen(request, "groups/split.html", {
        "debate": debate, "form": form, "rows": rows, "assignments": ASSIGNMENT_CHOICES,
        "min_groups": services.MIN_GROUPS, "max_groups": services.MAX_GROUPS,
        "groups": groups, "refusal": refusal,
    }, status=status)  # fmt: skip
