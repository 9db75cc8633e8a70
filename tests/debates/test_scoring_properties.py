"""Only votes move the standings: the four properties of issue 13, as Hypothesis tests.

Random maps are built as plain data (a list of claim rows, parents before children) and scored
by `mapview.build.score`, the very pass the read model runs after assembling a debate, so
what holds here holds on every page, fragment and export. One test at the end goes through
the real read model and the debate page.

1. With no votes anywhere every position has the neutral strength, whatever the claims.
2. Adding a claim without votes (and without voted replies) changes no strength anywhere.
3. Raising one vote on a claim never lowers its position where the claim's path polarity
   (the product of the stances from it up to the position) is pro, never raises it if con.
4. Unvoted claims never decide the standings: cutting away every subtree in which nobody
   voted leaves every strength as it was.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from debate.arguments.models import Stance
from debate.debates import scoring
from debate.mapview import build
from debate.mapview.model import ClaimNode, PositionNode
from tests.factories import ClaimFactory

NOW = datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)
# No deadline: two cores shared by a parallel suite make timings meaningless; these properties
# are about values, and each example scores at most a few dozen claims.
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
NO_VOTES = (0, 0, 0, 0, 0)

# One claim as data: (parent, stance, histogram of votes 0..4, hidden, withdrawn), where a
# parent below 0 is position -parent and any other parent is an earlier claim's index.
Row = tuple[int, str, tuple[int, ...], bool, bool]


@dataclass(frozen=True)
class Tree:
    positions: int
    rows: tuple[Row, ...]

    def scored(self) -> tuple[list[PositionNode], list[ClaimNode]]:
        positions = [PositionNode(id=p, key=f"p{p}", title=f"P{p}", description="", order=p)
                     for p in range(1, self.positions + 1)]  # fmt: skip
        nodes: list[ClaimNode] = []
        for index, (parent, stance, hist, hidden, withdrawn) in enumerate(self.rows):
            holder = positions[-parent - 1] if parent < 0 else nodes[parent]
            position_id = -parent if parent < 0 else holder.position_id
            node = ClaimNode(index, position_id, None if parent < 0 else parent, stance,
                             f"Claim {index}", None, None, None, None, 1, hidden, withdrawn,
                             NOW, NOW)  # fmt: skip
            node.tally.histogram = list(hist)
            holder.children.append(node)
            nodes.append(node)
        build.score(positions)  # the read model's own scoring pass
        return positions, nodes

    def strengths(self) -> tuple[list[float], list[float]]:
        positions, nodes = self.scored()
        return [p.strength for p in positions], [n.strength for n in nodes]

    def with_row(self, index: int, **changes) -> Tree:
        parent, stance, hist, hidden, withdrawn = self.rows[index]
        row = {"parent": parent, "stance": stance, "hist": hist, "hidden": hidden,
               "withdrawn": withdrawn} | changes  # fmt: skip
        rows = list(self.rows)
        rows[index] = (row["parent"], row["stance"], row["hist"], row["hidden"], row["withdrawn"])
        return Tree(self.positions, tuple(rows))

    def polarity(self, index: int) -> int:
        """+1 if the claim argues for its position (an even number of attacks on its path)."""
        sign = 1
        while index >= 0:
            parent, stance, *_ = self.rows[index]
            sign *= 1 if stance == "pro" else -1
            index = parent
        return sign

    def position_of(self, index: int) -> int:
        while self.rows[index][0] >= 0:
            index = self.rows[index][0]
        return -self.rows[index][0] - 1  # an index into the scored positions

    def voted_below(self) -> list[bool]:
        """For each claim: whether it or any claim under it has a vote."""
        voted = [sum(hist) > 0 for _parent, _stance, hist, *_ in self.rows]
        for index in reversed(range(len(self.rows))):  # children come after their parents
            parent = self.rows[index][0]
            if parent >= 0 and voted[index]:
                voted[parent] = True
        return voted


stances = st.sampled_from(["pro", "con"])
hists = st.tuples(*[st.integers(0, 4)] * 5)
# Few votes on most claims, none on many: the maps a seminar makes.
sparse_hists = st.one_of(st.just(NO_VOTES), hists)


@st.composite
def trees(draw, *, max_claims: int = 30, votes=sparse_hists, shape: str = "any") -> Tree:
    """A forest under 1-3 positions. `shape`: any, deep (each claim under the one before or
    near it) or wide (most claims straight under a position)."""
    positions = draw(st.integers(1, 3))
    count = draw(st.integers(0, max_claims))
    rows: list[Row] = []
    for index in range(count):
        if shape == "deep" and index:
            parent = draw(st.integers(max(0, index - 2), index - 1))
        elif shape == "wide":
            parent = draw(st.integers(-positions, -1)) if draw(st.integers(0, 9)) else draw(
                st.integers(-positions, index - 1))  # fmt: skip
        else:
            parent = draw(st.integers(-positions, index - 1))
        hidden = draw(st.integers(0, 9)) == 0
        withdrawn = draw(st.integers(0, 9)) == 0
        rows.append((parent, draw(stances), draw(votes), hidden, withdrawn))
    return Tree(positions, tuple(rows))


shapes = st.sampled_from(["any", "deep", "wide"])


# --- 1. No votes anywhere: every position neutral ---------------------------------------------


@relaxed
@given(data=st.data(), shape=shapes)
def test_without_votes_every_position_is_neutral_whatever_the_claims(data, shape):
    tree = data.draw(trees(max_claims=60, votes=st.just(NO_VOTES), shape=shape))

    positions, nodes = tree.scored()

    assert [p.strength for p in positions] == [scoring.POSITION_BASE] * tree.positions
    assert all(node.strength == 0.0 for node in nodes)


@pytest.mark.parametrize("count", [1, 3, 50, 2000])
def test_without_votes_a_long_chain_and_a_wide_fan_leave_positions_neutral(count):
    chain = tuple((index - 1 if index else -1, "con" if index % 2 else "pro", NO_VOTES, False,
                   False) for index in range(count))  # fmt: skip
    fan = tuple((-2, "pro", NO_VOTES, False, False) for _ in range(count))

    assert Tree(2, chain + fan).strengths()[0] == [0.5, 0.5]


# --- 2. A claim without votes, and without voted replies, changes nothing ----------------------


@relaxed
@given(tree=trees(), data=st.data())
def test_adding_an_unvoted_claim_or_thread_changes_no_strength(tree, data):
    before = tree.strengths()
    parent = data.draw(st.integers(-tree.positions, len(tree.rows) - 1), label="parent")
    size = data.draw(st.integers(1, 5), label="claims added")
    added: list[Row] = []
    for offset in range(size):
        # The first hangs on `parent`; the rest anywhere inside the new thread.
        at = parent if offset == 0 else len(tree.rows) + data.draw(st.integers(0, offset - 1))
        added.append((at, data.draw(stances), NO_VOTES, data.draw(st.booleans()), False))

    after = Tree(tree.positions, tree.rows + tuple(added)).strengths()

    assert after[0] == before[0]
    assert after[1][: len(tree.rows)] == before[1]
    assert after[1][len(tree.rows) :] == [0.0] * size


# --- 3. A higher vote moves the position the way the claim argues -----------------------------


def _raise_one_vote(tree: Tree, index: int, data) -> tuple[Tree, Tree]:
    """The tree (with a vote of 0 added to the claim if it had none it could raise) and the
    same tree with one of the claim's votes raised."""
    _parent, _stance, hist, _hidden, _withdrawn = tree.rows[index]
    if not any(hist[:4]):
        hist = (hist[0] + 1, *hist[1:])
        tree = tree.with_row(index, hist=hist)
    low = data.draw(st.sampled_from([v for v in range(4) if hist[v]]), label="vote raised from")
    high = data.draw(st.integers(low + 1, 4), label="to")
    raised = list(hist)
    raised[low] -= 1
    raised[high] += 1
    return tree, tree.with_row(index, hist=tuple(raised))


