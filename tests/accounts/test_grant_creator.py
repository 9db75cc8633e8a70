"""`manage.py grant_creator USERNAME`: how a teacher gets "Can create debates"."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from debate import permissions
from debate.accounts.services import creator_set
from debate.audit.models import AuditEvent
from debate.errors import NotAllowed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("grant_creator", *args, stdout=out)
    return out.getvalue()


def fresh(user):
    return type(user).objects.get(pk=user.pk)  # no cached permissions


def test_grant_gives_the_permission_and_is_audited():
    teacher = UserFactory(username="teacher")
    assert not permissions.can_create_debate(teacher)

    assert run("teacher") == "teacher can now create debates.\n"

    assert permissions.can_create_debate(fresh(teacher))
    event = AuditEvent.objects.get(action="user.creator_grant")
    assert event.actor_id is None  # the app itself
    assert (event.object_type, event.object_id) == ("auth.user", teacher.pk)
    assert event.after == {"can_create_debates": True}


def test_grant_twice_changes_nothing_the_second_time():
    UserFactory(username="teacher")
    run("teacher")
    assert run("teacher") == "teacher could already create debates.\n"
    assert AuditEvent.objects.filter(action="user.creator_grant").count() == 1


def test_revoke_takes_it_back_and_is_audited():
    teacher = UserFactory(username="teacher")
    run("teacher")
    assert run("teacher", "--revoke") == "teacher no longer holds the permission.\n"
    assert not permissions.can_create_debate(fresh(teacher))
    assert AuditEvent.objects.filter(action="user.creator_revoke").count() == 1
    assert run("teacher", "--revoke") == "teacher did not hold the permission.\n"
    assert AuditEvent.objects.filter(action="user.creator_revoke").count() == 1


def test_revoke_says_when_staff_can_still_create():
    UserFactory(username="head", is_staff=True)
    assert "head can still create debates" in run("head", "--revoke")


def test_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="No user 'nobody'"):
        run("nobody")
    assert not AuditEvent.objects.exists()


def test_only_the_app_or_a_superuser_may_grant():
    teacher, pupil = UserFactory(), UserFactory()
    with pytest.raises(NotAllowed):
        creator_set(actor=teacher, user=pupil)
    assert not permissions.can_create_debate(fresh(pupil))
    assert creator_set(actor=UserFactory(is_superuser=True), user=pupil)
    assert permissions.can_create_debate(fresh(pupil))


def test_profile_tells_a_user_without_it_how_to_get_it(client):
    teacher = UserFactory(username="teacher")
    client.force_login(teacher)
    html = client.get(reverse("profile")).content.decode()
    assert (
        "ask the site's administrator to run <code>manage.py grant_creator teacher</code>" in html
    )
    assert reverse("debate-new") not in html

    run("teacher")
    html = client.get(reverse("profile")).content.decode()
    assert "grant_creator" not in html
    assert reverse("debate-new") in html
