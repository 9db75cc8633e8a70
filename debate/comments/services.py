"""Writes of comments on claims: add, edit (the author, within the edit window, naming the
version read), hide and restore (moderators, with a reason).

Each runs under the debate's row lock (`debate_lock`), so the phase it is judged by is the
phase it commits in, and a double submit waits for the first and finds it. Each checks
`permissions`, counts against the `comment` rate limit (moderators' hides and restores
against `review`, as their other moderation) and records an audit event, which moves the
debate's version. Nothing here touches votes, the map or the strengths.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from debate import permissions
from debate.activity.services import notice_many, notice_send
from debate.arguments.models import Claim
from debate.audit.models import AuditEvent
from debate.audit.sentences import clip
from debate.audit.services import audit_record, debate_lock, model_state, rate_check
from debate.comments.mentions import mentioned_ids
from debate.comments.models import REASON_MAX, TEXT_MAX, Comment, CommentKind, Mention
from debate.debates.models import Debate, Phase
from debate.errors import Conflict, InvalidInput, NotAllowed
from debate.mapview.visibility import Audience, Names, names_for

FIELDS = ["claim", "kind", "text", "version", "is_hidden", "hidden_reason"]
# The same words from the same person under the same claim this soon after are one comment:
# a double click, a re-sent form or a retry after a timeout.
DUPLICATE_SECONDS = 10


def edit_window() -> timedelta:
    return timedelta(minutes=settings.COMMENT_EDIT_MINUTES)


def within_window(comment: Comment, now=None) -> bool:
    """Whether the author may still edit `comment` (settings.COMMENT_EDIT_MINUTES)."""
    return (now or timezone.now()) - comment.created_at <= edit_window()


def comment_text(value: Any, field: str = "text") -> str:
    """1 to TEXT_MAX characters after trimming; a line break counts as one."""
    if not isinstance(value, str) or "\x00" in value:
        raise InvalidInput(_("Write the comment as text."), field=field)
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not value:
        raise InvalidInput(_("Write the comment first."), field=field)
    if len(value) > TEXT_MAX:
        over = len(value) - TEXT_MAX
        raise InvalidInput(
            ngettext(
                "A comment is at most %(limit)s characters; this one has %(length)s. "
                "Remove %(count)s character to send it.",
                "A comment is at most %(limit)s characters; this one has %(length)s. "
                "Remove %(count)s characters to send it.",
                over,
            ) % {"limit": _number(TEXT_MAX), "length": _number(len(value)), "count": _number(over)},
            field=field,
        )
    return value


def _number(n: int) -> str:
    """A count as the reader's language writes it ("2,000", «2 000»)."""
    return number_format(n, force_grouping=True)


def _reason(value: Any, *, required: bool) -> str:
    if not isinstance(value, str) or "\x00" in value or len(value.strip()) > REASON_MAX:
        raise InvalidInput(_("A reason of at most %(limit)s characters.") % {"limit": REASON_MAX},
                           field="reason")  # fmt: skip
    value = value.strip()
    if required and not value:
        raise InvalidInput(_("Say why the comment is hidden: its author reads it."),
                           field="reason")  # fmt: skip
    return value


def _locked_claim(claim: Claim) -> tuple[Debate, Claim]:
    debate = debate_lock(claim.debate)
    claim = Claim.objects.get(pk=claim.pk)  # as it stands under the lock (hidden since?)
    claim.debate = debate
    return debate, claim


def _locked_comment(comment: Comment) -> tuple[Debate, Comment]:
    debate = debate_lock(comment.debate)
    comment = (
        Comment.objects.select_for_update(of=("self",)).select_related("claim").get(pk=comment.pk)
    )
    comment.debate = comment.claim.debate = debate
    return debate, comment


def comment_add(*, actor: Any, claim: Claim, kind: Any, text: Any) -> Comment:
    """Comment under `claim`; tell the people it @mentions and the claim's author."""
    return comment_add_or_find(actor=actor, claim=claim, kind=kind, text=text)[0]


@transaction.atomic
def comment_add_or_find(*, actor: Any, claim: Claim, kind: Any, text: Any) -> tuple[Comment, bool]:
    """`comment_add`, and whether it wrote: False when the same person sent the same words
    under the same claim in the last DUPLICATE_SECONDS (the first is returned)."""
    debate, claim = _locked_claim(claim)
    permissions.require(permissions.can_comment(actor, debate, claim), _refusal(actor, debate))
    rate_check(actor, "comment")
    if kind not in CommentKind.values:
        raise InvalidInput(_("Choose a question, a clarification or a request for a source."),
                           field="kind")  # fmt: skip
    text = comment_text(text)
    since = timezone.now() - timedelta(seconds=DUPLICATE_SECONDS)
    same = Comment.objects.filter(claim=claim, author=actor, text=text, created_at__gte=since)
    if (existing := same.filter(is_hidden=False).first()) is not None:
        return existing, False
    comment = Comment.objects.create(debate=debate, claim=claim, author=actor, kind=kind,
                                     text=text)  # fmt: skip
    event = audit_record(actor=actor, debate=debate, action="comment.add", obj=comment,
                         before=None, after=model_state(comment, FIELDS))  # fmt: skip
    names = _names(debate)
    told = _tell_mentioned(actor, debate, comment, event, names)
    if claim.author_id not in told:
        notice_send(
            user_id=claim.author_id, actor=actor, debate=debate, kind="comment.new",
            params={"actor_id": actor.pk, "claim": claim.pk, "quote": clip(claim.text, 60)},
            url=comment_url(comment), event=event,
        )  # fmt: skip
    return comment, True


