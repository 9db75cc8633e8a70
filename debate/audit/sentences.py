"""The audit trail read as sentences: "ana_k attacked #31: “…”", "moderator rejected evidence
#12: off topic".

A sentence is ONE translatable string with named placeholders ("%(actor)s supported
%(claim)s: %(quote)s"), split at its placeholders into pieces (text, optionally a link) that
the template escapes one by one, so nothing a user wrote is ever marked safe, and the
translation may put the actor, claim and quote in any order. The people, claims, positions
and teams an event names are loaded in bulk for the whole page (`audit_lines`), so a page
costs the same few queries whatever its events are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


# -- a translated sentence, split into pieces --------------------------------------------

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def say(template: str, **values: Any) -> list[Piece]:
    """`template` (already translated, with %(name)s placeholders) as pieces: the text
    between placeholders as plain pieces, each placeholder as its value (a Piece, or text).
    "%%" stands for a literal percent sign."""
    pieces: list[Piece] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > position:
            pieces.append(Piece(template[position:match.start()].replace("%%", "%")))
        value = values[match.group(1)]
        pieces.append(value if isinstance(value, Piece) else Piece(str(value)))
        position = match.end()
    if position < len(template):
        pieces.append(Piece(template[position:].replace("%%", "%")))
    return [piece for piece in pieces if piece.text or piece.href]


# -- the pieces sentences are made of -----------------------------------------------------


def _claim(names: Names, claim_id: Any) -> Piece:
    claim_id = _int(claim_id)
    if claim_id is None:
        return Piece(_("a claim"))
    return Piece(f"#{claim_id}", reverse("claim", args=[names.slug, claim_id]))


def _quoted(text: Any) -> str:
    # Translators: quotation marks around a quoted text («%(text)s» in Ukrainian).
    return _("“%(text)s”") % {"text": clip(text)}


def _quote(text: Any) -> Piece:
    return Piece(_quoted(text), typed=True)


def _reason(reason: Any) -> Piece | None:
    """The moderator's reason, when they gave one."""
    return Piece(clip(reason), typed=True) if str(reason or "").strip() else None


def _position(names: Names, position_id: Any) -> Piece:
    title = names.positions.get(_int(position_id) or 0)
    return Piece(_quoted(title), typed=True) if title else Piece(_("a position"))


def _team(names: Names, team_id: Any) -> Piece:
    name = names.teams.get(_int(team_id) or 0)
    return Piece(name, typed=True) if name else Piece(_("a team"))


def _user(names: Names, user_id: Any) -> Piece:
    name = names.users.get(_int(user_id) or 0)
    return Piece(name, typed=True) if name else Piece(_("someone"))


def _label(choices: Any, value: Any) -> str:
    """A choice's translated label in lower case, or the stored value as it is."""
    try:
        return str(choices(value).label).lower()
    except ValueError:
        return str(value or "").replace("_", " ")


# -- one function per action: (event, names, actor piece) → pieces --------------------------

Sentence = Callable[[Any, Names, Piece], list[Piece]]


def _claim_create(event: Any, names: Names, actor: Piece) -> list[Piece]:
    state = _state(event)
    href = reverse("claim", args=[names.slug, event.object_id])
    quote = Piece(_quoted(state.get("text")), href, typed=True)
    parent, pro = state.get("parent_id"), state.get("stance") == "pro"
    if _int(parent) is None:
        position = _position(names, state.get("position_id"))
        if pro:
            return say(_("%(actor)s argued for %(position)s: %(quote)s"), actor=actor,
                       position=position, quote=quote)  # fmt: skip
        return say(_("%(actor)s argued against %(position)s: %(quote)s"), actor=actor,
                   position=position, quote=quote)  # fmt: skip
    claim = _claim(names, parent)
    if pro:
        return say(_("%(actor)s supported %(claim)s: %(quote)s"), actor=actor, claim=claim,
                   quote=quote)  # fmt: skip
    return say(_("%(actor)s attacked %(claim)s: %(quote)s"), actor=actor, claim=claim,
               quote=quote)  # fmt: skip


