"""The one place that answers "may this user do this to this object?".

Pages, the API and the services all ask these functions; none re-implements a rule. Each
`can_*` returns a bool for showing or hiding a control; `require` turns a refusal into the
`NotAllowed` error that services raise. `actor=None` is the system itself (management
commands such as `seed`), which may do anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from debate.debates.models import Debate, Membership, Phase, Role
from debate.errors import NotAllowed

if TYPE_CHECKING:
    from debate.debates.models import Position


class ClaimLike(Protocol):
    """A Claim row or a read-model ClaimNode: the rules need only these fields."""

    author_id: int | None
    position_id: int


_CACHE_ATTR = "_debate_memberships"


def membership_of(user: Any, debate: Debate) -> Membership | None:
    """The user's membership in the debate, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cache = user.__dict__.setdefault(_CACHE_ATTR, {})
    if debate.pk not in cache:
        cache[debate.pk] = (
            Membership.objects.select_related("team").filter(user=user, debate=debate).first()
        )
    return cache[debate.pk]


def forget_memberships(user: Any) -> None:
    if user is not None:
        user.__dict__.pop(_CACHE_ATTR, None)


def role_of(user: Any, debate: Debate) -> str | None:
    membership = membership_of(user, debate)
    return membership.role if membership else None


def is_moderator(user: Any, debate: Debate) -> bool:
    if user is None:
        return True
    if getattr(user, "is_superuser", False):
        return True
    return role_of(user, debate) == Role.MODERATOR


def can_view_debate(user: Any, debate: Debate) -> bool:
    return (
        debate.is_public
        or user is None
        or membership_of(user, debate) is not None
        or (getattr(user, "is_superuser", False))
    )


def can_add_claim(user: Any, debate: Debate, *, position: Position) -> bool:
    if debate.phase == Phase.CLOSED:
        return False
    if is_moderator(user, debate):
        return True
    membership = membership_of(user, debate)
    if membership is None or membership.role != Role.DEBATER:
        return False
    if debate.phase == Phase.OPENING:
        return membership.team.position_id == position.id
    return debate.phase == Phase.REBUTTAL


def can_edit_claim(user: Any, debate: Debate, claim: ClaimLike) -> bool:
    if debate.phase == Phase.CLOSED:
        return False
    if is_moderator(user, debate):
        return True
    membership = membership_of(user, debate)
    if membership is None or membership.role != Role.DEBATER or claim.author_id != user.pk:
        return False
    if debate.phase == Phase.OPENING:
        return membership.team.position_id == claim.position_id
    return debate.phase == Phase.REBUTTAL


def can_withdraw_claim(user: Any, debate: Debate, claim: ClaimLike) -> bool:
    """Authors withdraw their own claims (while nothing answers them; the service checks that)."""
    if user is None or claim.author_id is None or claim.author_id != getattr(user, "pk", None):
        return False
    return can_edit_claim(user, debate, claim)


def can_vote(user: Any, debate: Debate, claim: ClaimLike) -> bool:
    if debate.phase not in (Phase.REBUTTAL, Phase.VOTING):
        return False
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if claim.author_id == user.pk:
        return False
    return membership_of(user, debate) is not None


def can_moderate(user: Any, debate: Debate) -> bool:
    """Hide, restore, review evidence: moderators, while the debate is open."""
    return debate.phase != Phase.CLOSED and is_moderator(user, debate)


def can_change_phase(user: Any, debate: Debate) -> bool:
    # Closed debates can still be reopened, so this ignores the phase.
    return is_moderator(user, debate)


def can_propose_evidence(user: Any, debate: Debate) -> bool:
    if debate.phase == Phase.CLOSED:
        return False
    return user is None or membership_of(user, debate) is not None


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def require_open(debate: Debate) -> None:
    """Refuse any change to a closed debate, with the reason that really applies."""
    if debate.phase == Phase.CLOSED:
        raise NotAllowed("The debate is closed: nothing changes until a moderator reopens it.")


def can_flag(user: Any, debate: Debate) -> bool:
    """Any participant may flag a claim while the debate is open."""
    if debate.phase == Phase.CLOSED or user is None:
        return user is None
    return membership_of(user, debate) is not None or is_moderator(user, debate)


def can_create_debate(user: Any) -> bool:
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or user.has_perm("debates.create_debate")


def can_view_audit(user: Any, debate: Debate) -> bool:
    return is_moderator(user, debate)


def open_poll(debate: Debate) -> str | None:
    """Which audience poll takes answers now: before the opening, and when voting closes."""
    if debate.phase == Phase.SETUP:
        return "before"
    if debate.phase in (Phase.VOTING, Phase.CLOSED):
        return "after"
    return None


def can_answer_poll(user: Any, debate: Debate, poll: str) -> bool:
    return open_poll(debate) == poll and membership_of(user, debate) is not None
