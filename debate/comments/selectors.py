"""Reads of comments: the thread under one claim for one viewer, and counts per claim.

Names go through the names policy (`visibility.names_for`): pseudonyms only for participants
of an anonymous debate, "ana_k (Participant 7)" for its moderators. A hidden comment is, for
everyone but moderators, a placeholder with neither words nor author.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from debate import permissions
from debate.comments.mentions import Segment, segments
from debate.comments.models import Comment, CommentKind
from debate.comments.services import edit_window
from debate.debates.models import Debate
from debate.mapview import visibility
from debate.people.models import pseudonym_label


@dataclass(frozen=True)
class CommentItem:
    """One comment as one viewer may see it. For a hidden comment shown to a non-moderator,
    `text`, `author`, `author_id` and `kind` are empty: `placeholder` is True (and
    `hidden_reason` is given to its author alone)."""

    id: int
    kind: str
    kind_label: str
    text: str
    parts: list[Segment]
    author: str | None
    author_id: int | None  # None where names are hidden (names.user_id_shown)
    author_pseudonym: str | None  # moderators of an anonymous debate only
    created_at: datetime | None
    edited_at: datetime | None
    version: int
    is_hidden: bool
    placeholder: bool
    hidden_reason: str
    hidden_by: str | None
    can_edit: bool = False
    can_hide: bool = False
    can_restore: bool = False
    edit_until: datetime | None = None


@dataclass
class Thread:
    """The comments under one claim for one viewer, and what they may do there."""

    claim_id: int
    items: list[CommentItem] = field(default_factory=list)
    shown: bool = True  # False: the claim is hidden from this viewer, so are its comments
    can_add: bool = False
    kinds: list[tuple[str, str]] = field(default_factory=lambda: list(CommentKind.choices))
    edit_minutes: int = field(default_factory=lambda: settings.COMMENT_EDIT_MINUTES)
    # The hint's example of a pseudonym's mention, in the reader's language ("Participant 7").
    mention_example: str = field(default_factory=lambda: pseudonym_label(7))

    @property
    def count(self) -> int:
        """Comments with words shown (a hidden one's placeholder does not count)."""
        return sum(1 for item in self.items if not item.placeholder)


def _item(row: Comment, *, names: visibility.Names, moderator: bool, user, debate: Debate,
          claim, now: datetime, may_hide: bool) -> CommentItem:  # fmt: skip
    if row.is_hidden and not moderator:
        # Its author alone reads why (the hide form promises it); the placeholder names nobody.
        own_reason = row.hidden_reason if getattr(user, "pk", None) == row.author_id else ""
        return CommentItem(
            id=row.pk, kind="", kind_label="", text="", parts=[], author=None, author_id=None,
            author_pseudonym=None, created_at=row.created_at, edited_at=None, version=row.version,
            is_hidden=True, placeholder=True, hidden_reason=own_reason, hidden_by=None,
        )  # fmt: skip
    until = row.created_at + edit_window()
    own = getattr(user, "pk", None) == row.author_id
    can_edit = own and permissions.can_edit_comment(user, debate, row, claim=claim,
                                                    within_window=now <= until)  # fmt: skip
    return CommentItem(
        id=row.pk, kind=row.kind, kind_label=row.get_kind_display(), text=row.text,
        parts=segments(row.text), author=names.label(row.author_id, row.author.username),
        author_id=names.user_id_shown(row.author_id),
        author_pseudonym=names.pseudonym(row.author_id) if moderator else None,
        created_at=row.created_at, edited_at=row.edited_at, version=row.version,
        is_hidden=row.is_hidden, placeholder=False,
        hidden_reason=row.hidden_reason if moderator else "",
        hidden_by=row.hidden_by.username if moderator and row.hidden_by_id else None,
        can_edit=can_edit, can_hide=may_hide and not row.is_hidden,
        can_restore=may_hide and row.is_hidden, edit_until=until if can_edit else None,
    )  # fmt: skip


def comment_thread(debate: Debate, claim, user) -> Thread:
    """The thread under `claim` (a Claim row or a map ClaimNode) for `user`: two queries
    (three in an anonymous debate), however many comments."""
    audience = visibility.audience_of(user, debate)
    thread = Thread(claim_id=claim.id)
    if not visibility.claim_shown(
        audience, is_hidden=claim.is_hidden, is_withdrawn=claim.is_withdrawn
    ):
        thread.shown = False
        return thread
    names = visibility.names_for(audience, debate)
    rows = (
        Comment.objects.filter(claim_id=claim.id, debate=debate)
        .select_related("author", "hidden_by")
        .order_by("id")
    )
    now = timezone.now()
    may_hide = permissions.can_hide_comment(user, debate)
    thread.items = [
        _item(row, names=names, moderator=audience.moderator, user=user, debate=debate,
              claim=claim, now=now, may_hide=may_hide)
        for row in rows
    ]  # fmt: skip
    thread.can_add = permissions.can_comment(user, debate, claim)
    return thread
