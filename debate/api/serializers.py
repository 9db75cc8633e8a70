"""Shapes of the API: output serializers for the lists, strict input serializers for writes.

Input serializers validate shape (types, ranges, unknown fields); the services validate
meaning (phase, role, tree rules), exactly as for the pages.
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from debate.api import schema as _schema  # registers the snapshot document's component
from debate.arguments.models import CLAIM_TEXT_MAX, Citation, Claim, Stance
from debate.debates.models import Debate, Phase, Position, Team
from debate.inputs import ascii_id, ascii_whole, quote
from debate.mapview import visibility
from debate.snapshots.services import FORMATS
from debate.sources.forms import NOTE_MAX, QUOTE_MAX
from debate.sources.models import Evidence, Source


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so that a typo is an error rather than ignored."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            # A field's name is input too: quote a prefix of it, never a megabyte.
            raise serializers.ValidationError(
                {quote(name): [_("Unknown field.")] for name in unknown}
            )
        return super().to_internal_value(data)


class NoInput(StrictSerializer):
    """The body of a write that takes no fields: nothing, or an empty JSON object."""


class StrictCharField(serializers.CharField):
    """Text must arrive as a JSON string: 42 is not a claim."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A number must arrive as a JSON integer: "2" and true are not votes."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class IdInputField(StrictIntegerField):
    """The id of a row: a JSON integer, positive, no longer than any id we hand out (the
    same rule as `debate.inputs.ascii_id`, which the pages' IdField uses)."""

    default_error_messages = {"invalid": gettext_lazy("An id: a positive whole number.")}

    def to_internal_value(self, data):
        number = super().to_internal_value(data)
        if ascii_id(number) is None:
            self.fail("invalid")
        return number


class ChoiceInputField(serializers.ChoiceField):
    """A choice whose refusal quotes at most a short prefix of what was sent (DRF's own
    message echoes the whole value, however long)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=quote(repr(data)))
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            self.fail("invalid_choice", input=quote(data))


class DebateSerializer(serializers.ModelSerializer):
    anonymous = serializers.BooleanField(
        read_only=True, help_text="Participants see each other under pseudonyms only "
        "(PATCH this debate to switch it)."
    )  # fmt: skip

    class Meta:
        model = Debate
        fields = ["slug", "title", "motion", "description", "phase", "is_public",
                  "allow_observers", "count_observer_votes", "standings_from", "anonymous",
                  "created_at", "updated_at"]  # fmt: skip


class StrictBooleanField(serializers.BooleanField):
    """A yes or no must arrive as JSON true or false: "true", 1 and "on" are not."""

    default_error_messages = {"invalid": gettext_lazy("Send true or false.")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class DebateSettingsInput(StrictSerializer):
    """PATCH /api/v1/debates/<slug>/: the settings an API client may change."""

    anonymous = StrictBooleanField(
        help_text="true: participants see each other under pseudonyms only; false: by "
        "username again (snapshots frozen while anonymous stay anonymous)."
    )


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["id", "key", "title", "description", "order"]


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "position_id"]


def _names(serializer: serializers.Serializer) -> visibility.Names:
    """The names policy of the serializer's reader (`context["names"]`, from
    `visibility.names_for`). Without one it fails closed: nobody is named, as if the debate
    were anonymous to a participant with no pseudonyms known (a forgotten context shows in
    the tests as "A participant", never as a leaked username)."""
    names = serializer.context.get("names")
    return names if names is not None else visibility.Names(anonymous=True)


class ClaimSerializer(serializers.ModelSerializer):
    """A claim, its author named as `context["names"]` says (pseudonyms in an anonymous
    debate, for everyone but its moderators)."""

    author = serializers.SerializerMethodField()
    author_pseudonym = serializers.SerializerMethodField()
    team = serializers.CharField(source="team.name", default=None, allow_null=True)

    class Meta:
        model = Claim
        fields = ["id", "position_id", "parent_id", "stance", "text", "author",
                  "author_pseudonym", "team", "team_id", "version", "is_hidden", "is_withdrawn",
                  "created_at", "updated_at"]  # fmt: skip

    @extend_schema_field(
        {"type": "string", "nullable": True,
         "description": "The author's username; in an anonymous debate their pseudonym "
         "(\"Participant 7\") for everyone but its moderators."}
    )  # fmt: skip
    def get_author(self, claim: Claim) -> str | None:
        author = claim.author
        return _names(self).shown(claim.author_id, author.username if author else None)

    @extend_schema_field(
        {"type": "string", "nullable": True,
         "description": "In an anonymous debate: the author's pseudonym there (moderators "
         "read it beside the username); null otherwise."}
    )  # fmt: skip
    def get_author_pseudonym(self, claim: Claim) -> str | None:
        return _names(self).pseudonym(claim.author_id)


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "title", "publication", "volume", "issue", "published_on", "url",
                  "revision", "previous_id", "text_sha256"]  # fmt: skip


class EvidenceSerializer(serializers.ModelSerializer):
    """Evidence as the viewer in `context["audience"]` may see it (no audience: the public)."""

    review_reason = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "source_id", "quote", "start", "end", "paragraph", "status",
                  "review_reason", "created_at"]  # fmt: skip

    @extend_schema_field(
        {"type": "string", "nullable": True,
         "description": "The moderator's reason: null unless you proposed it or moderate."}
    )  # fmt: skip
    def get_review_reason(self, evidence: Evidence) -> str | None:
        audience = self.context.get("audience") or visibility.Audience(moderator=False)
        if visibility.evidence_reason_shown(audience, proposer_id=evidence.proposer_id):
            return evidence.review_reason
        return None


class CitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Citation
        fields = ["id", "claim_id", "evidence_id", "relation"]


class ClaimCreateInput(StrictSerializer):
    position_id = IdInputField(required=False)
    parent_id = IdInputField(required=False, allow_null=True)
    stance = ChoiceInputField(choices=Stance.values)
    text = StrictCharField(max_length=CLAIM_TEXT_MAX, trim_whitespace=True)

    def validate(self, attrs):
        if not attrs.get("parent_id") and not attrs.get("position_id"):
            raise serializers.ValidationError(
                {"position_id": [_("Give position_id, or parent_id to reply to a claim.")]}
            )
        return attrs


class DocumentInput(serializers.Serializer):
    """An imported document: a JSON object, which the importer validates against the
    shipped JSON Schema (its fields are the schema's, not this serializer's)."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Send the snapshot document, a JSON object.")]}
            )
        return data


