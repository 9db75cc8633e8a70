"""Tasks: the targets a moderator sets for everyone who takes part in one debate."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

# The targets in the order the roster, the progress line and the CSV show them: field name,
# the participation counter it is measured by, its words (the roster's short label, the tasks
# form's label) and the progress line ("1 of 2 claims", its plural chosen by the target).
TARGETS: list[tuple[str, str, str, str, str]] = [
    ("min_claims", "claims", _("claims"), _("At least this many claims"),
     # Translators: a member's progress on a task: "1 of 2 claims" (count written, target).
     ngettext_lazy("%(count)s of %(target)s claim", "%(count)s of %(target)s claims", "target")),
    ("min_rebuttals", "rebuttals", _("rebuttals"), _("At least this many rebuttals"),
     ngettext_lazy("%(count)s of %(target)s rebuttal", "%(count)s of %(target)s rebuttals",
                   "target")),
    ("min_approved_evidence", "evidence_approved", _("approved pieces of evidence"),
     _("At least this many approved pieces of evidence"),
     ngettext_lazy("%(count)s of %(target)s approved piece of evidence",
                   "%(count)s of %(target)s approved pieces of evidence", "target")),
    ("min_votes", "votes", _("votes"), _("At least this many votes"),
     ngettext_lazy("%(count)s of %(target)s vote", "%(count)s of %(target)s votes", "target")),
    ("min_citations", "citations", _("citations"), _("At least this many citations"),
     ngettext_lazy("%(count)s of %(target)s citation", "%(count)s of %(target)s citations",
                   "target")),
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
        verbose_name_plural = _("targets")

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
    """The pseudonym in the reader's language, made when it is read: only the number is
    stored (comments.mentions takes the word from the catalogue of every language)."""
    # Translators: a pseudonym in an anonymous debate, "Participant 7".
    return gettext("Participant %(number)s") % {"number": number}
