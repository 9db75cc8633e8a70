"""Small helpers the view tests share."""

from __future__ import annotations

from django.db import models
from django.test import Client

from debate.audit.models import AuditEvent


def client_as(user) -> Client:
    """A test client signed in as `user` (anonymous for None)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def rows_of(*tables: type[models.Model]) -> dict:
    """Every row of these tables, field by field, and the audit trail's ids: compare two of
    these to show that a refused write changed nothing."""
    state = {table._meta.label: list(table.objects.order_by("pk").values()) for table in tables}
    state["audit"] = list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))
    return state