def _claim_edit(event: Any, names: Names, actor: Piece) -> list[Piece]:
    return say(_("%(actor)s edited %(claim)s: %(quote)s"), actor=actor,
               claim=_claim(names, event.object_id),
               quote=_quote(_state(event).get("text")))  # fmt: skip


def _claim_move(event: Any, names: Names, actor: Piece) -> list[Piece]:
    state = _state(event)
    claim = _claim(names, event.object_id)
    if _int(state.get("parent_id")) is not None:
        return say(_("%(actor)s moved %(claim)s under %(parent)s"), actor=actor, claim=claim,
                   parent=_claim(names, state.get("parent_id")))  # fmt: skip
    return say(_("%(actor)s moved %(claim)s under the position %(position)s"), actor=actor,
               claim=claim, position=_position(names, state.get("position_id")))  # fmt: skip


def _claim_hide(event: Any, names: Names, actor: Piece) -> list[Piece]:
    claim = _claim(names, event.object_id)
    if (reason := _reason(_state(event).get("hidden_reason"))) is not None:
        return say(_("%(actor)s hid %(claim)s: %(reason)s"), actor=actor, claim=claim,
                   reason=reason)  # fmt: skip
    return say(_("%(actor)s hid %(claim)s"), actor=actor, claim=claim)


def _claim_merge(event: Any, names: Names, actor: Piece) -> list[Piece]:
    return say(_("%(actor)s merged %(claim)s into %(into)s"), actor=actor,
               claim=_claim(names, event.object_id),
               into=_claim(names, _state(event).get("merged_into_id")))  # fmt: skip


def _citation_add(event: Any, names: Names, actor: Piece) -> list[Piece]:
    state = _state(event)
    values = {"actor": actor, "evidence": state.get("evidence_id"),
              "claim": _claim(names, state.get("claim_id"))}  # fmt: skip
    if state.get("relation") == "concedes":
        return say(_("%(actor)s cited evidence #%(evidence)s as a concession in %(claim)s"),
                   **values)  # fmt: skip
    return say(_("%(actor)s cited evidence #%(evidence)s in support of %(claim)s"), **values)


def _vote_cast(event: Any, names: Names, actor: Piece) -> list[Piece]:
    after, before = event.after or {}, event.before or {}
    claim = _claim(names, after.get("claim_id"))
    if before.get("value") is not None:
        return say(_("%(actor)s changed their vote on %(claim)s from %(old)s to %(new)s"),
                   actor=actor, claim=claim, old=before.get("value"),
                   new=after.get("value"))  # fmt: skip
    # Translators: %(value)s is the weight voted, e.g. "moderator voted 3 on #7".
    return say(_("%(actor)s voted %(value)s on %(claim)s"), actor=actor,
               value=after.get("value"), claim=claim)  # fmt: skip


def _vote_withdraw(event: Any, names: Names, actor: Piece) -> list[Piece]:
    return say(_("%(actor)s withdrew their vote on %(claim)s"), actor=actor,
               claim=_claim(names, (event.before or {}).get("claim_id")))  # fmt: skip


def _flag_create(event: Any, names: Names, actor: Piece) -> list[Piece]:
    from debate.moderation.models import Fallacy, FlagKind

    state = _state(event)
    if state.get("fallacy"):
        kind = _label(Fallacy, state.get("fallacy"))
    elif state.get("kind"):
        kind = _label(FlagKind, state.get("kind"))
    else:
        kind = _("a problem")
    values = {"actor": actor, "claim": _claim(names, state.get("claim_id")), "kind": kind}
    if (reason := _reason(state.get("note"))) is not None:
        # Translators: %(kind)s is the kind of flag or the fallacy, %(reason)s the note.
        return say(_("%(actor)s flagged %(claim)s as %(kind)s: %(reason)s"), reason=reason,
                   **values)  # fmt: skip
    return say(_("%(actor)s flagged %(claim)s as %(kind)s"), **values)


