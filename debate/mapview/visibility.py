"""The one visibility policy: what may this viewer see of a debate?

Every output asks here: the pages and fragments (through the read model), the API lists,
the source reader, the events feed, the live and frozen snapshots and their diffs. The rules
come as `Q` objects for querysets and as plain predicates for the read model and for stored
documents, so that one rule never exists in two spellings.

The rules, for anyone who is not a moderator of the debate:
- hidden and withdrawn claims: neither text nor author nor team (a placeholder keeps the
  tree whole where replies hang below);
- evidence: approved and not hidden, plus the viewer's own proposals (with the moderator's
  reason on them);
- citations: only of claims and evidence the viewer may see;
- people: no poll answer, no membership and no vote by person;
- vote breakdowns: none for a group of fewer than `MIN_GROUP` people, and no poll's counts
  below `MIN_GROUP` answers;
- standings and strengths: only from the phase the moderator chose (`strengths_shown`);
- activity notices: the words they quote of an object only while that object is shown;
- names: in an anonymous debate, pseudonyms only, never a username or a user id that another
  debate could tell them by (`names_for`); moderators see both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy

from debate import permissions
from debate.arguments.models import Citation, Claim
from debate.debates.models import PHASE_ORDER, Debate, StandingsFrom
from debate.sources.models import Evidence

MIN_GROUP = 3  # a vote breakdown of fewer people than this would show one person's vote


@dataclass(frozen=True)
class Audience:
    """Who is looking, as far as visibility goes: a moderator or not, and who (for their own
    proposals)."""

    moderator: bool
    user_id: int | None = None

    @property
    def key(self) -> str:
        """The part of a cache key that differs between audiences of one debate version."""
        return "m" if self.moderator else "p"


def audience_of(user: Any, debate: Debate) -> Audience:
    return Audience(
        moderator=permissions.is_moderator(user, debate),
        user_id=user.pk if getattr(user, "is_authenticated", False) else None,
    )


# --- debates -------------------------------------------------------------------------------


def visible_debates(user: Any = None) -> QuerySet[Debate]:
    """The debates this user may open, each with its claim count."""
    qs = Debate.objects.annotate(claim_count=Count("claims", distinct=True))
    if user is not None and getattr(user, "is_authenticated", False):
        if user.is_superuser:
            return qs
        return qs.filter(is_public=True) | qs.filter(
            memberships__user=user, memberships__ended_at__isnull=True  # current members only
        )
    return qs.public()


# --- claims --------------------------------------------------------------------------------


def claim_q(audience: Audience, prefix: str = "") -> Q:
    """Claims shown in full (for querysets of claims, or of rows that hang on a claim)."""
    if audience.moderator:
        return Q()
    return Q(**{f"{prefix}is_hidden": False, f"{prefix}is_withdrawn": False})


def claim_shown(audience: Audience, *, is_hidden: bool, is_withdrawn: bool) -> bool:
    return audience.moderator or not (is_hidden or is_withdrawn)


# --- comments on claims (debate/comments) ---------------------------------------------------


def comment_q(audience: Audience, prefix: str = "") -> Q:
    """Comments whose words and author this audience may see: moderators all; others those
    not hidden, under a claim they may see."""
    if audience.moderator:
        return Q()
    return Q(**{f"{prefix}is_hidden": False}) & claim_q(audience, f"{prefix}claim__")


# --- evidence ------------------------------------------------------------------------------


def evidence_q(audience: Audience, prefix: str = "") -> Q:
    """Evidence rows this audience may see at all (with their quote)."""
    if audience.moderator:
        return Q()
    shown = Q(**{f"{prefix}status": "approved", f"{prefix}is_hidden": False})
    if audience.user_id is not None:
        shown |= Q(**{f"{prefix}proposer_id": audience.user_id, f"{prefix}is_hidden": False})
    return shown


def evidence_citable(*, status: str, is_hidden: bool) -> bool:
    """Whether a piece of evidence shows as a quote on a claim: for everyone, moderators
    included, only approved and visible evidence is cited."""
    return status == "approved" and not is_hidden


def citable_evidence_q(prefix: str = "") -> Q:
    """`evidence_citable` for querysets: the quotes that show on claims and in the reader."""
    return Q(**{f"{prefix}status": "approved", f"{prefix}is_hidden": False})


def evidence_reason_shown(audience: Audience, *, proposer_id: int | None) -> bool:
    """A review's reason is for moderators and for the one who proposed the evidence."""
    return audience.moderator or (audience.user_id is not None and proposer_id == audience.user_id)


