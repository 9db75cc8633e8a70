"""Hypothesis posts hostile input to every page of debate/urls.py, as every role, in every
phase: random unicode from every plane (nulls, lone surrogates as invalid UTF-8, RTL marks),
strings up to a million characters, numbers written as '²', '１', '-0' or '1e9', repeated,
missing and extra fields, forged and out-of-range ids in the path, odd content types, and the
query parameters of every GET page (`?voters=`, `?since=`, `?root=`, `?page=`, `?whole=`, ...).

What must hold, whatever is sent: no 5xx and no exception; an answer to a huge input is under
100 KB (it quotes a short prefix at most; a refused form puts fields back cut to their
max_length), and a refusal never repeats 1,000 characters of a query parameter or a path
segment. Query strings and paths stay under the 4 KB request line gunicorn accepts.

Each endpoint first gets a fixed set of probes (each field in turn set to '²', to 25 nines
and to a million characters, the others well-formed; every field missing; every field a null,
a lone surrogate; each path id out of range), then FUZZ_EXAMPLES random ones (default 12;
FUZZ_RANDOM=1 draws new ones on each run instead of the same ones).
A failing test lists every failing probe, with its input and the last frame in our code.

`test_every_page_is_fuzzed` fails when debate/urls.py gains a page that is not in ENDPOINTS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import given
from hypothesis import strategies as st

from debate.debates.models import Phase
from tests.factories import TEST_PASSWORD
from tests.fuzzing import (
    HUGE,
    MULTIPART_CONTENT,
    NUMBERISH,
    PHASES,
    ROLES,
    Probe,
    Recorder,
    assert_clean,
    build_world,
    check,
    echo_marks,
    fuzz_settings,
    hostile,
    hostile_in_line,
    is_huge,
    multipart,
    pct,
    short,
    unicode_text,
    urlencoded,
)


@dataclass(frozen=True)
class Endpoint:
    name: str  # the URL name in debate/urls.py
    path: str  # with {slug}, {claim}, {source}, {evidence}, {flag}, {key}, {code}, ...
    methods: tuple[str, ...]
    fields: dict[str, str] = field(default_factory=dict)  # POST field -> kind of value
    query: dict[str, str] = field(default_factory=dict)  # query parameter -> kind of value
    fixed: tuple[tuple[str, str], ...] = ()  # always sent first (the set-up page's action)
    who: str = "debater_now"  # the role whose well-formed request could succeed
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}{':' + self.label if self.label else ''}"


GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")
VOTERS = {"voters": "voters"}
D = "/d/{slug}"

ENDPOINTS = [
    Endpoint("home", "/", GET),
    Endpoint("debate", f"{D}/", GET,
             query={**VOTERS, "sort": "choice:oldest|newest|strength", "page": "count",
                    "whole": "choice:1|0"}),
    Endpoint("debate-live", f"{D}/live/", GET,
             query={"since": "count", "root": "id:claim", **VOTERS}),
    Endpoint("debate-results", f"{D}/results/", BOTH,
             fields={"position": "id:position|undecided", "poll": "choice:before|after"},
             who="observer"),
    Endpoint("debate-picture", f"{D}/picture/", GET),
    Endpoint("debate-phase", f"{D}/phase/", POST,
             fields={"phase": "choice:" + "|".join(PHASES)}, who="moderator"),
    Endpoint("debate-observe", f"{D}/observe/", POST, who="outsider"),
    Endpoint("compose", f"{D}/compose/", BOTH,
             fields={"position": "id:position", "parent": "id:claim", "text": "text",
                     "stance": "choice:pro|con", "supports": "id:evidence",
                     "concedes": "id:evidence"},
             query={"position": "id:position", "parent": "id:claim", "supports": "id:evidence"}),
    Endpoint("compose-similar", f"{D}/compose/similar/", GET, query={"text": "text"}),
    Endpoint("compose-evidence", f"{D}/compose/evidence/", GET,
             query={"q": "text", "supports": "id:evidence", "concedes": "id:evidence"}),
    Endpoint("debate-search", f"{D}/search/", GET, query={"q": "text"}),
    Endpoint("claim", f"{D}/claims/{{claim}}/", GET,
             query={"sort": "choice:oldest|newest|strength", "part": "choice:replies"}),
    Endpoint("debate-jump", f"{D}/jump/", GET, query={"n": "id:claim"}),
    Endpoint("claim-why", f"{D}/claims/{{claimkey}}/why/", GET, query=VOTERS),
    Endpoint("position-why", f"{D}/positions/{{key}}/why/", GET, query=VOTERS),
    Endpoint("claim-edit", f"{D}/claims/{{claim}}/edit/", BOTH,
             fields={"text": "text", "version": "count"}),
    Endpoint("claim-withdraw", f"{D}/claims/{{claim}}/withdraw/", POST),
    Endpoint("claim-hide", f"{D}/claims/{{claim}}/hide/", BOTH, fields={"reason": "text"},
             who="moderator"),
    Endpoint("claim-restore", f"{D}/claims/{{claim}}/restore/", BOTH, fields={"reason": "text"},
             who="moderator"),
    Endpoint("claim-vote", f"{D}/claims/{{claim}}/vote/", POST,
             fields={"value": "choice:0|1|2|3|4|"}, who="observer"),
    Endpoint("claim-cite", f"{D}/claims/{{claim}}/cite/", BOTH,
             fields={"evidence": "id:evidence", "relation": "choice:supports|concedes"},
             query={"q": "text"}),
    Endpoint("claim-flag", f"{D}/claims/{{claim}}/flag/", BOTH,
             fields={"kind": "choice:off_topic|duplicate|unsupported|fallacy|abusive",
                     "fallacy": "choice:straw_man|ad_hominem|false_dilemma",
                     "duplicate_of": "id:claim|#", "note": "text"},
             who="debater_after"),
    Endpoint("source", f"{D}/sources/{{source}}/", GET),
    Endpoint("evidence-propose", f"{D}/sources/{{source}}/propose/", POST,
             fields={"quote": "quote", "start": "count", "end": "count", "note": "text"}),
    Endpoint("evidence-review", f"{D}/evidence/{{evidence}}/review/", POST,
             fields={"decision": "choice:approve|reject|hide|restore", "reason": "text",
                     "next": "next"},
             who="moderator"),
    Endpoint("debate-manage", f"{D}/manage/", GET, who="moderator"),
    Endpoint("debate-manage", f"{D}/manage/", POST, label="details", who="moderator",
             fixed=(("action", "details"),),
             fields={"title": "text", "motion": "text", "description": "text",
                     "is_public": "check", "allow_observers": "check"}),
    Endpoint("debate-manage", f"{D}/manage/", POST, label="team", who="moderator",
             fixed=(("action", "team"),), fields={"name": "text", "position": "id:position"}),
    Endpoint("debate-manage", f"{D}/manage/", POST, label="regenerate", who="moderator",
             fixed=(("action", "regenerate"),), fields={"team": "id:team"}),
    Endpoint("debate-manage", f"{D}/manage/", POST, label="moderator", who="moderator",
             fixed=(("action", "moderator"),), fields={"username": "users"}),
    Endpoint("debate-manage", f"{D}/manage/", POST, label="source", who="moderator",
             fixed=(("action", "source"),),
             fields={"title": "text", "text": "text", "publication": "text", "volume": "text",
                     "issue": "text", "published_on": "date", "url": "url", "file": "file"}),
    Endpoint("debate-manage", f"{D}/manage/", POST, label="revise", who="moderator",
             fixed=(("action", "revise"),), fields={"source": "id:source", "text": "text"}),
    Endpoint("debate-manage", f"{D}/manage/", POST, label="clone", who="creator",
             fixed=(("action", "clone"),), fields={"title": "text", "slug": "slug"}),
    Endpoint("debate-manage", f"{D}/manage/", POST, label="any action", who="moderator",
             fields={"action": "choice:details|team|regenerate|moderator|source|revise|clone|"
                               "reopen|phase|delete", "title": "text", "name": "text",
                     "team": "id:team", "source": "id:source", "position": "id:position"}),
    Endpoint("moderation-queue", f"{D}/moderate/", GET, who="moderator"),
    Endpoint("flag-resolve", f"{D}/flags/{{flag}}/resolve/", POST,
             fields={"resolution": "choice:dismiss|hide|merge", "reason": "text"},
             who="moderator"),
    Endpoint("audit", f"{D}/audit/", GET, query={"actor": "users", "action": "text",
                                                 "page": "count"}, who="moderator"),
    # exports, frozen versions and the printable summary (debate/snapshots); the world has
    # snapshot 1 (tests/fuzzing.py), so the numbers below name one that exists and one not.
    Endpoint("debate-exports", f"{D}/exports/", GET),
    Endpoint("debate-export", f"{D}/export.json", GET, label="json",
             query={"texts": "choice:1|0|yes"}),
    Endpoint("debate-export", f"{D}/export.argdown", GET, label="argdown",
             query={"texts": "choice:1|0"}),
    Endpoint("snapshot-freeze", f"{D}/snapshots/freeze/", POST, who="moderator",
             fields={"seen": "count"}),
    Endpoint("snapshot-diff-pick", f"{D}/snapshots/diff/", GET,
             query={"a": "choice:1|2|0|live", "b": "choice:live|1|2|0"}),
    Endpoint("snapshot-export", f"{D}/snapshots/1/export.aif", GET),
    Endpoint("snapshot-diff", f"{D}/snapshots/1/diff/1/", GET),
    Endpoint("snapshot-diff", f"{D}/snapshots/2/diff/1/", GET, label="missing"),
    Endpoint("snapshot-diff-live", f"{D}/snapshots/1/diff/live/", GET),
    Endpoint("debate-summary", f"{D}/summary/", GET),
    # the roster (debate/people)
    Endpoint("debate-people", f"{D}/people/", GET, who="moderator",
             query={"sort": "choice:name|-claims|tasks|nope", "team": "id:team",
                    "silent": "choice:1|0|yes"}),
    Endpoint("debate-targets", f"{D}/people/tasks/", POST, who="moderator",
             fields={"min_claims": "count", "min_rebuttals": "count",
                     "min_approved_evidence": "count", "min_votes": "count",
                     "min_citations": "count"}),
    Endpoint("member-change", f"{D}/people/{{membership}}/change/", POST, who="moderator",
             fields={"role": "choice:debater|observer|moderator|king", "team": "id:team"}),
    Endpoint("member-remove", f"{D}/people/{{membership}}/remove/", POST, who="moderator",
             fields={"reason": "text", "confirm": "choice:1|0"}),
    Endpoint("debate-participation-csv", f"{D}/participation.csv", GET, who="moderator"),
    # small groups (debate/groups)
    Endpoint("debate-groups", f"{D}/groups/", GET, who="moderator"),
    Endpoint("debate-groups-split", f"{D}/groups/split/", BOTH, who="moderator",
             fields={"count": "count", "assignment": "choice:team|hand|lottery"}),
    Endpoint("debate-groups-phase", f"{D}/groups/phase/", POST, who="moderator",
             fields={"phase": "choice:" + "|".join(PHASES)}),
    # grading and feedback (debate/grading)
    Endpoint("debate-grading", f"{D}/grading/", GET, who="moderator"),
    Endpoint("debate-grading-release", f"{D}/grading/release/", POST, who="moderator",
             fields={"scope": "choice:grades|feedback_everyone|all", "confirm": "choice:on|"}),
    Endpoint("debate-grading-scale", f"{D}/grading/scale/", POST, who="moderator",
             fields={"kind": "choice:points|letters|stars", "max_points": "count",
                     "letters": "text"}),
    Endpoint("debate-grading-person", f"{D}/grading/{{person}}/", GET, who="moderator"),
    Endpoint("debate-grading-grade", f"{D}/grading/{{person}}/grade/", POST, who="moderator",
             fields={"value": "choice:A|B|F|Z|100|", "comment": "text"}),
    Endpoint("debate-grading-feedback", f"{D}/grading/{{person}}/claims/{{claim}}/feedback/",
             POST, who="moderator",
             fields={"text": "text", "audience": "choice:author|everyone|nobody"}),
    Endpoint("debate-grading-feedback-remove", f"{D}/grading/feedback/{{feedback}}/remove/",
             POST, who="moderator"),
    # comments on claims (debate/comments)
    Endpoint("comments", f"{D}/claims/{{claim}}/comments/", GET),
    Endpoint("comment-add", f"{D}/claims/{{claim}}/comments/add/", POST, who="debater_after",
             fields={"kind": "choice:question|clarification|source_request|rant",
                     "text": "text"}),
    Endpoint("comment-edit", f"{D}/claims/{{claim}}/comments/{{comment}}/edit/", POST,
             who="debater_now", fields={"text": "text", "version": "count"}),
    Endpoint("comment-hide", f"{D}/claims/{{claim}}/comments/{{comment}}/hide/", POST,
             who="moderator", fields={"reason": "text"}),
    Endpoint("comment-restore", f"{D}/claims/{{claim}}/comments/{{comment}}/restore/", POST,
             who="moderator", fields={"reason": "text"}),
    Endpoint("debate-new", "/debates/new/", BOTH, who="creator",
             fields={"title": "text", "motion": "text", "description": "text",
                     "positions-0-title": "text", "positions-0-description": "text",
                     "positions-1-title": "text", "positions-TOTAL_FORMS": "count",
                     "teams-0-name": "text", "teams-0-position": "choice:1|2|7|0",
                     "teams-TOTAL_FORMS": "count", "moderators": "users"}),
    Endpoint("activity", "/activity/", BOTH),
    Endpoint("activity-digest", "/activity/digest/{slug}/", POST, who="moderator",
             fields={"digest": "choice:on|off|maybe"}),
    Endpoint("join", "/join/", BOTH, fields={"code": "code"}, who="outsider",
             query={"code": "code"}),
    Endpoint("join-code", "/join/{code}/", BOTH, fields={"code": "code"}, who="outsider"),
    Endpoint("signup", "/accounts/signup/", BOTH, who="anonymous",
             fields={"username": "newname", "password1": "newpassword",
                     "password2": "newpassword", "next": "next"},
             query={"next": "next"}),
    Endpoint("profile", "/accounts/profile/", BOTH,
             fields={"action": "choice:create|revoke", "token": "id:token", "name": "text",
                     "read_only": "check"}),
    Endpoint("login", "/accounts/login/", BOTH, who="anonymous",
             fields={"username": "users", "password": "password", "next": "next"},
             query={"next": "next"}),
    Endpoint("logout", "/accounts/logout/", POST, query={"next": "next"}),
    Endpoint("password_change", "/accounts/password_change/", BOTH,
             fields={"old_password": "password", "new_password1": "newpassword",
                     "new_password2": "newpassword"}),
    Endpoint("password_change_done", "/accounts/password_change/done/", GET),
    Endpoint("password_reset", "/accounts/password_reset/", BOTH, who="anonymous",
             fields={"email": "email"}),
    Endpoint("password_reset_done", "/accounts/password_reset/done/", GET),
    Endpoint("password_reset_confirm", "/accounts/reset/{uidb64}/{token}/", BOTH,
             who="anonymous", fields={"new_password1": "newpassword",
                                      "new_password2": "newpassword"}),
    Endpoint("password_reset_complete", "/accounts/reset/done/", GET),
    # the interface language (issue 16): the navigation's switcher, and Django's JS catalogue
    Endpoint("language-switch", "/accounts/language/", POST, who="debater_now",
             fields={"language": "choice:uk|en-gb|de|UK|", "next": "next"}),
    Endpoint("javascript-catalog", "/jsi18n/", GET),
]  # fmt: skip

# Pages that Django's own apps serve and that take no input of ours.
NOT_FUZZED = {"admin"}


# --- values of each kind: well-formed ones, the world's own, and hostile ones ----------------


def good(kind: str, world: SimpleNamespace) -> str:
    """A value of `kind` that a well-meaning user would send."""
    if kind.startswith("id:"):
        name = kind[3:].split("|")[0]
        return str(world.ids[name][0])
    if kind.startswith("choice:"):
        return kind[7:].split("|")[0]
    return {
        "text": "A fair point about accession talks.",
        "quote": "Critics want the war to end first.",
        "count": "1",
        "check": "on",
        "voters": "all",
        "lines": "Talks now\nTalks after a settlement",
        "teams": "Team Now | 1\nTeam After | 2",
        "users": "moderator",
        "date": "2024-05-01",
        "url": "https://jamestown.org/program/bilateral-security-agreements/",
        "file": "",  # no upload (the text is pasted); any other value uploads a file
        "slug": "a-fresh-copy",
        "next": "/d/ukraine-nato/",
        "code": world.codes[0],
        "newname": "newcomer",
        "password": TEST_PASSWORD,
        "newpassword": "a-much-Longer-passw0rd!",
        "email": "debater-now@example.org",
    }[kind]


def pool(kind: str, world: SimpleNamespace) -> list[str]:
    """The world's own values of `kind`: every id, choice and name it has."""
    if kind.startswith("id:"):
        name, _, extra = kind[3:].partition("|")
        ids = [str(i) for i in world.ids[name]]
        return ids + ["0", "999999999"] + ([extra, f"{extra}{ids[0]}"] if extra else [])
    if kind.startswith("choice:"):
        return kind[7:].split("|")
    teams = world.ids["team"]
    return {
        "voters": ["all", "observers", *(f"team:{t}" for t in teams), "team:", "team:-1",
                   "team:9999999999999999999999", "team:１", "Team:1"],
        "teams": ["T | ²", "T | 1", "T | 99", "T |", " | 1", "T | 1 | 2", "Team Now | 1",
                  "T | -0", "T | １"],
        "lines": ["one", "one\ntwo", "\n\n", "dup\ndup", "x\n" * 40],
        "users": [*world.usernames, "nobody", "moderator, nobody", "x" * 151],
        "code": [*world.codes, "", "nope"],
        "next": ["/", "//evil.example/", "https://evil.example/", "/d/private-debate/",
                 "javascript:alert(1)", "\\\\evil"],
        "date": ["2024-02-30", "2024-5-1", "99999-01-01", "0000-00-00", "2024-05-01T10:00"],
        "count": ["0", "1", "2", "3", "100000", "4294967296"],
        "slug": ["ukraine-nato", "private-debate", "-", "a" * 300, "UPPER"],
        "password": [TEST_PASSWORD, "wrong"],
        "email": ["debater-now@example.org", "nobody@example.org", "not an email"],
    }.get(kind, [good(kind, world)])


