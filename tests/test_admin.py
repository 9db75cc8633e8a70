"""The admin browses every model of the domain, and writes nothing behind the services."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import ClaimFactory, UserFactory, VoteFactory

DOMAIN_APPS = ["audit", "debates", "sources", "arguments"]


def domain_models():
    return [model for label in DOMAIN_APPS for model in apps.get_app_config(label).get_models()]


@pytest.mark.parametrize("model", domain_models(), ids=lambda m: m._meta.label)
def test_every_domain_model_is_registered_in_the_admin(model):
    assert admin.site.is_registered(model)


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", domain_models(), ids=lambda m: m._meta.label)
def test_admin_changelist_renders_and_offers_no_add(superuser_client, debate, model):
    VoteFactory(claim=ClaimFactory(debate=debate, position=debate.positions.first()))
    meta = model._meta
    response = superuser_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert response.status_code == 200
    add = superuser_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    assert add.status_code == 403