def _check_direction(tree: Tree, index: int, data) -> None:
    before_tree, after_tree = _raise_one_vote(tree, index, data)
    (before, claims_before), (after, claims_after) = before_tree.strengths(), after_tree.strengths()
    position = tree.position_of(index)

    assert claims_after[index] >= claims_before[index] - 1e-12
    if tree.polarity(index) > 0:
        assert after[position] >= before[position] - 1e-12
    else:
        assert after[position] <= before[position] + 1e-12
    # The other positions do not move at all.
    assert [s for i, s in enumerate(after) if i != position] == [
        s for i, s in enumerate(before) if i != position
    ]


@relaxed
@given(tree=trees(max_claims=25).filter(lambda t: t.rows), data=st.data())
def test_a_higher_vote_never_moves_the_position_against_the_claims_polarity(tree, data):
    _check_direction(tree, data.draw(st.integers(0, len(tree.rows) - 1), label="claim"), data)


@relaxed
@given(tree=trees(max_claims=12, votes=hists).filter(lambda t: t.rows), data=st.data())
def test_a_higher_vote_on_a_claim_straight_under_a_position_follows_its_stance(tree, data):
    direct = [i for i, row in enumerate(tree.rows) if row[0] < 0 and not (row[3] or row[4])]
    assume(direct)
    index = data.draw(st.sampled_from(direct), label="claim")
    before_tree, after_tree = _raise_one_vote(tree, index, data)
    position = tree.position_of(index)
    before, after = before_tree.strengths()[0][position], after_tree.strengths()[0][position]

    if tree.rows[index][1] == "pro":
        assert after >= before - 1e-12
    else:
        assert after <= before + 1e-12


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(depth=st.integers(2, 40), stance_bits=st.lists(stances, min_size=40, max_size=40),
       votes=st.lists(hists, min_size=40, max_size=40), data=st.data())  # fmt: skip
