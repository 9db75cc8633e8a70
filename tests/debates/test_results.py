"""Standings explained: the why view, whose votes count, sorting by strength, the live
standings, the two audience polls, standings over time, and query counts at two sizes."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debate.activity.services import visit_record
from debate.arguments.models import Stance, Vote
from debate.arguments.services import vote_cast
from debate.debates import scoring
from debate.debates.models import Phase, PollResponse, Role
from debate.debates.services import POLLS_CLOSED, phase_change, poll_answer
from debate.errors import NotAllowed
from debate.mapview.build import debate_version
from debate.mapview.cache import debate_map
from debate.snapshots.documents import build_document
from debate.snapshots.services import snapshot_take
from tests.factories import ClaimFactory, MembershipFactory, UserFactory, VoteFactory
from tests.helpers import client_as, rows_of

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html_of(response) -> str:
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def squash(html: str) -> str:
    return " ".join(html.split())


def cast(claim, *values: int) -> None:
    for value in values:
        VoteFactory(claim=claim, value=value)


def set_phase(debate, phase: str) -> None:
    debate.phase = phase
    debate.save(update_fields=["phase"])


def standing_values(html: str) -> list[str]:
    section = html[html.index('id="standings"') :]
    section = section[: section.index("</section>")]
    return re.findall(r'<span class="standing-value">([\d.]+)</span>', section)


def fmt(value: float) -> str:
    return f"{value:.3f}"


# --- Why a claim or a position scores what it scores ----------------------------------------


@pytest.fixture
def explained(debate, position_now):
    """Claim C (votes 4,3,3,2: 3/6 = 0.5) with an attacker A (4,4,4: 3/5 = 0.6), a supporter S
    (1: 0.25/3 = 0.083) and a weak attacker W (0,0: rated as no impact, 0); and a second root
    claim D attacking position "now" (4: 1/3)."""
    c = ClaimFactory(debate=debate, position=position_now, text="Talks now deny Moscow a veto.")
    cast(c, 4, 3, 3, 2)
    a = ClaimFactory(parent=c, stance=Stance.CON, text="A veto exists anyway.")
    cast(a, 4, 4, 4)
    s = ClaimFactory(parent=c, stance=Stance.PRO, text="Allies said so in Vilnius.")
    cast(s, 1)
    w = ClaimFactory(parent=c, stance=Stance.CON, text="Nobody asked Moscow.")
    cast(w, 0, 0)
    d = ClaimFactory(debate=debate, position=position_now, stance=Stance.CON,
                     text="Accession talks now would escalate.")  # fmt: skip
    cast(d, 4)
    return {"c": c, "a": a, "s": s, "w": w, "d": d}


def test_why_view_for_a_claim_shows_base_score_votes_and_each_reply_strongest_first(
    client, debate, explained
):
    c, a, s, w = explained["c"], explained["a"], explained["s"], explained["w"]
    tau = 0.5
    strengths = {a.pk: 0.6, s.pk: 0.25 / 3, w.pk: 0.0}
    # attack 0.6, support 1/12: 0.5 - 0.5 * (0.6 - 1/12) = 0.2417
    total = scoring.strength(tau, [0.6, 0.0], [0.25 / 3])
    assert total == pytest.approx(0.5 - 0.5 * (0.6 - 1 / 12))
    effect = {
        a.pk: total - scoring.strength(tau, [0.0], [0.25 / 3]),  # without A: 0.5417
        s.pk: total - scoring.strength(tau, [0.6, 0.0], []),  # without S: 0.2
        w.pk: total - scoring.strength(tau, [0.6], [0.25 / 3]),  # without W: the same
    }

    html = squash(html_of(client.get(reverse("claim-why", args=[debate.slug, c.pk]))))

    assert f"Why claim #{c.pk} has strength {total:.2f}" in html
    assert f"Why claim #{c.pk} has strength 0.24" in html
    assert "Talks now deny Moscow a veto." in html
    # The plain sentence first, the arithmetic one click away.
    lead = ("This claim counts for 0.24 in support of its position because 4 people rated its "
            "impact 3.0 out of 4 on average, and its replies lower it from 0.50.")  # fmt: skip
    assert lead in html
    assert html.index(lead) < html.index("<summary>Show the arithmetic</summary>")
    arithmetic = html[html.index('<details class="why-arithmetic">') : html.index("</details>")]
    assert "Starting point (base score) 0.500." in arithmetic
    assert "4 votes rated its impact 3.00 out of 4 on average" in arithmetic
    assert "(distribution 0:0, 1:0, 2:1, 3:2, 4:1)" in arithmetic
    assert "(1×2/4 + 2×3/4 + 1×4/4 + 2×0) ÷ (4 + 2) = 0.500." in arithmetic
    assert "Two neutral votes" not in html and "neutral 0.5" not in arithmetic
    assert f"Result {fmt(total)}." in arithmetic
    # Strongest reply first: the attacker, the supporter, the weak attacker.
    rows = re.findall(r'<tr><td><a href="/d/[^/]+/claims/(\d+)/">', html)
    assert [int(r) for r in rows] == [a.pk, s.pk, w.pk]
    assert sorted(strengths, key=strengths.get, reverse=True) == [a.pk, s.pk, w.pk]
    assert effect[w.pk] == 0.0  # a reply of strength 0 changes nothing
    words = [f"lowers it by {fmt(-effect[a.pk])}", f"raises it by {fmt(effect[s.pk])}",
             "changes nothing (its strength is 0"]  # fmt: skip
    assert words[:2] == ["lowers it by 0.300", "raises it by 0.042"]
    assert html.index(words[0]) < html.index(words[1]) < html.index(words[2])


def test_why_view_for_a_position_starts_from_neutral_and_lists_its_claims(
    client, debate, position_now, explained
):
    c_strength = scoring.strength(0.5, [0.6, 0.0], [0.25 / 3])  # 0.2417
    d_strength = 1 / 3
    # attack 1/3 outweighs support 0.2417: 0.5 - 0.5 * (1/3 - 0.2417) = 0.4542
    total = scoring.strength(0.5, [d_strength], [c_strength])
    assert total == pytest.approx(0.5 - 0.5 * (1 / 3 - c_strength))

    response = client.get(reverse("position-why", args=[debate.slug, "now"]))

    html = squash(html_of(response))
    assert f"has strength {total:.2f}" in html
    assert "has strength 0.45" in html
    assert ("“Accession talks now, during the war” stands at 0.45 because its rated claims "
            "lower it from the neutral 0.50.") in html  # fmt: skip
    assert "Starting point (base score) 0.500." in html
    assert "Every position starts at the neutral 0.5; only its rated claims move it." in html
    lowers = f"lowers it by {fmt(total - scoring.strength(0.5, [], [c_strength]))[1:]}"
    raises = f"raises it by {fmt(total - scoring.strength(0.5, [d_strength], []))}"
    assert lowers == "lowers it by 0.167"
    assert raises == "raises it by 0.121"
    assert html.index(lowers) < html.index(raises)  # D (0.333) before C (0.242)


def test_why_view_for_a_claim_without_replies_says_its_strength_is_the_base_score(
    client, debate, explained
):
    html = squash(html_of(client.get(reverse("claim-why", args=[debate.slug,
                                                                 explained["a"].pk]))))  # fmt: skip
    assert "No replies: the strength is the base score." in html
    assert "Starting point (base score) 0.600." in html  # 3 / (3 + 2)
    assert "because 3 people rated its impact 4.0 out of 4 on average." in html


def test_why_view_answers_htmx_with_the_fragment_only(client, debate, explained):
    url = reverse("claim-why", args=[debate.slug, explained["c"].pk])

    html = html_of(client.get(url, HTTP_HX_REQUEST="true"))

    assert html.lstrip().startswith('<section class="why" id="why">')
    assert "<html" not in html


@pytest.mark.parametrize("path", ["claims/999999/why/", "claims/abc/why/", "positions/nope/why/"])
def test_why_view_for_an_unknown_claim_or_position_is_404(client, debate, path):
    assert client.get(f"/d/{debate.slug}/{path}").status_code == 404


# --- Whose votes count ------------------------------------------------------------------------


@pytest.fixture
def split_votes(debate, position_now, observer, debater_now, debater_after, team_after):
    """One claim: the observer rates it 4, Team Now's debater 2, Team After's debater 0.
    Each group has two more members who do not vote, so each is big enough to show."""
    claim = ClaimFactory(debate=debate, position=position_now, text="Only the observer loves it.")
    for _ in range(2):
        MembershipFactory(debate=debate, role=Role.OBSERVER)
        MembershipFactory(debate=debate, role=Role.DEBATER, team=team_after)
        MembershipFactory(debate=debate, role=Role.DEBATER, team=debater_now.memberships.get().team)
    for user, value in ((observer, 4), (debater_now, 2), (debater_after, 0)):
        VoteFactory(user=user, claim=claim, value=value)
    return claim


VOTER_CASES = [
    # voters, tally summary on the card, claim strength, position "now" strength
    # all: 1.5 / 5 = 0.3, position 0.5 + 0.5 * 0.3; observers: 1 / 3; team after: a vote of
    # none, 0; team now: 0.5 / 3 = 0.167, position 0.583.
    ("all", "3 votes · mean impact 2.0 / 4", "0.30", "0.65"),
    ("observers", "1 vote · mean impact 4.0 / 4", "0.33", "0.67"),
    ("team_after", "1 vote · mean impact 0.0 / 4", "0.00", "0.50"),
    ("team_now", "1 vote · mean impact 2.0 / 4", "0.17", "0.58"),
]


def _voters(key: str, debate) -> str:
    if key.startswith("team_"):
        name = "Team After" if key == "team_after" else "Team Now"
        return f"team:{debate.teams.get(name=name).pk}"
    return key


@pytest.mark.parametrize(("key", "summary", "claim_strength", "position_strength"), VOTER_CASES)
def test_debate_page_counts_only_the_chosen_voters(
    client, debate, split_votes, key, summary, claim_strength, position_strength
):
    voters = _voters(key, debate)

    html = squash(html_of(client.get(reverse("debate", args=[debate.slug]), {"voters": voters})))

    card = html[html.index(f'id="claim-card-{split_votes.pk}"') :]
    assert summary in card[: card.index("</article>")]
    assert f"strength {claim_strength}</a>" in card
    assert standing_values(html) == [position_strength, "0.50"]
    assert f'voters={quote(voters)}" aria-current="true" class="current">' in html


@pytest.mark.parametrize(("key", "summary", "claim_strength", "position_strength"), VOTER_CASES)
def test_why_view_counts_only_the_chosen_voters(
    client, debate, split_votes, key, summary, claim_strength, position_strength
):
    voters = _voters(key, debate)
    url = reverse("claim-why", args=[debate.slug, split_votes.pk])

    html = squash(html_of(client.get(url, {"voters": voters})))

    count = int(summary.split()[0])
    mean = float(summary.split("impact ")[1].split()[0])
    assert f"has strength {claim_strength}" in html
    assert f"{count} vote{'s' if count > 1 else ''} rated its impact {mean:.2f} out of 4" in html
    position_html = squash(html_of(client.get(
        reverse("position-why", args=[debate.slug, "now"]), {"voters": voters})))  # fmt: skip
    assert f"has strength {position_strength}" in position_html


@pytest.mark.parametrize(("key", "histogram", "strength", "position"), [
    ("all", [1, 0, 1, 0, 1], 0.3, 0.65),
    ("observers", [0, 0, 0, 0, 1], 0.3333, 0.6667),
    ("team_after", [1, 0, 0, 0, 0], 0.0, 0.5),
])  # fmt: skip
def test_snapshot_document_counts_only_the_chosen_voters(
    debate, split_votes, key, histogram, strength, position
):
    document = build_document(debate_map(debate, voters=_voters(key, debate)))

    (claim,) = document["claims"]
    assert claim["votes"]["histogram"] == histogram
    assert claim["strength"] == strength
    assert [p["strength"] for p in document["positions"]] == [position, 0.5]


def test_unknown_voters_choice_is_a_bad_request(client, debate, split_votes):
    response = client.get(reverse("debate", args=[debate.slug]), {"voters": "team:abc"})
    assert response.status_code == 400
    assert "Not a choice of voters" in response.content.decode()


def test_a_group_too_small_shows_no_votes_but_moderators_see_them(
    client, debate, position_now, moderator, observer
):
    """One observer: their group's breakdown would be their own vote."""
    claim = ClaimFactory(debate=debate, position=position_now, text="Rated by one observer.")
    VoteFactory(user=observer, claim=claim, value=4)
    url = reverse("debate", args=[debate.slug])

    public = squash(html_of(client.get(url, {"voters": "observers"})))
    moderating = squash(html_of(client_as(moderator).get(url, {"voters": "observers"})))

    assert "Too few voters in this group to show" in public
    assert "1 vote · mean impact 4.0 / 4" not in public
    assert "1 vote · mean impact 4.0 / 4" in moderating
    assert debate_map(debate, voters="observers").votes_withheld
    assert debate_map(debate, voters="observers").claims[claim.pk].tally.count == 0


