"""The snapshots in the pages: the exports page (live downloads, the frozen versions, the
freeze button), the downloads themselves, the diff between two versions and the printable
summary. Everything is read through the same services as the API (`live_snapshot`,
`frozen_view`, `diff_documents`), so a page shows and serves what the API would."""

from __future__ import annotations

from django.contrib import messages
from django.db.models.fields.json import KT
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from debate import permissions
from debate.debates.charts import poll_bars
from debate.debates.models import Debate, Phase
from debate.debates.views import bad_query, get_visible_debate
from debate.errors import ServiceError
from debate.inputs import cleaned
from debate.mapview import visibility
from debate.mapview.explain import poll_results, stronger_case
from debate.mapview.viewer import map_for_viewer
from debate.ratelimit import heavy_read
from debate.rendering import error_context, error_status, for_visitors, render_screen
from debate.snapshots.diff import diff_documents
from debate.snapshots.downloads import (
    file_response,
    frozen_file_name,
    live_etag,
    live_file_name,
    not_modified,
)
from debate.snapshots.forms import LIVE, MAX_NUMBER, DiffPick, ExportQuery, FreezeForm
from debate.snapshots.models import Snapshot
from debate.snapshots.services import (
    FORMATS,
    FrozenView,
    diff_sides,
    document_bytes,
    frozen_view,
    live_snapshot,
    snapshot_take,
)
from debate.snapshots.summary import debate_summary

FORMAT_LABELS = {
    "json": gettext_lazy("JSON (the snapshot document)"),
    "aif": gettext_lazy("AIF (Argument Interchange Format, JSON)"),
    "argdown": gettext_lazy("Argdown (text)"),
    "graphml": gettext_lazy("GraphML (yEd, Gephi, networkx)"),
}


def _format_links(url_name: str, args: list, name_of) -> list[dict]:
    return [{"fmt": fmt, "label": FORMAT_LABELS[fmt], "url": reverse(url_name, args=[*args, fmt]),
             "file": name_of(fmt)} for fmt in FORMATS]  # fmt: skip


def _frozen_rows(debate: Debate) -> list[dict]:
    """Every frozen snapshot, newest first, in one query: the version is read from inside
    the stored document by the database, which never sends the document itself."""
    return list(
        debate.snapshots.order_by("-number").values(
            "number", "content_hash", "created_at", "created_by__username",
            version=KT("document__version"),
        )
    )  # fmt: skip


def _exports_context(request: HttpRequest, debate: Debate, **extra) -> dict:
    slug = debate.slug
    snapshots = _frozen_rows(debate)
    for row in snapshots:
        row["downloads"] = _format_links(
            "snapshot-export", [slug, row["number"]],
            lambda fmt, n=row["number"]: frozen_file_name(slug, n, fmt),
        )  # fmt: skip
    return {
        "debate": debate,
        "live": _format_links(
            "debate-export", [slug], lambda fmt: live_file_name(slug, debate.version, fmt)
        ),
        "with_texts_url": f"{reverse('debate-export', args=[slug, 'json'])}?texts=1",
        "with_texts_file": live_file_name(slug, debate.version, "json", with_text=True),
        "snapshots": snapshots,
        "newest": snapshots[0]["number"] if snapshots else 0,
        "can_freeze": permissions.is_moderator(request.user, debate),
        # Who froze a snapshot is a moderator's business: others read "a moderator".
        "show_authors": permissions.is_moderator(request.user, debate),
        "pick": extra.pop("pick", None) or DiffPick(),
        "error": "",
        "done": None,
        **extra,
    }


@require_GET
def exports_page(request: HttpRequest, slug: str) -> HttpResponse:
    debate = get_visible_debate(request, slug)
    return render_screen(request, "snapshots/exports.html", _exports_context(request, debate),
                         region="frozen-versions")  # fmt: skip


