from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.utils import timezone

from debate import permissions
from debate.accounts.models import ApiToken, hash_token
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
        raise InvalidInput("This username is taken.", field="username") from exc
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
        raise NotAllowed("You can only create tokens for yourself.")
    rate_check(actor, "token")
    name = (name or "").strip() or "API token"
    if len(name) > 80:
        raise InvalidInput("At most 80 characters.", field="name")
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
        raise NotAllowed("You can only revoke your own tokens.")
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
        permissions.can_grant_creator(actor), "Only an administrator can give this permission."
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
