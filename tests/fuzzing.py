"""What the fuzz tests share (tests/test_fuzz_pages.py, tests/test_fuzz_api.py): the world
they post into, the hostile values, the bytes a request is made of, and the checks.

A request is a `Probe`: a method, a concrete path (percent-encoded, so that it can carry bytes
no client would send, such as lone surrogates written as invalid UTF-8), a body, headers, and
the role that sends it. `check` sends one and records what went wrong (a 5xx, an exception, a
non-JSON answer under /api/, a huge input echoed back) instead of raising, so that one run
reports every failing endpoint, each with its smallest input and the last frame of its
traceback in our code.

Every probe runs inside a savepoint that is rolled back, with the cache emptied first: each one
starts from the same world (and rate-limit counters start at zero), so a failure replays alone.
"""

from __future__ import annotations

import json
import os
import traceback
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote_from_bytes

from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart  # noqa: F401
from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from debate.accounts.services import token_create
from debate.debates.models import Debate, Phase, Role
from debate.moderation.models import Flag
from debate.sources.models import EvidenceStatus
from tests.factories import (
    ClaimFactory,
    DebateFactory,
    EvidenceFactory,
    MembershipFactory,
    PositionFactory,
    SourceFactory,
    TeamFactory,
    UserFactory,
    VoteFactory,
)

HUGE = 1_000_000  # characters
ECHO_LIMIT = 100_000  # bytes: an answer to a huge input may quote a short prefix, no more
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))  # random probes per endpoint


def fuzz_settings(examples: int = EXAMPLES) -> hsettings:
    """Bounded, reproducible runs (FUZZ_RANDOM=1 draws new examples each run); no example
    database, so nothing is written into the checkout."""
    return hsettings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=os.environ.get("FUZZ_RANDOM", "") != "1",
        suppress_health_check=list(HealthCheck),
    )


# --- hostile values --------------------------------------------------------------------------

# Strings that look like numbers to someone (`'²'.isdigit()` is true, `int('１')` is 1,
# `int('²')` raises), numbers no column holds, and the characters that break hand parsing.
NUMBERISH = [
    "²", "１", "٣", "-0", "-1", "0", "1e9", "1.5", "NaN", "inf", "0x1f", "1_000", " 7 ", "7\n",
    "\ufeff1", "\u202e12", "9" * 19, "9" * 40, "", " ", "\x00", "1\x00", "#²", "team:²",
    "\ud800", "null", "true", "[]", "{}",
]  # fmt: skip
HUGE_CHARS = ["x", "é", "𝕏", "\u202e", "²", "<"]
HUGE_SIZES = [1_001, 65_537, HUGE]

# Every plane, control characters and lone surrogates included.
any_char = st.characters(exclude_categories=())
unicode_text = st.text(any_char, max_size=40)
huge_text = st.builds(lambda c, n: c * n, st.sampled_from(HUGE_CHARS), st.sampled_from(HUGE_SIZES))
hostile = st.one_of(st.sampled_from(NUMBERISH), unicode_text, huge_text)
# In a query string or a path: gunicorn refuses a request line over 4,094 bytes before Django
# sees it, so values there stay far below a million characters.
LINE_SIZES = [200, 1_000]
hostile_in_line = st.one_of(
    st.sampled_from(NUMBERISH), unicode_text,
    st.builds(lambda c, n: c * n, st.sampled_from(HUGE_CHARS), st.sampled_from(LINE_SIZES)),
)  # fmt: skip


def is_huge(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) >= HUGE_SIZES[-1]
    if isinstance(value, (list, tuple)):
        return any(is_huge(v) for v in value)
    if isinstance(value, dict):
        return any(is_huge(k) or is_huge(v) for k, v in value.items())
    return False


ECHO_RUN = 1_000  # characters: a refusal quotes a short prefix, never this much of a value


