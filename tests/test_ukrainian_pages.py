"""Every page and fragment, rendered with `Accept-Language: uk`, holds no English interface
string.

The world is written in Ukrainian (usernames, the debate, positions, teams, claims deep and
wide, replies, sources and their quotes, comments, feedback, groups, an anonymous debate...), so
any Latin word left in a page is the interface's. The routes come from the fuzz table
(tests/test_fuzz_pages.py ENDPOINTS), so a new route cannot be forgotten: every GET route
(plain, as htmx, and with each value of its choice parameters: `?part=replies`, `?sort=`,
`?whole=1`, the live poll's `?since=`), and every POST route (a well-formed request and an
empty one, each plain and as htmx), for a visitor, an observer, a debater and a moderator.

What a person reads is checked: the text outside <script>/<style>, and the attributes
title, aria-label, placeholder, alt, and the value of submit/button inputs. A Latin word of
two letters or more fails unless ALLOWED names it (each with a reason). `english_in` is the
detector; it is tested on two tiny pages first.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import translation

from debate.debates.models import Phase, Role
from debate.moderation.models import Flag
from debate.sources.models import EvidenceStatus
from tests.factories import (
    TEST_PASSWORD,
    CitationFactory,
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
from tests.fuzzing import Unlimited, pct
from tests.test_fuzz_pages import ENDPOINTS, Endpoint

# Latin words a Ukrainian page may hold, each with its reason (compared case-insensitively).
ALLOWED = {
    "Argdown": "an export format's name",
    "AIF": "an export format's name (Argument Interchange Format)",
    "GraphML": "an export format's name",
    "CSV": "a file format",
    "JSON": "a file format",
    "API": "the glossary keeps it (токен API)",
    "HTML": "a format",
    "SVG": "an image format",
    "PNG": "an image format",
    "PDF": "a file format (sources are uploaded as PDF)",
    "TXT": "a file format (sources are uploaded as plain text)",
    "OpenAPI": "the API description's standard",
    "Swagger": "the API docs' tool",
    "htmx": "a library's name",
    "Kialo": "a product's name (import)",
    "URL": "the glossary keeps it",
    "ETag": "an HTTP header's name",
    "English": "the language switcher names each language in itself",
    "Tab": "a key's name, as printed on the keyboard",
    "Enter": "a key's name, as printed on the keyboard",
    "Esc": "a key's name, as printed on the keyboard",
    "UTC": "the time zone's name",
    "JavaScript": "a language's name (the picture needs it)",
    "md": "a file extension (.md, Markdown)",
    "SHA": "a hash's name (SHA-256)",
    "sha": "a hash's name as the snapshot line shows it (sha256)",
    "Bearer": "the Authorization scheme shown in API instructions",
    "Authorization": "an HTTP header's name",
    "If-Match": "an HTTP header's name",
    "Match": "part of the If-Match header's name",
    "UTF": "a text encoding (UTF-8)",
    "yEd": "a graph editor's name (what GraphML opens in)",
    "Gephi": "a graph tool's name (what GraphML opens in)",
    "networkx": "a Python library's name (what GraphML opens in)",
    "DF-QuAD": "the scoring method's name (Rago et al., 2016)",
    "QuAD": "part of DF-QuAD, the scoring method's name",
    "DF": "part of DF-QuAD, the scoring method's name",
}
# Names of several words, taken out before the words are looked at.
ALLOWED_PHRASES = {
    "Argument Interchange Format": "what AIF stands for: a standard's name",
    "Rago et al.": "the scoring method's citation (authors' names)",
    "ad hominem": "the fallacy's Latin name, used as it is in Ukrainian too",
}
# Runs of machine values inside a sentence, taken out too.
ALLOWED_RUNS = {
    r"Має бути одне з: [^.]*": "the values a parameter takes (its machine keys), as listed",
}
ALLOWED_FOLDED = {word.casefold() for word in ALLOWED}

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Machine values a page may show as they are: addresses, paths, file names, e-mail addresses.
MACHINE = re.compile(
    # ... and the audit trail's action codes (claim.create), its filter's machine keys.
    r"^(?:[a-z_]+(?:\.[a-z_]+)+|https?://\S+|/\S*|\S+@\S+\.\S+|[\w.-]+\.(?:json|argdown|aif|graphml|csv|svg|png|txt|md|pdf))$",
    re.IGNORECASE,
)
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
SKIPPED = {"script", "style", "template"}  # not shown as text
# Machine values (tokens, hashes, keys, codes) shown as they are, with their title.
VERBATIM = {"code", "kbd", "samp"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class _ReadText(HTMLParser):
    """Collects what a person reads: text nodes outside SKIPPED/VERBATIM, and the
    attributes READ_ATTRIBUTES and the value of submit/button inputs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.pieces: list[str] = []

    def _hidden(self) -> bool:
        return any(tag in SKIPPED or tag in VERBATIM for tag in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in VERBATIM and not self._hidden():
            for name in READ_ATTRIBUTES:
                if attributes.get(name):
                    self.pieces.append(attributes[name])
            kind = (attributes.get("type") or "").lower()
            if tag == "input" and kind in ("submit", "button", "reset") and attributes.get("value"):
                self.pieces.append(attributes["value"])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack:
                if self.stack.pop() == tag:
                    break

    def handle_data(self, data):
        if data.strip() and not self._hidden() and not _is_json(data):
            self.pieces.append(data)


def _is_json(text: str) -> bool:
    """A JSON object or list shown as it is (the audit trail's states): machine keys."""
    text = text.strip()
    if not text.startswith(("{", "[")):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def english_in(html: str, sent: frozenset[str] = frozenset()) -> list[str]:
    """The pieces of `html` a person reads that hold a Latin word not in ALLOWED, each
    shortened to the piece (whitespace collapsed). `sent`: the words the request itself
    carried (its parameters' names and values, casefolded), which a refusal may echo: what a
    person sent is theirs, never interface."""
    parser = _ReadText()
    parser.feed(html)
    parser.close()
    found = []
    for piece in parser.pieces:
        rest = piece
        for phrase in ALLOWED_PHRASES:
            rest = re.sub(re.escape(phrase), " ", rest, flags=re.IGNORECASE)
        for run in ALLOWED_RUNS:
            rest = re.sub(run, " ", rest)
        words = [
            word
            for token in rest.split()
            if not MACHINE.match(token.strip("()[]«»“”\"',.;:!?"))
            for word in LATIN_WORD.findall(token)
            if word.casefold() not in ALLOWED_FOLDED and word.casefold() not in sent
        ]
        if words:
            found.append(" ".join(piece.split())[:160])
    return found


def test_the_detector_passes_a_page_in_ukrainian_and_finds_one_english_word():
    ukrainian = (
        "<!doctype html><html lang='uk'><head><title>Дебати · Карти аргументів</title>"
        "<style>body { color: red }</style><script>var label = 'Save';</script></head><body>"
        "<a href='/accounts/login/' title='Увійти до системи'>Увійти</a>"
        "<select><option value='en-gb' lang='en-gb'>English</option>"
        "<option value='uk'>Українська</option></select>"
        "<p>Експорт у форматі Argdown, AIF або JSON: https://example.org/d/x/export.json</p>"
        "<input type='submit' value='Зберегти'><input type='hidden' value='secret'>"
        "<code title='sha256:abcdef'>AbC123xyz</code><img alt='Схема' src='x.png'>"
        '<pre>{"content_hash": "sha256:1463ac", "number": 1}</pre></body></html>'
    )
    assert english_in(ukrainian) == []

    assert english_in(ukrainian.replace("Увійти</a>", "Увійти</a><p>Твердження Save</p>")) == [
        "Твердження Save"
    ]
    assert english_in("<button aria-label='Close'>×</button>") == ["Close"]
    assert english_in("<input type='submit' value='Log in'>") == ["Log in"]
    assert english_in("<input placeholder='Search'>") == ["Search"]
    assert english_in("<p>Формат AIF (Argument Interchange Format), метод DF-QuAD</p>") == []


# --- the world, in Ukrainian --------------------------------------------------------------

SLUG = "d-2026"  # slugs are ASCII; one Latin letter is no word
POSITION_NOW, POSITION_AFTER = "Переговори зараз, під час війни", "Вступ лише після врегулювання"
SOURCE_TEXT = (
    "Союзники України вже підписали дев’ять двосторонніх безпекових угод.\n"
    "\n"
    "Робоча група називає їх «тимчасовим засобом» — а не заміною членства.\n"
    "Переговори про вступ мають початися зараз.\n"
    "\n"
    "Критики хочуть, щоб війна спершу закінчилася.\n"
)


def _ukrainian_world(settings, monkeypatch) -> SimpleNamespace:
    settings.RATE_LIMITS = Unlimited()
    settings.HEAVY_READS_PER_MINUTE = 100_000
    from rest_framework.throttling import SimpleRateThrottle

    rates = {k: "100000/minute" for k in SimpleRateThrottle.THROTTLE_RATES} | {
        "writes": "100000/minute"}  # fmt: skip
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)

    debate = DebateFactory(
        slug=SLUG, title="Вступ України до НАТО: під час війни чи після врегулювання?",
        motion="Чи має Україна вступати до НАТО зараз, чи лише після врегулювання?",
        phase=Phase.REBUTTAL,
    )  # fmt: skip
    now = PositionFactory(debate=debate, key="now", title=POSITION_NOW, order=0)
    after = PositionFactory(debate=debate, key="after", title=POSITION_AFTER, order=1)
    team_now = TeamFactory(debate=debate, name="Команда «Зараз»", position=now,
                           invite_code="1111222233")  # fmt: skip
    team_after = TeamFactory(debate=debate, name="Команда «Потім»", position=after,
                             invite_code="4444555566")  # fmt: skip

    def member(username, role, team=None):
        return MembershipFactory(user=UserFactory(username=username, email=f"{len(username)}"
                                                  f"{role}@example.org"),
                                 debate=debate, role=role, team=team).user  # fmt: skip

    moderator = member("марія_в", Role.MODERATOR)
    debater = member("олена_к", Role.DEBATER, team_now)
    rival = member("тарас_п", Role.DEBATER, team_after)
    observer = member("богдан_с", Role.OBSERVER)
    moderator.is_staff = True  # may create debates (the new-debate page)
    moderator.save(update_fields=["is_staff"])

    source = SourceFactory(debate=debate, title="Двосторонні безпекові угоди і вступ до НАТО",
                           publication="Євразійський щоденний огляд", text=SOURCE_TEXT)  # fmt: skip
    approved = EvidenceFactory(source=source, start=0, end=40)
    proposed = EvidenceFactory(source=source, start=70, end=110,
                               status=EvidenceStatus.PROPOSED, proposer=debater)  # fmt: skip
    claim = ClaimFactory(debate=debate, position=now, author=debater, team=team_now,
                         text="Переговори зараз позбавляють Росію права вето.")  # fmt: skip
    CitationFactory(claim=claim, evidence=approved)
    # deep: a chain of replies; wide: several claims and replies side by side
    parent = claim
    for depth in range(6):
        parent = ClaimFactory(
            debate=debate, parent=parent, stance="con" if depth % 2 == 0 else "pro",
            author=rival if depth % 2 == 0 else debater,
            team=team_after if depth % 2 == 0 else team_now,
            text=f"Відповідь рівня {depth + 1}: це не так, і ось чому.",
        )  # fmt: skip
    for number in range(4):
        ClaimFactory(debate=debate, parent=claim, stance="pro", author=debater, team=team_now,
                     text=f"Ще одна підтримка номер {number + 1}.")  # fmt: skip
    after_claim = ClaimFactory(debate=debate, position=after, author=rival, team=team_after,
                               text="Спершу врегулювання, потім вступ.")  # fmt: skip
    ClaimFactory(debate=debate, position=now, author=debater, team=team_now, is_hidden=True,
                 text="Приховане твердження.")  # fmt: skip
    ClaimFactory(debate=debate, position=now, author=debater, team=team_now,
                 is_withdrawn=True, text="Відкликане твердження.")  # fmt: skip
    VoteFactory(user=observer, claim=claim, value=3)
    VoteFactory(user=observer, claim=after_claim, value=1)
    flag = Flag.objects.create(debate=debate, claim=after_claim, reporter=debater,
                               kind="off_topic", note="Не стосується теми.")  # fmt: skip

    from debate.comments.models import Comment
    from debate.grading.models import Feedback

    comment = Comment.objects.create(debate=debate, claim=claim, author=rival, kind="question",
                                     text="Яке джерело це підтверджує, @олена_к?")  # fmt: skip
    feedback = Feedback.objects.create(
        debate=debate, claim=claim, author=moderator, student_id=debater.pk,
        text="Добре аргументовано.")  # fmt: skip
    from debate.grading.services import grade_set

    grade_set(actor=moderator, debate=debate, user_id=debater.pk, value="A",
              comment="Чудова робота.")  # fmt: skip
    from debate.activity.services import notice_send

    notice_send(user_id=debater.pk, actor=rival, debate=debate, kind="test",
                message="Ваше твердження заперечено.", url=f"/d/{SLUG}/")  # fmt: skip

    from debate.snapshots.services import snapshot_take

    debate.refresh_from_db()
    snapshot_take(actor=moderator, debate=debate)

    # small groups of a second debate, and an anonymous debate
    from debate.debates.services import debate_anonymity_set
    from debate.groups.services import debate_split

    classroom = DebateFactory(slug="g-2026", title="Мала група: клас 9-Б",
                              motion="Чи потрібна шкільна форма?", phase=Phase.OPENING)  # fmt: skip
    yes = PositionFactory(debate=classroom, key="yes", title="Так, потрібна")
    TeamFactory(debate=classroom, name="Команда «Так»", position=yes, invite_code="7777888899")
    MembershipFactory(user=moderator, debate=classroom, role=Role.MODERATOR)
    for name in ("іван_г", "оксана_д", "петро_л", "ганна_м"):
        MembershipFactory(user=UserFactory(username=name), debate=classroom, role=Role.DEBATER,
                          team=classroom.teams.get())  # fmt: skip
    classroom.refresh_from_db()
    with translation.override("uk"):  # the groups' titles are written in the splitter's language
        debate_split(actor=moderator, debate=classroom, count=2)
    hidden_names = DebateFactory(slug="a-2026", title="Анонімні дебати про мову навчання",
                                 motion="Чи навчати всього українською?")  # fmt: skip
    position = PositionFactory(debate=hidden_names, key="yes", title="Так")
    MembershipFactory(user=moderator, debate=hidden_names, role=Role.MODERATOR)
    MembershipFactory(user=debater, debate=hidden_names, role=Role.DEBATER,
                      team=TeamFactory(debate=hidden_names, name="Команда «Так»",
                                       position=position, invite_code="1212343456"))  # fmt: skip
    ClaimFactory(debate=hidden_names, position=position, author=debater,
                 text="Навчання рідною мовою краще.")  # fmt: skip
    hidden_names.refresh_from_db()
    debate_anonymity_set(actor=moderator, debate=hidden_names, anonymous=True)

    debate.refresh_from_db()
    team_now.refresh_from_db()
    users = {"visitor": None, "observer": observer, "debater": debater, "moderator": moderator}
    sessions = {}
    for name, user in users.items():
        if user is not None:
            login = Client()
            login.force_login(user)
            sessions[name] = login.cookies[django_settings.SESSION_COOKIE_NAME].value
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return SimpleNamespace(
        debate=debate, users=users, sessions=sessions, rival=rival,
        segments={
            "slug": SLUG, "claim": str(claim.pk), "claimkey": str(claim.pk), "key": "now",
            "source": str(source.pk), "evidence": str(proposed.pk), "flag": str(flag.pk),
            "code": team_now.invite_code, "membership": str(debate.memberships.get(user=rival).pk),
            "person": str(debater.pk), "feedback": str(feedback.pk), "comment": str(comment.pk),
            "uidb64": urlsafe_base64_encode(force_bytes(debater.pk)),
            "token": default_token_generator.make_token(debater),
        },
        values={
            "id:position": str(now.pk), "id:claim": str(claim.pk), "id:evidence": str(approved.pk),
            "id:team": str(team_now.pk), "id:source": str(source.pk),
            "id:token": "1", "text": "переговори",
            "quote": "Переговори про вступ мають початися зараз.",
            "count": "2", "check": "on", "voters": "all", "users": "тарас_п",
            "date": "2024-05-01", "url": "https://example.org/", "file": "", "slug": "d-copy",
            "next": f"/d/{SLUG}/", "code": team_now.invite_code, "newname": "новачок_я",
            "password": TEST_PASSWORD, "newpassword": "значно-Довший-пароль-2026!",
            "email": "novachok@example.org",
        },
    )  # fmt: skip


