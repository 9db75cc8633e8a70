"""The API's output for the small-groups overview: GET /api/v1/debates/<slug>/groups/."""

from __future__ import annotations

from rest_framework import serializers


class StandingOutput(serializers.Serializer):
    position = serializers.CharField()
    strength = serializers.FloatField()


class GroupOutput(serializers.Serializer):
    """One group of a split debate, with the overview page's figures."""

    slug = serializers.CharField()
    title = serializers.CharField()
    number = serializers.IntegerField()
    phase = serializers.CharField()
    strengths_shown = serializers.BooleanField(
        help_text="Whether `standings` are given (moderators of the group: always)."
    )
    standings = StandingOutput(many=True, help_text="Each position's strength, in order.")
    debaters = serializers.IntegerField()
    observers = serializers.IntegerField()
    moderators = serializers.IntegerField()
    claims = serializers.IntegerField(help_text="Claims not withdrawn, hidden ones included.")
    rebuttals = serializers.IntegerField()
    votes = serializers.IntegerField(help_text="Active votes.")
    evidence = serializers.IntegerField(help_text="Approved, visible evidence.")
    pending_evidence = serializers.IntegerField(source="pending.evidence")
    pending_flags = serializers.IntegerField(source="pending.flags")
