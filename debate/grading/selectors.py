"""Read-side queries for grades and feedback. Every function runs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Count, DateTimeField, F, IntegerField, Value

from debate import permissions
from debate.arguments.models import Citation, Claim, Vote
from debate.debates.models import Membership, Role
from debate.grading.models import Audience, Feedback, Grade
from debate.sources.models import Evidence


@dataclass(frozen=True)
class GradeSummary:
    """One participant's grading state, for the roster, the CSV and the grading index."""

    value: str  # "" if not graded yet
    comment: str
    released: bool
    feedback_count: int  # visible (not removed) feedback on the claims they wrote


EMPTY_SUMMARY = GradeSummary(value="", comment="", released=False, feedback_count=0)


def grades_by_user(debate) -> dict[int, GradeSummary]:
    """Grade and feedback count per user id, for everyone graded or given feedback (2 queries).

    Users with neither are absent: callers use ``.get(user_id, EMPTY_SUMMARY)``.
    """
    grades = {
        row["user_id"]: row
        for row in Grade.objects.filter(debate=debate).values(
            "user_id", "value", "comment", "released_at"
        )
    }
    counts = dict(
        Feedback.objects.filter(debate=debate, is_hidden=False, student__isnull=False)
        .values("student_id")
        .annotate(n=Count("id"))
        .values_list("student_id", "n")
    )
    summaries: dict[int, GradeSummary] = {}
    for user_id in grades.keys() | counts.keys():
        row = grades.get(user_id)
        summaries[user_id] = GradeSummary(
            value=row["value"] if row else "",
            comment=row["comment"] if row else "",
            released=bool(row and row["released_at"]),
            feedback_count=counts.get(user_id, 0),
        )
    return summaries


# --- the grading screens (moderators) ------------------------------------------------------


@dataclass(frozen=True)
class Participant:
    user_id: int
    username: str
    role: str
    role_label: str
    team: str


def participants(debate) -> list[Participant]:
    """Everyone graded: current debaters first, then observers, by team and name (1 query)."""
    rows = (
        Membership.objects.filter(debate=debate)
        .exclude(role=Role.MODERATOR)
        .select_related("user", "team")
        .order_by("user__username", "id")
    )
    people = [
        Participant(user_id=m.user_id, username=m.user.username, role=m.role,
                    role_label=m.get_role_display(), team=m.team.name if m.team else "")
        for m in rows
    ]  # fmt: skip
    order = {Role.DEBATER: 0, Role.OBSERVER: 1}
    return sorted(people, key=lambda p: (order.get(p.role, 2), p.team.casefold(),
                                         p.username.casefold()))  # fmt: skip


@dataclass(frozen=True)
class PersonWork:
    """What one participant did in the debate, for their grader (a fixed 6 queries)."""

    claims: list
    evidence: list
    citations: list
    votes: list
    feedback: dict[int, list]  # claim id -> visible feedback, oldest first
    grade: Grade | None


def person_work(debate, user_id: int) -> PersonWork:
    claims = list(
        Claim.objects.filter(debate=debate, author_id=user_id).select_related("position", "parent")
    )
    feedback: dict[int, list] = {}
    rows = Feedback.objects.filter(debate=debate, student_id=user_id, is_hidden=False)
    for row in rows.select_related("author"):
        feedback.setdefault(row.claim_id, []).append(row)
    return PersonWork(
        claims=claims,
        evidence=list(
            Evidence.objects.filter(debate=debate, proposer_id=user_id).select_related("source")
        ),
        citations=list(
            Citation.objects.filter(claim__debate=debate, created_by_id=user_id)
            .select_related("claim", "evidence")
            .order_by("id")
        ),
        votes=list(
            Vote.objects.filter(claim__debate=debate, user_id=user_id, is_withdrawn=False)
            .select_related("claim")
            .order_by("claim_id")
        ),
        feedback=feedback,
        grade=Grade.objects.filter(debate=debate, user_id=user_id).first(),
    )


# --- what a student and a claim's readers see ----------------------------------------------


@dataclass(frozen=True)
class MyFeedback:
    id: int
    claim_id: int
    text: str
    audience: str
    released_at: object
    shared_at: object


@dataclass(frozen=True)
class MyGrade:
    """A student's released grade and the released feedback on their claims."""

    value: str
    comment: str
    feedback: list[MyFeedback]  # oldest first

    @property
    def empty(self) -> bool:
        return not (self.value or self.comment or self.feedback)


