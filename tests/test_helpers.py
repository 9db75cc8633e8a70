"""The shared test helpers themselves: the "nothing changed" dump (`tests.helpers.rows_of`)
and the shared `world` (tests/conftest.py). Many tests prove "a refused write changed
nothing" with the first and stand on the second, so each must fail when it should."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from debate.accounts.services import token_create
from debate.arguments.models import Claim
from debate.audit.models import AuditEvent
from debate.debates.models import Membership, Role
from tests.factories import ClaimFactory, UserFactory
from tests.helpers import BOOKKEEPING_APPS, every_table, rows_of


def test_rows_of_covers_every_project_table_and_the_users(db):
    labels = {model._meta.label for model in every_table()}
    project = {m._meta.label for m in apps.get_models() if m.__module__.startswith("debate.")}
    assert project and project <= labels
    assert get_user_model()._meta.label in labels
    assert not {label for label in labels if label.split(".")[0] in BOOKKEEPING_APPS}
    assert set(rows_of()) == labels | {"audit"}


def test_rows_of_sees_a_changed_field_a_new_row_and_a_new_audit_event(world):
    claim = ClaimFactory(debate=world.debate, position=world.position_now, text="Before.")
    before = rows_of()
    Claim.objects.filter(pk=claim.pk).update(text="After.")
    assert rows_of() != before

    before = rows_of()
    UserFactory(username="newcomer")
    assert rows_of() != before

    before = rows_of()
    AuditEvent.objects.create(debate=world.debate, action="test.event", object_type="test")
    assert rows_of() != before


def test_rows_of_ignores_signing_in_and_using_a_token(world, client):
    token, _ = token_create(actor=world.debater_now, user=world.debater_now, name="t")
    before = rows_of()
    client.force_login(world.debater_now)  # sets last_login, writes a session
    type(token).objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    assert rows_of() == before


def test_rows_of_of_named_tables_compares_only_those(world):
    before = rows_of(Membership)
    ClaimFactory(debate=world.debate, position=world.position_now)
    assert rows_of(Membership) == before


def test_world_names_one_person_in_each_role(world):
    memberships = Membership.objects.filter(debate=world.debate).select_related("user", "team")
    roles = {m.user.username: (m.role, m.team and m.team.name) for m in memberships}
    assert roles == {
        "moderator": (Role.MODERATOR, None),
        "debater-now": (Role.DEBATER, "Team Now"),
        "debater-after": (Role.DEBATER, "Team After"),
        "observer": (Role.OBSERVER, None),
    }
    users = world.users
    assert set(users) == {"moderator", "debater", "rival", "observer", "outsider", "anonymous"}
    assert users["debater"] == world.debater_now and users["rival"] == world.debater_after
    assert users["anonymous"] is None
    assert not Membership.objects.filter(user=users["outsider"]).exists()
    assert [p.key for p in world.debate.positions.order_by("order")] == ["now", "after"]
    assert world.team_now.position == world.position_now
    assert world.source.debate == world.debate


def test_world_call_renames_a_role_for_one_file(world):
    world.call(own="debater")
    assert world.users["own"] == world.debater_now
    assert "debater" not in world.users