# --- citations -----------------------------------------------------------------------------


def citation_q(audience: Audience) -> Q:
    """Citations shown: of visible claims and of citable evidence (moderators: of any claim)."""
    return Q(is_hidden=False) & citable_evidence_q("evidence__") & claim_q(audience, "claim__")


# --- people --------------------------------------------------------------------------------


def group_breakdown_shown(audience: Audience, group_size: int) -> bool:
    return audience.moderator or group_size >= MIN_GROUP


def poll_counts_shown(total: int) -> bool:
    """A poll's counts and shares only once at least `MIN_GROUP` people answered it: with
    fewer, a share of 100% or 50% tells a classmate how each of them stands. The same for
    moderators on the results page, which everyone reads alike (the API never shows polls)."""
    return total >= MIN_GROUP


# --- names ----------------------------------------------------------------------------------

# Someone with no pseudonym in an anonymous debate (a superuser who never joined it): named,
# like everyone, by no username.
NAMELESS = gettext_lazy("A participant")


@dataclass(frozen=True)
class Names:
    """How one audience names the people of one debate. Outside anonymous debates: by
    username. In an anonymous one, everyone who is not its moderator sees pseudonyms only
    ("Participant 7"); moderators see the username with the pseudonym beside it."""

    anonymous: bool = False
    moderator: bool = False
    pseudonyms: Mapping[int, str] = field(default_factory=dict)  # user id → pseudonym

    @property
    def hidden(self) -> bool:
        """Whether this audience must never see a username, nor a user id that another debate
        could tell the person by."""
        return self.anonymous and not self.moderator

    @property
    def both(self) -> bool:
        """Whether outputs show the pseudonym beside the username (moderators, anonymous)."""
        return self.anonymous and self.moderator

    def shown(self, user_id: int | None, username: str | None) -> str | None:
        """The name in an output's author or actor field: the pseudonym where usernames are
        hidden, else the username (None for nobody)."""
        if user_id is None and username is None:
            return None
        if self.hidden:
            nameless = str(NAMELESS)
            return self.pseudonyms.get(user_id, nameless) if user_id is not None else nameless
        return username

    def pseudonym(self, user_id: int | None) -> str | None:
        """The person's pseudonym in an anonymous debate (None elsewhere, or for nobody)."""
        if not self.anonymous or user_id is None:
            return None
        return self.pseudonyms.get(user_id, str(NAMELESS))

    def label(self, user_id: int | None, username: str | None) -> str | None:
        """One string for a page: "Participant 7", or "ana_k (Participant 7)" for moderators
        of an anonymous debate, or the username."""
        if self.both and user_id is not None:
            return f"{username} ({self.pseudonym(user_id)})"
        return self.shown(user_id, username)

    def user_id_shown(self, user_id: int | None) -> int | None:
        """A user id in an output: none where usernames are hidden (an id seen beside a
        username in another debate would name the person)."""
        return None if self.hidden else user_id

    def user_of(self, pseudonym: str) -> int | None:
        """Who goes by this pseudonym here (case and spaces aside), for @mentions."""
        wanted = "".join(pseudonym.split()).casefold()
        for user_id, name in self.pseudonyms.items():
            if "".join(name.split()).casefold() == wanted:
                return user_id
        return None


def names_for(audience: Audience, debate: Debate, *, anonymous: bool | None = None) -> Names:
    """How `audience` names people in `debate` (1 query in an anonymous debate, none else).
    `anonymous` overrides the debate's setting: a snapshot frozen while anonymous stays so
    (`snapshot_anonymous`)."""
    from debate.people.models import Pseudonym, pseudonym_label

    if not (debate.anonymous if anonymous is None else anonymous):
        return Names()
    pseudonyms = {
        user_id: pseudonym_label(number)
        for user_id, number in Pseudonym.objects.filter(debate=debate).values_list(
            "user_id", "number"
        )
    }
    return Names(anonymous=True, moderator=audience.moderator, pseudonyms=pseudonyms)


def snapshot_anonymous(debate: Debate, *, frozen_anonymous: bool) -> bool:
    """Whether a frozen snapshot names people by pseudonym: if it was frozen while the debate
    was anonymous (switching anonymity off later reveals nothing frozen before), or if the
    debate is anonymous now (it was frozen with usernames, which are hidden today)."""
    return frozen_anonymous or debate.anonymous


