"""The shape of the grading screens' input. The services decide what is a valid grade."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from debate.grading.models import Audience, ScaleKind
from debate.grading.services import COMMENT_MAX, FEEDBACK_MAX, POINTS_MAX
from debate.inputs import CappedForm, CountField, QuotedChoiceField, TextField


class GradeForm(CappedForm):
    value = TextField(max_length=16, required=False)
    comment = TextField(max_length=COMMENT_MAX, required=False, widget=forms.Textarea)


class FeedbackForm(CappedForm):
    text = TextField(max_length=FEEDBACK_MAX, widget=forms.Textarea,
                     error_messages={"required": _("Write the feedback first.")})  # fmt: skip
    audience = QuotedChoiceField(
        choices=Audience.choices, error_messages={
            "required": _("Choose who may read it once released."),
            "invalid_choice": _("Choose who may read it once released."),
        },
    )  # fmt: skip


class ScaleForm(CappedForm):
    kind = QuotedChoiceField(
        choices=ScaleKind.choices,
        error_messages={"invalid_choice": _("Choose points or letters.")},
    )
    max_points = CountField(maximum=POINTS_MAX, required=False)
    letters = TextField(max_length=80, required=False)


class ReleaseForm(CappedForm):
    scope = forms.MultipleChoiceField(
        choices=[("grades", _("Grades, comments and feedback, each student their own")),
                 ("feedback_everyone", _("Feedback marked “everyone”, on the claims' pages"))],
        error_messages={"required": _("Choose what to release."),
                        "invalid_choice": _("Choose what to release.")},
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    confirm = forms.BooleanField(
        error_messages={"required": _("Tick the box to confirm: a release cannot be undone.")}
    )