def test_votes_of_a_team_from_another_debate_never_count(debate, split_votes, team_after):
    other = MembershipFactory(role=Role.DEBATER)  # a debate, team and debater of their own
    VoteFactory(user=other.user, claim=split_votes, value=4)

    dmap = debate_map(debate, voters=f"team:{other.team_id}")

    assert dmap.claims[split_votes.pk].tally.count == 0
    assert debate_map(debate, voters=f"team:{team_after.pk}").claims[
        split_votes.pk
    ].tally.histogram == [1, 0, 0, 0, 0]


def test_every_why_link_keeps_the_voters_choice(client, debate, split_votes):
    html = html_of(client.get(reverse("debate", args=[debate.slug]), {"voters": "observers"}))

    links = re.findall(r'href="(/d/[^"]+/why/[^"]*)"', html)
    assert links
    assert all(link.endswith("?voters=observers") for link in links), links


# --- Sorted by strength -----------------------------------------------------------------------


def test_sort_by_strength_puts_stronger_siblings_first(client, debate, position_now):
    weak = ClaimFactory(debate=debate, position=position_now, text="Weak")
    cast(weak, 0, 0)  # 0
    strong = ClaimFactory(debate=debate, position=position_now, text="Strong")
    cast(strong, 4, 4, 4)  # 0.6, and 0.733 with its replies
    middle = ClaimFactory(debate=debate, position=position_now, text="Middle")
    cast(middle, 2, 2)  # 1 / 4 = 0.25
    low_reply = ClaimFactory(parent=strong, stance=Stance.PRO, text="Low reply")
    cast(low_reply, 1)  # 1/12
    high_reply = ClaimFactory(parent=strong, stance=Stance.PRO, text="High reply")
    cast(high_reply, 4)  # 1/3
    url = reverse("debate", args=[debate.slug])

    def order(html, claims):
        return sorted(claims, key=lambda c: html.index(f'id="claim-{c.pk}"'))

    oldest = html_of(client.get(url))
    strongest = html_of(client.get(url, {"sort": "strength"}))

    assert order(oldest, [weak, strong, middle]) == [weak, strong, middle]
    assert order(strongest, [weak, strong, middle]) == [strong, middle, weak]
    assert order(oldest, [low_reply, high_reply]) == [low_reply, high_reply]
    assert order(strongest, [low_reply, high_reply]) == [high_reply, low_reply]


