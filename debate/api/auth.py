"""Personal API tokens, sent as `Authorization: Bearer <token>`."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from debate.accounts.models import ApiToken, hash_token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if parts[0] != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the header as: Authorization: Bearer <token>."
            )
        token = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(key_hash=hash_token(parts[1]))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token is unknown or revoked.")
        # At most one write a minute per token: enough to show when a token was last used.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class TokenScopeAllowsWrites(permissions.BasePermission):
    """A read-only token may read; only a full token (or a session) may write."""

    message = "This token is read-only."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return not (isinstance(request.auth, ApiToken) and request.auth.read_only)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "debate.api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API token."}
