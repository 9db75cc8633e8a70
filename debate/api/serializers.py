"""Shapes of the API: output serializers for the lists, strict input serializers for writes.

Input serializers validate shape (types, ranges, unknown fields); the services validate
meaning (phase, role, tree rules), exactly as for the pages.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from debate.arguments.models import CLAIM_TEXT_MAX, Citation, Claim, Stance
from debate.debates.models import Debate, Phase, Position, Team
from debate.mapview import visibility
from debate.sources.models import Evidence, Source


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so that a typo is an error rather than ignored."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Send a JSON object."]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


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


class DebateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Debate
        fields = ["slug", "title", "motion", "description", "phase", "is_public",
                  "allow_observers", "created_at", "updated_at"]  # fmt: skip


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["id", "key", "title", "description", "order"]


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "position_id"]


class ClaimSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", default=None, allow_null=True)
    team = serializers.CharField(source="team.name", default=None, allow_null=True)

    class Meta:
        model = Claim
        fields = ["id", "position_id", "parent_id", "stance", "text", "author", "team", "team_id",
                  "version", "is_hidden", "is_withdrawn", "created_at", "updated_at"]  # fmt: skip


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
    position_id = StrictIntegerField(required=False, min_value=1)
    parent_id = StrictIntegerField(required=False, allow_null=True, min_value=1)
    stance = serializers.ChoiceField(choices=Stance.values)
    text = StrictCharField(max_length=CLAIM_TEXT_MAX, trim_whitespace=True)

    def validate(self, attrs):
        if not attrs.get("parent_id") and not attrs.get("position_id"):
            raise serializers.ValidationError(
                {"position_id": ["Give position_id, or parent_id to reply to a claim."]}
            )
        return attrs


class ClaimEditInput(StrictSerializer):
    text = StrictCharField(max_length=CLAIM_TEXT_MAX, trim_whitespace=True)


class VoteInput(StrictSerializer):
    value = StrictIntegerField(min_value=0, max_value=4)


class VoteOutput(serializers.Serializer):
    claim_id = StrictIntegerField()
    value = StrictIntegerField(allow_null=True)


class EvidenceProposeInput(StrictSerializer):
    source_id = StrictIntegerField(min_value=1)
    quote = StrictCharField(max_length=5000)
    start = StrictIntegerField(required=False, allow_null=True, min_value=0)
    end = StrictIntegerField(required=False, allow_null=True, min_value=0)
    note = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


class ReviewInput(StrictSerializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


class PhaseInput(StrictSerializer):
    phase = serializers.ChoiceField(choices=Phase.values)


class SnapshotSummary(serializers.Serializer):
    number = serializers.IntegerField()
    content_hash = serializers.CharField()
    created_at = serializers.DateTimeField()


class WholeNumberField(serializers.IntegerField):
    """A whole number from a query string, in ASCII digits only: `'²'.isdigit()` is true and
    `int('٣')` is 3, and neither is a cursor."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not (data.isascii() and data.isdigit()):
            self.fail("invalid")
        return super().to_internal_value(data)


class EventsQuery(serializers.Serializer):
    after = WholeNumberField(
        required=False, default=0, min_value=0, max_value=2**63 - 1,
        error_messages={"invalid": "A whole number: the last version you saw (next_after)."},
    )  # fmt: skip


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(
        help_text="The debate version this event produced; versions follow commit order."
    )
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    action = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.IntegerField(allow_null=True)
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class EventPage(serializers.Serializer):
    results = EventSerializer(many=True)
    next_after = serializers.IntegerField(
        help_text="The version of the last event served (or your cursor, if none): pass it "
        "as ?after= to read on."
    )
    has_more = serializers.BooleanField()
