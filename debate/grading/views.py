"""The grading screens: the index (everyone's status, the scale, the release) and one
person's work with their grade and per-claim feedback. Moderators only; others get a 404,
as on the other moderators' pages. Grading works in every phase (permissions.can_grade)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from debate import permissions
from debate.arguments.models import Claim
from debate.debates.models import Debate
from debate.debates.views import get_visible_debate
from debate.errors import InvalidInput, ServiceError
from debate.grading import selectors, services
from debate.grading.forms import FeedbackForm, GradeForm, ReleaseForm, ScaleForm
from debate.grading.models import Audience, Feedback, ScaleKind
from debate.inputs import add_service_error, field_errors
from debate.mapview import cache as maps
from debate.mapview import visibility
from debate.rendering import error_context, error_status, render_screen

INDEX = "grading/index.html"
PERSON = "grading/person.html"


def _graded_debate(request: HttpRequest, slug: str) -> Debate:
    debate = get_visible_debate(request, slug)
    if not permissions.can_view_grades(request.user, debate):
        raise Http404(_("Only moderators see this page."))
    return debate


# --- the index -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    person: selectors.Participant
    summary: selectors.GradeSummary


def _scale_form(scale) -> ScaleForm:
    initial = {"kind": scale.kind, "max_points": scale.max_points,
               "letters": ", ".join(scale.letters)}  # fmt: skip
    return ScaleForm(initial=initial)


def _index_context(debate: Debate, **extra) -> dict:
    people = selectors.participants(debate)
    summaries = selectors.grades_by_user(debate)
    scale = services.scale_of(debate)
    return {
        "debate": debate,
        "rows": [Row(p, summaries.get(p.user_id, selectors.EMPTY_SUMMARY)) for p in people],
        "scale": scale,
        "scale_kinds": ScaleKind.choices,
        "scale_form": extra.pop("scale_form", None) or _scale_form(scale),
        "release_form": extra.pop("release_form", None) or ReleaseForm(),
        "names": _moderators_names(debate),
        **extra,
    }


def _moderators_names(debate: Debate) -> visibility.Names:
    """How these moderators' pages name people: the username, with the pseudonym beside it in
    an anonymous debate (1 query there, none elsewhere)."""
    return visibility.names_for(visibility.Audience(moderator=True), debate)


@require_GET
def grading_index(request: HttpRequest, slug: str) -> HttpResponse:
    debate = _graded_debate(request, slug)
    return render_screen(request, INDEX, _index_context(debate))


@require_POST
def grading_release(request: HttpRequest, slug: str) -> HttpResponse:
    debate = _graded_debate(request, slug)
    form = ReleaseForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_("Check the release form."), errors=field_errors(form))
        done = services.release(actor=request.user, debate=debate,
                                scopes=form.cleaned_data["scope"])  # fmt: skip
    except ServiceError as error:
        if not form.errors:
            add_service_error(form, error)
        return render_screen(request, INDEX, _index_context(debate, release_form=form,
                             **error_context(error)), region="grading-release",
                             status=error_status(error))  # fmt: skip
    released = _released_sentence(done)
    if not request.htmx:
        messages.success(request, released)
        return redirect("debate-grading", slug=debate.slug)
    return render_screen(request, INDEX, _index_context(debate, released=released),
                         region="grading-release")  # fmt: skip


@require_POST
def grading_scale(request: HttpRequest, slug: str) -> HttpResponse:
    debate = _graded_debate(request, slug)
    form = ScaleForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_("Check the scale."), errors=field_errors(form))
        data = form.cleaned_data
        # Blank means the default; a 0 typed in is the service's to refuse, not a 100.
        points = 100 if data["max_points"] is None else data["max_points"]
        services.scale_set(actor=request.user, debate=debate, kind=data["kind"],
                           max_points=points, letters=data["letters"])  # fmt: skip
    except ServiceError as error:
        if not form.errors:
            add_service_error(form, error)
        return render_screen(request, INDEX, _index_context(debate, scale_form=form,
                             **error_context(error)), region="grading-scale",
                             status=error_status(error))  # fmt: skip
    if not request.htmx:
        messages.success(request, _("The grading scale is saved."))
        return redirect("debate-grading", slug=debate.slug)
    return render_screen(request, INDEX, _index_context(debate, scale_saved=True),
                         region="grading-scale")  # fmt: skip


# --- one person ----------------------------------------------------------------------------


@dataclass
class ClaimItem:
    claim: Claim
    feedback: list
    form: FeedbackForm | None = None  # a refused form, with its errors
    saved: bool = False
    strength: float | None = None  # when the debate shows strengths (as the map does)


def _person(debate: Debate, user_id: int) -> tuple[list, int]:
    people = selectors.participants(debate)
    for index, person in enumerate(people):
        if person.user_id == user_id:
            return people, index
    raise Http404(_("No such participant in this debate."))


def _person_context(debate: Debate, user_id: int, **extra) -> dict:
    people, index = _person(debate, user_id)
    work = selectors.person_work(debate, user_id)
    # The shared map (cached per version: one query warm) for the strengths, shown only
    # where the map shows them (visibility.strengths_shown).
    dmap = maps.debate_map(debate, include_hidden=True)
    strengths = (
        {pk: node.strength for pk, node in dmap.claims.items()} if dmap.strengths_shown else {}
    )
    scale = services.scale_of(debate)
    grade = work.grade
    grade_form = extra.pop("grade_form", None) or GradeForm(
        initial={"value": grade.value, "comment": grade.comment} if grade else None
    )
    refused = extra.pop("feedback_form", None)
    refused_claim = extra.pop("feedback_claim", None)
    saved_claim = extra.pop("saved_claim", None)
    items = [
        ClaimItem(claim=c, feedback=work.feedback.get(c.pk, []),
                  form=refused if c.pk == refused_claim else None, saved=c.pk == saved_claim,
                  strength=strengths.get(c.pk))
        for c in work.claims
    ]  # fmt: skip
    return {
        "debate": debate,
        "person": people[index],
        "position_in_list": index + 1,
        "people_count": len(people),
        "previous": people[index - 1] if index > 0 else None,
        "next": people[index + 1] if index + 1 < len(people) else None,
        "work": work,
        "items": items,
        "grade": grade,
        "scale": scale,
        "points": scale.kind == ScaleKind.POINTS,
        "grade_form": grade_form,
        "audiences": Audience.choices,
        "names": _moderators_names(debate),
        **extra,
    }


@require_GET
def grading_person(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    debate = _graded_debate(request, slug)
    return render_screen(request, PERSON, _person_context(debate, user_id))


def _person_url(debate: Debate, user_id: int, anchor: str = "") -> str:
    url = reverse("debate-grading-person", args=[debate.slug, user_id])
    return f"{url}#{anchor}" if anchor else url


@require_POST
def grading_grade(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    debate = _graded_debate(request, slug)
    _person(debate, user_id)  # 404 before any write for someone not in the list
    form = GradeForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_("Check the grade."), errors=field_errors(form))
        services.grade_set(actor=request.user, debate=debate, user_id=user_id,
                           value=form.cleaned_data["value"],
                           comment=form.cleaned_data["comment"])  # fmt: skip
    except ServiceError as error:
        if not form.errors:
            add_service_error(form, error)
        return render_screen(request, PERSON, _person_context(debate, user_id, grade_form=form,
                             **error_context(error)), region="grade-form",
                             status=error_status(error))  # fmt: skip
    if not request.htmx:
        messages.success(request, _("The grade is saved."))
        return redirect(_person_url(debate, user_id, "grade-form"))
    return render_screen(request, PERSON, _person_context(debate, user_id, grade_saved=True),
                         region="grade-form")  # fmt: skip


def _claim_item_response(request, debate, user_id, claim_id, *, status=200, **extra):
    context = _person_context(debate, user_id, **extra)
    context["item"] = next(i for i in context["items"] if i.claim.pk == claim_id)
    return render_screen(request, PERSON, context, region="claim-feedback", status=status)


@require_POST
def grading_feedback(request: HttpRequest, slug: str, user_id: int, claim_id: int) -> HttpResponse:
    """Write feedback on one of the person's claims."""
    debate = _graded_debate(request, slug)
    _person(debate, user_id)
    claim = get_object_or_404(Claim.objects.select_related("debate"), pk=claim_id, debate=debate,
                              author_id=user_id)  # fmt: skip
    form = FeedbackForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_("Check the feedback."), errors=field_errors(form))
        services.feedback_set(actor=request.user, claim=claim, text=form.cleaned_data["text"],
                              audience=form.cleaned_data["audience"])  # fmt: skip
    except ServiceError as error:
        if not form.errors:
            add_service_error(form, error)
        return _claim_item_response(request, debate, user_id, claim.pk, feedback_form=form,
                                    feedback_claim=claim.pk, status=error_status(error),
                                    **error_context(error))  # fmt: skip
    if not request.htmx:
        messages.success(request, _("Feedback on #%(number)s is saved.") % {"number": claim.pk})
        return redirect(_person_url(debate, user_id, f"claim-feedback-{claim.pk}"))
    return _claim_item_response(request, debate, user_id, claim.pk, saved_claim=claim.pk)


