from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from debate import permissions
from debate.activity.services import notice_send
from debate.arguments.models import (
    CLAIM_TEXT_MAX,
    MAX_REPLY_DEPTH,
    VOTE_MAX,
    VOTE_MIN,
    Citation,
    Claim,
    Relation,
    Stance,
    Vote,
)
from debate.audit.services import audit_record, debate_lock, model_state, rate_check
from debate.debates.models import Debate, Phase, Position, Team
from debate.errors import Conflict, InvalidInput, NotAllowed
from debate.sources.models import Evidence, EvidenceStatus
from debate.sources.services import REASON_MAX, bounded

CLAIM_FIELDS = ["position", "parent", "stance", "text", "team", "version", "is_hidden",
                "hidden_reason", "is_withdrawn", "merged_into"]  # fmt: skip
# Translators: %(limit)s is the most levels of replies a thread may have (40).
REPLY_TOO_DEEP = gettext_lazy(
    "Replies can go at most %(limit)s deep; this thread is %(limit)s deep "
    "already. Start a new thread under a higher claim."
)
# Translators: %(limit)s is the most levels of replies a thread may have (40).
MOVE_TOO_DEEP = gettext_lazy(
    "Replies can go at most %(limit)s deep, and under that claim this one's replies "
    "would go deeper. Choose a claim higher up."
)
# Why an author may no longer withdraw their claim, for each phase where that is so: one
# whole sentence per phase (a phase's name is not a word to put inside another sentence).
WITHDRAW_TOO_LATE = {
    Phase.SETUP: gettext_lazy(
        "In the setup phase claims can no longer be withdrawn; ask a moderator."),
    Phase.OPENING: gettext_lazy(
        "In the opening phase claims can no longer be withdrawn; ask a moderator."),
    Phase.REBUTTAL: gettext_lazy(
        "In the rebuttal phase claims can no longer be withdrawn; ask a moderator."),
    Phase.VOTING: gettext_lazy(
        "In the voting phase claims can no longer be withdrawn; ask a moderator."),
    Phase.CLOSED: gettext_lazy(
        "In the closed phase claims can no longer be withdrawn; ask a moderator."),
}  # fmt: skip
# Walks of the tree stop one level past the limit: "deeper than allowed" is all a check needs,
# and a legacy chain of thousands (or a cycle written around the services) then costs no more
# than a legal one.
_DEPTH_CAP = MAX_REPLY_DEPTH + 1
# These run a recursive CTE: one query, however deep. Any other database walks level by level.
_RECURSIVE_CTE_VENDORS = frozenset({"postgresql", "sqlite"})


def _human(actor: Any) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def clean_claim_text(text: Any) -> str:
    if not isinstance(text, str):
        raise InvalidInput(_("The claim text must be text."), field="text")
    if "\x00" in text:
        raise InvalidInput(_("The claim text contains a null character."), field="text")
    # A line break is one character, however it came: a plain form post sends CR LF, htmx and
    # the API LF, and the box's counter (static/js/counter.js) counts one.
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise InvalidInput(_("Write the claim: it cannot be empty."), field="text")
    if len(text) > CLAIM_TEXT_MAX:
        over = len(text) - CLAIM_TEXT_MAX
        raise InvalidInput(
            ngettext(
                "A claim has at most %(limit)s characters; this one has %(length)s. "
                "Remove %(count)s character to send it.",
                "A claim has at most %(limit)s characters; this one has %(length)s. "
                "Remove %(count)s characters to send it.",
                over,
            ) % {"limit": number_format(CLAIM_TEXT_MAX, force_grouping=True),
                 "length": number_format(len(text), force_grouping=True),
                 "count": number_format(over, force_grouping=True)},
            field="text",
        )  # fmt: skip
    return text


def _clean_stance(stance: Any) -> str:
    if stance not in Stance.values:
        raise InvalidInput(
            _("Choose whether the claim supports (pro) or attacks (con)."), field="stance"
        )
    return stance