def echo_marks(values: list) -> tuple[bytes, ...]:
    """For each value that is a long run of one letter ('x' or 'é', which no escaping changes),
    the bytes of ECHO_RUN of them: a refusal that holds them repeats the value."""
    marks = set()
    for value in values:
        if isinstance(value, str):
            for letter in "xé":
                if letter * ECHO_RUN in value:
                    marks.add((letter * ECHO_RUN).encode())
    return tuple(marks)


def short(value: Any, limit: int = 60) -> str:
    """A value for the report: long strings as `'x'*1000000`."""
    if isinstance(value, str) and len(value) > limit:
        if len(set(value)) == 1:
            return f"{value[0]!r}*{len(value)}"
        return repr(value[:limit]) + f"…({len(value)} chars)"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(short(v, limit) for v in value[:6]) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{short(k, 20)}: {short(v, limit)}" for k, v in
                               list(value.items())[:8]) + "}"  # fmt: skip
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


# --- bytes on the wire -----------------------------------------------------------------------


def raw(text: str) -> bytes:
    """UTF-8, with lone surrogates kept as the (invalid) bytes a broken client would send."""
    return text.encode("utf-8", "surrogatepass")


def pct(text: str) -> str:
    return quote_from_bytes(raw(text), safe="")


def urlencoded(pairs: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{pct(k)}={pct(v)}" for k, v in pairs).encode("ascii")


def multipart(pairs: list[tuple[str, Any]]) -> bytes:
    """A multipart body (files as (name, bytes)); strings the codec cannot take are
    replaced, as a browser would."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data: dict[str, list] = {}
    for key, value in pairs:
        if isinstance(value, tuple):
            value = SimpleUploadedFile(safe(value[0]) or "file", value[1])
        else:
            value = safe(value)
        data.setdefault(safe(key), []).append(value)
    return encode_multipart(BOUNDARY, data)


def safe(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


# --- the world -------------------------------------------------------------------------------

ROLES = ["anonymous", "outsider", "observer", "debater_now", "debater_after", "moderator",
         "creator"]  # fmt: skip
PHASES = list(Phase.values)


def build_world(base: SimpleNamespace, settings, monkeypatch) -> SimpleNamespace:
    """Extend tests/conftest.py's `world` (the debate in rebuttal, one person in each role)
    with claims in every state, evidence approved and proposed, a vote, an open flag, a
    frozen snapshot, API tokens for everyone, a staff user who may create debates, and a
    private debate whose ids are forged into the first one's URLs."""
    f = base
    debate, moderator = f.debate, f.moderator
    position_now, position_after, team_now, team_after = (
        f.position_now, f.position_after, f.team_now, f.team_after)  # fmt: skip
    debater_now, debater_after, observer, outsider, source = (
        f.debater_now, f.debater_after, f.observer, f.outsider, f.source)  # fmt: skip
    # Rate limits and throttles stay, but far above what one probe does (each starts with an
    # empty cache anyway): a fuzz that only sees 429s tests nothing.
    settings.RATE_LIMITS = Unlimited()
    settings.HEAVY_READS_PER_MINUTE = 100_000
    from rest_framework.throttling import SimpleRateThrottle

    rates = {k: "100000/minute" for k in SimpleRateThrottle.THROTTLE_RATES} | {
        "writes": "100000/minute"}  # fmt: skip
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)

    creator = UserFactory(username="creator", is_staff=True)
    MembershipFactory(user=creator, debate=debate, role=Role.MODERATOR)
    claim = ClaimFactory(debate=debate, position=position_now, author=debater_now,
                         team=team_now, text="Talks now deny Russia a veto.")  # fmt: skip
    reply = ClaimFactory(debate=debate, parent=claim, stance="con", author=debater_after,
                         team=team_after, text="Talks now harden Moscow's war aims.")  # fmt: skip
    after_claim = ClaimFactory(debate=debate, position=position_after, author=debater_after,
                               team=team_after, text="Settle first.")  # fmt: skip
    hidden = ClaimFactory(debate=debate, position=position_now, author=debater_now,
                          team=team_now, is_hidden=True, text="A hidden claim.")  # fmt: skip
    withdrawn = ClaimFactory(debate=debate, position=position_now, author=debater_now,
                             team=team_now, is_withdrawn=True, text="Withdrawn.")  # fmt: skip
    VoteFactory(user=observer, claim=claim, value=3)
    approved = EvidenceFactory(source=source, start=10, end=30)
    proposed = EvidenceFactory(source=source, start=0, end=8, status=EvidenceStatus.PROPOSED,
                               proposer=debater_now)  # fmt: skip
    flag = Flag.objects.create(debate=debate, claim=claim, reporter=debater_after, kind="off_topic")

    other = DebateFactory(slug="private-debate", title="A private debate", is_public=False)
    other_position = PositionFactory(debate=other, key="yes")
    other_claim = ClaimFactory(debate=other, position=other_position)
    other_source = SourceFactory(debate=other)
    other_team = TeamFactory(debate=other, position=other_position)
    other_evidence = EvidenceFactory(source=other_source, start=0, end=10)
    other_flag = Flag.objects.create(debate=other, claim=other_claim, reporter=debater_after,
                                     kind="off_topic")  # fmt: skip

    from debate.snapshots.services import snapshot_take

    debate.refresh_from_db()
    snapshot_take(actor=moderator, debate=debate)

    users = {"anonymous": None, "outsider": outsider, "observer": observer,
             "debater_now": debater_now, "debater_after": debater_after,
             "moderator": moderator, "creator": creator}  # fmt: skip
    tokens = {}
    token_ids = []
    for name, user in users.items():
        if user is not None:
            row, tokens[name] = token_create(actor=user, user=user, name=f"fuzz {name}")
            token_ids.append(row.pk)
    _, read_only = token_create(actor=debater_now, user=debater_now, name="ro", read_only=True)
    team_now.refresh_from_db()
    team_after.refresh_from_db()
    other_team.refresh_from_db()

    base.__dict__.update(
        slug=debate.slug, users=users, tokens=tokens, read_only=read_only,
        claim=claim, reply=reply,
        ids={
            "claim": [claim.pk, reply.pk, after_claim.pk, hidden.pk, withdrawn.pk,
                      other_claim.pk],
            "position": [position_now.pk, position_after.pk, other_position.pk],
            "team": [team_now.pk, team_after.pk, other_team.pk],
            "evidence": [approved.pk, proposed.pk, other_evidence.pk],
            "source": [source.pk, other_source.pk],
            "flag": [flag.pk, other_flag.pk],
            # the roster's rows (debate/people): a debater, the observer, another debate's
            "membership": [*debate.memberships.filter(user__in=[debater_after, observer])
                           .values_list("pk", flat=True),
                           MembershipFactory(debate=other, role=Role.OBSERVER).pk],
            "token": token_ids,
            "number": [1],
            # grading (debate/grading): people graded here (and one who is not), feedback
            "person": [debater_now.pk, debater_after.pk, outsider.pk],
            "feedback": _grading_feedback(moderator, claim, other_claim),
            # comments (debate/comments): one on the debate's claim, one on another debate's
            "comment": _comments(debater_now, claim, other_claim),
        },
        keys=["now", "after", "yes"],
        codes=[team_now.invite_code, team_after.invite_code, other_team.invite_code],
        slugs=[debate.slug, other.slug, "no-such-debate"],
        usernames=[u.username for u in users.values() if u is not None],
        sessions={},
    )  # fmt: skip
    return base