class ClaimEditInput(StrictSerializer):
    text = StrictCharField(max_length=CLAIM_TEXT_MAX, trim_whitespace=True)


class VoteInput(StrictSerializer):
    value = StrictIntegerField(min_value=0, max_value=4)


class VoteOutput(serializers.Serializer):
    claim_id = StrictIntegerField()
    value = StrictIntegerField(allow_null=True)


class EvidenceProposeInput(StrictSerializer):
    source_id = IdInputField()
    quote = StrictCharField(max_length=QUOTE_MAX)
    start = StrictIntegerField(required=False, allow_null=True, min_value=0)
    end = StrictIntegerField(required=False, allow_null=True, min_value=0)
    note = StrictCharField(required=False, allow_blank=True, max_length=NOTE_MAX, default="")


class ReviewInput(StrictSerializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


class PhaseInput(StrictSerializer):
    phase = ChoiceInputField(choices=Phase.values)


class SnapshotQuery(serializers.Serializer):
    """?format= and ?include_text= of a snapshot read. Other query parameters are ignored."""

    format = serializers.ChoiceField(
        choices=FORMATS, required=False, default="json",
        error_messages={"invalid_choice": format_lazy(
            # Translators: {choices} is the list of formats: json, aif, argdown, graphml.
            gettext_lazy("Choose one of: {choices}."), choices=", ".join(FORMATS))},
    )  # fmt: skip
    include_text = serializers.BooleanField(
        required=False, default=False,
        help_text="1: each source's full text too (format json only), which makes the "
        "document importable by POST /api/v1/debates/import/.",
    )  # fmt: skip
    download = serializers.BooleanField(
        required=False, default=False,
        help_text="1: Content-Disposition attachment (save as a file); else inline, with the "
        "same file name.",
    )  # fmt: skip

    def validate(self, attrs):
        if attrs["include_text"] and attrs["format"] != "json":
            raise serializers.ValidationError(
                {"include_text": [_("Source texts come with format=json only.")]}
            )
        return attrs


class SnapshotSummary(serializers.Serializer):
    number = serializers.IntegerField()
    content_hash = serializers.CharField()
    created_at = serializers.DateTimeField()


class WholeNumberField(serializers.IntegerField):
    """A whole number from a query string, in ASCII digits only: `'²'.isdigit()` is true and
    `int('٣')` is 3, and neither is a cursor."""

    def to_internal_value(self, data):
        # The pages' rule (debate.inputs), without the leading and trailing spaces it forgives.
        if not isinstance(data, str) or data != data.strip() or ascii_whole(data) is None:
            self.fail("invalid")
        return super().to_internal_value(data)


class EventsQuery(serializers.Serializer):
    after = WholeNumberField(
        required=False, default=0, min_value=0, max_value=2**63 - 1,
        error_messages={"invalid": gettext_lazy(
            "A whole number: the last version you saw (next_after).")},
    )  # fmt: skip


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(
        help_text="The debate version this event produced; versions follow commit order."
    )
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(
        allow_null=True, help_text="Who did it: a username, or in an anonymous debate a "
        "pseudonym for everyone but its moderators; null where it is not shown."
    )  # fmt: skip
    actor_pseudonym = serializers.CharField(
        allow_null=True, help_text="In an anonymous debate: the actor's pseudonym (beside the "
        "username, for moderators); null otherwise."
    )  # fmt: skip
    action = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.IntegerField(allow_null=True)
    before = serializers.JSONField(
        allow_null=True, help_text="The object's state before (in an anonymous debate, "
        "without the user ids of people, for everyone but its moderators)."
    )  # fmt: skip
    after = serializers.JSONField(allow_null=True)


class EventPage(serializers.Serializer):
    results = EventSerializer(many=True)
    next_after = serializers.IntegerField(
        help_text="The version of the last event served (or your cursor, if none): pass it "
        "as ?after= to read on."
    )
    has_more = serializers.BooleanField()


# --- the snapshot document and its diffs -----------------------------------------------------


class SnapshotDocument(serializers.Serializer):
    """Stands for the snapshot document (format json) in the OpenAPI schema, where
    `api.schema` puts the shipped JSON Schema in its place. Never used to validate."""


class AifDocument(serializers.Serializer):
    """Stands for an AIF document (format aif) in the OpenAPI schema (see `api.schema`)."""


def snapshot_body() -> PolymorphicProxySerializer:
    """The JSON body of a snapshot read: the document (format json) or AIF (format aif)."""
    return PolymorphicProxySerializer(
        component_name="SnapshotBody", serializers=[SnapshotDocument, AifDocument],
        resource_type_field_name=None,
    )  # fmt: skip


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["live"]}]})
class DiffTarget(serializers.JSONField):
    pass


