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
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from debate.errors import InvalidInput

# Longer than any id a database of ours will hand out (bigint has 19 digits).
MAX_ID_DIGITS = 18
# How much of a refused value a message may quote back.
QUOTE_PREFIX = 40


def quote(value: Any, limit: int = QUOTE_PREFIX) -> str:
    """At most `limit` characters of `value` for an error message, marked when cut. A lone
    surrogate (JSON can carry "\\ud800") is written as its escape: no page or JSON body
    could be encoded with it."""
    text = str(value)
    text = text if len(text) <= limit else f"{text[:limit]}…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def ascii_whole(raw: Any) -> int | None:
    """A whole number >= 0 of at most MAX_ID_DIGITS digits, written in ASCII digits (or an
    int), else None (`'²'.isdigit()` is true and `int('²')` raises; `'１'` and `'٣'` are
    digits Python's int() accepts but no URL or client of ours writes)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 0 <= raw < 10**MAX_ID_DIGITS else None
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    if not raw or len(raw) > MAX_ID_DIGITS or not (raw.isascii() and raw.isdigit()):
        return None
    return int(raw)


def ascii_id(raw: Any) -> int | None:
    """A positive id written in ASCII digits (see `ascii_whole`), else None."""
    number = ascii_whole(raw)
    return number if number else None


def refuse_nulls(value: Any) -> None:
    """The words CharField uses for a null character, for the fields that are not CharFields
    (ids, counts): a null is refused by the field, whatever its type, never by a middleware."""
    if isinstance(value, str) and "\x00" in value:
        validator = ProhibitNullCharactersValidator()
        raise ValidationError(validator.message, code=validator.code)


class IdField(forms.Field):
    """The id of a row, in ASCII digits; the view or service decides whether the row exists
    (and whether the viewer may see it)."""

    default_error_messages = {"invalid": gettext_lazy("Not an id: %(value)s.")}

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        refuse_nulls(value)
        number = ascii_id(value)
        if number is None:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": quote(value)}
            )
        return number


class CountField(forms.Field):
    """A whole number >= 0 in ASCII digits (a version, a page, a `since`)."""

    default_error_messages = {"invalid": gettext_lazy("Not a whole number: %(value)s.")}

    def __init__(self, *, maximum: int = 10**MAX_ID_DIGITS, **kwargs: Any):
        self.maximum = maximum
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        refuse_nulls(value)
        number = ascii_whole(value)
        if number is None:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": quote(value)}
            )
        if number > self.maximum:
            raise ValidationError(
                _("At most %(limit)d."), code="max_value", params={"limit": self.maximum}
            )
        return number


# How much of a refused long text a form puts back (CappedForm), when its field says so
# (`echo_limit = DRAFT_KEPT`): a pasted draft well over its limit comes back whole, for the
# writer to shorten, and a megabyte still comes back as a few kilobytes.
DRAFT_KEPT = 10_000


def remove_hint(length: int, limit: int) -> str:
    """The words that say how much to cut: "Remove 4,000 characters to send it."."""
    over = length - limit
    return ngettext("Remove %(count)s character to send it.",
                    "Remove %(count)s characters to send it.", over) % {
        "count": number_format(over, force_grouping=True)}  # fmt: skip


class LimitValidator(MaxLengthValidator):
    """Django's words for a text over its limit, and how many characters to remove."""

    def __call__(self, value: Any) -> None:
        length, limit = len(value), self.limit_value
        if length > limit:
            params = {"limit_value": limit, "show_value": length, "value": value}
            words = f"{self.message % params} {remove_hint(length, limit)}".replace("%", "%%")
            raise ValidationError(words, code=self.code, params=params)


class TextField(forms.CharField):
    """Text with a limit: Django's CharField already refuses null characters and says how
    long a value is without echoing it (and, here, how much to remove); this keeps
    surrounding whitespace out.

    A textarea gets `data-limit` instead of `maxlength`: a browser's maxlength cuts a paste
    at the limit mid-word without a word; static/js/counter.js counts and warns instead, and
    the form refuses an over-long text with the draft kept (up to `echo_limit`)."""

    def __init__(self, *, max_length: int, **kwargs: Any):
        kwargs.setdefault("strip", True)
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [
            LimitValidator(v.limit_value) if type(v) is MaxLengthValidator else v
            for v in self.validators
        ]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.Textarea) and "maxlength" in attrs:
            attrs["data-limit"] = attrs.pop("maxlength")
        return attrs


def choice_error(value: Any, choices: list[str] | tuple[str, ...]) -> str:
    # Translators: %(choices)s lists the accepted values (machine words), %(value)s the sent one.
    return _("Not one of %(choices)s: %(value)s.") % {
        "choices": ", ".join(choices), "value": quote(value)}  # fmt: skip


class QuotedChoiceField(forms.ChoiceField):
    """A ChoiceField whose refusal quotes only a prefix of the value (Django's own message
    echoes the whole of it, however long)."""

    def validate(self, value: Any) -> None:
        if value in self.empty_values or self.valid_value(value):
            super().validate(value)
            return
        message = self.error_messages["invalid_choice"]
        if message == forms.ChoiceField.default_error_messages["invalid_choice"]:
            keys = [str(key) for key, _ in self.choices if key not in self.empty_values]
            message = choice_error(value, keys)
        # A form's own words for a wrong choice are taken as they are (no value in them).
        raise ValidationError(message, code="invalid_choice")


def first_error(form: forms.Form) -> str:
    """One line for a refusal that has no form on screen (a one-click button, a query)."""
    for field, messages in form.errors.items():
        label = "" if field == "__all__" else f"{field}: "
        return f"{label}{messages[0]}"
    return _("The request is not valid.")


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


def add_service_error(form: forms.Form, error: Any) -> None:
    """Put a service's refusal (a ServiceError's `field_errors`) on the bound `form`, so the
    template renders one `form.errors`; fields the form does not have go to the whole form."""
    for field, messages in error.field_errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


def echo_limit(field: forms.Field) -> int:
    """How much of a refused value a form puts back: the field's `echo_limit`, else its
    `max_length`, else QUOTE_PREFIX. A browser's `maxlength` keeps a person's draft within
    the limit anyway; an answer to a megabyte of input is not a megabyte."""
    return (getattr(field, "echo_limit", None) or getattr(field, "max_length", None)
            or QUOTE_PREFIX)  # fmt: skip


class CappedBoundField(forms.BoundField):
    """A bound field whose redisplayed value is cut to `echo_limit`, so `{{ form.x.value }}`
    and `{{ form.x }}` never repeat a megabyte. Validation reads `data`, never this."""

    def value(self) -> Any:
        value = super().value()
        if isinstance(value, str):
            return value[: echo_limit(self.field)]
        return value


class CappedForm(forms.Form):
    """A form whose refused values come back cut (CappedBoundField); `draft` holds them as
    text, for templates that write their inputs by hand."""

    bound_field_class = CappedBoundField

    @property
    def draft(self) -> dict[str, str]:
        values = {}
        for name, field in self.fields.items():
            value = self[name].value()
            values[name] = ("" if value is None else str(value))[: echo_limit(field)]
        return values
