"""Flags and their resolution: dismiss, hide the claim, or merge a duplicate into its original.

Nothing is deleted. A merge moves the duplicate's replies and citations to the original,
moves the votes of people who had not voted on the original, keeps the others where they
were (the vote on the kept claim stands), and hides the duplicate with `merged_into` set.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from debate import permissions
from debate.activity.services import notice_review_waiting, notice_send
from debate.arguments.models import MAX_REPLY_DEPTH, Citation, Claim, Vote
from debate.arguments.services import (
    CLAIM_FIELDS,
    claim_depth,
    claim_hide,
    claim_thread_height,
    claim_url,
)
from debate.audit.services import (
    audit_record,
    counted_as,
    debate_lock,
    model_state,
    rate_check,
)
from debate.errors import InvalidInput, NotAllowed
from debate.moderation.models import Fallacy, Flag, FlagKind, FlagStatus
from debate.sources.services import REASON_MAX, bounded

# Translators: %(limit)s is the most levels of replies a thread may have (40).
MERGE_TOO_DEEP = gettext_lazy(
    "Replies can go at most %(limit)s deep, and under the original the duplicate's replies "
    "would go deeper. Move some of them higher first."
)
FLAG_FIELDS = ["claim", "kind", "fallacy", "duplicate_of", "note", "status", "resolution_reason"]


@transaction.atomic
def flag_create(
    *,
    actor: Any,
    claim: Claim,
    kind: Any,
    fallacy: Any = "",
    duplicate_of: Claim | None = None,
    note: Any = "",
) -> Flag:
    debate = debate_lock(claim.debate)  # the phase checked is the phase the flag lands in
    permissions.require(
        permissions.can_flag(actor, debate),
        _("Only participants can flag claims, while it is open."),
    )
    if not permissions.can_flag_claim(actor, debate, claim):
        raise NotAllowed(_("You cannot flag your own claim; withdraw or edit it instead."))
    rate_check(actor, "flag")
    if kind not in FlagKind.values:
        raise InvalidInput(_("Choose what is wrong with the claim."), field="kind")
    fallacy = fallacy or ""
    if kind == FlagKind.FALLACY and fallacy not in Fallacy.values:
        raise InvalidInput(_("Name the fallacy from the list."), field="fallacy")
    if kind != FlagKind.FALLACY:
        fallacy = ""
    if kind == FlagKind.DUPLICATE:
        if duplicate_of is None:
            raise InvalidInput(_("Say which claim this one duplicates."), field="duplicate_of")
        if duplicate_of.debate_id != debate.pk:
            raise InvalidInput(_("The original is in another debate."), field="duplicate_of")
        if duplicate_of.pk == claim.pk:
            raise InvalidInput(_("A claim cannot duplicate itself."), field="duplicate_of")
    else:
        duplicate_of = None
    if not isinstance(note, str) or len(note) > 1000 or "\x00" in note:
        raise InvalidInput(_("The note is text of at most 1,000 characters."), field="note")
    # The author hears of a reporter's first flag on the claim only: repeats (the same
    # worry again, or another) would let one participant flood an author's notices.
    # Race-free: the debate lock above orders flags of one debate.
    reported_before = Flag.objects.filter(claim=claim, reporter=actor).exists()
    flag = Flag.objects.create(
        debate=debate, claim=claim, reporter=actor, kind=kind, fallacy=fallacy,
        duplicate_of=duplicate_of, note=note.strip(),
    )  # fmt: skip
    audit_record(
        actor=actor, debate=debate, action="flag.create", obj=flag, before=None,
        after=model_state(flag, FLAG_FIELDS),
    )  # fmt: skip
    # Every flag, repeats too: the moderators' notice says how many wait, and is updated in
    # place while unread, so repeats cannot flood them.
    notice_review_waiting(actor=actor, debate=debate, what="flags")
    if reported_before:
        return flag
    notice_send(
        user_id=claim.author_id, actor=actor, debate=debate, kind="claim.flagged",
        params={"claim": claim.pk, "flag_kind": flag.kind, "fallacy": flag.fallacy or ""},
        url=claim_url(debate, claim.pk),
    )  # fmt: skip
    return flag


def _close(flag: Flag, *, actor: Any, status: str, reason: str) -> Flag:
    before = model_state(flag, FLAG_FIELDS)
    flag.status = status
    flag.resolver = actor if getattr(actor, "is_authenticated", False) else None
    flag.resolution_reason = reason
    flag.resolved_at = timezone.now()
    flag.save(update_fields=["status", "resolver", "resolution_reason", "resolved_at"])
    audit_record(
        actor=actor, debate=flag.debate, action=f"flag.{status}", obj=flag, before=before,
        after=model_state(flag, FLAG_FIELDS),
    )  # fmt: skip
    return flag


@transaction.atomic
def flag_resolve(*, actor: Any, flag: Flag, resolution: Any, reason: Any) -> Flag:
    """Resolve an open flag: `dismiss`, `hide` the claim, or `merge` a duplicate."""
    debate = debate_lock(flag.debate)  # first, as everywhere: then the flag and claim rows
    flag = Flag.objects.select_for_update(of=("self",)).select_related("claim").get(pk=flag.pk)
    flag.debate = debate
    permissions.require(
        permissions.can_moderate(actor, debate), _("Only moderators resolve flags.")
    )
    reason = bounded(reason if isinstance(reason, str) else "", "reason", REASON_MAX)
    if not reason:
        raise InvalidInput(_("Give a reason for the resolution."), field="reason")
    if flag.status != FlagStatus.OPEN:
        raise InvalidInput(_("This flag was resolved already."))
    if resolution not in ("dismiss", "hide", "merge"):
        raise InvalidInput(_("Choose dismiss, hide or merge."), field="resolution")
    with counted_as(actor, "review"):  # one review, though it may hide or merge the claim
        if resolution == "dismiss":
            return _close(flag, actor=actor, status=FlagStatus.DISMISSED, reason=reason)
        if resolution == "hide":
            if not flag.claim.is_hidden:
                claim_hide(actor=actor, claim=flag.claim, reason=reason)
            return _close(flag, actor=actor, status=FlagStatus.HIDDEN, reason=reason)
        if flag.duplicate_of_id is None:
            raise InvalidInput(_("Only a duplicate flag names a claim to merge into."))
        claim_merge(actor=actor, duplicate=flag.claim, original=flag.duplicate_of, reason=reason)
        return _close(flag, actor=actor, status=FlagStatus.MERGED, reason=reason)


def _check_merge_depth(*, duplicate: Claim, original: Claim) -> None:
    """The duplicate's replies move under the original, one level below it: refuse the merge
    if the deepest of them would then sit deeper than MAX_REPLY_DEPTH."""
    height = claim_thread_height(claim_id=duplicate.pk)
    if height and claim_depth(claim_id=original.pk) + height > MAX_REPLY_DEPTH:
        raise InvalidInput(
            MERGE_TOO_DEEP % {"limit": MAX_REPLY_DEPTH}, field="duplicate_of"
        )


@transaction.atomic
def claim_merge(*, actor: Any, duplicate: Claim, original: Claim, reason: str) -> Claim:
    debate = debate_lock(duplicate.debate)  # first, as everywhere: then the claim rows
    duplicate = Claim.objects.select_for_update(of=("self",)).get(pk=duplicate.pk)
    original = Claim.objects.select_for_update(of=("self",)).get(pk=original.pk)
    duplicate.debate = debate
    permissions.require(permissions.can_moderate(actor, debate), _("Only moderators merge claims."))
    rate_check(actor, "review")
    if original.debate_id != debate.pk:
        raise InvalidInput(_("The original is in another debate."), field="duplicate_of")
    if original.position_id != duplicate.position_id:
        raise InvalidInput(
            _("Only claims under the same position can be merged."), field="duplicate_of"
        )
    if original.pk == duplicate.pk or duplicate.merged_into_id:
        raise InvalidInput(_("This claim cannot be merged again."), field="duplicate_of")
    ancestors = dict(Claim.objects.filter(debate=debate).values_list("id", "parent_id"))
    node = original.pk
    while node is not None:
        if node == duplicate.pk:
            raise InvalidInput(_("A claim cannot be merged into one of its own replies."))
        node = ancestors.get(node)
    _check_merge_depth(duplicate=duplicate, original=original)

    moved_replies = list(duplicate.children.values_list("id", flat=True))
    duplicate.children.update(parent=original)

    moved_citations, kept_citations = [], []
    for citation in Citation.objects.filter(claim=duplicate, is_hidden=False):
        if Citation.objects.filter(claim=original, evidence_id=citation.evidence_id).exists():
            kept_citations.append(citation.pk)  # the original cites it already
        else:
            moved_citations.append(citation.pk)
    Citation.objects.filter(pk__in=moved_citations).update(claim=original)

    voters_on_original = Vote.objects.filter(claim=original).values_list("user_id", flat=True)
    movable = Vote.objects.filter(claim=duplicate).exclude(user_id__in=voters_on_original)
    if original.author_id is not None:
        movable = movable.exclude(user_id=original.author_id)  # nobody rates their own claim
    moved_votes = list(movable.values_list("id", flat=True))
    Vote.objects.filter(pk__in=moved_votes).update(claim=original)

    before = model_state(duplicate, CLAIM_FIELDS)
    duplicate.merged_into = original
    duplicate.is_hidden = True
    duplicate.hidden_reason = reason
    duplicate.version += 1
    duplicate.save(
        update_fields=["merged_into", "is_hidden", "hidden_reason", "version", "updated_at"]
    )
    audit_record(
        actor=actor, debate=debate, action="claim.merge", obj=duplicate, before=before,
        after={**model_state(duplicate, CLAIM_FIELDS), "merged_into_id": original.pk,
               "moved_replies": moved_replies, "moved_citations": moved_citations,
               "kept_citations": kept_citations, "moved_votes": moved_votes},
    )  # fmt: skip
    notice_send(
        user_id=duplicate.author_id, actor=actor, debate=debate, kind="claim.merged",
        params={"claim": duplicate.pk, "into": original.pk, "reason": reason},
        url=claim_url(debate, original.pk),
    )  # fmt: skip
    return original
