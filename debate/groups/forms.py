"""The shape of the small-groups forms: the split (a count, how members are dealt, and for
"by hand" one select per member) and the overview's "move every group" form."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from debate.debates.models import Membership, Phase
from debate.groups.services import MAX_GROUPS, MIN_GROUPS
from debate.inputs import CappedForm, CountField, QuotedChoiceField

ASSIGNMENT_CHOICES = [
    ("team", gettext_lazy("By team: each team's members dealt evenly over the groups")),
    ("hand", gettext_lazy("By hand: I choose each member's group below")),
]


def member_field(user_id: int) -> str:
    return f"member-{user_id}"


class SplitForm(CappedForm):
    """`count` and `assignment`, and a `member-<user id>` select for each debater and
    observer; the service checks the meaning (range, everyone chosen)."""

    count = CountField(maximum=99, error_messages={"required": gettext_lazy("How many groups?")})
    assignment = QuotedChoiceField(choices=ASSIGNMENT_CHOICES, initial="team", error_messages={
        "required": gettext_lazy("Choose “by team” or “by hand”."),
        "invalid_choice": gettext_lazy("Choose “by team” or “by hand”."),
    })  # fmt: skip

    def __init__(self, *args: Any, members: list[Membership] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [
            (str(n), _("Group %(number)s") % {"number": n}) for n in range(1, MAX_GROUPS + 1)
        ]
        self.members = list(members)
        for membership in self.members:
            self.fields[member_field(membership.user_id)] = QuotedChoiceField(
                choices=choices, required=False,
                error_messages={"invalid_choice": _("Choose a group from 1 to %(count)s.")
                                % {"count": MAX_GROUPS}},
            )  # fmt: skip
        if not self.is_bound:
            self.initial.setdefault("count", MIN_GROUPS + 1)

    def by_hand(self) -> dict[int, int]:
        """user id → group number, for the members given one (the service asks for all)."""
        chosen = {}
        for membership in self.members:
            value = self.cleaned_data.get(member_field(membership.user_id))
            if value:
                chosen[membership.user_id] = int(value)
        return chosen


class GroupsPhaseForm(CappedForm):
    phase = QuotedChoiceField(choices=Phase.choices, error_messages={
        "required": gettext_lazy("Unknown phase."),
        "invalid_choice": gettext_lazy("Unknown phase."),
    })  # fmt: skip