# --- strengths -----------------------------------------------------------------------------


def strengths_shown(debate: Debate, audience: Audience | Any) -> bool:
    """Whether this audience sees the standings and every strength of the debate now: from
    the phase the moderator chose (`Debate.standings_from`) on, closed included; moderators
    always. Takes an Audience or anything with `is_moderator` (a page's viewer)."""
    moderator = getattr(audience, "moderator", None)
    if moderator is None:
        moderator = getattr(audience, "is_moderator", False)
    if moderator:
        return True
    return PHASE_ORDER.index(debate.phase) >= PHASE_ORDER.index(debate.standings_from)


# Per `Debate.standings_from`: a whole sentence each (the phase is part of its grammar).
STRENGTHS_LATER = {
    StandingsFrom.OPENING: gettext_lazy("Standings show from the opening phase."),
    StandingsFrom.REBUTTAL: gettext_lazy("Standings show from the rebuttal phase."),
    StandingsFrom.VOTING: gettext_lazy("Standings show from the voting phase."),
}


def strengths_later(debate: Debate) -> str:
    """What an output says instead of a strength it may not show yet."""
    return str(STRENGTHS_LATER.get(debate.standings_from, STRENGTHS_LATER[StandingsFrom.VOTING]))


def redact_strengths(document: dict) -> dict:
    """A document (live or frozen) without strengths or base scores, the stored one left
    untouched: for readers who may not see the standings yet (`strengths_shown`)."""
    blank = {"strength": None, "base_score": None}
    return {
        **document,
        "positions": [{**row, "strength": None} for row in document.get("positions", [])],
        "claims": [
            {**row, **{key: value for key, value in blank.items() if key in row}}
            for row in document.get("claims", [])
        ],
    }


# --- the events feed -----------------------------------------------------------------------

# Events about people (poll answers, roles and teams) and flags (who reported what, and why):
# others learn that something happened, never who or what.
# Grades and feedback (debate/grading) are moderators' until released, then the student's:
# the public feed says only that something was graded, never whom or how.
_PRIVATE_EVENTS = frozenset({
    "debates.pollresponse", "debates.membership", "moderation.flag",
    "grading.grade", "grading.feedback", "grading.gradescale",
})  # fmt: skip
# Tallies are anonymous, so no voter is named; accounts are their owners' business.
_ANONYMOUS_EVENTS = frozenset({"arguments.vote", "auth.user", "accounts.apitoken"})
# Who made a team is public; its state holds the invite code.
_STATELESS_EVENTS = frozenset({"debates.team"})
# Objects that can leave the map: their events say who and what only while the viewer may
# still see the object itself.
_CLAIM, _EVIDENCE, _CITATION = "arguments.claim", "sources.evidence", "arguments.citation"
_COMMENT = "comments.comment"  # a comment: while not hidden and its claim is shown
# The moderator's words in an evidence event's state, and the proposer's note to them.
_REVIEW_FIELDS = ("review_reason", "hidden_reason", "note")


@dataclass(frozen=True)
class EventObjects:
    """The claims, evidence and citations that a page of events is about, as they stand now:
    a claim hidden since it was written loses its author and words in its old events too."""

    shown: frozenset[tuple[str, int]] = frozenset()
    own_evidence: frozenset[int] = frozenset()


@dataclass(frozen=True)
class EventShown:
    actor: bool = True
    state: bool = True  # before and after
    review: bool = True  # the review fields of an evidence event's state


_ALL = EventShown()
_NOTHING = EventShown(actor=False, state=False, review=False)


