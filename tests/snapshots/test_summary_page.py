"""The printable summary: the whole debate on paper, drawn from the read model's flat walk,
in a fixed number of queries whatever its size, and with only what its reader may see."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debate.arguments.models import Citation, Claim, Stance
from debate.arguments.services import claim_create
from debate.audit.services import debate_version_bump
from debate.debates.models import Debate, PollResponse, StandingsFrom
from debate.mapview import cache as maps
from debate.mapview.visibility import MIN_GROUP
from debate.snapshots.summary import MAX_INDENT
from tests.factories import ClaimFactory, MembershipFactory, UserFactory
from tests.helpers import client_as

pytestmark = pytest.mark.django_db

SLUG = "ukraine-nato"
SUMMARY = reverse("debate-summary", args=[SLUG])
ROLES = ["moderator", "debater_now", "debater_after", "observer", "outsider", "anonymous"]


def summary_of(user) -> str:
    response = client_as(user).get(SUMMARY)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_everyone_who_may_read_gets_the_motion_positions_map_and_evidence(snap_world, role):
    w = snap_world
    html = summary_of(None if role == "anonymous" else getattr(w, role))

    assert w.debate.motion in html or w.debate.motion.replace("'", "&#x27;") in html
    for position in w.debate.positions.all():
        assert position.title in html
    assert "Accession talks now deny Russia a veto over enlargement." in html
    assert f'id="s-claim-{w.rebuttal.pk}"' in html
    assert f'id="s-evidence-{w.approved.pk}"' in html
    assert w.approved.quote in html
    assert f"paragraph {w.approved.paragraph}" in html
    assert "data-print hidden" in html  # the Print button, shown by static/js/print.js
    assert "<script>" not in html.replace('<script src="', "")  # no inline script (CSP)


def test_the_public_summary_leaves_hidden_claims_out_and_moderators_see_them_marked(snap_world):
    public = summary_of(None)
    moderators = summary_of(snap_world.moderator)

    assert "An insult nobody should read." not in public
    assert "A hidden claim that has a reply." not in public
    assert "a hidden claim, kept for its replies" in public  # the orphan's parent
    assert "The reply to the hidden claim." in public
    assert "An insult nobody should read." in moderators
    assert " · hidden" in moderators


def test_hostile_text_is_escaped(snap_world):
    html = summary_of(None)

    assert "[X]: &lt;b&gt; {a: 1}" in html
    assert "[X]: <b>" not in html


def test_standings_show_only_when_strengths_are_shown_to_the_viewer(snap_world):
    Debate.objects.filter(pk=snap_world.debate.pk).update(standings_from=StandingsFrom.VOTING)

    debaters = summary_of(snap_world.debater_now)
    moderators = summary_of(snap_world.moderator)

    assert "strength 0." not in debaters and "strength 1." not in debaters
    assert "Standings show from the voting phase." in debaters
    assert re.search(r"strength [01]\.\d\d", moderators)


def test_polls_show_no_shares_below_the_minimum_group(snap_world):
    PollResponse.objects.create(debate=snap_world.debate, user=snap_world.observer,
                                poll="before", position=snap_world.position_now)  # fmt: skip

    html = summary_of(None)

    assert "not shown" in html
    assert "100%" not in html


def test_polls_show_their_shares_from_the_minimum_group_on(snap_world):
    for index in range(MIN_GROUP):
        user = UserFactory(username=f"pollster-{index}")
        MembershipFactory(user=user, debate=snap_world.debate, role="observer")
        PollResponse.objects.create(debate=snap_world.debate, user=user, poll="before",
                                    position=snap_world.position_now)  # fmt: skip

    html = summary_of(None)

    assert "<td>100%</td>" in html


def test_private_summary_is_404_for_outsiders(snap_world):
    Debate.objects.filter(pk=snap_world.debate.pk).update(is_public=False)

    assert client_as(snap_world.outsider).get(SUMMARY).status_code == 404
    assert client_as(None).get(SUMMARY).status_code == 404


def test_a_forty_deep_chain_renders_as_a_flat_outline(snap_world):
    w = snap_world
    parent = w.claim
    chain = []
    for depth in range(40):
        parent = ClaimFactory(parent=parent, stance="con" if depth % 2 else "pro", author=w.own,
                              team=w.team_now, text=f"Link {depth} of the chain")  # fmt: skip
        chain.append(parent)

    html = summary_of(None)

    assert "Link 39 of the chain" in html
    assert html.count("<ol") < 10  # one list per position: nothing nests
    deepest = re.search(rf'class="summary-claim depth-(\d+)[^"]*" id="s-claim-{chain[-1].pk}"',
                        html)  # fmt: skip
    assert deepest and int(deepest.group(1)) == MAX_INDENT
    # The outline number says how deep it is: the position, the claim, then 41 levels.
    outline = re.search(rf'id="s-claim-{chain[-1].pk}">\s*<span class="outline">([\d.]+)<', html)
    assert outline and outline.group(1).count(".") == 41


def bulk_claims(w, size: int) -> None:
    """`size` claims in a few queries: a fifth top-level, the rest replies three levels deep,
    every fifth citing the approved evidence."""
    positions = [w.position_now, w.position_after]
    authors = [(w.own, w.team_now), (w.other, w.team_after)]
    level: list[Claim] = []
    made: list[Claim] = []
    for depth, count in enumerate((size // 5, size // 5, size // 5, size - 3 * (size // 5))):
        batch = []
        for k in range(count):
            parent = level[k % len(level)] if level else None
            author, team = authors[k % 2]
            batch.append(Claim(
                debate=w.debate, parent=parent,
                position=parent.position if parent else positions[k % 2],
                stance=Stance.CON if k % 3 else Stance.PRO, text=f"Claim {depth}.{k}",
                author=author, team=team,
            ))  # fmt: skip
        Claim.objects.bulk_create(batch, batch_size=1000)
        made += batch
        level = batch
    Citation.objects.bulk_create(
        Citation(claim=c, evidence=w.approved, relation="supports") for c in made[::5]
    )
    debate_version_bump(w.debate.pk)


@pytest.mark.parametrize("role", ["anonymous", "moderator"])
def test_query_count_does_not_grow_with_the_debate(snap_world, role):
    user = None if role == "anonymous" else snap_world.moderator
    client = client_as(user)
    counts = []
    for size in (100, 2000):
        bulk_claims(snap_world, size)
        maps.clear()  # a cold map each time: the builder's queries count too
        client.get(SUMMARY)  # the session and the like, once
        maps.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(SUMMARY)
        assert response.status_code == 200
        counts.append(len(queries))
    html = response.content.decode()
    assert html.count('class="summary-claim') >= 2100
    assert counts[0] == counts[1], counts
    assert counts[1] <= 20, counts  # measured: 14 anonymous, 18 for a moderator


def test_a_visitors_summary_follows_each_write(snap_world):
    """Signed-out readers share one rendering per version: a new claim moves the version."""
    w = snap_world
    first = summary_of(None)
    claim_create(actor=w.own, debate=w.debate, position=w.position_now, stance="pro",
                 text="Written after the first reading.")  # fmt: skip

    assert "Written after the first reading." not in first
    assert "Written after the first reading." in summary_of(None)
