"""Notices worded when they are read, in the reader's language.

A notice stores its `kind` and `params` (ids, numbers, short quotes, `actor_id`), never a
sentence: each kind below turns them into one whole translatable sentence. The debate's
title comes from `notice.debate`, the person named from the READER's names policy
(visibility.Names: a pseudonym for participants of an anonymous debate, "username
(Participant N)" for its moderators), so a notice written before a debate became anonymous
names nobody by username to its students.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from debate.debates.models import Membership, Phase, Role
from debate.mapview.visibility import Names
from debate.moderation.models import Fallacy, FlagKind

Params = dict[str, Any]


def _label(choices: Any, value: Any) -> str:
    """A choice's translated label, lower case (the value itself if it is not one)."""
    try:
        return str(choices(value).label).lower()
    except ValueError:
        return str(value or "")


# -- one function per kind: (params, debate title, the actor's name) → sentence -----------


def claim_rebutted(p: Params, title: str, actor: str) -> str:
    return _("Your claim #%(claim)s was attacked: “%(quote)s”") % {
        "claim": p.get("claim"), "quote": p.get("quote", "")}  # fmt: skip


def claim_hidden(p: Params, title: str, actor: str) -> str:
    # Translators: %(reason)s is the moderator's reason, as they wrote it.
    return _("A moderator hid your claim #%(claim)s: %(reason)s") % {
        "claim": p.get("claim"), "reason": p.get("reason", "")}  # fmt: skip


def claim_restored(p: Params, title: str, actor: str) -> str:
    return _("A moderator restored your claim #%(claim)s: %(reason)s") % {
        "claim": p.get("claim"), "reason": p.get("reason", "")}  # fmt: skip


def claim_flagged(p: Params, title: str, actor: str) -> str:
    values = {"claim": p.get("claim"), "kind": _label(FlagKind, p.get("flag_kind"))}
    if p.get("fallacy"):
        values["fallacy"] = _label(Fallacy, p.get("fallacy"))
        # Translators: %(kind)s is the kind of flag ("fallacy"), %(fallacy)s which one.
        return _("Your claim #%(claim)s was flagged: %(kind)s (%(fallacy)s). A moderator will "
                 "look at it.") % values  # fmt: skip
    # Translators: %(kind)s is the kind of flag, e.g. "off-topic".
    return _("Your claim #%(claim)s was flagged: %(kind)s. A moderator will look at it.") % values


def claim_merged(p: Params, title: str, actor: str) -> str:
    return _("Your claim #%(claim)s was merged into #%(into)s: %(reason)s") % {
        "claim": p.get("claim"), "into": p.get("into"), "reason": p.get("reason", "")}  # fmt: skip


def evidence_approved(p: Params, title: str, actor: str) -> str:
    values = {"quote": p.get("quote", ""), "reason": p.get("reason", "")}
    if values["reason"]:
        return _("Your evidence “%(quote)s” was approved: %(reason)s") % values
    return _("Your evidence “%(quote)s” was approved.") % values


def evidence_rejected(p: Params, title: str, actor: str) -> str:
    values = {"quote": p.get("quote", ""), "reason": p.get("reason", "")}
    if values["reason"]:
        return _("Your evidence “%(quote)s” was rejected: %(reason)s") % values
    return _("Your evidence “%(quote)s” was rejected.") % values


def debate_phase(p: Params, title: str, actor: str) -> str:
    # Translators: %(phase)s is the name of a phase in lower case, e.g. "voting".
    return _("“%(title)s” moved to the %(phase)s phase.") % {
        "title": title, "phase": _label(Phase, p.get("phase"))}  # fmt: skip


def comment_new(p: Params, title: str, actor: str) -> str:
    # Translators: %(actor)s is the commenter's name or pseudonym, %(quote)s the claim.
    return _("%(actor)s commented on your claim #%(claim)s: “%(quote)s”.") % {
        "actor": actor, "claim": p.get("claim"), "quote": p.get("quote", "")}  # fmt: skip


def comment_mention(p: Params, title: str, actor: str) -> str:
    return _("%(actor)s mentioned you in a comment on #%(claim)s: “%(quote)s”.") % {
        "actor": actor, "claim": p.get("claim"), "quote": p.get("quote", "")}  # fmt: skip


def grade_released(p: Params, title: str, actor: str) -> str:
    return _("Your grade or feedback in “%(title)s” was released.") % {"title": title}


def group_placed(p: Params, title: str, actor: str) -> str:
    # Translators: %(group)s is the number of the small group, %(title)s its title.
    return _("You argue in small group %(group)s now: “%(title)s”.") % {
        "group": p.get("group"), "title": title}  # fmt: skip