def _grading_feedback(moderator, claim, other_claim) -> list[int]:
    """Feedback on a claim of the debate, and on another debate's claim (forged into URLs)."""
    from debate.grading.models import Feedback

    return [
        Feedback.objects.create(debate=c.debate, claim=c, author=moderator,
                                student_id=c.author_id, text="Fuzz note.").pk  # fmt: skip
        for c in (claim, other_claim)
    ]


def _comments(author, claim, other_claim) -> list[int]:
    """A comment under a claim of the debate, and one under another debate's claim."""
    from debate.comments.models import Comment

    return [
        Comment.objects.create(debate=c.debate, claim=c, author=author, kind="question",
                               text="Fuzz question @debater_after?").pk  # fmt: skip
        for c in (claim, other_claim)
    ]


class Unlimited(dict):
    """RATE_LIMITS with every limit (those that exist now and those added later) raised."""

    def __bool__(self):
        return True

    def get(self, key, default=None):
        return 1_000_000

    def __getitem__(self, key):
        return 1_000_000

    def __contains__(self, key):
        return True


# --- probes and what is checked ----------------------------------------------------------------


@dataclass
class Probe:
    method: str
    path: str  # concrete, percent-encoded, with its query string
    pattern: str  # the URL name and route, for the report
    role: str
    auth: str = "session"  # session, token, read-only token, or a raw Authorization header
    phase: str = Phase.REBUTTAL
    body: bytes = b""
    content_type: str = "application/x-www-form-urlencoded"
    headers: dict[str, str] = field(default_factory=dict)
    shown: str = ""  # the input, shortened, for the report
    huge: bool = False
    marks: tuple[bytes, ...] = ()  # runs of a long input that a refusal must not repeat