@pytest.fixture
def uk_world(db, settings, monkeypatch):
    return _ukrainian_world(settings, monkeypatch)


# --- requests: derived from the fuzz table -------------------------------------------------

ROLES = ["visitor", "observer", "debater", "moderator"]
# GET routes that answer no 200 to a plain GET, with the reason.
NEVER_200 = {
    "snapshot-diff:missing": "names a snapshot that does not exist: the 404 page is checked",
}


def _value(kind: str, world: SimpleNamespace) -> str:
    if kind.startswith("choice:"):
        return kind[7:].split("|")[0]
    if kind.startswith("id:"):
        kind = "id:" + kind[3:].split("|")[0]
    return world.values[kind]


def _path(endpoint: Endpoint, world: SimpleNamespace) -> str:
    path = endpoint.path
    for name, value in world.segments.items():
        path = path.replace("{" + name + "}", value if name == "slug" else pct(value))
    return path


def requests_for(endpoint: Endpoint, world: SimpleNamespace) -> list[tuple[str, str, dict]]:
    """(method, path with query, POST data) for one endpoint: every GET variant (each choice
    of each query parameter, the others well-formed) and a full and an empty POST."""
    path = _path(endpoint, world)
    found: list[tuple[str, str, dict]] = []
    if "GET" in endpoint.methods:
        found.append(("GET", path, {}))
        base = {name: _value(kind, world) for name, kind in endpoint.query.items()}
        for name, kind in endpoint.query.items():
            choices = kind[7:].split("|") if kind.startswith("choice:") else [base[name]]
            for choice in choices:
                query = "&".join(f"{k}={pct(v)}" for k, v in {**base, name: choice}.items())
                found.append(("GET", f"{path}?{query}", {}))
        if endpoint.name == "debate-live":
            found.append(("GET", f"{path}?since=0", {}))
    if "POST" in endpoint.methods:
        data = {name: _value(kind, world) for name, kind in endpoint.fields.items()}
        data = {k: v for k, v in data.items() if not (k == "file" and v == "")}
        data.update(dict(endpoint.fixed))
        found.append(("POST", path, data))
        found.append(("POST", path, dict(endpoint.fixed)))
    return found