def _team_for(actor: Any, debate: Debate, team: Team | None) -> Team | None:
    """A debater's claims belong to their team; only moderators (and seeds) name a team."""
    membership = permissions.membership_of(actor, debate)
    if team is None:
        return membership.team if membership is not None else None
    if team.debate_id != debate.pk:
        raise InvalidInput(_("The team belongs to another debate."), field="team")
    if not permissions.is_moderator(actor, debate) and (
        membership is None or membership.team_id != team.pk
    ):
        raise InvalidInput(_("You can only add claims for your own team."), field="team")
    return team


def _check_parent(
    *, claim_id: int | None, debate: Debate, position: Position, parent: Claim | None
):
    """Refuse a parent from another debate or position, and any parent that makes a cycle."""
    if position.debate_id != debate.pk:
        raise InvalidInput(_("The position belongs to another debate."), field="position")
    if parent is None:
        return
    if parent.debate_id != debate.pk:
        raise InvalidInput(_("The parent claim belongs to another debate."), field="parent")
    if parent.position_id != position.pk:
        raise InvalidInput(_("The parent claim sits under another position."), field="parent")
    if claim_id is None and (parent.is_hidden or parent.is_withdrawn):
        raise InvalidInput(_("That claim was withdrawn or hidden; it takes no new replies."),
                           field="parent")  # fmt: skip
    if claim_id is None:
        return
    # Walk up from the new parent; meeting the claim itself means it would become its own
    # ancestor. The ids are read once for the debate, not one query per level.
    parents = dict(Claim.objects.filter(debate=debate).values_list("id", "parent_id"))
    node: int | None = parent.pk
    seen: set[int] = set()
    while node is not None and node not in seen:
        if node == claim_id:
            raise InvalidInput(
                _("A claim cannot sit under itself or its own replies."), field="parent"
            )
        seen.add(node)
        node = parents.get(node)


# The claim table's name is fixed (arguments_claim); the tests of claim_depth would catch a
# rename. Each walk stops at the cap (the second parameter).
_DEPTH_SQL = """
    WITH RECURSIVE up (id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM arguments_claim WHERE id = %s
        UNION ALL
        SELECT c.id, c.parent_id, up.depth + 1
        FROM arguments_claim c JOIN up ON c.id = up.parent_id
        WHERE up.depth < %s
    )
    SELECT MAX(depth) FROM up
"""
_HEIGHT_SQL = """
    WITH RECURSIVE down (id, depth) AS (
        SELECT id, 0 FROM arguments_claim WHERE id = %s
        UNION ALL
        SELECT c.id, down.depth + 1
        FROM arguments_claim c JOIN down ON c.parent_id = down.id
        WHERE down.depth < %s
    )
    SELECT MAX(depth) FROM down
"""


def claim_depth(*, claim_id: int) -> int:
    """How many replies deep a claim sits: 0 directly under its position, 1 for a reply to
    that, and so on; anything past MAX_REPLY_DEPTH reads as MAX_REPLY_DEPTH + 1."""
    if connection.vendor not in _RECURSIVE_CTE_VENDORS:
        return _depth_by_steps(claim_id)
    return _walk(_DEPTH_SQL, claim_id)


def claim_thread_height(*, claim_id: int) -> int:
    """How many levels of replies hang below a claim: 0 when nobody answered it, 1 when only
    direct replies did; anything past MAX_REPLY_DEPTH reads as MAX_REPLY_DEPTH + 1."""
    if connection.vendor not in _RECURSIVE_CTE_VENDORS:
        return _height_by_levels(claim_id)
    return _walk(_HEIGHT_SQL, claim_id)


def _walk(sql: str, claim_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, [claim_id, _DEPTH_CAP])
        (levels,) = cursor.fetchone()
    return levels or 0


def _depth_by_steps(claim_id: int) -> int:
    """claim_depth without a recursive CTE: one parent lookup per level, capped."""
    parents = Claim.objects.values_list("parent_id", flat=True)
    parent_id = parents.filter(pk=claim_id).first()
    depth = 0
    while parent_id is not None and depth < _DEPTH_CAP:
        parent_id = parents.filter(pk=parent_id).first()
        depth += 1
    return depth


