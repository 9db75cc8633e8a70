"""Query counts of the read side at 100 and at 3,000 claims, cold and warm (issue 10).

The debates are written with bulk_create in the shape of a real one: a tenth of the claims
at the top level under two positions, the rest replies up to four levels deep, by both
teams, some hidden or withdrawn (those with replies stay as placeholders), a fifth citing
evidence, and votes from six members on about two claims in three. Then the debate's
version moves once, as the services would have moved it for each row.

The counts are those of the test database, where every request runs inside the test's
transaction: outside one, `build_map` adds its repeatable-read transaction around the build.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache as django_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from debate.arguments import services
from debate.arguments.models import Citation, Claim, Stance, Vote
from debate.audit.services import debate_version_bump
from debate.debates import scoring
from debate.debates.models import Role
from debate.mapview import build
from debate.mapview import cache as maps
from debate.mapview.build import debate_version
from tests.conftest import shared_world
from tests.factories import EvidenceFactory, MembershipFactory
from tests.helpers import client_as

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
# Share of the claims at each depth, 0 being directly under a position.
LEVELS = (0.10, 0.40, 0.30, 0.15, 0.05)

# (cold, warm). Cold: Django's cache and the maps of this process empty; warm: the same
# request again, or for a vote, the voter's debate page loaded just before. Named queries:
#   debate   the debate row by slug (get_visible_debate)
#   viewer   the signed-in viewer: session, user, membership joined with its team (3)
#   version  the debate's version, the map cache's key (cache.debate_map)
#   build    build_map (8): version, positions, teams, sources, evidence, claims (with
#            author and team), citations, vote tallies
#   mine     the viewer's own votes on the claims drawn (viewer._load_votes)
#   notices  the unread-notice count in the page header
#   vote     the claim (claim_for_viewer), SAVEPOINT, the claim again (vote_cast), the
#            viewer (3), their vote FOR UPDATE, then SAVEPOINT + INSERT + RELEASE for a
#            first vote or one UPDATE for a changed one, the version bump, the audit
#            event, RELEASE (12 or 10)
#   events   the audit events after a version (debate_map_after_write / changes_since)
EXPECTED = {
    # debate, page version, version, build | debate, page version (the page's HTML, cached
    # per version for signed-out visitors: rendering.for_visitors)
    "debate page, anonymous": (11, 2),
    # debate, viewer, version, build, visit, mine, tasks, grade, notices | debate, viewer,
    # version, visit, mine, tasks, grade, notices. visit: the reader's DebateVisit row ("new
    # since your last visit"), read in one query, plus its insert on the very first page
    # (activity.services.visit_record); tasks: the debate's targets (none set here, so no
    # progress is counted: people.selectors.task_progress); grade: what of their own grade
    # and feedback is released (grading.selectors.my_released)
    "debate page, debater": (19, 10),
    # debate, version, build, feedback, comments | debate, version, feedback, comments
    # (feedback: what of the grading's feedback on the claim this reader may see, never in
    # the map cache; comments: the claim's thread, debate/comments/selectors.py)
    "claim page, anonymous": (12, 4),
    # as the debate page, the visit's row there already, with feedback, comments and without
    # tasks
    "claim page, debater": (18, 10),
    # debate, vote (with the debate row's lock), events, version, build | debate, vote,
    # events (the map patched)
    "vote fragment, not voted": (25, 16),
    "vote fragment, voted": (23, 14),
    # debate, viewer, version, build, events, mine | debate, viewer, version, events, mine
    "live after a vote": (15, 7),
    "live after a claim": (15, 7),
}

# The tables the map is read from; a cache hit reads none of them for the map.
MAP_TABLES = (
    "arguments_claim", "arguments_vote", "arguments_citation", "sources_evidence",
    "debates_position", "debates_team", "sources_source",
)  # fmt: skip
# The build's read of every claim of a debate (it joins author and team).
ALL_CLAIMS = re.compile(
    r'FROM "arguments_claim"(?: (?:LEFT OUTER|INNER) JOIN .*?)? '
    r'WHERE \(?"arguments_claim"\."debate_id" = \d+\)? ORDER BY'
)


@dataclass
class Made:
    """What the test knows of each claim it wrote, to pick targets without a query."""

    claim: Claim
    depth: int
    shown_path: bool  # the claim and every claim above it visible
    vote_rows: set[int] = field(default_factory=set)  # users with a vote row, even withdrawn
    voters: set[int] = field(default_factory=set)  # users with an active vote


def debate_of_size(world, size: int) -> list[Made]:
    """`size` claims in the shape described at the top, in a few bulk queries."""
    rng = random.Random(size)
    debate = world.debate
    authors = [(world.debater_now, world.team_now), (world.debater_after, world.team_after)]
    made: list[Made] = []
    level: list[Made | None] = [None]
    for depth, share in enumerate(LEVELS):
        count = round(size * share) if depth else size - sum(round(size * s) for s in LEVELS[1:])
        batch = []
        for index in range(count):
            k = len(made) + index
            parent = rng.choice(level)
            author, team = authors[k % 2]
            hidden, withdrawn = k % 41 == 7, k % 59 == 11
            batch.append(Made(
                Claim(
                    debate=debate, parent=parent.claim if parent else None,
                    position=parent.claim.position if parent else world.positions[index % 2],
                    stance=Stance.PRO if rng.random() < 0.5 else Stance.CON,
                    text=f"Claim {k} at depth {depth}.", author=author, team=team,
                    is_hidden=hidden, is_withdrawn=withdrawn,
                    hidden_reason="Off topic" if hidden else "",
                ),
                depth=depth,
                shown_path=not (hidden or withdrawn) and (parent is None or parent.shown_path),
            ))  # fmt: skip
        Claim.objects.bulk_create([m.claim for m in batch], batch_size=1000)
        made += batch
        level = batch
    votes = []
    for k, m in enumerate(made):
        for i, voter in enumerate(world.voters):
            if (k + i) % 3 and voter.pk != m.claim.author_id:
                withdrawn = (k + i) % 29 == 0
                votes.append(Vote(user=voter, claim=m.claim, value=(7 * k + i) % 5,
                                  is_withdrawn=withdrawn))  # fmt: skip
                m.vote_rows.add(voter.pk)
                if not withdrawn:
                    m.voters.add(voter.pk)
    Vote.objects.bulk_create(votes, batch_size=2000)
    Citation.objects.bulk_create(
        Citation(claim=m.claim, evidence=world.evidence, relation="supports") for m in made[::5]
    )
    debate_version_bump(debate.pk)  # bulk_create bypasses the services, which move it
    return made


def targets(made: list[Made], user, *, voted: bool) -> list[Claim]:
    """Claims at depth 3 or 4, shown with every claim above them, not by `user`, which `user`
    has an active vote on (`voted`) or no vote row at all: a vote there moves a long path."""
    return [
        m.claim for m in made
        if m.depth >= 3 and m.shown_path and m.claim.author_id != user.pk
        and (user.pk in m.voters if voted else user.pk not in m.vote_rows)
    ]  # fmt: skip


def clear_caches() -> None:
    django_cache.clear()
    maps.clear()


def queries_of(request: Callable[[], object], status: int = 200) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == status, response.content[:500]
    return [query["sql"] for query in captured.captured_queries]


def map_queries(sqls: list[str], viewer=None) -> list[str]:
    """The queries reading any map table, but for those scoped to the one viewer (their
    membership with its team, their own votes on the claims drawn)."""
    mine = re.compile(rf'"user_id" = {viewer.pk}\b') if viewer is not None else None
    return [
        sql for sql in sqls
        if any(f'"{table}"' in sql for table in MAP_TABLES)
        and not (mine and mine.search(sql.partition(" WHERE ")[2]))
    ]  # fmt: skip


def whole_debate_reads(sqls: list[str]) -> list[str]:
    """Queries reading every claim of a debate, or every vote or citation through them:
    those filtered on the debate alone, not on one claim or one user."""
    found = []
    for sql in sqls:
        where = re.split(r" (?:GROUP BY|ORDER BY|LIMIT) ", sql.partition(" WHERE ")[2])[0]
        if '"arguments_claim"."debate_id" =' in where and not re.search(
            r'"arguments_claim"\."id" (?:=|IN)|"claim_id" (?:=|IN)|"user_id" =', where
        ):
            found.append(sql)
    return found


def summary(sqls: list[str]) -> str:
    return "\n".join(sql[:110] for sql in sqls)


@pytest.fixture
def world(request, debate, position_now, position_after, moderator, debater_after, observer,
          source):  # fmt: skip
    """The shared world (not this folder's visibility world), three more observers (`voters`
    are everyone who votes), and evidence to cite."""
    world = shared_world(request)
    extra = [MembershipFactory(debate=debate, role=Role.OBSERVER).user for _ in range(3)]
    vars(world).update(
        positions=[position_now, position_after],
        voters=[observer, debater_after, moderator, *extra],
        evidence=EvidenceFactory(source=source, start=0, end=30),
    )
    return world


# --- 1. the same number of queries at any size ----------------------------------------------


def measure_all(world, made: list[Made]) -> dict[str, tuple[list[str], list[str]]]:
    slug = world.debate.slug
    page = reverse("debate", args=[slug])
    anonymous = client_as(None)
    debater = client_as(world.debater_now)
    observer = client_as(world.observer)
    deep = targets(made, world.debater_now, voted=False)[0]
    measured = {}
    for name, client, url in [
        ("debate page, anonymous", anonymous, page),
        ("debate page, debater", debater, page),
        ("claim page, anonymous", anonymous, reverse("claim", args=[slug, deep.pk])),
        ("claim page, debater", debater, reverse("claim", args=[slug, deep.pk])),
    ]:
        clear_caches()
        cold = queries_of(lambda c=client, u=url: c.get(u))
        warm = queries_of(lambda c=client, u=url: c.get(u))
        measured[name] = (cold, warm)

    def vote(claim: Claim) -> Callable[[], object]:
        url = reverse("claim-vote", args=[slug, claim.pk])
        mine = Vote.objects.filter(user=world.observer, claim=claim).first()
        value = str((mine.value + 1) % 5) if mine else "2"  # a changed vote, or a first one
        return lambda: observer.post(url, {"value": value}, **HX)

    for voted in (False, True):
        first, second = targets(made, world.observer, voted=voted)[:2]
        clear_caches()
        cold = queries_of(vote(first))
        clear_caches()
        observer.get(page)  # the voter's page, as before any real vote
        warm = queries_of(vote(second))
        measured[f"vote fragment, {'voted' if voted else 'not voted'}"] = (cold, warm)

    voter = world.voters[3]
    for what in ("vote", "claim"):
        since = debate_version(world.debate.pk)
        if what == "vote":
            changed = targets(made, voter, voted=False)[0]
            services.vote_cast(actor=voter, claim=changed, value=1)
        else:
            parent = targets(made, world.debater_after, voted=False)[0]
            changed = services.claim_create(
                actor=world.debater_after, debate=world.debate, position=parent.position,
                parent=parent, stance="con", text="A rebuttal the poll brings in.",
            )  # fmt: skip
        url = reverse("debate-live", args=[slug]) + f"?since={since}"
        clear_caches()
        cold = queries_of(lambda u=url: debater.get(u, **HX))
        warm = queries_of(lambda u=url: debater.get(u, **HX))  # a second poller of the change
        assert f'id="claim-card-{changed.pk}"' in debater.get(url, **HX).content.decode()
        measured[f"live after a {what}"] = (cold, warm)
    return measured


@pytest.mark.parametrize("size", [100, 3000])
def test_query_counts_are_the_same_at_100_and_3000_claims(world, size):
    made = debate_of_size(world, size)
    assert Claim.objects.filter(debate=world.debate).count() == size
    assert max(m.depth for m in made) == len(LEVELS) - 1
    assert sum(not m.shown_path for m in made) > size // 50  # hidden, withdrawn, below them

    measured = measure_all(world, made)

    counts = {name: (len(cold), len(warm)) for name, (cold, warm) in measured.items()}
    details = "\n\n".join(
        f"{name}: cold\n{summary(cold)}\nwarm\n{summary(warm)}"
        for name, (cold, warm) in measured.items()
        if counts[name] != EXPECTED.get(name)
    )
    assert counts == EXPECTED, details
    # Warm, nothing reads the map's tables for the whole debate; cold, the build does.
    for name, (cold, warm) in measured.items():
        assert whole_debate_reads(warm) == [], name
        assert len(whole_debate_reads(cold)) == 3, name  # claims, citations, tallies


# --- 2. a cache hit takes no map queries ----------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "debater"])
def test_a_cache_hit_of_the_debate_page_takes_no_map_queries(world, who):
    debate_of_size(world, 3000)
    user = world.debater_now if who == "debater" else None
    client = client_as(user)
    page = reverse("debate", args=[world.debate.slug])

    first = queries_of(lambda: client.get(page))
    second = queries_of(lambda: client.get(page))

    # The first one built the map: positions, teams, sources, evidence, claims, citations,
    # tallies (which is also how we know the check below can see a map query).
    assert len(map_queries(first, user)) == 7, summary(map_queries(first, user))
    assert map_queries(second, user) == [], summary(map_queries(second, user))
    viewer_reads = [sql for sql in second if sql not in map_queries(second, user)
                    and any(f'"{table}"' in sql for table in MAP_TABLES)]  # fmt: skip
    if user is None:
        assert viewer_reads == []
    else:  # their membership (joined with its team) and their own votes on the claims drawn
        assert [re.search(r'FROM "(\w+)"', sql)[1] for sql in viewer_reads] == [
            "debates_membership", "arguments_vote",
        ]  # fmt: skip


@pytest.mark.parametrize("who", ["anonymous", "debater"])
def test_a_cache_hit_of_the_api_snapshot_takes_no_map_queries(world, who):
    debate_of_size(world, 3000)
    user = world.debater_now if who == "debater" else None
    client = APIClient()
    if user is not None:
        client.force_login(user)
    url = f"/api/v1/debates/{world.debate.slug}/snapshot/"

    first = queries_of(lambda: client.get(url))
    second = queries_of(lambda: client.get(url))

    assert len(map_queries(first, user)) == 7, summary(map_queries(first, user))
    assert map_queries(second, user) == [], summary(map_queries(second, user))
    assert len(second) == (2 if user is None else 5), summary(second)  # debate, version (+viewer)
    assert client.get(url).content == client.get(url).content


# --- 3. a vote's fragment patches the map it does not rebuild ------------------------------


@pytest.mark.parametrize("voted", [False, True], ids=["first vote", "changed vote"])
def test_a_vote_after_a_warm_page_patches_the_map_without_rebuilding_it(world, monkeypatch, voted):
    made = debate_of_size(world, 3000)
    original = build.build_map
    calls = []

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    # cache.py holds its own reference to build_map: patch both.
    monkeypatch.setattr(build, "build_map", counting)
    monkeypatch.setattr(maps, "build_map", counting)
    observer = client_as(world.observer)
    slug = world.debate.slug
    warmup = queries_of(lambda: observer.get(reverse("debate", args=[slug])))
    assert len(calls) == 1  # the wrapper sees the page's build
    assert [sql for sql in warmup if ALL_CLAIMS.search(sql)], "the pattern sees the build"
    claim = targets(made, world.observer, voted=voted)[0]
    base = maps.debate_map(world.debate)  # the page's map, from the cache
    before = base.claims[claim.pk].tally.histogram
    mine = Vote.objects.filter(user=world.observer, claim=claim).first()
    value = (mine.value + 1) % 5 if mine else 4

    with CaptureQueriesContext(connection) as captured:
        response = observer.post(reverse("claim-vote", args=[slug, claim.pk]),
                                 {"value": str(value)}, **HX)  # fmt: skip

    sqls = [query["sql"] for query in captured.captured_queries]
    assert response.status_code == 200
    assert len(calls) == 1, "the vote's fragment rebuilt the map"
    assert [sql for sql in sqls if ALL_CLAIMS.search(sql)] == []
    assert whole_debate_reads(sqls) == [], summary(whole_debate_reads(sqls))
    assert len(sqls) == EXPECTED[f"vote fragment, {'voted' if voted else 'not voted'}"][1]

    fresh = original(world.debate)
    patched = response.context["map"]
    path = response.context["strength_path"]  # the claim, then each claim above it
    assert patched.version == fresh.version == debate_version(world.debate.pk)
    assert [node.id for node in path] == [node.id for node in reversed(fresh.path_to(claim.pk))]
    assert len(path) >= 4
    assert path[0].tally.histogram != before  # the vote moved the tally the test compares
    html = response.content.decode()
    for node in path:
        built = fresh.claims[node.id]
        assert node.tally.histogram == built.tally.histogram, node.id
        assert node.base_score == built.base_score, node.id
        assert node.strength == built.strength, node.id
        shown = re.search(rf'id="strength-{node.id}"[^>]*>strength ([0-9.]+)<', html)
        assert shown is not None and shown[1] == scoring.shown(built.strength), node.id
    assert [p.strength for p in patched.positions] == [p.strength for p in fresh.positions]
    # Claims off the path are the very objects of the map the page was drawn from.
    assert patched is not base
    on_path = {node.id for node in path}
    assert all(node is base.claims[i] for i, node in patched.claims.items() if i not in on_path)
