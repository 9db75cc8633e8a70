"""The shape of the comment forms' input. The services decide what a valid comment is."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from debate.comments.models import REASON_MAX, TEXT_MAX, CommentKind
from debate.inputs import DRAFT_KEPT, CappedForm, CountField, QuotedChoiceField, TextField


class CommentTextField(TextField):
    echo_limit = DRAFT_KEPT  # an over-long draft comes back whole, for its writer to shorten


class CommentForm(CappedForm):
    kind = QuotedChoiceField(
        choices=CommentKind.choices,
        error_messages={
            "required": _("Choose a question, a clarification or a request for a source."),
            "invalid_choice": _("Choose a question, a clarification or a request for a source."),
        },
    )
    text = CommentTextField(max_length=TEXT_MAX, widget=forms.Textarea,
                            error_messages={"required": _("Write the comment first.")})  # fmt: skip


class CommentEditForm(CappedForm):
    text = CommentTextField(max_length=TEXT_MAX, widget=forms.Textarea,
                            error_messages={"required": _("Write the comment first.")})  # fmt: skip
    version = CountField(error_messages={"required": _("Reload the page: the form is old.")})


class HideForm(CappedForm):
    reason = TextField(max_length=REASON_MAX, required=False)
