"""The shape of input, shared by every domain's forms: ids in ASCII digits, texts that quote
at most a short prefix of what was sent, and one way for a view to read a form's verdict.

Forms keep the shape (types, lengths, digits); services keep the rules of the domain. Each
domain's `forms.py` builds on these fields; no view reads `request.POST` or `request.GET`
by hand.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from debate.errors import InvalidInput

# Longer than any id a database of ours will hand out (bigint has 19 digits).
MAX_ID_DIGITS = 18
# How much of a refused value a message may quote back.
QUOTE_PREFIX = 40


def quote(value: Any, limit: int = QUOTE_PREFIX) -> str:
    """At most `limit` characters of `value` for an error message, marked when cut."""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}…"


def ascii_id(raw: Any) -> int | None:
    """A positive id written in ASCII digits, else None (`'²'.isdigit()` is true and
    `int('²')` raises; `'１'` is a digit Python's int() accepts but no URL of ours writes)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 0 < raw < 10**MAX_ID_DIGITS else None
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    if not raw or len(raw) > MAX_ID_DIGITS or not (raw.isascii() and raw.isdigit()):
        return None
    number = int(raw)
    return number if number > 0 else None


class IdField(forms.Field):
    """The id of a row, in ASCII digits; the view or service decides whether the row exists
    (and whether the viewer may see it)."""

    default_error_messages = {"invalid": "Not an id: %(value)s."}

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = ascii_id(value)
        if number is None:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": quote(value)}
            )
        return number


class CountField(forms.Field):
    """A whole number >= 0 in ASCII digits (a version, a page, a `since`)."""

    default_error_messages = {"invalid": "Not a whole number: %(value)s."}

    def __init__(self, *, maximum: int = 10**MAX_ID_DIGITS, **kwargs: Any):
        self.maximum = maximum
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        raw = str(value).strip()
        if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_ID_DIGITS:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": quote(value)}
            )
        number = int(raw)
        if number > self.maximum:
            raise ValidationError(
                "At most %(limit)d.", code="max_value", params={"limit": self.maximum}
            )
        return number


class TextField(forms.CharField):
    """Text with a limit: Django's CharField already refuses null characters and says how
    long a value is without echoing it; this keeps surrounding whitespace out."""

    def __init__(self, *, max_length: int, **kwargs: Any):
        kwargs.setdefault("strip", True)
        super().__init__(max_length=max_length, **kwargs)


def choice_error(value: Any, choices: list[str] | tuple[str, ...]) -> str:
    return f"Not one of {', '.join(choices)}: {quote(value)}."


def first_error(form: forms.Form) -> str:
    """One line for a refusal that has no form on screen (a one-click button, a query)."""
    for field, messages in form.errors.items():
        label = "" if field == "__all__" else f"{field}: "
        return f"{label}{messages[0]}"
    return "The request is not valid."


def field_errors(form: forms.Form) -> dict[str, list[str]]:
    """The form's errors in the shape the templates and the API's error body use
    (`non_field_errors` for the form as a whole)."""
    return {
        ("non_field_errors" if field == "__all__" else field): list(messages)
        for field, messages in form.errors.items()
    }


def cleaned(form_class: type[forms.Form], data: Any, **kwargs: Any) -> dict[str, Any]:
    """The cleaned data of `form_class` bound to `data`, or InvalidInput naming the first
    error (a 422 on a page, the API's error shape under /api/)."""
    form = form_class(data, **kwargs)
    if not form.is_valid():
        raise InvalidInput(first_error(form), errors=field_errors(form))
    return form.cleaned_data