@require_POST
def grading_feedback_remove(request: HttpRequest, slug: str, feedback_id: int) -> HttpResponse:
    debate = _graded_debate(request, slug)
    feedback = get_object_or_404(Feedback.objects.select_related("debate", "claim"),
                                 pk=feedback_id, debate=debate)  # fmt: skip
    user_id = feedback.claim.author_id
    if user_id is None:
        raise Http404(_("No such participant in this debate."))
    _person(debate, user_id)
    try:
        services.feedback_remove(actor=request.user, feedback=feedback)
    except ServiceError as error:
        return _claim_item_response(request, debate, user_id, feedback.claim_id,
                                    status=error_status(error), error=error.message,
                                    **error_context(error))  # fmt: skip
    if not request.htmx:
        messages.success(request, _("The feedback is removed."))
        return redirect(_person_url(debate, user_id, f"claim-feedback-{feedback.claim_id}"))
    return _claim_item_response(request, debate, user_id, feedback.claim_id)


def _released_sentence(done: dict[str, int]) -> str:
    """For example: Released 2 grades and 1 piece of feedback; 2 students notified. Three
    counts, each with its own plural: three sentences, each one whole msgid."""
    grades, feedback, students = done["grades"], done["feedback"], done["students"]
    part = ngettext("Released %(count)s grade", "Released %(count)s grades", grades) % {
        "count": grades
    }
    # Translators: the middle of "Released 2 grades and 1 piece of feedback; 2 students
    # notified." (%(grades)s is "Released 2 grades").
    part = ngettext("%(grades)s and %(count)s piece of feedback;",
                    "%(grades)s and %(count)s pieces of feedback;",
                    feedback) % {"grades": part, "count": feedback}  # fmt: skip
    # Translators: the end of "Released 2 grades and 1 piece of feedback; 2 students notified."
    # (%(released)s is "Released 2 grades and 1 piece of feedback;").
    return ngettext("%(released)s %(count)s student notified.",
                    "%(released)s %(count)s students notified.",
                    students) % {"released": part, "count": students}  # fmt: skip
