"""The shape of the activity page's input: switching a debate's email digest on or off."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from debate.inputs import CappedForm, QuotedChoiceField


class DigestForm(CappedForm):
    digest = QuotedChoiceField(
        choices=[("on", "on"), ("off", "off")],
        error_messages={"required": gettext_lazy("Say whether the digest should be on or off.")},
    )