def event_objects(audience: Audience, refs: Iterable[tuple[str, int | None]]) -> EventObjects:
    """Look up, in at most four queries, which objects of these (object_type, object_id)
    pairs this audience may see now. An object that no longer exists counts as not shown."""
    if audience.moderator:
        return EventObjects()
    wanted: dict[str, set[int]] = {_CLAIM: set(), _EVIDENCE: set(), _CITATION: set(),
                                   _COMMENT: set()}  # fmt: skip
    for object_type, object_id in refs:
        if object_type in wanted and object_id is not None:
            wanted[object_type].add(object_id)
    shown: set[tuple[str, int]] = set()
    if wanted[_CLAIM]:
        rows = Claim.objects.filter(claim_q(audience), pk__in=wanted[_CLAIM])
        shown |= {(_CLAIM, pk) for pk in rows.values_list("pk", flat=True)}
    own: set[int] = set()
    if wanted[_EVIDENCE]:
        rows = Evidence.objects.filter(evidence_q(audience), pk__in=wanted[_EVIDENCE])
        for pk, proposer_id in rows.values_list("pk", "proposer_id"):
            shown.add((_EVIDENCE, pk))
            if evidence_reason_shown(audience, proposer_id=proposer_id):  # the proposer's own
                own.add(pk)
    if wanted[_CITATION]:
        rows = Citation.objects.filter(
            claim_q(audience, "claim__") & evidence_q(audience, "evidence__"),
            pk__in=wanted[_CITATION],
        )
        shown |= {(_CITATION, pk) for pk in rows.values_list("pk", flat=True)}
    if wanted[_COMMENT]:
        from debate.comments.models import Comment

        rows = Comment.objects.filter(comment_q(audience), pk__in=wanted[_COMMENT])
        shown |= {(_COMMENT, pk) for pk in rows.values_list("pk", flat=True)}
    return EventObjects(shown=frozenset(shown), own_evidence=frozenset(own))


def event_shown(
    audience: Audience, objects: EventObjects, *, object_type: str, object_id: int | None
) -> EventShown:
    """What of one audit event this audience may see: its actor, its before and after, and
    (on evidence) the review's words. That it happened, and when, is public."""
    if audience.moderator:
        return _ALL
    if object_type in _PRIVATE_EVENTS:
        return _NOTHING
    if object_type in _ANONYMOUS_EVENTS:
        return EventShown(actor=False)
    if object_type in _STATELESS_EVENTS:
        return EventShown(state=False)
    if object_type in (_CLAIM, _EVIDENCE, _CITATION, _COMMENT) and (
        object_id is None or (object_type, object_id) not in objects.shown
    ):
        return _NOTHING
    if object_type == _EVIDENCE:
        # Who proposed it and what the moderator said: for the proposer (and moderators).
        own = object_id in objects.own_evidence
        return EventShown(actor=own, review=own)
    return _ALL


def event_state(state: dict | None, shown: EventShown) -> dict | None:
    """An event's before or after, as far as `shown` allows."""
    if state is None or not shown.state:
        return None
    if shown.review:
        return state
    return {key: value for key, value in state.items() if key not in _REVIEW_FIELDS}


# The keys of an event's state that name a person, by user id or username (model_state
# writes a foreign key as `<name>_id`): these, and every foreign key to a user in any model
# (`person_keys`), so that a new model's `reviewer` cannot be forgotten here.
_PERSON_KEYS = frozenset({
    "user", "user_id", "username", "author", "author_id", "proposer", "proposer_id",
    "created_by", "created_by_id", "ended_by", "ended_by_id", "actor", "actor_id",
    "student", "student_id", "voter", "voter_id", "reporter", "reporter_id",
    "members", "user_ids",
})  # fmt: skip


