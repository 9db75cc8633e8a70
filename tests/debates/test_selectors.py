"""`debate_map`, the one read model of a debate: shape, tallies, redaction and query count."""

from __future__ import annotations

import pytest

from debate.arguments.models import Citation, Claim, Stance, Vote
from debate.debates.services import phase_change
from debate.mapview.build import debate_version
from debate.mapview.cache import debate_map
from debate.mapview.model import Tally
from debate.mapview.visibility import visible_debates as debate_list
from debate.sources.models import EvidenceStatus
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    DebateFactory,
    EvidenceFactory,
    MembershipFactory,
    UserFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db

# the version (to find the cache entry), then the build: version, positions, teams, sources,
# evidence, claims, citations, votes
MAP_QUERIES = 9


@pytest.fixture
def tree(debate, position_now, position_after, team_now, team_after):
    """position now: root <- (pro support, con rebuttal <- con counter); position after: other."""
    root = ClaimFactory(debate=debate, position=position_now, team=team_now, text="Root")
    support = ClaimFactory(parent=root, stance=Stance.PRO, team=team_now, text="Support")
    rebuttal = ClaimFactory(parent=root, stance=Stance.CON, team=team_after, text="Rebuttal")
    counter = ClaimFactory(parent=rebuttal, stance=Stance.CON, team=team_now, text="Counter")
    other = ClaimFactory(debate=debate, position=position_after, team=team_after, text="Other")
    return {"root": root, "support": support, "rebuttal": rebuttal, "counter": counter,
            "other": other}  # fmt: skip


def test_map_nests_claims_under_positions_and_parents_with_depth(debate, tree):
    result = debate_map(debate)

    now, after = result.positions
    assert [p.key for p in result.positions] == ["now", "after"]
    assert [c.text for c in now.children] == ["Root"]
    root = now.children[0]
    assert [c.text for c in root.children] == ["Support", "Rebuttal"]
    assert [c.text for c in root.children[1].children] == ["Counter"]
    assert [c.text for c in after.children] == ["Other"]
    depths = {node.text: node.depth for node in result.walk()}
    assert depths == {"Root": 0, "Support": 1, "Rebuttal": 1, "Counter": 2, "Other": 0}
    assert set(result.claims) == {claim.pk for claim in tree.values()}


def test_walk_visits_parents_before_children_in_position_order(debate, tree):
    order = [node.text for node in debate_map(debate).walk()]

    assert order == ["Root", "Support", "Rebuttal", "Counter", "Other"]


def test_map_marks_con_replies_from_the_other_team_as_rebuttals(debate, tree):
    claims = debate_map(debate).claims

    assert claims[tree["rebuttal"].pk].is_rebuttal
    assert claims[tree["counter"].pk].is_rebuttal
    assert not claims[tree["support"].pk].is_rebuttal
    assert not claims[tree["root"].pk].is_rebuttal


def test_map_carries_teams_sources_and_citations(debate, tree, source):
    evidence = EvidenceFactory(source=source, start=0, end=9)
    CitationFactory(claim=tree["root"], evidence=evidence, relation="supports")
    hidden = EvidenceFactory(source=source, start=10, end=16, is_hidden=True)
    CitationFactory(claim=tree["support"], evidence=hidden)

    result = debate_map(debate)

    assert [t.name for t in result.teams] == ["Team Now", "Team After"]
    assert [s.text_sha256 for s in result.sources] == [source.text_sha256]
    root = result.claims[tree["root"].pk]
    assert [(c.evidence.quote, c.relation) for c in root.citations] == [("Ukraine’s", "supports")]
    assert result.claims[tree["support"].pk].citations == []
    assert [c.evidence_id for c in result.citations] == [evidence.pk]


def test_tallies_count_mean_and_histogram_without_withdrawn_votes(debate, tree):
    claim = tree["root"]
    for value in (0, 2, 2, 4):
        VoteFactory(claim=claim, value=value)
    VoteFactory(claim=claim, value=4, is_withdrawn=True)
    VoteFactory(claim=tree["support"], value=1, is_withdrawn=True)

    result = debate_map(debate)

    tally = result.claims[claim.pk].tally
    assert tally.histogram == [1, 0, 2, 0, 1]
    assert tally.count == 4
    assert tally.mean == pytest.approx(2.0)
    empty = result.claims[tree["support"].pk].tally
    assert empty.count == 0
    assert empty.mean is None


def test_tally_mean_is_the_weighted_average_of_values():
    assert Tally(histogram=[0, 1, 0, 0, 2]).mean == pytest.approx(3.0)
    assert Tally(histogram=[3, 0, 0, 0, 0]).mean == pytest.approx(0.0)


def test_hidden_claim_with_visible_reply_stays_as_redacted_placeholder(debate, tree, source):
    Claim.objects.filter(pk=tree["rebuttal"].pk).update(is_hidden=True, hidden_reason="Abuse")
    CitationFactory(claim=tree["rebuttal"], evidence=EvidenceFactory(source=source))

    result = debate_map(debate, include_hidden=False)

    placeholder = result.claims[tree["rebuttal"].pk]
    assert placeholder.is_placeholder
    assert placeholder.text == ""
    assert placeholder.citations == []
    assert [c.text for c in placeholder.children] == ["Counter"]
    assert result.claims[tree["counter"].pk].depth == 2