def _height_by_levels(claim_id: int) -> int:
    """claim_thread_height without a recursive CTE: one query per level of replies, capped."""
    level, ids = 0, [claim_id]
    while level < _DEPTH_CAP:
        ids = list(Claim.objects.filter(parent_id__in=ids).values_list("id", flat=True))
        if not ids:
            break
        level += 1
    return level


def _check_reply_depth(*, parent: Claim | None) -> None:
    """Refuse a new claim that would sit deeper than MAX_REPLY_DEPTH."""
    if parent is not None and claim_depth(claim_id=parent.pk) + 1 > MAX_REPLY_DEPTH:
        raise InvalidInput(REPLY_TOO_DEEP % {"limit": MAX_REPLY_DEPTH}, field="parent")


def _check_move_depth(*, claim: Claim, parent: Claim | None) -> None:
    """Refuse a move after which the claim's deepest reply would sit deeper than the limit."""
    depth = 0 if parent is None else claim_depth(claim_id=parent.pk) + 1
    if depth + claim_thread_height(claim_id=claim.pk) > MAX_REPLY_DEPTH:
        raise InvalidInput(MOVE_TOO_DEEP % {"limit": MAX_REPLY_DEPTH}, field="parent")


# Translators: {id} is the number of the claim posted before.
POSTED_ALREADY = gettext_lazy("You have posted this claim here already: #{id}.")


def _check_not_posted_already(actor: Any, *, debate: Debate, position: Position,
                              parent: Claim | None, stance: str, text: str) -> None:  # fmt: skip
    """The same person's same words, in the same place, on the same side, are one claim: a
    double submit (two tabs, a retry after a timeout) must not post it twice. Race-free
    because the caller holds the debate's row lock, so a second request sees the first's
    claim once it committed. Withdrawn claims do not count: posting again is the way back."""
    author = _human(actor)
    if author is None:
        return
    existing = (
        Claim.objects.filter(debate=debate, position=position, parent=parent, author=author,
                             stance=stance, text=text, is_withdrawn=False)
        .values_list("pk", flat=True).first()
    )  # fmt: skip
    if existing is not None:
        raise InvalidInput(POSTED_ALREADY.format(id=existing), field="text")


@transaction.atomic
def claim_create(
    *,
    actor: Any,
    debate: Debate,
    position: Position,
    text: Any,
    stance: Any,
    parent: Claim | None = None,
    team: Team | None = None,
) -> Claim:
    debate = debate_lock(debate)  # the phase checked below is the phase the claim lands in
    permissions.require_open(debate)
    permissions.require(
        permissions.can_add_claim(actor, debate, position=position),
        _("You cannot add a claim here in this phase."),
    )
    text = clean_claim_text(text)
    stance = _clean_stance(stance)
    _check_parent(claim_id=None, debate=debate, position=position, parent=parent)
    _check_reply_depth(parent=parent)  # before the rate limit: a refusal costs no quota
    _check_not_posted_already(actor, debate=debate, position=position, parent=parent,
                              stance=stance, text=text)  # fmt: skip
    rate_check(actor, "claim")
    claim = Claim.objects.create(
        debate=debate,
        position=position,
        parent=parent,
        stance=stance,
        text=text,
        author=_human(actor),
        team=_team_for(actor, debate, team),
    )
    event = audit_record(
        actor=actor, debate=debate, action="claim.create", obj=claim, before=None,
        after=model_state(claim, CLAIM_FIELDS),
    )  # fmt: skip
    if parent is not None and stance == Stance.CON:
        notice_send(
            user_id=parent.author_id, actor=actor, debate=debate, kind="claim.rebutted",
            params={"claim": parent.pk, "quote": text[:120]},
            url=claim_url(debate, claim.pk), event=event,
        )  # fmt: skip
    return claim