@dataclass
class Failure:
    probe: Probe
    what: str  # "500", "exception", "not JSON", "echo"
    where: str  # the last frame of the traceback in our code, and the last frame of all
    roles: set[str] = field(default_factory=set)  # every role that met it

    def line(self) -> str:
        p = self.probe
        others = sorted(self.roles - {p.role})
        also = f" (also as {', '.join(others)})" if others else ""
        return (f"{p.method} {p.pattern} as {p.role}{also} ({p.auth}, phase {p.phase}): "
                f"{self.what}\n    input: {p.shown}\n    path: {p.path[:160]}\n"
                f"    at: {self.where}")  # fmt: skip


class Recorder:
    """Failures seen in one test, one per (method, pattern, kind, where), with the smallest
    input that met it and every role that did."""

    def __init__(self) -> None:
        self.failures: dict[tuple, Failure] = {}
        self.sent = 0
        self.statuses: dict[int, int] = {}

    def add(self, failure: Failure) -> None:
        p = failure.probe
        kind = failure.what.split(":")[0].split(" ")[0]
        key = (p.method, p.pattern, kind, failure.where if kind != "echo" else "")
        known = self.failures.get(key)
        roles = (known.roles if known else set()) | {p.role}
        if known is None or len(failure.probe.shown) < len(known.probe.shown):
            self.failures[key] = failure
        self.failures[key].roles = roles

    def report(self) -> str:
        lines = [f.line() for f in self.failures.values()]
        return f"{len(lines)} failing probe(s) of {self.sent} sent:\n" + "\n".join(lines)


def where_of(exc: BaseException) -> str:
    """The last frame in our code (debate/...) and the very last frame, as file:line in fn."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/debate/" in f.filename and "/.venv/" not in f.filename]

    def fmt(f) -> str:
        name = f.filename.split("/work/main/")[-1]
        return f"{name}:{f.lineno} in {f.name}"

    last = frames[-1] if frames else None
    parts = [fmt(ours[-1])] if ours else []
    if last is not None and (not ours or last is not ours[-1]):
        parts.append("deepest " + fmt(last))
    message = str(exc).replace("\n", " ")[:160]
    return f"{' / '.join(parts)}: {type(exc).__name__}: {message}"


def client_for(world: SimpleNamespace, probe: Probe) -> tuple[Client, dict[str, str]]:
    """One client for the whole test, its cookies reset for each probe: a new Client loads
    the middleware again, and WhiteNoise's scan of the static files costs half a second."""
    if "client" not in world.__dict__:
        world.client = Client()
    client = world.client
    client.cookies = SimpleCookie()
    extra: dict[str, str] = {}
    user = world.users.get(probe.role)
    if probe.auth == "session" or probe.auth.startswith("header"):
        if user is not None:
            client.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[probe.role]
    elif probe.auth == "token":
        if user is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[probe.role]}"
    elif probe.auth == "read-only token":
        extra["HTTP_AUTHORIZATION"] = f"Bearer {world.read_only}"
    return client, extra