def _flag_closed(event: Any, names: Names, actor: Piece) -> list[Piece]:
    state = _state(event)
    values = {"actor": actor, "claim": _claim(names, state.get("claim_id"))}
    reason = _reason(state.get("resolution_reason"))
    if event.action == "flag.dismissed":
        if reason is not None:
            return say(_("%(actor)s dismissed the flag on %(claim)s: %(reason)s"),
                       reason=reason, **values)  # fmt: skip
        return say(_("%(actor)s dismissed the flag on %(claim)s"), **values)
    if event.action == "flag.hidden":
        if reason is not None:
            return say(_("%(actor)s hid the claim and closed the flag on %(claim)s: %(reason)s"),
                       reason=reason, **values)  # fmt: skip
        return say(_("%(actor)s hid the claim and closed the flag on %(claim)s"), **values)
    if reason is not None:
        return say(_("%(actor)s merged the claim and closed the flag on %(claim)s: %(reason)s"),
                   reason=reason, **values)  # fmt: skip
    return say(_("%(actor)s merged the claim and closed the flag on %(claim)s"), **values)


def _evidence(event: Any, names: Names, actor: Piece) -> list[Piece]:
    state = _state(event)
    values = {"actor": actor, "id": event.object_id}
    action = event.action
    if action == "evidence.propose":
        return say(_("%(actor)s proposed evidence #%(id)s: %(quote)s"),
                   quote=_quote(state.get("quote")), **values)  # fmt: skip
    if action == "evidence.approved":
        return say(_("%(actor)s approved evidence #%(id)s"), **values)
    if action == "evidence.restore":
        return say(_("%(actor)s restored evidence #%(id)s"), **values)
    if action == "evidence.rejected":
        if (reason := _reason(state.get("review_reason"))) is not None:
            return say(_("%(actor)s rejected evidence #%(id)s: %(reason)s"), reason=reason,
                       **values)  # fmt: skip
        return say(_("%(actor)s rejected evidence #%(id)s"), **values)
    if (reason := _reason(state.get("hidden_reason"))) is not None:
        return say(_("%(actor)s hid evidence #%(id)s: %(reason)s"), reason=reason, **values)
    return say(_("%(actor)s hid evidence #%(id)s"), **values)


def _phase(event: Any, names: Names, actor: Piece) -> list[Piece]:
    from debate.debates.models import Phase

    # Translators: %(phase)s is a phase's name in lower case, e.g. "voting".
    return say(_("%(actor)s moved the debate to the %(phase)s phase"), actor=actor,
               phase=_label(Phase, _state(event).get("phase", "?")))  # fmt: skip


def _membership_join(event: Any, names: Names, actor: Piece) -> list[Piece]:
    state = _state(event)
    if _int(state.get("team_id")) is not None:
        return say(_("%(actor)s joined %(team)s"), actor=actor,
                   team=_team(names, state.get("team_id")))  # fmt: skip
    role = str(state.get("role") or "")
    if role == "observer":
        return say(_("%(actor)s joined as an observer"), actor=actor)
    if role == "debater":
        return say(_("%(actor)s joined as a debater"), actor=actor)
    if role == "moderator":
        return say(_("%(actor)s joined as a moderator"), actor=actor)
    return say(_("%(actor)s joined as %(role)s"), actor=actor, role=role or _("a member"))


def _membership_set(event: Any, names: Names, actor: Piece) -> list[Piece]:
    state = _state(event)
    values = {"actor": actor, "user": _user(names, state.get("user_id"))}
    role = str(state.get("role") or "")
    if state.get("team_id"):
        values["team"] = _team(names, state.get("team_id"))
        if role == "debater":
            return say(_("%(actor)s made %(user)s a debater in %(team)s"), **values)
        if role == "observer":
            return say(_("%(actor)s made %(user)s an observer in %(team)s"), **values)
        if role == "moderator":
            return say(_("%(actor)s made %(user)s a moderator in %(team)s"), **values)
        return say(_("%(actor)s made %(user)s %(role)s in %(team)s"),
                   role=role or _("a member"), **values)  # fmt: skip
    if role == "debater":
        return say(_("%(actor)s made %(user)s a debater"), **values)
    if role == "observer":
        return say(_("%(actor)s made %(user)s an observer"), **values)
    if role == "moderator":
        return say(_("%(actor)s made %(user)s a moderator"), **values)
    return say(_("%(actor)s made %(user)s %(role)s"), role=role or _("a member"), **values)