@transaction.atomic
def comment_edit(*, actor: Any, comment: Comment, text: Any, version: Any) -> Comment:
    """Change the text of one's own comment, within the edit window, from the version read:
    a stale `version` is a Conflict (the newer text comes with it), never an overwrite; the
    words saved already, sent again (a double submit), are no conflict. People it newly
    @mentions are told; those told before are not told again."""
    debate, comment = _locked_comment(comment)
    if getattr(actor, "pk", None) != comment.author_id and permissions.is_moderator(actor, debate):
        raise NotAllowed(_("Moderators hide comments; they never change anyone's words."))
    if not within_window(comment) and getattr(actor, "pk", None) == comment.author_id:
        minutes = settings.COMMENT_EDIT_MINUTES
        raise NotAllowed(ngettext(
            "A comment can be edited for %(count)s minute after it is posted; this one is "
            "older. Add a new comment instead.",
            "A comment can be edited for %(count)s minutes after it is posted; this one is "
            "older. Add a new comment instead.", minutes) % {"count": minutes})  # fmt: skip
    permissions.require(
        permissions.can_edit_comment(actor, debate, comment, within_window=True),
        _("Only its author edits a comment, while the debate takes comments."),
    )
    rate_check(actor, "comment")
    text = comment_text(text)
    a_version = isinstance(version, int) and not isinstance(version, bool)
    if a_version and text == comment.text:
        return comment  # these words are saved already (a double submit): nothing to overwrite
    if not a_version or version != comment.version:
        raise Conflict(_("Someone changed this comment since you opened it (another tab?): "
                         "here is the newer text."), current=comment)  # fmt: skip
    before = model_state(comment, FIELDS)
    comment.text, comment.version, comment.edited_at = text, comment.version + 1, timezone.now()
    comment.save(update_fields=["text", "version", "edited_at"])
    event = audit_record(actor=actor, debate=debate, action="comment.edit", obj=comment,
                         before=before, after=model_state(comment, FIELDS))  # fmt: skip
    _tell_mentioned(actor, debate, comment, event, _names(debate))
    return comment


@transaction.atomic
def comment_hide(*, actor: Any, comment: Comment, reason: Any) -> Comment:
    """Hide a comment from everyone but moderators; the reason is required (its author and
    the audit trail read it)."""
    debate, comment = _locked_comment(comment)
    permissions.require(permissions.can_hide_comment(actor, debate),
                        _("Only moderators hide comments, while the debate is open."))  # fmt: skip
    rate_check(actor, "review")
    reason = _reason(reason, required=True)
    if comment.is_hidden:
        return comment
    before = model_state(comment, FIELDS)
    comment.is_hidden, comment.hidden_reason, comment.hidden_by = True, reason, actor
    comment.save(update_fields=["is_hidden", "hidden_reason", "hidden_by"])
    audit_record(actor=actor, debate=debate, action="comment.hide", obj=comment, before=before,
                 after=model_state(comment, FIELDS))  # fmt: skip
    return comment


@transaction.atomic
def comment_restore(*, actor: Any, comment: Comment, reason: Any = "") -> Comment:
    """Show a hidden comment again; the optional reason goes to the audit trail."""
    debate, comment = _locked_comment(comment)
    permissions.require(
        permissions.can_hide_comment(actor, debate),
        _("Only moderators restore comments, while the debate is open."),
    )
    rate_check(actor, "review")
    reason = _reason(reason, required=False)
    if not comment.is_hidden:
        return comment
    before = model_state(comment, FIELDS)
    comment.is_hidden, comment.hidden_reason, comment.hidden_by = False, "", None
    comment.save(update_fields=["is_hidden", "hidden_reason", "hidden_by"])
    after = {**model_state(comment, FIELDS), "reason": reason}
    audit_record(actor=actor, debate=debate, action="comment.restore", obj=comment,
                 before=before, after=after)  # fmt: skip
    return comment


# --- who is told -----------------------------------------------------------------------------


def comment_url(comment: Comment) -> str:
    return f"{reverse('claim', args=[comment.debate.slug, comment.claim_id])}#comment-{comment.pk}"


def _refusal(actor: Any, debate: Debate) -> str:
    if debate.phase == Phase.CLOSED:
        return _("The debate is closed: comments are read-only until a moderator reopens it.")
    if debate.phase == Phase.SETUP:
        return _("Comments open with the opening phase (moderators may comment during set-up).")
    return _("Only the debate's members comment, and only on claims they can read.")


def _names(debate: Debate) -> Names:
    """Participants' names of the debate (one query in an anonymous debate, none else)."""
    return names_for(Audience(moderator=False), debate)


def _tell_mentioned(
    actor: Any, debate: Debate, comment: Comment, event: AuditEvent, names: Names
) -> set[int]:
    """Record and tell the current members the comment @mentions who were not told before
    (never the writer). Returns everyone it has mentioned, old and new."""
    named = mentioned_ids(comment.text, debate=debate, names=names,
                          writer_moderates=permissions.is_moderator(actor, debate))  # fmt: skip
    named.discard(actor.pk)
    told = set(Mention.objects.filter(comment=comment).values_list("user_id", flat=True))
    new = named - told
    if new:
        Mention.objects.bulk_create([Mention(comment=comment, user_id=uid) for uid in sorted(new)])
    claim = comment.claim
    # One insert tells everyone: each reader's panel names the writer by their own names
    # policy when it is read (debate/activity/notices.py), never a query per person named.
    notice_many(
        user_ids=new, actor=actor, debate=debate, kind="comment.mention",
        params={"actor_id": actor.pk, "claim": claim.pk, "quote": clip(claim.text, 60)},
        url=comment_url(comment), event=event,
    )  # fmt: skip
    return told | new