def test_hidden_leaf_is_left_out_of_the_public_map(debate, tree):
    Claim.objects.filter(pk=tree["support"].pk).update(is_hidden=True)
    Claim.objects.filter(pk=tree["other"].pk).update(is_withdrawn=True)

    result = debate_map(debate, include_hidden=False)

    assert tree["support"].pk not in result.claims
    assert tree["other"].pk not in result.claims
    assert [c.text for c in result.claims[tree["root"].pk].children] == ["Rebuttal"]
    assert result.position(tree["other"].position_id).children == []


def test_hidden_chain_without_visible_reply_disappears_entirely(debate, tree):
    Claim.objects.filter(pk__in=[tree["rebuttal"].pk, tree["counter"].pk]).update(is_hidden=True)

    result = debate_map(debate)

    assert tree["rebuttal"].pk not in result.claims
    assert tree["counter"].pk not in result.claims
    assert [c.text for c in result.claims[tree["root"].pk].children] == ["Support"]


def test_moderator_view_shows_hidden_claims_with_their_text(debate, tree):
    Claim.objects.filter(pk=tree["rebuttal"].pk).update(is_hidden=True)
    Claim.objects.filter(pk=tree["support"].pk).update(is_hidden=True)

    result = debate_map(debate, include_hidden=True)

    assert set(result.claims) == {claim.pk for claim in tree.values()}
    rebuttal = result.claims[tree["rebuttal"].pk]
    assert rebuttal.text == "Rebuttal"
    assert rebuttal.is_hidden
    assert not rebuttal.is_placeholder
    assert result.claims[tree["support"].pk].text == "Support"
    assert result.include_hidden


def test_placeholder_citations_are_not_listed_in_the_public_map(debate, tree, source):
    Claim.objects.filter(pk=tree["rebuttal"].pk).update(is_hidden=True)
    CitationFactory(claim=tree["rebuttal"], evidence=EvidenceFactory(source=source))

    result = debate_map(debate, include_hidden=False)

    assert [c.claim_id for c in result.citations] == []


def test_map_version_is_the_debates_version_after_every_write(debate, moderator):
    before = debate_map(debate).version
    phase_change(actor=moderator, debate=debate, phase="voting")

    assert debate_map(debate).version == debate_version(debate.pk) == before + 1


def test_a_cached_map_costs_only_the_version_query(debate, position_now, django_assert_num_queries):
    ClaimFactory(debate=debate, position=position_now, text="Cached once.")
    first = debate_map(debate)

    with django_assert_num_queries(1):
        again = debate_map(debate)

    assert again is first


def test_map_contains_only_its_own_debate(debate, tree):
    other = DebateFactory()
    ClaimFactory(debate=other, text="Elsewhere")

    result = debate_map(debate)

    assert "Elsewhere" not in {node.text for node in result.walk()}
    assert len(result.claims) == len(tree)


def build_claims(debate, positions, teams, count):
    """`count` claims in levels of a bushy tree over both positions, with citations and votes.

    Written with bulk_create (PostgreSQL returns the ids), so 200 claims take a few queries.
    """
    voters = UserFactory.create_batch(3)
    evidence = EvidenceFactory(source__debate=debate, start=0, end=9)
    created: list[Claim] = []
    level: list[Claim | None] = [None]
    while len(created) < count:
        batch = []
        for parent in level:
            for index in range(4):
                if len(created) + len(batch) >= count:
                    break
                position = positions[index % 2] if parent is None else parent.position
                batch.append(
                    Claim(
                        debate=debate, position=position, parent=parent,
                        stance=Stance.PRO if index % 2 else Stance.CON,
                        team=teams[index % 2], text=f"Claim {len(created) + len(batch)}",
                    )
                )  # fmt: skip
        created += Claim.objects.bulk_create(batch)
        level = batch
    Vote.objects.bulk_create(
        Vote(user=voter, claim=claim, value=(claim.pk + n) % 5)
        for claim in created
        for n, voter in enumerate(voters)
    )
    Citation.objects.bulk_create(
        Citation(claim=claim, evidence=evidence, relation="supports") for claim in created[::3]
    )
    return created


@pytest.mark.parametrize("size", [10, 200])
def test_map_takes_the_same_number_of_queries_at_any_size(
    debate, position_now, position_after, team_now, team_after, django_assert_num_queries, size
):
    claims = build_claims(debate, [position_now, position_after], [team_now, team_after], size)
    Claim.objects.filter(pk=claims[1].pk).update(is_hidden=True)

    with django_assert_num_queries(MAP_QUERIES):
        result = debate_map(debate)

    assert len(result.claims) >= size - 1
    assert max(node.depth for node in result.walk()) >= 1
    assert sum(node.tally.count for node in result.walk()) >= 3 * (size - 1)


def test_debate_list_shows_public_debates_and_private_ones_the_user_belongs_to(debate):
    private = DebateFactory(is_public=False)
    member = MembershipFactory(debate=private, role="observer").user
    stranger = UserFactory()

    MembershipFactory.create_batch(2, debate=debate, role="observer")

    assert sorted(d.pk for d in debate_list(user=member)) == sorted([debate.pk, private.pk])
    assert [d.pk for d in debate_list(user=stranger)] == [debate.pk]
    assert [d.pk for d in debate_list()] == [debate.pk]


def test_evidence_in_the_map_is_approved_only_but_moderators_see_every_status(debate, source):
    EvidenceFactory(source=source, status=EvidenceStatus.PROPOSED, start=0, end=9)

    public, moderated = debate_map(debate), debate_map(debate, include_hidden=True)

    assert list(public.evidence.values()) == []  # the visibility policy: approved only
    assert [e.status for e in moderated.evidence.values()] == [EvidenceStatus.PROPOSED]
