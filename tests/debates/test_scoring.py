"""Strength: the base score from votes, DF-QuAD propagation, and its properties.

Three levels: the pure functions in `debate.debates.scoring`; `selectors.score` on maps
built in memory (worked examples, property tests with Hypothesis, the one-pass guarantee);
and the real read model, `debate_map`, over claims and votes in the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from debate.arguments.models import Claim, Stance
from debate.debates import scoring
from debate.mapview import build as selectors
from debate.mapview.cache import debate_map
from debate.mapview.model import ClaimNode, PositionNode
from tests.factories import ClaimFactory, VoteFactory

NOW = datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)
# Random maps take a while to draw on two cores shared with a parallel suite: no deadline,
# no slow-input health check (these tests are about values, not speed).
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def histogram(*votes: int) -> list[int]:
    counts = [0] * 5
    for value in votes:
        counts[value] += 1
    return counts


# --- The pure functions --------------------------------------------------------------------


def test_base_score_without_votes_is_zero():
    assert scoring.PRIOR == 0.0
    assert scoring.base_score([0, 0, 0, 0, 0]) == 0.0


def test_base_score_adds_two_votes_of_none_to_the_mean_impact():
    # tau = (4/4 + 3/4 + 3/4 + 2/4 + 2 * 0) / (4 + 2) = 3 / 6
    assert scoring.base_score(histogram(4, 3, 3, 2)) == 0.5


@pytest.mark.parametrize(
    ("votes", "expected"),
    [((4,), 1 / 3), ((0,), 0.0), ((2, 2, 2), 0.3), ((4, 4, 4), 0.6), ((0, 0), 0.0),
     ((4,) * 10, 10 / 12)],
)  # fmt: skip
def test_base_score_follows_the_formula(votes, expected):
    n = len(votes)
    assert scoring.base_score(histogram(*votes)) == pytest.approx(expected)
    by_formula = sum(v / 4 for v in votes) / (n + 2)
    assert scoring.base_score(histogram(*votes)) == pytest.approx(by_formula)


def test_position_base_score_is_neutral():
    assert scoring.POSITION_BASE == 0.5
    assert PositionNode(id=1, key="p", title="P", description="", order=0).base_score == 0.5


def test_aggregate_combines_forces_as_one_minus_the_product():
    assert scoring.aggregate([]) == 0.0
    assert scoring.aggregate([0.5, 0.4]) == pytest.approx(0.7)
    assert scoring.aggregate([0.7, 0.5]) == pytest.approx(0.85)


def test_worked_example_one_attacked_attacker_and_a_supporter():
    # S1 rated 4, 4, 4 (tau 0.6); A1 rated 3, 3, 2 (tau 0.4), attacked by the unrated A2 (0).
    a1 = scoring.strength(0.4, attackers=[0.0], supporters=[])
    p = scoring.strength(0.5, attackers=[a1], supporters=[0.6])

    assert a1 == pytest.approx(0.4)  # an unrated attacker takes nothing away
    assert p == pytest.approx(0.5 + 0.5 * (0.6 - 0.4))  # 0.6


def test_worked_example_two_supporters_and_two_attackers():
    # tau 0.4; supporters 0 (unrated) and 0.2; attackers 0.5 and 0 (unrated).
    # attack 1 - 0.5 * 1 = 0.5, support 1 - 1 * 0.8 = 0.2: 0.4 - 0.4 * (0.5 - 0.2) = 0.28
    assert scoring.strength(0.4, attackers=[0.5, 0.0], supporters=[0.0, 0.2]) == pytest.approx(0.28)


def test_worked_example_two_with_a_rated_weak_attacker():
    # Had the weak attacker been rated 4 once (1/3): attack 1 - 0.5 * 2/3 = 2/3.
    assert scoring.strength(0.4, attackers=[0.5, 1 / 3], supporters=[0.0, 0.2]) == pytest.approx(
        0.4 - 0.4 * (2 / 3 - 0.2)
    )


unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
forces = st.lists(unit, max_size=6)


@given(tau=unit, attackers=forces, supporters=forces)
def test_strength_function_stays_in_the_unit_interval(tau, attackers, supporters):
    assert 0.0 <= scoring.strength(tau, attackers, supporters) <= 1.0


@given(tau=unit, attackers=forces, supporters=forces, as_attacker=st.booleans())
def test_strength_function_ignores_a_reply_of_strength_zero(
    tau, attackers, supporters, as_attacker
):
    before = scoring.strength(tau, attackers, supporters)
    if as_attacker:
        after = scoring.strength(tau, [*attackers, 0.0], supporters)
    else:
        after = scoring.strength(tau, attackers, [*supporters, 0.0])
    assert after == before


@given(tau=unit, attackers=forces.filter(bool), supporters=forces, index=st.integers(0, 5),
       bump=unit)  # fmt: skip
def test_strength_function_falls_as_an_attacker_grows(tau, attackers, supporters, index, bump):
    index %= len(attackers)
    stronger = list(attackers)
    stronger[index] = attackers[index] + (1 - attackers[index]) * bump
    assert (
        scoring.strength(tau, stronger, supporters)
        <= scoring.strength(tau, attackers, supporters) + 1e-12
    )


@given(tau=unit, attackers=forces, supporters=forces.filter(bool), index=st.integers(0, 5),
       bump=unit)  # fmt: skip
def test_strength_function_rises_as_a_supporter_grows(tau, attackers, supporters, index, bump):
    index %= len(supporters)
    stronger = list(supporters)
    stronger[index] = supporters[index] + (1 - supporters[index]) * bump
    assert (
        scoring.strength(tau, attackers, stronger)
        >= scoring.strength(tau, attackers, supporters) - 1e-12
    )


# --- Maps built in memory, scored by selectors.score ----------------------------------------


def position_node(pid: int) -> PositionNode:
    return PositionNode(id=pid, key=f"p{pid}", title=f"Position {pid}", description="", order=pid)


def claim_node(cid: int, *, position_id: int = 1, parent_id: int | None = None,
               stance: str = "pro", votes: list[int] | None = None, hidden: bool = False,
               withdrawn: bool = False) -> ClaimNode:  # fmt: skip
    node = ClaimNode(cid, position_id, parent_id, stance, f"Claim {cid}", None, None, None, None,
                     1, hidden, withdrawn, NOW, NOW)  # fmt: skip
    node.tally.histogram = list(votes) if votes is not None else [0] * 5
    return node


def hang(parent, child: ClaimNode) -> ClaimNode:
    parent.children.append(child)
    return child


def test_score_reproduces_worked_example_one_in_memory():
    p = position_node(1)
    hang(p, claim_node(1, votes=histogram(4, 4, 4)))  # S1: tau 3/5 = 0.6, no replies
    a1 = hang(p, claim_node(2, stance="con", votes=histogram(3, 3, 2)))  # tau 2/5 = 0.4
    a2 = hang(a1, claim_node(3, parent_id=2, stance="con"))  # no votes: tau 0

    selectors.score([p])

    assert a2.strength == 0.0
    assert a1.base_score == pytest.approx(0.4)
    assert a1.strength == pytest.approx(0.4)
    assert p.strength == pytest.approx(0.6)  # 0.5 + 0.5 * (0.6 - 0.4)


def test_score_reproduces_worked_example_two_in_memory():
    position = position_node(1)
    p = hang(position, claim_node(1, votes=histogram(3, 3, 2)))  # tau 2/5 = 0.4
    hang(p, claim_node(2, parent_id=1, stance="pro"))  # no votes: 0
    hang(p, claim_node(3, parent_id=1, stance="pro", votes=histogram(2, 1, 1)))  # 1/5 = 0.2
    hang(p, claim_node(4, parent_id=1, stance="con", votes=histogram(4, 3, 3)))  # 2.5/5 = 0.5
    weak = hang(p, claim_node(5, parent_id=1, stance="con"))  # no votes: 0

    selectors.score([position])
    assert weak.strength == 0.0
    assert p.strength == pytest.approx(0.28)  # 0.4 - 0.4 * (0.5 - 0.2)
    assert position.strength == pytest.approx(0.5 + 0.5 * 0.28)

    weak.is_withdrawn = True  # a withdrawn claim counts as strength 0, as an unrated one does
    selectors.score([position])
    assert weak.strength == 0.0
    assert p.strength == pytest.approx(0.28)


@dataclass
class Spec:
    """A map as plain data, so that a test can build it again with one thing changed."""

    positions: int
    # (parent, stance, histogram, hidden, withdrawn); parent < 0 is position -parent.
    claims: list[tuple[int, str, list[int], bool, bool]] = field(default_factory=list)

    def build(self) -> tuple[list[PositionNode], dict[int, ClaimNode]]:
        positions = [position_node(p) for p in range(1, self.positions + 1)]
        nodes: dict[int, ClaimNode] = {}
        for index, (parent, stance, hist, hidden, withdrawn) in enumerate(self.claims):
            if parent < 0:
                position_id, parent_id, holder = -parent, None, positions[-parent - 1]
            else:
                holder = nodes[parent]
                position_id, parent_id = holder.position_id, parent
            node = claim_node(index, position_id=position_id, parent_id=parent_id, stance=stance,
                              votes=hist, hidden=hidden, withdrawn=withdrawn)  # fmt: skip
            holder.children.append(node)
            nodes[index] = node
        return positions, nodes

    def scored(self) -> tuple[list[PositionNode], dict[int, ClaimNode]]:
        positions, nodes = self.build()
        selectors.score(positions)
        return positions, nodes

    def parent_of(self, index: int) -> int:
        return self.claims[index][0]

    def subtree(self, index: int) -> set[int]:
        inside = {index}
        for child, (parent, *_rest) in enumerate(self.claims):
            if parent in inside:
                inside.add(child)
        return inside

    def replace(self, index: int, **changes) -> Spec:
        parent, stance, hist, hidden, withdrawn = self.claims[index]
        row = {"parent": parent, "stance": stance, "hist": hist, "hidden": hidden,
               "withdrawn": withdrawn} | changes  # fmt: skip
        claims = list(self.claims)
        claims[index] = (row["parent"], row["stance"], row["hist"], row["hidden"],
                         row["withdrawn"])  # fmt: skip
        return Spec(self.positions, claims)


histograms = st.lists(st.integers(0, 6), min_size=5, max_size=5)


@st.composite
def specs(draw, *, max_claims: int = 25, allow_hidden: bool = True) -> Spec:
    """A random forest of pro and con claims under 1-3 positions, parents before children."""
    positions = draw(st.integers(1, 3))
    count = draw(st.integers(0, max_claims))
    claims = []
    for index in range(count):
        parent = draw(st.integers(-positions, index - 1))
        stance = draw(st.sampled_from(["pro", "con"]))
        hist = draw(histograms)
        hidden = allow_hidden and draw(st.integers(0, 7)) == 0
        withdrawn = allow_hidden and draw(st.integers(0, 7)) == 0
        claims.append((parent, stance, hist, hidden, withdrawn))
    return Spec(positions, claims)


def non_empty(spec: Spec) -> bool:
    return bool(spec.claims)


@relaxed
@given(spec=specs())
def test_every_strength_stays_between_zero_and_one(spec):
    positions, nodes = spec.scored()

    for node in [*positions, *nodes.values()]:
        assert 0.0 <= node.strength <= 1.0
        assert 0.0 <= node.base_score < 1.0


@relaxed
@given(spec=specs())
def test_claim_without_shown_replies_keeps_its_base_score(spec):
    positions, nodes = spec.scored()

    for node in nodes.values():
        assert node.base_score == scoring.base_score(spec.claims[node.id][2])
        if node.is_visible and not any(child.is_visible for child in node.children):
            assert node.strength == node.base_score
    for position in positions:
        if not any(child.is_visible for child in position.children):
            assert position.strength == 0.5


@relaxed
@given(spec=specs(), data=st.data())
def test_adding_a_reply_of_strength_zero_changes_nothing(spec, data):
    """A hidden or withdrawn reply counts as strength 0; adding one anywhere changes nothing."""
    before = spec.scored()
    parent = data.draw(st.integers(-spec.positions, len(spec.claims) - 1), label="parent")
    hidden = data.draw(st.booleans(), label="hidden")
    extra = (parent, data.draw(st.sampled_from(["pro", "con"])), data.draw(histograms),
             hidden, not hidden)  # fmt: skip
    after = Spec(spec.positions, [*spec.claims, extra]).scored()

    assert [p.strength for p in after[0]] == [p.strength for p in before[0]]
    for index, node in before[1].items():
        assert after[1][index].strength == node.strength
    assert after[1][len(spec.claims)].strength == 0.0


def _parent_strength(spec: Spec, scored, index: int) -> float:
    positions, nodes = scored
    parent = spec.parent_of(index)
    return positions[-parent - 1].strength if parent < 0 else nodes[parent].strength


@relaxed
@given(spec=specs().filter(non_empty), data=st.data())
def test_a_stronger_attacker_never_raises_and_a_stronger_supporter_never_lowers_its_parent(
    spec, data
):
    index = data.draw(st.integers(0, len(spec.claims) - 1), label="claim")
    parent, stance, hist, hidden, withdrawn = spec.claims[index]
    assume(not (hidden or withdrawn))
    more = data.draw(st.integers(1, 5), label="extra decisive votes")
    stronger = spec.replace(index, hist=[*hist[:4], hist[4] + more])
    before, after = spec.scored(), stronger.scored()

    assert after[1][index].strength >= before[1][index].strength
    old, new = _parent_strength(spec, before, index), _parent_strength(spec, after, index)
    if stance == "con":
        assert new <= old + 1e-12
    else:
        assert new >= old - 1e-12


@relaxed
@given(spec=specs().filter(non_empty), data=st.data())
def test_only_a_claims_descendants_affect_its_strength(spec, data):
    index = data.draw(st.integers(0, len(spec.claims) - 1), label="claim")
    outside = [i for i in range(len(spec.claims)) if i not in spec.subtree(index)]
    assume(outside)
    other = data.draw(st.sampled_from(outside), label="changed claim")
    changed = spec.replace(other, hist=data.draw(histograms, label="new votes"),
                           stance=data.draw(st.sampled_from(["pro", "con"])))  # fmt: skip

    assert changed.scored()[1][index].strength == spec.scored()[1][index].strength


@relaxed
@given(spec=specs().filter(non_empty))
def test_hidden_and_withdrawn_claims_take_no_part(spec):
    """Scores equal those of the same map with every hidden or withdrawn subtree cut away."""
    positions, nodes = spec.scored()
    gone: set[int] = set()
    for index, (_parent, _stance, _hist, hidden, withdrawn) in enumerate(spec.claims):
        if hidden or withdrawn:
            gone |= spec.subtree(index)
    kept = [i for i in range(len(spec.claims)) if i not in gone]
    renumber = {old: new for new, old in enumerate(kept)}
    pruned = Spec(spec.positions, [
        (parent if parent < 0 else renumber[parent], *rest)
        for index, (parent, *rest) in enumerate(spec.claims) if index in renumber
    ]).scored()  # fmt: skip

    for index in gone:
        if not nodes[index].is_visible:
            assert nodes[index].strength == 0.0
    assert [p.strength for p in pruned[0]] == [p.strength for p in positions]
    for old, new in renumber.items():
        assert pruned[1][new].strength == nodes[old].strength


class Counting:
    """Patch scoring.strength and scoring.base_score to count their calls."""

    def __init__(self, monkeypatch):
        self.strength_calls = 0
        self.base_calls = 0
        real_strength, real_base = scoring.strength, scoring.base_score

        def strength(tau, attackers, supporters):
            self.strength_calls += 1
            return real_strength(tau, attackers, supporters)

        def base_score(hist):
            self.base_calls += 1
            return real_base(hist)

        monkeypatch.setattr(scoring, "strength", strength)
        monkeypatch.setattr(scoring, "base_score", base_score)


@settings(max_examples=25)
def _values(nodes):
    return list(nodes.values()) if isinstance(nodes, dict) else nodes


@relaxed
@given(spec=specs(max_claims=60, allow_hidden=False))
def test_score_computes_each_strength_once(spec):
    positions, nodes = spec.build()
    with pytest.MonkeyPatch.context() as monkeypatch:
        counting = Counting(monkeypatch)
        selectors.score(positions)

    # A claim without replies takes its base score as its strength: DF-QuAD is not called.
    answered = [node for node in _values(nodes) if node.children and node.is_visible]
    assert counting.strength_calls == len(answered) + len(positions)
    assert counting.base_calls == len(nodes)


def test_score_visits_each_node_of_a_large_deep_map_once(monkeypatch):
    positions = [position_node(1), position_node(2)]
    nodes = []
    for index in range(3000):
        # Even claims form one long chain under position 1; odd ones fan out under position 2.
        chain = nodes[-2] if len(nodes) >= 2 else positions[0]
        holder = positions[1] if index % 2 else chain
        node = claim_node(index, stance="con" if index % 3 else "pro", votes=histogram(index % 5))
        holder.children.append(node)
        nodes.append(node)

    counting = Counting(monkeypatch)

    selectors.score(positions)

    # A claim without replies takes its base score as its strength: DF-QuAD is not called.
    answered = [node for node in _values(nodes) if node.children and node.is_visible]
    assert counting.strength_calls == len(answered) + len(positions)
    assert counting.base_calls == len(nodes)


# --- The real read model: claims and votes in the database ---------------------------------


def cast(claim: Claim, *values: int) -> None:
    for value in values:
        VoteFactory(claim=claim, value=value)


@pytest.mark.django_db
def test_read_model_base_score_counts_each_active_vote(debate, position_now):
    claim = ClaimFactory(debate=debate, position=position_now)
    cast(claim, 4, 3, 3, 2)
    VoteFactory(claim=claim, value=0, is_withdrawn=True)  # withdrawn: not counted

    node = debate_map(debate).claims[claim.pk]

    assert node.tally.histogram == [0, 0, 1, 2, 1]
    assert node.base_score == 0.5  # 3 / (4 + 2)
    assert node.strength == node.base_score


@pytest.mark.django_db
def test_read_model_reproduces_worked_example_one(debate, position_now, position_after):
    s1 = ClaimFactory(debate=debate, position=position_now, stance=Stance.PRO)
    cast(s1, 4, 4, 4)  # tau 0.6
    a1 = ClaimFactory(debate=debate, position=position_now, stance=Stance.CON)
    cast(a1, 3, 3, 2)  # tau 0.4
    a2 = ClaimFactory(parent=a1, stance=Stance.CON)  # no votes: tau 0

    dmap = debate_map(debate)

    assert dmap.claims[s1.pk].strength == pytest.approx(0.6)
    assert dmap.claims[a2.pk].strength == 0.0
    assert dmap.claims[a1.pk].base_score == pytest.approx(0.4)
    assert dmap.claims[a1.pk].strength == pytest.approx(0.4)
    assert dmap.position(position_now.pk).strength == pytest.approx(0.6)
    assert dmap.position(position_after.pk).strength == 0.5


@pytest.fixture
def example_two(debate, position_now):
    p = ClaimFactory(debate=debate, position=position_now, stance=Stance.PRO)
    cast(p, 3, 3, 2)  # tau 0.4
    ClaimFactory(parent=p, stance=Stance.PRO)  # no votes: 0
    cast(ClaimFactory(parent=p, stance=Stance.PRO), 2, 1, 1)  # 0.2
    cast(ClaimFactory(parent=p, stance=Stance.CON), 4, 3, 3)  # 0.5
    weak = ClaimFactory(parent=p, stance=Stance.CON)  # no votes: 0
    return p, weak


@pytest.mark.django_db
def test_read_model_reproduces_worked_example_two(debate, position_now, example_two):
    p, _weak = example_two

    dmap = debate_map(debate)

    by_strength = sorted(round(c.strength, 3) for c in dmap.claims[p.pk].children)
    assert by_strength == [0.0, 0.0, 0.2, 0.5]
    assert dmap.claims[p.pk].strength == pytest.approx(0.28)
    assert dmap.position(position_now.pk).strength == pytest.approx(0.5 + 0.5 * 0.28)


@pytest.mark.django_db
@pytest.mark.parametrize("flag", ["is_withdrawn", "is_hidden"])
def test_read_model_leaves_out_a_withdrawn_or_hidden_attacker(debate, example_two, flag):
    p, weak = example_two
    Claim.objects.filter(pk=weak.pk).update(**{flag: True})

    dmap = debate_map(debate)

    assert weak.pk not in dmap.claims  # no replies: it leaves the map altogether
    assert dmap.claims[p.pk].strength == pytest.approx(0.28)


@pytest.mark.django_db
def test_read_model_scores_a_hidden_claim_with_replies_as_zero_for_moderators(debate, position_now):
    hidden = ClaimFactory(debate=debate, position=position_now, stance=Stance.CON,
                          is_hidden=True)  # fmt: skip
    cast(hidden, 4, 4)
    reply = ClaimFactory(parent=hidden, stance=Stance.PRO)

    for include_hidden in (False, True):
        dmap = debate_map(debate, include_hidden=include_hidden)
        assert dmap.claims[hidden.pk].strength == 0.0
        assert dmap.claims[reply.pk].strength == 0.0  # no votes
        assert dmap.position(position_now.pk).strength == 0.5


@pytest.mark.django_db
def test_read_model_matches_strength_computed_by_hand_on_a_deeper_map(debate, position_now):
    """Three levels with mixed stances; every value recomputed from scoring's formulas."""
    root = ClaimFactory(debate=debate, position=position_now)
    cast(root, 1, 2)
    attack = ClaimFactory(parent=root, stance=Stance.CON)
    cast(attack, 4, 4, 3)
    support = ClaimFactory(parent=root, stance=Stance.PRO)
    cast(support, 0)
    counter = ClaimFactory(parent=attack, stance=Stance.CON)
    cast(counter, 2, 3)
    backing = ClaimFactory(parent=attack, stance=Stance.PRO)

    dmap = debate_map(debate)

    tau = {c.pk: scoring.base_score(dmap.claims[c.pk].tally.histogram)
           for c in (root, attack, support, counter, backing)}  # fmt: skip
    assert tau[attack.pk] == pytest.approx((11 / 4) / 5)
    assert tau[backing.pk] == 0.0
    s_attack = scoring.strength(tau[attack.pk], [tau[counter.pk]], [tau[backing.pk]])
    s_root = scoring.strength(tau[root.pk], [s_attack], [tau[support.pk]])
    assert dmap.claims[attack.pk].strength == pytest.approx(s_attack)
    assert dmap.claims[root.pk].strength == pytest.approx(s_root)
    assert dmap.position(position_now.pk).strength == pytest.approx(
        scoring.strength(0.5, [], [s_root])
    )


def test_the_readmes_worked_example():
    """README, "Who is winning, and why": S (4, 4, 4) and an unrated U support P; A (2, 2, 2)
    attacks it and is rebutted by R (4)."""
    position = position_node(1)
    hang(position, claim_node(1, votes=histogram(4, 4, 4)))
    a = hang(position, claim_node(2, stance="con", votes=histogram(2, 2, 2)))
    r = hang(a, claim_node(3, parent_id=2, stance="con", votes=histogram(4)))
    hang(position, claim_node(4))

    selectors.score([position])

    assert a.base_score == pytest.approx(0.3)
    assert r.strength == pytest.approx(1 / 3)
    assert a.strength == pytest.approx(0.2)
    assert position.strength == pytest.approx(0.7)
    assert scoring.shown(position.strength) == "0.70"
    a.children.clear()
    selectors.score([position])
    assert position.strength == pytest.approx(0.65)
