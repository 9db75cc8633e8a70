"""The audit trail read as sentences: "ana_k attacked #31: “…”", "moderator rejected evidence
#12: off topic".

A sentence is a list of pieces (text, optionally a link) that the template escapes one by
one, so nothing a user wrote is ever marked safe. The people, claims, positions and teams an
event names are loaded in bulk for the whole page (`audit_lines`), so a page costs the same
few queries whatever its events are.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

QUOTE_MAX = 80  # characters of a claim, quote or reason shown inside a sentence


@dataclass(frozen=True)
class Piece:
    """One run of a sentence: plain text, or a link when `href` is set. `typed` marks text a
    person wrote (a name, a claim, a reason): the page isolates it (<bdi>), so a stray
    right-to-left mark in it cannot reorder the rest of the sentence."""

    text: str
    href: str = ""
    typed: bool = False


@dataclass
class Names:
    """What the page's events refer to, loaded once per page: id → display value."""

    slug: str
    users: dict[int, str] = field(default_factory=dict)
    positions: dict[int, str] = field(default_factory=dict)
    teams: dict[int, str] = field(default_factory=dict)
    # The moderators' names policy (visibility.names_for): in an anonymous debate every
    # person reads "ana_k (Participant 7)", the trail being the moderators' alone.
    people: Any = None

    def person(self, user_id: int | None, username: str | None) -> str | None:
        return self.people.label(user_id, username) if self.people is not None else username


@dataclass(frozen=True)
class AuditLine:
    event: Any
    pieces: list[Piece]

    @property
    def before_json(self) -> str:
        return _pretty(self.event.before)

    @property
    def after_json(self) -> str:
        return _pretty(self.event.after)


def _pretty(state: Any) -> str:
    """A stored state as indented JSON (the template escapes it), or "" when there is none."""
    return "" if state is None else json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True)