# --- Standings on the debate page and in the live poll ----------------------------------------


def test_standings_head_the_debate_page(client, debate, position_now):
    claim = ClaimFactory(debate=debate, position=position_now)
    cast(claim, 4, 4, 4)  # 0.6: position now 0.5 + 0.5 * 0.6 = 0.8

    html = html_of(client.get(reverse("debate", args=[debate.slug])))

    standings = html.index('id="standings"')
    assert standings < html.index('class="positions"') < html.index(f'id="claim-{claim.pk}"')
    assert standing_values(html) == ["0.80", "0.50"]
    section = html[standings : html.index("</section>", standings)]
    assert section.index("Accession talks now, during the war") < section.index(
        "Accession only after a settlement"
    )


def test_live_poll_after_a_vote_swaps_in_new_standings(client, debate, position_now, observer):
    claim = ClaimFactory(debate=debate, position=position_now)
    first = html_of(client.get(reverse("debate", args=[debate.slug])))
    assert standing_values(first) == ["0.50", "0.50"]  # an unrated claim moves nothing
    since = debate_version(debate.pk)

    vote_cast(actor=observer, claim=claim, value=4)  # tau 1/3: position 0.5 + 0.5 * 1/3
    response = client.get(reverse("debate-live", args=[debate.slug]), {"since": since},
                          HTTP_HX_REQUEST="true")  # fmt: skip

    html = html_of(response)
    assert '<section class="standings" id="standings" aria-label="Standings" ' \
           'hx-swap-oob="true">' in html  # fmt: skip
    assert standing_values(html) == ["0.67", "0.50"]


