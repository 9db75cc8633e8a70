"""The shape of what the source reader is sent: a passage proposed as evidence.

The form parses shape (text without null characters, lengths, offsets in ASCII digits); the
service (`evidence_propose`) finds the passage in the source and decides who may propose.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from debate.inputs import CappedForm, CountField, TextField

# A quote is a passage, not a chapter; the API takes the same limits.
QUOTE_MAX = 5000
NOTE_MAX = 2000


class OffsetHint(CountField):
    """Where the reader's selection starts or ends: only a hint among several matches of the
    quote, so an offset that is not a whole number in ASCII digits is no hint (None), never
    a refusal. The quote alone decides the span."""

    def to_python(self, value: Any) -> int | None:
        try:
            return super().to_python(value)
        except ValidationError:
            return None


class EvidenceProposeForm(CappedForm):
    # Not stripped and not required: the service says why a blank or missing quote is not
    # in the text, in the words the reader shows for every miss.
    quote = forms.CharField(max_length=QUOTE_MAX, required=False, strip=False)
    start = OffsetHint(required=False)
    end = OffsetHint(required=False)
    note = TextField(max_length=NOTE_MAX, required=False)