def value_of(kind: str, world: SimpleNamespace, *, line: bool) -> st.SearchStrategy[str]:
    """`line`: in the query string, which gunicorn keeps under 4 KB."""
    bad = hostile_in_line if line else hostile
    return st.one_of(st.just(good(kind, world)), st.sampled_from(pool(kind, world)), bad)


def occurrences(kind: str, world: SimpleNamespace, *, line: bool) -> st.SearchStrategy[list[str]]:
    """A field sent once (mostly), not at all, or several times."""
    one = value_of(kind, world, line=line)
    return st.one_of(
        one.map(lambda v: [v]), one.map(lambda v: [v]), one.map(lambda v: [v]),
        st.just([]), st.lists(one, min_size=2, max_size=3),
    )  # fmt: skip


def placeholder(name: str, world: SimpleNamespace) -> st.SearchStrategy[str]:
    """A path segment: the world's ids mostly, then numbers no row (or column) has, then
    anything (percent-encoded: Django decodes it, and a converter may refuse it)."""
    out_of_range = ["0", "9" * 19, "9" * 40, "000" + str(world.ids["claim"][0])]
    if name == "slug":
        return st.sampled_from([world.slug] * 6 + world.slugs[1:])
    ids = {"claim": "claim", "source": "source", "evidence": "evidence", "flag": "flag",
           "membership": "membership", "person": "person", "feedback": "feedback",
           "comment": "comment"}
    if name in ids:
        real = [str(i) for i in world.ids[ids[name]]]
        return st.sampled_from(real * 3 + out_of_range)
    if name == "claimkey":
        real = [str(i) for i in world.ids["claim"]]
        return st.one_of(st.sampled_from(real * 2 + out_of_range + NUMBERISH[:12]), unicode_text)
    if name == "key":
        return st.one_of(st.sampled_from(world.keys * 2 + NUMBERISH[:12]), unicode_text)
    if name == "code":
        return st.one_of(st.sampled_from(world.codes), st.sampled_from(NUMBERISH), unicode_text,
                         st.just("x" * 1_000))  # fmt: skip
    if name in ("uidb64", "token"):
        return st.one_of(st.sampled_from(["MQ", "Mg", "set-password", "AAAA", "²", "-0"]),
                         unicode_text)  # fmt: skip
    raise KeyError(name)