def _check_citable(*, debate_id: int, evidence: Evidence, relation: Any) -> None:
    """Whether `evidence` may be cited in this debate with this relation: citation_add's
    rule, which claim_create_with_citations also applies before it writes anything (a
    refusal then costs no quota and creates no claim)."""
    if relation not in Relation.values:
        raise InvalidInput(_("Choose whether the evidence supports or concedes."), field="relation")
    if evidence.debate_id != debate_id:
        raise InvalidInput(_("The evidence belongs to another debate."), field="evidence")
    if evidence.status != EvidenceStatus.APPROVED or evidence.is_hidden:
        raise InvalidInput(_("Only approved evidence can be cited."), field="evidence")


@transaction.atomic
def claim_create_with_citations(
    *,
    actor: Any,
    debate: Debate,
    position: Position,
    text: Any,
    stance: Any,
    parent: Claim | None = None,
    citations: Sequence[tuple[Evidence, Any]] = (),
) -> Claim:
    """A new claim and its citations, in one transaction: every piece of evidence is checked
    first (this debate's, approved, visible; a relation), then the claim is created as
    `claim_create` does and each citation added as `citation_add` does, with the same
    permission checks as citing later. Any refusal leaves nothing behind."""
    for evidence, relation in citations:
        _check_citable(debate_id=debate.pk, evidence=evidence, relation=relation)
    claim = claim_create(actor=actor, debate=debate, position=position, parent=parent,
                         text=text, stance=stance)  # fmt: skip
    for evidence, relation in citations:
        citation_add(actor=actor, claim=claim, evidence=evidence, relation=relation)
    return claim


def claim_url(debate: Debate, claim_id: int) -> str:
    return reverse("claim", args=[debate.slug, claim_id])


def _locked(claim: Claim) -> Claim:
    """The claim, locked for this transaction, its debate locked first (the order every
    service keeps); every change to a claim starts here."""
    debate = debate_lock(claim.debate)
    claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
    claim.debate = debate
    permissions.require_open(debate)
    return claim


@transaction.atomic
def claim_edit(*, actor: Any, claim: Claim, text: Any, version: Any) -> Claim:
    """Change a claim's text, refusing if it changed since the editor loaded `version`."""
    claim = _locked(claim)
    permissions.require(
        permissions.can_edit_claim(actor, claim.debate, claim),
        _("You cannot edit this claim: only its author can, in the opening and rebuttal phases."),
    )
    rate_check(actor, "edit")
    if (claim.is_hidden or claim.is_withdrawn) and not permissions.is_moderator(
        actor, claim.debate
    ):
        raise InvalidInput(_("This claim was withdrawn or hidden; it can no longer be edited."))
    text = clean_claim_text(text)
    try:
        version = int(version)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("The version is missing or not a number."), field="version") from exc
    if version != claim.version:
        raise Conflict(
            _("Someone changed this claim since you loaded it. Your draft is kept; compare it "
              "with the current text and save again."),
            current=claim,
            field="text",
        )
    if text == claim.text:
        return claim
    before = model_state(claim, CLAIM_FIELDS)
    claim.text = text
    claim.version += 1
    claim.save(update_fields=["text", "version", "updated_at"])
    audit_record(
        actor=actor, debate=claim.debate, action="claim.edit", obj=claim, before=before,
        after=model_state(claim, CLAIM_FIELDS),
    )  # fmt: skip
    return claim


@transaction.atomic
def claim_move(*, actor: Any, claim: Claim, parent: Claim | None, stance: Any = None) -> Claim:
    """Hang a claim under another parent in the same debate and position (moderators)."""
    claim = _locked(claim)
    permissions.require(
        permissions.can_moderate(actor, claim.debate), _("Only moderators move claims.")
    )
    rate_check(actor, "edit")
    _check_parent(claim_id=claim.pk, debate=claim.debate, position=claim.position, parent=parent)
    _check_move_depth(claim=claim, parent=parent)
    before = model_state(claim, CLAIM_FIELDS)
    claim.parent = parent
    if stance is not None:
        claim.stance = _clean_stance(stance)
    claim.version += 1
    claim.save(update_fields=["parent", "stance", "version", "updated_at"])
    audit_record(
        actor=actor, debate=claim.debate, action="claim.move", obj=claim, before=before,
        after=model_state(claim, CLAIM_FIELDS),
    )  # fmt: skip
    return claim


