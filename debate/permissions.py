"""The one place that answers "may this user do this to this object?".

Pages, the API and the services all ask these functions; none re-implements a rule. Each
`can_*` returns a bool for showing or hiding a control; `require` turns a refusal into the
`NotAllowed` error that services raise. `SYSTEM` is the app itself (the seed, imports and
management commands), which may do anything. `None` is no actor at all: every function here
raises `TypeError` for it, so that a forgotten actor can never pass as the system.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.utils.translation import gettext as _

from debate.debates.models import Debate, Membership, Phase, Role
from debate.errors import NotAllowed

if TYPE_CHECKING:
    from debate.debates.models import Position


class ClaimLike(Protocol):
    """A Claim row or a read-model ClaimNode: the rules need only these fields."""

    author_id: int | None
    position_id: int


class SystemActor:
    """The app acting on its own behalf. It is not a user: it is not authenticated (so views,
    audit rows and `created_by` fields treat it as nobody), has no pk, holds no membership and
    is never rate-limited; only this module grants it anything, by identity (`is_system`)."""

    __slots__ = ()
    pk = None
    id = None
    is_authenticated = False
    is_anonymous = True  # to anything outside this module it is nobody, never a person
    is_superuser = False
    is_staff = False

    def __repr__(self) -> str:
        return "SYSTEM"

    def __reduce__(self) -> str:
        return "SYSTEM"  # pickles (and copies) as the one instance


SYSTEM = SystemActor()


def is_system(user: Any) -> bool:
    """Whether `user` is the app itself; `None` is an error, never the system."""
    if user is None:
        raise TypeError(
            "actor=None is not an actor: pass the user, or permissions.SYSTEM for the app itself."
        )
    return user is SYSTEM


_CACHE_ATTR = "_debate_memberships"


def membership_of(user: Any, debate: Debate) -> Membership | None:
    """The user's membership in the debate, cached on the user object for the request."""
    if is_system(user) or not getattr(user, "is_authenticated", False):
        return None
    cache = user.__dict__.setdefault(_CACHE_ATTR, {})
    if debate.pk not in cache:
        cache[debate.pk] = (
            Membership.objects.select_related("team").filter(user=user, debate=debate).first()
        )
    return cache[debate.pk]


def memberships_load(user: Any, debates: list[Debate]) -> None:
    """Fill `membership_of`'s cache for many debates in one query, so a rule asked of each
    (a split debate's groups) costs nothing more per debate."""
    if is_system(user) or not getattr(user, "is_authenticated", False):
        return
    cache = user.__dict__.setdefault(_CACHE_ATTR, {})
    wanted = [d.pk for d in debates if d.pk not in cache]
    found = {m.debate_id: m for m in
             Membership.objects.select_related("team").filter(user=user, debate_id__in=wanted)}
    for pk in wanted:
        cache[pk] = found.get(pk)


def forget_memberships(user: Any) -> None:
    if not is_system(user) and hasattr(user, "__dict__"):
        user.__dict__.pop(_CACHE_ATTR, None)


def role_of(user: Any, debate: Debate) -> str | None:
    membership = membership_of(user, debate)
    return membership.role if membership else None


def is_moderator(user: Any, debate: Debate) -> bool:
    if is_system(user):
        return True
    if getattr(user, "is_superuser", False):
        return True
    return role_of(user, debate) == Role.MODERATOR


def can_view_debate(user: Any, debate: Debate) -> bool:
    return (
        is_system(user)
        or debate.is_public
        or membership_of(user, debate) is not None
        or (getattr(user, "is_superuser", False))
    )


def can_add_claim(user: Any, debate: Debate, *, position: Position) -> bool:
    if is_moderator(user, debate):  # first: a None actor raises in any phase
        return debate.phase != Phase.CLOSED
    if debate.phase == Phase.CLOSED:
        return False
    membership = membership_of(user, debate)
    if membership is None or membership.role != Role.DEBATER:
        return False
    if debate.phase == Phase.OPENING:
        return membership.team.position_id == position.id
    return debate.phase == Phase.REBUTTAL


def can_edit_claim(user: Any, debate: Debate, claim: ClaimLike) -> bool:
    if is_moderator(user, debate):  # first: a None actor raises in any phase
        return debate.phase != Phase.CLOSED
    if debate.phase == Phase.CLOSED:
        return False
    membership = membership_of(user, debate)
    if membership is None or membership.role != Role.DEBATER or claim.author_id != user.pk:
        return False
    if debate.phase == Phase.OPENING:
        return membership.team.position_id == claim.position_id
    return debate.phase == Phase.REBUTTAL


def is_answer(reply: Any) -> bool:
    """Whether a reply answers its parent, so that the parent's author may no longer withdraw
    it: every reply but one its own author withdrew. A reply a moderator hid still counts
    (someone answered; the moderator hid the answer)."""
    return not reply.is_withdrawn


def can_withdraw_claim(user: Any, debate: Debate, claim: ClaimLike, *, answered: bool) -> bool:
    """Authors withdraw their own claims, in the phases they may edit them, while nothing
    answers them (`answered`: some reply `is_answer`)."""
    if is_system(user) or claim.author_id is None or claim.author_id != getattr(user, "pk", None):
        return False
    return not answered and can_edit_claim(user, debate, claim)


def can_vote(user: Any, debate: Debate, claim: ClaimLike) -> bool:
    # Only people vote: the system's "opinion" would move the standings.
    if is_system(user) or debate.phase not in (Phase.REBUTTAL, Phase.VOTING):
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    if claim.author_id == user.pk:
        return False
    return membership_of(user, debate) is not None


def can_moderate(user: Any, debate: Debate) -> bool:
    """Hide, restore, review evidence: moderators, while the debate is open."""
    return is_moderator(user, debate) and debate.phase != Phase.CLOSED