def _document_row(table: str) -> dict:
    """The OpenAPI schema of one row of a document table, from the shipped JSON Schema."""
    return _schema.snapshot_component()["properties"][table]["items"]


def _rows_field(table: str) -> serializers.JSONField:
    """A list of whole rows of one table of the document, typed as the JSON Schema says."""
    field_class = extend_schema_field({"type": "array", "items": _document_row(table)})(
        type(f"{table.title()}Rows", (serializers.JSONField,), {})
    )
    return field_class()


_CHANGES = {
    "type": "object",
    "description": "Each changed field: {from, to}.",
    "additionalProperties": {
        "type": "object", "required": ["from", "to"],
        "properties": {"from": {"nullable": True}, "to": {"nullable": True}},
    },
}  # fmt: skip


@extend_schema_field({"type": "array", "items": {
    "type": "object", "required": ["id", "changes"],
    "properties": {"id": {"type": "integer"}, "changes": _CHANGES}}})  # fmt: skip
class RowChanges(serializers.JSONField):
    pass


@extend_schema_field({"type": "array", "items": {
    "type": "object", "required": ["claim_id", "evidence_id", "changes"],
    "properties": {"claim_id": {"type": "integer"}, "evidence_id": {"type": "integer"},
                   "changes": _CHANGES}}})  # fmt: skip
class CitationChanges(serializers.JSONField):
    pass


@extend_schema_field({"type": "array", "items": {
    "type": "object", "required": ["claim_id", "from", "to"],
    "properties": {"claim_id": {"type": "integer"},
                   "from": _document_row("claims")["properties"]["votes"],
                   "to": _document_row("claims")["properties"]["votes"]}}})  # fmt: skip
class VoteChanges(serializers.JSONField):
    pass


@extend_schema_field({"type": "array", "items": {
    "type": "object", "required": ["kind", "id", "from", "to"],
    "properties": {"kind": {"type": "string", "enum": ["position", "claim"]},
                   "id": {"type": "integer"},
                   "from": {"type": "number", "nullable": True},
                   "to": {"type": "number", "nullable": True}}}})  # fmt: skip
class StrengthChanges(serializers.JSONField):
    pass


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "required": ["from", "to"],
        "properties": {"from": {"type": "string"}, "to": {"type": "string"}},
    }
)
class PhaseChange(serializers.JSONField):
    pass


class SnapshotDiff(serializers.Serializer):
    """What changed from one snapshot to another, or to the live debate (`to: "live"`)."""

    from_ = serializers.IntegerField(help_text="The snapshot number diffed from.")
    to = DiffTarget(help_text='The snapshot number diffed to, or "live".')
    version = serializers.IntegerField(
        required=False, help_text="With `to: live`: the live debate version compared."
    )
    claims_added = _rows_field("claims")
    claims_removed = _rows_field("claims")
    claims_changed = RowChanges()
    votes_changed = VoteChanges()
    strength_changed = StrengthChanges()
    positions_added = _rows_field("positions")
    positions_removed = _rows_field("positions")
    positions_changed = RowChanges()
    evidence_added = _rows_field("evidence")
    evidence_removed = _rows_field("evidence")
    evidence_changed = RowChanges()
    citations_added = _rows_field("citations")
    citations_removed = _rows_field("citations")
    citations_changed = CitationChanges()
    phase_changed = PhaseChange(allow_null=True)


