"""The shape of the roster's inputs: its query (sort, team, not posted yet), a member's role
and team, a removal's reason, and the debate's targets."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from debate.debates.models import Role
from debate.inputs import CappedForm, CountField, IdField, QuotedChoiceField, TextField
from debate.people.models import TARGETS
from debate.people.services import TARGET_MAX

# The roster's sortable columns: query value, the words of its header.
SORT_COLUMNS: list[tuple[str, str]] = [
    ("name", _("Name")), ("role", _("Role")), ("team", _("Team")),
    ("joined", pgettext_lazy("roster column", "Joined")),
    ("active", _("Last activity")), ("claims", _("Claims")), ("rebuttals", _("Rebuttals")),
    ("edits", _("Edits")), ("proposed", _("Evidence proposed")),
    ("approved", _("Evidence approved")), ("rejected", _("Evidence rejected")),
    ("citations", _("Citations")), ("votes", _("Votes")), ("flags", _("Flags")),
    ("polls", _("Poll answers")), ("tasks", _("Tasks done")), ("grade", _("Grade")),
]  # fmt: skip
# The query's values only (never shown): the labels stay as they are.
SORT_CHOICES = [(key, key) for key, _label in SORT_COLUMNS] + [
    (f"-{key}", f"-{key}") for key, _label in SORT_COLUMNS
]
YES = [("1", "yes"), ("0", "no")]


class RosterQuery(CappedForm):
    """?sort=<column> or -<column>, ?team=<id>, ?silent=1 (has not posted yet)."""

    sort = QuotedChoiceField(choices=SORT_CHOICES, required=False)
    team = IdField(required=False)
    silent = QuotedChoiceField(choices=YES, required=False)

    def clean_sort(self) -> str:
        return self.cleaned_data.get("sort") or "name"

    def clean_silent(self) -> bool:
        return self.cleaned_data.get("silent") == "1"


class MemberChangeForm(CappedForm):
    role = QuotedChoiceField(choices=Role.choices)
    team = IdField(required=False)


class MemberEndForm(CappedForm):
    reason = TextField(max_length=500, required=False)
    confirm = QuotedChoiceField(
        choices=[("1", "yes")], error_messages={"required": _("Tick the box to confirm.")}
    )


class TargetsForm(CappedForm):
    """One whole number per target, 0 for none."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, _key, _label, form_label, _wording in TARGETS:
            self.fields[name] = CountField(maximum=TARGET_MAX, required=False, label=form_label)

    def clean(self) -> dict:
        data = super().clean()
        return {name: data.get(name) or 0 for name, *_ in TARGETS if name in data}