def review_evidence(p: Params, title: str, actor: str) -> str:
    count = p.get("count") or 0
    return ngettext(
        "%(count)s evidence proposal waits for review in “%(title)s”",
        "%(count)s evidence proposals wait for review in “%(title)s”", count,
    ) % {"count": count, "title": title}  # fmt: skip


def review_flags(p: Params, title: str, actor: str) -> str:
    count = p.get("count") or 0
    return ngettext(
        "%(count)s flag waits for review in “%(title)s”",
        "%(count)s flags wait for review in “%(title)s”", count,
    ) % {"count": count, "title": title}  # fmt: skip


KINDS: dict[str, Callable[[Params, str, str], str]] = {
    "claim.rebutted": claim_rebutted,
    "claim.hidden": claim_hidden,
    "claim.restored": claim_restored,
    "claim.flagged": claim_flagged,
    "claim.merged": claim_merged,
    "evidence.approved": evidence_approved,
    "evidence.rejected": evidence_rejected,
    "debate.phase": debate_phase,
    "comment.new": comment_new,
    "comment.mention": comment_mention,
    "grade.released": grade_released,
    "group.placed": group_placed,
    "review.evidence": review_evidence,
    "review.flags": review_flags,
}


def notice_text(kind: str, params: Params, *, title: str, actor: str = "") -> str:
    """One notice's sentence in the active language. A line stored as {"text": ...} (written
    before notices had params, and not parsed by the migration) is shown verbatim."""
    params = params if isinstance(params, dict) else {}
    if "text" in params:
        return str(params["text"])
    render = KINDS.get(kind)
    if render is None:
        return _("Something happened in “%(title)s”.") % {"title": title}
    return render(params, title, actor)


def _key(notice: Any) -> int:
    return notice.pk if notice.pk is not None else id(notice)


def _names_by_debate(notices: Sequence[Any], reader: Any) -> dict[int, Names]:
    """The reader's names policy in each anonymous debate of the notices that name someone:
    two queries for the whole page (pseudonyms, and which of them the reader moderates)."""
    from debate.people.models import Pseudonym, pseudonym_label

    anonymous = {n.debate_id for n in notices if n.debate.anonymous}
    if not anonymous:
        return {}
    actors = {n.params.get("actor_id") for n in notices if n.debate_id in anonymous}
    pseudonyms: dict[int, dict[int, str]] = {debate_id: {} for debate_id in anonymous}
    rows = Pseudonym.objects.filter(debate_id__in=anonymous, user_id__in=actors - {None})
    for debate_id, user_id, number in rows.values_list("debate_id", "user_id", "number"):
        pseudonyms[debate_id][user_id] = pseudonym_label(number)
    if getattr(reader, "is_superuser", False):
        moderates = set(anonymous)
    else:
        moderates = set(
            Membership.objects.filter(
                user_id=getattr(reader, "pk", None), debate_id__in=anonymous,
                role=Role.MODERATOR,
            ).values_list("debate_id", flat=True)
        )  # fmt: skip
    return {
        debate_id: Names(anonymous=True, moderator=debate_id in moderates,
                         pseudonyms=pseudonyms[debate_id])  # fmt: skip
        for debate_id in anonymous
    }


def notice_texts(notices: Iterable[Any], reader: Any) -> dict[int, str]:
    """Each notice's sentence (by id) in the active language, for `reader`; also set as
    `notice.text`. At most three queries whatever the number of notices (the actors'
    usernames, and in anonymous debates the pseudonyms and the reader's moderator roles);
    none when no notice names anyone. Expects `debate` selected with the notices."""
    notices = list(notices)
    naming = [n for n in notices if isinstance(n.params, dict) and n.params.get("actor_id")
              and "text" not in n.params]  # fmt: skip
    usernames: dict[int, str] = {}
    names: dict[int, Names] = {}
    if naming:
        ids = {n.params["actor_id"] for n in naming}
        usernames = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))
        names = _names_by_debate(naming, reader)
    texts: dict[int, str] = {}
    for notice in notices:
        params = notice.params if isinstance(notice.params, dict) else {}
        actor = ""
        if (actor_id := params.get("actor_id")) is not None:
            policy = names.get(notice.debate_id, Names())
            actor = policy.label(actor_id, usernames.get(actor_id, "")) or ""
        text = notice_text(notice.kind, params, title=notice.debate.title, actor=actor)
        notice.text = texts[_key(notice)] = text
    return texts
