from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from debate import permissions
from debate.activity.selectors import NO_MARKS, NewMarks, new_since_last_visit, pending_for_debate
from debate.activity.services import visit_record
from debate.comments.selectors import comment_thread
from debate.debates import scoring, services
from debate.debates.charts import poll_bars, standings_chart
from debate.debates.forms import (
    SORT_CHOICES,
    ClaimQuery,
    JoinForm,
    JumpQuery,
    LiveQuery,
    MapQuery,
    PhaseForm,
    PollAnswerForm,
    VotersQuery,
)
from debate.debates.models import Debate, Phase, PollResponse, Team
from debate.errors import InvalidInput, ServiceError
from debate.grading.selectors import claim_feedback, my_released
from debate.groups.selectors import group_rows
from debate.inputs import ascii_id, cleaned, first_error
from debate.mapview import cache, layout, visibility
from debate.mapview.build import ALL_VOTERS, OBSERVERS
from debate.mapview.explain import explain, poll_results, standings_history, stronger_case
from debate.mapview.live import changes_since
from debate.mapview.model import DebateMap
from debate.mapview.viewer import controls_for, map_for_viewer
from debate.mapview.visibility import MIN_GROUP, Audience, visible_debates
from debate.people.selectors import own_pseudonym, task_progress
from debate.ratelimit import heavy_read
from debate.rendering import error_status, for_visitors, render_screen


def get_visible_debate(request: HttpRequest, slug: str) -> Debate:
    debate = get_object_or_404(Debate, slug=slug)
    if not permissions.can_view_debate(request.user, debate):
        raise Http404(_("No such debate."))
    return debate


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "debates/home.html",
        {
            "debates": visible_debates(request.user),
            "can_create": permissions.can_create_debate(request.user),
        },
    )


def bad_query(request: HttpRequest, form) -> HttpResponse:
    """A query no link of ours writes: 400, naming the parameter, quoting a short prefix."""
    return render(request, "400.html", {"message": first_error(form)}, status=400)


def voter_choices(dmap) -> list[tuple[str, str]]:
    everyone = _("everyone") if dmap.debate.count_observer_votes else _("everyone but observers")
    return [(ALL_VOTERS, everyone), (OBSERVERS, _("observers only"))] + [
        # Translators: whose votes count: only the members of this team.
        (f"team:{team.id}", _("%(team)s only") % {"team": team.name}) for team in dmap.teams
    ]


def _wants_whole_map(request: HttpRequest) -> bool:
    query = MapQuery(request.GET)
    return query.is_valid() and query.cleaned_data["whole"]


def _moderated_parent(debate: Debate, user) -> Debate | None:
    """The debate this small group was split from, if `user` moderates it too."""
    if debate.group_of_id is None:
        return None
    parent = Debate.objects.filter(pk=debate.group_of_id).first()
    return parent if parent is not None and permissions.is_moderator(user, parent) else None


