"""The shape of the moderation screens' input: flags, their resolution, evidence reviews and
the audit trail's filters. The services decide what a flag or a review means."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from debate.inputs import CappedForm, IdField, QuotedChoiceField, TextField, ascii_id
from debate.moderation.models import Fallacy, FlagKind
from debate.sources.services import REASON_MAX


class ClaimNumberField(IdField):
    """A claim's number as people write it: `12` or `#12`."""

    default_error_messages = {"invalid": _("No claim with that number in this debate.")}

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.strip().removeprefix("#")
        return super().to_python(value)


NOTE_LIMIT = _("The note is text of at most 1,000 characters.")


class FlagForm(CappedForm):
    # Missing choices are the service's to refuse (after it checks who may flag at all).
    kind = QuotedChoiceField(choices=FlagKind.choices, required=False,
                             error_messages={"invalid_choice": _("Choose what is wrong with "
                                                                 "the claim.")})  # fmt: skip
    fallacy = QuotedChoiceField(choices=Fallacy.choices, required=False,
                                error_messages={"invalid_choice": _("Name the fallacy from "
                                                                    "the list.")})  # fmt: skip
    duplicate_of = ClaimNumberField(required=False)
    note = forms.CharField(max_length=1000, required=False, strip=False, error_messages={
        "max_length": NOTE_LIMIT,
    })  # fmt: skip


class FlagResolveForm(CappedForm):
    resolution = QuotedChoiceField(
        choices=[("dismiss", "dismiss"), ("hide", "hide"), ("merge", "merge")], required=False
    )
    reason = TextField(max_length=REASON_MAX, required=False)


DECISION_CHOICE = _("Choose approve, reject, hide or restore.")


class EvidenceReviewForm(CappedForm):
    decision = QuotedChoiceField(choices=[(d, d) for d in (
        "approve", "reject", "hide", "restore",
    )], error_messages={"required": DECISION_CHOICE,
                        "invalid_choice": DECISION_CHOICE})  # fmt: skip
    reason = TextField(max_length=REASON_MAX, required=False)
    next = forms.CharField(max_length=2000, required=False)


class AuditQuery(CappedForm):
    """The trail's filters. A name no one has simply matches nothing (the limits only bound
    the query), and a page number out of range shows the nearest page, as the pager does."""

    actor = TextField(max_length=2000, required=False)
    action = TextField(max_length=2000, required=False)
    page = forms.CharField(required=False)

    def clean_page(self) -> int:
        return ascii_id(self.cleaned_data.get("page") or "") or 1