def test_a_higher_vote_deep_in_a_thread_follows_its_path_polarity(depth, stance_bits, votes, data):
    rows = tuple((index - 1 if index else -1, stance_bits[index], votes[index], False, False)
                 for index in range(depth))  # fmt: skip
    _check_direction(Tree(1, rows), depth - 1, data)


# --- 4. Unvoted claims never decide the standings ---------------------------------------------


@relaxed
@given(tree=trees(max_claims=40))
def test_cutting_away_every_unvoted_thread_leaves_every_strength_as_it_was(tree):
    voted = tree.voted_below()
    kept = [index for index in range(len(tree.rows)) if voted[index]]
    # A claim with a vote below it has voted parents all the way up, so kept rows keep theirs.
    renumber = {old: new for new, old in enumerate(kept)}
    pruned = Tree(tree.positions, tuple(
        (parent if parent < 0 else renumber[parent], *rest)
        for index, (parent, *rest) in enumerate(tree.rows) if index in renumber
    ))  # fmt: skip

    (positions, claims), (pruned_positions, pruned_claims) = tree.strengths(), pruned.strengths()

    assert pruned_positions == positions
    assert pruned_claims == [claims[old] for old in kept]
    assert all(claims[index] == 0.0 for index in range(len(tree.rows)) if not voted[index])


# --- Through the real read model and the page ---------------------------------------------------


@pytest.mark.django_db
def test_a_new_debate_with_claims_and_no_votes_shows_equal_standings(
    client, debate, position_now, position_after
):
    # Three claims and a thread for one side, one claim against the other: nobody voted.
    first = ClaimFactory(debate=debate, position=position_now, stance=Stance.PRO)
    ClaimFactory(debate=debate, position=position_now, stance=Stance.PRO)
    ClaimFactory(debate=debate, position=position_now, stance=Stance.PRO)
    reply = ClaimFactory(parent=first, stance=Stance.PRO)
    ClaimFactory(parent=reply, stance=Stance.CON)
    ClaimFactory(debate=debate, position=position_after, stance=Stance.CON)

    dmap = build.build_map(debate)
    html = client.get(reverse("debate", args=[debate.slug])).content.decode()

    assert [p.strength for p in dmap.positions] == [0.5, 0.5]
    assert {node.strength for node in dmap.claims.values()} == {0.0}
    standings = html[html.index('id="standings"') :]
    standings = standings[: standings.index("</section>")]
    assert re.findall(r'<span class="standing-value">([\d.]+)</span>', standings) == [
        "0.50", "0.50"
    ]  # fmt: skip