def _send(world, role: str, method: str, path: str, data: dict, *, htmx: bool):
    """One request in Ukrainian, as `role`, from the world as it was (rolled back)."""
    client = Client()
    if world.sessions.get(role):
        client.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[role]
    headers = {"HTTP_ACCEPT_LANGUAGE": "uk"}
    if htmx:
        headers["HTTP_HX_REQUEST"] = "true"
    with transaction.atomic():
        cache.clear()
        from debate.mapview import cache as maps

        maps.clear()
        if method == "GET":
            response = client.get(path, follow=True, **headers)  # a redirect: its page
        else:
            response = client.post(path, data, **headers)
        transaction.set_rollback(True)
    return response


def _sent_words(path: str, data: dict, endpoint: Endpoint) -> frozenset[str]:
    """The Latin words of a request's query and form (names and values), casefolded, and
    the names of the endpoint's parameters, which a refusal names as the field at fault."""
    query = parse_qsl(urlsplit(path).query, keep_blank_values=True)
    names = [*endpoint.query, *endpoint.fields]
    text = " ".join(f"{k} {v}" for k, v in [*query, *data.items()] if isinstance(v, str))
    text += " " + " ".join(names)
    return frozenset(word.casefold() for word in LATIN_WORD.findall(text))


def _is_html(response) -> bool:
    return (
        not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and bool(response.content)
    )


