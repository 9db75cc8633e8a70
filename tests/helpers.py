"""Small helpers the view tests share."""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.test import Client

from debate.audit.models import AuditEvent


def client_as(user) -> Client:
    """A test client signed in as `user` (anonymous for None)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# What signing in and using a credential record: bookkeeping, not a write a test refuses.
BOOKKEEPING_APPS = {"sessions", "axes", "contenttypes", "admin"}
BOOKKEEPING_FIELDS = {"auth.User": {"last_login"}, "accounts.ApiToken": {"last_used_at"}}


def every_table() -> list[type[models.Model]]:
    """Every model of the project's apps, and the users, groups and permissions."""
    return [m for m in apps.get_models() if m._meta.app_label not in BOOKKEEPING_APPS]


def rows_of(*tables: type[models.Model]) -> dict:
    """Every row of these tables (of `every_table()` when none are named), field by field
    without the bookkeeping fields, and the audit trail's ids: the one "nothing changed"
    helper. Compare two of these to show that a refused write changed nothing:

        before = rows_of()
        ...refused request...
        assert rows_of() == before
    """
    state = {
        table._meta.label: [
            {k: v for k, v in row.items() if k not in BOOKKEEPING_FIELDS.get(table._meta.label, ())}
            for row in table._default_manager.order_by("pk").values()
        ]
        for table in tables or every_table()
    }
    state["audit"] = list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))
    return state
