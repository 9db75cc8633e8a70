"""Hostile input to every form and to the API: each is refused with a 4xx and a clear
message and changes nothing, or (script payloads in otherwise valid text) is saved as text
and rendered escaped. Never a 500.

The cases are rows of a table: who sends what to which URL, and what must come back.
A row with `bug=` is a known defect, marked xfail(strict=True) with the reason.

"Changes nothing" compares every row of every domain model (debates, arguments, sources,
moderation, audit, activity, snapshots, accounts and users) before and after the request,
with the shared `tests.helpers.rows_of()`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from debate.arguments import services as claim_services
from debate.moderation.models import Flag
from debate.snapshots.argdown import escape as argdown_escape
from debate.sources.models import EvidenceStatus
from tests.factories import (
    TEST_PASSWORD,
    ClaimFactory,
    DebateFactory,
    EvidenceFactory,
    MembershipFactory,
    PositionFactory,
    SourceFactory,
    TeamFactory,
    UserFactory,
)
from tests.helpers import rows_of

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HXDIV = '<div hx-get="/admin/" hx-trigger="load">'
PAYLOADS = [SCRIPT, IMG, HXDIV]
NUL = "looks fine \x00 but holds a null"
BAD_UTF8 = b"caf\xc3\xff\xfe\xfd"  # a truncated sequence and bytes that are never UTF-8
HUGE = 3 * 1024 * 1024
NOT_FOUND = "There is nothing here"
LOGIN_FAILED = "Please enter a correct username and password."
QUOTE = "Critics want the war to end first."  # an exact passage of conftest.SOURCE_TEXT


def long(limit: int) -> str:
    """Ten times the limit."""
    return ("Too long. " * limit)[: 10 * limit - 1] + "!"


# --- the world: the shared debate, and a second debate whose ids are forged -----------------


@pytest.fixture
def world(world, debate, position_now, team_now, debater_now, debater_after, source):
    """The shared world, with a claim, evidence approved and proposed, a flag, a `creator`
    (staff, a moderator here), and `other`: a second debate whose ids are forged."""
    claim = ClaimFactory(debate=debate, position=position_now, author=debater_now,
                         team=team_now, text="Talks now deny Russia a veto.")  # fmt: skip
    approved = EvidenceFactory(source=source, start=10, end=30)
    proposed = EvidenceFactory(source=source, start=0, end=8, status=EvidenceStatus.PROPOSED,
                               proposer=debater_now)  # fmt: skip
    flag = Flag.objects.create(debate=debate, claim=claim, reporter=debater_after,
                               kind="off_topic")  # fmt: skip
    creator = UserFactory(username="creator", is_staff=True)  # may create and clone debates
    MembershipFactory(user=creator, debate=debate, role="moderator")

    other = DebateFactory(slug="other-debate", title="Another debate")
    other_position = PositionFactory(debate=other, key="yes")
    other_claim = ClaimFactory(debate=other, position=other_position)
    other_source = SourceFactory(debate=other)
    world.users["creator"] = creator
    vars(world).update(
        slug=debate.slug, position=position_now, claim=claim, approved=approved,
        proposed=proposed, flag=flag, team=team_now,
        other=SimpleNamespace(
            debate=other, position=other_position, claim=other_claim, source=other_source,
            team=TeamFactory(debate=other, position=other_position),
            evidence=EvidenceFactory(source=other_source, start=0, end=10),
            flag=Flag.objects.create(debate=other, claim=other_claim, reporter=debater_after,
                                     kind="off_topic"),
        ),
    )  # fmt: skip
    return world


# --- the table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    who: str
    url: Callable[[SimpleNamespace], str]
    data: Callable[[SimpleNamespace], dict] | None = None
    status: tuple[int, ...] = (422,)
    message: str = ""
    method: str = "post"
    api: bool = False
    headers: Callable[[SimpleNamespace], dict] = field(default=lambda w: {})
    bug: str = ""

    def param(self):
        marks = [pytest.mark.xfail(strict=True, reason=f"BUG: {self.bug}")] if self.bug else []
        return pytest.param(self, id=self.id, marks=marks)


def u(name: str, *args: Callable[[SimpleNamespace], object]):
    """A URL by name, its arguments computed from the world: u("claim-edit", slug, claim)."""
    return lambda w: reverse(name, args=[arg(w) for arg in args])


def api(path: str):
    return lambda w: f"/api/v1/debates/{w.slug}/{path.format(w=w)}"


def slug(w):
    return w.slug


def claim(w):
    return w.claim.pk


def other_claim(w):
    return w.other.claim.pk


def source(w):
    return w.source.pk


def compose(**fields):
    return lambda w: (
        {"position": w.position.pk, "stance": "pro", "text": "A fine claim."}
        | {k: v(w) if callable(v) else v for k, v in fields.items()}
    )


def manage(action: str, **fields):
    return lambda w: {"action": action} | {k: v(w) if callable(v) else v for k, v in fields.items()}


def new_debate(**fields):
    base = {"title": "A new debate", "motion": "Should we?", "positions-0-title": "Yes",
            "positions-1-title": "No", "moderators": "", "description": ""}  # fmt: skip
    return lambda w: base | fields


def if_match(w):
    return {"HTTP_IF_MATCH": f'"claim-{w.claim.pk}-v{w.claim.version}"'}


NUL_500 = (
    "PostgreSQL text columns cannot hold NUL (0x00); this field reaches the database "
    "without a null-character check, so psycopg raises DataError and the request is a 500. "
    "Refuse '\\x00' in the service (as clean_claim_text and _clean_text do) or with "
    "ProhibitNullCharactersValidator."
)
REASON_LIMIT = (
    "the reason input says maxlength=500, but {service} has no server-side limit: a "
    "5,000-character reason is saved (the API's ReviewInput allows 2,000)."
)
TRUNCATED = (
    "{what} is silently cut to {limit} characters by {where} and saved; the brief wants a "
    "clear 4xx and nothing changed."
)

# The table is laid out by hand, one case per few lines; ruff format would put every
# argument on a line of its own.
# fmt: off
CASES = [
    # compose a claim
    Case("compose-too-long", "debater", u("compose", slug), compose(text=long(1000)),
         message="A claim has at most 1,000 characters; this one has 10,000."),
    Case("compose-null-byte", "debater", u("compose", slug), compose(text=NUL),
         message="The claim text contains a null character."),
    Case("compose-stance-script", "debater", u("compose", slug), compose(stance=SCRIPT),
         message="Choose whether the claim supports (pro) or attacks (con)."),
    Case("compose-forged-position", "debater", u("compose", slug),
         compose(position=lambda w: w.other.position.pk), status=(404,), message=NOT_FOUND),
    Case("compose-forged-parent", "debater", u("compose", slug),
         compose(parent=other_claim), status=(404,), message=NOT_FOUND),
    Case("compose-overflowing-id", "debater", u("compose", slug),
         compose(position="9" * 30), message="Unknown position."),
    Case("compose-parent-not-a-number", "debater", u("compose", slug),
         compose(parent="1 OR 1=1"), message="Unknown parent."),
    # edit a claim
    Case("edit-too-long", "debater", u("claim-edit", slug, claim),
         lambda w: {"text": long(1000), "version": w.claim.version},
         message="A claim has at most 1,000 characters"),
    Case("edit-null-byte", "debater", u("claim-edit", slug, claim),
         lambda w: {"text": NUL, "version": w.claim.version},
         message="The claim text contains a null character."),
    Case("edit-version-script", "debater", u("claim-edit", slug, claim),
         lambda w: {"text": "New words.", "version": SCRIPT},
         message="The version is missing or not a number."),
    Case("edit-forged-claim", "moderator", u("claim-edit", slug, other_claim),
         lambda w: {"text": "New words.", "version": 1}, status=(404,), message=NOT_FOUND),
    # cite evidence
    Case("cite-forged-evidence", "debater", u("claim-cite", slug, claim),
         lambda w: {"evidence": w.other.evidence.pk, "relation": "supports"},
         status=(404,), message=NOT_FOUND),
    Case("cite-evidence-null-byte", "debater", u("claim-cite", slug, claim),
         lambda w: {"evidence": "\x00", "relation": "supports"},
         message="Choose a piece of evidence."),
    Case("cite-relation-script", "debater", u("claim-cite", slug, claim),
         lambda w: {"evidence": w.approved.pk, "relation": SCRIPT},
         message="Choose whether the evidence supports or concedes."),
    Case("cite-search-null-byte", "debater", u("claim-cite", slug, claim),
         lambda w: {"q": "war\x00"}, method="get", status=(200, 400),
         bug="GET claim-cite ?q= with a NUL: " + NUL_500 + " (evidence_search's icontains)"),
    # flag a claim
    Case("flag-note-too-long", "rival", u("claim-flag", slug, claim),
         lambda w: {"kind": "off_topic", "note": long(1000)},
         message="The note is text of at most 1,000 characters."),
    Case("flag-note-null-byte", "rival", u("claim-flag", slug, claim),
         lambda w: {"kind": "off_topic", "note": NUL},
         message="The note is text of at most 1,000 characters."),
    Case("flag-kind-script", "rival", u("claim-flag", slug, claim),
         lambda w: {"kind": SCRIPT}, message="Choose what is wrong with the claim."),
    Case("flag-forged-duplicate", "rival", u("claim-flag", slug, claim),
         lambda w: {"kind": "duplicate", "duplicate_of": w.other.claim.pk},
         message="No claim with that number in this debate."),
    Case("flag-forged-claim", "rival", u("claim-flag", slug, other_claim),
         lambda w: {"kind": "off_topic"}, status=(404,), message=NOT_FOUND),
    # hide and restore, with a reason
    Case("hide-reason-too-long", "moderator", u("claim-hide", slug, claim),
         lambda w: {"reason": long(500)}, message="500",
         bug=REASON_LIMIT.format(service="arguments.services._set_hidden")),
    Case("hide-reason-null-byte", "moderator", u("claim-hide", slug, claim),
         lambda w: {"reason": NUL}, message="null", bug="claim hide reason: " + NUL_500),
    Case("restore-reason-null-byte", "moderator", u("claim-restore", slug, claim),
         lambda w: {"reason": NUL}, message="null", bug="claim restore reason: " + NUL_500),
    Case("hide-reason-blank", "moderator", u("claim-hide", slug, claim),
         lambda w: {"reason": " \t\n"}, message="Give a reason."),
    Case("hide-forged-claim", "moderator", u("claim-hide", slug, other_claim),
         lambda w: {"reason": "Off topic."}, status=(404,), message=NOT_FOUND),
    Case("evidence-reject-reason-too-long", "moderator",
         u("evidence-review", slug, lambda w: w.proposed.pk),
         lambda w: {"decision": "reject", "reason": long(500)}, message="500",
         bug=REASON_LIMIT.format(service="sources.services.evidence_reject")),
    Case("evidence-reject-reason-null-byte", "moderator",
         u("evidence-review", slug, lambda w: w.proposed.pk),
         lambda w: {"decision": "reject", "reason": NUL}, message="null",
         bug="evidence review reason: " + NUL_500),
    Case("evidence-hide-reason-null-byte", "moderator",
         u("evidence-review", slug, lambda w: w.approved.pk),
         lambda w: {"decision": "hide", "reason": NUL}, message="null",
         bug="evidence hide reason: " + NUL_500),
    Case("evidence-review-decision-script", "moderator",
         u("evidence-review", slug, lambda w: w.proposed.pk),
         lambda w: {"decision": SCRIPT}, message="Choose approve, reject, hide or restore."),
    Case("evidence-review-forged", "moderator",
         u("evidence-review", slug, lambda w: w.other.evidence.pk),
         lambda w: {"decision": "approve"}, status=(404,), message=NOT_FOUND),
    Case("flag-resolve-reason-too-long", "moderator",
         u("flag-resolve", slug, lambda w: w.flag.pk),
         lambda w: {"resolution": "dismiss", "reason": long(500)}, message="500",
         bug=REASON_LIMIT.format(service="moderation.services.flag_resolve")),
    Case("flag-resolve-reason-null-byte", "moderator",
         u("flag-resolve", slug, lambda w: w.flag.pk),
         lambda w: {"resolution": "dismiss", "reason": NUL}, message="null",
         bug="flag resolution reason: " + NUL_500),
    Case("flag-resolve-forged", "moderator", u("flag-resolve", slug, lambda w: w.other.flag.pk),
         lambda w: {"resolution": "dismiss", "reason": "ok"}, status=(404,), message=NOT_FOUND),
    # vote
    Case("vote-out-of-range", "rival", u("claim-vote", slug, claim), lambda w: {"value": "99"},
         message="A vote is from 0 to 4, not 99."),
    Case("vote-ten-thousand-digits", "rival", u("claim-vote", slug, claim),
         lambda w: {"value": "9" * 10_000}, message="A vote is a whole number from 0 to 4."),
    Case("vote-null-byte", "rival", u("claim-vote", slug, claim), lambda w: {"value": "3\x00"},
         message="A vote is a whole number from 0 to 4."),
    Case("vote-script", "rival", u("claim-vote", slug, claim), lambda w: {"value": SCRIPT},
         message="A vote is a whole number from 0 to 4."),
    Case("vote-forged-claim", "rival", u("claim-vote", slug, other_claim),
         lambda w: {"value": "3"}, status=(404,), message=NOT_FOUND),
    # propose evidence
    Case("propose-quote-too-long", "debater", u("evidence-propose", slug, source),
         lambda w: {"quote": long(5000)}, message="Ensure this value has at most 5000 characters"),
    Case("propose-quote-null-byte", "debater", u("evidence-propose", slug, source),
         lambda w: {"quote": QUOTE + "\x00"},
         message="The quote must be text without null characters."),
    Case("propose-quote-script", "debater", u("evidence-propose", slug, source),
         lambda w: {"quote": IMG}, message="The quote does not occur in the source text."),
    Case("propose-note-too-long", "debater", u("evidence-propose", slug, source),
         lambda w: {"quote": QUOTE, "note": long(2000)}, message="at most 2000 characters",
         bug=TRUNCATED.format(what="The evidence note", limit="2,000",
                              where="sources.services.evidence_propose ([:2000])")),
    Case("propose-note-null-byte", "debater", u("evidence-propose", slug, source),
         lambda w: {"quote": QUOTE, "note": NUL}, message="null",
         bug="evidence note: " + NUL_500),
    Case("propose-forged-source", "debater",
         u("evidence-propose", slug, lambda w: w.other.source.pk),
         lambda w: {"quote": "Bilateral agreements"}, status=(404,), message=NOT_FOUND),
    # add a source: paste and upload
    Case("source-title-too-long", "moderator", u("debate-manage", slug),
         manage("source", title=long(300), text="Some text."), message="300",
         bug=TRUNCATED.format(what="A source title (also publication, volume, issue)",
                              limit="300", where="sources.services.source_create ([:300])")),
    Case("source-title-null-byte", "moderator", u("debate-manage", slug),
         manage("source", title=NUL, text="Some text."), message="null",
         bug="source title: " + NUL_500),
    Case("source-publication-null-byte", "moderator", u("debate-manage", slug),
         manage("source", title="T", text="Some text.", publication=NUL), message="null",
         bug="source publication/volume/issue/url: " + NUL_500),
    Case("source-text-null-byte", "moderator", u("debate-manage", slug),
         manage("source", title="T", text=NUL), message="The text contains a null character."),
    Case("source-url-too-long", "moderator", u("debate-manage", slug),
         manage("source", title="T", text="Some text.", url="https://example.org/" + long(500)),
         message="URL",
         bug="a source URL over 500 characters is not checked by source_create; Postgres "
             "refuses it for Source.url varchar(500) (DataError: value too long) → 500."),
    Case("source-url-javascript", "moderator", u("debate-manage", slug),
         manage("source", title="T", text="Some text.", url="javascript:alert(document.cookie)"),
         message="URL",
         bug="source_create stores any string as Source.url (no URLValidator, no scheme "
             "check); the reader renders it as <a href=\"javascript:…\">. CSP blocks it from "
             "running, but the app should refuse anything but http(s)."),
    Case("source-date-script", "moderator", u("debate-manage", slug),
         manage("source", title="T", text="Some text.", published_on=SCRIPT),
         message="Give the date as YYYY-MM-DD."),
    Case("source-paste-3mb", "moderator", u("debate-manage", slug),
         manage("source", title="T", text="a" * HUGE), status=(400, 413, 422), message="MB",
         bug="a 3 MB pasted text exceeds DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): Django answers "
             "its bare 'Bad Request (400)' page, with no word on what was wrong (no "
             "templates/400.html, no RequestDataTooBig handling); also, a 2,000,000-character "
             "paste that source_create allows is refused this way whenever it is over 2.5 MB "
             "of UTF-8."),
    Case("source-upload-3mb", "moderator", u("debate-manage", slug),
         lambda w: {"action": "source", "title": "T",
                    "file": SimpleUploadedFile("big.txt", b"a" * HUGE, "text/plain")},
         message="The file is larger than 2 MB."),
    Case("source-upload-html", "moderator", u("debate-manage", slug),
         lambda w: {"action": "source", "title": "T",
                    "file": SimpleUploadedFile("x.html", SCRIPT.encode(), "text/html")},
         message="Upload a .txt or .md file."),
    Case("source-upload-binary", "moderator", u("debate-manage", slug),
         lambda w: {"action": "source", "title": "T",
                    "file": SimpleUploadedFile("x.txt", b"MZ\x00\x01\x02", "text/plain")},
         message="The file looks binary, not text."),
    Case("source-upload-not-utf8", "moderator", u("debate-manage", slug),
         lambda w: {"action": "source", "title": "T",
                    "file": SimpleUploadedFile("x.txt", BAD_UTF8, "text/plain")},
         message="The file is not UTF-8 text."),
    Case("source-upload-and-paste", "moderator", u("debate-manage", slug),
         lambda w: {"action": "source", "title": "T", "text": "Pasted.",
                    "file": SimpleUploadedFile("x.txt", b"Uploaded.", "text/plain")},
         message="Paste the text or upload a file, not both."),
    Case("source-revise-forged", "moderator", u("debate-manage", slug),
         manage("revise", source=lambda w: w.other.source.pk, text="New text."),
         message="Unknown source."),
    Case("source-revise-null-byte", "moderator", u("debate-manage", slug),
         manage("revise", source=source, text=NUL),
         message="The text contains a null character."),
    # new debate
    Case("new-title-too-long", "creator", u("debate-new"), new_debate(title=long(200)),
         message="At most 200 characters."),
    Case("new-motion-too-long", "creator", u("debate-new"), new_debate(motion=long(500)),
         message="At most 500 characters."),
    Case("new-position-too-long", "creator", u("debate-new"),
         new_debate(**{"positions-1-title": long(200)}), message="At most 200 characters."),
    Case("new-team-too-long", "creator", u("debate-new"),
         new_debate(**{"teams-0-name": long(80), "teams-0-position": "1"}),
         message="At most 80 characters."),
    Case("new-team-position-script", "creator", u("debate-new"),
         new_debate(**{"teams-0-name": "Team", "teams-0-position": SCRIPT}),
         message="Choose one of the positions above."),
    Case("new-unknown-moderator", "creator", u("debate-new"),
         new_debate(moderators=HXDIV), message="No such user:"),
    Case("new-title-null-byte", "creator", u("debate-new"), new_debate(title=NUL),
         message="null", bug="new debate title (also motion, positions, teams): " + NUL_500),
    Case("new-description-null-byte", "creator", u("debate-new"), new_debate(description=NUL),
         message="null", bug="new debate description: " + NUL_500),
    Case("new-moderators-null-byte", "creator", u("debate-new"),
         new_debate(moderators="alice\x00"), message="null",
         bug="new debate moderators (username__in lookup): " + NUL_500),
    Case("new-by-a-debater", "debater", u("debate-new"), new_debate(), status=(403,),
         message="You are not allowed to create debates."),
    # manage actions
    Case("manage-unknown-action", "moderator", u("debate-manage", slug), manage(SCRIPT),
         message="Unknown action."),
    Case("manage-details-title-too-long", "moderator", u("debate-manage", slug),
         manage("details", title=long(200), motion="M"), message="At most 200 characters."),
    Case("manage-details-description-null-byte", "moderator", u("debate-manage", slug),
         manage("details", title="T", motion="M", description=NUL), message="null",
         bug="debate description (manage → details): " + NUL_500),
    Case("manage-team-name-too-long", "moderator", u("debate-manage", slug),
         manage("team", name=long(80)), message="At most 80 characters."),
    Case("manage-team-name-null-byte", "moderator", u("debate-manage", slug),
         manage("team", name=NUL), message="null", bug="team name: " + NUL_500),
    Case("manage-team-forged-position", "moderator", u("debate-manage", slug),
         manage("team", name="Team X", position=lambda w: w.other.position.pk),
         message="Unknown position."),
    Case("manage-regenerate-forged-team", "moderator", u("debate-manage", slug),
         manage("regenerate", team=lambda w: w.other.team.pk), message="Unknown team."),
    Case("manage-moderator-unknown", "moderator", u("debate-manage", slug),
         manage("moderator", username=long(150)), message="No such user:"),
    Case("manage-moderator-null-byte", "moderator", u("debate-manage", slug),
         manage("moderator", username="alice\x00"), message="null",
         bug="manage → moderator username (username__in lookup): " + NUL_500),
    Case("manage-clone-title-too-long", "creator", u("debate-manage", slug),
         manage("clone", title=long(200)), message="At most 200 characters."),
    Case("manage-clone-title-null-byte", "creator", u("debate-manage", slug),
         manage("clone", title=NUL), message="null", bug="clone title: " + NUL_500),
    Case("manage-by-a-debater", "debater", u("debate-manage", slug),
         manage("team", name="Sneaky"), status=(404,), message=NOT_FOUND),
    # join with a code
    Case("join-code-too-long", "outsider-like", u("join"), lambda w: {"code": long(32)},
         message="This invite code is not valid."),
    Case("join-code-script", "outsider-like", u("join"), lambda w: {"code": HXDIV},
         message="This invite code is not valid."),
    Case("join-code-null-byte", "outsider-like", u("join"), lambda w: {"code": "abc\x00"},
         message="This invite code is not valid.",
         bug="join code (POST): " + NUL_500 + " (Team invite_code lookup in debate_join)"),
    Case("join-link-null-byte", "outsider-like", lambda w: "/join/abc%00/", method="get",
         status=(404,), message="This invite code is not valid.",
         bug="join link /join/<code>/ with %00: " + NUL_500),
    # sign-up and login
    Case("signup-username-too-long", "anonymous", u("signup"),
         lambda w: {"username": long(150), "password1": "Qv7-kite-9x", "password2": "Qv7-kite-9x"},
         message="Ensure this value has at most 150 characters"),
    Case("signup-username-null-byte", "anonymous", u("signup"),
         lambda w: {"username": "abc\x00", "password1": "Qv7-kite-9x", "password2": "Qv7-kite-9x"},
         message="Null characters are not allowed."),
    Case("signup-username-script", "anonymous", u("signup"),
         lambda w: {"username": IMG, "password1": "Qv7-kite-9x", "password2": "Qv7-kite-9x"},
         message="Enter a valid username."),
    # A refused login answers 422 with the form again, like every other refused form.
    Case("login-username-null-byte", "anonymous", u("login"),
         lambda w: {"username": "debater-now\x00", "password": TEST_PASSWORD}, status=(200,),
         message="Null characters are not allowed.",
         bug="templates/registration/login.html shows only form.non_field_errors: a field "
             "error (here 'Null characters are not allowed.' on username) re-renders the "
             "form with no message at all."),
    Case("login-script", "anonymous", u("login"),
         lambda w: {"username": SCRIPT, "password": HXDIV}, status=(422,), message=LOGIN_FAILED),
    Case("login-username-too-long", "anonymous", u("login"),
         lambda w: {"username": long(150), "password": "x"}, status=(422,), message=LOGIN_FAILED,
         bug="a login username over 255 characters is a 500: AuthenticationForm does not "
             "enforce its 150-character max_length, authenticate() fails, and django-axes "
             "writes the username into AccessAttempt.username varchar(255) → DataError. Any "
             "anonymous visitor can trigger it."),
    # results poll
    Case("poll-forged-position", "debater", u("debate-results", slug),
         lambda w: {"poll": "after", "position": w.other.position.pk},
         message="Choose a position, or undecided."),
    Case("poll-position-script", "debater", u("debate-results", slug),
         lambda w: {"poll": "after", "position": SCRIPT},
         message="Choose a position, or undecided."),
    Case("poll-unknown-poll", "debater", u("debate-results", slug),
         lambda w: {"poll": long(8), "position": "undecided"}, message="Unknown poll."),
    # audit filters (a GET: nothing to refuse, but never a 500 and nothing echoed raw)
    Case("audit-filter-script", "moderator", u("audit", slug),
         lambda w: {"actor": SCRIPT, "action": HXDIV, "page": "9" * 10_000}, method="get",
         status=(200,), message="0 events matching."),
    Case("audit-filter-too-long", "moderator", u("audit", slug),
         lambda w: {"actor": long(150), "action": long(64)}, method="get", status=(200,),
         message="0 events matching."),
    Case("audit-filter-null-byte", "moderator", u("audit", slug),
         lambda w: {"actor": "moderator\x00"}, method="get", status=(200, 400), message="event",
         bug="audit ?actor= with a NUL: " + NUL_500 + " (audit_trail's actor__username)"),
    # the API, JSON bodies
    Case("api-claim-too-long", "debater", api("claims/"),
         lambda w: {"position_id": w.position.pk, "stance": "pro", "text": long(1000)},
         api=True, status=(400,), message="Ensure this field has no more than 1000 characters."),
    Case("api-claim-null-byte", "debater", api("claims/"),
         lambda w: {"position_id": w.position.pk, "stance": "pro", "text": NUL},
         api=True, status=(400,), message="Null characters are not allowed."),
    Case("api-claim-forged-position", "debater", api("claims/"),
         lambda w: {"position_id": w.other.position.pk, "stance": "pro", "text": "Hi there."},
         api=True, status=(400,), message="No such position in this debate."),
    Case("api-claim-forged-parent", "debater", api("claims/"),
         lambda w: {"parent_id": w.other.claim.pk, "stance": "con", "text": "Hi there."},
         api=True, status=(400,), message="No such claim in this debate."),
    Case("api-claim-wrong-types", "debater", api("claims/"),
         lambda w: {"position_id": [1], "stance": {"$gt": ""}, "text": 42, "is_hidden": True},
         api=True, status=(400,), message="Unknown field."),
    Case("api-edit-too-long", "debater", api("claims/{w.claim.pk}/"),
         lambda w: {"text": long(1000)}, method="patch", api=True, headers=if_match,
         status=(400,), message="Ensure this field has no more than 1000 characters."),
    Case("api-edit-forged-claim", "moderator", api("claims/{w.other.claim.pk}/"),
         lambda w: {"text": "New words."}, method="patch", api=True, headers=if_match,
         status=(404,), message="No such claim in this debate."),
    Case("api-vote-out-of-range", "rival", api("claims/{w.claim.pk}/vote/"),
         lambda w: {"value": 10**6}, method="put", api=True, status=(400,),
         message="Ensure this value is less than or equal to 4."),
    Case("api-vote-script", "rival", api("claims/{w.claim.pk}/vote/"),
         lambda w: {"value": SCRIPT}, method="put", api=True, status=(400,),
         message="A valid integer is required."),
    Case("api-vote-forged-claim", "rival", api("claims/{w.other.claim.pk}/vote/"),
         lambda w: {"value": 3}, method="put", api=True, status=(404,),
         message="No such claim in this debate."),
    Case("api-evidence-forged-source", "debater", api("evidence/"),
         lambda w: {"source_id": w.other.source.pk, "quote": "Bilateral agreements"},
         api=True, status=(400,), message="No such source in this debate."),
    Case("api-evidence-quote-null-byte", "debater", api("evidence/"),
         lambda w: {"source_id": w.source.pk, "quote": QUOTE + "\x00"}, api=True,
         status=(400,), message="Null characters are not allowed."),
    Case("api-evidence-note-too-long", "debater", api("evidence/"),
         lambda w: {"source_id": w.source.pk, "quote": QUOTE, "note": long(2000)}, api=True,
         status=(400,), message="Ensure this field has no more than 2000 characters."),
    Case("api-reject-reason-too-long", "moderator", api("evidence/{w.proposed.pk}/reject/"),
         lambda w: {"reason": long(2000)}, api=True, status=(400,),
         message="Ensure this field has no more than 2000 characters."),
    Case("api-approve-forged-evidence", "moderator",
         api("evidence/{w.other.evidence.pk}/approve/"), lambda w: {}, api=True,
         status=(404,), message="No such evidence in this debate."),
    Case("api-phase-script", "moderator", api("phase/"), lambda w: {"phase": SCRIPT},
         api=True, status=(400,), message="is not a valid choice."),
    Case("api-import-garbage", "creator", lambda w: "/api/v1/debates/import/",
         lambda w: {"debate": HXDIV, "claims": "not a list"}, api=True, status=(400,),
         message="error"),
]


# Raw bodies, sent as they are: JSON nested too deep, and JSON that is not UTF-8.
RAW_CASES = [
    Case("api-json-nested-100000-deep", "debater", api("claims/"),
         lambda w: ("[" * 100_000 + "]" * 100_000).encode(), api=True, status=(400,),
         message="JSON parse error",
         bug="deeply nested JSON makes json.loads raise RecursionError, which DRF's "
             "JSONParser does not catch (only ValueError): a 500 on every API write, for "
             "any signed-in caller. Catch RecursionError in a JSONParser subclass."),
    Case("api-json-invalid-utf8", "debater", api("claims/"),
         lambda w: b'{"position_id": %d, "stance": "pro", "text": "%s"}'
         % (w.position.pk, BAD_UTF8),
         api=True, status=(400,), message="JSON parse error"),
]

# Form bodies whose one field holds raw bytes that are not UTF-8 (charset=utf-8 declared).
UTF8_BUG = (
    "a form body that is not valid UTF-8 is decoded as ISO-8859-1 by Django's QueryDict "
    "(its fallback), so the mojibake ('cafÃÿþý') is saved as if it were text, with no "
    "error. Refuse bodies that do not decode in the declared charset with a 400 (a small "
    "middleware before the views)."
)
BAD_UTF8_FORMS = [
    # (id, who, url, the other fields, the field with bad bytes, status, message, bug)
    ("compose", "debater", u("compose", slug),
     lambda w: {"position": w.position.pk, "stance": "pro"}, "text", (422,), "", UTF8_BUG),
    ("edit", "debater", u("claim-edit", slug, claim), lambda w: {"version": w.claim.version},
     "text", (422,), "", UTF8_BUG),
    ("flag-note", "rival", u("claim-flag", slug, claim), lambda w: {"kind": "off_topic"},
     "note", (422,), "", UTF8_BUG),
    ("hide-reason", "moderator", u("claim-hide", slug, claim), lambda w: {}, "reason",
     (422,), "", UTF8_BUG),
    ("vote", "rival", u("claim-vote", slug, claim), lambda w: {}, "value", (422,),
     "A vote is a whole number from 0 to 4.", ""),
    ("propose-quote", "debater", u("evidence-propose", slug, source), lambda w: {}, "quote",
     (422,), "The quote does not occur in the source text.", ""),
    ("source-paste", "moderator", u("debate-manage", slug),
     lambda w: {"action": "source", "title": "T"}, "text", (422,), "", UTF8_BUG),
    ("new-debate-title", "creator", u("debate-new"),
     lambda w: {"motion": "M", "positions-0-title": "Yes", "positions-1-title": "No"}, "title",
     (422,), "", UTF8_BUG),
    ("manage-team-name", "moderator", u("debate-manage", slug), lambda w: {"action": "team"},
     "name", (422,), "", UTF8_BUG),
    ("join-code", "outsider-like", u("join"), lambda w: {}, "code", (422,),
     "This invite code is not valid.", ""),
    ("signup-username", "anonymous", u("signup"),
     lambda w: {"password1": "Qv7-kite-9x", "password2": "Qv7-kite-9x"}, "username", (422,),
     "", UTF8_BUG),
    ("login-username", "anonymous", u("login"), lambda w: {"password": "x"}, "username",
     (200,), LOGIN_FAILED, ""),
    ("poll", "debater", u("debate-results", slug), lambda w: {"poll": "after"}, "position",
     (422,), "Choose a position, or undecided.", ""),
]
# fmt: on


# Null characters are refused by each form's field (CharField's ProhibitNullCharactersValidator,
# and debate.inputs.refuse_nulls for ids and counts), with one message, the form kept: a 422
# (400 in the API). Form bodies that are not UTF-8 are refused before any view sees them
# (debate.middleware.CleanInputMiddleware), since no field can tell.
NULL_REFUSED = "Null characters are not allowed."
NOT_UTF8 = "The form was not sent as UTF-8 text."


def _refused_early(case: Case) -> Case:
    if case.id.endswith("null-byte"):
        return replace(case, status=(400,) if case.api else (422,), message=NULL_REFUSED, bug="")
    return replace(case, bug="") if case.id in FIXED else case


# Defects these tests found, since fixed; their rows stay as regression tests.
FIXED = {
    "evidence-reject-reason-too-long", "flag-resolve-reason-too-long", "hide-reason-too-long",
    "source-paste-3mb", "source-title-too-long", "source-url-javascript", "source-url-too-long",
    "login-username-too-long", "propose-note-too-long", "api-json-nested-100000-deep",
}  # fmt: skip


CASES = [_refused_early(case) for case in CASES]
BAD_UTF8_FORMS = [(*row[:5], (400,), NOT_UTF8, "") for row in BAD_UTF8_FORMS]
RAW_CASES = [replace(case, bug="") if case.id in FIXED else case for case in RAW_CASES]


# --- sending -------------------------------------------------------------------------------


def client_for(world, who: str, *, api: bool = False):
    client = APIClient() if api else Client()
    user = world.users.get(who) if who != "outsider-like" else UserFactory(username="walker")
    if user is not None:
        client.force_login(user)
    return client


def send(world, case: Case, client):
    url = case.url(world)
    data = case.data(world) if case.data else {}
    method = getattr(client, case.method)
    if case.method == "get":
        return method(url, data)
    if isinstance(data, bytes):
        return method(url, data, content_type="application/json", **case.headers(world))
    if case.api:
        return method(url, data, format="json", **case.headers(world))
    return method(url, data, **case.headers(world))


def answer_text(response) -> str:
    """What the person (or program) reads: unescaped HTML, or the JSON error."""
    body = response.content.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(body), ensure_ascii=False)
    return html.unescape(body)


def assert_no_raw_payload(response) -> None:
    body = response.content.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("text/html"):
        for payload in PAYLOADS:
            assert payload not in body, f"{payload!r} is echoed unescaped"


def assert_refused(world, case: Case, response, before) -> None:
    assert response.status_code in case.status, (response.status_code, answer_text(response)[:800])
    assert case.message in answer_text(response), answer_text(response)[:3000]
    assert_no_raw_payload(response)
    assert rows_of() == before


@pytest.mark.parametrize("case", [c.param() for c in CASES + RAW_CASES])
def test_hostile_input_is_refused_with_a_clear_message_and_changes_nothing(world, case):
    client = client_for(world, case.who, api=case.api)
    before = rows_of()

    response = send(world, case, client)

    assert_refused(world, case, response, before)


@pytest.mark.parametrize(
    ("form_id", "who", "url", "fields", "bad_field", "status", "message", "bug"),
    [
        pytest.param(
            *row,
            id=row[0],
            marks=[pytest.mark.xfail(strict=True, reason=f"BUG: {row[-1]}")] if row[-1] else [],
        )
        for row in BAD_UTF8_FORMS
    ],
)
def test_form_body_that_is_not_utf8_is_refused_and_changes_nothing(
    world, form_id, who, url, fields, bad_field, status, message, bug
):
    client = client_for(world, who)
    body = urlencode(fields(world)).encode() + b"&" + bad_field.encode() + b"=" + BAD_UTF8
    before = rows_of()

    response = client.post(
        url(world), body, content_type="application/x-www-form-urlencoded; charset=utf-8"
    )

    assert response.status_code in status, response.status_code
    assert message in answer_text(response)
    assert rows_of() == before


def test_a_forged_id_never_reveals_the_other_debate(world):
    """The 404 for another debate's claim is the same page as for an id that never existed."""
    client = client_for(world, "moderator")
    forged = client.get(reverse("claim-edit", args=[world.slug, world.other.claim.pk]))
    missing = client.get(reverse("claim-edit", args=[world.slug, 987_654_321]))
    assert forged.status_code == missing.status_code == 404
    assert world.other.claim.text not in forged.content.decode()
    assert main_of(forged) == main_of(missing)


