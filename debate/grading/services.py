"""Grades, feedback and their release. Moderators only, in every phase (permissions.can_grade).

Grades and feedback are private to moderators until `release`. Release rules:

- scope "grades": each student sees their own grade and comment, and all the feedback on the
  claims they wrote (whatever its audience);
- scope "feedback_everyone": feedback whose audience is "everyone" also shows on the claim's
  thread page to everyone who may see the claim (its author sees it too).

A release covers what exists when it runs. A grade or feedback changed after its release
stays released and shows updated (the teacher corrects a typo without a second release);
a grade or feedback created after a release waits for the next one. Nothing is deleted:
removing feedback hides it, from everyone but the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from debate import permissions
from debate.activity.services import notice_many
from debate.arguments.models import Claim
from debate.audit.services import audit_record, debate_lock, model_state, rate_check
from debate.debates.models import Debate, Membership, Role
from debate.errors import InvalidInput, NotAllowed
from debate.grading.models import (
    DEFAULT_LETTERS,
    Audience,
    Feedback,
    Grade,
    GradeScale,
    ScaleKind,
)

GRADE_FIELDS = ["user", "value", "comment", "released_at"]
FEEDBACK_FIELDS = ["claim", "text", "audience", "is_hidden", "released_at", "shared_at"]
SCALE_FIELDS = ["kind", "max_points", "letters"]
COMMENT_MAX = 4000
FEEDBACK_MAX = 4000
POINTS_MAX = 1000
LETTERS_MAX = 12
LETTER_LENGTH = 8
RELEASE_SCOPES = ("grades", "feedback_everyone")


def _text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    if not isinstance(value, str) or "\x00" in value or len(value) > limit:
        raise InvalidInput(_("Text of at most %(limit)s characters.")
                           % {"limit": number_format(limit, force_grouping=True)},
                           field=field)  # fmt: skip
    value = value.strip()
    if required and not value:
        raise InvalidInput(_("Write something first."), field=field)
    return value


def _require_grader(actor: Any, debate: Debate) -> None:
    permissions.require(
        permissions.can_grade(actor, debate), _("Only moderators grade and give feedback.")
    )


def scale_of(debate: Debate) -> GradeScale:
    """The debate's scale, created (letters A–F) on first use."""
    scale, _created = GradeScale.objects.get_or_create(debate=debate)
    return scale


def _participant(debate: Debate, user_id: int) -> Membership:
    membership = Membership.objects.filter(debate=debate, user_id=user_id).first()
    if membership is None or membership.role == Role.MODERATOR:
        # Moderators grade; they are not graded (the grading pages do not list them).
        raise InvalidInput(_("That person does not take part in this debate."), field="user")
    return membership


@transaction.atomic
def scale_set(
    *, actor: Any, debate: Debate, kind: Any, max_points: Any = 100, letters: Any = None
) -> GradeScale:
    """Choose points (0..max_points) or letters (best first). Refused once a grade is set
    that the new scale would not allow: no grade silently becomes invalid."""
    debate = debate_lock(debate)
    _require_grader(actor, debate)
    rate_check(actor, "manage")
    if kind not in ScaleKind.values:
        raise InvalidInput(_("Choose points or letters."), field="kind")
    scale = scale_of(debate)
    before = model_state(scale, SCALE_FIELDS)
    scale.kind = kind
    if kind == ScaleKind.POINTS:
        if not isinstance(max_points, int) or not 1 <= max_points <= POINTS_MAX:
            raise InvalidInput(_("The maximum is a whole number from 1 to %(max)s.")
                               % {"max": POINTS_MAX}, field="max_points")  # fmt: skip
        scale.max_points = max_points
    else:
        letters = _letters(letters)
        scale.letters = letters
    allowed = set(scale.choices())
    stranded = (
        Grade.objects.filter(debate=debate).exclude(value="").exclude(value__in=allowed).count()
    )
    if stranded:
        raise InvalidInput(
            ngettext("%(count)s grade would not fit the new scale: change it first.",
                     "%(count)s grades would not fit the new scale: change them first.",
                     stranded) % {"count": stranded},
            field="kind",
        )
    scale.save()
    audit_record(actor=actor, debate=debate, action="grade_scale.set", obj=scale,
                 before=before, after=model_state(scale, SCALE_FIELDS))  # fmt: skip
    return scale


def _letters(letters: Any) -> list[str]:
    if letters is None or letters == "":
        return list(DEFAULT_LETTERS)
    if isinstance(letters, str):
        letters = [part.strip() for part in letters.split(",")]
    if not isinstance(letters, list) or not all(isinstance(x, str) for x in letters):
        raise InvalidInput(_("Letters are separated by commas, best first."), field="letters")
    letters = [x.strip() for x in letters if x.strip()]
    if not 2 <= len(letters) <= LETTERS_MAX or len(set(letters)) != len(letters):
        raise InvalidInput(_("Give 2 to %(max)s different letters, best first.")
                           % {"max": LETTERS_MAX}, field="letters")  # fmt: skip
    if any(len(x) > LETTER_LENGTH or "\x00" in x for x in letters):
        raise InvalidInput(_("Each letter is at most %(max)s characters (A, B+, Pass, …).")
                           % {"max": LETTER_LENGTH}, field="letters")  # fmt: skip
    return letters


