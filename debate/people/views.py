"""The roster (moderators): who takes part and how, each member's role, team and removal,
the debate's tasks, and the participation CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from debate import permissions
from debate.debates import services as debate_services
from debate.debates.models import Debate, Membership, Role
from debate.debates.views import bad_query
from debate.errors import InvalidInput, ServiceError
from debate.inputs import add_service_error, cleaned, field_errors, first_error
from debate.moderation.views import moderated_debate
from debate.people import services
from debate.people.forms import (
    SORT_COLUMNS,
    MemberChangeForm,
    MemberEndForm,
    RosterQuery,
    TargetsForm,
)
from debate.people.models import TARGETS
from debate.people.selectors import Participant, debate_targets, participation, target_values
from debate.rendering import error_status, render_screen

# --- sorting and filtering --------------------------------------------------------------------

_SORT_KEYS: dict[str, Callable[[Participant], Any]] = {
    "name": lambda p: p.username.casefold(),
    "role": lambda p: p.role,
    "team": lambda p: p.team_name.casefold(),
    "joined": lambda p: p.joined_at,
    "active": lambda p: (p.last_activity is not None, p.last_activity or p.joined_at),
    "claims": lambda p: p.claims,
    "rebuttals": lambda p: p.rebuttals,
    "edits": lambda p: p.edits,
    "proposed": lambda p: p.evidence_proposed,
    "approved": lambda p: p.evidence_approved,
    "rejected": lambda p: p.evidence_rejected,
    "citations": lambda p: p.citations,
    "votes": lambda p: p.votes,
    "flags": lambda p: p.flags,
    "polls": lambda p: p.poll_answers,
    "tasks": lambda p: p.tasks_done,
    "grade": lambda p: p.grade.casefold(),
}


def _sorted(people: list[Participant], sort: str) -> list[Participant]:
    key = _SORT_KEYS[sort.lstrip("-")]
    # Ties stay in name order (participation() returns them so; sorted() is stable).
    return sorted(people, key=key, reverse=sort.startswith("-"))


def _roster_context(request: HttpRequest, debate: Debate, query: dict, **extra) -> dict:
    people = _sorted(participation(debate), query["sort"])
    if query["team"] is not None:
        people = [p for p in people if p.team_id == query["team"]]
    if query["silent"]:
        people = [p for p in people if not p.has_posted]
    targets = debate_targets(debate)
    return {
        "debate": debate,
        "current": [p for p in people if p.ended_at is None],
        "removed": [p for p in people if p.ended_at is not None],
        "teams": list(debate.teams.all()),
        "roles": Role.choices,
        "sort": query["sort"],
        "team_filter": query["team"],
        "silent": query["silent"],
        "headers": _headers(query),
        "task_labels": [
            label for name, _k, label, *_rest in TARGETS if targets and getattr(targets, name)
        ],  # fmt: skip
        "targets_form": TargetsForm(initial=target_values(targets)),
        "can_manage": permissions.can_manage(request.user, debate),
        **extra,
    }


# Headers drawn short so that the table fits a laptop's width; the whole label is still
# read out (visually hidden): "Evidence proposed", "Poll answers".
SHORT_LABELS = {
    "proposed": pgettext_lazy("roster column, short for Evidence proposed", "Proposed"),
    "approved": pgettext_lazy("roster column, short for Evidence approved", "Approved"),
    "rejected": pgettext_lazy("roster column, short for Evidence rejected", "Rejected"),
    "polls": pgettext_lazy("roster column, short for Poll answers", "Polls"),
    "active": pgettext_lazy("roster column, short for Last activity", "Active"),
    "tasks": pgettext_lazy("roster column, short for Tasks done", "Tasks"),
}


def _headers(query: dict) -> list[dict]:
    """Each sortable column's header: its link (sorted by it, or the other way round when it
    is the current order) and its aria-sort. Links keep the filters."""
    keep = {"team": query["team"] or "", "silent": "1" if query["silent"] else ""}
    headers = []
    for key, label in SORT_COLUMNS:
        order = None
        if query["sort"].lstrip("-") == key:
            order = "descending" if query["sort"].startswith("-") else "ascending"
        sort = f"-{key}" if order == "ascending" else key
        params = urlencode({"sort": sort, **{k: v for k, v in keep.items() if v}})
        short = SHORT_LABELS.get(key)
        headers.append({"key": key, "label": short or label, "full": label if short else "",
                        "href": f"?{params}", "order": order})  # fmt: skip
    return headers


def _empty_query() -> dict:
    return {"sort": "name", "team": None, "silent": False}


@require_GET
def roster(request: HttpRequest, slug: str) -> HttpResponse:
    debate = moderated_debate(request, slug)
    query = RosterQuery(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    context = _roster_context(request, debate, query.cleaned_data)
    return render_screen(request, "people/roster.html", context, region="roster-table")


# --- writes -----------------------------------------------------------------------------------


def _back(request: HttpRequest, debate: Debate, message: str) -> HttpResponse:
    """After a write: htmx gets the table again, a plain form post goes back to the page."""
    if not request.htmx:
        messages.success(request, message)
        return redirect("debate-people", slug=debate.slug)
    context = _roster_context(request, debate, _empty_query(), notice=message)
    return render_screen(request, "people/roster.html", context, region="roster-table")


def _refused(request: HttpRequest, debate: Debate, error: ServiceError, **extra) -> HttpResponse:
    context = _roster_context(request, debate, _empty_query(), error=error.message, **extra)
    return render_screen(request, "people/roster.html", context, region="roster-table",
                         status=error_status(error))  # fmt: skip


def _member(debate: Debate, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "debate"), pk=membership_id, debate=debate
    )


@require_POST
def member_change(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    debate = moderated_debate(request, slug)
    membership = _member(debate, membership_id)
    try:
        data = cleaned(MemberChangeForm, request.POST)
        team = None
        if data["team"] is not None:
            team = debate.teams.filter(pk=data["team"]).first()
            if team is None:
                raise InvalidInput(_("No team with that number in this debate."), field="team")
        debate_services.membership_change(
            actor=request.user, membership=membership, role=data["role"], team=team
        )
    except ServiceError as error:
        return _refused(request, debate, error, error_member=membership.user_id)
    return _back(request, debate, _("%(username)s: role and team saved.")
                 % {"username": membership.user.username})  # fmt: skip


@require_POST
def member_end(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    debate = moderated_debate(request, slug)
    membership = _member(debate, membership_id)
    try:
        data = cleaned(MemberEndForm, request.POST)
        debate_services.membership_end(
            actor=request.user, membership=membership, reason=data["reason"]
        )
    except ServiceError as error:
        return _refused(request, debate, error, error_member=membership.user_id)
    return _back(request, debate, _("%(username)s no longer takes part.")
                 % {"username": membership.user.username})  # fmt: skip


@require_POST
def targets_save(request: HttpRequest, slug: str) -> HttpResponse:
    debate = moderated_debate(request, slug)
    form = TargetsForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(first_error(form), errors=field_errors(form))
        services.targets_set(actor=request.user, debate=debate, **form.cleaned_data)
    except ServiceError as error:
        if not form.errors:
            add_service_error(form, error)
        # The whole page: the tasks form sits outside the table's region.
        context = _roster_context(request, debate, _empty_query(), error=error.message,
                                  targets_form=form)  # fmt: skip
        return render_screen(request, "people/roster.html", context, status=error_status(error))
    return _back(request, debate, _("Tasks saved."))


# --- the CSV ----------------------------------------------------------------------------------

CSV_COLUMNS = ["user_id", "username", "status", "role", "team", "joined_at", "ended_at",
               "last_activity", "claims", "claims_hidden", "rebuttals", "edits",
               "evidence_proposed", "evidence_approved", "evidence_rejected", "citations",
               "votes", "flags", "poll_answers", "tasks_done", "tasks_total", "grade",
               "grade_released", "grade_comment", "feedback_count"]  # fmt: skip
# A cell a spreadsheet would run as a formula starts with one of these (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A cell as text; one that a spreadsheet would read as a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_columns(debate: Debate) -> list[str]:
    """The CSV's columns: in an anonymous debate, each person's pseudonym beside the
    username (the file is the moderators')."""
    if debate.anonymous:
        return [*CSV_COLUMNS[:2], "pseudonym", *CSV_COLUMNS[2:]]
    return CSV_COLUMNS


def csv_row(person: Participant, columns: list[str] = CSV_COLUMNS) -> list[str]:
    values = {**vars(person), "status": person.status, "team": person.team_name,
              "tasks_done": person.tasks_done, "tasks_total": len(person.tasks)}  # fmt: skip
    return [csv_cell(values[column]) for column in columns]


class _Echo:
    """csv.writer writes to this and gets each line back."""

    def write(self, value: str) -> str:
        return value


@require_GET
def participation_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Plain UTF-8 (no byte-order mark), one row per participant, current and removed."""
    debate = moderated_debate(request, slug)
    writer = csv.writer(_Echo())
    columns = csv_columns(debate)
    lines = [writer.writerow(columns)]
    lines += [writer.writerow(csv_row(person, columns)) for person in participation(debate)]
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{debate.slug}-participation.csv"'
    response["Cache-Control"] = "private, no-store"  # grades and names: never in a cache
    return response
