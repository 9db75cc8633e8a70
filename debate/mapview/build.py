"""Building the map of a debate: one query per table, assembled in memory, no recursion.

`build_map` reads everything inside one repeatable-read transaction where it can, so the map
is exactly the debate at the version it reports, and can be cached under that version
(`mapview.cache`). What a viewer may see is decided by `mapview.visibility`; here that comes
in as the audience (moderators see hidden claims greyed, everyone else placeholders).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import CharField, Count, F, Func, Q, Value

from debate import permissions
from debate.arguments.models import Citation, Claim, Vote
from debate.debates import scoring
from debate.debates.models import Debate, Membership, Role
from debate.inputs import ascii_id
from debate.mapview import visibility
from debate.mapview.model import (
    CitationView,
    ClaimNode,
    DebateMap,
    EvidenceView,
    PositionNode,
    SourceView,
    TeamView,
)
from debate.sources.models import Evidence, Source

ALL_VOTERS = "all"
OBSERVERS = "observers"


def debate_version(debate_id: int) -> int:
    """The debate's commit-ordered version (1 query): a cheap 'has anything changed?'."""
    return Debate.objects.filter(pk=debate_id).values_list("version", flat=True).first() or 0


def team_of(voters: str) -> int | None:
    """The team id of a `team:<id>` voters choice (ASCII digits only), else None."""
    return ascii_id(voters[5:]) if voters.startswith("team:") else None


def voters_filter(debate: Debate, voters: str) -> Q:
    """Whose votes count: everyone (`all`), `observers`, or one team (`team:<id>`), so a
    seminar can see whether debaters merely voted for their own side.

    "Everyone" leaves observers out unless the debate's set-up counts their votes: anyone
    may sign up and observe where observers are allowed, so a handful of fresh accounts
    would otherwise move the standings. Their votes still show under `observers`."""
    # Current memberships only (at most one per user and debate, so no vote is joined twice);
    # a removed member's votes stay as cast and count under "everyone".
    current = Q(user__memberships__ended_at__isnull=True)
    if voters == OBSERVERS:
        return Q(user__memberships__debate=debate, user__memberships__role=Role.OBSERVER) & current
    if (team := team_of(voters)) is not None:
        return Q(user__memberships__debate=debate, user__memberships__team_id=team) & current
    if not debate.count_observer_votes:
        # Anyone who observed, removed or not: removing a throw-away observer account must
        # not make its votes start counting.
        observers = Membership.all_objects.filter(debate=debate, role=Role.OBSERVER)
        return ~Q(user__in=observers.values("user_id"))
    return Q()


def voter_group_size(debate: Debate, voters: str) -> int | None:
    """How many people the voters filter covers (None: everyone, no group to protect)."""
    if voters == OBSERVERS:
        return Membership.objects.filter(debate=debate, role=Role.OBSERVER).count()
    if (team := team_of(voters)) is not None:
        return Membership.objects.filter(debate=debate, team_id=team).count()
    return None