@require_POST
def snapshot_freeze(request: HttpRequest, slug: str) -> HttpResponse:
    """The moderators' button: freeze the debate as the next snapshot. A second click of
    the same page's button is refused (`seen`), so a double click freezes once."""
    debate = get_visible_debate(request, slug)
    try:
        data = cleaned(FreezeForm, request.POST)
        snapshot = snapshot_take(actor=request.user, debate=debate, seen=data["seen"])
    except ServiceError as error:
        context = _exports_context(request, debate, error=error.message, **error_context(error))
        return render_screen(request, "snapshots/exports.html", context,
                             region="frozen-versions", status=error_status(error))  # fmt: skip
    done = _("Snapshot %(number)s is frozen.") % {"number": snapshot.number}
    if not request.htmx:
        messages.success(request, done)
        return redirect("debate-exports", slug=debate.slug)
    return render_screen(request, "snapshots/exports.html",
                         _exports_context(request, debate, done=done),
                         region="frozen-versions")  # fmt: skip


def _format_or_404(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404(_("No such format."))
    return fmt


def _cache_headers(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Cookie"  # moderators get hidden content, others not
    return response


@require_GET
@heavy_read("export")
def live_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The live debate as a file: the API's live snapshot bytes for the same viewer (one
    build per debate version and audience), saved under `<slug>-v<version>.<ext>`."""
    fmt = _format_or_404(fmt)
    query = ExportQuery(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    with_text = query.cleaned_data["texts"]
    if with_text and fmt != "json":
        raise Http404(_("Source texts come with the JSON download only."))
    debate = get_visible_debate(request, slug)
    audience = visibility.audience_of(request.user, debate)
    shape = f"{fmt}{'+text' if with_text else ''}"
    # The API's ETag for the same reading (DebateSnapshot): the version read with the row.
    etag = live_etag(debate.pk, debate.version, audience.key, shape)
    if not_modified(request, etag):
        return _cache_headers(HttpResponseNotModified(), etag)
    version, body = live_snapshot(debate, include_hidden=audience.moderator, fmt=fmt,
                                  with_text=with_text)  # fmt: skip
    response = file_response(
        body, fmt, live_file_name(debate.slug, version, fmt, with_text=with_text), attachment=True
    )
    return _cache_headers(response, live_etag(debate.pk, version, audience.key, shape))


def _snapshots(debate: Debate, *numbers: int) -> dict[int, Snapshot]:
    """The snapshots of these numbers that exist (a number past the column's range names
    none, and never reaches the database)."""
    numbers = tuple(n for n in numbers if n <= MAX_NUMBER)
    if not numbers:
        return {}
    return {s.number: s for s in Snapshot.objects.filter(debate=debate, number__in=numbers)}


def _as_read(request: HttpRequest, debate: Debate, snapshot: Snapshot) -> FrozenView:
    """The snapshot as this viewer may read it today (as the API's `_frozen`)."""
    audience = visibility.audience_of(request.user, debate)
    return frozen_view(snapshot, audience, debate=debate,
                       strengths_shown=visibility.strengths_shown(debate, audience))  # fmt: skip


@require_GET
@heavy_read("export")
def frozen_export(request: HttpRequest, slug: str, number: int, fmt: str) -> HttpResponse:
    fmt = _format_or_404(fmt)
    debate = get_visible_debate(request, slug)
    snapshot = _snapshots(debate, number).get(number)
    if snapshot is None:
        raise Http404(_("No snapshot %(number)s.") % {"number": number})
    frozen = _as_read(request, debate, snapshot)
    # One ETag per reading and format: the same snapshot in two formats is two files.
    etag = f'{frozen.etag[:-1]}.{fmt}"'
    if not_modified(request, etag):
        return _cache_headers(HttpResponseNotModified(), etag)
    name = frozen_file_name(debate.slug, number, fmt)
    response = file_response(document_bytes(frozen.document, fmt), fmt, name, attachment=True)
    return _cache_headers(response, etag)


def _missing_snapshot(request: HttpRequest, debate: Debate, number: int, pick=None) -> HttpResponse:
    """A diff of a snapshot that does not exist: the exports page, saying so, as a 404."""
    error = _("There is no snapshot %(number)s in this debate: pick one from the list.") % {
        "number": number}  # fmt: skip
    context = _exports_context(request, debate, pick=pick, error=error)
    return render_screen(request, "snapshots/exports.html", context, status=404)


def _named(diff: dict, old: dict, new: dict) -> dict:
    """The diff with each changed claim's text and each position's title beside its id, as
    the later document has them (the earlier one's where the later one has none), so a
    change names what it is about. Both documents are as this reader may see them."""
    texts: dict[int, str | None] = {}
    titles: dict[int, str] = {}
    for document in (old, new):
        texts.update({c["id"]: c["text"] for c in document["claims"]})
        titles.update({p["id"]: p["title"] for p in document["positions"]})
    for row in diff["claims_changed"]:
        row["text"] = texts.get(row["id"])
    for row in diff["votes_changed"]:
        row["text"] = texts.get(row["claim_id"])
    for row in diff["strength_changed"]:
        row["title"] = titles.get(row["id"], "") if row["kind"] == "position" else ""
    return diff


def _phase_labels(change: dict | None) -> dict:
    """The two phases of a phase change as people read them (the diff holds their codes)."""
    if not change:
        return {}
    return {side: Phase(change[side]).label if change[side] in Phase.values else change[side]
            for side in ("from", "to")}  # fmt: skip


@require_GET
@heavy_read("diff")
def snapshot_diff(request: HttpRequest, slug: str, number: int, other: int | None = None
                  ) -> HttpResponse:  # fmt: skip
    """What changed from snapshot `number` to snapshot `other`, or to the live debate
    (`other` None): each side as this viewer may read it, as the API's diff does."""
    debate = get_visible_debate(request, slug)
    wanted = [number] if other is None else [number, other]
    found = _snapshots(debate, *wanted)
    missing = [n for n in wanted if n not in found]
    if missing:
        return _missing_snapshot(request, debate, missing[0])
    # Both sides as the API's diff reads them, named alike (diff_sides).
    audience = visibility.audience_of(request.user, debate)
    sides = diff_sides(debate, audience, found[number],
                       found[other] if other is not None else None,
                       strengths_shown=visibility.strengths_shown(debate, audience))  # fmt: skip
    old, new_document = sides.old, sides.new
    if other is None:
        version, to_label = sides.version, _("the live debate")
    else:
        version, to_label = new_document.get("version"), None
    diff = _named(diff_documents(old.document, new_document), old.document, new_document)
    pick = DiffPick(initial={"a": number, "b": LIVE if other is None else other})
    context = _exports_context(request, debate, pick=pick)
    context.update({
        "diff": diff, "from_number": number, "to_number": other, "to_version": version,
        "from_version": old.document.get("version"),
        "to_label": to_label or _("snapshot %(number)s") % {"number": other},
        "changed": any(v for v in diff.values()),
        "phase_labels": _phase_labels(diff["phase_changed"]),
    })  # fmt: skip
    response = render_screen(request, "snapshots/diff.html", context)
    response["Vary"] = "Cookie, HX-Request"
    return response


@require_GET
def snapshot_diff_pick(request: HttpRequest, slug: str) -> HttpResponse:
    """The "Compare" form (GET): two valid numbers go to the diff's own address."""
    debate = get_visible_debate(request, slug)
    pick = DiffPick(request.GET)
    if not pick.is_valid():
        return bad_query(request, pick)
    a, b = pick.cleaned_data["a"], pick.cleaned_data["b"]
    if b == LIVE:
        return redirect("snapshot-diff-live", slug=debate.slug, number=a)
    return redirect("snapshot-diff", slug=debate.slug, number=a, other=b)


@require_GET
@heavy_read("summary")
def summary_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole debate on paper: motion, standings (where this viewer may see strengths),
    every claim as an outline, the evidence cited, and the polls (where shown). Signed-out
    readers share one rendering per debate version (every write, a poll answer too, moves
    the version)."""
    debate = get_visible_debate(request, slug)

    def render_page(extra: dict) -> HttpResponse:
        dmap, viewer = map_for_viewer(debate, request.user)
        results = poll_results(debate, dmap.positions)
        return render(request, "snapshots/summary.html", {
            "debate": debate, "map": dmap, "viewer": viewer, "summary": debate_summary(dmap),
            "case": stronger_case(dmap), "results": results, "bars": poll_bars(results),
            "min_group": visibility.MIN_GROUP,
            "page_url": request.build_absolute_uri(reverse("debate", args=[debate.slug])),
            **extra,
        })  # fmt: skip

    return for_visitors(request, debate, render_page, variant="")