def _membership_end(event: Any, names: Names, actor: Piece) -> list[Piece]:
    user_id = (event.before or {}).get("user_id") or _state(event).get("user_id")
    return say(_("%(actor)s removed %(user)s from the debate"), actor=actor,
               user=_user(names, user_id))  # fmt: skip


def _poll(event: Any, names: Names, actor: Piece) -> list[Piece]:
    position = _position(names, _state(event).get("position_id"))
    if event.action == "poll.before":
        return say(_("%(actor)s answered the opening poll: %(position)s"), actor=actor,
                   position=position)  # fmt: skip
    return say(_("%(actor)s answered the closing poll: %(position)s"), actor=actor,
               position=position)  # fmt: skip


def _titled(event: Any, names: Names, actor: Piece) -> list[Piece]:
    """Sentences that quote a title or a name from the event's state."""
    state = _state(event)
    templates = {
        "source.create": (_("%(actor)s added the source %(title)s"), "title"),
        "source.update_text": (_("%(actor)s replaced the text of the source %(title)s"), "title"),
        "source.revise": (_("%(actor)s revised the source %(title)s"), "title"),
        "debate.create": (_("%(actor)s created the debate %(title)s"), "title"),
        "debate.clone": (_("%(actor)s created this debate as a copy of %(title)s"),
                         "cloned_from"),  # fmt: skip
        "position.create": (_("%(actor)s added the position %(title)s"), "title"),
        "token.create": (_("%(actor)s created the API token %(title)s"), "name"),
    }
    template, key = templates[event.action]
    return say(template, actor=actor, title=_quote(state.get(key)))


def _team_create(event: Any, names: Names, actor: Piece) -> list[Piece]:
    state = _state(event)
    return say(_("%(actor)s added the team %(team)s for %(position)s"), actor=actor,
               team=Piece(clip(state.get("name")), typed=True),
               position=_position(names, state.get("position_id")))  # fmt: skip


def _team_code(event: Any, names: Names, actor: Piece) -> list[Piece]:
    return say(_("%(actor)s made a new invite code for %(team)s"), actor=actor,
               team=_team(names, event.object_id))  # fmt: skip


def _debate_update(event: Any, names: Names, actor: Piece) -> list[Piece]:
    before, after = event.before or {}, event.after or {}
    changed = sorted(k for k in after if before.get(k) != after.get(k))
    # The names of the settings are the fields' (machine) names, as the JSON below shows them.
    what = ", ".join(name.replace("_", " ") for name in changed) or _("nothing")
    # Translators: %(fields)s lists the changed settings by their field names.
    return say(_("%(actor)s changed the debate's settings (%(fields)s)"), actor=actor,
               fields=what)  # fmt: skip


def _debate_anonymous(event: Any, names: Names, actor: Piece) -> list[Piece]:
    if (event.after or {}).get("anonymous"):
        return say(_("%(actor)s made the debate anonymous: participants see pseudonyms only"),
                   actor=actor)  # fmt: skip
    return say(_("%(actor)s switched anonymous mode off: participants see usernames again"),
               actor=actor)  # fmt: skip


def _debate_split(event: Any, names: Names, actor: Piece) -> list[Piece]:
    state = _state(event)
    count = _int(state.get("count"))
    hand = state.get("assignment") == "hand"
    if count and hand:
        template = ngettext("%(actor)s split the debate into %(count)s small group, members "
                            "by hand",
                            "%(actor)s split the debate into %(count)s small groups, members by "
                            "hand", count)  # fmt: skip
    elif count:
        template = ngettext("%(actor)s split the debate into %(count)s small group, members "
                            "by team",
                            "%(actor)s split the debate into %(count)s small groups, members by "
                            "team", count)  # fmt: skip
    elif hand:
        template = _("%(actor)s split the debate into small groups, members by hand")
    else:
        template = _("%(actor)s split the debate into small groups, members by team")
    return say(template, actor=actor, count=count)