# --- The audience polls -----------------------------------------------------------------------


@pytest.mark.parametrize(("phase", "poll"), [
    (Phase.SETUP, "before"), (Phase.OPENING, None), (Phase.REBUTTAL, None),
    (Phase.VOTING, "after"), (Phase.CLOSED, None),
])  # fmt: skip
def test_results_page_offers_only_the_poll_of_the_phase(debate, observer, phase, poll):
    set_phase(debate, phase)

    html = html_of(login(observer).get(reverse("debate-results", args=[debate.slug])))

    offered = re.findall(r'<input type="hidden" name="poll" value="(\w+)">', html)
    assert offered == ([poll] if poll else [])
    if phase == Phase.CLOSED:
        assert "Both polls closed with the debate" in html
    elif poll is None:
        assert f"No poll is open in the {phase} phase." in html


def _answer(client, debate, poll: str, position) -> object:
    value = "undecided" if position is None else str(position.pk)
    return client.post(reverse("debate-results", args=[debate.slug]),
                       {"poll": poll, "position": value})  # fmt: skip


def test_member_records_and_changes_a_stance_in_the_before_poll(
    debate, debater_now, position_now, position_after
):
    set_phase(debate, Phase.SETUP)
    client = login(debater_now)

    first = _answer(client, debate, "before", position_now)
    assert first.status_code == 302
    changed = _answer(client, debate, "before", position_after)

    assert changed.status_code == 302
    assert list(PollResponse.objects.values_list("user_id", "poll", "position_id")) == [
        (debater_now.pk, "before", position_after.pk)
    ]
    page = html_of(client.get(reverse("debate-results", args=[debate.slug])))
    assert f'value="{position_after.pk}" checked' in page
    assert f'value="{position_now.pk}" checked' not in page


