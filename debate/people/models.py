"""Tasks: the targets a moderator sets for everyone who takes part in one debate."""

from __future__ import annotations

from django.conf import settings
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


class Pseudonym(models.Model):
    """The name a person goes by in one anonymous debate ("Participant 7"): given when they
    first join (people.services.pseudonyms_assign), kept if they leave and come back, so it
    is the same on every page, export and frozen snapshot. Numbers are drawn at random, so
    they do not tell who joined first."""

    debate = models.ForeignKey(
        "debates.Debate", on_delete=models.PROTECT, related_name="pseudonyms"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pseudonyms"
    )
    number = models.PositiveIntegerField()

    class Meta:
        ordering = ["debate_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["debate", "user"], name="pseudonym_one_per_person"),
            models.UniqueConstraint(fields=["debate", "number"], name="pseudonym_number_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return pseudonym_label(self.number)


def pseudonym_label(number: int) -> str:
    return f"Participant {number}"
