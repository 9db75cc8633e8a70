"""The new-debate form: plain rows for positions and teams (formsets that work without
JavaScript), every error shown at once next to its field and in a summary, what was typed
kept, and one service call that creates everything or nothing."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import escape

from debate.audit.models import AuditEvent
from debate.debates.forms import POSITION_ROWS, TEAM_ROWS
from debate.debates.models import Debate, Membership, Position, Team
from tests.factories import UserFactory
from tests.helpers import client_as, rows_of

pytestmark = pytest.mark.django_db

URL = "/debates/new/"


@pytest.fixture
def teacher(db):
    user = UserFactory(username="teacher")
    user.user_permissions.add(Permission.objects.get(codename="create_debate"))
    return user


def good(**overrides) -> dict[str, str]:
    """Two positions and two teams, as a teacher fills the form in."""
    return {
        "title": "Ukraine and NATO", "motion": "Accession talks now, or after a settlement?",
        "positions-0-title": "Talks now", "positions-0-description": "Start in 2025.",
        "positions-1-title": "After a settlement",
        "teams-0-name": "Team Now", "teams-0-position": "1",
        "teams-1-name": "Team After", "teams-1-position": "2",
        **overrides,
    }  # fmt: skip


def post(user, data):
    response = client_as(user).post(URL, data)
    return response, response.content.decode()


def error_of(html: str, field_id: str) -> str:
    """The text of the error shown under the field with id `field_id` (its aria-describedby)."""
    match = re.search(rf'id="{field_id}-error">(.*?)</p>', html, flags=re.S)
    assert match, f"no error under {field_id}"
    assert f'aria-describedby="{field_id}-error"' in html
    return re.sub(r"<[^>]+>", " ", match[1]).strip()


def test_the_form_shows_plain_rows_for_positions_and_teams(teacher):
    html = client_as(teacher).get(URL).content.decode()

    assert html.count('name="positions-') == 2 * POSITION_ROWS + 2  # title, description; mgmt
    assert html.count('name="teams-') == 2 * TEAM_ROWS + 2  # name, position; mgmt
    assert 'name="positions-TOTAL_FORMS" value="6"' in html
    assert '<label for="positions-0-title">Position 1: title</label>' in html
    assert '<label for="teams-0-position">Team 1: argues</label>' in html
    assert '<option value="2">Position 2</option>' in html
    assert "Team name | position number" not in html
    assert "<script>" not in html.split("<main", 1)[1]  # no inline script; no JS needed


def test_a_teacher_creates_positions_with_descriptions_and_teams_in_one_post(teacher):
    response, _ = post(teacher, good())

    debate = Debate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("debate-manage", args=[debate.slug])
    assert list(debate.positions.values_list("order", "title", "description")) == [
        (0, "Talks now", "Start in 2025."), (1, "After a settlement", ""),
    ]  # fmt: skip
    teams = dict(debate.teams.values_list("name", "position__title"))
    assert teams == {"Team Now": "Talks now", "Team After": "After a settlement"}
    assert Membership.objects.get(debate=debate, user=teacher).role == "moderator"


def test_blank_rows_are_skipped_and_teams_follow_their_row(teacher):
    data = good(**{"positions-0-title": "", "positions-0-description": "",
                   "positions-4-title": "Talks now", "teams-0-position": "5",
                   "teams-7-name": "Reserve"})  # fmt: skip
    response, _ = post(teacher, data)

    assert response.status_code == 302
    debate = Debate.objects.get()
    assert list(debate.positions.values_list("title", flat=True)) == [
        "After a settlement", "Talks now",
    ]  # fmt: skip
    teams = dict(debate.teams.values_list("name", "position__title"))
    assert teams == {"Team Now": "Talks now", "Team After": "After a settlement",
                     "Reserve": None}  # fmt: skip


def test_every_error_shows_at_once_next_to_its_field_and_in_a_summary(teacher):
    before = rows_of(Debate, Position, Team, Membership, AuditEvent)
    data = good(**{
        "title": "",  # the main form
        "positions-1-title": "", "positions-1-description": "No title here",  # a position row
        "teams-1-name": "team now", "teams-1-position": "1",  # a duplicate team name
        "teams-2-position": "4",  # a team row pointing at an empty position (and no name)
        "moderators": "ghost",
    })  # fmt: skip

    response, html = post(teacher, data)

    assert response.status_code == 422
    assert rows_of(Debate, Position, Team, Membership, AuditEvent) == before
    assert error_of(html, "new-title") == "This field is required."
    assert error_of(html, "new-moderators") == "No such user: ghost."
    assert error_of(html, "positions-1-title") == (
        "Give this position a title, or clear its description."
    )
    assert error_of(html, "positions") == (
        "A debate needs at least two positions: give two rows a title."
    )
    assert error_of(html, "teams-1-name") == "Another team has this name: give each team its own."
    assert "Give this team a name" in error_of(html, "teams-2-name")
    assert error_of(html, "teams-2-position") == (
        "Position 4 has no title: give it one, or choose another position."
    )
    summary = html[html.index('id="error-summary"') : html.index("</ul>")]
    links = re.findall(r'<a href="#([^"]+)">', summary)
    assert links == ["new-title", "new-moderators", "positions", "positions-1-title",
                     "teams-1-name", "teams-2-name", "teams-2-position"]  # fmt: skip
    assert "7 problems to fix" in summary
    for target in links:
        assert f'id="{target}"' in html  # each link lands on its field


def test_what_was_typed_stays_after_a_refusal(teacher):
    data = good(title="", **{"positions-3-title": "A third view",
                             "positions-3-description": "Neither now nor later",
                             "teams-5-name": "Team Third", "teams-5-position": "4"})  # fmt: skip

    response, html = post(teacher, data)

    assert response.status_code == 422
    assert 'value="Accession talks now, or after a settlement?"' in html
    assert 'id="positions-0-title" value="Talks now"' in html
    assert ">Start in 2025.</textarea>" in html
    assert 'id="positions-3-title" value="A third view"' in html
    assert 'id="teams-5-name" value="Team Third"' in html
    assert '<option value="4" selected>Position 4: A third view</option>' in html
    # Rows past the first two fold away, but open when something was typed there.
    assert html.count('<details class="more-rows" open>') == 2


def test_a_tampered_row_count_neither_hides_rows_nor_echoes(teacher):
    data = good(**{"positions-TOTAL_FORMS": "x" * 5000, "teams-TOTAL_FORMS": "0", "title": ""})

    response, html = post(teacher, data)

    assert response.status_code == 422
    assert "x" * 100 not in html
    assert 'id="teams-1-name" value="Team After"' in html
    assert html.count('name="positions-') == 2 * POSITION_ROWS + 2


def test_too_many_rows_are_not_read(teacher):
    response, _ = post(teacher, good(**{f"positions-{POSITION_ROWS}-title": "Seventh"}))

    assert response.status_code == 302
    assert not Position.objects.filter(title="Seventh").exists()


HOSTILE = "<script>alert(1)</script> \u202bעברית\u202c 🙂"


def test_hostile_names_are_saved_as_text_and_shown_escaped(teacher):
    long_title = HOSTILE + " " + "x" * 300  # too long: refused, and shown back escaped
    response, html = post(teacher, good(**{"positions-0-title": HOSTILE,
                                            "teams-0-name": HOSTILE,
                                            "positions-1-title": long_title[:250]}))  # fmt: skip

    assert response.status_code == 422
    assert "<script>alert(1)</script>" not in html
    assert escape(HOSTILE) in html
    assert f"Position 1: {escape(HOSTILE)}" in html  # the team menu names the typed title

    response, _ = post(teacher, good(**{"positions-0-title": HOSTILE, "teams-0-name": HOSTILE}))
    assert response.status_code == 302
    assert Team.objects.get(name=HOSTILE).position.title == HOSTILE


def test_a_service_refusal_lands_on_the_form_and_creates_nothing(teacher, debate):
    before = rows_of(Debate, Position, Team, Membership, AuditEvent)

    response, html = post(teacher, good(title="Ukraine NATO"))  # the slug ukraine-nato is taken

    assert response.status_code == 422
    assert "A debate with this slug exists already." in html
    assert "A debate with this slug exists already.</a>" in html  # in the summary too
    assert rows_of(Debate, Position, Team, Membership, AuditEvent) == before


@pytest.mark.parametrize("who", ["outsider", "debater_now", "observer"])
def test_people_without_the_permission_are_refused(request, who):
    user = request.getfixturevalue(who)
    response = client_as(user).post(URL, good())

    assert response.status_code == 403
    assert not Debate.objects.filter(title="Ukraine and NATO").exists()


def test_the_form_page_costs_a_fixed_number_of_queries(teacher, django_assert_max_num_queries):
    client = client_as(teacher)
    client.get(URL)
    with django_assert_max_num_queries(8):
        client.get(URL)
    with django_assert_max_num_queries(9):  # plus the moderators' lookup
        client.post(URL, good(title="", moderators="a, b, c, d"))