def test_member_answers_the_after_poll_while_voting(debate, observer, position_after):
    set_phase(debate, Phase.VOTING)

    response = _answer(login(observer), debate, "after", position_after)

    assert response.status_code == 302
    assert PollResponse.objects.get().position == position_after


def test_member_can_answer_undecided(debate, observer):
    set_phase(debate, Phase.VOTING)

    assert _answer(login(observer), debate, "after", None).status_code == 302

    response = PollResponse.objects.get()
    assert (response.poll, response.position_id) == ("after", None)


def test_member_who_answered_undecided_sees_it_checked(debate, observer):
    set_phase(debate, Phase.VOTING)
    client = login(observer)
    _answer(client, debate, "after", None)

    html = html_of(client.get(reverse("debate-results", args=[debate.slug])))

    assert 'value="undecided" checked' in html


@pytest.mark.parametrize(("phase", "poll"), [
    (Phase.OPENING, "before"), (Phase.REBUTTAL, "before"), (Phase.REBUTTAL, "after"),
    (Phase.VOTING, "before"), (Phase.SETUP, "after"),
])  # fmt: skip
def test_poll_outside_its_phase_is_refused_and_nothing_saved(
    debate, debater_now, position_now, phase, poll
):
    set_phase(debate, phase)

    response = _answer(login(debater_now), debate, poll, position_now)

    assert response.status_code == 403
    assert "This poll is not open, or you do not take part in the debate." in (
        response.content.decode()
    )
    assert not PollResponse.objects.exists()