def main_of(response) -> str:
    """The page's <main>: the header differs only by the login link's ?next=."""
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


# --- script payloads in valid text: saved verbatim, rendered escaped -------------------------


@dataclass(frozen=True)
class Stored:
    """Post `data` as `who`; then `shows` (as `viewer`) must show `text` escaped."""

    id: str
    who: str
    url: Callable
    data: Callable[[SimpleNamespace, str], dict]
    shows: Callable[[SimpleNamespace], str]
    viewer: str = "moderator"
    api: bool = False


def newest_debate(w):
    from debate.debates.models import Debate

    return reverse("debate", args=[Debate.objects.latest("pk").slug])


def newest_source(w):
    from debate.sources.models import Source

    return reverse("source", args=[w.slug, Source.objects.latest("pk").pk])


# fmt: off
STORED = [
    Stored("compose-claim", "debater", u("compose", slug),
           lambda w, t: {"position": w.position.pk, "stance": "pro", "text": t},
           u("debate", slug), viewer="rival"),
    Stored("edit-claim", "debater", u("claim-edit", slug, claim),
           lambda w, t: {"text": t, "version": w.claim.version}, u("claim", slug, claim),
           viewer="rival"),
    Stored("api-claim", "debater", api("claims/"),
           lambda w, t: {"position_id": w.position.pk, "stance": "pro", "text": t},
           u("debate", slug), viewer="rival", api=True),
    Stored("flag-note", "rival", u("claim-flag", slug, claim),
           lambda w, t: {"kind": "off_topic", "note": t}, u("moderation-queue", slug)),
    Stored("hide-reason", "moderator", u("claim-hide", slug, claim),
           lambda w, t: {"reason": t}, lambda w: reverse("activity"), viewer="debater"),
    Stored("propose-note", "debater", u("evidence-propose", slug, source),
           lambda w, t: {"quote": QUOTE, "note": t}, u("moderation-queue", slug)),
    Stored("reject-reason", "moderator", u("evidence-review", slug, lambda w: w.proposed.pk),
           lambda w, t: {"decision": "reject", "reason": t}, u("source", slug, source),
           viewer="debater"),
    Stored("flag-resolve-reason", "moderator", u("flag-resolve", slug, lambda w: w.flag.pk),
           lambda w, t: {"resolution": "dismiss", "reason": t}, u("audit", slug)),
    Stored("source-paste", "moderator", u("debate-manage", slug),
           lambda w, t: {"action": "source", "title": t[:300], "publication": t[:200],
                         "text": f"First paragraph.\n\n{t}\n"},
           newest_source, viewer="debater"),
    Stored("source-upload", "moderator", u("debate-manage", slug),
           lambda w, t: {"action": "source", "title": "Uploaded",
                         "file": SimpleUploadedFile("a.md", t.encode(), "text/markdown")},
           newest_source, viewer="debater"),
    Stored("new-debate", "creator", u("debate-new"),
           lambda w, t: {"title": t[:200], "motion": t[:500], "description": t,
                         "positions-0-title": t[:200], "positions-0-description": t[:2000],
                         "positions-1-title": "No", "teams-0-name": HXDIV[:80],
                         "teams-0-position": "1"},
           newest_debate, viewer="creator"),
    Stored("manage-details", "moderator", u("debate-manage", slug),
           lambda w, t: {"action": "details", "title": t[:200], "motion": t[:500],
                         "description": t, "is_public": "on"},
           u("debate", slug), viewer="debater"),
    Stored("manage-team", "moderator", u("debate-manage", slug),
           lambda w, t: {"action": "team", "name": HXDIV}, u("debate-manage", slug)),
]
# fmt: on