def _membership_split_in(event: Any, names: Names, actor: Piece) -> list[Piece]:
    """One event for everyone a split put into this group: the counts by role (no list of
    people, which an anonymous group's trail would have to hide)."""
    state = _state(event)
    counted = {
        "debater": lambda n: ngettext("%(count)s debater", "%(count)s debaters", n),
        "observer": lambda n: ngettext("%(count)s observer", "%(count)s observers", n),
        "moderator": lambda n: ngettext("%(count)s moderator", "%(count)s moderators", n),
    }
    parts = []
    for role, words in counted.items():
        if n := _int(state.get(f"{role}s")) or 0:
            parts.append(words(n) % {"count": n})
    count = _int(state.get("count")) or 0
    if parts:
        # Translators: %(roles)s lists the counts by role, e.g. "4 debaters, 1 observer".
        template = ngettext("%(actor)s added %(count)s member from the split (%(roles)s)",
                            "%(actor)s added %(count)s members from the split (%(roles)s)",
                            count)  # fmt: skip
    else:
        template = ngettext("%(actor)s added %(count)s member from the split",
                            "%(actor)s added %(count)s members from the split", count)  # fmt: skip
    return say(template, actor=actor, count=count, roles=", ".join(parts))


def _grade_set(event: Any, names: Names, actor: Piece) -> list[Piece]:
    state = _state(event)
    grade = Piece(clip(state.get("value")), typed=True) if state.get("value") else None
    return say(_("%(actor)s graded %(user)s: %(grade)s"), actor=actor,
               user=_user(names, state.get("user_id")), grade=grade or _("no grade"))  # fmt: skip


def _grade_scale(event: Any, names: Names, actor: Piece) -> list[Piece]:
    state = _state(event)
    if state.get("kind") == "points":
        return say(_("%(actor)s set the grading scale to points out of %(max)s"), actor=actor,
                   max=state.get("max_points"))  # fmt: skip
    letters = state.get("letters")
    shown = ", ".join(str(x) for x in letters) if isinstance(letters, list) else ""
    if shown:
        return say(_("%(actor)s set the grading scale to letters (%(letters)s)"), actor=actor,
                   letters=clip(shown))  # fmt: skip
    return say(_("%(actor)s set the grading scale to letters"), actor=actor)


def _feedback(event: Any, names: Names, actor: Piece) -> list[Piece]:
    claim = _claim(names, _state(event).get("claim_id"))
    if event.action == "feedback.set":
        return say(_("%(actor)s left feedback on %(claim)s"), actor=actor, claim=claim)
    return say(_("%(actor)s removed the feedback on %(claim)s"), actor=actor, claim=claim)


def _comment(event: Any, names: Names, actor: Piece) -> list[Piece]:
    """Comments (debate/comments): "commented on #7: “…”", "hid a comment on #7: reason"."""
    state = _state(event)
    values = {"actor": actor, "claim": _claim(names, state.get("claim_id"))}
    if event.action == "comment.add":
        return say(_("%(actor)s commented on %(claim)s: %(quote)s"),
                   quote=_quote(state.get("text")), **values)  # fmt: skip
    if event.action == "comment.edit":
        return say(_("%(actor)s edited a comment on %(claim)s: %(quote)s"),
                   quote=_quote(state.get("text")), **values)  # fmt: skip
    if event.action == "comment.hide":
        if (reason := _reason(state.get("hidden_reason"))) is not None:
            return say(_("%(actor)s hid a comment on %(claim)s: %(reason)s"), reason=reason,
                       **values)  # fmt: skip
        return say(_("%(actor)s hid a comment on %(claim)s"), **values)
    return say(_("%(actor)s restored a comment on %(claim)s"), **values)


def _targets_set(event: Any, names: Names, actor: Piece) -> list[Piece]:
    state = _state(event)
    # The targets by their (machine) names, as the JSON below shows them.
    parts = [f"{value} {key.replace('_', ' ')}" for key, value in sorted(state.items())
             if isinstance(value, int) and not isinstance(value, bool) and value]  # fmt: skip
    # Translators: %(targets)s lists counts by the targets' names, e.g. "3 claims, 2 rebuttals".
    return say(_("%(actor)s set the targets: %(targets)s"), actor=actor,
               targets=", ".join(parts) or _("none"))  # fmt: skip