@pytest.mark.parametrize("phase", [Phase.SETUP, Phase.VOTING])
def test_non_member_poll_answer_is_refused_and_nothing_saved(debate, outsider, position_now, phase):
    set_phase(debate, phase)
    poll = "before" if phase == Phase.SETUP else "after"

    response = _answer(login(outsider), debate, poll, position_now)
    anonymous = _answer(Client(), debate, poll, position_now)

    assert response.status_code == 403
    assert anonymous.status_code == 403
    assert "you do not take part in the debate" in response.content.decode()
    assert 'name="poll"' not in response.content.decode()  # no form to answer with
    assert not PollResponse.objects.exists()


def test_poll_answer_service_refuses_non_members_and_other_phases(debate, outsider, observer):
    with pytest.raises(NotAllowed):
        poll_answer(actor=outsider, debate=debate, poll="after", position=None)
    with pytest.raises(NotAllowed):
        poll_answer(actor=observer, debate=debate, poll="after", position=None)  # rebuttal
    assert not PollResponse.objects.exists()


def test_poll_answer_with_a_position_of_another_debate_is_refused(debate, observer):
    set_phase(debate, Phase.VOTING)
    stranger = MembershipFactory(role=Role.DEBATER).team.position

    response = _answer(login(observer), debate, "after", stranger)

    assert response.status_code == 422
    assert "Choose a position, or undecided." in response.content.decode()
    assert not PollResponse.objects.exists()


def _members(debate, count: int) -> list:
    return [MembershipFactory(debate=debate, role=Role.OBSERVER).user for _ in range(count)]


def _run_polls(debate, moderator, before: list, after: list) -> None:
    """`before`/`after`: one position (or None) per member; members answer in order."""
    members = _members(debate, max(len(before), len(after)))
    debate = phase_change(actor=moderator, debate=debate, phase=Phase.SETUP)
    for user, position in zip(members, before, strict=False):
        poll_answer(actor=user, debate=debate, poll="before", position=position)
    debate = phase_change(actor=moderator, debate=debate, phase=Phase.VOTING)
    for user, position in zip(members, after, strict=False):
        poll_answer(actor=user, debate=debate, poll="after", position=position)


# --- Both polls close with the debate ---------------------------------------------------------


def _swing(html: str) -> str:
    return html[html.index('id="audience-swing"') : html.index('id="polls-title"')]


@pytest.fixture
def closed_polls(debate, moderator, position_now, position_after):
    """Both polls answered by four members (the swing named: "after" wins), then closed.
    Returns the members; the first answered "now" before and after."""
    now, after = position_now, position_after
    _run_polls(debate, moderator, before=[now, now, after, None], after=[now, after, after, after])
    members = [r.user for r in PollResponse.objects.filter(poll="before").order_by("id")]
    phase_change(actor=moderator, debate=debate, phase=Phase.CLOSED)
    debate.refresh_from_db()
    return members


@pytest.mark.parametrize("poll", ["before", "after"])
def test_a_closed_debate_refuses_poll_answers_through_the_service(
    debate, closed_polls, position_after, poll
):
    before = rows_of()

    with pytest.raises(NotAllowed) as refused:
        poll_answer(actor=closed_polls[0], debate=debate, poll=poll, position=position_after)

    assert refused.value.message == POLLS_CLOSED
    assert rows_of() == before