@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img-onerror", "hx-get"])
@pytest.mark.parametrize("stored", STORED, ids=lambda s: s.id)
def test_script_payload_in_valid_text_is_saved_as_text_and_rendered_escaped(world, stored, payload):
    text = f"Words before {payload} and after."
    client = client_for(world, stored.who, api=stored.api)
    data = stored.data(world, text)

    response = client.post(stored.url(world), data, **({"format": "json"} if stored.api else {}))

    assert response.status_code in (200, 201, 302), answer_text(response)[:2000]
    shown_to = client_for(world, stored.viewer)
    page = shown_to.get(stored.shows(world))
    body = page.content.decode()
    assert page.status_code == 200
    for p in PAYLOADS:
        assert p not in body, f"{p!r} rendered unescaped on {stored.shows(world)}"
    shown = HXDIV if stored.id == "manage-team" else payload
    as_json = json.dumps(shown)[1:-1]  # the audit trail shows stored values as JSON
    assert escape(shown) in body or escape(as_json) in body, (
        f"{shown!r} not shown as text on {stored.shows(world)}"
    )


def test_script_payload_claim_is_stored_verbatim(world):
    text = f"{SCRIPT} {IMG} {HXDIV}"
    client = client_for(world, "debater")
    client.post(reverse("compose", args=[world.slug]),
                {"position": world.position.pk, "stance": "pro", "text": text})  # fmt: skip
    from debate.arguments.models import Claim

    assert Claim.objects.filter(text=text).count() == 1