@transaction.atomic
def claim_withdraw(*, actor: Any, claim: Claim) -> Claim:
    claim = _locked(claim)
    # `permissions.is_answer` in SQL: any reply its author did not withdraw, hidden or not.
    answered = Claim.objects.filter(parent=claim, is_withdrawn=False).exists()
    if not permissions.can_withdraw_claim(actor, claim.debate, claim, answered=answered):
        if not permissions.can_withdraw_claim(actor, claim.debate, claim, answered=False):
            if claim.author_id is not None and claim.author_id == getattr(actor, "pk", None):
                raise NotAllowed(str(WITHDRAW_TOO_LATE.get(
                    claim.debate.phase, _("Claims can no longer be withdrawn; ask a moderator.")
                )))
            raise NotAllowed(_("Only the author can withdraw a claim."))
        raise InvalidInput(
            _("Other claims answer this one (a reply a moderator hid still counts), so it can "
              "no longer be withdrawn; ask a moderator."),
        )
    rate_check(actor, "edit")
    before = model_state(claim, CLAIM_FIELDS)
    claim.is_withdrawn = True
    claim.version += 1
    claim.save(update_fields=["is_withdrawn", "version", "updated_at"])
    audit_record(
        actor=actor, debate=claim.debate, action="claim.withdraw", obj=claim, before=before,
        after=model_state(claim, CLAIM_FIELDS),
    )  # fmt: skip
    return claim


def _set_hidden(*, actor: Any, claim: Claim, hidden: bool, reason: str) -> Claim:
    claim = _locked(claim)
    permissions.require(
        permissions.can_moderate(actor, claim.debate), _("Only moderators hide or restore claims.")
    )
    rate_check(actor, "review")
    reason = bounded(reason, "reason", REASON_MAX)
    if not reason:
        raise InvalidInput(_("Give a reason."), field="reason")
    before = model_state(claim, CLAIM_FIELDS)
    claim.is_hidden = hidden
    claim.hidden_reason = reason
    if not hidden:
        claim.merged_into = None  # a restored duplicate stands on its own again
    claim.version += 1
    claim.save(update_fields=["is_hidden", "hidden_reason", "merged_into", "version", "updated_at"])
    audit_record(
        actor=actor, debate=claim.debate, action="claim.hide" if hidden else "claim.restore",
        obj=claim, before=before, after=model_state(claim, CLAIM_FIELDS),
    )  # fmt: skip
    notice_send(
        user_id=claim.author_id, actor=actor, debate=claim.debate,
        kind="claim.hidden" if hidden else "claim.restored",
        params={"claim": claim.pk, "reason": reason},
        url=claim_url(claim.debate, claim.pk),
    )  # fmt: skip
    return claim


@transaction.atomic
def claim_hide(*, actor: Any, claim: Claim, reason: str) -> Claim:
    return _set_hidden(actor=actor, claim=claim, hidden=True, reason=reason)


@transaction.atomic
def claim_restore(*, actor: Any, claim: Claim, reason: str) -> Claim:
    return _set_hidden(actor=actor, claim=claim, hidden=False, reason=reason)


