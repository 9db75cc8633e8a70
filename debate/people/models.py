"""Tasks: the targets a moderator sets for everyone who takes part in one debate."""

from __future__ import annotations

from django.db import models

# The targets in the order the roster, the progress line and the CSV show them: field name,
# the participation counter it is measured by, and its words (singular, plural).
TARGETS: list[tuple[str, str, str, str]] = [
    ("min_claims", "claims", "claim", "claims"),
    ("min_rebuttals", "rebuttals", "rebuttal", "rebuttals"),
    ("min_approved_evidence", "evidence_approved", "approved piece of evidence",
     "approved pieces of evidence"),
    ("min_votes", "votes", "vote", "votes"),
    ("min_citations", "citations", "citation", "citations"),
]  # fmt: skip
TARGET_FIELDS = [name for name, *_ in TARGETS]


class Targets(models.Model):
    """At least how much each participant should do in the debate; 0 sets no target."""

    debate = models.OneToOneField(
        "debates.Debate", on_delete=models.PROTECT, related_name="targets"
    )
    min_claims = models.PositiveSmallIntegerField(default=0)
    min_rebuttals = models.PositiveSmallIntegerField(default=0)
    min_approved_evidence = models.PositiveSmallIntegerField(default=0)
    min_votes = models.PositiveSmallIntegerField(default=0)
    min_citations = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "targets"

    def __str__(self) -> str:
        return f"targets of debate {self.debate_id}"

    @property
    def any_set(self) -> bool:
        return any(getattr(self, name) for name in TARGET_FIELDS)