def build_map(
    debate: Debate, *, include_hidden: bool = False, voters: str = ALL_VOTERS
) -> DebateMap:
    """The whole map of `debate` in a fixed number of queries (9 or 10), whatever its size."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            # One snapshot of the database for every query below, so the version read first
            # is the version of everything read after it.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return _read(debate, include_hidden=include_hidden, voters=voters)
    return _read(debate, include_hidden=include_hidden, voters=voters)


def _read(debate: Debate, *, include_hidden: bool, voters: str) -> DebateMap:
    # The row as of this snapshot, not the caller's (loaded earlier, perhaps before a phase
    # change): the map's controls and documents are of exactly its version.
    debate = Debate.objects.get(pk=debate.pk)
    version = debate.version
    positions = [
        PositionNode(**row)
        for row in debate.positions.values("id", "key", "title", "description", "order")
    ]
    teams = [TeamView(**row) for row in debate.teams.values("id", "name", "position_id")]
    sources = [
        SourceView(**row)
        for row in Source.objects.filter(debate=debate).values(
            "id", "title", "publication", "volume", "issue", "published_on", "url",
            "text_sha256", "revision",
        )
    ]  # fmt: skip
    audience = visibility.Audience(moderator=include_hidden)
    evidence = {
        row["id"]: EvidenceView(**row)
        for row in Evidence.objects.filter(visibility.evidence_q(audience), debate=debate).values(
            "id", "source_id", "quote", "start", "end", "paragraph", "status", "is_hidden"
        )
    }
    claims = {row[0]: ClaimNode(*row) for row in _claim_rows(debate)}
    citations = []
    for row in Citation.objects.filter(claim__debate=debate, is_hidden=False).values(
        "claim_id", "evidence_id", "relation"
    ):
        shown = evidence.get(row["evidence_id"])
        # Only approved evidence shows as a quote, even where it was cited before a
        # moderator rejected or hid it.
        if (
            row["claim_id"] in claims
            and shown is not None
            and visibility.evidence_citable(status=shown.status, is_hidden=shown.is_hidden)
        ):
            citation = CitationView(**row, evidence=shown)
            citations.append(citation)
            claims[row["claim_id"]].citations.append(citation)
    group = voter_group_size(debate, voters)
    withheld = group is not None and not visibility.group_breakdown_shown(audience, group)
    if not withheld:
        _tally(debate, claims, voters)

    parents = {node.id: node.parent_id for node in claims.values()}
    shown_claims = _assemble(positions, claims, include_hidden=include_hidden)
    names = visibility.names_for(audience, debate)
    authors = _name_authors(shown_claims, names)
    return DebateMap(
        debate=debate,
        positions=positions,
        claims=shown_claims,
        teams=teams,
        sources=sources,
        evidence=evidence,
        citations=[
            c for c in citations
            if c.claim_id in shown_claims and not shown_claims[c.claim_id].is_placeholder
        ],
        version=version,
        include_hidden=include_hidden,
        voters=voters,
        parents=parents,
        votes_withheld=withheld,
        strengths_shown=visibility.strengths_shown(debate, audience),
        _authors=authors,
        _pseudonyms=dict(names.pseudonyms),
    )  # fmt: skip


def _name_authors(claims: dict[int, ClaimNode], names: visibility.Names) -> dict[int, int]:
    """Name each claim's author as this map's audience may see them (in memory; `names` costs
    its one query in an anonymous debate, none elsewhere). Where usernames are hidden, the
    pseudonym replaces the username and the author's id leaves the node (returned, claim id
    to author id, for DebateMap.author_of); for moderators the pseudonym goes beside it."""
    authors: dict[int, int] = {}
    if not names.anonymous:
        return authors
    for node in claims.values():
        if node.author_id is None:
            continue
        if names.hidden:
            authors[node.id] = node.author_id
            node.author = names.shown(node.author_id, node.author)
            node.author_id = names.user_id_shown(node.author_id)
        else:
            node.pseudonym = names.pseudonym(node.author_id)
    return authors


_CLAIM_FIELDS = (
    "id", "position_id", "parent_id", "stance", "text", "author_id", "author__username",
    "team_id", "team__name", "version", "is_hidden", "is_withdrawn",
)  # fmt: skip
# What datetime.isoformat() writes for a UTC time, always with microseconds.
_ISO_UTC = 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'


def _claim_rows(debate: Debate):
    """Every claim of the debate as a tuple in ClaimNode's field order, oldest id first.

    The map carries times as ISO 8601 text, which is what every output writes and which
    sorts in time order. PostgreSQL writes it (its session runs in UTC, as Django sets it
    up): on a large debate, parsing and reformatting datetimes cost more than the query."""
    claims = Claim.objects.filter(debate=debate).order_by("id")
    if connection.vendor == "postgresql":
        # Tuples, not dicts: this is the largest table, and values() dicts cost a third more.
        return claims.annotate(
            created_iso=Func(F("created_at"), Value(_ISO_UTC), function="to_char",
                             output_field=CharField()),
            updated_iso=Func(F("updated_at"), Value(_ISO_UTC), function="to_char",
                             output_field=CharField()),
        ).values_list(*_CLAIM_FIELDS, "created_iso", "updated_iso")  # fmt: skip
    return (
        (*row[:-2], _iso(row[-2]), _iso(row[-1]))
        for row in claims.values_list(*_CLAIM_FIELDS, "created_at", "updated_at")
    )


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def _tally(debate: Debate, claims: dict[int, ClaimNode], voters: str) -> None:
    votes = (
        Vote.objects.active()
        .filter(voters_filter(debate, voters), claim__debate=debate)
        .values_list("claim_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    # The ORM's SQL, run on a plain cursor: these rows are three integers each, and Django's
    # per-row converters cost more than the query on a large debate.
    sql, params = votes.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for claim_id, value, count in cursor.fetchall():
            claims[claim_id].tally.histogram[value] = count


def _assemble(
    positions: list[PositionNode], claims: dict[int, ClaimNode], *, include_hidden: bool
) -> dict[int, ClaimNode]:
    """Hang claims under their parents, prune what the audience may not see, then score.

    One explicit stack, so a thread of any depth costs no recursion. Returns the claims kept,
    each with its depth and the number of claims kept below it."""
    by_position = {p.id: p for p in positions}
    children: dict[int | None, list[ClaimNode]] = defaultdict(list)
    for node in claims.values():
        children[node.parent_id].append(node)
    for node in claims.values():
        parent = claims.get(node.parent_id) if node.parent_id else None
        node.parent_team_id = parent.team_id if parent else None

    # Depth first, parents before children; then settle each node after all its children.
    order: list[ClaimNode] = []
    stack = [(node, 0) for node in reversed(children.get(None, []))]
    while stack:
        node, depth = stack.pop()
        node.depth = depth
        order.append(node)
        stack.extend((child, depth + 1) for child in reversed(children.get(node.id, [])))

    kept: dict[int, ClaimNode] = {}
    for node in reversed(order):
        node.answered = any(permissions.is_answer(child) for child in children.get(node.id, []))
        node.children = [child for child in children.get(node.id, []) if child.id in kept]
        node.size = sum(1 + child.size for child in node.children)
        if node.is_visible or include_hidden:
            kept[node.id] = node
        elif node.children:
            # A placeholder keeps the replies reachable and says nothing of what it was.
            node.is_placeholder = True
            node.text = ""
            node.author = None
            node.author_id = None
            node.team = None
            node.team_id = None
            node.citations = []
            kept[node.id] = node
    for node in children.get(None, []):
        if node.id in kept:
            by_position[node.position_id].children.append(node)
    score(positions)
    # Keep id order, as the rows were read: exports and tests rely on it.
    return {claim_id: kept[claim_id] for claim_id in claims if claim_id in kept}


def score(positions: list[PositionNode]) -> None:
    """DF-QuAD strengths, leaves first, each node once (an explicit stack). Hidden and
    withdrawn claims (kept only as placeholders or for moderators) take no part: their
    strength counts as 0."""
    order: list[ClaimNode] = []
    stack = [c for p in positions for c in p.children]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(node.children)
    for node in reversed(order):
        tau = node.base_score = scoring.base_score(node.tally.histogram)
        if not node.is_visible:
            node.strength = 0.0
        elif node.children:
            node.strength = _strength_of(tau, node.children)
        else:  # most claims: no attack, no support, so the strength is the base score
            node.strength = tau
    for position in positions:
        position.strength = _strength_of(position.base_score, position.children)


def _strength_of(tau: float, children: list[ClaimNode]) -> float:
    return scoring.strength(
        tau,
        attackers=[c.strength for c in children if c.is_visible and c.stance == "con"],
        supporters=[c.strength for c in children if c.is_visible and c.stance == "pro"],
    )


def rescore_path(dmap: DebateMap, claim_id: int) -> list[ClaimNode]:
    """Recompute the strengths from `claim_id` up to its position after its tally changed,
    in place; the claims whose strength may have changed, the claim first."""
    path = dmap.path_to(claim_id)
    for node in reversed(path):
        node.base_score = scoring.base_score(node.tally.histogram)
        node.strength = _strength_of(node.base_score, node.children) if node.is_visible else 0.0
    if path:
        position = dmap.position(path[0].position_id)
        position.strength = _strength_of(position.base_score, position.children)
    return list(reversed(path))