def test_every_page_and_fragment_in_ukrainian_holds_no_english(uk_world):
    problems: dict[str, list[str]] = {}
    errors: list[str] = []
    words: Counter = Counter()
    answered: dict[tuple[str, str], set[int]] = {}
    seen = 0
    for endpoint in ENDPOINTS:
        for method, path, data in requests_for(endpoint, uk_world):
            for role in ROLES:
                for htmx in (False, True):
                    response = _send(uk_world, role, method, path, data, htmx=htmx)
                    answered.setdefault((method, endpoint.id), set()).add(response.status_code)
                    where = f"{method} {path} as {role}{' [htmx]' if htmx else ''}" + (
                        f" {sorted(data)}" if method == "POST" else "")  # fmt: skip
                    if response.status_code >= 500:
                        errors.append(f"{where}: {response.status_code}")
                        continue
                    if not _is_html(response):
                        continue
                    seen += 1
                    found = english_in(response.content.decode(), _sent_words(path, data, endpoint))
                    if found:
                        problems[where] = found
                        words.update(found)
    # The world is right when every GET route shows its page to someone (a 404 everywhere
    # would mean a placeholder naming nothing, and nothing checked).
    unseen = [f"{name}: {sorted(codes)}" for (method, name), codes in answered.items()
              if method == "GET" and 200 not in codes and name not in NEVER_200]  # fmt: skip
    assert not unseen, "GET routes nobody sees in this world:\n" + "\n".join(unseen)
    assert seen > 500, seen
    assert not errors, "\n".join(errors)
    if problems:
        top = "\n".join(f"  {count:4}× {text}" for text, count in words.most_common(60))
        pages = "\n".join(
            f"{where}:\n    " + "\n    ".join(found[:12]) for where, found in problems.items()
        )
        pytest.fail(
            f"{len(problems)} of {seen} Ukrainian responses hold English.\n"
            f"Most frequent:\n{top}\n\nBy response:\n{pages}",
            pytrace=False,
        )


