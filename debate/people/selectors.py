"""Who takes part in a debate and how: the roster, the participation export and API, and
each member's progress on the debate's tasks.

Every function here runs a fixed number of queries whatever the debate's size: one grouped
query per table (`values(user).annotate(Count…)`), assembled in memory.

What is counted (the README's "The roster and participation" says the same):
- claims: every claim the member wrote, hidden and withdrawn ones too (what they posted;
  the moderator's API list shows them all); `claims_hidden` counts those a moderator hid.
- rebuttals: their `con` claims under another team's claim (`ClaimNode.is_rebuttal`).
- edits: the sum of (version - 1) over their claims.
- evidence proposed (any status) / approved / rejected, by proposer.
- citations: those they added that stand, as the API's citation list shows them (not
  removed, citing approved visible evidence).
- votes: active (not withdrawn) votes; flags raised; poll answers (0 to 2).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Max, Q, Sum

from debate import permissions
from debate.arguments.models import Citation, Claim, Stance, Vote
from debate.audit.models import AuditEvent
from debate.debates.models import Debate, Membership, PollResponse, Role
from debate.grading.selectors import EMPTY_SUMMARY, grades_by_user
from debate.mapview import visibility
from debate.moderation.models import Flag
from debate.people.models import TARGET_FIELDS, TARGETS, Pseudonym, Targets, pseudonym_label
from debate.sources.models import Evidence, EvidenceStatus

COUNTERS = ["claims", "claims_hidden", "rebuttals", "edits", "evidence_proposed",
            "evidence_approved", "evidence_rejected", "citations", "votes", "flags",
            "poll_answers"]  # fmt: skip


@dataclass(frozen=True)
class Task:
    """One target and how far one participant is on it."""

    field: str
    label: str  # "claims"
    target: int
    count: int
    # people.models.TARGETS' progress line, its plural chosen by the target: "0 of 1 claim".
    wording: Any = ""

    @property
    def done(self) -> bool:
        return self.count >= self.target

    @property
    def progress(self) -> str:
        """"0 of 1 claim", "1 of 2 claims", in the reader's language."""
        if not self.wording:
            return f"{self.count}/{self.target} {self.label}"
        return self.wording % {"count": self.count, "target": self.target}


@dataclass
class Participant:
    membership_id: int  # the current membership, else the one that ended last
    user_id: int
    username: str
    role: str
    team_id: int | None
    team_name: str
    joined_at: datetime.datetime
    ended_at: datetime.datetime | None
    last_activity: datetime.datetime | None = None
    claims: int = 0
    claims_hidden: int = 0
    rebuttals: int = 0
    edits: int = 0
    evidence_proposed: int = 0
    evidence_approved: int = 0
    evidence_rejected: int = 0
    citations: int = 0
    votes: int = 0
    flags: int = 0
    poll_answers: int = 0
    tasks: list[Task] = field(default_factory=list)
    grade: str = ""
    grade_comment: str = ""
    grade_released: bool = False
    feedback_count: int = 0
    # In an anonymous debate: the name everyone else knows them by (moderators read both).
    pseudonym: str = ""

    @property
    def status(self) -> str:
        return "removed" if self.ended_at else "current"

    @property
    def role_display(self) -> str:
        return Role(self.role).label

    @property
    def has_posted(self) -> bool:
        return self.claims > 0

    @property
    def tasks_done(self) -> int:
        return sum(task.done for task in self.tasks)


# --- counting, one grouped query per table ----------------------------------------------------


def _by_user(rows: Iterable[dict], key: str) -> dict[int, dict]:
    return {row.pop(key): row for row in rows}


def rebuttal_q() -> Q:
    """`ClaimNode.is_rebuttal` for querysets: a con claim under another team's claim."""
    return Q(stance=Stance.CON, parent__team__isnull=False) & (
        Q(team__isnull=True) | ~Q(team_id=F("parent__team_id"))
    )


