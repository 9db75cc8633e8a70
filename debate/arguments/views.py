"""The screens that write to the map: compose, edit, cite, vote, withdraw, hide and restore.

Each view is one screen. htmx asks for a fragment and gets the re-rendered region; a plain
browser posts a real form and is redirected (Post/Redirect/Get), or sees the full page with
the error. Rules live in the services and the permissions module, never here.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from debate import permissions
from debate.arguments import services
from debate.arguments.models import Claim, Relation
from debate.debates.models import Debate
from debate.debates.views import get_visible_debate
from debate.errors import Conflict, ServiceError
from debate.mapview import cache, layout
from debate.mapview.viewer import controls_for, viewer_for
from debate.rendering import error_context, error_status, render_screen
from debate.sources.models import Evidence
from debate.sources.selectors import evidence_search

LIVE_EVENT = "debate-changed"
CLAIM = "debates/_tree.html"
CARD = "debates/_claim_card.html"
VOTES = "debates/_votes_response.html"
CARD_OOB = "debates/_claim_card_oob.html"
PAGE = "debates/claim_detail.html"


def claim_for_viewer(request: HttpRequest, debate: Debate, claim_id: int) -> Claim:
    """The claim, if the viewer may see it: withdrawn and hidden claims only for moderators."""
    claim = get_object_or_404(Claim, pk=claim_id, debate=debate)
    claim.debate = debate
    if (claim.is_hidden or claim.is_withdrawn) and not permissions.is_moderator(
        request.user, debate
    ):
        raise Http404("No such claim in this debate.")
    return claim


def _not_allowed(request: HttpRequest, template: str, region: str, context: dict, message: str):
    """A form the viewer may not use: the screen says why, with a 403."""
    context = {**context, "errors": {"non_field_errors": [message]}, "refused": True}
    return render_screen(request, template, context, region=region, status=403)


def _map_context(
    request: HttpRequest,
    debate: Debate,
    claim_id: int | None = None,
    *,
    subtree: bool = True,
    my_votes: dict[int, int | None] | None = None,
) -> dict:
    """The claim as the viewer now sees it, after their own write if there was one, with
    its path up to the position (whose strengths a vote changes) and its controls.
    `my_votes`: the viewer's votes the caller knows already (the one just cast)."""
    viewer = viewer_for(request.user, debate)
    viewer.know_votes(my_votes or {})
    dmap = cache.debate_map_after_write(debate, include_hidden=viewer.is_moderator)
    controls_for(dmap, viewer, ())
    context = {"debate": debate, "map": dmap, "viewer": viewer, "version": dmap.version}
    if claim_id is not None:
        claim = dmap.claims.get(claim_id)
        path = dmap.path_to(claim_id) if claim else []
        context.update(
            claim=claim,
            path=path[:-1],  # the breadcrumb above the claim
            strength_path=list(reversed(path)),  # the strengths a vote on it changes
            c=controls_for(dmap, viewer, [claim])[claim_id] if claim else None,
            items=layout.subtree_items(dmap, viewer, claim) if claim and subtree else [],
            position=dmap.position(claim.position_id) if claim else None,
        )
    return context


def _fragment_or_page(
    request: HttpRequest,
    debate: Debate,
    claim_id: int,
    fragment: str,
    *,
    status: int = 200,
    error: str = "",
    extra: dict | None = None,
    my_votes: dict[int, int | None] | None = None,
) -> HttpResponse:
    """htmx gets the shared fragment of the claim; a plain browser its focused page."""
    template = fragment if request.htmx else PAGE
    # Only the claim with its replies, or its page, draws the subtree.
    context = _map_context(request, debate, claim_id, subtree=template in (CLAIM, PAGE),
                           my_votes=my_votes)  # fmt: skip
    context["error"] = error
    context.update(extra or {})
    return render_screen(request, template, context, status=status)


def _after_write(
    request: HttpRequest, debate: Debate, claim_id: int, fragment: str, **options
) -> HttpResponse:
    """htmx gets the fragment re-rendered and a nudge to the live poller; others a redirect."""
    if not request.htmx:
        return redirect(f"{reverse('debate', args=[debate.slug])}#claim-{claim_id}")
    response = _fragment_or_page(request, debate, claim_id, fragment, **options)
    return trigger_client_event(response, LIVE_EVENT)


