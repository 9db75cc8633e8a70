"""Small groups: split one debate into N group debates, and move them through the phases.

A split copies the parent's set-up into each group (debates.services.clone_into: positions,
teams with new invite codes, sources, approved evidence), gives every group the parent's
settings and phase, and deals the parent's members out: moderators moderate every group,
debaters and observers go to one group each. Each group is then a debate of its own (its
own map, votes, snapshots); the parent stays as it was, with its map, and points to them
through `Debate.group_of`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from debate import permissions
from debate.activity.services import notice_many
from debate.audit.services import audit_record, counted_as, debate_lock
from debate.debates import services as debate_services
from debate.debates.models import PHASE_ORDER, Debate, Membership, Role, Team
from debate.errors import InvalidInput, NotAllowed, ServiceError

MIN_GROUPS = 2
MAX_GROUPS = 12
ASSIGNMENTS = ("team", "hand")

# Refusals in English; each is translated when it is raised (`_(A_GROUP)`).
COUNT_RANGE = gettext_noop("Split into %(min)s to %(max)s groups.")
ALREADY_SPLIT = gettext_noop("This debate was split into groups already: one split per debate.")
A_GROUP = gettext_noop(
    "This debate is a small group itself: split the debate it came from instead."
)


def _count_range() -> str:
    return _(COUNT_RANGE) % {"min": MIN_GROUPS, "max": MAX_GROUPS}


# Every slug `group_slug` can make starts with the parent's first SLUG_STEM characters (80
# less the longest "-g12", a "-99999" tail and a dash cut off) and ends "-g<n>" or
# "-g<n>-<k>": what `_make_groups` asks the database for, in one query.
SLUG_STEM = 69
GROUP_SLUG_END = r"-g[0-9]+(-[0-9]+)?$"


def group_slug(slug: str, number: int, taken: set[str]) -> str:
    """`<slug>-g<number>`, within the 80 characters of a slug, with `-2`, `-3`, ... added
    when another debate has that slug already. The parent's slug is what gets cut, never
    the "-g<number>" (a long slug's groups would otherwise lose their number, and two of
    them compete for one slug). A cut ending on a dash loses it: "--g1" is no slug the
    debate would keep (slugify makes it "-g1", perhaps taken)."""
    suffix, tail, extra = f"-g{number}", "", 2
    candidate = f"{slug[: 80 - len(suffix)].rstrip('-')}{suffix}"
    while candidate in taken:
        tail = f"-{extra}"
        candidate = f"{slug[: 80 - len(suffix) - len(tail)].rstrip('-')}{suffix}{tail}"
        extra += 1
    return candidate


def group_label(number: int) -> str:
    """"Group 3", in the reader's language."""
    return _("Group %(number)s") % {"number": number}


def group_title(title: str, number: int) -> str:
    """The group debate's title, stored: in the language of the moderator who splits."""
    suffix = f" — {group_label(number)}"
    return f"{title[: 200 - len(suffix)]}{suffix}"


def split_refusal(
    actor: Any, debate: Debate, *, has_groups: bool | None = None
) -> ServiceError | None:
    """Why `actor` may not split `debate` now (the error a split would raise), or None: the
    one place these rules live, for the service and for the pages that offer the form.
    `has_groups`: whether the debate has groups, when the caller knows (else 1 query)."""
    try:
        permissions.require_open(debate)
    except NotAllowed as closed:
        return closed
    if not permissions.can_split(actor, debate):
        return NotAllowed(_("Only the debate's moderators split it into groups."))
    if debate.group_of_id is not None:
        return InvalidInput(_(A_GROUP), field="count")
    if has_groups is None:
        has_groups = Debate.objects.filter(group_of=debate).exists()
    if has_groups:
        return InvalidInput(_(ALREADY_SPLIT), field="count")
    return None


