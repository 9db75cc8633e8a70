"""The screens that write to the map: compose, edit, cite, vote, withdraw, hide and restore.

Each view is one screen. htmx asks for a fragment and gets the re-rendered region; a plain
browser posts a real form and is redirected (Post/Redirect/Get), or sees the full page with
the error. Every input is parsed by a form of `debate.arguments.forms` (shape); rules live in
the services and the permissions module (meaning), never here. A service's refusal is put on
the same form, so a template renders one set of errors.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from debate import permissions
from debate.arguments import services
from debate.arguments.forms import (
    CITE_MAX,
    CiteForm,
    CitePicks,
    ClaimComposeForm,
    ClaimEditForm,
    ComposeTargetForm,
    EvidencePickerForm,
    PickerQueryForm,
    ReasonForm,
    SimilarForm,
    StancePreset,
    VoteForm,
)
from debate.arguments.models import Claim, Stance
from debate.debates.models import Debate, Position
from debate.debates.views import get_visible_debate
from debate.errors import Conflict, InvalidInput, ServiceError
from debate.inputs import add_service_error, ascii_id, cleaned, field_errors
from debate.mapview import cache, layout, search, visibility
from debate.mapview.viewer import controls_for, viewer_for
from debate.rendering import error_context, error_status, render_screen
from debate.sources.models import Evidence
from debate.sources.selectors import evidence_search

LIVE_EVENT = "debate-changed"
ADDED_EVENT = "claim-added"  # names the claim just posted (static/js/live.js focuses it)
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


def _compose_target(
    request: HttpRequest, debate: Debate, data: QueryDict
) -> tuple[Claim | None, Position | None]:
    """The parent claim (or None) and the position a new claim goes under; 404 for what
    the viewer may not see, InvalidInput for what is not an id. A GET may name neither (the
    source reader's "new claim from this quote"): the form then asks for the position."""
    target = cleaned(ComposeTargetForm, data, choose=request.method == "GET")
    if target["parent"]:
        parent = claim_for_viewer(request, debate, target["parent"])
        return parent, parent.position
    if not target["position"]:
        return None, None
    return None, get_object_or_404(debate.positions, pk=target["position"])


def _citable_ids(debate: Debate) -> frozenset[int]:
    """The ids of the evidence a claim of this debate may cite (1 query)."""
    return frozenset(Evidence.objects.citable().filter(debate=debate).values_list("id", flat=True))


def _cite_context(
    debate: Debate, picks: dict[str, list[int]], *, query: str = "", errors: list | None = None
) -> dict:
    """The compose form's evidence list: what is ticked first, then what matches `query`
    (without one: the debate's citable evidence, up to a cap), each row with its boxes."""
    picked = [*picks.get("supports", []), *picks.get("concedes", [])]
    audience = visibility.Audience(moderator=False)
    rows = search.citable_evidence(debate, picked)
    if query:
        found = search.debate_search(debate, query, audience, claims=False, citable_only=True)
        rows += [hit for hit in found.evidence if hit.id not in picked]
        matched = found.evidence_count
    else:
        listed = search.citable_evidence(debate, limit=search.CITE_LIST_MAX)
        rows += [hit for hit in listed if hit.id not in picked]
        matched = None
    return {
        "cite_rows": rows, "cite_query": query, "cite_matched": matched,
        "cite_errors": errors or [], "picked_supports": picks.get("supports", []),
        "picked_concedes": picks.get("concedes", []), "cite_list_max": search.CITE_LIST_MAX,
    }  # fmt: skip


def _compose_positions(request: HttpRequest, debate: Debate) -> list[Position]:
    """The positions this user may add a top-level claim under now."""
    return [p for p in debate.positions.all()
            if permissions.can_add_claim(request.user, debate, position=p)]  # fmt: skip


@require_http_methods(["GET", "POST"])
def claim_compose(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a claim under a position (`position`) or under a claim (`parent`), citing approved
    evidence ticked in the same form (`supports`, `concedes`) in one step."""
    debate = get_visible_debate(request, slug)
    data = request.POST if request.method == "POST" else request.GET
    try:
        parent, position = _compose_target(request, debate, data)
    except InvalidInput as error:
        return render_screen(
            request, "arguments/compose.html",
            {"debate": debate, "errors": error.field_errors, "refused": True},
            region="compose-form", status=422,
        )  # fmt: skip
    positions = _compose_positions(request, debate) if position is None else []
    if request.method == "GET" and not (
        positions
        if position is None
        else permissions.can_add_claim(request.user, debate, position=position)
    ):
        return _not_allowed(
            request, "arguments/compose.html", "compose-form",
            {"debate": debate, "parent": parent, "position": position},
            _("You cannot add a claim here in this phase."),
        )  # fmt: skip
    preset = StancePreset(request.GET)
    preset_stance = preset.cleaned_data["stance"] if preset.is_valid() else ""
    citable = _citable_ids(debate)
    # `?supports=<id>` (the source reader's link) ticks that evidence; a bad id ticks nothing.
    preset_picks = CitePicks(request.GET, citable=citable)
    picks = preset_picks.cleaned_data if preset_picks.is_valid() else {}
    initial = {"stance": preset_stance or (Stance.PRO if parent is None else Stance.CON)}
    form = ClaimComposeForm(request.POST if request.method == "POST" else None, initial=initial,
                            citable=citable)  # fmt: skip
    status, extra = 200, {}
    if request.method == "POST":
        if form.is_valid():
            picks = form.cleaned_data
            evidence = Evidence.objects.in_bulk([pk for pk, _relation in form.citations()])
            try:
                claim = services.claim_create_with_citations(
                    actor=request.user, debate=debate, position=position, parent=parent,
                    text=form.cleaned_data["text"], stance=form.cleaned_data["stance"],
                    citations=[(evidence[pk], relation) for pk, relation in form.citations()],
                )  # fmt: skip
            except ServiceError as error:
                add_service_error(form, error)
                status, extra = error_status(error), error_context(error)
            else:
                if not request.htmx:
                    return redirect(f"{reverse('debate', args=[debate.slug])}#claim-{claim.pk}")
                # The live poller inserts the new claim, for its author as for everyone
                # else; here the form closes and says so.
                response = render_screen(
                    request, "arguments/compose.html",
                    {"debate": debate, "parent": parent, "position": position, "added": claim,
                     "cited": len(form.citations())},
                    region="compose-form",
                )  # fmt: skip
                # The page moves the focus to the new claim once the poll has drawn it.
                trigger_client_event(response, ADDED_EVENT, {"id": claim.pk})
                return trigger_client_event(response, LIVE_EVENT)
        else:
            status = 422
            picks = _ticked(form, citable)
    errors = field_errors(form)
    return render_screen(
        request, "arguments/compose.html",
        {"debate": debate, "parent": parent, "position": position, "positions": positions,
         "key": f"{parent.pk if parent else 'p'}{position.pk if position else ''}",
         "form": form, "errors": errors, **_cite_context(debate, picks), **extra},
        region="compose-form", status=status,
    )  # fmt: skip


def _ticked(form: CitePicks, citable: frozenset[int]) -> dict[str, list[int]]:
    """The citable ids ticked in a refused form's boxes, so that they stay ticked."""
    picks = {}
    for name in ("supports", "concedes"):
        values = form.data.getlist(name) if hasattr(form.data, "getlist") else []
        ids = (ascii_id(value) for value in values[: CITE_MAX + 1])
        picks[name] = [pk for pk in ids if pk is not None and pk in citable]
    return picks


@require_GET
def compose_evidence(request: HttpRequest, slug: str) -> HttpResponse:
    """The compose form's evidence list for a search (`?q=`), the ticked boxes (`supports`,
    `concedes`) kept ticked and first: the fragment the search box swaps in."""
    debate = get_visible_debate(request, slug)
    citable = _citable_ids(debate)
    form = EvidencePickerForm(request.GET, citable=citable)
    if form.is_valid():
        context = _cite_context(debate, form.cleaned_data, query=form.cleaned_data["q"])
        status = 200
    else:
        messages = [message for errors in field_errors(form).values() for message in errors]
        # 422, as every refused form: htmx swaps it (base.html's responseHandling), a 400 not.
        context, status = _cite_context(debate, _ticked(form, citable), errors=messages), 422
    return render_screen(request, "arguments/_cite_list.html", {"debate": debate, **context},
                         status=status)  # fmt: skip


@require_GET
def compose_similar(request: HttpRequest, slug: str) -> HttpResponse:
    """Claims of the debate that the text being written (`?text=`) nearly repeats: up to
    three, each linked, so that the writer can support one instead."""
    debate = get_visible_debate(request, slug)
    form = SimilarForm(request.GET)
    if not form.is_valid():
        return render_screen(request, "arguments/_similar.html",
                             {"debate": debate, "hints": [], "errors": field_errors(form)},
                             status=400)  # fmt: skip
    hints = search.similar_claims(debate, form.cleaned_data["text"])
    return render_screen(request, "arguments/_similar.html", {"debate": debate, "hints": hints})


@require_http_methods(["GET", "POST"])
def claim_edit(request: HttpRequest, slug: str, claim_id: int) -> HttpResponse:
    debate = get_visible_debate(request, slug)
    claim = claim_for_viewer(request, debate, claim_id)
    if request.method == "GET" and not permissions.can_edit_claim(request.user, debate, claim):
        return _not_allowed(
            request, "arguments/claim_edit.html", "edit-form", {"debate": debate, "claim": claim},
            _("You cannot edit this claim: only its author can, in the opening and rebuttal "
              "phases."),
        )  # fmt: skip
    form = ClaimEditForm(
        request.POST if request.method == "POST" else None,
        initial={"text": claim.text, "version": claim.version},
    )
    current = None
    status, extra = 200, {}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.claim_edit(
                    actor=request.user, claim=claim, text=form.cleaned_data["text"],
                    version=form.cleaned_data["version"],
                )  # fmt: skip
            except Conflict as error:
                # Keep the draft in the form, show what the claim says now, and load the new
                # version so that a deliberate second save goes through.
                current = error.current
                add_service_error(form, error)
                status = 409
                form.data = form.data.copy()
                form.data["version"] = str(current.version)
            except ServiceError as error:
                add_service_error(form, error)
                status, extra = error_status(error), error_context(error)
            else:
                # The form (in the claim's slot) goes away; the card is swapped out of band.
                return _after_write(request, debate, claim.pk, CARD_OOB)
        else:
            status = 422
    return render_screen(
        request, "arguments/claim_edit.html",
        {"debate": debate, "claim": claim, "form": form, "errors": field_errors(form),
         "current": current, **extra},
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
    if request.method == "GET" and not permissions.can_moderate(request.user, debate):
        return _not_allowed(
            request, "arguments/claim_moderate.html", "moderate-form",
            {"debate": debate, "claim": claim, "action": action},
            _("Only moderators hide or restore claims, while the debate is open."),
        )  # fmt: skip
    form = ReasonForm(request.POST if request.method == "POST" else None)
    status, extra = 200, {}
    if request.method == "POST":
        if form.is_valid():
            service = services.claim_hide if action == "hide" else services.claim_restore
            try:
                service(actor=request.user, claim=claim, reason=form.cleaned_data["reason"])
            except ServiceError as error:
                add_service_error(form, error)
                status, extra = error_status(error), error_context(error)
            else:
                # The form (in the claim's slot) goes away; the card, greyed or not, is
                # swapped out of band. Others see the change through the live poll.
                return _after_write(request, debate, claim.pk, CARD_OOB)
        else:
            status = 422
    return render_screen(
        request, "arguments/claim_moderate.html",
        {"debate": debate, "claim": claim, "action": action, "form": form,
         "errors": field_errors(form), **extra},
        region="moderate-form", status=status,
    )  # fmt: skip


@require_POST
def claim_vote(request: HttpRequest, slug: str, claim_id: int) -> HttpResponse:
    """Cast or change a vote (value 0-4), or withdraw it (an empty value)."""
    debate = get_visible_debate(request, slug)
    claim = claim_for_viewer(request, debate, claim_id)
    form = VoteForm(request.POST)
    if not form.is_valid():
        # One line under the buttons: the field's own words, without the field's name.
        refusal = InvalidInput(form.errors["value"][0], field="value")
        return _refusal(request, debate, claim, refusal, VOTES)
    value = form.cleaned_data["value"]
    try:
        if value is None:
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
    search = PickerQueryForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    errors = field_errors(search)
    status = 200 if search.is_valid() else 422
    extra: dict = {}
    if request.method == "GET" and not permissions.can_edit_claim(request.user, debate, claim):
        return _not_allowed(
            request, "arguments/claim_cite.html", "evidence-picker",
            {"debate": debate, "claim": claim, "query": search.draft["q"], "results": []},
            _("Only the claim's author (or a moderator) can cite evidence on it, while editing "
              "is open."),
        )  # fmt: skip
    if request.method == "POST":
        form = CiteForm(request.POST)
        if form.is_valid():
            evidence = get_object_or_404(Evidence, pk=form.cleaned_data["evidence"],
                                         debate=debate)  # fmt: skip
            try:
                services.citation_add(
                    actor=request.user, claim=claim, evidence=evidence,
                    relation=form.cleaned_data["relation"],
                )  # fmt: skip
            except ServiceError as error:
                add_service_error(form, error)
                status, extra = error_status(error), error_context(error)
            else:
                return _after_write(request, debate, claim.pk, CARD)
        else:
            status = 422
        errors = {**errors, **field_errors(form)}
    region = "picker-results" if request.htmx and "q" in request.GET else "evidence-picker"
    return render_screen(
        request, "arguments/claim_cite.html",
        {"debate": debate, "claim": claim, "query": search.draft["q"], "errors": errors,
         "results": evidence_search(debate, query) if search.is_valid() else [], **extra},
        region=region, status=status,
    )  # fmt: skip
