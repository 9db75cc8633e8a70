"""Personal API tokens, sent as `Authorization: Bearer <token>`."""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from debate.accounts.models import ApiToken, hash_token

# RFC 7235: a scheme, ASCII spaces, one token68. Split by hand, `str.split()` also splits at
# Unicode spaces ("\xa0", "\u2003") and leaves nothing to index when the header is only one.
_CREDENTIALS = re.compile(r"[ \t]*([!-~]+)(?:[ \t]+([!-~]*))?[ \t]*")


def _header(request) -> str:
    """The Authorization header as sent. A WSGI server hands it over as Latin-1 text; a test
    client (or a proxy) may pass any string, which DRF's own helper would fail to encode."""
    raw = request.META.get("HTTP_AUTHORIZATION", "")
    return raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = _header(request)
        match = _CREDENTIALS.fullmatch(header)
        if match is None:
            # Not an ASCII scheme and credentials: no scheme of ours, so not a credential.
            # It is refused as malformed if it claims to be ours.
            if header.strip(" \t").lower().startswith(self.keyword.lower()):
                raise exceptions.AuthenticationFailed(
                    _("Send the header as: Authorization: Bearer <token>.")
                )
            return None
        scheme, credentials = match.groups()
        # Schemes are case-insensitive (RFC 7235); others (Basic, ...) are not ours.
        if scheme.lower() != self.keyword.lower():
            return None
        if not credentials:
            raise exceptions.AuthenticationFailed(
                _("Send the header as: Authorization: Bearer <token>.")
            )
        token = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(key_hash=hash_token(credentials))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token is unknown or revoked."))
        # At most one write a minute per token: enough to show when a token was last used.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class TokenScopeAllowsWrites(permissions.BasePermission):
    """A read-only token may read; only a full token (or a session) may write."""

    message = gettext_lazy("This token is read-only.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return not (isinstance(request.auth, ApiToken) and request.auth.read_only)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "debate.api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API token."}