def _check_split(actor: Any, debate: Debate, count: Any, assignment: str) -> int:
    """The rules of a split, read under the parent's lock; the count as an int."""
    if refusal := split_refusal(actor, debate):
        raise refusal
    if isinstance(count, bool) or not isinstance(count, int):
        raise InvalidInput(_count_range(), field="count")
    if not MIN_GROUPS <= count <= MAX_GROUPS:
        raise InvalidInput(_count_range(), field="count")
    if assignment not in ASSIGNMENTS:
        raise InvalidInput(_("Choose “by team” or “by hand”."), field="assignment")
    return count


def _by_team(members: list[Membership], count: int) -> dict[int, int]:
    """user id → group number for debaters and observers: within each team (observers are
    one more "team"), members in membership order are dealt round-robin over the groups, so
    each team's share of a group differs by at most one. The deal starts where the previous
    team's ended, so the groups that get one more member differ from team to team."""
    teams: dict[int | None, list[Membership]] = defaultdict(list)
    for membership in members:
        teams[membership.team_id].append(membership)
    assigned, start = {}, 0
    for team_id in sorted(teams, key=lambda t: (t is None, t or 0)):
        for i, membership in enumerate(sorted(teams[team_id], key=lambda m: m.pk)):
            assigned[membership.user_id] = (start + i) % count + 1
        start = (start + len(teams[team_id])) % count
    return assigned


def _by_hand(members: list[Membership], count: int, by_hand: Any) -> dict[int, int]:
    """The moderator's choice for every debater and observer, checked: all of them, each
    with a group 1..count, nobody else."""
    if not isinstance(by_hand, dict):
        raise InvalidInput(_("Choose a group for every member."), field="by_hand")
    errors: dict[str, list[str]] = {}
    assigned = {}
    for membership in members:
        number = by_hand.get(membership.user_id)
        field = f"member-{membership.user_id}"
        if number is None:
            errors[field] = [_("Choose a group for this member.")]
        elif isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= count:
            errors[field] = [_("Choose a group from 1 to %(count)s.") % {"count": count}]
        else:
            assigned[membership.user_id] = number
    strangers = set(by_hand) - {m.user_id for m in members}
    if strangers:
        errors["by_hand"] = [_("Only current debaters and observers are given a group.")]
    if errors:
        raise InvalidInput(
            _("Choose a group for every member."), field=next(iter(errors)), errors=errors
        )
    return assigned


@transaction.atomic
def debate_split(
    *,
    actor: Any,
    debate: Debate,
    count: int,
    assignment: str = "team",
    by_hand: dict[int, int] | None = None,
) -> list[Debate]:
    """Split `debate` into `count` group debates (moderators, while open; once per debate).
    Under the parent's lock, so two splits at once make one set of groups (the second is
    refused as a split already made); one `manage` write, however much it copies."""
    with counted_as(actor, "manage"):
        debate = debate_lock(debate)
        count = _check_split(actor, debate, count, assignment)
        current = list(
            Membership.objects.filter(debate=debate).select_related("user").order_by("id")
        )
        moderators = [m for m in current if m.role == Role.MODERATOR]
        members = [m for m in current if m.role != Role.MODERATOR]
        if assignment == "team":
            assigned = _by_team(members, count)
        else:
            assigned = _by_hand(members, count, by_hand)
        groups = _make_groups(actor, debate, count)
        _fill_groups(actor, groups, moderators, members, assigned)
        audit_record(
            actor=actor, debate=debate, action="debate.split", obj=debate, before=None,
            after={"count": count, "assignment": assignment,
                   "groups": [group.slug for group in groups]},
        )  # fmt: skip
        return groups


def _make_groups(actor: Any, debate: Debate, count: int) -> list[Debate]:
    """The group debates, each a clone of the parent with its settings and phase."""
    taken = set(
        Debate.objects.filter(slug__startswith=debate.slug[:SLUG_STEM],
                              slug__regex=GROUP_SLUG_END)
        .values_list("slug", flat=True)
    )  # fmt: skip
    groups = []
    for number in range(1, count + 1):
        slug = group_slug(debate.slug, number, taken)
        taken.add(slug)
        group = debate_services.clone_into(
            actor=actor, debate=debate, title=group_title(debate.title, number), slug=slug,
            creator=permissions.SYSTEM, phase=debate.phase,
        )  # fmt: skip
        # What the clone does not copy: the place in the split, and anonymous mode (switched
        # on through its service, audited in the group, before any member is added).
        Debate.objects.filter(pk=group.pk).update(group_of=debate, group_number=number)
        group.group_of, group.group_number = debate, number
        if debate.anonymous:
            group = debate_services.debate_anonymity_set(actor=actor, debate=group, anonymous=True)
        groups.append(group)
    return groups