def _claim_counts(debate: Debate, users: Q) -> dict[int, dict]:
    rows = (
        Claim.objects.filter(users, debate=debate, author__isnull=False)
        .values("author_id")
        .annotate(
            claims=Count("id"),
            claims_hidden=Count("id", filter=Q(is_hidden=True)),
            rebuttals=Count("id", filter=rebuttal_q()),
            edits=Sum(F("version") - 1),
        )
        .order_by()
    )
    return _by_user(rows, "author_id")


def _evidence_counts(debate: Debate, users: Q) -> dict[int, dict]:
    rows = (
        Evidence.objects.filter(users, debate=debate, proposer__isnull=False)
        .values("proposer_id")
        .annotate(
            evidence_proposed=Count("id"),
            evidence_approved=Count("id", filter=Q(status=EvidenceStatus.APPROVED)),
            evidence_rejected=Count("id", filter=Q(status=EvidenceStatus.REJECTED)),
        )
        .order_by()
    )
    return _by_user(rows, "proposer_id")


MODERATOR_VIEW = visibility.Audience(moderator=True)


def _citation_counts(debate: Debate, users: Q) -> dict[int, dict]:
    rows = (
        Citation.objects.filter(
            visibility.citation_q(MODERATOR_VIEW), users, claim__debate=debate,
            created_by__isnull=False,
        )
        .values("created_by_id")
        .annotate(citations=Count("id"))
        .order_by()
    )  # fmt: skip
    return _by_user(rows, "created_by_id")


def _vote_counts(debate: Debate, users: Q) -> dict[int, dict]:
    rows = (
        Vote.objects.active()
        .filter(users, claim__debate=debate)
        .values("user_id")
        .annotate(votes=Count("id"))
        .order_by()
    )
    return _by_user(rows, "user_id")


def _flag_counts(debate: Debate, users: Q) -> dict[int, dict]:
    rows = (
        Flag.objects.filter(users, debate=debate, reporter__isnull=False)
        .values("reporter_id")
        .annotate(flags=Count("id"))
        .order_by()
    )
    return _by_user(rows, "reporter_id")


def _poll_counts(debate: Debate, users: Q) -> dict[int, dict]:
    rows = (
        PollResponse.objects.filter(users, debate=debate)
        .values("user_id")
        .annotate(poll_answers=Count("id"))
        .order_by()
    )
    return _by_user(rows, "user_id")


def _last_activity(debate: Debate, users: Q) -> dict[int, dict]:
    rows = (
        AuditEvent.objects.filter(users, debate=debate, actor__isnull=False)
        .values("actor_id")
        .annotate(last_activity=Max("created_at"))
        .order_by()
    )
    return _by_user(rows, "actor_id")


# Each counter: the query that fills it, and the name of its user column (for one user).
_COUNTS = {
    "claims": (_claim_counts, "author_id"),
    "evidence": (_evidence_counts, "proposer_id"),
    "citations": (_citation_counts, "created_by_id"),
    "votes": (_vote_counts, "user_id"),
    "flags": (_flag_counts, "reporter_id"),
    "polls": (_poll_counts, "user_id"),
    "activity": (_last_activity, "actor_id"),
}
# Which query a task's counter comes from.
_TASK_SOURCE = {"claims": "claims", "rebuttals": "claims", "evidence_approved": "evidence",
                "votes": "votes", "citations": "citations"}  # fmt: skip


def _counted(debate: Debate, kinds: Iterable[str], user_id: int | None = None) -> dict[int, dict]:
    """Counters per user id from the queries `kinds` (all users, or only `user_id`)."""
    merged: dict[int, dict] = {}
    for kind in kinds:
        query, column = _COUNTS[kind]
        users = Q(**{column: user_id}) if user_id is not None else Q()
        for uid, values in query(debate, users).items():
            merged.setdefault(uid, {}).update(values)
    return merged


def debate_targets(debate: Debate) -> Targets | None:
    return Targets.objects.filter(debate=debate).first()


def target_values(targets: Targets | None) -> dict[str, int]:
    """Each target's number, 0 where none is set: the tasks form's values, the API's body."""
    return {name: getattr(targets, name) if targets else 0 for name in TARGET_FIELDS}