def fill(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value if name == "slug" else pct(value))
    return path


def names_in(path: str) -> list[str]:
    return [part[1:-1] for part in path.replace("/", " ").split() if part.startswith("{")]


# --- building probes ---------------------------------------------------------------------------


def probe_of(
    endpoint: Endpoint, world: SimpleNamespace, *, method: str, role: str, phase: str,
    segments: dict[str, str], pairs: list[tuple[str, str]], query: list[tuple[str, str]],
    htmx: bool = False, mode: str = "form",
) -> Probe:  # fmt: skip
    path = fill(endpoint.path, segments)
    if query:
        path += "?" + urlencoded(query).decode()
    pairs = list(endpoint.fixed) + pairs if method == "POST" else []
    body, content_type = b"", "application/x-www-form-urlencoded"
    if method == "POST":
        pairs = [(k, v) for k, v in pairs if not (k == "file" and v == "")]
        if mode == "multipart" or any(k == "file" for k, _ in pairs):
            body = multipart([(k, (v, b"%PDF-1.4 " + v.encode("utf-8", "replace")[:200]))
                              if k == "file" else (k, v) for k, v in pairs])  # fmt: skip
            content_type = MULTIPART_CONTENT
        elif mode == "json":
            body, content_type = b'{"text": "' + urlencoded(pairs) + b'"}', "application/json"
        elif mode == "text/plain":
            body, content_type = urlencoded(pairs), "text/plain"
        else:
            body = urlencoded(pairs)
    shown = [(f"<{k}>", v) for k, v in segments.items() if k != "slug"]
    shown += [(f"?{k}", v) for k, v in query] + pairs
    return Probe(
        method=method, path=path, pattern=f"{endpoint.id} {endpoint.path}", role=role,
        phase=phase, body=body, content_type=content_type,
        headers={"HTTP_HX_REQUEST": "true"} if htmx else {},
        shown=", ".join(f"{short(k, 20)}={short(v)}" for k, v in shown)
        + (f" [{mode}]" if mode != "form" else "") + (" [htmx]" if htmx else ""),
        huge=is_huge([v for _, v in pairs]),
        # A refused form puts its fields back cut to their max_length (inputs.CappedForm),
        # so only what came in the query string or the path must not come back at length.
        marks=echo_marks([v for _, v in query] + list(segments.values())),
    )  # fmt: skip


