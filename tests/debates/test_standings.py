"""When standings show, the one verdict of each kind on the results page, and one rounding
of every strength, updated together.

- `visibility.strengths_shown`: from the phase the moderator chose (`Debate.standings_from`),
  moderators always; every output asks it (pages, fragments, the picture, the API documents).
- the results page's two labelled verdicts, "Stronger case" and "Audience swing", and small
  polls that show no counts;
- a vote or a live update redraws the standings and the positions' strength tags together,
  each printed by `scoring.shown`.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from debate.arguments.models import Stance
from debate.arguments.services import vote_cast
from debate.audit.models import AuditEvent
from debate.debates import scoring
from debate.debates.models import Debate, Phase, Role, StandingsFrom
from debate.debates.services import phase_change, poll_answer
from debate.debates.views import picture_tree
from debate.mapview import visibility
from debate.mapview.build import debate_version
from debate.mapview.cache import debate_map
from debate.mapview.explain import VERDICT_MIN_VOTERS, VERDICT_MIN_VOTES
from debate.snapshots.services import snapshot_take
from tests.factories import ClaimFactory, MembershipFactory, VoteFactory
from tests.helpers import client_as

pytestmark = pytest.mark.django_db

LATER = "Standings show from the voting phase."


def html_of(response) -> str:
    assert response.status_code == 200, response.content[:500]
    return " ".join(response.content.decode().split())


def standings_later(debate, standings_from: str = StandingsFrom.VOTING) -> None:
    Debate.objects.filter(pk=debate.pk).update(standings_from=standings_from)
    debate.refresh_from_db()


def voters(debate, count: int) -> list:
    return [MembershipFactory(debate=debate, role=Role.OBSERVER).user for _ in range(count)]


# --- The policy ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("standings_from", "first_shown"), [
    ("opening", "opening"), ("rebuttal", "rebuttal"), ("voting", "voting"),
])  # fmt: skip
def test_strengths_show_from_the_chosen_phase_on_and_always_to_moderators(
    debate, standings_from, first_shown
):
    debate.standings_from = standings_from
    shown = []
    for phase in Phase.values:
        debate.phase = phase
        if visibility.strengths_shown(debate, visibility.Audience(moderator=False)):
            shown.append(phase)
        assert visibility.strengths_shown(debate, visibility.Audience(moderator=True))
    assert shown == Phase.values[Phase.values.index(first_shown) :]
    assert shown[-1] == "closed"


def test_a_new_debate_shows_standings_from_the_rebuttal_phase():
    assert Debate().standings_from == StandingsFrom.REBUTTAL


# --- Every output asks it ----------------------------------------------------------------------


@pytest.fixture
def rated(debate, position_now):
    """A rated claim under "now", in the rebuttal phase, standings only from voting on."""
    claim = ClaimFactory(debate=debate, position=position_now, text="Rated claim")
    for value in (4, 4, 4):
        VoteFactory(claim=claim, value=value)
    standings_later(debate)
    return claim


def test_before_its_phase_the_debate_page_shows_no_strength_but_says_when(client, debate, rated):
    html = html_of(client.get(reverse("debate", args=[debate.slug])))

    assert LATER in html
    assert 'class="standing-value"' not in html
    assert 'class="strength"' not in html
    assert "strength 0." not in html


def test_moderators_see_the_strengths_before_the_phase(debate, rated, moderator):
    html = html_of(client_as(moderator).get(reverse("debate", args=[debate.slug])))

    assert LATER not in html
    assert f'<a class="strength" id="strength-{rated.pk}"' in html
    assert "strength 0.60</a>" in html  # 3 / (3 + 2)
    assert "strength 0.80</a>" in html  # the position: 0.5 + 0.5 * 0.6


def test_before_its_phase_sorting_by_strength_keeps_the_oldest_order(client, debate, rated,
                                                                   position_now):  # fmt: skip
    newer = ClaimFactory(debate=debate, position=position_now, text="Newer, stronger")
    for value in (4, 4, 4, 4, 4):
        VoteFactory(claim=newer, value=value)

    html = html_of(client.get(reverse("debate", args=[debate.slug]), {"sort": "strength"}))

    assert html.index(f'id="claim-{rated.pk}"') < html.index(f'id="claim-{newer.pk}"')


def test_before_its_phase_the_toolbar_offers_no_strongest_order(client, debate, rated, moderator):
    anonymous = html_of(client.get(reverse("debate", args=[debate.slug])))
    theirs = html_of(client_as(moderator).get(reverse("debate", args=[debate.slug])))

    assert "Strongest" not in anonymous and "sort=strength" not in anonymous
    assert "Strongest" in theirs


def test_before_its_phase_the_thread_view_keeps_the_oldest_order(client, debate, rated):
    older = ClaimFactory(debate=debate, position=rated.position, parent=rated, text="Older")
    newer = ClaimFactory(debate=debate, position=rated.position, parent=rated, text="Newer")
    for value in (4, 4, 4, 4, 4):
        VoteFactory(claim=newer, value=value)

    html = html_of(client.get(reverse("claim", args=[debate.slug, rated.pk]), {"sort": "strength"}))

    assert html.index(f'id="claim-{older.pk}"') < html.index(f'id="claim-{newer.pk}"')


def test_before_its_phase_the_picture_page_says_when(client, debate, rated):
    html = html_of(client.get(reverse("debate-picture", args=[debate.slug])))

    assert f'<p class="notice" role="status">{LATER}' in html


@pytest.mark.parametrize("path", ["claim", "position"])
def test_before_its_phase_the_why_pages_say_when(client, debate, rated, path):
    url = (reverse("claim-why", args=[debate.slug, rated.pk]) if path == "claim"
           else reverse("position-why", args=[debate.slug, "now"]))  # fmt: skip

    html = html_of(client.get(url))

    assert LATER in html
    assert "0.60" not in html and "0.80" not in html
    assert "Show the arithmetic" not in html


def test_before_its_phase_the_results_page_names_no_stronger_case(client, debate, rated,
                                                                 moderator):  # fmt: skip
    snapshot_take(actor=moderator, debate=debate)

    html = html_of(client.get(reverse("debate-results", args=[debate.slug])))

    case = html[html.index('id="stronger-case"') : html.index('id="audience-swing"')]
    assert LATER in case
    assert "standing-value" not in html
    assert "<polyline" not in html  # the standings over time are strengths too


def test_before_its_phase_the_picture_carries_no_strength(debate, rated):
    tree = picture_tree(debate, debate_map(debate))

    boxes, stack = [], [tree]
    while stack:
        box = stack.pop()
        boxes.append(box)
        stack.extend(box["children"])
    assert {(box["strength"], box["strength_label"]) for box in boxes} == {(None, "")}
    assert tree["strengths_note"] == LATER


def test_the_picture_labels_each_strength_as_the_pages_round_it(debate, rated):
    standings_later(debate, StandingsFrom.REBUTTAL)

    tree = picture_tree(debate, debate_map(debate))

    (position_box, _after) = tree["children"]
    assert position_box["strength_label"] == "0.80"
    assert position_box["children"][0]["strength_label"] == scoring.shown(0.6) == "0.60"


def test_before_its_phase_the_api_documents_carry_no_strength(debate, rated, moderator):
    snapshot_take(actor=moderator, debate=debate)
    anon = APIClient()

    live = anon.get(f"/api/v1/debates/{debate.slug}/snapshot/").json()
    frozen = anon.get(f"/api/v1/debates/{debate.slug}/snapshots/1/").json()
    argdown = anon.get(f"/api/v1/debates/{debate.slug}/snapshot/", {"format": "argdown"})

    for document in (live, frozen):
        assert [p["strength"] for p in document["positions"]] == [None, None]
        assert [(c["strength"], c["base_score"]) for c in document["claims"]] == [(None, None)]
    assert '"strength": 0.' not in argdown.content.decode()
    phase_change(actor=moderator, debate=debate, phase=Phase.VOTING)  # now they show
    shown = anon.get(f"/api/v1/debates/{debate.slug}/snapshot/").json()
    assert [p["strength"] for p in shown["positions"]] == [0.8, 0.5]
    assert anon.get(f"/api/v1/debates/{debate.slug}/snapshots/1/").json()["positions"][0][
        "strength"] == 0.8  # fmt: skip


# --- The set-up page ---------------------------------------------------------------------------


def test_moderator_chooses_when_standings_show_and_the_change_is_audited(debate, moderator):
    client = client_as(moderator)
    page = html_of(client.get(reverse("debate-manage", args=[debate.slug])))
    assert '<option value="rebuttal" selected>' in page

    response = client.post(reverse("debate-manage", args=[debate.slug]), {
        "action": "details", "title": debate.title, "motion": debate.motion, "is_public": "on",
        "standings_from": "voting",
    })  # fmt: skip

    assert response.status_code == 302
    debate.refresh_from_db()
    assert debate.standings_from == "voting"
    event = AuditEvent.objects.get(action="debate.update")
    assert (event.before["standings_from"], event.after["standings_from"]) == ("rebuttal", "voting")
    assert '<option value="voting" selected>' in html_of(
        client.get(reverse("debate-manage", args=[debate.slug])))  # fmt: skip


def test_an_unknown_standings_phase_is_refused_and_nothing_changes(debate, moderator):
    version = debate_version(debate.pk)

    response = client_as(moderator).post(reverse("debate-manage", args=[debate.slug]), {
        "action": "details", "title": debate.title, "motion": debate.motion,
        "standings_from": "closed",
    })  # fmt: skip

    assert response.status_code == 422
    debate.refresh_from_db()
    assert debate.standings_from == "rebuttal"
    assert debate_version(debate.pk) == version


# --- The results page: two labelled verdicts ----------------------------------------------------


def _verdicts(html: str) -> tuple[str, str]:
    case = html[html.index('id="stronger-case"') : html.index('id="audience-swing"')]
    swing = html[html.index('id="audience-swing"') : html.index('id="polls-title"')]
    return case, swing


def test_results_say_not_enough_votes_yet_below_the_threshold(client, debate, position_now):
    claim = ClaimFactory(debate=debate, position=position_now)
    for user in voters(debate, VERDICT_MIN_VOTERS - 1):
        VoteFactory(claim=claim, user=user, value=4)

    case, swing = _verdicts(html_of(client.get(reverse("debate-results", args=[debate.slug]))))

    assert '<h2 id="case-title">Stronger case</h2>' in case
    assert "Not enough votes yet." in case
    assert (
        f"named once at least {VERDICT_MIN_VOTERS} people have cast at least "
        f"{VERDICT_MIN_VOTES} votes on the claims; so far 2 votes from 2 people."
    ) in case
    assert "makes the stronger case" not in case
    assert '<h2 id="swing-title">Audience swing</h2>' in swing
    assert "The audience swing is named once both polls have at least 3 answers." in swing


def test_results_name_the_stronger_case_with_the_votes_behind_it(
    client, debate, position_now, position_after
):
    """Three people rate "now"'s claim 4 and "after"'s 1, 2 and 1: 6 votes from 3 people.
    now: 3/5 = 0.6, position 0.8; after: (1 + 2 + 1)/4 / 5 = 0.2, position 0.6."""
    now = ClaimFactory(debate=debate, position=position_now, stance=Stance.PRO)
    after = ClaimFactory(debate=debate, position=position_after, stance=Stance.PRO)
    for user, value in zip(voters(debate, 3), (1, 2, 1), strict=True):
        VoteFactory(claim=now, user=user, value=4)
        VoteFactory(claim=after, user=user, value=value)

    case, _swing = _verdicts(html_of(client.get(reverse("debate-results",
                                                        args=[debate.slug]))))  # fmt: skip

    assert (f"<strong>{position_now.title}</strong> makes the stronger case: 0.80 against 0.60. "
            "Behind it stand 3 votes from 3 people on its claims (6 votes from 3 people in the "
            "whole debate).") in case  # fmt: skip
    assert "Which position's argument holds up better on the map" in case


def test_results_call_two_positions_level_when_they_read_the_same(client, debate, position_now,
                                                                  position_after):  # fmt: skip
    now = ClaimFactory(debate=debate, position=position_now)
    after = ClaimFactory(debate=debate, position=position_after)
    for user in voters(debate, 3):
        VoteFactory(claim=now, user=user, value=3)
        VoteFactory(claim=after, user=user, value=3)

    case, _swing = _verdicts(html_of(client.get(reverse("debate-results", args=[debate.slug]))))

    assert "<strong>Level.</strong>" in case
    assert "makes the stronger case" not in case


def test_a_poll_with_fewer_answers_than_a_small_group_shows_no_shares(
    client, debate, moderator, position_now, position_after
):
    members = voters(debate, 4)
    debate = phase_change(actor=moderator, debate=debate, phase=Phase.SETUP)
    for user in members:
        poll_answer(actor=user, debate=debate, poll="before", position=position_now)
    debate = phase_change(actor=moderator, debate=debate, phase=Phase.VOTING)
    for user in members[:2]:  # two answers: each share would be one of two people's stance
        poll_answer(actor=user, debate=debate, poll="after", position=position_after)

    html = html_of(client.get(reverse("debate-results", args=[debate.slug])))

    row = re.search(rf'<tr><th scope="row">{re.escape(position_after.title)}</th>(.*?)</tr>', html)
    cells = re.findall(r"<td>(.*?)</td>", row.group(1))
    assert cells[0].endswith("0%")  # the opening poll: 4 answers, shown
    assert "not shown" in cells[1] and "%" not in cells[1]
    assert cells[2] == ""  # no change column until both polls show
    assert "points" not in html
    assert "The closing poll has fewer than 3 answers, so its shares are not shown" in html
    _case, swing = _verdicts(html)
    assert "The audience swing is named once both polls have at least 3 answers." in swing
    assert visibility.poll_counts_shown(3) and not visibility.poll_counts_shown(2)


# --- Updated together, rounded once ------------------------------------------------------------


def _standing_values(html: str) -> list[str]:
    section = html[html.index('id="standings"') :]
    section = section[: section.index("</section>")]
    return re.findall(r'<span class="standing-value">([\d.]+)</span>', section)


def _position_tags(html: str) -> dict[str, str]:
    return dict(re.findall(r'id="position-strength-(\d+)" hx-swap-oob="true" href="[^"]*">'
                           r"strength ([\d.]+)</a>", html))  # fmt: skip


def test_live_fragment_after_a_vote_carries_the_standings_and_the_position_tags_alike(
    client, debate, position_now, position_after, observer
):
    claim = ClaimFactory(debate=debate, position=position_now)
    since = debate_version(debate.pk)
    vote_cast(actor=observer, claim=claim, value=3)  # 0.75 / 3 = 0.25: position 0.625

    html = html_of(client.get(reverse("debate-live", args=[debate.slug]), {"since": since},
                              HTTP_HX_REQUEST="true"))  # fmt: skip

    assert _standing_values(html) == ["0.62", "0.50"]
    assert _position_tags(html) == {str(position_now.pk): "0.62", str(position_after.pk): "0.50"}
    assert scoring.shown(0.625) == "0.62"  # rounded once, the same way everywhere


def test_vote_fragment_redraws_the_standings_and_the_position_tags_alike(
    debate, position_now, position_after, observer
):
    claim = ClaimFactory(debate=debate, position=position_now)

    response = client_as(observer).post(reverse("claim-vote", args=[debate.slug, claim.pk]),
                                        {"value": "4"}, HTTP_HX_REQUEST="true")  # fmt: skip

    html = html_of(response)
    assert _standing_values(html) == ["0.67", "0.50"]  # 0.5 + 0.5 * 1/3
    assert _position_tags(html) == {str(position_now.pk): "0.67", str(position_after.pk): "0.50"}
    assert f'id="strength-{claim.pk}" hx-swap-oob="true"' in html


def test_no_template_floatformats_a_strength():
    from pathlib import Path

    from django.conf import settings

    found = []
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(folder).rglob("*.html"):
            text = path.read_text()
            found += [f"{path.name}: {m}" for m in re.findall(r"strength\|floatformat[^ }]*",
                                                              text)]  # fmt: skip
    assert found == []


def test_a_clone_keeps_when_standings_show(debate, moderator):
    from django.contrib.auth.models import Permission

    from debate.debates.services import debate_clone

    moderator.user_permissions.add(Permission.objects.get(codename="create_debate"))
    standings_later(debate)

    clone = debate_clone(actor=moderator, debate=debate, title="Next term's seminar")

    assert Debate.objects.get(pk=clone.pk).standings_from == "voting"
    created = AuditEvent.objects.get(debate=clone, action="debate.create")
    assert created.after["standings_from"] == "voting"


def test_a_document_without_strengths_hashes_what_it_carries(debate, rated):
    from debate.snapshots.documents import content_hash
    from debate.snapshots.services import live_document

    document = live_document(debate, include_hidden=False)

    assert document["positions"][0]["strength"] is None
    assert document["content_hash"] == content_hash(document)


def test_the_live_poll_shows_the_standings_once_their_phase_opens(
    client, debate, rated, moderator, position_now
):
    page = html_of(client.get(reverse("debate", args=[debate.slug])))
    assert LATER in page
    since = debate_version(debate.pk)

    phase_change(actor=moderator, debate=debate, phase=Phase.VOTING)
    html = html_of(client.get(reverse("debate-live", args=[debate.slug]), {"since": since},
                              HTTP_HX_REQUEST="true"))  # fmt: skip

    assert LATER not in html
    assert _standing_values(html) == ["0.80", "0.50"]
    # The positions' heads are redrawn with the phase, each with its strength tag.
    assert f'<header class="position-head" id="position-head-{position_now.pk}" ' \
           'hx-swap-oob="true">' in html  # fmt: skip
    head = html[html.index(f'id="position-head-{position_now.pk}"') :]
    assert "strength 0.80</a>" in head[: head.index("</header>")]
    assert f'id="strength-{rated.pk}"' in html  # and every drawn card with its own


def test_a_phase_moved_back_before_the_standings_serves_no_older_page_with_them(
    client, debate, rated, moderator
):
    """Phases can go back (a closed debate reopens, voting returns to rebuttal). A page built
    for visitors while the strengths showed must then not answer for the new version while it
    is being built, as an older rendering may when nothing was taken away (found by reading
    visibility.older_rendering_shown's list against every write that hides strengths)."""
    phase_change(actor=moderator, debate=debate, phase=Phase.VOTING)
    shown = debate_version(debate.pk)
    assert "strength 0.80" in html_of(client.get(reverse("debate", args=[debate.slug])))

    phase_change(actor=moderator, debate=debate, phase=Phase.REBUTTAL)

    assert not visibility.older_rendering_shown(debate, shown, debate_version(debate.pk))