@transaction.atomic
def citation_add(*, actor: Any, claim: Claim, evidence: Evidence, relation: Any) -> Citation:
    claim = _locked(claim)
    permissions.require(
        permissions.can_edit_claim(actor, claim.debate, claim),
        _("You cannot cite evidence on this claim."),
    )
    rate_check(actor, "cite")
    _check_citable(debate_id=claim.debate_id, evidence=evidence, relation=relation)
    citation = Citation.objects.filter(claim=claim, evidence=evidence).first()
    before = model_state(citation, ["relation", "is_hidden"]) if citation else None
    if citation is None:
        citation = Citation.objects.create(
            claim=claim, evidence=evidence, relation=relation, created_by=_human(actor)
        )
    elif citation.relation == relation and not citation.is_hidden:
        return citation
    else:
        citation.relation, citation.is_hidden = relation, False
        citation.save(update_fields=["relation", "is_hidden"])
    audit_record(
        actor=actor, debate=claim.debate, action="citation.add", obj=citation, before=before,
        after=model_state(citation, ["claim", "evidence", "relation", "is_hidden"]),
    )  # fmt: skip
    return citation


def _clean_vote_value(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput(_("A vote is a whole number from 0 to 4."), field="value")
    try:
        number = int(value)
    except ValueError as exc:
        raise InvalidInput(_("A vote is a whole number from 0 to 4."), field="value") from exc
    if not VOTE_MIN <= number <= VOTE_MAX:
        raise InvalidInput(
            _("A vote is from %(min)s to %(max)s, not %(value)s.")
            % {"min": VOTE_MIN, "max": VOTE_MAX, "value": number},
            field="value",
        )
    return number


@transaction.atomic
def vote_cast(*, actor: Any, claim: Claim, value: Any) -> Vote:
    """Cast or change the actor's vote on a claim; casting the same value again is a no-op."""
    value = _clean_vote_value(value)
    claim = Claim.objects.select_related("debate").get(pk=claim.pk)
    debate_lock(claim.debate)  # a vote racing the close lands before it or is refused
    if claim.author_id is not None and claim.author_id == getattr(actor, "pk", None):
        raise InvalidInput(_("You cannot rate your own claim."), field="value")
    permissions.require(
        permissions.can_vote(actor, claim.debate, claim), _("You cannot vote on this claim now.")
    )
    if claim.is_hidden or claim.is_withdrawn:
        raise InvalidInput(_("This claim is no longer in the map."))
    rate_check(actor, "vote")
    vote = Vote.objects.select_for_update().filter(user=actor, claim=claim).first()
    if vote is None:
        try:
            with transaction.atomic():
                vote = Vote.objects.create(user=actor, claim=claim, value=value)
        except IntegrityError:
            vote = Vote.objects.select_for_update().get(user=actor, claim=claim)
        else:
            audit_record(
                actor=actor, debate=claim.debate, action="vote.cast", obj=vote, before=None,
                after={"claim_id": claim.pk, "value": value},
            )  # fmt: skip
            return vote
    if vote.value == value and not vote.is_withdrawn:
        return vote
    before = None if vote.is_withdrawn else {"claim_id": claim.pk, "value": vote.value}
    vote.value, vote.is_withdrawn = value, False
    vote.save(update_fields=["value", "is_withdrawn", "updated_at"])
    audit_record(
        actor=actor, debate=claim.debate, action="vote.cast", obj=vote, before=before,
        after={"claim_id": claim.pk, "value": value},
    )  # fmt: skip
    return vote


@transaction.atomic
def vote_withdraw(*, actor: Any, claim: Claim) -> Vote | None:
    """Withdraw the actor's vote; the row stays, marked withdrawn. Idempotent."""
    claim = Claim.objects.select_related("debate").get(pk=claim.pk)
    debate_lock(claim.debate)
    permissions.require(
        permissions.can_vote(actor, claim.debate, claim), _("You cannot vote on this claim now.")
    )
    rate_check(actor, "vote")
    vote = Vote.objects.select_for_update().filter(user=actor, claim=claim).first()
    if vote is None or vote.is_withdrawn:
        return vote
    before = {"claim_id": claim.pk, "value": vote.value}
    vote.is_withdrawn = True
    vote.save(update_fields=["is_withdrawn", "updated_at"])
    audit_record(
        actor=actor, debate=claim.debate, action="vote.withdraw", obj=vote, before=before,
        after=None,
    )  # fmt: skip
    return vote