# --- the JSON API: error messages in the request's language ---------------------------------


def test_api_error_messages_are_not_english_in_ukrainian(uk_world):
    from debate.accounts.services import token_create

    _, token = token_create(actor=uk_world.users["debater"], user=uk_world.users["debater"],
                            name="токен")  # fmt: skip
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "uk"}
    anonymous = {"HTTP_ACCEPT_LANGUAGE": "uk"}
    claims = f"/api/v1/debates/{SLUG}/claims/"
    probes = [
        ("GET", "/api/v1/debates/no-such-debate/", None, anonymous),  # 404
        ("POST", claims, {"text": "Нове твердження.", "stance": "pro"}, anonymous),  # 401/403
        ("POST", claims, {"text": "", "stance": "pro"}, auth),  # 400: fields
        ("POST", claims, {"text": "Нове", "stance": "sideways", "position": "now"}, auth),
        ("POST", f"/api/v1/debates/{SLUG}/phase/", {"phase": "closed"}, auth),  # 403
        ("GET", "/api/v1/debates/d-2026/claims/999999/", None, auth),  # 404
        ("POST", claims, "{not json", auth),  # 400: parse error
    ]
    offenders = []
    for method, path, body, headers in probes:
        client = Client()
        if method == "GET":
            response = client.get(path, **headers)
        elif isinstance(body, str):
            response = client.post(path, body, content_type="application/json", **headers)
        else:
            response = client.post(path, json.dumps(body), content_type="application/json",
                                   **headers)  # fmt: skip
        assert response.status_code >= 400, (path, response.status_code)
        error = response.json()["error"]
        texts = [error["message"]] + [m for ms in error.get("fields", {}).values() for m in ms]
        for text in texts:
            if english_in(f"<p>{text}</p>"):
                offenders.append(f"{method} {path} ({response.status_code}): {text}")
    assert not offenders, "English API errors under uk:\n" + "\n".join(offenders)


# --- user content is never translated -------------------------------------------------------


def test_user_content_that_equals_an_english_msgid_stays_as_written(uk_world):
    from django.utils import translation

    with translation.override("uk"):
        assert translation.gettext("Save") != "Save", "the catalogue translates Save"
    claim = ClaimFactory(debate=uk_world.debate, position=uk_world.debate.positions.get(key="now"),
                         author=uk_world.users["debater"], text="Save")  # fmt: skip
    client = Client()
    response = client.get(f"/d/{SLUG}/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 200
    assert response["Content-Language"] == "uk"
    parser = _ReadText()
    parser.feed(response.content.decode())
    assert "Save" in [piece.strip() for piece in parser.pieces]
