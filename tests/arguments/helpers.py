"""Reply chains: a world that starts deep, written directly (not through the services)."""

from __future__ import annotations

from debate.arguments.models import Claim, Stance
from debate.debates.models import Position


def reply_chain(*, position: Position, depth: int, parent: Claim | None = None) -> list[Claim]:
    """`depth + 1` claims under `position`, each answering the one before, the first under
    `parent` (or the position, so that they sit at depths 0 to `depth`); the last is the
    deepest. Rows are written as they are, so a chain may be deeper than the services allow:
    that is how legacy data looks."""
    claims: list[Claim] = []
    for level in range(depth + 1):
        below = claims[-1] if claims else parent
        claims.append(
            Claim.objects.create(
                debate_id=position.debate_id,
                position=position,
                parent=below,
                stance=Stance.PRO if below is None else Stance.CON,
                text=f"Reply at level {level} of the chain.",
            )
        )
    return claims
