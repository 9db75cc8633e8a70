"""An invite link survives signing up and logging in: anonymous → /join/<code>/ → an account
→ back on /join/<code>/ → one click → a debater of that team, on the debate page."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from debate.audit.models import AuditEvent
from debate.debates.models import Membership, Role
from tests.factories import TEST_PASSWORD, UserFactory

GOOD_PASSWORD = "seminar-debates-need-evidence"
INVALID_CODE = "This invite code is not valid. Ask your moderator for a new one."


def link_of(team) -> str:
    return reverse("join-code", args=[team.invite_code])


def test_anonymous_invite_link_shows_the_team_and_links_that_come_back(debate, team_now):
    link = link_of(team_now)
    response = Client().get(link)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Team Now</strong>" in html
    assert escape(debate.title) in html
    assert f'href="{reverse("signup")}?next={quote(link)}"' in html
    assert f'href="{reverse("login")}?next={quote(link)}"' in html
    assert 'name="code"' not in html  # nothing to post before signing in
    assert not Membership.objects.exists()
    assert not AuditEvent.objects.filter(action="membership.join").exists()


def test_anonymous_bad_invite_link_keeps_the_clear_error(debate):
    response = Client().get(reverse("join-code", args=["no-such-code"]))
    assert response.status_code == 404
    assert escape(INVALID_CODE) in response.content.decode()


def join_from_the_page(client, link):
    """GET the invite page (changes nothing), then press its one button."""
    page = client.get(link)
    assert page.status_code == 200
    assert "Join Team Now</button>" in page.content.decode()
    assert not Membership.objects.exists()
    return client.post(reverse("join"), {"code": link.rstrip("/").rsplit("/", 1)[-1]})


def test_sign_up_from_an_invite_link_comes_back_and_joins_in_one_step(debate, team_now):
    client, link = Client(), link_of(team_now)
    signup_page = client.get(f"{reverse('signup')}?next={quote(link)}")
    html = signup_page.content.decode()
    assert f'name="next" value="{link}"' in html
    assert f'href="{reverse("login")}?next={quote(link)}"' in html  # switching keeps it

    response = client.post(
        reverse("signup"),
        {"username": "pupil", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD,
         "next": link},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == link

    joined = join_from_the_page(client, link)
    assert joined["Location"] == reverse("debate", args=[debate.slug])
    membership = Membership.objects.get(user__username="pupil", debate=debate)
    assert (membership.role, membership.team_id) == (Role.DEBATER, team_now.pk)
    page = client.get(joined["Location"]).content.decode()
    assert "You joined Team Now as a debater." in page


def test_log_in_from_an_invite_link_comes_back_and_joins_in_one_step(debate, team_now):
    user = UserFactory(username="pupil")
    client, link = Client(), link_of(team_now)
    login_page = client.get(f"{reverse('login')}?next={quote(link)}")
    html = login_page.content.decode()
    assert f'name="next" value="{link}"' in html
    assert f'href="{reverse("signup")}?next={quote(link)}"' in html  # switching keeps it

    response = client.post(
        reverse("login"), {"username": "pupil", "password": TEST_PASSWORD, "next": link}
    )
    assert response.status_code == 302
    assert response["Location"] == link

    joined = join_from_the_page(client, link)
    assert joined["Location"] == reverse("debate", args=[debate.slug])
    assert Membership.objects.get(user=user, debate=debate).team_id == team_now.pk


def test_a_get_of_the_invite_link_changes_nothing_for_a_signed_in_user(debate, team_now):
    client = Client()
    client.force_login(UserFactory())
    before = list(AuditEvent.objects.values_list("pk", flat=True))
    assert client.get(link_of(team_now)).status_code == 200
    assert not Membership.objects.exists()
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == before


OFFSITE = ["https://evil.example/", "//evil", "///evil", "/\\evil", "http:/evil", "evil"]


@pytest.mark.parametrize("next_url", OFFSITE)
def test_sign_up_refuses_an_offsite_next(db, next_url):
    client = Client()
    page = client.get(reverse("signup"), {"next": next_url}).content.decode()
    assert 'name="next" value=""' in page  # not carried through the form
    assert f'href="{reverse("login")}">Log in</a>.' in page  # nor to the login page
    response = client.post(
        reverse("signup"),
        {"username": "pupil", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD,
         "next": next_url},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("next_url", OFFSITE)
def test_log_in_refuses_an_offsite_next(db, next_url):
    UserFactory(username="pupil")
    client = Client()
    page = client.get(reverse("login"), {"next": next_url}).content.decode()
    assert 'name="next" value=""' in page
    assert f'href="{reverse("signup")}">Sign up</a>.' in page
    response = client.post(
        reverse("login"), {"username": "pupil", "password": TEST_PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_the_headers_sign_up_link_comes_back_to_the_page_it_was_on(client, debate):
    path = reverse("debate", args=[debate.slug])

    html = client.get(path).content.decode()

    assert f'href="{reverse("signup")}?next={quote(path)}"' in html