@pytest.mark.parametrize("poll", ["before", "after"])
def test_a_closed_debate_refuses_poll_answers_through_the_page_and_the_verdict_stays(
    debate, closed_polls, position_now, position_after, poll
):
    client = login(closed_polls[0])
    page = html_of(client.get(reverse("debate-results", args=[debate.slug])))
    assert 'name="poll"' not in page  # no form to answer with
    assert f"<strong>{position_after.title}</strong> wins the audience" in page
    before = rows_of()

    response = _answer(client, debate, poll, position_after)
    undecided = _answer(login(closed_polls[3]), debate, poll, None)

    assert response.status_code == undecided.status_code == 403
    html = response.content.decode()
    assert POLLS_CLOSED in html
    assert 'name="poll"' not in html
    assert rows_of() == before
    after = html_of(client.get(reverse("debate-results", args=[debate.slug])))
    assert _swing(after) == _swing(page)


def test_reopening_voting_reopens_the_closing_poll(debate, moderator, closed_polls, position_after):
    phase_change(actor=moderator, debate=debate, phase=Phase.VOTING)
    debate.refresh_from_db()

    poll_answer(actor=closed_polls[0], debate=debate, poll="after", position=position_after)

    assert PollResponse.objects.get(user=closed_polls[0], poll="after").position == position_after


def _row(html: str, label: str) -> list[str]:
    row = re.search(rf'<tr><th scope="row">{re.escape(label)}</th>(.*?)</tr>', html)
    assert row, label
    return re.findall(r"(?:</svg> )?([+-]?\d+)(%| points)", row.group(1))


def test_results_show_both_polls_side_by_side_and_name_the_position_that_grew_most(
    client, debate, moderator, position_now, position_after
):
    """Before: 10 answers, now 3 (30%), after 5 (50%), undecided 2 (20%). After: 5 answers,
    now 1 (20%), after 4 (80%). After lost a head but gained 30 points of share: it wins."""
    now, after = position_now, position_after
    _run_polls(debate, moderator, before=[now] * 3 + [after] * 5 + [None] * 2,
               after=[now] + [after] * 4)  # fmt: skip

    html = squash(html_of(client.get(reverse("debate-results", args=[debate.slug]))))

    assert "Before (10)" in html
    assert "After (5)" in html
    assert _row(html, now.title) == [("30", "%"), ("20", "%"), ("-10", " points")]
    assert _row(html, after.title) == [("50", "%"), ("80", "%"), ("+30", " points")]
    assert _row(html, "Undecided") == [("20", "%"), ("0", "%"), ("-20", " points")]
    assert (
        f"<strong>{after.title}</strong> wins the audience: its share grew by 30 points, "
        "more than any other position's." in html
    )


def test_results_name_no_winner_when_two_positions_grow_alike(
    client, debate, moderator, position_now, position_after
):
    """Before: now 1, after 1, undecided 2 (25/25/50). After: now 2, after 2 (50/50)."""
    _run_polls(debate, moderator, before=[position_now, position_after, None, None],
               after=[position_now, position_after, position_now, position_after])  # fmt: skip

    html = squash(html_of(client.get(reverse("debate-results", args=[debate.slug]))))

    assert _row(html, position_now.title) == [("25", "%"), ("50", "%"), ("+25", " points")]
    assert "No position gained share more than every other: no winner." in html
    assert "wins the audience" not in html


def test_results_never_say_a_shrinking_share_grew(
    client, debate, moderator, position_now, position_after
):
    """Before: now 2, after 2 (50/50). After: now 1, undecided 3 (25/0/75): both fell."""
    _run_polls(debate, moderator, before=[position_now, position_now, position_after,
                                          position_after],
               after=[position_now, None, None, None])  # fmt: skip

    html = squash(html_of(client.get(reverse("debate-results", args=[debate.slug]))))

    assert _row(html, position_now.title) == [("50", "%"), ("25", "%"), ("-25", " points")]
    assert "grew by -" not in html


def test_results_name_no_winner_until_both_polls_have_answers(
    client, debate, moderator, position_now
):
    _run_polls(debate, moderator, before=[position_now], after=[])

    html = squash(html_of(client.get(reverse("debate-results", args=[debate.slug]))))

    assert "The audience swing is named once both polls have at least 3 answers." in html
    assert "points" not in html  # no change column, no swing
    # One answer: its share would be that person's stance.
    assert _row(html, position_now.title) == []
    assert "not shown" in html