# "from" is a Python keyword: the field is declared as from_ and named "from" in the output.
SnapshotDiff._declared_fields["from"] = SnapshotDiff._declared_fields.pop("from_")


# --- search ------------------------------------------------------------------------------------


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=200,
        help_text="Words to find (each as the beginning of a word; all must match).",
    )  # fmt: skip


class SearchClaim(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    stance = serializers.CharField()
    position_id = serializers.IntegerField()
    is_hidden = serializers.BooleanField(help_text="Only moderators find hidden claims.")
    is_withdrawn = serializers.BooleanField()
    rank = serializers.FloatField()


class SearchEvidence(serializers.Serializer):
    id = serializers.IntegerField()
    quote = serializers.CharField()
    source_id = serializers.IntegerField()
    source_title = serializers.CharField()
    paragraph = serializers.IntegerField()
    status = serializers.CharField()
    is_hidden = serializers.BooleanField()
    rank = serializers.FloatField()


class SearchPage(serializers.Serializer):
    query = serializers.CharField()
    claims = SearchClaim(many=True)
    claim_count = serializers.IntegerField(help_text="All matching claims; at most 20 listed.")
    evidence = SearchEvidence(many=True)
    evidence_count = serializers.IntegerField()


# --- the roster (debate/people) ----------------------------------------------------------------


class TaskOutput(serializers.Serializer):
    field = serializers.CharField(help_text="The target's name, as in /targets/.")
    target = serializers.IntegerField()
    count = serializers.IntegerField()
    done = serializers.BooleanField()


class ParticipantSerializer(serializers.Serializer):
    """One participant's row of the roster; the counts are defined in the README."""

    user_id = serializers.IntegerField()
    username = serializers.CharField()
    pseudonym = serializers.CharField(
        allow_blank=True, help_text="In an anonymous debate: the name everyone else reads "
        '("Participant 7"); empty otherwise.'
    )  # fmt: skip
    status = serializers.ChoiceField(choices=["current", "removed"])
    role = serializers.CharField()
    team_id = serializers.IntegerField(allow_null=True)
    team = serializers.CharField(source="team_name", allow_blank=True)
    joined_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    last_activity = serializers.DateTimeField(allow_null=True)
    claims = serializers.IntegerField(help_text="Every claim they wrote, hidden and withdrawn too.")
    claims_hidden = serializers.IntegerField()
    rebuttals = serializers.IntegerField(help_text="Con claims under another team's claim.")
    edits = serializers.IntegerField(help_text="Sum of (version - 1) over their claims.")
    evidence_proposed = serializers.IntegerField()
    evidence_approved = serializers.IntegerField()
    evidence_rejected = serializers.IntegerField()
    citations = serializers.IntegerField(help_text="Citations they added that the list shows.")
    votes = serializers.IntegerField(help_text="Active votes.")
    flags = serializers.IntegerField()
    poll_answers = serializers.IntegerField()
    tasks = TaskOutput(many=True)
    grade = serializers.CharField(allow_blank=True)
    grade_released = serializers.BooleanField()
    grade_comment = serializers.CharField(allow_blank=True)
    feedback_count = serializers.IntegerField()


def _target_field(help_text: str) -> serializers.IntegerField:
    return StrictIntegerField(required=False, min_value=0, max_value=999, help_text=help_text)


class TargetsSerializer(StrictSerializer):
    """The debate's tasks: at least this many of each, 0 for no target. A PUT may send only
    the targets it changes."""

    min_claims = _target_field("Claims each participant should write.")
    min_rebuttals = _target_field("Rebuttals (con claims under another team's claim).")
    min_approved_evidence = _target_field("Pieces of evidence proposed and approved.")
    min_votes = _target_field("Votes cast.")
    min_citations = _target_field("Citations added.")


# --- grading (debate/grading) ------------------------------------------------------------------


class FeedbackOutput(serializers.Serializer):
    id = serializers.IntegerField()
    claim_id = serializers.IntegerField()
    text = serializers.CharField()
    audience = serializers.ChoiceField(choices=["author", "everyone"])
    released_at = serializers.DateTimeField(
        allow_null=True, help_text="When the claim's author could first read it."
    )
    shared_at = serializers.DateTimeField(
        allow_null=True, help_text="When it showed to everyone who may see the claim."
    )


class GradeOutput(serializers.Serializer):
    """One participant's grade, comment and the feedback on their claims."""

    user_id = serializers.IntegerField()
    username = serializers.CharField()
    value = serializers.CharField(allow_blank=True, help_text="On the debate's scale; empty: none.")
    comment = serializers.CharField(allow_blank=True)
    released_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    feedback = FeedbackOutput(many=True)