def clip(text: Any, limit: int = QUOTE_MAX) -> str:
    """`text` cut at `limit` characters with an ellipsis, for quoting inside a sentence."""
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _state(event: Any) -> dict:
    """The event's after state, or its before state when there is no after (a withdrawal)."""
    for state in (event.after, event.before):
        if isinstance(state, dict):
            return state
    return {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# -- the pieces sentences are made of -----------------------------------------------------


def _claim(names: Names, claim_id: Any) -> Piece:
    claim_id = _int(claim_id)
    if claim_id is None:
        return Piece("a claim")
    return Piece(f"#{claim_id}", reverse("claim", args=[names.slug, claim_id]))


def _quote(text: Any) -> Piece:
    return Piece(f"“{clip(text)}”", typed=True)


def _because(reason: Any) -> list[Piece]:
    """The pieces for ": <reason>", when the moderator gave a reason."""
    return [Piece(": "), Piece(clip(reason), typed=True)] if str(reason or "").strip() else []


def _position(names: Names, position_id: Any) -> Piece:
    title = names.positions.get(_int(position_id) or 0)
    return Piece(f"“{clip(title)}”", typed=True) if title else Piece("a position")


def _team(names: Names, team_id: Any) -> Piece:
    name = names.teams.get(_int(team_id) or 0)
    return Piece(name, typed=True) if name else Piece("a team")


def _user(names: Names, user_id: Any) -> Piece:
    name = names.users.get(_int(user_id) or 0)
    return Piece(name, typed=True) if name else Piece("someone")


def _evidence(event: Any) -> Piece:
    return Piece(f"evidence #{event.object_id}")


# -- one function per action ----------------------------------------------------------------

Sentence = Callable[[Any, Names], list[Piece]]


def _claim_create(event: Any, names: Names) -> list[Piece]:
    state = _state(event)
    href = reverse("claim", args=[names.slug, event.object_id])
    quote = Piece(f"“{clip(state.get('text'))}”", href, typed=True)
    parent, pro = state.get("parent_id"), state.get("stance") == "pro"
    if _int(parent) is None:
        verb = "argued for " if pro else "argued against "
        return [Piece(verb), _position(names, state.get("position_id")), Piece(": "), quote]
    return [Piece("supported " if pro else "attacked "), _claim(names, parent), Piece(": "), quote]


def _claim_edit(event: Any, names: Names) -> list[Piece]:
    return [Piece("edited "), _claim(names, event.object_id), Piece(": "),
            _quote(_state(event).get("text"))]  # fmt: skip


def _claim_move(event: Any, names: Names) -> list[Piece]:
    state = _state(event)
    where = (
        [Piece("under "), _claim(names, state.get("parent_id"))]
        if _int(state.get("parent_id")) is not None
        else [Piece("under the position "), _position(names, state.get("position_id"))]
    )
    return [Piece("moved "), _claim(names, event.object_id), Piece(" "), *where]


def _claim_hide(event: Any, names: Names) -> list[Piece]:
    return [Piece("hid "), _claim(names, event.object_id),
            *_because(_state(event).get("hidden_reason"))]  # fmt: skip


def _claim_merge(event: Any, names: Names) -> list[Piece]:
    into = _state(event).get("merged_into_id")
    return [Piece("merged "), _claim(names, event.object_id), Piece(" into "), _claim(names, into)]


def _citation_add(event: Any, names: Names) -> list[Piece]:
    state = _state(event)
    how = " as a concession in " if state.get("relation") == "concedes" else " in support of "
    return [Piece(f"cited evidence #{state.get('evidence_id')}{how}"),
            _claim(names, state.get("claim_id"))]  # fmt: skip


def _vote_cast(event: Any, names: Names) -> list[Piece]:
    after, before = event.after or {}, event.before or {}
    claim = _claim(names, after.get("claim_id"))
    if before.get("value") is not None:
        return [Piece("changed their vote on "), claim,
                Piece(f" from {before.get('value')} to {after.get('value')}")]  # fmt: skip
    return [Piece(f"voted {after.get('value')} on "), claim]


def _flag_create(event: Any, names: Names) -> list[Piece]:
    state = _state(event)
    kind = str(state.get("fallacy") or state.get("kind") or "a problem").replace("_", " ")
    return [Piece("flagged "), _claim(names, state.get("claim_id")), Piece(f" as {kind}"),
            *_because(state.get("note"))]  # fmt: skip


def _flag_closed(verb: str) -> Sentence:
    def sentence(event: Any, names: Names) -> list[Piece]:
        state = _state(event)
        return [Piece(f"{verb} the flag on "), _claim(names, state.get("claim_id")),
                *_because(state.get("resolution_reason"))]  # fmt: skip

    return sentence


def _evidence_verb(verb: str, reason_key: str = "") -> Sentence:
    def sentence(event: Any, names: Names) -> list[Piece]:
        reason = _because(_state(event).get(reason_key)) if reason_key else []
        return [Piece(f"{verb} "), _evidence(event), *reason]

    return sentence


def _evidence_propose(event: Any, names: Names) -> list[Piece]:
    return [Piece("proposed "), _evidence(event), Piece(": "), _quote(_state(event).get("quote"))]


def _phase(event: Any, names: Names) -> list[Piece]:
    return [Piece(f"moved the debate to the {_state(event).get('phase', '?')} phase")]


def _membership_join(event: Any, names: Names) -> list[Piece]:
    state = _state(event)
    if _int(state.get("team_id")) is not None:
        return [Piece("joined "), _team(names, state.get("team_id"))]
    return [Piece(f"joined as {_role(state.get('role'))}")]


def _role(role: Any) -> str:
    return {"observer": "an observer", "debater": "a debater", "moderator": "a moderator"}.get(
        str(role), str(role or "a member")
    )


def _membership_set(event: Any, names: Names) -> list[Piece]:
    state = _state(event)
    team = [Piece(" in "), _team(names, state.get("team_id"))] if state.get("team_id") else []
    return [Piece("made "), _user(names, state.get("user_id")),
            Piece(f" {_role(state.get('role'))}"), *team]  # fmt: skip


def _membership_end(event: Any, names: Names) -> list[Piece]:
    user_id = (event.before or {}).get("user_id") or _state(event).get("user_id")
    return [Piece("removed "), _user(names, user_id), Piece(" from the debate")]


def _poll(which: str) -> Sentence:
    def sentence(event: Any, names: Names) -> list[Piece]:
        return [Piece(f"answered the {which} poll: "),
                _position(names, _state(event).get("position_id"))]  # fmt: skip

    return sentence


def _titled(verb: str, key: str = "title") -> Sentence:
    def sentence(event: Any, names: Names) -> list[Piece]:
        return [Piece(f"{verb} "), _quote(_state(event).get(key))]

    return sentence


def _team_create(event: Any, names: Names) -> list[Piece]:
    state = _state(event)
    return [Piece("added the team "), Piece(clip(state.get("name")), typed=True), Piece(" for "),
            _position(names, state.get("position_id"))]  # fmt: skip


def _team_code(event: Any, names: Names) -> list[Piece]:
    return [Piece("made a new invite code for "), _team(names, event.object_id)]


def _debate_update(event: Any, names: Names) -> list[Piece]:
    before, after = event.before or {}, event.after or {}
    changed = sorted(k for k in after if before.get(k) != after.get(k))
    what = ", ".join(name.replace("_", " ") for name in changed) or "nothing"
    return [Piece(f"changed the debate's settings ({what})")]


def _debate_anonymous(event: Any, names: Names) -> list[Piece]:
    if (event.after or {}).get("anonymous"):
        return [Piece("made the debate anonymous: participants see pseudonyms only")]
    return [Piece("switched anonymous mode off: participants see usernames again")]


def _debate_split(event: Any, names: Names) -> list[Piece]:
    state = _state(event)
    count = _int(state.get("count"))
    how = "by hand" if state.get("assignment") == "hand" else "by team"
    groups = f"{count} small groups" if count else "small groups"
    return [Piece(f"split the debate into {groups}, members {how}")]


def _membership_split_in(event: Any, names: Names) -> list[Piece]:
    """One event for everyone a split put into this group: the counts by role (no list of
    people, which an anonymous group's trail would have to hide)."""
    state = _state(event)
    roles = ("debater", "observer", "moderator")
    counts = {role: _int(state.get(f"{role}s")) or 0 for role in roles}
    parts = [f"{n} {role}{'' if n == 1 else 's'}" for role, n in counts.items() if n]
    count = _int(state.get("count")) or 0
    return [Piece(f"added {count} member{'' if count == 1 else 's'} from the split"
                  + (f" ({', '.join(parts)})" if parts else ""))]  # fmt: skip


def _grade_set(event: Any, names: Names) -> list[Piece]:
    state = _state(event)
    return [Piece("graded "), _user(names, state.get("user_id")), Piece(": "),
            Piece(clip(state.get("value") or "no grade"), typed=True)]  # fmt: skip


def _grade_scale(event: Any, names: Names) -> list[Piece]:
    state = _state(event)
    if state.get("kind") == "points":
        return [Piece(f"set the grading scale to points out of {state.get('max_points')}")]
    letters = state.get("letters")
    shown = ", ".join(str(x) for x in letters) if isinstance(letters, list) else ""
    return [
        Piece("set the grading scale to letters"),
        *([Piece(f" ({clip(shown)})")] if shown else []),
    ]


def _feedback(verb: str) -> Sentence:
    def sentence(event: Any, names: Names) -> list[Piece]:
        return [Piece(f"{verb} "), _claim(names, _state(event).get("claim_id"))]

    return sentence


def _comment(verb: str, *, quoted: str = "") -> Sentence:
    """Comments (debate/comments): "commented on #7: “…”", "hid a comment on #7: reason"."""

    def sentence(event: Any, names: Names) -> list[Piece]:
        state = _state(event)
        tail = [Piece(": "), _quote(state.get("text"))] if quoted == "text" else []
        tail = _because(state.get("hidden_reason")) if quoted == "reason" else tail
        return [Piece(f"{verb} "), _claim(names, state.get("claim_id")), *tail]

    return sentence


def _targets_set(event: Any, names: Names) -> list[Piece]:
    state = _state(event)
    parts = [f"{value} {key.replace('_', ' ')}" for key, value in sorted(state.items())
             if isinstance(value, int) and not isinstance(value, bool) and value]  # fmt: skip
    return [Piece("set the targets: " + (", ".join(parts) or "none"))]


def _fixed(text: str) -> Sentence:
    def sentence(event: Any, names: Names) -> list[Piece]:
        return [Piece(text)]

    return sentence


SENTENCES: dict[str, Sentence] = {
    "claim.create": _claim_create,
    "claim.edit": _claim_edit,
    "claim.move": _claim_move,
    "claim.withdraw": lambda e, n: [Piece("withdrew "), _claim(n, e.object_id)],
    "claim.hide": _claim_hide,
    "claim.restore": lambda e, n: [Piece("restored "), _claim(n, e.object_id)],
    "claim.merge": _claim_merge,
    "citation.add": _citation_add,
    "vote.cast": _vote_cast,
    "vote.withdraw": lambda e, n: [
        Piece("withdrew their vote on "),
        _claim(n, (e.before or {}).get("claim_id")),
    ],  # fmt: skip
    "flag.create": _flag_create,
    "flag.dismissed": _flag_closed("dismissed"),
    "flag.hidden": _flag_closed("hid the claim and closed"),
    "flag.merged": _flag_closed("merged the claim and closed"),
    "evidence.propose": _evidence_propose,
    "evidence.approved": _evidence_verb("approved"),
    "evidence.rejected": _evidence_verb("rejected", "review_reason"),
    "evidence.hide": _evidence_verb("hid", "hidden_reason"),
    "evidence.restore": _evidence_verb("restored"),
    "source.create": _titled("added the source"),
    "source.update_text": _titled("replaced the text of the source"),
    "source.revise": _titled("revised the source"),
    "debate.create": _titled("created the debate"),
    "debate.import": _fixed("imported the debate"),
    "debate.clone": _titled("created this debate as a copy of", "cloned_from"),
    "debate.update": _debate_update,
    "debate.anonymous": _debate_anonymous,
    "debate.split": _debate_split,
    "debate.phase": _phase,
    "position.create": _titled("added the position"),
    "team.create": _team_create,
    "team.regenerate_code": _team_code,
    "membership.join": _membership_join,
    "membership.set": _membership_set,
    "membership.split_in": _membership_split_in,
    "membership.change": _membership_set,
    "membership.end": _membership_end,
    "poll.before": _poll("opening"),
    "poll.after": _poll("closing"),
    "snapshot.take": lambda e, n: [Piece(f"froze snapshot {_state(e).get('number', '?')}")],
    "targets.set": _targets_set,
    "grade.set": _grade_set,
    "grade_scale.set": _grade_scale,
    "grades.release": _fixed("released the grades and feedback"),
    "feedback.set": _feedback("left feedback on"),
    "feedback.remove": _feedback("removed the feedback on"),
    "comment.add": _comment("commented on", quoted="text"),
    "comment.edit": _comment("edited a comment on", quoted="text"),
    "comment.hide": _comment("hid a comment on", quoted="reason"),
    "comment.restore": _comment("restored a comment on"),
    "digest.subscribe": _fixed("subscribed to the email digest"),
    "digest.unsubscribe": _fixed("unsubscribed from the email digest"),
    # Account events carry no debate, so they never reach a debate's trail; worded anyway.
    "user.signup": _fixed("signed up"),
    "user.creator_grant": _fixed("was allowed to create debates"),
    "user.creator_revoke": _fixed("may no longer create debates"),
    "token.create": _titled("created the API token", "name"),
    "token.revoke": _fixed("revoked an API token"),
    "notices.read": _fixed("read their notices"),
}


def fallback(event: Any, names: Names) -> list[Piece]:
    """For an action without its own sentence: "<action> <object_type> #<id>"."""
    return [Piece(f"{event.action} {event.object_type} #{event.object_id}")]


def sentence_pieces(event: Any, names: Names) -> list[Piece]:
    """The whole sentence for one event, its actor first."""
    actor = names.person(event.actor_id, event.actor.username) if event.actor_id else ""
    build = SENTENCES.get(event.action, fallback)
    who = Piece(actor, typed=True) if actor else Piece("system")
    return [who, Piece(" "), *build(event, names)]


# -- loading what a page refers to --------------------------------------------------------


def _referenced(events: Iterable[Any]) -> dict[str, set[int]]:
    """The ids of people, positions and teams that the events' sentences name. Claims are
    named by number and quoted from the event itself (the text as it was then), so they need
    no query."""
    ids: dict[str, set[int]] = {"users": set(), "positions": set(), "teams": set()}
    for event in events:
        for state in (event.before, event.after):
            if not isinstance(state, dict):
                continue
            for key, kind in (("user_id", "users"), ("position_id", "positions"),
                              ("team_id", "teams")):  # fmt: skip
                if (value := _int(state.get(key))) is not None:
                    ids[kind].add(value)
        if event.object_type == "debates.team" and event.object_id:
            ids["teams"].add(event.object_id)
    return ids


def load_names(debate: Any, events: Sequence[Any]) -> Names:
    """At most four queries (people, positions, teams, and pseudonyms in an anonymous
    debate) whatever the events."""
    from debate.debates.models import Position, Team
    from debate.mapview.visibility import Audience, names_for

    ids = _referenced(events)
    names = Names(slug=debate.slug, people=names_for(Audience(moderator=True), debate))
    if ids["users"]:
        users = get_user_model().objects.filter(pk__in=ids["users"])
        names.users = {
            pk: names.person(pk, name) for pk, name in users.values_list("pk", "username")
        }
    if ids["positions"]:
        names.positions = dict(
            Position.objects.filter(debate=debate, pk__in=ids["positions"]).values_list(
                "pk", "title"
            )
        )
    if ids["teams"]:
        names.teams = dict(
            Team.objects.filter(debate=debate, pk__in=ids["teams"]).values_list("pk", "name")
        )
    return names


def audit_lines(debate: Any, events: Sequence[Any]) -> list[AuditLine]:
    """The page's events (actors selected with them), each with its sentence."""
    events = list(events)
    names = load_names(debate, events)
    return [AuditLine(event=event, pieces=sentence_pieces(event, names)) for event in events]