def fixed_probes(endpoint: Endpoint, world: SimpleNamespace) -> list[Probe]:
    """Each field in turn set to '²', to 25 nines and to a million characters (the others
    well-formed), then all fields missing, then all a null character or a lone surrogate."""
    segments = {name: good_segment(name, world) for name in names_in(endpoint.path)}
    fields = endpoint.fields if "POST" in endpoint.methods else {}
    params = endpoint.query
    base = {k: good(kind, world) for k, kind in {**params, **fields}.items()}
    variants: list[dict[str, str | None]] = []
    for name in [*params, *fields]:
        for bad in ("²", "9" * 25, "x" * (HUGE if name in fields else 1_000)):
            variants.append({**base, name: bad})
    variants += [{k: None for k in base}, {k: "\x00" for k in base}, {k: "\ud800" for k in base}]
    probes = []
    for method in endpoint.methods:
        for values in variants or [{}]:
            pairs = [(k, v) for k, v in values.items() if k in fields and v is not None]
            query = [(k, v) for k, v in values.items() if k in params and v is not None]
            probes.append(probe_of(endpoint, world, method=method, role=endpoint.who,
                                   phase=Phase.REBUTTAL, segments=segments, pairs=pairs,
                                   query=query))  # fmt: skip
        # Hostile path segments, one at a time.
        for name in segments:
            for bad in ("9" * 25, "²"):
                probes.append(probe_of(endpoint, world, method=method, role=endpoint.who,
                                       phase=Phase.REBUTTAL, segments={**segments, name: bad},
                                       pairs=[], query=[]))  # fmt: skip
    return probes