# --- Standings over time ----------------------------------------------------------------------


def test_results_page_draws_a_line_per_position_over_frozen_snapshots(
    client, debate, moderator, position_now
):
    claim = ClaimFactory(debate=debate, position=position_now)
    snapshot_take(actor=moderator, debate=debate)  # now 0.5 (an unrated claim), after 0.5
    cast(claim, 4, 4, 4)
    snapshot_take(actor=moderator, debate=debate)  # now 0.5 + 0.5 * 0.6 = 0.8, after 0.5

    html = html_of(client.get(reverse("debate-results", args=[debate.slug])))

    lines = re.findall(r'<polyline points="([^"]+)" fill="none" stroke="(#\w+)"', html)
    assert len(lines) == 2  # one per position
    points = [[tuple(map(float, p.split(","))) for p in pts.split()] for pts, _ in lines]

    # x runs from 40 to 600 across the two snapshots; y = 220 - 180 * strength.
    # The axis shows the band the strengths use (0.4 to 0.9 here), in steps of 0.1.
    def y(value: float) -> float:
        return round(220 - (value - 0.4) / 0.5 * 180, 1)

    assert points[0] == [(40.0, y(0.5)), (600.0, y(0.8))]
    assert points[1] == [(40.0, y(0.5)), (600.0, y(0.5))]
    assert lines[0][1] != lines[1][1]
    assert ">v1</text>" in html and ">v2</text>" in html


def test_results_page_without_snapshots_explains_the_empty_chart(client, debate):
    html = html_of(client.get(reverse("debate-results", args=[debate.slug])))
    assert "No frozen snapshots yet." in html
    assert "<polyline" not in html


# --- Query counts at two sizes ----------------------------------------------------------------


def grow(debate, count: int) -> None:
    """Add `count` claims over both positions, nested in chains, each with two votes."""
    positions = list(debate.positions.all())
    teams = list(debate.teams.all())
    voters = [UserFactory(), UserFactory()]
    previous = {}
    votes = []
    for index in range(count):
        position = positions[index % 2]
        parent = previous.get(position.pk) if index % 3 else None
        claim = ClaimFactory(debate=debate, position=position, parent=parent,
                             stance=Stance.CON if index % 4 == 0 else Stance.PRO,
                             team=teams[index % 2])  # fmt: skip
        votes += [Vote(user=voter, claim=claim, value=(index + n) % 5)
                  for n, voter in enumerate(voters)]  # fmt: skip
        previous[position.pk] = claim
    Vote.objects.bulk_create(votes)


def count_queries(client, url, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(captured)


def test_pages_with_standings_and_strengths_keep_their_query_count_as_the_debate_grows(
    debate, moderator, observer, position_now, team_after
):
    set_phase(debate, Phase.VOTING)
    grow(debate, 10)
    first = debate.claims.order_by("id").first()
    snapshot_take(actor=moderator, debate=debate)
    poll_answer(actor=observer, debate=debate, poll="after", position=position_now)
    client = login(observer)
    # The reader's first page inserts their visit row once ("new since your last visit").
    visit_record(user=observer, debate=debate)
    pages = [
        (reverse("debate", args=[debate.slug]), {}),
        (reverse("debate", args=[debate.slug]), {"sort": "strength", "voters": "observers"}),
        (reverse("debate", args=[debate.slug]), {"voters": f"team:{team_after.pk}"}),
        (reverse("debate-results", args=[debate.slug]), {}),
        (reverse("position-why", args=[debate.slug, "now"]), {}),
        (reverse("claim-why", args=[debate.slug, first.pk]), {"voters": "observers"}),
    ]
    small = [count_queries(client, url, data) for url, data in pages]

    grow(debate, 190)
    snapshot_take(actor=moderator, debate=debate)
    large = [count_queries(client, url, data) for url, data in pages]

    assert debate.claims.count() == 200
    assert Vote.objects.filter(claim__debate=debate).count() == 400
    assert large == small