def my_released(debate, user) -> MyGrade | None:
    """The viewer's own released grade and feedback, in ONE query (a UNION of their grade and
    their feedback rows, neither joined to the claims): every signed-in reader of the debate
    page pays it. None when signed out, and when nothing is released to them."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return None
    text, none = CharField(), Value(None, output_field=DateTimeField())
    # `.order_by()` on both parts: their Meta orders by id, and SQLite (`make run`) refuses
    # an ORDER BY inside a UNION's parts. The rows are sorted below anyway.
    grade = (
        Grade.objects.filter(debate=debate, user_id=user.pk, released_at__isnull=False)
        .order_by()
        .annotate(
            kind=Value("grade", output_field=text),
            row=F("id"),
            on_claim=Value(0, output_field=IntegerField()),
            first=F("value"),
            second=F("comment"),
            at=F("released_at"),
            shared=none,
        )
        .values_list("kind", "row", "on_claim", "first", "second", "at", "shared")
    )
    feedback = (
        Feedback.objects.filter(
            debate=debate, student_id=user.pk, is_hidden=False, released_at__isnull=False
        )
        .order_by()
        .annotate(
            kind=Value("feedback", output_field=text),
            row=F("id"),
            on_claim=F("claim_id"),
            first=F("text"),
            second=F("audience"),
            at=F("released_at"),
            shared=F("shared_at"),
        )
        .values_list("kind", "row", "on_claim", "first", "second", "at", "shared")
    )
    value = comment = ""
    notes: list[MyFeedback] = []
    for kind, row, claim, first, second, at, shared in sorted(
        grade.union(feedback, all=True), key=lambda r: (r[0], r[1])
    ):
        if kind == "grade":
            value, comment = first, second
        else:
            notes.append(MyFeedback(row, claim, first, second, at, shared))
    mine = MyGrade(value=value, comment=comment, feedback=notes)
    return None if mine.empty else mine


def claim_feedback(debate, claim, user) -> list:
    """The feedback on one claim that `user` may read on its thread page (at most 1 query):
    moderators all of it (marked when unreleased); the author what was released to them;
    anyone else what was released to everyone. Never on a placeholder of a hidden claim."""
    moderator = permissions.can_view_grades(user, debate)
    if not moderator and not getattr(claim, "is_visible", True):
        return []
    rows = Feedback.objects.filter(debate=debate, claim_id=claim.id, is_hidden=False)
    if moderator:
        return list(rows)
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    if user_id is not None and user_id == claim.author_id:
        return list(rows.filter(released_at__isnull=False))
    return list(rows.filter(audience=Audience.EVERYONE, shared_at__isnull=False))


# --- the API's grades list -----------------------------------------------------------------


def _feedback_row(row: Feedback) -> dict:
    return {"id": row.pk, "claim_id": row.claim_id, "text": row.text, "audience": row.audience,
            "released_at": row.released_at, "shared_at": row.shared_at}  # fmt: skip


def grades_for(debate, user) -> list[dict] | None:
    """The grades `user` may read, as the API lists them (3 queries at most): moderators
    everyone's (released or not, with all feedback); a participant their own, once released;
    anyone else None (refused)."""
    if permissions.can_view_grades(user, debate):
        people = participants(debate)
        grades = {g.user_id: g for g in Grade.objects.filter(debate=debate)}
        feedback: dict[int, list] = {}
        for row in Feedback.objects.filter(debate=debate, is_hidden=False):
            feedback.setdefault(row.student_id, []).append(_feedback_row(row))
        return [_grade_row(p.user_id, p.username, grades.get(p.user_id),
                           feedback.get(p.user_id, [])) for p in people]  # fmt: skip
    if permissions.membership_of(user, debate) is None:
        return None
    mine = my_released(debate, user)
    if mine is None:
        return []
    grade = Grade.objects.filter(debate=debate, user_id=user.pk, released_at__isnull=False).first()
    return [_grade_row(user.pk, user.username, grade, [vars(f) for f in mine.feedback])]


def _grade_row(user_id: int, username: str, grade: Grade | None, feedback: list) -> dict:
    return {
        "user_id": user_id, "username": username,
        "value": grade.value if grade else "", "comment": grade.comment if grade else "",
        "released_at": grade.released_at if grade else None,
        "updated_at": grade.updated_at if grade else None,
        "feedback": feedback,
    }  # fmt: skip
