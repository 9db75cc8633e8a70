"""Hypothesis sends hostile requests to every operation of debate/api/urls.py, as every role
(by session, by full token, by read-only token, or with a malformed Authorization header), in
every phase: JSON bodies of every type (objects with the documented fields set to strings,
'²', huge or tiny numbers, NaN, booleans, lists, nested objects, lone surrogates, a million
characters; arrays, strings and numbers at the top; deep nesting), bodies that are no JSON at
all, odd content types, forged and out-of-range ids in the path, and random query parameters
(`?after=`, `?format=`, `?include_text=`, `?page=`, filters) on every read. The import
endpoint also gets the debate's own export with random parts replaced, dropped or added.

What must hold: no 5xx and no exception; every answer under /api/ is JSON (or the document
format asked for), errors always; an answer to a huge input is under 100 KB, and a refusal
never repeats 1,000 characters of any value sent (the body, a query parameter).

`test_every_operation_is_fuzzed` fails when debate/api/urls.py gains a route not in ENDPOINTS.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import given
from hypothesis import strategies as st

from debate.debates.models import Phase
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
    raw,
    short,
    unicode_text,
    urlencoded,
)

A = "/api/v1"
D = f"{A}/debates/{{slug}}"


@dataclass(frozen=True)
class Endpoint:
    name: str  # the URL name in debate/api/urls.py
    path: str
    methods: tuple[str, ...]
    fields: dict[str, str] = field(default_factory=dict)  # JSON field -> kind of value
    query: dict[str, str] = field(default_factory=dict)
    who: str = "debater_now"

    @property
    def id(self) -> str:
        return f"{'+'.join(self.methods)} {self.name}"


LIST_QUERY = {"page": "count", "ordering": "choice:id|-id|created_at|title|nope"}
FORMAT_QUERY = {"format": "choice:json|aif|argdown|graphml", "include_text": "choice:1|0|true",
                "download": "choice:1|0|true|maybe"}  # download: the exports part (helper D)

ENDPOINTS = [
    Endpoint("schema", f"{A}/schema/", ("GET",), query={"format": "choice:json|yaml",
                                                         "lang": "text"}),
    Endpoint("docs", f"{A}/docs/", ("GET",)),
    Endpoint("debates", f"{A}/debates/", ("GET",),
             query={**LIST_QUERY, "phase": "choice:" + "|".join(PHASES)}),
    Endpoint("debate-import", f"{A}/debates/import/", ("POST",), who="creator"),
    Endpoint("debate", f"{D}/", ("GET", "PATCH"), fields={"anonymous": "bool"},
             who="moderator"),
    Endpoint("phase", f"{D}/phase/", ("POST",), fields={"phase": "choice:" + "|".join(PHASES)},
             who="moderator"),
    Endpoint("positions", f"{D}/positions/", ("GET",), query=LIST_QUERY),
    Endpoint("teams", f"{D}/teams/", ("GET",), query=LIST_QUERY),
    Endpoint("claims", f"{D}/claims/", ("GET", "POST"),
             fields={"position_id": "id:position", "parent_id": "id:claim",
                     "stance": "choice:pro|con", "text": "text"},
             query={**LIST_QUERY, "position": "id:position", "parent": "id:claim",
                    "stance": "choice:pro|con", "team": "id:team"}),
    Endpoint("claim", f"{D}/claims/{{claim}}/", ("GET", "PATCH"), fields={"text": "text"}),
    Endpoint("claim-withdraw", f"{D}/claims/{{claim}}/withdraw/", ("POST",)),
    Endpoint("claim-vote", f"{D}/claims/{{claim}}/vote/", ("GET", "PUT", "DELETE"),
             fields={"value": "vote"}, who="observer"),
    Endpoint("sources", f"{D}/sources/", ("GET",), query=LIST_QUERY),
    Endpoint("evidence", f"{D}/evidence/", ("GET", "POST"),
             fields={"source_id": "id:source", "quote": "quote", "start": "offset",
                     "end": "offset", "note": "text"},
             query={**LIST_QUERY, "status": "choice:proposed|approved|rejected",
                    "source": "id:source"}),
    Endpoint("evidence-approve", f"{D}/evidence/{{evidence}}/approve/", ("POST",),
             fields={"reason": "text"}, who="moderator"),
    Endpoint("evidence-reject", f"{D}/evidence/{{evidence}}/reject/", ("POST",),
             fields={"reason": "text"}, who="moderator"),
    Endpoint("citations", f"{D}/citations/", ("GET",),
             query={**LIST_QUERY, "claim": "id:claim", "evidence": "id:evidence",
                    "relation": "choice:supports|concedes"}),
    Endpoint("snapshot", f"{D}/snapshot/", ("GET",), query=FORMAT_QUERY),
    Endpoint("snapshots", f"{D}/snapshots/", ("GET", "POST"), who="moderator"),
    Endpoint("snapshot-frozen", f"{D}/snapshots/{{number}}/", ("GET",), query=FORMAT_QUERY),
    Endpoint("snapshot-diff", f"{D}/snapshots/{{number}}/diff/{{other}}/", ("GET",)),
    Endpoint("snapshot-diff-live", f"{D}/snapshots/{{number}}/diff/live/", ("GET",)),
    Endpoint("events", f"{D}/events/", ("GET",), query={"after": "count"}),
    Endpoint("search", f"{D}/search/", ("GET",), query={"q": "text"}),
    Endpoint("participation", f"{D}/participation/", ("GET",), who="moderator"),
    Endpoint("targets", f"{D}/targets/", ("GET", "PUT"), who="moderator",
             fields={"min_claims": "vote", "min_rebuttals": "vote", "min_votes": "offset",
                     "min_approved_evidence": "vote", "min_citations": "vote"}),
    Endpoint("grades", f"{D}/grades/", ("GET",), who="moderator"),
    # comments on claims (debate/comments/api.py)
    Endpoint("comments", f"{D}/claims/{{claim}}/comments/", ("GET", "POST"),
             fields={"kind": "choice:question|clarification|source_request|rant",
                     "text": "text"}, who="debater_after"),
    Endpoint("comment", f"{D}/comments/{{comment}}/", ("GET", "PATCH"),
             fields={"text": "text", "version": "vote"}),
    Endpoint("comment-hide", f"{D}/comments/{{comment}}/hide/", ("POST",),
             fields={"reason": "text"}, who="moderator"),
    Endpoint("comment-restore", f"{D}/comments/{{comment}}/restore/", ("POST",),
             fields={"reason": "text"}, who="moderator"),
    Endpoint("groups", f"{D}/groups/", ("GET",), who="moderator"),
]  # fmt: skip

AUTHS = ["session", "session", "token", "token", "read-only token", "header"]
# Authorization headers no client of ours sends (WSGI carries them as latin-1 strings).
BAD_HEADERS = ["\xa0", "Bearer", "Bearer ", "Bearer \xa0", "Bearer a b", "bearer abc",
               "Basic Zm9vOmJhcg==", "Token abc", "Bearer " + "x" * 8_000, "Bearer Ã©",
               "\x00", "Bearer \x00", " Bearer x", "Bearer\tx"]  # fmt: skip
CONTENT_TYPES = ["application/json"] * 6 + [
    "application/json; charset=utf-16", "application/json; charset=bogus",
    "application/vnd.api+json", "text/plain", "application/xml", "", "*/*",
]  # fmt: skip
RAW_BODIES = [b"", b"{", b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000, b"\xff\xfe\x00",
              b"NaN", b'"\\ud800"', b'{"text": "a", "text": "b"}', b"null", b"\x00",
              '{"text": "é"}'.encode("utf-16"), b"1e999999", b"-" + b"9" * 5000,
              b'{"value": 1e999}', b'{"text": "' + b"\\u0000" * 10 + b'"}']  # fmt: skip


# --- JSON values ---------------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from([0, -1, 2**31, 2**63, 2**64, 10**30]),
    st.floats(), st.sampled_from([-0.0, 1.5, 1e308, float("nan"), float("inf")]), hostile,
)  # fmt: skip
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(unicode_text, inner, max_size=4),
    max_leaves=8,
)


def good(kind: str, world: SimpleNamespace):
    if kind.startswith("id:"):
        return world.ids[kind[3:]][0]
    if kind.startswith("choice:"):
        return kind[7:].split("|")[0]
    return {"text": "A fair point about accession talks.", "vote": 3, "offset": 0,
            "quote": "Critics want the war to end first.", "count": "1", "bool": True,
            }[kind]  # fmt: skip


def pool(kind: str, world: SimpleNamespace) -> list:
    if kind.startswith("id:"):
        ids = world.ids[kind[3:]]
        return [*ids, *(str(i) for i in ids), 0, -1, True, 9_999_999_999, 2**63, [ids[0]],
                {"id": ids[0]}, float(ids[0]), None]  # fmt: skip
    if kind.startswith("choice:"):
        return kind[7:].split("|") + ["PRO", " pro", ["pro"], None, 1]
    return {"vote": [0, 1, 2, 3, 4, 5, -1, "3", 3.0, 3.5, True, None, "²", [3]],
            "offset": [0, 1, 10, 71, 10**9, -1, "0", None, 2**63],
            "count": ["0", "1", "5", "100000", "9" * 19, "-1"],
            "bool": [True, False, "true", "false", 1, 0, None, "on", [True]],
            }.get(kind, [good(kind, world)])  # fmt: skip


def value_of(kind: str, world: SimpleNamespace):
    return st.one_of(st.just(good(kind, world)), st.sampled_from(pool(kind, world)), json_values)


def placeholder(name: str, world: SimpleNamespace) -> st.SearchStrategy[str]:
    out_of_range = ["0", "9" * 19, "9" * 40, "0001"]
    if name == "slug":
        return st.sampled_from([world.slug] * 6 + world.slugs[1:] + ["a" * 300])
    if name in ("number", "other"):
        return st.sampled_from(["1", "1", "2", *out_of_range])
    real = [str(i) for i in world.ids[name]]
    return st.sampled_from(real * 3 + out_of_range)


def names_in(path: str) -> list[str]:
    return [part[1:-1] for part in path.replace("/", " ").split() if part.startswith("{")]


def encode(value, *, ascii_only: bool) -> bytes:
    """JSON bytes; with ascii_only a lone surrogate travels as a valid `\\ud800` escape, else
    as the invalid UTF-8 bytes a broken client would send."""
    return raw(json.dumps(value, ensure_ascii=ascii_only, allow_nan=True))


# --- probes --------------------------------------------------------------------------------------


def probe_of(endpoint: Endpoint, world, *, method: str, role: str, auth: str, phase: str,
             segments: dict[str, str], query: list[tuple[str, str]], body: bytes,
             content_type: str, headers: dict[str, str], shown: str,
             huge: bool) -> Probe:  # fmt: skip
    path = endpoint.path
    for name, value in segments.items():
        path = path.replace("{" + name + "}", value if name == "slug" else pct(value))
    if query:
        path += "?" + urlencoded(query).decode()
    where = ", ".join(f"{k}={short(v)}" for k, v in [*segments.items(), *query] if k != "slug")
    return Probe(method=method, path=path, pattern=f"{endpoint.name} {endpoint.path}",
                 role=role, auth=auth if auth != "header" else
                 f"header {short(headers.get('HTTP_AUTHORIZATION', ''), 20)}",
                 phase=phase, body=body, content_type=content_type, headers=headers,
                 shown=f"{where} body={shown}", huge=huge,
                 marks=echo_marks([v for _, v in query]
                                  + [body.decode("utf-8", "replace")]))  # fmt: skip


def good_segments(endpoint: Endpoint, world) -> dict[str, str]:
    values = {"slug": world.slug, "claim": str(world.ids["claim"][0]), "number": "1",
              "other": "1", "evidence": str(world.ids["evidence"][1]),
              "comment": str(world.ids["comment"][0])}  # fmt: skip
    return {name: values[name] for name in names_in(endpoint.path)}


def if_match(world) -> str:
    return f'"claim-{world.ids["claim"][0]}-v1"'


def fixed_probes(endpoint: Endpoint, world, document: dict) -> list[Probe]:
    """Each field in turn '²', a number too big for any column, a million characters, a list
    and a lone surrogate (the others well-formed); the body each of RAW_BODIES; each path id
    out of range; and the known-bad Authorization headers."""
    segments = good_segments(endpoint, world)
    base = {k: good(kind, world) for k, kind in endpoint.fields.items()}
    if endpoint.name == "debate-import":
        base = document
    bodies: list[tuple[object, str]] = [(base, "well-formed")]
    for name in endpoint.fields:
        for bad in ("²", 2**70, "x" * HUGE, [base[name]], "\ud800"):
            bodies.append(({**base, name: bad}, f"{name}={short(bad)}"))
    for top in ([], "text", 7, None, [base]):
        bodies.append((top, short(top)))
    if endpoint.name == "debate-import":
        # The importer's own messages name the bad value: a million characters of it here.
        for where, key in (("positions", "key"), ("positions", "id"), ("teams", "name")):
            doc = copy.deepcopy(document)
            if doc.get(where):
                doc[where][0][key] = "x" * HUGE
                bodies.append((doc, f"{where}[0].{key}='x'*{HUGE}"))
        doc = copy.deepcopy(document)
        doc["debate"]["slug"] = "x" * HUGE
        bodies.append((doc, f"debate.slug='x'*{HUGE}"))
    headers = {"HTTP_IF_MATCH": if_match(world)} if "PATCH" in endpoint.methods else {}
    probes = []
    for method in endpoint.methods:
        writes = method not in ("GET", "HEAD")
        for value, shown in bodies if writes else [(None, "")]:
            for ascii_only in (True, False) if "\ud800" in shown else (True,):
                body = encode(value, ascii_only=ascii_only) if writes else b""
                probes.append(probe_of(
                    endpoint, world, method=method, role=endpoint.who, auth="token",
                    phase=Phase.REBUTTAL, segments=segments, query=[], body=body,
                    content_type="application/json", headers=headers, shown=shown,
                    huge=is_huge(value)))  # fmt: skip
        if writes and endpoint.name in ("claims", "snapshots"):
            # Over DATA_UPLOAD_MAX_MEMORY_SIZE (9 MB): Django refuses it before the view; under
            # /api/ the refusal must still be the JSON error shape.
            probes.append(probe_of(
                endpoint, world, method=method, role=endpoint.who, auth="token",
                phase=Phase.REBUTTAL, segments=segments, query=[],
                body=b'{"text": "' + b"x" * 9_500_000 + b'"}', content_type="application/json",
                headers=headers, shown="a 9.5 MB JSON body", huge=True))  # fmt: skip
        if writes:
            for body in RAW_BODIES[:10]:
                probes.append(probe_of(
                    endpoint, world, method=method, role=endpoint.who, auth="token",
                    phase=Phase.REBUTTAL, segments=segments, query=[], body=body,
                    content_type="application/json", headers=headers, shown=short(body),
                    huge=False))  # fmt: skip
        for name in segments:
            for bad in ("9" * 19, "9" * 40):
                probes.append(probe_of(
                    endpoint, world, method=method, role=endpoint.who, auth="token",
                    phase=Phase.REBUTTAL, segments={**segments, name: bad}, query=[],
                    body=encode(base, ascii_only=True) if writes else b"",
                    content_type="application/json", headers=headers, shown="",
                    huge=False))  # fmt: skip
        for name in endpoint.query:
            for bad in ("²", "x" * 1_000, "\ud800"):
                probes.append(probe_of(
                    endpoint, world, method=method, role=endpoint.who, auth="token",
                    phase=Phase.REBUTTAL, segments=segments, query=[(name, bad)], body=b"",
                    content_type="application/json", headers=headers, shown="",
                    huge=False))  # fmt: skip
        # The token parser is shared: its headers on one read and one write are enough here.
        for header in BAD_HEADERS if endpoint.name in ("debate", "claims") else []:
            probes.append(probe_of(
                endpoint, world, method=method, role="anonymous", auth="header",
                phase=Phase.REBUTTAL, segments=segments, query=[],
                body=encode(base, ascii_only=True) if writes else b"",
                content_type="application/json",
                headers={**headers, "HTTP_AUTHORIZATION": header}, shown="",
                huge=False))  # fmt: skip
    return probes


def paths_of(value, prefix=()):
    """Every (container, key) of a JSON document, for mutation."""
    out = []
    stack = [value]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) \
            if isinstance(node, list) else []  # fmt: skip
        for key, child in items:
            out.append((node, key))
            if isinstance(child, (dict, list)):
                stack.append(child)
    return out


@st.composite
def mutated(draw, document: dict):
    """The debate's own export, with one to three parts replaced, dropped or added."""
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        spots = paths_of(doc)
        if not spots:
            break
        node, key = draw(st.sampled_from(spots))
        action = draw(st.sampled_from(["replace", "replace", "drop", "add"]))
        if action == "replace":
            node[key] = draw(json_values)
        elif action == "drop":
            del node[key]
        elif isinstance(node, dict):
            node[draw(unicode_text)] = draw(json_values)
        else:
            node.append(draw(json_values))
    return doc


