"""The fixed cast every test shares: one debate in `rebuttal` and the people around it.

| fixture          | who                                                   |
|------------------|-------------------------------------------------------|
| `debate`         | phase rebuttal; positions "now", "after"; two teams    |
| `moderator`      | runs the debate                                       |
| `debater_now`    | member of "Team Now", which argues position "now"     |
| `debater_after`  | member of "Team After", which argues position "after" |
| `observer`       | judges the debate                                     |
| `outsider`       | signed in, but with no membership in the debate       |
| `source`         | a short article with typographic quotes and dashes    |
| `world`          | all of the above in one `World`, with `users` by role  |

View and browser tests build their `client` fixtures on top of these names; keep them stable.
A test file that needs claims, evidence or flags too extends `world` rather than making its
own: `def world(world): world.claim = ClaimFactory(...); return world`.
"""

from __future__ import annotations

import fcntl
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

from debate.debates.models import Phase, Role
from tests.factories import (
    DebateFactory,
    MembershipFactory,
    PositionFactory,
    SourceFactory,
    TeamFactory,
    UserFactory,
)

# Three paragraphs; the second spans two lines. It holds a curly apostrophe (’), curly double
# quotes (“ ”) and an em dash (—), and "talks should start now" occurs twice (paragraphs 2, 3).
SOURCE_TEXT = (
    "Ukraine’s allies have signed nine bilateral security agreements so far.\n"
    "\n"
    "The task force calls them “a temporary recourse” — never a replacement for membership.\n"
    "Accession talks should start now.\n"
    "\n"
    "Critics want the war to end first. Accession talks should start now, the authors reply.\n"
)


# Fixtures that hold something outside the test database, which each worker of `make test`
# (pytest-xdist) would otherwise share: Redis db 14, emptied by each test that uses it. A
# test using one holds a lock on it for its whole run, so such tests take turns across
# workers (and across two test runs on one machine). xdist's own `--dist loadgroup` is no
# help: with pytest 9.2 it silently stops grouping (pytest-xdist issue 1386).
SHARED_OUTSIDE = {"shared_redis": "redis-db-14"}


@contextmanager
def outside_lock(name: str) -> Iterator[None]:
    """Hold the machine-wide lock named `name` (an flock on a file in the temp dir)."""
    path = Path(tempfile.gettempdir()) / f"debate-tests-{name}.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
        yield


@pytest.fixture(autouse=True)
def _shared_outside(request: pytest.FixtureRequest) -> Iterator[None]:
    """Autouse fixtures set up first, so the lock is held before the shared fixture runs."""
    names = sorted(SHARED_OUTSIDE[f] for f in SHARED_OUTSIDE if f in request.fixturenames)
    with ExitStack() as stack:
        for name in names:
            stack.enter_context(outside_lock(name))
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits, throttles and the maps of each debate version live in the cache; each test
    starts with none (debate versions restart from 0 in every test's debates)."""
    from django.core.cache import cache

    from debate.mapview import cache as maps

    cache.clear()
    maps.clear()
    yield
    cache.clear()
    maps.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in the default language: a request in Ukrainian leaves its
    language active in the thread (Django resets it only per request it handles)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing with PBKDF2 would make every user fixture slow; tests need no real hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def debate(db):
    """A debate in the rebuttal phase, with positions "now" and "after" and a team for each."""
    debate = DebateFactory(
        slug="ukraine-nato",
        title="Ukraine's NATO accession: during the war or after a settlement?",
        phase=Phase.REBUTTAL,
    )
    now = PositionFactory(
        debate=debate, key="now", title="Accession talks now, during the war", order=0
    )
    after = PositionFactory(
        debate=debate, key="after", title="Accession only after a settlement", order=1
    )
    TeamFactory(debate=debate, name="Team Now", position=now)
    TeamFactory(debate=debate, name="Team After", position=after)
    return debate


@pytest.fixture
def position_now(debate):
    return debate.positions.get(key="now")


@pytest.fixture
def position_after(debate):
    return debate.positions.get(key="after")


@pytest.fixture
def team_now(debate):
    return debate.teams.get(name="Team Now")


@pytest.fixture
def team_after(debate):
    return debate.teams.get(name="Team After")


@pytest.fixture
def moderator(debate):
    return MembershipFactory(
        user=UserFactory(username="moderator"), debate=debate, role=Role.MODERATOR
    ).user


@pytest.fixture
def debater_now(debate, team_now):
    return MembershipFactory(
        user=UserFactory(username="debater-now"), debate=debate, role=Role.DEBATER, team=team_now
    ).user


@pytest.fixture
def debater_after(debate, team_after):
    return MembershipFactory(
        user=UserFactory(username="debater-after"),
        debate=debate,
        role=Role.DEBATER,
        team=team_after,
    ).user


@pytest.fixture
def observer(debate):
    return MembershipFactory(
        user=UserFactory(username="observer"), debate=debate, role=Role.OBSERVER
    ).user


@pytest.fixture
def outsider(db):
    """Signed in, but with no role in any debate."""
    return UserFactory(username="outsider")


@pytest.fixture
def source(debate):
    return SourceFactory(
        debate=debate,
        title="Bilateral Security Agreements as Part of Ukraine’s NATO Accession",
        text=SOURCE_TEXT,
    )


class World(SimpleNamespace):
    """The shared debate and one person in each role; a test file adds what it needs.

    `users` holds the people by the role names the role tables use, anonymous as None:
    moderator, debater (debater_now, Team Now), rival (debater_after, Team After), observer,
    outsider (signed in, no role) and anonymous.
    """

    def call(self, **roles: str) -> None:
        """Let this file name roles its own way: `world.call(own="debater")` renames the
        debater "own" in `users`."""
        for new, old in roles.items():
            self.users[new] = self.users.pop(old)


WORLD_FIXTURES = ("debate", "position_now", "position_after", "team_now", "team_after",
                  "source", "moderator", "debater_now", "debater_after", "observer", "outsider")


def shared_world(request: pytest.FixtureRequest) -> World:
    """The shared world from the fixtures above: what `world` is, for a test file whose
    folder's conftest overrides `world` with a richer one (tests/mapview)."""
    world = World(**{name: request.getfixturevalue(name) for name in WORLD_FIXTURES})
    world.users = {
        "moderator": world.moderator, "debater": world.debater_now,
        "rival": world.debater_after, "observer": world.observer, "outsider": world.outsider,
        "anonymous": None,
    }  # fmt: skip
    return world


@pytest.fixture
def world(db, request: pytest.FixtureRequest) -> World:
    # `db` named here, not only fetched inside shared_world: a fixture fetched by
    # getfixturevalue alone does not set up the test database first, and a file whose
    # tests reach the database only through `world` would write to the real one.
    return shared_world(request)