def good_segment(name: str, world: SimpleNamespace) -> str:
    return {
        "slug": world.slug, "claim": str(world.ids["claim"][0]),
        "claimkey": str(world.ids["claim"][0]), "key": "now",
        "source": str(world.ids["source"][0]), "evidence": str(world.ids["evidence"][1]),
        "flag": str(world.ids["flag"][0]), "code": world.codes[0], "uidb64": "MQ",
        "membership": str(world.ids["membership"][0]),
        "person": str(world.ids["person"][0]), "feedback": str(world.ids["feedback"][0]),
        "comment": str(world.ids["comment"][0]),
        "token": "set-password",
    }[name]  # fmt: skip


@st.composite
def random_probes(draw, endpoint: Endpoint, world: SimpleNamespace) -> Probe:
    method = draw(st.sampled_from(endpoint.methods))
    role = draw(st.sampled_from([endpoint.who, endpoint.who, *ROLES]))
    phase = draw(st.sampled_from([Phase.REBUTTAL, *PHASES]))
    segments = {name: draw(placeholder(name, world)) for name in names_in(endpoint.path)}
    pairs: list[tuple[str, str]] = []
    if method == "POST":
        for name, kind in endpoint.fields.items():
            pairs += [(name, v) for v in draw(occurrences(kind, world, line=False))]
    query = []
    for name, kind in endpoint.query.items():
        query += [(name, v) for v in draw(occurrences(kind, world, line=True))]
    extra = draw(st.lists(st.tuples(st.one_of(unicode_text, st.sampled_from(
        ["voters", "since", "root", "page", "whole", "csrfmiddlewaretoken", "action"])),
        hostile_in_line), max_size=2))  # fmt: skip
    if method == "POST" and draw(st.booleans()):
        pairs += extra
    else:
        query += extra
    mode = draw(st.sampled_from(["form"] * 6 + ["multipart", "json", "text/plain"]))
    return probe_of(endpoint, world, method=method, role=role, phase=phase, segments=segments,
                    pairs=pairs, query=query, htmx=draw(st.booleans()), mode=mode)  # fmt: skip


# --- the tests ---------------------------------------------------------------------------------


@pytest.fixture
def world(db, world, settings, monkeypatch):
    return build_world(world, settings, monkeypatch)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{'+'.join(e.methods)} {e.id}")
def test_page_never_fails_on_hostile_input(world, endpoint):
    recorder = Recorder()
    for probe in fixed_probes(endpoint, world):
        check(world, probe, recorder, api=False)

    @given(probe=random_probes(endpoint, world))
    @fuzz_settings()
    def fuzz(probe):
        check(world, probe, recorder, api=False)

    fuzz()
    assert_clean(recorder)


def _url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern.name


def test_every_page_is_fuzzed():
    pages = {name for ns, name in _url_names(get_resolver().url_patterns)
             if ns is None and name}  # fmt: skip
    assert pages - {e.name for e in ENDPOINTS} - NOT_FUZZED == set()