def _tasks(targets: Targets | None, counts: dict) -> list[Task]:
    if targets is None:
        return []
    return [
        Task(
            field=name,
            label=str(label),
            wording=wording,
            target=getattr(targets, name),
            count=counts.get(key) or 0,
        )
        for name, key, label, _form_label, wording in TARGETS
        if getattr(targets, name)
    ]


# --- the roster -----------------------------------------------------------------------------


def _memberships(debate: Debate) -> list[Membership]:
    """One membership per user: the current one, else the one that ended last (a member
    removed and invited back shows once, as current)."""
    rows = (
        Membership.all_objects.filter(debate=debate)
        .select_related("user", "team")
        .order_by("user_id", F("ended_at").desc(nulls_first=True), "-id")
    )
    chosen: dict[int, Membership] = {}
    for membership in rows:
        chosen.setdefault(membership.user_id, membership)
    return list(chosen.values())


def participation(debate: Debate) -> list[Participant]:
    """Everyone who takes or took part in `debate` (moderators too), with their counts, tasks
    and grade, ordered by username; in 12 queries whatever the number of people or rows (13
    in an anonymous debate: the pseudonyms)."""
    # The roster is the moderators': usernames, and pseudonyms beside them when anonymous.
    names = visibility.names_for(MODERATOR_VIEW, debate)
    memberships = _memberships(debate)
    counts = _counted(debate, _COUNTS)
    targets = debate_targets(debate)
    grades = grades_by_user(debate)
    people = []
    for membership in memberships:
        mine = counts.get(membership.user_id, {})
        grade = grades.get(membership.user_id, EMPTY_SUMMARY)
        person = Participant(
            membership_id=membership.pk, user_id=membership.user_id,
            username=membership.user.username, role=membership.role,
            team_id=membership.team_id, team_name=membership.team.name if membership.team else "",
            joined_at=membership.joined_at, ended_at=membership.ended_at,
            last_activity=mine.get("last_activity"),
            **{name: mine.get(name) or 0 for name in COUNTERS},
            tasks=[] if membership.role == Role.MODERATOR else _tasks(targets, mine),
            grade=grade.value, grade_comment=grade.comment, grade_released=grade.released,
            feedback_count=grade.feedback_count,
            pseudonym=names.pseudonym(membership.user_id) or "",
        )  # fmt: skip
        people.append(person)
    people.sort(key=lambda p: (p.username.casefold(), p.user_id))
    return people


# --- one member's progress ----------------------------------------------------------------------


@dataclass(frozen=True)
class TaskProgress:
    tasks: list[Task]

    @property
    def done(self) -> int:
        return sum(task.done for task in self.tasks)


def task_progress(debate: Debate, user: Any) -> TaskProgress | None:
    """The signed-in member's progress on the debate's tasks (debaters and observers), or
    None when there is nothing to show: at most 1 + 4 queries, whatever the debate's size."""
    membership = permissions.membership_of(user, debate)
    if membership is None or membership.role == Role.MODERATOR:
        return None
    targets = debate_targets(debate)
    if targets is None or not targets.any_set:
        return None
    needed = {_TASK_SOURCE[key] for name, key, *_ in TARGETS if getattr(targets, name)}
    counts = _counted(debate, sorted(needed), user_id=user.pk).get(user.pk, {})
    return TaskProgress(tasks=_tasks(targets, counts))


def own_pseudonym(debate: Debate, user: Any, known: str | None = None) -> str | None:
    """The pseudonym `user` goes by in `debate`, for their own eyes only ("You appear here as
    Participant 7"): None outside anonymous debates and for visitors. `known`: the one the
    map of this version holds (DebateMap.pseudonym_of, no query); else 1 query (someone who
    joined after the map's version)."""
    if not debate.anonymous or not getattr(user, "is_authenticated", False):
        return None
    if known is not None:
        return known
    number = (
        Pseudonym.objects.filter(debate=debate, user=user).values_list("number", flat=True).first()
    )
    return pseudonym_label(number) if number is not None else None