def check(world: SimpleNamespace, probe: Probe, recorder: Recorder, *, api: bool) -> int | None:
    """Send `probe` from the world as it was, and record what is wrong with the answer."""
    recorder.sent += 1
    status = None
    user = world.users.get(probe.role)
    if user is not None and probe.role not in world.sessions:
        # One session per role, made outside the probes' savepoints (their writes roll
        # back): logging in for every probe would cost more than the probe.
        login = Client()
        login.force_login(user)
        world.sessions[probe.role] = login.cookies[django_settings.SESSION_COOKIE_NAME].value
    with transaction.atomic():
        cache.clear()
        from debate.mapview import cache as maps

        maps.clear()
        if probe.phase != Phase.REBUTTAL:
            Debate.objects.filter(pk=world.debate.pk).update(phase=probe.phase)
        client, extra = client_for(world, probe)
        extra.update(probe.headers)
        try:
            response = client.generic(probe.method, probe.path, data=probe.body,
                                      content_type=probe.content_type, **extra)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - the view raised: that is the finding
            recorder.add(Failure(probe, "exception (500)", where_of(exc)))
            response = None
        if response is not None:
            status = response.status_code
            recorder.statuses[status] = recorder.statuses.get(status, 0) + 1
            body = b"" if response.streaming else response.content
            ctype = response.get("Content-Type", "")
            if status >= 500:
                recorder.add(Failure(probe, f"{status}: {body[:120]!r}", "(a 5xx response)"))
            echoed = [m for m in probe.marks if m in body] if status >= 400 else []
            if echoed and not (probe.huge and len(body) > ECHO_LIMIT):
                recorder.add(Failure(probe, f"echo: {status} quotes {ECHO_RUN}+ characters of "
                                     "the input", "(the refusal repeats the input)"))  # fmt: skip
            if probe.huge and len(body) > ECHO_LIMIT:
                recorder.add(Failure(probe, f"echo: {status} with {len(body)} bytes",
                                     "(the answer repeats the huge input)"))  # fmt: skip
            if api and probe.path.startswith("/api/") and not _is_docs(probe.path):
                problem = _api_shape_problem(status, ctype, body)
                if problem:
                    recorder.add(Failure(probe, f"not JSON: {problem}", f"status {status}"))
        transaction.set_rollback(True)
    return status


def _is_docs(path: str) -> bool:
    return path.startswith(("/api/v1/schema/", "/api/v1/docs/"))


DOCUMENT_TYPES = ("application/json", "text/plain", "application/graphml+xml")


def _api_shape_problem(status: int, ctype: str, body: bytes) -> str:
    if status in (204, 304):
        return ""
    refused_or_odd = status >= 400 or not ctype.startswith(DOCUMENT_TYPES)
    if refused_or_odd and not ctype.startswith("application/json"):
        return f"Content-Type {ctype!r}: {body[:80]!r}"
    if ctype.startswith("application/json"):
        try:
            json.loads(body)
        except ValueError:
            return f"invalid JSON body {body[:80]!r}"
    return ""


def assert_clean(recorder: Recorder) -> None:
    if os.environ.get("FUZZ_STATS"):  # how often each status came back: is the fuzz deep?
        print(f"\nstatuses of {recorder.sent} probes:", dict(sorted(recorder.statuses.items())))
    assert recorder.sent, "no probe was sent"
    assert not recorder.failures, recorder.report()
