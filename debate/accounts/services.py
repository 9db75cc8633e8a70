from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from debate import permissions
from debate.accounts.models import ApiToken, LanguagePreference, hash_token
from debate.audit.services import audit_record, rate_check
from debate.errors import InvalidInput, NotAllowed


@transaction.atomic
def user_signup(*, username: str, password: str, email: str = ""):
    """Create an account; the form has already run Django's password validators (and checked
    the optional e-mail address, where password reset links go)."""
    rate_check(None, "signup")  # nobody yet: counted per address
    user_model = get_user_model()
    try:
        with transaction.atomic():
            user = user_model.objects.create_user(
                username=username, password=password, email=email
            )
    except IntegrityError as exc:
        raise InvalidInput(_("This username is taken."), field="username") from exc
    audit_record(
        actor=user, debate=None, action="user.signup", obj=user, before=None,
        after={"username": user.username},
    )  # fmt: skip
    return user


@transaction.atomic
def token_create(
    *, actor: Any, user: Any, name: str, read_only: bool = False
) -> tuple[ApiToken, str]:
    """A new personal API token for `user`; returns the row and the raw token (shown once)."""
    if not permissions.is_system(actor) and actor.pk != user.pk:
        raise NotAllowed(_("You can only create tokens for yourself."))
    rate_check(actor, "token")
    name = (name or "").strip() or _("API token")
    if len(name) > 80:
        raise InvalidInput(_("At most %(limit)s characters.") % {"limit": 80}, field="name")
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_token(raw), prefix=raw[:8], read_only=read_only
    )
    audit_record(
        actor=actor, debate=None, action="token.create", obj=token, before=None,
        after={"name": name, "read_only": read_only, "prefix": token.prefix},
    )  # fmt: skip
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if not permissions.is_system(actor) and actor.pk != token.user_id:
        raise NotAllowed(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, debate=None, action="token.revoke", obj=token, before=None,
            after={"prefix": token.prefix},
        )  # fmt: skip
    return token


@transaction.atomic
def creator_set(*, actor: Any, user: Any, allowed: bool = True) -> bool:
    """Give `user` the "Can create debates" permission (or take it back); returns whether
    anything changed. Idempotent: asking for what already holds writes and records nothing."""
    permissions.require(
        permissions.can_grant_creator(actor), _("Only an administrator can give this permission.")
    )
    perm = Permission.objects.get(content_type__app_label="debates", codename="create_debate")
    held = user.user_permissions.filter(pk=perm.pk).exists()
    if held == allowed:
        return False
    if allowed:
        user.user_permissions.add(perm)
    else:
        user.user_permissions.remove(perm)
    for cache in ("_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)  # has_perm asks the database again
    audit_record(
        actor=actor, debate=None, action="user.creator_grant" if allowed else "user.creator_revoke",
        obj=user, before={"can_create_debates": held}, after={"can_create_debates": allowed},
    )  # fmt: skip
    return True


# --- the interface language -----------------------------------------------------------------

# Where a signed-in person's chosen language travels within their session: read on every
# request by debate.middleware.UserLanguageMiddleware without a query.
SESSION_LANGUAGE = "interface_language"


def language_supported(code: Any) -> str | None:
    """`code` if it is one of settings.LANGUAGES, else None."""
    return code if code in dict(settings.LANGUAGES) else None


def language_set(*, user: Any, language: str) -> None:
    """Remember `language` for a signed-in `user` (not audited: a reader's own setting, like
    their visits). Unknown codes change nothing."""
    if not getattr(user, "is_authenticated", False) or language_supported(language) is None:
        return
    LanguagePreference.objects.update_or_create(user=user, defaults={"language": language})


def language_of(user: Any) -> str | None:
    """The language `user` chose, or None when they never chose one."""
    if not getattr(user, "is_authenticated", False):
        return None
    chosen = LanguagePreference.objects.filter(user=user).values_list("language", flat=True)
    return language_supported(chosen.first())


def language_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """On every sign-in (the `user_logged_in` signal): the person's stored language goes into
    their new session, so it wins over the browser's cookie and Accept-Language."""
    language = language_of(user)
    if request is not None and hasattr(request, "session") and language:
        request.session[SESSION_LANGUAGE] = language
