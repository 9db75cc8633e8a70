import pytest

from debate.activity.models import Notice
from debate.audit.models import AuditEvent
from debate.debates.models import Phase
from debate.errors import InvalidInput, NotAllowed
from debate.grading import services
from debate.grading.models import Feedback, Grade, GradeScale


def test_moderator_sets_a_grade_and_it_is_audited_with_before_and_after(
    debate, moderator, debater_now
):
    services.grade_set(actor=moderator, debate=debate, user_id=debater_now.pk, value="B",
                       comment="first")  # fmt: skip
    services.grade_set(actor=moderator, debate=debate, user_id=debater_now.pk, value="A",
                       comment="second")  # fmt: skip
    grade = Grade.objects.get(debate=debate, user=debater_now)
    assert (grade.value, grade.comment, grade.updated_by) == ("A", "second", moderator)
    events = list(AuditEvent.objects.filter(action="grade.set").order_by("id"))
    assert events[0].before is None and events[0].after["value"] == "B"
    assert events[1].before["value"] == "B" and events[1].after["value"] == "A"


def test_the_scale_is_created_on_first_use_with_letters_a_to_f(debate, moderator, debater_now):
    services.grade_set(actor=moderator, debate=debate, user_id=debater_now.pk, value="F",
                       comment="")  # fmt: skip
    scale = GradeScale.objects.get(debate=debate)
    assert scale.choices() == ["A", "B", "C", "D", "E", "F"]


@pytest.mark.parametrize("value", ["G", "a", "101", "-1", "A\x00"])
def test_a_grade_off_the_scale_is_refused(debate, moderator, debater_now, value):
    with pytest.raises(InvalidInput) as caught:
        services.grade_set(actor=moderator, debate=debate, user_id=debater_now.pk, value=value,
                           comment="")  # fmt: skip
    assert caught.value.field == "value"
    assert not Grade.objects.exists()


def test_a_points_scale_takes_whole_numbers_up_to_its_maximum(debate, moderator, debater_now):
    services.scale_set(actor=moderator, debate=debate, kind="points", max_points=10)
    services.grade_set(actor=moderator, debate=debate, user_id=debater_now.pk, value="10",
                       comment="")  # fmt: skip
    with pytest.raises(InvalidInput):
        services.grade_set(actor=moderator, debate=debate, user_id=debater_now.pk, value="11",
                           comment="")  # fmt: skip


def test_a_scale_change_that_would_strand_a_grade_is_refused(debate, moderator, debater_now):
    services.grade_set(actor=moderator, debate=debate, user_id=debater_now.pk, value="B",
                       comment="")  # fmt: skip
    with pytest.raises(InvalidInput, match="would not fit"):
        services.scale_set(actor=moderator, debate=debate, kind="points", max_points=100)
    assert GradeScale.objects.get(debate=debate).kind == "letters"


def test_custom_letters_are_kept_best_first(debate, moderator):
    scale = services.scale_set(actor=moderator, debate=debate, kind="letters",
                               letters="A+, A, B, Fail")  # fmt: skip
    assert scale.choices() == ["A+", "A", "B", "Fail"]


@pytest.mark.parametrize("letters", ["A", "A, A", "TOOLONGXX, B"])
def test_bad_letters_are_refused(debate, moderator, letters):
    with pytest.raises(InvalidInput):
        services.scale_set(actor=moderator, debate=debate, kind="letters", letters=letters)