@st.composite
def random_probes(draw, endpoint: Endpoint, world, document: dict) -> Probe:
    method = draw(st.sampled_from(endpoint.methods))
    role = draw(st.sampled_from([endpoint.who, endpoint.who, *ROLES]))
    auth = draw(st.sampled_from(AUTHS))
    phase = draw(st.sampled_from([Phase.REBUTTAL, *PHASES]))
    segments = {name: draw(placeholder(name, world)) for name in names_in(endpoint.path)}
    query = []
    for name, kind in {**endpoint.query, **draw(st.dictionaries(st.sampled_from(
            ["page", "after", "format", "include_text", "ordering", "search", "limit",
             "page_size"]), st.just("any"), max_size=2))}.items():  # fmt: skip
        if draw(st.integers(0, 3)):
            value = draw(st.one_of(st.sampled_from(pool(kind, world) if kind != "any" else
                                                   NUMBERISH), hostile_in_line))  # fmt: skip
            query.append((name, value if isinstance(value, str) else json.dumps(value)))
    headers: dict[str, str] = {}
    if auth == "header":
        headers["HTTP_AUTHORIZATION"] = draw(st.one_of(
            st.sampled_from(BAD_HEADERS),
            st.text(st.characters(max_codepoint=255), max_size=30)))  # fmt: skip
    if method == "PATCH" and draw(st.integers(0, 3)):
        headers["HTTP_IF_MATCH"] = draw(st.one_of(st.just(if_match(world)), st.sampled_from(
            ["*", "", '"claim-x"', "W/" + if_match(world), if_match(world) + ", *"]),
            st.text(st.characters(max_codepoint=255), max_size=20)))  # fmt: skip
    if endpoint.name == "snapshot" and draw(st.booleans()):
        headers["HTTP_IF_NONE_MATCH"] = draw(st.text(st.characters(max_codepoint=255),
                                                     max_size=30))  # fmt: skip
    body, content_type, shown, value = b"", "application/json", "", None
    if method not in ("GET", "HEAD"):
        shape = draw(st.sampled_from(["object"] * 5 + ["any", "raw", "form"]
                                     + (["import"] * 4 if endpoint.name == "debate-import"
                                        else [])))  # fmt: skip
        if shape == "object":
            value = {}
            for name, kind in endpoint.fields.items():
                if draw(st.integers(0, 5)):
                    value[name] = draw(value_of(kind, world))
            value.update(draw(st.dictionaries(unicode_text, json_values, max_size=2)))
        elif shape == "any":
            value = draw(json_values)
        elif shape == "import":
            value = draw(mutated(document))
        if shape == "raw":
            body = draw(st.sampled_from(RAW_BODIES))
            shown = short(body)
        elif shape == "form":
            pairs = [(k, draw(hostile)) for k in endpoint.fields if draw(st.booleans())]
            if draw(st.booleans()):
                body, content_type = urlencoded(pairs), "application/x-www-form-urlencoded"
            else:
                body, content_type = multipart(pairs), MULTIPART_CONTENT
            shown = f"[{content_type.split(';')[0]}] " + short(dict(pairs))
        else:
            body = encode(value, ascii_only=draw(st.booleans()))
            shown = short(value)
        if shape != "form":
            content_type = draw(st.sampled_from(CONTENT_TYPES))
            if content_type != "application/json":
                shown = f"[{content_type or 'no content type'}] {shown}"
    return probe_of(endpoint, world, method=method, role=role, auth=auth, phase=phase,
                    segments=segments, query=query, body=body, content_type=content_type,
                    headers=headers, shown=shown,
                    huge=is_huge(value))  # fmt: skip


# --- the tests -----------------------------------------------------------------------------------


@pytest.fixture
def document(world):
    from debate.snapshots.services import live_document

    return live_document(world.debate, include_hidden=False, with_text=True)


@pytest.fixture
def world(db, world, settings, monkeypatch):
    return build_world(world, settings, monkeypatch)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
def test_operation_never_fails_on_hostile_input(world, document, endpoint):
    recorder = Recorder()
    for probe in fixed_probes(endpoint, world, document):
        check(world, probe, recorder, api=True)

    @given(probe=random_probes(endpoint, world, document))
    @fuzz_settings()
    def fuzz(probe):
        check(world, probe, recorder, api=True)

    fuzz()
    assert_clean(recorder)


def _routes(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern.name


def test_every_operation_is_fuzzed():
    operations = {name for ns, name in _routes(get_resolver().url_patterns) if ns == "api"}
    assert operations - {e.name for e in ENDPOINTS} == set()