@pytest.mark.parametrize("where", ["claim", "live", "picture", "api-snapshot", "argdown"], ids=str)
def test_script_payload_claim_is_inert_on_every_view_of_the_map(world, where):
    text = f"{SCRIPT} {IMG} {HXDIV}"
    new = claim_services.claim_create(
        actor=world.users["rival"], debate=world.debate, position=world.position,
        parent=world.claim, stance="con", text=text,
    )  # fmt: skip
    client = client_for(world, "observer")
    url = {
        "claim": reverse("claim", args=[world.slug, new.pk]),
        "live": reverse("debate-live", args=[world.slug]) + "?since=0",
        "picture": reverse("debate-picture", args=[world.slug]),
        "api-snapshot": f"/api/v1/debates/{world.slug}/snapshot/",
        "argdown": f"/api/v1/debates/{world.slug}/snapshot/?format=argdown",
    }[where]

    response = client.get(url)

    assert response.status_code == 200
    body = response.content.decode()
    content_type = response["Content-Type"]
    if content_type.startswith("text/html"):
        for payload in PAYLOADS:
            assert payload not in body
        if where == "picture":  # the tree travels in a JSON block, with < escaped
            assert "\\u003Cscript\\u003E" in body
        else:
            assert escape(text) in body
    else:  # JSON and Argdown are data: the text as written, never interpreted as HTML
        assert not content_type.startswith("text/html")
        assert "text/plain" in content_type or "application/json" in content_type
        if "text/plain" in content_type:  # Argdown, with Argdown's own escaping
            assert argdown_escape(text) in body
        else:
            assert text in strings_in(json.loads(body))


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
@pytest.mark.parametrize("view", ["signup", "login"])
def test_an_offsite_next_is_ignored_after_signing_up_or_in(world, view, target):
    data = {
        "signup": {"username": "newcomer", "password1": "Qv7-kite-9x", "password2": "Qv7-kite-9x"},
        "login": {"username": "debater-now", "password": TEST_PASSWORD},
    }[view]

    response = Client().post(reverse(view), data | {"next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"