def _fill_groups(
    actor: Any, groups: list[Debate], moderators: list[Membership], members: list[Membership],
    assigned: dict[int, int],
) -> None:  # fmt: skip
    """Every moderator into every group, every other member into theirs: per group one
    `memberships_split_in` (its rules, pseudonyms, one audit event in the group), so a split
    costs the same few queries per group whatever the number of members."""
    teams: dict[tuple[int, str], Team] = {
        (team.debate_id, team.name): team
        for team in Team.objects.filter(debate__in=[g.pk for g in groups])
    }
    names = dict(Team.objects.filter(debate_id=groups[0].group_of_id).values_list("id", "name"))
    joining: dict[int, list[tuple[Any, str, Team | None]]] = {
        group.group_number: [
            (membership.user, Role.MODERATOR, None) for membership in moderators
            if membership.user_id != getattr(actor, "pk", None)  # the clone made them one
        ]
        for group in groups
    }  # fmt: skip
    by_number = {group.group_number: group for group in groups}
    for membership in members:
        number = assigned[membership.user_id]
        team = teams.get((by_number[number].pk, names.get(membership.team_id, "")))
        joining[number].append(
            (membership.user, membership.role, team if membership.role == Role.DEBATER else None)
        )
    for group in groups:
        if joining[group.group_number]:
            debate_services.memberships_split_in(
                actor=actor, debate=group, members=joining[group.group_number]
            )
            _tell_placed(actor, group, joining[group.group_number])
    permissions.forget_memberships(actor)


def _tell_placed(actor: Any, group: Debate, joining: list[tuple[Any, str, Team | None]]) -> None:
    """Each student placed in `group` is told where they argue now (2 queries per group):
    the parent's page no longer takes their claims, and they would not find the group."""
    notice_many(
        user_ids=[user.pk for user, role, _ in joining if role != Role.MODERATOR],
        actor=actor, debate=group, kind="group.placed",
        params={"group": group.group_number},
        url=reverse("debate", args=[group.slug]),
    )  # fmt: skip


@transaction.atomic
def groups_phase_change(*, actor: Any, debate: Debate, phase: str) -> list[Debate]:
    """Move every group of `debate` to `phase` at once: all of them or none (one
    transaction), one `manage` write. Each group's own phase control stays on its page."""
    if phase not in PHASE_ORDER:
        raise InvalidInput(_("Unknown phase."), field="phase")
    with counted_as(actor, "manage"):
        debate = debate_lock(debate)
        permissions.require(
            permissions.can_change_phase(actor, debate),
            _("Only the debate's moderators move its groups."),
        )
        groups = list(Debate.objects.filter(group_of=debate).order_by("group_number"))
        if not groups:
            raise InvalidInput(_("This debate has no groups."), field="phase")
        # Each group's moderators may have changed since the split (one query for all): say
        # which groups are in the way rather than fail on the first with a general refusal.
        permissions.forget_memberships(actor)  # read afresh, under the lock
        permissions.memberships_load(actor, groups)
        allowed = {g.pk for g in groups if permissions.can_change_phase(actor, g)}
        if stray := [group_label(g.group_number) for g in groups if g.pk not in allowed]:
            raise NotAllowed(
                # Translators: %(groups)s lists groups: "Group 2, Group 5".
                _("You no longer moderate %(groups)s, so no group was moved: ask its "
                  "moderators, or move the other groups from their own pages.")
                % {"groups": ", ".join(stray)}
            )
        return [
            debate_services.phase_change(actor=actor, debate=group, phase=phase) for group in groups
        ]