def _refusal(
    request: HttpRequest, debate: Debate, claim: Claim, error: ServiceError, fragment: str
):
    """A refused one-click action: the fragment (or page) with the reason, and a 4xx status."""
    return _fragment_or_page(
        request, debate, claim.pk, fragment, status=error_status(error), error=error.message,
        extra=error_context(error),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def claim_compose(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a claim under a position (`position`) or under a claim (`parent`)."""
    debate = get_visible_debate(request, slug)
    data = request.POST if request.method == "POST" else request.GET
    parent = None
    parent_id = data.get("parent") or None
    position_id = data.get("position") or None
    errors: dict[str, list[str]] = {}
    extra: dict = {}
    try:
        if parent_id:
            parent = claim_for_viewer(request, debate, int(parent_id))
            position = parent.position
        else:
            position = get_object_or_404(debate.positions, pk=int(position_id or 0))
    except ValueError:
        return render_screen(
            request, "arguments/compose.html",
            {"debate": debate, "errors": {"parent": ["Unknown parent."]}, "refused": True},
            region="compose-form", status=422,
        )  # fmt: skip
    if request.method == "GET" and not permissions.can_add_claim(
        request.user, debate, position=position
    ):
        return _not_allowed(
            request, "arguments/compose.html", "compose-form",
            {"debate": debate, "parent": parent, "position": position},
            "You cannot add a claim here in this phase.",
        )  # fmt: skip
    form = {
        "text": data.get("text", ""),
        "stance": data.get("stance", "pro" if parent is None else "con"),
    }
    status = 200
    if request.method == "POST":
        try:
            claim = services.claim_create(
                actor=request.user, debate=debate, position=position, parent=parent,
                text=form["text"], stance=form["stance"],
            )  # fmt: skip
        except ServiceError as error:
            errors, status = error.field_errors, error_status(error)
            extra = error_context(error)
        else:
            if not request.htmx:
                return redirect(f"{reverse('debate', args=[debate.slug])}#claim-{claim.pk}")
            # The live poller inserts the new claim, for its author as for everyone else;
            # here the form closes and says so.
            response = render_screen(
                request, "arguments/compose.html",
                {"debate": debate, "parent": parent, "position": position, "added": claim},
                region="compose-form",
            )  # fmt: skip
            return trigger_client_event(response, LIVE_EVENT)
    return render_screen(
        request, "arguments/compose.html",
        {"debate": debate, "parent": parent, "position": position, "form": form,
         "errors": errors, **extra},
        region="compose-form", status=status,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def claim_edit(request: HttpRequest, slug: str, claim_id: int) -> HttpResponse:
    debate = get_visible_debate(request, slug)
    claim = claim_for_viewer(request, debate, claim_id)
    if request.method == "GET" and not permissions.can_edit_claim(request.user, debate, claim):
        return _not_allowed(
            request, "arguments/claim_edit.html", "edit-form", {"debate": debate, "claim": claim},
            "You cannot edit this claim: only its author can, in the opening and rebuttal phases.",
        )  # fmt: skip
    form = {"text": claim.text, "version": claim.version}
    errors: dict[str, list[str]] = {}
    current = None
    status = 200
    if request.method == "POST":
        form = {"text": request.POST.get("text", ""), "version": request.POST.get("version")}
        try:
            services.claim_edit(
                actor=request.user, claim=claim, text=form["text"], version=form["version"]
            )
        except Conflict as error:
            # Keep the draft in the form, show what the claim says now, and load the new
            # version so that a deliberate second save goes through.
            current = error.current
            errors, status = error.field_errors, 409
            form["version"] = current.version
        except ServiceError as error:
            errors, status = error.field_errors, error_status(error)
        else:
            # The form (in the claim's slot) goes away; the card is swapped out of band.
            return _after_write(request, debate, claim.pk, CARD_OOB)
    return render_screen(
        request, "arguments/claim_edit.html",
        {"debate": debate, "claim": claim, "form": form, "errors": errors, "current": current},
        region="edit-form", status=status,
    )  # fmt: skip


@require_POST
def claim_withdraw(request: HttpRequest, slug: str, claim_id: int) -> HttpResponse:
    debate = get_visible_debate(request, slug)
    claim = claim_for_viewer(request, debate, claim_id)
    try:
        services.claim_withdraw(actor=request.user, claim=claim)
    except ServiceError as error:
        return _refusal(request, debate, claim, error, CLAIM)
    return _after_write(request, debate, claim.pk, CLAIM)


@require_http_methods(["GET", "POST"])
def claim_moderate(request: HttpRequest, slug: str, claim_id: int, action: str) -> HttpResponse:
    """Hide or restore a claim, with a reason (moderators)."""
    debate = get_visible_debate(request, slug)
    claim = claim_for_viewer(request, debate, claim_id)
    reason = request.POST.get("reason", "")
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "GET" and not permissions.can_moderate(request.user, debate):
        return _not_allowed(
            request, "arguments/claim_moderate.html", "moderate-form",
            {"debate": debate, "claim": claim, "action": action},
            "Only moderators hide or restore claims, while the debate is open.",
        )  # fmt: skip
    if request.method == "POST":
        service = services.claim_hide if action == "hide" else services.claim_restore
        try:
            service(actor=request.user, claim=claim, reason=reason)
        except ServiceError as error:
            errors, status = error.field_errors, error_status(error)
        else:
            # The form (in the claim's slot) goes away; the card, greyed or not, is swapped
            # out of band. Others see the change through the live poll.
            return _after_write(request, debate, claim.pk, CARD_OOB)
    return render_screen(
        request, "arguments/claim_moderate.html",
        {"debate": debate, "claim": claim, "action": action, "reason": reason, "errors": errors},
        region="moderate-form", status=status,
    )  # fmt: skip


@require_POST
def claim_vote(request: HttpRequest, slug: str, claim_id: int) -> HttpResponse:
    """Cast or change a vote (value 0-4), or withdraw it (an empty value)."""
    debate = get_visible_debate(request, slug)
    claim = claim_for_viewer(request, debate, claim_id)
    value = request.POST.get("value", "")
    try:
        if value == "":
            services.vote_withdraw(actor=request.user, claim=claim)
            mine = None
        else:
            mine = services.vote_cast(actor=request.user, claim=claim, value=value).value
    except ServiceError as error:
        return _refusal(request, debate, claim, error, VOTES)
    return _after_write(request, debate, claim.pk, VOTES, my_votes={claim.pk: mine})


@require_http_methods(["GET", "POST"])
def claim_cite(request: HttpRequest, slug: str, claim_id: int) -> HttpResponse:
    """Search approved evidence and cite it on a claim as support or as a concession."""
    debate = get_visible_debate(request, slug)
    claim = claim_for_viewer(request, debate, claim_id)
    query = request.GET.get("q", "")
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "GET" and not permissions.can_edit_claim(request.user, debate, claim):
        return _not_allowed(
            request, "arguments/claim_cite.html", "evidence-picker",
            {"debate": debate, "claim": claim, "query": query, "results": []},
            "Only the claim's author (or a moderator) can cite evidence on it, while editing "
            "is open.",
        )  # fmt: skip
    if request.method == "POST":
        try:
            evidence = get_object_or_404(
                Evidence, pk=int(request.POST.get("evidence") or 0), debate=debate
            )
            services.citation_add(
                actor=request.user, claim=claim, evidence=evidence,
                relation=request.POST.get("relation", Relation.SUPPORTS),
            )  # fmt: skip
        except ValueError:
            errors, status = {"evidence": ["Choose a piece of evidence."]}, 422
        except ServiceError as error:
            errors, status = error.field_errors, error_status(error)
        else:
            return _after_write(request, debate, claim.pk, CARD)
    region = "picker-results" if request.htmx and "q" in request.GET else "evidence-picker"
    return render_screen(
        request, "arguments/claim_cite.html",
        {"debate": debate, "claim": claim, "query": query, "errors": errors,
         "results": evidence_search(debate, query)},
        region=region, status=status,
    )  # fmt: skip