def can_change_phase(user: Any, debate: Debate) -> bool:
    # Closed debates can still be reopened, so this ignores the phase.
    return is_moderator(user, debate)


def can_propose_evidence(user: Any, debate: Debate) -> bool:
    if is_system(user):
        return debate.phase != Phase.CLOSED
    return debate.phase != Phase.CLOSED and membership_of(user, debate) is not None


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def require_open(debate: Debate) -> None:
    """Refuse any change to a closed debate, with the reason that really applies."""
    if debate.phase == Phase.CLOSED:
        raise NotAllowed(
            _("The debate is closed: nothing changes until a moderator reopens it.")
        )


def can_flag(user: Any, debate: Debate) -> bool:
    """Any participant may flag a claim while the debate is open (only people flag)."""
    if is_system(user) or debate.phase == Phase.CLOSED:
        return False
    return membership_of(user, debate) is not None or is_moderator(user, debate)


def can_flag_claim(user: Any, debate: Debate, claim: ClaimLike) -> bool:
    """`can_flag`, and never one's own claim: a flag asks someone else to look."""
    if not can_flag(user, debate):
        return False
    return claim.author_id is None or claim.author_id != user.pk


def can_create_debate(user: Any) -> bool:
    if is_system(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or user.has_perm("debates.create_debate")


def can_grant_creator(user: Any) -> bool:
    """Who gives (or takes back) "Can create debates": the app (`grant_creator`), a superuser."""
    return is_system(user) or bool(getattr(user, "is_superuser", False))


def can_view_audit(user: Any, debate: Debate) -> bool:
    return is_moderator(user, debate)


def open_poll(debate: Debate) -> str | None:
    """Which audience poll takes answers now: before the opening, and while voting is open.
    Both close with the debate: a stance recorded after closing would change the verdict."""
    if debate.phase == Phase.SETUP:
        return "before"
    if debate.phase == Phase.VOTING:
        return "after"
    return None


def can_answer_poll(user: Any, debate: Debate, poll: str) -> bool:
    if is_system(user):
        return False  # a poll asks people
    return open_poll(debate) == poll and membership_of(user, debate) is not None


def can_manage(user: Any, debate: Debate) -> bool:
    """Set-up changes (details, teams, positions, sources, roles, invites): moderators,
    while the debate is open. A closed debate is read-only for them too; they may reopen it
    (`can_change_phase`)."""
    return is_moderator(user, debate) and debate.phase != Phase.CLOSED


# --- grading and feedback (debate/grading) --------------------------------------------------


def can_grade(user: Any, debate: Debate) -> bool:
    """Grade participants, write and release feedback, set the scale: moderators, in EVERY
    phase, closed included. This is the one exception to "a closed debate is read-only":
    teachers grade after the debate ends, and grades and feedback change nothing in the
    debate itself (the map, the evidence, the votes and the standings stay as they closed)."""
    return is_moderator(user, debate)


def can_view_grades(user: Any, debate: Debate) -> bool:
    """Every participant's grade and all feedback, released or not: moderators only."""
    return is_moderator(user, debate)


# --- alerts for moderators (activity: the email digest) ------------------------------------


def can_subscribe_digest(user: Any, debate: Debate) -> bool:
    """The daily digest of a debate's queue goes to its moderators (by membership, the
    people it waits for), while the debate is open: a closed debate waits for nobody."""
    if is_system(user) or debate.phase == Phase.CLOSED:
        return False
    return role_of(user, debate) == Role.MODERATOR


def can_unsubscribe_digest(user: Any) -> bool:
    """Anyone signed in may stop their own digests, whatever their role now or the phase."""
    return not is_system(user) and getattr(user, "is_authenticated", False)


# --- comments on claims (debate/comments) ---------------------------------------------------


def can_comment(user: Any, debate: Debate, claim: Any = None) -> bool:
    """Comment under a claim. Phase rules: members (debaters, observers, moderators) comment
    in the opening, rebuttal and voting phases; in setup only moderators (the debate is not
    open to its participants yet); once closed nobody (read-only, as the map). Visitors and
    signed-in non-members never comment; the system never does (comments ask people). A
    hidden or withdrawn `claim` takes comments from moderators only: a reply to something
    others cannot read would quote it back."""
    if is_system(user) or debate.phase == Phase.CLOSED:
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    moderator = is_moderator(user, debate)
    if not moderator and membership_of(user, debate) is None:
        return False
    if claim is not None and (claim.is_hidden or claim.is_withdrawn) and not moderator:
        return False
    return moderator or debate.phase != Phase.SETUP


def can_edit_comment(
    user: Any, debate: Debate, comment: Any, *, within_window: bool, claim: Any = None
) -> bool:
    """Change a comment's text: its author only (moderators hide, they never rewrite anyone's
    words), while the author may still comment there and `within_window` (the edit window,
    settings.COMMENT_EDIT_MINUTES, is the caller's to measure), and not once it is hidden.
    `claim` (a row or a map node) stands for `comment.claim` where the caller holds it."""
    if is_system(user) or getattr(user, "pk", None) != comment.author_id:
        return False
    if comment.is_hidden or not within_window:
        return False
    return can_comment(user, debate, comment.claim if claim is None else claim)


def can_hide_comment(user: Any, debate: Debate) -> bool:
    """Hide or restore a comment (with a reason): moderators, while the debate is open."""
    return can_moderate(user, debate)


# --- small groups (debate/groups) -----------------------------------------------------------


def can_split(user: Any, debate: Debate) -> bool:
    """Split a debate into small groups, and see or drive its groups: its moderators, while
    it is open (whether or not they may create debates: the groups are this debate's)."""
    return is_moderator(user, debate) and debate.phase != Phase.CLOSED
