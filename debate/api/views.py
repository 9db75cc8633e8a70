"""The versioned API, /api/v1/: thin views over the same services, selectors and permissions
as the pages. Reads are public where the debate is; writes need a session or a full token."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from debate import permissions
from debate.api import serializers as s
from debate.api.auth import TokenScopeAllowsWrites
from debate.api.errors import PreconditionFailed, PreconditionRequired
from debate.arguments import services as claim_services
from debate.arguments.models import Citation, Claim, Vote
from debate.audit.models import AuditEvent
from debate.debates import services as debate_services
from debate.debates.models import Debate, Position, Team
from debate.errors import Conflict
from debate.grading.selectors import grades_for
from debate.groups.selectors import groups_overview
from debate.groups.serializers import GroupOutput
from debate.mapview import search, visibility
from debate.mapview.visibility import visible_debates
from debate.people import services as people_services
from debate.people.selectors import debate_targets, participation, target_values
from debate.ratelimit import HeavyReadThrottle
from debate.snapshots.diff import diff_documents
from debate.snapshots.downloads import (
    frozen_file_name,
    live_etag,
    live_file_name,
    not_modified,
)
from debate.snapshots.importer import debate_import
from debate.snapshots.models import Snapshot
from debate.snapshots.services import (
    CONTENT_TYPES,
    FORMATS,
    FrozenView,
    diff_sides,
    document_bytes,
    frozen_view,
    live_snapshot,
    snapshot_take,
)
from debate.sources import services as source_services
from debate.sources.models import Evidence, Source

DOCUMENT_RESPONSES = {
    # format json (the default): the shipped JSON Schema, as the component SnapshotDocument.
    # AIF shares the media type; its shape is AIF's own (the README gives the mapping).
    (200, "application/json"): s.snapshot_body(),
    (200, "text/plain"): OpenApiTypes.STR,  # ?format=argdown
    (200, "application/graphml+xml"): OpenApiTypes.STR,  # ?format=graphml
}
FORMAT_PARAM = OpenApiParameter(
    "format", OpenApiTypes.STR, enum=list(FORMATS),
    description="json (default), aif, argdown or graphml",
)  # fmt: skip
INCLUDE_TEXT_PARAM = OpenApiParameter(
    "include_text", OpenApiTypes.BOOL,
    description="1: each source's full text too (format json only): a document that "
    "POST /api/v1/debates/import/ accepts.",
)  # fmt: skip
DOWNLOAD_PARAM = OpenApiParameter(
    "download", OpenApiTypes.BOOL,
    description="1: `Content-Disposition: attachment` (a browser saves the file); else "
    "`inline`. Either way it names the file: <slug>-v<version>.<ext> for the live debate, "
    "<slug>-snapshot-<n>.<ext> for a frozen one (ext: json, aif.json, argdown, graphml).",
)  # fmt: skip


# One answer for a debate that does not exist and one the caller may not see, so that no
# one learns which private slugs exist by asking for them.
NO_SUCH_DEBATE = gettext_lazy("No such debate.")


def visible_debate(request, slug: str) -> Debate:
    debate = Debate.objects.filter(slug=slug).first()
    if debate is None or not permissions.can_view_debate(request.user, debate):
        raise NotFound(NO_SUCH_DEBATE)
    return debate


SAFE = ("GET", "HEAD", "OPTIONS")


class QuietFilterSet(filters.FilterSet):
    """A list's query filters, whose refusals name the parameter without repeating its
    value (Django's "Select a valid choice. <value> is not one of…" quotes all of it)."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if "invalid_choice" in field.error_messages:
                field.error_messages["invalid_choice"] = _("Not one of the choices.")
        return form


class FilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, with QuietFilterSet under the lists' `filterset_fields`."""

    filterset_base = QuietFilterSet


class WriteRules:
    """Writes need a signed-in user (session or full token) and are throttled; reads are
    open wherever the debate is."""

    throttle_scope = "writes"

    def get_permissions(self):
        if self.request.method in SAFE:
            return [AllowAny()]
        return [IsAuthenticated(), TokenScopeAllowsWrites()]

    def get_throttles(self):
        return [] if self.request.method in SAFE else super().get_throttles()


class WriteView(WriteRules, APIView):
    pass


# --- reading ---------------------------------------------------------------------------------


class DebateList(generics.ListAPIView):
    serializer_class = s.DebateSerializer
    filter_backends = [FilterBackend, OrderingFilter]
    filterset_fields = ["phase"]
    ordering_fields = ["created_at", "title", "slug"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return visible_debates(self.request.user).order_by("-created_at", "id").distinct()


class DebateDetail(WriteRules, generics.RetrieveAPIView):
    """The debate; PATCH changes its settings (moderators, while it is open)."""

    serializer_class = s.DebateSerializer

    def get_object(self):
        return visible_debate(self.request, self.kwargs["slug"])

    @extend_schema(
        request=s.DebateSettingsInput,
        responses={200: s.DebateSerializer},
        description="Moderators switch anonymous mode on or off (audited as "
        "`debate.anonymous`): in an anonymous debate everyone else reads pseudonyms "
        '("Participant 7") in every output, never a username or a user id; moderators read '
        "the username with `author_pseudonym`/`actor_pseudonym` beside it. Others: 403 (404 "
        "where the debate is hidden from them). Refused once the debate is closed.",
    )  # fmt: skip
    def patch(self, request, slug):
        debate = self.get_object()
        data = _validated(s.DebateSettingsInput, request)
        debate = debate_services.debate_anonymity_set(
            actor=request.user, debate=debate, anonymous=data["anonymous"]
        )
        return Response(s.DebateSerializer(debate).data)


class DebateChildList(generics.ListAPIView):
    """Rows of one table under one debate; subclasses name the table and its filters."""

    filter_backends = [FilterBackend, OrderingFilter]
    ordering = ["id"]

    model: type

    def debate(self) -> Debate:
        if not hasattr(self, "_debate"):
            self._debate = visible_debate(self.request, self.kwargs["slug"])
        return self._debate

    def audience(self) -> visibility.Audience:
        if not hasattr(self, "_audience"):
            self._audience = visibility.audience_of(self.request.user, self.debate())
        return self._audience

    def names(self) -> visibility.Names:
        if not hasattr(self, "_names"):
            self._names = visibility.names_for(self.audience(), self.debate())
        return self._names

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["audience"] = self.audience()
            context["names"] = self.names()
        return context

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no debate
            return self.model.objects.none()
        return self.rows()

    def rows(self):
        raise NotImplementedError


class PositionList(DebateChildList):
    model = Position
    serializer_class = s.PositionSerializer
    ordering_fields = ["id", "order", "key"]

    def rows(self):
        return self.debate().positions.all()


class TeamList(DebateChildList):
    model = Team
    serializer_class = s.TeamSerializer
    ordering_fields = ["id", "name"]

    def rows(self):
        return self.debate().teams.all()


class ClaimFilter(QuietFilterSet):
    class Meta:
        model = Claim
        fields = ["position", "parent", "stance", "team"]


class ClaimListCreate(WriteRules, DebateChildList):
    model = Claim
    serializer_class = s.ClaimSerializer
    filterset_class = ClaimFilter
    ordering_fields = ["id", "created_at", "updated_at"]
    throttle_scope = "writes"

    def rows(self):
        return (
            self.debate()
            .claims.filter(visibility.claim_q(self.audience()))
            .select_related("author", "team")
        )

    @extend_schema(request=s.ClaimCreateInput, responses={201: s.ClaimSerializer})
    def post(self, request, slug):
        debate = self.debate()
        data = _validated(s.ClaimCreateInput, request)
        parent = None
        if data.get("parent_id"):
            parent = _claim_in(request, debate, data["parent_id"], field="parent_id")
            position = parent.position
        else:
            position = debate.positions.filter(pk=data["position_id"]).first()
            if position is None:
                raise ValidationError({"position_id": [_("No such position in this debate.")]})
        claim = claim_services.claim_create(
            actor=request.user, debate=debate, position=position, parent=parent,
            stance=data["stance"], text=data["text"],
        )  # fmt: skip
        response = Response(_claim_out(request, debate, claim), status=status.HTTP_201_CREATED)
        response["ETag"] = claim_etag(claim)
        return response


class SourceList(DebateChildList):
    model = Source
    serializer_class = s.SourceSerializer
    ordering_fields = ["id", "title", "revision"]

    def rows(self):
        return Source.objects.filter(debate=self.debate())


class EvidenceFilter(QuietFilterSet):
    class Meta:
        model = Evidence
        fields = ["status", "source"]


class EvidenceListPropose(WriteRules, DebateChildList):
    model = Evidence
    serializer_class = s.EvidenceSerializer
    filterset_class = EvidenceFilter
    ordering_fields = ["id", "start", "created_at"]
    throttle_scope = "writes"

    def rows(self):
        # The policy's filter comes first and the query's filters (?status=) narrow it.
        return Evidence.objects.filter(visibility.evidence_q(self.audience()), debate=self.debate())

    @extend_schema(
        request=s.EvidenceProposeInput,
        responses={201: s.EvidenceSerializer, 200: s.EvidenceSerializer},
    )
    def post(self, request, slug):
        debate = self.debate()
        data = _validated(s.EvidenceProposeInput, request)
        source = Source.objects.filter(pk=data["source_id"], debate=debate).first()
        if source is None:
            raise ValidationError({"source_id": [_("No such source in this debate.")]})
        source.debate = debate
        evidence, created = source_services.evidence_propose(
            actor=request.user, source=source, quote=data["quote"], start=data.get("start"),
            note=data.get("note", ""),
        )  # fmt: skip
        return Response(
            s.EvidenceSerializer(evidence, context={"audience": self.audience()}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CitationList(DebateChildList):
    model = Citation
    serializer_class = s.CitationSerializer
    filterset_fields = ["claim", "evidence", "relation"]
    ordering_fields = ["id"]

    def rows(self):
        return Citation.objects.filter(
            visibility.citation_q(self.audience()), claim__debate=self.debate()
        )


# --- writing ---------------------------------------------------------------------------------


def _validated(serializer_class, request) -> dict:
    """The body, through its input serializer: every write's shape is checked before any
    service sees it."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _claim_in(request, debate: Debate, claim_id: int, *, field: str = "id") -> Claim:
    claim = (
        Claim.objects.select_related("debate", "position")
        .filter(pk=claim_id, debate=debate)
        .first()
    )
    if claim is None or not visibility.claim_shown(
        visibility.audience_of(request.user, debate),
        is_hidden=claim.is_hidden, is_withdrawn=claim.is_withdrawn,
    ):  # fmt: skip
        if field == "id":
            raise NotFound(_("No such claim in this debate."))
        raise ValidationError({field: [_("No such claim in this debate.")]})
    claim.debate = debate
    return claim


def _claim_out(request, debate: Debate, claim: Claim) -> dict:
    """One claim as this caller reads it, its author named by the names policy."""
    names = visibility.names_for(visibility.audience_of(request.user, debate), debate)
    return s.ClaimSerializer(claim, context={"names": names}).data


def claim_etag(claim: Claim) -> str:
    return f'"claim-{claim.pk}-v{claim.version}"'


class ClaimDetail(WriteView):
    @extend_schema(responses=s.ClaimSerializer)
    def get(self, request, slug, claim_id):
        debate = visible_debate(request, slug)
        claim = _claim_in(request, debate, claim_id)
        response = Response(_claim_out(request, debate, claim))
        response["ETag"] = claim_etag(claim)
        return response

    @extend_schema(
        request=s.ClaimEditInput,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
        responses={
            200: s.ClaimSerializer,
            412: OpenApiResponse(description="Stale ETag"),
            428: OpenApiResponse(description="If-Match missing"),
        },  # fmt: skip
    )
    def patch(self, request, slug, claim_id):
        debate = visible_debate(request, slug)
        claim = _claim_in(request, debate, claim_id)
        if_match = request.headers.get("If-Match")
        if not if_match:
            raise PreconditionRequired()
        data = _validated(s.ClaimEditInput, request)
        if if_match.strip() != claim_etag(claim):
            raise PreconditionFailed()
        try:
            claim = claim_services.claim_edit(
                actor=request.user, claim=claim, text=data["text"], version=claim.version
            )
        except Conflict as exc:
            # Someone saved between our read and the row lock: the ETag is stale after all.
            raise PreconditionFailed() from exc
        response = Response(_claim_out(request, debate, claim))
        response["ETag"] = claim_etag(claim)
        return response


class ClaimWithdraw(WriteView):
    @extend_schema(request=None, responses=s.ClaimSerializer)
    def post(self, request, slug, claim_id):
        debate = visible_debate(request, slug)
        claim = _claim_in(request, debate, claim_id)
        _validated(s.NoInput, request)
        claim = claim_services.claim_withdraw(actor=request.user, claim=claim)
        return Response(_claim_out(request, debate, claim))


class ClaimVote(WriteView):
    """The caller's own vote on a claim: PUT casts or changes it, DELETE withdraws it."""

    def get_permissions(self):
        return [IsAuthenticated(), TokenScopeAllowsWrites()]

    @extend_schema(responses=s.VoteOutput)
    def get(self, request, slug, claim_id):
        claim = _claim_in(request, visible_debate(request, slug), claim_id)
        vote = Vote.objects.active().filter(user=request.user, claim=claim).first()
        return Response({"claim_id": claim.pk, "value": vote.value if vote else None})

    @extend_schema(request=s.VoteInput, responses=s.VoteOutput)
    def put(self, request, slug, claim_id):
        claim = _claim_in(request, visible_debate(request, slug), claim_id)
        data = _validated(s.VoteInput, request)
        vote = claim_services.vote_cast(actor=request.user, claim=claim, value=data["value"])
        return Response({"claim_id": claim.pk, "value": vote.value})

    @extend_schema(request=None, responses={200: s.VoteOutput})
    def delete(self, request, slug, claim_id):
        claim = _claim_in(request, visible_debate(request, slug), claim_id)
        _validated(s.NoInput, request)
        claim_services.vote_withdraw(actor=request.user, claim=claim)
        return Response({"claim_id": claim.pk, "value": None})


class EvidenceReview(WriteView):
    decision = "approve"

    @extend_schema(request=s.ReviewInput, responses=s.EvidenceSerializer)
    def post(self, request, slug, evidence_id):
        debate = visible_debate(request, slug)
        evidence = Evidence.objects.filter(pk=evidence_id, debate=debate).first()
        if evidence is None:
            raise NotFound(_("No such evidence in this debate."))
        evidence.debate = debate
        data = _validated(s.ReviewInput, request)
        service = (
            source_services.evidence_approve
            if self.decision == "approve"
            else source_services.evidence_reject
        )
        evidence = service(actor=request.user, evidence=evidence, reason=data.get("reason", ""))
        audience = visibility.audience_of(request.user, debate)
        return Response(s.EvidenceSerializer(evidence, context={"audience": audience}).data)


class EvidenceReject(EvidenceReview):
    decision = "reject"


class DebatePhase(WriteView):
    @extend_schema(request=s.PhaseInput, responses=s.DebateSerializer)
    def post(self, request, slug):
        debate = visible_debate(request, slug)
        data = _validated(s.PhaseInput, request)
        debate = debate_services.phase_change(
            actor=request.user, debate=debate, phase=data["phase"]
        )
        return Response(s.DebateSerializer(debate).data)


# --- snapshots ------------------------------------------------------------------------------


def _snapshot_query(request) -> dict:
    """?format= and ?include_text=, validated. A plain dict, not the QueryDict: DRF reads an
    empty value in a QueryDict as an unticked form field and would take the default."""
    query = s.SnapshotQuery(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    return query.validated_data


def render_document(document: dict, fmt: str) -> HttpResponse:
    return HttpResponse(document_bytes(document, fmt), content_type=CONTENT_TYPES[fmt])


class DebateSnapshot(APIView):
    """The live state of the whole debate in one document, with a strong ETag."""

    throttle_classes = [HeavyReadThrottle]  # anonymous callers, per address and minute

    @extend_schema(
        parameters=[FORMAT_PARAM, INCLUDE_TEXT_PARAM, DOWNLOAD_PARAM],
        responses={**DOCUMENT_RESPONSES, 304: None},
    )
    def get(self, request, slug):
        query = _snapshot_query(request)
        fmt, with_text = query["format"], query["include_text"]
        shape = f"{fmt}{'+text' if with_text else ''}"
        debate = visible_debate(request, slug)
        audience = visibility.audience_of(request.user, debate)
        # The version as read with the debate row, before anything is built: the document
        # is of that version or a later one, never older, so a client that keeps it under
        # this ETag asks again (and gets a 200) once anything has changed.
        etag = live_etag(debate.pk, debate.version, audience.key, shape)
        if not_modified(request, etag):
            response = HttpResponse(status=304)
        else:
            version, body = live_snapshot(
                debate, include_hidden=audience.moderator, fmt=fmt, with_text=with_text
            )
            response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
            response["Content-Disposition"] = content_disposition_header(
                query["download"], live_file_name(debate.slug, version, fmt, with_text=with_text)
            )
            etag = live_etag(debate.pk, version, audience.key, shape)
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        response["Vary"] = "Authorization, Cookie"
        return response


class SnapshotListCreate(WriteView):
    @extend_schema(responses=s.SnapshotSummary(many=True))
    def get(self, request, slug):
        debate = visible_debate(request, slug)
        rows = debate.snapshots.order_by("number").values("number", "content_hash", "created_at")
        return Response(s.SnapshotSummary(rows, many=True).data)

    @extend_schema(request=None, responses={201: s.SnapshotSummary})
    def post(self, request, slug):
        debate = visible_debate(request, slug)
        _validated(s.NoInput, request)
        snapshot = snapshot_take(actor=request.user, debate=debate)
        return Response(s.SnapshotSummary(snapshot).data, status=status.HTTP_201_CREATED)


def _frozen(request, debate: Debate, number: int) -> FrozenView:
    """Snapshot `number` as this viewer may read it: redacted of what was hidden since."""
    snapshot = Snapshot.objects.filter(debate=debate, number=number).first()
    if snapshot is None:
        raise NotFound(_("No snapshot %(number)s.") % {"number": number})
    audience = visibility.audience_of(request.user, debate)
    return frozen_view(snapshot, audience, debate=debate,
                       strengths_shown=visibility.strengths_shown(debate, audience))  # fmt: skip


def _diff_sides(request, debate: Debate, number: int, other: int | None):
    """Both sides of a diff as this reader may read them, named alike (diff_sides)."""
    rows = Snapshot.objects.filter(debate=debate, number__in=[number, other or number])
    found = {snapshot.number: snapshot for snapshot in rows}
    for wanted in (number, other):
        if wanted is not None and wanted not in found:
            raise NotFound(_("No snapshot %(number)s.") % {"number": wanted})
    audience = visibility.audience_of(request.user, debate)
    return diff_sides(debate, audience, found[number],
                      found[other] if other is not None else None,
                      strengths_shown=visibility.strengths_shown(debate, audience))  # fmt: skip


class SnapshotDetail(APIView):
    throttle_classes = [HeavyReadThrottle]

    @extend_schema(parameters=[FORMAT_PARAM, DOWNLOAD_PARAM], responses=DOCUMENT_RESPONSES)
    def get(self, request, slug, number):
        query = _snapshot_query(request)
        if query["include_text"]:
            raise ValidationError({"include_text": [
                _("Frozen snapshots are stored without source texts: export the live debate "
                  "(…/snapshot/?format=json&include_text=1) to import it.")]})  # fmt: skip
        fmt = query["format"]
        frozen = _frozen(request, visible_debate(request, slug), number)
        response = render_document(frozen.document, fmt)
        response["Content-Disposition"] = content_disposition_header(
            query["download"], frozen_file_name(slug, number, fmt)
        )
        response["ETag"] = frozen.etag
        response["Vary"] = "Authorization, Cookie"  # moderators read it unredacted
        return response


class SnapshotDiff(APIView):
    throttle_classes = [HeavyReadThrottle]

    @extend_schema(responses=s.SnapshotDiff)
    def get(self, request, slug, number, other):
        sides = _diff_sides(request, visible_debate(request, slug), number, other)
        response = Response({"from": number, "to": other,
                             **diff_documents(sides.old.document, sides.new)})  # fmt: skip
        response["Vary"] = "Authorization, Cookie"
        return response


class SnapshotLiveDiff(APIView):
    """From a frozen snapshot to the live debate. Each side as this reader may see it: the
    frozen one through frozen_view's redaction, the live one as the live snapshot (the
    same bytes, from the same per-version cache)."""

    throttle_classes = [HeavyReadThrottle]

    @extend_schema(responses=s.SnapshotDiff)
    def get(self, request, slug, number):
        sides = _diff_sides(request, visible_debate(request, slug), number, None)
        response = Response({"from": number, "to": "live", "version": sides.version,
                             **diff_documents(sides.old.document, sides.new)})  # fmt: skip
        response["Vary"] = "Authorization, Cookie"
        response["Cache-Control"] = "private, no-cache"
        return response


class DebateImport(WriteView):
    @extend_schema(request=s.SnapshotDocument, responses={201: s.DebateSerializer})
    def post(self, request):
        # The serializer checks that it is a document at all; the importer checks the
        # document against the shipped schema and the rules of a debate.
        debate = debate_import(actor=request.user, document=_validated(s.DocumentInput, request))
        return Response(s.DebateSerializer(debate).data, status=status.HTTP_201_CREATED)


EVENTS_PAGE = 100


def _event_row(
    event: AuditEvent,
    audience: visibility.Audience,
    objects: visibility.EventObjects,
    names: visibility.Names,
) -> dict:
    """One event as this audience may see it: the policy decides whether its actor, its
    before and after, and the review's words on evidence are shown, and how people are
    named (pseudonyms, and no user id in a state, in an anonymous debate)."""
    shown = visibility.event_shown(
        audience, objects, object_type=event.object_type, object_id=event.object_id
    )
    actor_id = event.actor_id if shown.actor else None
    actor = names.shown(actor_id, event.actor.username) if actor_id else None
    return {
        "id": event.id, "version": event.version, "created_at": event.created_at,
        "actor": actor, "actor_pseudonym": names.pseudonym(actor_id),
        "action": event.action, "object_type": event.object_type, "object_id": event.object_id,
        "before": visibility.state_named(visibility.event_state(event.before, shown), names),
        "after": visibility.state_named(visibility.event_state(event.after, shown), names),
    }  # fmt: skip


class DebateEvents(APIView):
    """The debate's audit events after a cursor (a debate version), in commit order.

    The debate's version is read first, with the debate: every event up to it has committed
    (versions are handed out under the debate row's lock), so serving only up to it means a
    consumer never steps past an event that commits later with a smaller number."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "after", int, description="The last version you saw: `next_after` of the page "
                "before (0 or none: from the start)."
            )
        ],
        responses=s.EventPage,
    )  # fmt: skip
    def get(self, request, slug):
        debate = visible_debate(request, slug)
        query = s.EventsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        after = query.validated_data["after"]
        rows = list(
            AuditEvent.objects.filter(debate=debate, version__gt=after, version__lte=debate.version)
            .select_related("actor")
            .order_by("version")[: EVENTS_PAGE + 1]
        )
        more = len(rows) > EVENTS_PAGE
        rows = rows[:EVENTS_PAGE]
        audience = visibility.audience_of(request.user, debate)
        objects = visibility.event_objects(audience, ((e.object_type, e.object_id) for e in rows))
        names = visibility.names_for(audience, debate)
        data = [_event_row(event, audience, objects, names) for event in rows]
        return Response({
            "results": s.EventSerializer(data, many=True).data,
            "next_after": rows[-1].version if rows else after,
            "has_more": more,
        })  # fmt: skip


class DebateSearch(APIView):
    """Claims and evidence of the debate matching every word of `q` (as word beginnings), best
    first, with the same visibility as the search page (debate/mapview/search.py)."""

    @extend_schema(parameters=[s.SearchQuery], responses=s.SearchPage)
    def get(self, request, slug):
        debate = visible_debate(request, slug)
        query = s.SearchQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        audience = visibility.audience_of(request.user, debate)
        found = search.debate_search(debate, query.validated_data["q"], audience)
        return Response(s.SearchPage({
            "query": found.query, "claims": found.claims, "claim_count": found.claim_count,
            "evidence": found.evidence, "evidence_count": found.evidence_count,
        }).data)  # fmt: skip


# --- the roster (debate/people) ----------------------------------------------------------------


def _moderated(request, slug: str) -> Debate:
    """A debate whose roster this caller reads: 404 where the debate is hidden from them,
    403 where they see it but do not moderate it."""
    debate = visible_debate(request, slug)
    permissions.require(
        permissions.is_moderator(request.user, debate), _("Only moderators see participation.")
    )
    return debate


class DebateParticipation(APIView):
    """Everyone who takes or took part (removed members with `status` "removed"), with the
    roster's counts, tasks and grades. Moderators only."""

    @extend_schema(responses=s.ParticipantSerializer(many=True))
    def get(self, request, slug):
        debate = _moderated(request, slug)
        response = Response(s.ParticipantSerializer(participation(debate), many=True).data)
        response["Cache-Control"] = "private, no-store"  # grades and names, as the CSV
        return response


def _targets_state(debate: Debate) -> dict[str, int]:
    return target_values(debate_targets(debate))


class DebateTargets(WriteView):
    """The debate's tasks (targets). Moderators read and set them; refused once closed."""

    @extend_schema(responses=s.TargetsSerializer)
    def get(self, request, slug):
        debate = _moderated(request, slug)
        return Response(_targets_state(debate))

    @extend_schema(request=s.TargetsSerializer, responses=s.TargetsSerializer)
    def put(self, request, slug):
        debate = _moderated(request, slug)
        data = _validated(s.TargetsSerializer, request)
        people_services.targets_set(actor=request.user, debate=debate, **data)
        return Response(_targets_state(debate))


# --- grading (debate/grading) ------------------------------------------------------------------


class DebateGrades(APIView):
    """Grades and feedback. Moderators: every participant's, released or not. A participant:
    only their own, once released (an empty list before). Anyone else: 403 (404 where the
    debate is hidden from them)."""

    @extend_schema(responses=s.GradeOutput(many=True))
    def get(self, request, slug):
        debate = visible_debate(request, slug)
        rows = grades_for(debate, request.user)
        permissions.require(rows is not None, _("Only the debate's participants see grades."))
        response = Response(s.GradeOutput(rows, many=True).data)
        response["Cache-Control"] = "private, no-store"  # as the participation CSV
        return response


# --- small groups (debate/groups) --------------------------------------------------------------


class DebateGroups(APIView):
    """The groups a debate was split into, side by side: phase, standings, participation and
    what waits for review (as the overview page). The debate's moderators only; an empty list
    for a debate that was not split."""

    @extend_schema(responses=GroupOutput(many=True))
    def get(self, request, slug):
        debate = visible_debate(request, slug)
        permissions.require(
            permissions.is_moderator(request.user, debate), _("Only moderators see the groups.")
        )
        cards = groups_overview(debate, request.user)
        response = Response(GroupOutput(cards, many=True).data)
        response["Cache-Control"] = "private, no-store"
        return response
