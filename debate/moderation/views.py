"""Moderators' screens: the queue (proposed evidence and open flags) and the audit trail;
and the flag form that any participant uses."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from debate import permissions
from debate.arguments.models import Claim
from debate.arguments.views import claim_for_viewer
from debate.audit.sentences import audit_lines
from debate.debates.models import Debate
from debate.debates.views import get_visible_debate
from debate.errors import InvalidInput, ServiceError
from debate.inputs import add_service_error, cleaned, field_errors, first_error
from debate.mapview import visibility
from debate.moderation import services
from debate.moderation.forms import AuditQuery, EvidenceReviewForm, FlagForm, FlagResolveForm
from debate.moderation.models import Fallacy, Flag, FlagKind
from debate.moderation.selectors import audit_filters, audit_trail, evidence_queue, flag_queue
from debate.rendering import error_status, render_screen
from debate.sources import services as source_services
from debate.sources.models import Evidence

# What a plain (non-htmx) review says once done: one whole sentence per decision.
REVIEW_DONE = {
    "approve": gettext_lazy("Evidence #%(number)s: approve done."),
    "reject": gettext_lazy("Evidence #%(number)s: reject done."),
    "hide": gettext_lazy("Evidence #%(number)s: hide done."),
    "restore": gettext_lazy("Evidence #%(number)s: restore done."),
}


def moderated_debate(request: HttpRequest, slug: str) -> Debate:
    """The debate, for its moderators only: a 404 for anyone else (the queue, the roster),
    so no one learns the page exists."""
    debate = get_visible_debate(request, slug)
    if not permissions.is_moderator(request.user, debate):
        raise Http404("Only moderators see this page.")
    return debate


def _queue_context(request: HttpRequest, debate: Debate, **extra) -> dict:
    evidence_items = evidence_queue(debate)
    flags = list(flag_queue(debate))
    return {
        "debate": debate,
        "evidence_items": evidence_items,
        "flags": flags,
        # An error about something not in the queue (hiding approved evidence) shows on top.
        "queued_ids": {item.evidence.pk for item in evidence_items},
        "flag_ids": {flag.pk for flag in flags},
        # Moderators only: usernames, with the pseudonym beside them in an anonymous debate.
        "names": visibility.names_for(visibility.Audience(moderator=True), debate),
        **extra,
    }


def _refused(request: HttpRequest, debate: Debate, error: ServiceError, region: str, **extra):
    """A refused review: moderators see the queue with the reason on top (and next to the
    item), anyone else only the reason — never the queue itself."""
    status = error_status(error)
    if not permissions.is_moderator(request.user, debate):
        return render_screen(request, "debates/refused.html",
                             {"debate": debate, "error": error.message}, status=status)  # fmt: skip
    context = _queue_context(request, debate, error=error.message, **extra)
    return render_screen(request, "moderation/queue.html", context, region=region, status=status)


@require_GET
def moderation_queue(request: HttpRequest, slug: str) -> HttpResponse:
    debate = moderated_debate(request, slug)
    return render_screen(request, "moderation/queue.html", _queue_context(request, debate))


@require_POST
def evidence_review(request: HttpRequest, slug: str, evidence_id: int) -> HttpResponse:
    """Approve, reject (reason required), hide or restore a piece of evidence."""
    debate = get_visible_debate(request, slug)
    evidence = get_object_or_404(Evidence.objects.select_related("debate"), pk=evidence_id,
                                 debate=debate)  # fmt: skip
    form = EvidenceReviewForm(request.POST)
    valid = form.is_valid()
    decision = form.cleaned_data.get("decision", "") if valid else ""
    reason = form.cleaned_data.get("reason", "") if valid else ""
    actions = {
        "approve": source_services.evidence_approve,
        "reject": source_services.evidence_reject,
        "hide": source_services.evidence_hide,
        "restore": source_services.evidence_restore,
    }
    try:
        if not valid:
            raise InvalidInput(first_error(form), errors=field_errors(form))
        actions[decision](actor=request.user, evidence=evidence, reason=reason)
    except ServiceError as error:
        return _refused(request, debate, error, "evidence-queue", error_evidence=evidence.pk,
                        reason=reason)  # fmt: skip
    messages.success(request, REVIEW_DONE[decision] % {"number": evidence.pk})
    back = form.cleaned_data["next"]
    if not request.htmx:
        return redirect(back if back.startswith("/") and not back.startswith("//") else
                        reverse("moderation-queue", args=[debate.slug]))  # fmt: skip
    return render_screen(request, "moderation/queue.html", _queue_context(request, debate),
                         region="evidence-queue")  # fmt: skip


@require_http_methods(["GET", "POST"])
def flag_create(request: HttpRequest, slug: str, claim_id: int) -> HttpResponse:
    debate = get_visible_debate(request, slug)
    claim = claim_for_viewer(request, debate, claim_id)
    form = FlagForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        try:
            data = cleaned(FlagForm, request.POST)
            duplicate_of = None
            if data["kind"] == FlagKind.DUPLICATE and data["duplicate_of"] is not None:
                duplicate_of = Claim.objects.filter(pk=data["duplicate_of"], debate=debate).first()
                if duplicate_of is None:
                    raise InvalidInput(
                        _("No claim with that number in this debate."), field="duplicate_of"
                    )
            services.flag_create(
                actor=request.user, claim=claim, kind=data["kind"], fallacy=data["fallacy"],
                duplicate_of=duplicate_of, note=data["note"],
            )  # fmt: skip
        except ServiceError as error:
            if not form.errors:
                add_service_error(form, error)
            status = error_status(error)
        else:
            if not request.htmx:
                messages.success(request, _("Thank you: a moderator will look at your flag."))
                return redirect(f"{reverse('debate', args=[debate.slug])}#claim-{claim.pk}")
            return render_screen(request, "moderation/flag.html",
                                 {"debate": debate, "claim": claim, "done": True},
                                 region="flag-form")  # fmt: skip
    return render_screen(
        request, "moderation/flag.html",
        {"debate": debate, "claim": claim, "form": form,
         "errors": field_errors(form) if form.is_bound else {},
         "kinds": FlagKind.choices, "fallacies": Fallacy.choices},
        region="flag-form", status=status,
    )  # fmt: skip


@require_POST
def flag_resolve(request: HttpRequest, slug: str, flag_id: int) -> HttpResponse:
    debate = get_visible_debate(request, slug)
    flag = get_object_or_404(Flag, pk=flag_id, debate=debate)
    form = FlagResolveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if form.errors:
            raise InvalidInput(first_error(form), errors=field_errors(form))
        services.flag_resolve(
            actor=request.user, flag=flag, resolution=form.cleaned_data["resolution"],
            reason=reason,
        )  # fmt: skip
    except ServiceError as error:
        return _refused(request, debate, error, "flag-queue", error_flag=flag.pk,
                        reason=reason)  # fmt: skip
    if not request.htmx:
        messages.success(request, _("Flag #%(number)s resolved.") % {"number": flag.pk})
        return redirect("moderation-queue", slug=debate.slug)
    return render_screen(request, "moderation/queue.html", _queue_context(request, debate),
                         region="flag-queue")  # fmt: skip


@require_GET
def audit_view(request: HttpRequest, slug: str) -> HttpResponse:
    debate = get_visible_debate(request, slug)
    if not permissions.can_view_audit(request.user, debate):
        raise Http404("Only moderators see the audit trail.")
    query = AuditQuery(request.GET)
    if not query.is_valid():
        # The filters are a form on the page: refused like any form, with its message.
        return render(request, "400.html", {"message": first_error(query)}, status=422)
    actor, action = query.cleaned_data["actor"], query.cleaned_data["action"]
    actors, actions = audit_filters(debate)
    page = audit_trail(debate, actor=actor, action=action, page=query.cleaned_data["page"])
    lines = audit_lines(debate, page.object_list)  # each event as a sentence, names in bulk
    return render_screen(
        request, "moderation/audit.html",
        {"debate": debate, "page": page, "lines": lines, "actor": actor, "action": action,
         "actors": actors, "actions": actions},
        region="audit-table",
    )  # fmt: skip