@pytest.mark.parametrize("who", ["debater_now", "debater_after", "observer", "outsider"])
def test_only_moderators_grade(request, debate, debater_now, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.grade_set(actor=actor, debate=debate, user_id=debater_now.pk, value="A",
                           comment="")  # fmt: skip


def test_grading_works_in_the_closed_phase(debate, moderator, debater_now, claim_now):
    debate.phase = Phase.CLOSED
    debate.save()
    services.grade_set(actor=moderator, debate=debate, user_id=debater_now.pk, value="A",
                       comment="after the end")  # fmt: skip
    services.feedback_set(actor=moderator, claim=claim_now, text="ok", audience="author")
    assert services.release(actor=moderator, debate=debate, scopes=["grades"])["grades"] == 1


@pytest.mark.parametrize("who", ["outsider", "moderator"])
def test_someone_outside_the_debate_or_a_moderator_cannot_be_graded(request, debate, moderator,
                                                                    who):  # fmt: skip
    with pytest.raises(InvalidInput):
        services.grade_set(actor=moderator, debate=debate, user_id=request.getfixturevalue(who).pk,
                           value="A", comment="")  # fmt: skip


def test_feedback_needs_text_and_an_audience(debate, moderator, claim_now):
    with pytest.raises(InvalidInput):
        services.feedback_set(actor=moderator, claim=claim_now, text="   ", audience="author")
    with pytest.raises(InvalidInput):
        services.feedback_set(actor=moderator, claim=claim_now, text="x", audience="world")


def test_removing_feedback_hides_it_and_keeps_the_row(debate, moderator, claim_now):
    feedback = services.feedback_set(actor=moderator, claim=claim_now, text="x",
                                     audience="author")  # fmt: skip
    services.feedback_remove(actor=moderator, feedback=feedback)
    assert Feedback.objects.get(pk=feedback.pk).is_hidden
    assert AuditEvent.objects.filter(action="feedback.remove", object_id=feedback.pk).exists()


def test_release_of_grades_notifies_each_student_once(graded, moderator, debater_now,
                                                      debater_after):  # fmt: skip
    done = services.release(actor=moderator, debate=graded, scopes=["grades"])
    assert done == {"grades": 2, "feedback": 2, "students": 2}
    notices = Notice.objects.filter(kind="grade.released")
    assert sorted(n.user_id for n in notices) == sorted([debater_now.pk, debater_after.pk])
    assert all(n.url.endswith("#my-grade") for n in notices)
    assert not Feedback.objects.filter(shared_at__isnull=False).exists()
    assert AuditEvent.objects.filter(action="grades.release").count() == 1


def test_a_second_release_releases_only_what_was_added(graded, moderator, claim_now):
    services.release(actor=moderator, debate=graded, scopes=["grades"])
    again = services.release(actor=moderator, debate=graded, scopes=["grades"])
    assert again == {"grades": 0, "feedback": 0, "students": 0}
    services.feedback_set(actor=moderator, claim=claim_now, text="later", audience="author")
    assert services.release(actor=moderator, debate=graded, scopes=["grades"])["students"] == 1


def test_a_change_after_release_stays_released(graded, moderator, debater_now):
    services.release(actor=moderator, debate=graded, scopes=["grades"])
    services.grade_set(actor=moderator, debate=graded, user_id=debater_now.pk, value="B",
                       comment="corrected")  # fmt: skip
    grade = Grade.objects.get(user=debater_now)
    assert grade.released_at is not None and grade.value == "B"


def test_release_to_everyone_shares_only_feedback_marked_everyone(graded, moderator):
    done = services.release(actor=moderator, debate=graded, scopes=["feedback_everyone"])
    assert done["feedback"] == 1 and done["grades"] == 0
    shared = Feedback.objects.get(shared_at__isnull=False)
    assert shared.audience == "everyone" and shared.released_at is not None
    assert not Grade.objects.filter(released_at__isnull=False).exists()


def test_narrowing_the_audience_unshares(graded, moderator, claim_after):
    services.release(actor=moderator, debate=graded, scopes=["feedback_everyone"])
    feedback = Feedback.objects.get(claim=claim_after)
    services.feedback_set(actor=moderator, claim=claim_after, text="only you", audience="author",
                          feedback=feedback)  # fmt: skip
    feedback.refresh_from_db()
    assert feedback.shared_at is None and feedback.released_at is not None


@pytest.mark.parametrize("scopes", [[], ["everything"], None])
def test_release_needs_a_known_scope(debate, moderator, scopes):
    with pytest.raises(InvalidInput):
        services.release(actor=moderator, debate=debate, scopes=scopes)


def test_only_moderators_release(graded, debater_now):
    with pytest.raises(NotAllowed):
        services.release(actor=debater_now, debate=graded, scopes=["grades"])


@pytest.mark.parametrize("students", [2, 12])
def test_release_takes_the_same_queries_for_2_or_12_students(
    debate, moderator, team_now, students, django_assert_num_queries
):
    from debate.debates.models import Role
    from tests.factories import MembershipFactory

    for _ in range(students):
        user = MembershipFactory(debate=debate, role=Role.DEBATER, team=team_now).user
        services.grade_set(actor=moderator, debate=debate, user_id=user.pk, value="B",
                           comment="")  # fmt: skip
    # the same at 2 and 12: who may hear is one query, the notices one insert
    with django_assert_num_queries(12):
        done = services.release(actor=moderator, debate=debate, scopes=["grades"])
    assert done["students"] == students