@cache
def person_keys() -> frozenset[str]:
    """`_PERSON_KEYS` and the name and attname of every foreign key to the user model."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    user = get_user_model()
    keys = set(_PERSON_KEYS)
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if getattr(f, "related_model", None) is user and f.concrete:
                keys |= {f.name, f.attname}
    return frozenset(keys)


def state_named(state: dict | None, names: Names) -> dict | None:
    """An event's (already shown) state without the keys that name a person where names are
    hidden: a user id beside a username in another debate would name them. A list of people
    (`members`, `user_ids`) goes whole: the state is flat, and a key is a person or not."""
    if state is None or not names.hidden:
        return state
    keys = person_keys()
    return {key: value for key, value in state.items() if key not in keys}


# --- activity notices ----------------------------------------------------------------------


def notices_withheld(user: Any, notices: Iterable[Any]) -> set[int]:
    """The notices (by id) whose words `user` may not read now: those that quote an object,
    named by the audit event that wrote the notice, which this user may no longer see in its
    debate (a rebuttal hidden or withdrawn since it was written). The rules are the events
    feed's: per debate, the user's audience and at most three queries (none as moderator)."""
    by_debate: dict[int, list[Any]] = {}
    for notice in notices:
        if notice.event_id is not None:
            by_debate.setdefault(notice.debate_id, []).append(notice)
    withheld: set[int] = set()
    for rows in by_debate.values():
        audience = audience_of(user, rows[0].debate)
        refs = [(n.event.object_type, n.event.object_id) for n in rows]
        objects = event_objects(audience, refs)
        withheld |= {
            n.pk for n in rows
            if not event_shown(audience, objects, object_type=n.event.object_type,
                               object_id=n.event.object_id).state
        }  # fmt: skip
    return withheld


# --- stored documents (frozen snapshots) ---------------------------------------------------


# What a placeholder of a hidden claim leaves blank (documents frozen before placeholders
# were blanked this way still name an author on some).
_PLACEHOLDER_BLANKS = ("text", "author", "team", "team_id")


@dataclass(frozen=True)
class DocumentHidden:
    """The claims and evidence of a stored document that this audience may not see now."""

    claims: frozenset[int] = frozenset()
    evidence: frozenset[int] = frozenset()
    # Of `claims`, those withdrawn now (their placeholders say `withdrawn: true`).
    withdrawn: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.claims or self.evidence)


def document_hidden(audience: Audience, debate_id: int, document: dict) -> DocumentHidden:
    """Which rows of a document frozen earlier must be redacted for this audience today (2
    queries; none for moderators): claims hidden or withdrawn since, or frozen as placeholders
    that still name someone, unless already blank; and evidence it may not see now. A claim
    or piece of evidence gone from the database counts as hidden."""
    if audience.moderator:
        return DocumentHidden()
    claims_shown, withdrawn = set(), set()
    for pk, is_hidden, is_withdrawn in Claim.objects.filter(debate_id=debate_id).values_list(
        "pk", "is_hidden", "is_withdrawn"
    ):
        if claim_shown(audience, is_hidden=is_hidden, is_withdrawn=is_withdrawn):
            claims_shown.add(pk)
        if is_withdrawn:
            withdrawn.add(pk)
    redacted = frozenset(
        row["id"] for row in document.get("claims", [])
        if (row.get("hidden") or row["id"] not in claims_shown)
        and any(row.get(key) is not None for key in _PLACEHOLDER_BLANKS)
    )  # fmt: skip
    evidence_shown = set(
        Evidence.objects.filter(evidence_q(audience), debate_id=debate_id).values_list(
            "pk", flat=True
        )
    )
    return DocumentHidden(
        claims=redacted,
        evidence=frozenset(
            row["id"] for row in document.get("evidence", []) if row["id"] not in evidence_shown
        ),
        withdrawn=redacted & withdrawn,
    )  # fmt: skip


def redact_document(document: dict, audience: Audience, hidden: DocumentHidden) -> dict:
    """A stored document as this audience may read it today, the stored one left untouched:
    hidden claims become placeholders (no text, author or team, so replies keep their parent;
    `hidden: true`, and `withdrawn: true` on a claim withdrawn since), hidden evidence goes,
    and so do the citations of either. Ids, votes, `content_hash` and everything else stay
    as frozen."""
    if audience.moderator or not hidden:
        return document
    placeholder = {**dict.fromkeys(_PLACEHOLDER_BLANKS), "hidden": True}

    def redacted(row: dict) -> dict:
        if row["id"] in hidden.withdrawn:
            return {**row, **placeholder, "withdrawn": True}
        return {**row, **placeholder}

    return {
        **document,
        "claims": [
            redacted(row) if row["id"] in hidden.claims else row
            for row in document.get("claims", [])
        ],
        "evidence": [
            row for row in document.get("evidence", []) if row["id"] not in hidden.evidence
        ],
        "citations": [
            row for row in document.get("citations", [])
            if row["claim_id"] not in hidden.claims and row["evidence_id"] not in hidden.evidence
        ],
    }  # fmt: skip


# --- pages kept for visitors -----------------------------------------------------------------

# Writes after which an older rendering may show what is no longer to be seen. A phase
# change too: moved back before `standings_from`, it takes the strengths away.
_TAKING_AWAY = ("claim.hide", "claim.withdraw", "claim.merge", "claim.edit", "evidence.hide",
                "evidence.rejected", "debate.update", "debate.phase", "debate.anonymous",
                "source.update_text", "source.revise")  # fmt: skip


def older_rendering_shown(debate: Debate, older: int, current: int) -> bool:
    """Whether a visitor may be shown a page of version `older` while `current` is being
    rendered: only if nothing between them took content away (1 query)."""
    from debate.audit.models import AuditEvent

    return not AuditEvent.objects.filter(
        debate=debate, version__gt=older, version__lte=current, action__in=_TAKING_AWAY
    ).exists()
