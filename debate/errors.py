"""The exceptions that services raise. Views and the API map them to responses in one place each."""

from __future__ import annotations

# A refusal's message is read by a person: past this many characters it can only be
# repeating what was sent (a slug, a key, a schema error quoting a value), never explaining.
MESSAGE_LIMIT = 300


def capped(message: str) -> str:
    return message if len(message) <= MESSAGE_LIMIT else f"{message[:MESSAGE_LIMIT]}…"


class ServiceError(Exception):
    """A write was refused; nothing was saved."""

    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        errors: dict[str, list[str]] | None = None,
    ):
        # str(): a lazy message (a module constant) is translated now, in the active language.
        message = capped(str(message))
        super().__init__(message)
        self.message = message
        self.field = capped(field) if field else field
        self._errors = errors
        if code is not None:
            self.code = code

    @property
    def field_errors(self) -> dict[str, list[str]]:
        """Messages per field (`non_field_errors` for the whole): a form's, when a form
        refused the input, else this one message."""
        if self._errors:
            return self._errors
        return {self.field or "non_field_errors": [self.message]}


class InvalidInput(ServiceError):
    """The input breaks a rule of the domain (too long, wrong parent, quote not found, ...)."""

    code = "invalid"


class NotAllowed(ServiceError):
    """The actor may not do this, in this phase, to this object."""

    code = "permission_denied"


class Conflict(ServiceError):
    """The object changed since the actor loaded it; the write would overwrite someone's work."""

    code = "conflict"

    def __init__(self, message: str, *, current: object = None, **kwargs):
        super().__init__(message, **kwargs)
        self.current = current
