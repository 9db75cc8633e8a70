"""The visibility world (tests/mapview/helpers.py `populate`) in an anonymous debate.

Everyone in it has a username that is easy to find in any output (`USERNAMES`, plus the
world's own `HIDDEN_AUTHOR` and `POLL_ANSWERER`), and anonymous mode is switched on by the
moderator (through the audited service) before anything is written, so every claim, review,
notice and audit event is made while the debate is anonymous.

Use it from any test folder: `from tests.mapview.anonymous_world import anonymous_world`
(with `# noqa: F401`; pytest finds the fixture by its name in the test module). It needs
nothing but the database: the shared cast comes from tests/conftest.py `shared_world`.
Its names are kept stable for other helpers' tests (the API and the exports).
"""

from __future__ import annotations

import pytest

from debate.debates.services import debate_anonymity_set
from debate.mapview.visibility import Audience, names_for
from tests.conftest import shared_world
from tests.mapview.helpers import HIDDEN_AUTHOR, POLL_ANSWERER, populate

# role (as `world.users` names them) -> username, as bytes to look for in raw responses.
USERNAMES: dict[str, bytes] = {
    "moderator": b"zq-mod-7731",
    "debater": b"zq-ana-7731",
    "rival": b"zq-rival-7731",
    "observer": b"zq-obs-7731",
    "outsider": b"zq-out-7731",
}
# Every participant's username in the world (the outsider takes no part).
PARTICIPANTS: dict[str, bytes] = {
    **{role: name for role, name in USERNAMES.items() if role != "outsider"},
    "hidden_author": HIDDEN_AUTHOR,
    "poll_answerer": POLL_ANSWERER,
}
ANONYMOUS_ROLES = ("anonymous", "outsider", "observer", "debater", "rival", "moderator")
ANONYMOUS_NON_MODERATORS = tuple(role for role in ANONYMOUS_ROLES if role != "moderator")


def others_of(role: str) -> dict[str, bytes]:
    """The usernames `role` must never find: every participant's but their own."""
    own = USERNAMES.get(role)
    return {who: name for who, name in PARTICIPANTS.items() if name != own}


def pseudonyms_of(world) -> dict[str, str]:
    """Each participant's pseudonym ("Participant 7") by the keys of `PARTICIPANTS`."""
    names = names_for(Audience(moderator=True), world.debate)
    return {who: names.pseudonym(world.people[who].pk) for who in PARTICIPANTS}


def build_anonymous_world(request: pytest.FixtureRequest):
    """The shared cast renamed to `USERNAMES`, the debate made anonymous, then populated.
    `world.people` holds every participant by the keys of `PARTICIPANTS`."""
    world = shared_world(request)
    for role, username in USERNAMES.items():
        user = world.users[role]
        user.username = username.decode()
        user.save(update_fields=["username"])
    world.debate = debate_anonymity_set(actor=world.moderator, debate=world.debate, anonymous=True)
    world = populate(world)
    world.debate.refresh_from_db()
    world.people = {role: world.users[role] for role in USERNAMES if role != "outsider"}
    world.people["hidden_author"] = world.hidden.author
    world.people["poll_answerer"] = type(world.moderator).objects.get(
        username=POLL_ANSWERER.decode()
    )
    return world


@pytest.fixture
def anonymous_world(db, request: pytest.FixtureRequest):
    """The visibility world in an anonymous debate (see the module docstring)."""
    return build_anonymous_world(request)
