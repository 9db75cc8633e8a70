from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from debate.audit.services import audit_record
from debate.errors import InvalidInput


@transaction.atomic
def user_signup(*, username: str, password: str):
    """Create an account; the form has already run Django's password validators."""
    user_model = get_user_model()
    try:
        with transaction.atomic():
            user = user_model.objects.create_user(username=username, password=password)
    except IntegrityError as exc:
        raise InvalidInput("This username is taken.", field="username") from exc
    audit_record(
        actor=user, debate=None, action="user.signup", obj=user, before=None,
        after={"username": user.username},
    )  # fmt: skip
    return user