def _simple(event: Any, names: Names, actor: Piece) -> list[Piece]:
    """Sentences that name nothing but the actor, and one claim or a snapshot's number."""
    state = _state(event)
    claim = _claim(names, event.object_id)
    templates = {
        "claim.withdraw": _("%(actor)s withdrew %(claim)s"),
        "claim.restore": _("%(actor)s restored %(claim)s"),
        "snapshot.take": _("%(actor)s froze snapshot %(number)s"),
        "debate.import": _("%(actor)s imported the debate"),
        "grades.release": _("%(actor)s released the grades and feedback"),
        "digest.subscribe": _("%(actor)s subscribed to the email digest"),
        "digest.unsubscribe": _("%(actor)s unsubscribed from the email digest"),
        "user.signup": _("%(actor)s signed up"),
        "user.creator_grant": _("%(actor)s was allowed to create debates"),
        "user.creator_revoke": _("%(actor)s may no longer create debates"),
        "token.revoke": _("%(actor)s revoked an API token"),
        "notices.read": _("%(actor)s read their notices"),
    }
    return say(templates[event.action], actor=actor, claim=claim,
               number=state.get("number", "?"))  # fmt: skip


SENTENCES: dict[str, Sentence] = {
    "claim.create": _claim_create,
    "claim.edit": _claim_edit,
    "claim.move": _claim_move,
    "claim.withdraw": _simple,
    "claim.hide": _claim_hide,
    "claim.restore": _simple,
    "claim.merge": _claim_merge,
    "citation.add": _citation_add,
    "vote.cast": _vote_cast,
    "vote.withdraw": _vote_withdraw,
    "flag.create": _flag_create,
    "flag.dismissed": _flag_closed,
    "flag.hidden": _flag_closed,
    "flag.merged": _flag_closed,
    "evidence.propose": _evidence,
    "evidence.approved": _evidence,
    "evidence.rejected": _evidence,
    "evidence.hide": _evidence,
    "evidence.restore": _evidence,
    "source.create": _titled,
    "source.update_text": _titled,
    "source.revise": _titled,
    "debate.create": _titled,
    "debate.import": _simple,
    "debate.clone": _titled,
    "debate.update": _debate_update,
    "debate.anonymous": _debate_anonymous,
    "debate.split": _debate_split,
    "debate.phase": _phase,
    "position.create": _titled,
    "team.create": _team_create,
    "team.regenerate_code": _team_code,
    "membership.join": _membership_join,
    "membership.set": _membership_set,
    "membership.split_in": _membership_split_in,
    "membership.change": _membership_set,
    "membership.end": _membership_end,
    "poll.before": _poll,
    "poll.after": _poll,
    "snapshot.take": _simple,
    "targets.set": _targets_set,
    "grade.set": _grade_set,
    "grade_scale.set": _grade_scale,
    "grades.release": _simple,
    "feedback.set": _feedback,
    "feedback.remove": _feedback,
    "comment.add": _comment,
    "comment.edit": _comment,
    "comment.hide": _comment,
    "comment.restore": _comment,
    "digest.subscribe": _simple,
    "digest.unsubscribe": _simple,
    # Account events carry no debate, so they never reach a debate's trail; worded anyway.
    "user.signup": _simple,
    "user.creator_grant": _simple,
    "user.creator_revoke": _simple,
    "token.create": _titled,
    "token.revoke": _simple,
    "notices.read": _simple,
}


def fallback(event: Any, names: Names, actor: Piece) -> list[Piece]:
    """For an action without its own sentence: "<actor> <action> <object_type> #<id>"."""
    # Translators: for an action without a sentence; %(action)s and %(type)s are codes.
    return say(_("%(actor)s %(action)s %(type)s #%(id)s"), actor=actor, action=event.action,
               type=event.object_type, id=event.object_id)  # fmt: skip


def sentence_pieces(event: Any, names: Names) -> list[Piece]:
    """The whole sentence for one event, its actor inside it (first in English)."""
    name = names.person(event.actor_id, event.actor.username) if event.actor_id else ""
    # Translators: the actor of an event that no person did (the app itself).
    actor = Piece(name, typed=True) if name else Piece(_("system"))
    return SENTENCES.get(event.action, fallback)(event, names, actor)


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
