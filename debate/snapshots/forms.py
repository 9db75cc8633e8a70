"""The inputs of the exports pages: the freeze button, the download query and the two
versions to compare. Shape only; the views check that the snapshots exist."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from debate.inputs import CappedForm, CountField, IdField, QuotedChoiceField

LIVE = "live"
# Snapshot numbers are PositiveIntegerFields: a larger number names no snapshot, and is
# refused here rather than sent to the database.
MAX_NUMBER = 2**31 - 1


class FreezeForm(CappedForm):
    """The "Freeze a snapshot" button: the newest snapshot number the page showed (0: none),
    so that a second click of the same button is refused (`snapshot_take(seen=...)`)."""

    seen = CountField(maximum=MAX_NUMBER, error_messages={
        "required": _("Reload the page and freeze again: the form lacked the latest number."),
    })  # fmt: skip


class ExportQuery(CappedForm):
    """`?texts=1` on the JSON download: each source's text too (an importable file)."""

    texts = QuotedChoiceField(choices=[("", _("no")), ("0", _("no")), ("1", _("yes"))],
                              required=False)  # fmt: skip

    def clean_texts(self) -> bool:
        return self.cleaned_data.get("texts") == "1"


class SnapshotNumberField(IdField):
    """A snapshot's number (from 1), or `live` where the form allows it."""

    default_error_messages = {"invalid": _("A snapshot's number is a whole number, such as 2. "
                                           "Not a number: %(value)s.")}  # fmt: skip

    def __init__(self, *, live: bool = False, **kwargs: Any):
        self.live = live
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | str | None:
        if self.live and value == LIVE:
            return LIVE
        number = super().to_python(value)
        if number is not None and number > MAX_NUMBER:
            raise forms.ValidationError(_("No snapshot has a number that large."), code="max_value")
        return number


class DiffPick(CappedForm):
    """The "Compare two versions" form: a frozen snapshot and a later one, or the live debate."""

    a = SnapshotNumberField(label=_("From snapshot"), error_messages={
        "required": _("Choose the snapshot to compare from.")})  # fmt: skip
    b = SnapshotNumberField(live=True, label=_("To"), error_messages={
        "required": _("Choose what to compare it with: a snapshot or the live debate."),
    })  # fmt: skip