@transaction.atomic
def grade_set(*, actor: Any, debate: Debate, user_id: int, value: Any, comment: Any) -> Grade:
    """Set (or clear, with "") a participant's overall grade and comment. Audited before/after."""
    debate = debate_lock(debate)
    _require_grader(actor, debate)
    rate_check(actor, "manage")
    _participant(debate, user_id)
    scale = scale_of(debate)
    value = _text(value, "value", 16)
    if value and value not in scale.choices():
        # Translators: %(scale)s is "0–100 points" or a list of letters "A, B, C".
        raise InvalidInput(_("A grade on this debate's scale: %(scale)s.")
                           % {"scale": scale.describe()}, field="value")  # fmt: skip
    comment = _text(comment, "comment", COMMENT_MAX)
    grade = Grade.objects.select_for_update().filter(debate=debate, user_id=user_id).first()
    before = model_state(grade, GRADE_FIELDS) if grade else None
    if grade is None:
        grade = Grade(debate=debate, user_id=user_id)
    grade.value, grade.comment, grade.updated_by = value, comment, actor
    grade.save()
    audit_record(actor=actor, debate=debate, action="grade.set", obj=grade, before=before,
                 after=model_state(grade, GRADE_FIELDS))  # fmt: skip
    return grade


@transaction.atomic
def feedback_set(
    *, actor: Any, claim: Claim, text: Any, audience: Any, feedback: Feedback | None = None
) -> Feedback:
    """Write feedback on a claim, or change `feedback` (the same claim's)."""
    debate = debate_lock(claim.debate)
    _require_grader(actor, debate)
    rate_check(actor, "manage")
    if audience not in Audience.values:
        raise InvalidInput(_("Choose who may read it once released."), field="audience")
    text = _text(text, "text", FEEDBACK_MAX, required=True)
    before = None
    if feedback is None:
        # A double click or a re-sent form: the same note is there already (the debate's lock
        # makes the second wait for the first), so it is not written twice.
        same = Feedback.objects.filter(claim=claim, is_hidden=False, text=text, audience=audience)
        if (existing := same.first()) is not None:
            return existing
        feedback = Feedback(debate=debate, claim=claim, author=actor, student_id=claim.author_id)
    else:
        feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if feedback.claim_id != claim.pk or feedback.is_hidden:
            raise NotAllowed(_("That feedback is not on this claim any more."))
        before = model_state(feedback, FEEDBACK_FIELDS)
    feedback.text, feedback.audience = text, audience
    if audience != Audience.EVERYONE:
        feedback.shared_at = None  # narrowed: it no longer shows to everyone
    feedback.save()
    audit_record(actor=actor, debate=debate, action="feedback.set", obj=feedback, before=before,
                 after=model_state(feedback, FEEDBACK_FIELDS))  # fmt: skip
    return feedback


@transaction.atomic
def feedback_remove(*, actor: Any, feedback: Feedback) -> Feedback:
    """Hide feedback from everyone (moderators keep it in the audit trail)."""
    debate = debate_lock(feedback.debate)
    _require_grader(actor, debate)
    rate_check(actor, "manage")
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.is_hidden:
        return feedback
    before = model_state(feedback, FEEDBACK_FIELDS)
    feedback.is_hidden = True
    feedback.save(update_fields=["is_hidden", "updated_at"])
    audit_record(actor=actor, debate=debate, action="feedback.remove", obj=feedback,
                 before=before, after=model_state(feedback, FEEDBACK_FIELDS))  # fmt: skip
    return feedback


@transaction.atomic
def release(*, actor: Any, debate: Debate, scopes: Any) -> dict[str, int]:
    """Release what waits, in the given scopes; one notice per student who gets something.

    Returns how many grades and feedback were released and students notified."""
    debate = debate_lock(debate)
    _require_grader(actor, debate)
    rate_check(actor, "manage")
    scopes = list(scopes or [])
    if not scopes or any(scope not in RELEASE_SCOPES for scope in scopes):
        raise InvalidInput(_("Choose what to release: grades, or feedback to everyone."),
                           field="scope")  # fmt: skip
    now = timezone.now()
    students: set[int] = set()
    grades = feedback = 0
    pending_feedback = Feedback.objects.filter(debate=debate, is_hidden=False)
    if "grades" in scopes:
        waiting = Grade.objects.filter(debate=debate, released_at__isnull=True)
        waiting = waiting.exclude(value="", comment="")
        students |= set(waiting.values_list("user_id", flat=True))
        grades = waiting.update(released_at=now)
        to_authors = pending_feedback.filter(released_at__isnull=True)
        students |= set(to_authors.values_list("student_id", flat=True))
        feedback += to_authors.update(released_at=now)
    if "feedback_everyone" in scopes:
        shared = pending_feedback.filter(audience=Audience.EVERYONE, shared_at__isnull=True)
        students |= set(
            shared.filter(released_at__isnull=True).values_list("student_id", flat=True)
        )
        # Shown to everyone is shown to its author too.
        shared.filter(released_at__isnull=True).update(released_at=now)
        feedback += shared.update(shared_at=now)
    students.discard(None)
    audit_record(
        actor=actor, debate=debate, action="grades.release", obj=scale_of(debate), before=None,
        after={"scopes": scopes, "grades": grades, "feedback": feedback,
               "students": len(students)},
    )  # fmt: skip
    url = f"{reverse('debate', args=[debate.slug])}#my-grade"
    notified = notice_many(  # a removed member gets no notice, so is not counted
        user_ids=students, actor=actor, debate=debate, kind="grade.released",
        params={}, url=url,
    )  # fmt: skip
    return {"grades": grades, "feedback": feedback, "students": notified}