@require_GET
@heavy_read("whole_map", when=_wants_whole_map)
def debate_detail(request: HttpRequest, slug: str) -> HttpResponse:
    debate = get_visible_debate(request, slug)
    query = MapQuery(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    sort, voters, page, whole = (query.cleaned_data[k] for k in ("sort", "voters", "page", "whole"))

    def render_page(extra: dict) -> HttpResponse:
        dmap, viewer = map_for_viewer(debate, request.user, voters=voters)
        context = _page_context(request, debate, dmap, viewer)
        shown_sort = _sort_shown(dmap, sort)
        context.update(
            new=_new_marks(request, debate, dmap),
            sort=shown_sort,
            sort_choices=[c for c in SORT_CHOICES if _sort_shown(dmap, c[0]) == c[0]],
            voters=voters,
            voter_choices=voter_choices(dmap),
            whole=whole,
            layout=layout.page_layout(
                dmap, viewer, sort=shown_sort, page=page,
                budget=layout.LARGE_BUDGET if whole else layout.RENDER_BUDGET,
            ),
            **extra,
        )  # fmt: skip
        if context["new"].count:  # "go to the first new claim": on this page, or its thread
            context["drawn_ids"] = {item.claim.id for pl in context["layout"].positions
                                    for item in pl.items}  # fmt: skip
        context["tasks"] = task_progress(debate, request.user)  # members' own progress
        if viewer.is_moderator:
            # Invite codes are for moderators' eyes only, so the read model does not carry them.
            context["invites"] = list(debate.teams.select_related("position"))
            context["pending"] = pending_for_debate(debate)  # the "… wait · Review" banner
            # Small groups (debate/groups): the groups it was split into, for its moderators.
            context["split_groups"] = group_rows(debate) if debate.group_of_id is None else []
            # A group's moderators who also moderate the debate it came from (the overview is
            # theirs; a moderator of this group alone would get a 404 there): 1 query.
            context["parent"] = _moderated_parent(debate, request.user)
        context["my_grade"] = my_released(debate, request.user)  # grading: theirs alone
        context["my_pseudonym"] = own_pseudonym(  # anonymous debates: theirs alone
            debate, request.user, dmap.pseudonym_of(getattr(request.user, "pk", None))
        )
        return render_screen(request, "debates/debate_detail.html", context)

    variant = f"sort={sort}&voters={voters}&page={page}&whole={whole}"
    return for_visitors(request, debate, render_page, variant=variant)


def _sort_shown(dmap: DebateMap, sort: str) -> str:
    """The order replies are drawn in: never by strength while the strengths may not show,
    since the order would tell the standings (visibility.strengths_shown)."""
    return sort if dmap.strengths_shown or sort != "strength" else "oldest"


def _page_context(request: HttpRequest, debate: Debate, dmap, viewer) -> dict:
    return {
        "debate": debate,
        "map": dmap,
        "viewer": viewer,
        "phases": Phase.choices,
        "can_change_phase": permissions.can_change_phase(request.user, debate),
        "min_group": MIN_GROUP,
    }


def _new_marks(request: HttpRequest, debate: Debate, dmap: DebateMap) -> NewMarks:
    """The signed-in reader's "new since your last visit" marks, and their visit noted.
    Never for a signed-out visitor: their pages are cached for every visitor alike."""
    if not request.user.is_authenticated:
        return NO_MARKS
    return new_since_last_visit(visit_record(user=request.user, debate=debate), dmap)


@require_GET
def claim_detail(request: HttpRequest, slug: str, claim_id: int) -> HttpResponse:
    """The thread view of one claim: the path up to its position, the claim, and its
    replies in two columns, supports and attacks, one level deep (the rest on demand)."""
    debate = get_visible_debate(request, slug)
    query = ClaimQuery(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    dmap, viewer = map_for_viewer(debate, request.user)
    claim = dmap.claims.get(claim_id)
    if claim is None:
        raise Http404(_("No such claim in this debate."))
    sort = _sort_shown(dmap, query.cleaned_data["sort"])
    replies_only = query.cleaned_data["part"] == "replies"
    context = {
        "debate": debate,
        "map": dmap,
        "viewer": viewer,
        "claim": claim,
        "path": dmap.path_to(claim_id)[:-1],
        "position": dmap.position(claim.position_id),
        "sort": sort,
    }
    if replies_only:
        # "Show more replies" asks for just the replies, drawn into place.
        context["items"] = layout.replies_items(dmap, viewer, claim, sort=sort)
    else:
        context.update(
            thread=layout.thread_layout(dmap, viewer, claim, sort=sort),
            new=_new_marks(request, debate, dmap),
            claim_feedback=claim_feedback(debate, claim, request.user),  # never in map cache
            comments=comment_thread(debate, claim, request.user),  # debate/comments
        )
    return render_screen(request, "debates/claim_detail.html", context,
                         region="replies" if replies_only else None)  # fmt: skip


@require_GET
def debate_jump(request: HttpRequest, slug: str) -> HttpResponse:
    """The "Go to claim #N" form: the thread view, if the reader may see it; else a 404 that
    says so, with the number back in the form. The map decides, as for the thread view:
    a hidden claim is there for moderators, and as a placeholder when it has replies."""
    debate = get_visible_debate(request, slug)
    query = JumpQuery(request.GET)
    if not query.is_valid():
        return render(request, "debates/jump.html",
                      {"debate": debate, "jump": query, "message": first_error(query)},
                      status=400)  # fmt: skip
    number = query.cleaned_data["n"]
    dmap, _viewer = map_for_viewer(debate, request.user)
    if number in dmap.claims:
        return redirect("claim", slug=debate.slug, claim_id=number)
    return render(request, "debates/jump.html",
                  {"debate": debate, "jump": query, "message": _(
                      "There is no claim #%(number)s in this debate, or you may not see it."
                  ) % {"number": number}}, status=404)  # fmt: skip


@require_GET
def debate_live(request: HttpRequest, slug: str) -> HttpResponse:
    """The live poll: 304 when nothing changed since `since`, else out-of-band fragments.

    Every app-server process answers the same way: the version is the debate's commit-ordered
    counter, read with the debate's row, never kept in memory.
    """
    debate = get_visible_debate(request, slug)
    query = LiveQuery(request.GET)
    if not query.is_valid():
        # A fragment, not a page: the poller shows nothing of it, a reader of the log does.
        return HttpResponse(_("since and root must be whole numbers, voters a choice of "
                              "voters. %(error)s") % {"error": first_error(query)},
                            status=400)  # fmt: skip
    since, root, voters = (query.cleaned_data[k] for k in ("since", "root", "voters"))
    if debate.version == since:
        return HttpResponseNotModified()
    dmap, viewer = map_for_viewer(debate, request.user, voters=voters)
    change = changes_since(debate, since, dmap, root=root)
    if change.reload:
        return HttpResponseClientRefresh()
    if change.phase_changed:
        # Controls change with the phase: redraw the cards this page draws by default.
        if root is not None and root in dmap.claims:
            items = layout.subtree_items(dmap, viewer, dmap.claims[root])
        else:
            items = [i for pl in layout.page_layout(dmap, viewer, sort="oldest").positions
                     for i in pl.items]  # fmt: skip
        drawn = {item.claim.id: item.claim for item in items}
        change.updated = sorted({**{n.id: n for n in change.updated}, **drawn}.values(),
                                key=lambda n: n.id)  # fmt: skip
    controls = controls_for(dmap, viewer, change.updated)
    context = _page_context(request, debate, dmap, viewer)
    context.update(
        change=change, version=dmap.version, root=root, voters=voters,
        # One call for every insertion: one budget, one read of the viewer's own votes.
        inserted=list(zip(change.inserted, layout.items_for(
            dmap, viewer, [[node] for node in change.inserted]), strict=True)),
        updated=[(node, controls[node.id]) for node in change.updated],
        heads=layout.page_layout(dmap, viewer, sort="oldest", budget=0).positions
        if change.phase_changed else [],
    )  # fmt: skip
    return render(request, "debates/_live.html", context)


@require_GET
def strength_why(request: HttpRequest, slug: str, kind: str, key: str) -> HttpResponse:
    """Why a claim or a position has its strength: base score, votes, each reply's share."""
    debate = get_visible_debate(request, slug)
    query = VotersQuery(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    voters = query.cleaned_data["voters"]
    dmap, viewer = map_for_viewer(debate, request.user, voters=voters)
    if kind == "claim":
        # The path holds any text (positions' keys share the pattern): a claim's is its id.
        claim_id = ascii_id(key)
        node = dmap.claims.get(claim_id) if claim_id is not None else None
        if node is None:
            raise Http404(_("No such claim in this debate."))
        explanation = explain(node.base_score, node.strength, node.children,
                              title=_("Claim #%(number)s") % {"number": node.id},
                              tally=node.tally)  # fmt: skip
        subject = node
    else:
        position = next((p for p in dmap.positions if p.key == key), None)
        if position is None:
            raise Http404(_("No such position in this debate."))
        explanation = explain(position.base_score, position.strength, position.children,
                              title=position.title, tally=None)  # fmt: skip
        subject = position
    return render_screen(
        request, "debates/why.html",
        {"debate": debate, "map": dmap, "viewer": viewer, "kind": kind, "subject": subject,
         "why": explanation, "voters": voters, "voter_choices": voter_choices(dmap),
         "min_group": MIN_GROUP},
        region="why",
    )  # fmt: skip


@require_POST
def debate_phase(request: HttpRequest, slug: str) -> HttpResponse:
    debate = get_visible_debate(request, slug)
    try:
        phase = cleaned(PhaseForm, request.POST)["phase"]
        services.phase_change(actor=request.user, debate=debate, phase=phase)
    except ServiceError as error:
        return render_screen(
            request,
            "debates/refused.html",
            {"debate": debate, "error": error.message},
            status=error_status(error),
        )
    messages.success(request, phase_now(phase))
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect("debate", slug=debate.slug)


def phase_now(phase: str) -> str:
    """What a moderator reads after moving the phase: a whole sentence per phase."""
    sentences = {
        Phase.SETUP: _("The debate is now in the setup phase."),
        Phase.OPENING: _("The debate is now in the opening phase."),
        Phase.REBUTTAL: _("The debate is now in the rebuttal phase."),
        Phase.VOTING: _("The debate is now in the voting phase."),
        Phase.CLOSED: _("The debate is now in the closed phase."),
    }
    return sentences[phase]


@require_http_methods(["GET", "POST"])
def debate_join(request: HttpRequest, code: str = "") -> HttpResponse:
    """Join as a debater with a team's invite code (from a link, or typed in).

    A GET changes nothing: it shows the team and a button that posts. An anonymous visitor
    sees the team too, with sign-up and log-in links that come back here (`?next=`), so an
    invite link survives making an account; only a signed-in user can post."""
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # A typed code comes in the form; a link's code in the path (its confirm button posts none).
    form = JoinForm(request.POST if "code" in request.POST else {"code": code})
    if not form.is_valid():
        context = {"code": "", "team": None, "error": first_error(form)}
        return render(request, "debates/join.html", context, status=422)
    code = form.cleaned_data["code"]
    team = Team.objects.select_related("debate", "position").filter(invite_code=code).first()
    error = ""
    status = 200
    if request.method == "POST":
        try:
            membership = services.membership_join_team(actor=request.user, invite_code=code)
        except ServiceError as exc:
            error, status = exc.message, error_status(exc)
        else:
            messages.success(request, _("You joined %(team)s as a debater.") % {
                "team": membership.team.name})  # fmt: skip
            return redirect("debate", slug=membership.debate.slug)
    elif code and team is None:
        error, status = _("This invite code is not valid. Ask your moderator for a new one."), 404
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
    messages.success(request,
                     _("You joined as an observer: you can rate claims when voting opens."))
    return redirect(reverse("debate", args=[debate.slug]))


@require_http_methods(["GET", "POST"])
def debate_results(request: HttpRequest, slug: str) -> HttpResponse:
    """Standings, their history over the frozen snapshots, and the two audience polls."""
    debate = get_visible_debate(request, slug)
    poll = permissions.open_poll(debate)
    error, status = "", 200
    if request.method == "POST":
        try:
            answer = cleaned(PollAnswerForm, request.POST)
            position = None
            if answer["position"] is not None:
                position = debate.positions.filter(pk=answer["position"]).first()
                if position is None:
                    raise InvalidInput(_("Choose a position, or undecided."), field="position")
            services.poll_answer(
                actor=request.user, debate=debate, poll=answer["poll"], position=position
            )
        except ServiceError as exc:
            error, status = exc.message, error_status(exc)
        else:
            messages.success(request, _("Your stance is recorded; you can change it while the "
                                        "poll is open."))  # fmt: skip
            return redirect("debate-results", slug=debate.slug)
    dmap, viewer = map_for_viewer(debate, request.user)
    results = poll_results(debate, dmap.positions)
    history = standings_history(debate) if dmap.strengths_shown else []
    answer = None
    if poll and viewer.membership is not None:
        answer = PollResponse.objects.filter(debate=debate, user=request.user, poll=poll).first()
    return render(
        request,
        "debates/results.html",
        {"debate": debate, "map": dmap, "viewer": viewer, "results": results,
         "case": stronger_case(dmap), "min_group": MIN_GROUP,
         "bars": poll_bars(results), "history": history,
         "chart": standings_chart(history, dmap.positions) if history else None,
         "poll": poll, "can_answer": poll and permissions.can_answer_poll(request.user, debate,
                                                                          poll),
         "answered": answer is not None, "mine": answer.position_id if answer else None,
         "error": error},
        status=status,
    )  # fmt: skip


@require_GET
@heavy_read("picture")
def debate_picture(request: HttpRequest, slug: str) -> HttpResponse:
    """The map as a picture: a tree laid out by d3-hierarchy in the browser, downloadable
    as SVG. The data travels as a JSON block, never as inline script."""
    debate = get_visible_debate(request, slug)

    def render_page(extra: dict) -> HttpResponse:
        dmap, viewer = map_for_viewer(debate, request.user)
        tree = cache.per_version(debate, dmap.version,
                                 # The boxes' words are in the reader's language.
                                 f"picture:{get_language()}:"
                                 f"{Audience(moderator=viewer.is_moderator).key}",
                                 lambda: picture_tree(debate, dmap))  # fmt: skip
        return render(request, "debates/picture.html",
                      {"debate": debate, "map": dmap, "tree": tree, **extra})  # fmt: skip

    return for_visitors(request, debate, render_page, variant="")


def picture_tree(debate: Debate, dmap) -> dict:
    """The map as nested dicts for d3-hierarchy, built with an explicit stack. Each box's
    `strength` (a number, None where the audience may not see strengths yet) comes with
    `strength_label`, the same figure the pages print (`scoring.shown`): the picture never
    rounds it again."""
    shown = dmap.strengths_shown

    def strength(value: float) -> dict:
        if not shown:
            return {"strength": None, "strength_label": ""}
        return {"strength": round(value, 3), "strength_label": scoring.shown_here(value)}

    root = {
        "id": "debate", "label": _("Motion"), "text": debate.motion[:200], "stance": "root",
        "strength": None, "strength_label": "", "url": reverse("debate", args=[debate.slug]),
        "children": [],
        "strengths_note": "" if shown else visibility.strengths_later(debate),
    }  # fmt: skip
    claim_url = reverse("claim", args=[debate.slug, 0]).replace("/0/", "/{}/")
    stack = []
    for p in reversed(dmap.positions):
        box = {"id": f"p{p.id}", "label": _("Position"), "text": p.title, "stance": "position",
               **strength(p.strength), "url": reverse("debate", args=[debate.slug])
               + f"#position-{p.key}", "children": []}  # fmt: skip
        root["children"].insert(0, box)
        stack.extend((box, node) for node in reversed(p.children))
    while stack:
        parent, node = stack.pop()
        box = {
            "id": f"c{node.id}", "label": f"#{node.id}",
            "text": _("(hidden)") if node.is_placeholder else node.text,
            "stance": node.stance, **strength(node.strength),
            "hidden": not node.is_visible, "url": claim_url.format(node.id), "children": [],
        }  # fmt: skip
        parent["children"].append(box)
        stack.extend((box, child) for child in reversed(node.children))
    return root
