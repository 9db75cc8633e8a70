"""Setting a debate up from the app: the new-debate form, the manage page's actions (details,
teams and invites, moderators, sources by paste or upload, revisions) and cloning."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from debate.arguments.models import Citation, Claim, Vote
from debate.audit.models import AuditEvent
from debate.debates.models import Debate, Membership, Phase, Role, Team
from debate.sources.models import Evidence, EvidenceStatus, Source
from debate.sources.services import UPLOAD_MAX_BYTES, evidence_propose, source_revise
from debate.sources.text import text_sha256
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    EvidenceFactory,
    SourceFactory,
    UserFactory,
    VoteFactory,
)
from tests.helpers import client_as, rows_of

pytestmark = pytest.mark.django_db

NOT_ALLOWED = "You are not allowed to create debates."


def grant_create(user):
    user.user_permissions.add(Permission.objects.get(codename="create_debate"))
    return user


@pytest.fixture
def creator(db):
    """Holds the "debates.create_debate" permission, without being staff."""
    return grant_create(UserFactory(username="instructor"))


@pytest.fixture
def staff(db):
    return UserFactory(username="staffer", is_staff=True)


# The new-debate form's rows: position row 2 is left blank (skipped), so "Wait for the
# summit" in row 3 is the second position; a team with no position is allowed.
NEW_DEBATE = {
    "title": "Sanctions: tighten now or wait?",
    "motion": "Should the EU tighten sanctions before the summit?",
    "description": "A seminar debate.",
    "positions-0-title": "Tighten now",
    "positions-2-title": "Wait for the summit",
    "teams-0-name": "Team Tighten", "teams-0-position": "1",
    "teams-1-name": "Team Wait", "teams-1-position": "3",
    "teams-2-name": "Reserve",
    "moderators": "",
}  # fmt: skip


# --- the new-debate form ---------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_user_without_the_permission_is_refused_the_new_debate_form(outsider, method):
    response = getattr(client_as(outsider), method)(reverse("debate-new"), NEW_DEBATE)
    assert response.status_code == 403
    assert NOT_ALLOWED in response.content.decode()
    assert not Debate.objects.exists()


def test_anonymous_visitor_is_sent_to_log_in(db):
    response = Client().get(reverse("debate-new"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["staff", "creator"])
def test_staff_or_permission_holder_creates_a_debate(request, who):
    user = request.getfixturevalue(who)
    assert client_as(user).get(reverse("debate-new")).status_code == 200

    response = client_as(user).post(reverse("debate-new"), NEW_DEBATE)

    debate = Debate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("debate-manage", args=[debate.slug])
    assert (debate.slug, debate.title, debate.motion, debate.description, debate.phase) == (
        "sanctions-tighten-now-or-wait", NEW_DEBATE["title"], NEW_DEBATE["motion"],
        "A seminar debate.", Phase.SETUP,
    )  # fmt: skip
    assert debate.created_by == user
    assert Membership.objects.get(debate=debate, user=user).role == Role.MODERATOR


def test_new_debate_gets_its_positions_teams_and_invite_codes(creator):
    client_as(creator).post(reverse("debate-new"), NEW_DEBATE)

    debate = Debate.objects.get()
    positions = list(debate.positions.values_list("order", "key", "title"))
    assert positions == [(0, "tighten-now", "Tighten now"), (1, "wait-for-the-summit",
                                                             "Wait for the summit")]  # fmt: skip
    teams = {t.name: t for t in debate.teams.select_related("position")}
    assert set(teams) == {"Team Tighten", "Team Wait", "Reserve"}
    assert teams["Team Tighten"].position.title == "Tighten now"
    assert teams["Team Wait"].position.title == "Wait for the summit"
    assert teams["Reserve"].position is None
    codes = [t.invite_code for t in teams.values()]
    assert len(set(codes)) == 3 and all(len(code) >= 10 for code in codes)


def test_new_debate_names_other_moderators(creator):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")

    client_as(creator).post(reverse("debate-new"), {**NEW_DEBATE, "moderators": "alice,\nbob"})

    debate = Debate.objects.get()
    moderators = set(
        debate.memberships.filter(role=Role.MODERATOR).values_list("user__username", flat=True)
    )
    assert moderators == {"instructor", alice.username, bob.username}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"teams-0-position": "2"},
         "Position 2 has no title: give it one, or choose another position."),
        ({"teams-0-position": "one"}, "Choose one of the positions above."),
        ({"teams-0-position": "0"}, "Choose one of the positions above."),
        ({"teams-1-name": "team tighten"}, "Another team has this name: give each team its own."),
        ({"teams-0-name": ""}, "Give this team a name, or choose no position for it."),
        ({"positions-2-title": ""},
         "A debate needs at least two positions: give two rows a title."),
        ({"positions-2-title": "Tighten now"},
         "Another position has this title (or one that starts the same way): give each "
         "position its own."),
        ({"positions-1-description": "Why"},
         "Give this position a title, or clear its description."),
        ({"moderators": "alice, ghost"}, "No such user: ghost."),
        ({"title": ""}, "This field is required."),
        ({"motion": "   "}, "This field is required."),
    ],
    ids=[
        "team-position-row-empty", "team-position-not-a-number", "team-position-zero",
        "team-name-twice", "team-without-name", "one-position", "position-twice",
        "description-without-title", "unknown-moderator", "no-title", "blank-motion",
    ],
)  # fmt: skip
def test_bad_new_debate_input_is_refused_and_creates_nothing(creator, overrides, message):
    UserFactory(username="alice")
    before = rows_of()

    response = client_as(creator).post(reverse("debate-new"), {**NEW_DEBATE, **overrides})

    html = response.content.decode()
    assert response.status_code == 422
    assert f"<span>{escape(message)}</span>" in html  # next to its field
    assert f": {escape(message)}</a></li>" in html  # and in the summary at the top
    assert rows_of() == before
    kept = "title" if "title" not in overrides else "motion"
    assert f'value="{escape(NEW_DEBATE[kept])}"' in html  # what was typed stays in the form


def test_new_debate_with_a_taken_title_is_refused(creator, debate):
    before = rows_of()
    response = client_as(creator).post(
        reverse("debate-new"), {**NEW_DEBATE, "title": "Ukraine NATO"}
    )
    assert response.status_code == 422
    assert "A debate with this slug exists already." in response.content.decode()
    assert rows_of() == before


# --- the manage page -----------------------------------------------------------------------------


def manage(debate) -> str:
    return reverse("debate-manage", args=[debate.slug])


def test_manage_page_shows_teams_with_invite_links_moderators_and_sources(
    debate, moderator, source, team_now
):
    html = client_as(moderator).get(manage(debate)).content.decode()
    assert reverse("join-code", args=[team_now.invite_code]) in html
    assert "<li>moderator</li>" in html
    assert reverse("source", args=[debate.slug, source.pk]) in html
    assert f"revision {source.revision}" in html


@pytest.mark.parametrize("who", ["debater_now", "observer", "outsider"])
def test_non_moderators_cannot_post_to_the_manage_page(request, debate, team_now, who):
    client = client_as(request.getfixturevalue(who))
    before = rows_of()
    response = client.post(manage(debate), {"action": "regenerate", "team": team_now.pk})
    assert response.status_code == 404
    assert rows_of() == before


def test_unknown_manage_action_is_refused(debate, moderator):
    before = rows_of()
    response = client_as(moderator).post(manage(debate), {"action": "drop"})
    assert response.status_code == 422
    assert rows_of() == before


def test_moderator_saves_the_details(debate, moderator):
    client = client_as(moderator)
    response = client.post(
        manage(debate),
        {"action": "details", "title": "New title", "motion": "New motion?",
         "description": " Read the article first. ", "allow_observers": "on"},
    )  # fmt: skip

    assert response.status_code == 302
    assert response["Location"] == manage(debate)
    debate.refresh_from_db()
    assert (debate.title, debate.motion, debate.description) == (
        "New title", "New motion?", "Read the article first."
    )  # fmt: skip
    assert (debate.is_public, debate.allow_observers) == (False, True)
    event = AuditEvent.objects.get(action="debate.update")
    assert event.before["title"] != "New title" and event.after["title"] == "New title"
    followed = client.get(response["Location"]).content.decode()
    assert escape("The debate's details are saved.") in followed


def test_details_without_a_title_are_refused(debate, moderator):
    before = rows_of()
    response = client_as(moderator).post(
        manage(debate), {"action": "details", "title": " ", "motion": "M?"}
    )
    assert response.status_code == 422
    assert '<p class="form-error" role="alert">This field is required.</p>' in (
        response.content.decode()
    )
    assert rows_of() == before


def test_moderator_adds_a_team_for_a_position(debate, moderator, position_after):
    response = client_as(moderator).post(
        manage(debate), {"action": "team", "name": "Team Later", "position": position_after.pk}
    )
    assert response.status_code == 302
    team = Team.objects.get(debate=debate, name="Team Later")
    assert team.position == position_after
    assert team.invite_code


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Team Now"}, "This debate has a team with this name already."),
        ({"name": "T", "position": "abc"}, "Unknown position."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_team_is_refused(debate, moderator, data, message):
    before = rows_of()
    response = client_as(moderator).post(manage(debate), {"action": "team", **data})
    assert response.status_code == 422
    assert escape(message) in response.content.decode()
    assert rows_of() == before


def test_new_invite_code_replaces_the_old_one(debate, moderator, team_after, outsider):
    old = team_after.invite_code

    response = client_as(moderator).post(
        manage(debate), {"action": "regenerate", "team": team_after.pk}
    )

    team_after.refresh_from_db()
    assert response.status_code == 302
    assert team_after.invite_code != old
    event = AuditEvent.objects.get(action="team.regenerate_code")
    assert old not in str(event.before) + str(event.after)
    guest = client_as(outsider)
    stale = guest.post(reverse("join"), {"code": old})
    assert stale.status_code == 422
    assert "This invite code is not valid." in stale.content.decode()
    assert guest.get(reverse("join-code", args=[old])).status_code == 404
    assert not Membership.objects.filter(user=outsider).exists()
    assert guest.post(reverse("join"), {"code": team_after.invite_code}).status_code == 302
    assert Membership.objects.get(user=outsider).team == team_after


def test_regenerating_the_code_of_another_debates_team_is_refused(debate, moderator):
    from tests.factories import TeamFactory

    other = TeamFactory()
    before = rows_of()
    response = client_as(moderator).post(manage(debate), {"action": "regenerate", "team": other.pk})
    assert response.status_code == 422
    assert rows_of() == before


def test_moderator_adds_another_moderator(debate, moderator, outsider):
    response = client_as(moderator).post(
        manage(debate), {"action": "moderator", "username": "outsider"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=outsider, debate=debate).role == Role.MODERATOR
    assert client_as(outsider).get(manage(debate)).status_code == 200


def test_adding_an_unknown_moderator_is_refused(debate, moderator):
    before = rows_of()
    response = client_as(moderator).post(
        manage(debate), {"action": "moderator", "username": "ghost"}
    )
    assert response.status_code == 422
    assert "No such user: ghost." in response.content.decode()
    assert rows_of() == before


# --- sources: paste and upload -------------------------------------------------------------------

ARTICLE = "First paragraph of the article.\n\nSecond paragraph, with “quotes” — and a dash.\n"
METADATA = {
    "action": "source",
    "title": "Bilateral Security Agreements (Part Two)",
    "publication": "Eurasia Daily Monitor",
    "volume": "21",
    "issue": "77",
    "published_on": "2024-05-23",
    "url": "https://jamestown.org/program/bilateral-security-agreements/",
}


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_moderator_pastes_a_source_with_its_metadata(debate, moderator):
    response = client_as(moderator).post(manage(debate), {**METADATA, "text": ARTICLE})

    source = Source.objects.get(debate=debate)
    assert response.status_code == 302
    assert response["Location"] == reverse("source", args=[debate.slug, source.pk])
    assert (source.title, source.publication, source.volume, source.issue) == (
        METADATA["title"], "Eurasia Daily Monitor", "21", "77"
    )  # fmt: skip
    assert source.published_on == datetime.date(2024, 5, 23)
    assert source.url == METADATA["url"]
    assert source.text == ARTICLE and source.text_sha256 == text_sha256(ARTICLE)
    assert (source.revision, source.created_by) == (1, moderator)
    assert AuditEvent.objects.filter(action="source.create", object_id=source.pk).exists()
    reader = client_as(moderator).get(response["Location"]).content.decode()
    assert "Eurasia Daily Monitor, Volume 21, Issue 77, 23 May 2024" in reader


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("article.txt", ARTICLE.encode()),
        ("article.md", ARTICLE.encode()),
        ("ARTICLE.TXT", ARTICLE.encode()),
        ("bom.txt", b"\xef\xbb\xbf" + ARTICLE.encode()),
        ("windows.md", ARTICLE.replace("\n", "\r\n").encode()),
    ],
)
def test_moderator_uploads_a_text_or_markdown_source(debate, moderator, name, data):
    response = client_as(moderator).post(manage(debate), {**METADATA, "file": upload(name, data)})

    assert response.status_code == 302
    source = Source.objects.get(debate=debate)
    assert source.text == ARTICLE
    assert source.text_sha256 == text_sha256(ARTICLE)


BAD_UPLOADS = {
    "binary": (
        "article.txt",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        "The file looks binary, not text.",
    ),
    "empty": ("article.txt", b"", "The file is empty."),
    "blank": ("article.md", b" \n\t\n", "The file is empty."),
    "too-big": ("article.txt", b"a" * (UPLOAD_MAX_BYTES + 1), "The file is larger than 2 MB."),
    "latin-1": (
        "article.txt",
        "Déclaration de Vilnius, résumé.".encode("latin-1"),
        "The file is not UTF-8 text. Save it as UTF-8 and upload it again.",
    ),
    "pdf": ("article.pdf", b"%PDF-1.7 text", "Upload a .txt or .md file."),
    "docx": ("article.docx", ARTICLE.encode(), "Upload a .txt or .md file."),
    "no-extension": ("article", ARTICLE.encode(), "Upload a .txt or .md file."),
}


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_bad_upload_is_refused_with_a_clear_message_and_creates_nothing(debate, moderator, case):
    name, data, message = BAD_UPLOADS[case]
    before = rows_of()

    response = client_as(moderator).post(manage(debate), {**METADATA, "file": upload(name, data)})

    assert response.status_code == 422
    assert f'<p class="form-error" role="alert">{escape(message)}</p>' in (
        response.content.decode()
    )
    assert rows_of() == before


def test_a_large_text_file_under_the_limit_is_accepted(debate, moderator):
    data = (b"word " * 400_000)[:1_999_999]
    response = client_as(moderator).post(
        manage(debate), {**METADATA, "file": upload("big.txt", data)}
    )
    assert response.status_code == 302
    assert len(Source.objects.get(debate=debate).text) == 1_999_999


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ARTICLE, "file": "BOTH"}, "Paste the text or upload a file, not both."),
        ({"text": "  \n "}, "The source text is empty."),
        ({"text": ARTICLE, "published_on": "23/05/2024"}, "Give the date as YYYY-MM-DD."),
        ({"text": ARTICLE, "title": ""}, "A source needs a title."),
    ],
    ids=["paste-and-file", "empty-paste", "bad-date", "no-title"],
)
def test_bad_source_form_is_refused_and_creates_nothing(debate, moderator, data, message):
    if data.get("file") == "BOTH":
        data = {**data, "file": upload("a.txt", ARTICLE.encode())}
    before = rows_of()
    response = client_as(moderator).post(manage(debate), {**METADATA, **data})
    assert response.status_code == 422
    assert escape(message) in response.content.decode()
    assert rows_of() == before


def test_refused_source_form_keeps_what_the_moderator_typed(debate, moderator):
    response = client_as(moderator).post(
        manage(debate), {**METADATA, "text": ARTICLE, "published_on": "23/05/2024"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert f'value="{escape(METADATA["title"])}"' in html
    assert escape(ARTICLE.strip().splitlines()[0]) in html


# --- revisions -----------------------------------------------------------------------------------

CORRECTED = "Ukraine’s allies have signed ten bilateral security agreements so far.\n"


@pytest.fixture
def cited(source, debate, position_now, debater_now, moderator):
    """Approved, cited evidence on revision 1 of the source."""
    evidence, _ = evidence_propose(
        actor=debater_now, source=source, quote="nine bilateral security agreements"
    )
    Evidence.objects.filter(pk=evidence.pk).update(status=EvidenceStatus.APPROVED)
    CitationFactory(claim=ClaimFactory(debate=debate, position=position_now), evidence=evidence)
    evidence.refresh_from_db()
    return evidence


def revise(debate, moderator, source, text=CORRECTED):
    return client_as(moderator).post(
        manage(debate), {"action": "revise", "source": source.pk, "text": text}
    )


def test_correcting_a_cited_source_makes_revision_two_and_keeps_revision_one(
    debate, moderator, source, cited
):
    text, sha = source.text, source.text_sha256

    response = revise(debate, moderator, source)

    revision = Source.objects.get(previous=source)
    assert response.status_code == 302
    assert response["Location"] == reverse("source", args=[debate.slug, revision.pk])
    assert (revision.revision, revision.text, revision.title) == (2, CORRECTED, source.title)
    assert revision.text_sha256 == text_sha256(CORRECTED)
    source.refresh_from_db()
    assert (source.text, source.text_sha256, source.revision) == (text, sha, 1)
    cited.refresh_from_db()
    assert cited.source_id == source.pk
    assert source.text[cited.start : cited.end] == cited.quote
    event = AuditEvent.objects.get(action="source.revise")
    assert event.object_id == revision.pk and event.after["previous_id"] == source.pk


def test_reader_says_which_revision_it_shows(debate, moderator, source, cited, observer):
    revise(debate, moderator, source)
    revision = Source.objects.get(previous=source)
    client = client_as(observer)

    old = client.get(reverse("source", args=[debate.slug, source.pk])).content.decode()
    new = client.get(reverse("source", args=[debate.slug, revision.pk])).content.decode()

    assert "You are reading <strong>revision 1</strong> of 2" in old
    assert "<strong>A newer revision exists.</strong>" in old
    assert "verified against revision 1 and stays linked to it" in old
    assert f'id="evidence-{cited.pk}"' in old
    assert reverse("source", args=[debate.slug, revision.pk]) in old
    assert "You are reading <strong>revision 2</strong> of 2" in new
    assert "A newer revision exists" not in new
    assert f'id="evidence-{cited.pk}"' not in new


def test_an_old_revision_cannot_be_corrected_again_nor_take_new_evidence(
    debate, moderator, debater_now, source, cited
):
    revise(debate, moderator, source)
    before = rows_of()

    again = revise(debate, moderator, source, text="Another correction.\n")
    proposal = client_as(debater_now).post(
        reverse("evidence-propose", args=[debate.slug, source.pk]),
        {"quote": "Critics want the war to end first."},
        HTTP_HX_REQUEST="true",
    )

    assert again.status_code == 422
    assert proposal.status_code == 422
    assert "A newer revision of this source exists" in proposal.content.decode()
    assert rows_of() == before


@pytest.mark.parametrize("text", [None, "   ", ""], ids=["unchanged", "blank", "empty"])
def test_refused_revision_changes_nothing(debate, moderator, source, text):
    before = rows_of()
    response = revise(debate, moderator, source, text=source.text if text is None else text)
    assert response.status_code == 422
    assert rows_of() == before


def test_manage_page_offers_a_correction_form_for_each_source(debate, moderator, source):
    html = client_as(moderator).get(manage(debate)).content.decode()
    assert 'name="action" value="revise"' in html


def test_refused_revision_says_why(debate, moderator, source):
    response = revise(debate, moderator, source, text=source.text)
    assert "The corrected text is the same as the current one." in response.content.decode()


def test_unrelated_sources_with_the_same_title_are_not_revisions(debate, observer):
    first = SourceFactory(debate=debate, title="Editorial", text="The first editorial.\n")
    SourceFactory(debate=debate, title="Editorial", text="A different editorial.\n")

    html = client_as(observer).get(reverse("source", args=[debate.slug, first.pk])).content
    assert b"A newer revision exists" not in html
    assert b"You are reading <strong>revision 1</strong> of" not in html


# --- cloning -------------------------------------------------------------------------------------


@pytest.fixture
def template(
    debate, source, moderator, debater_now, debater_after, observer, position_now, team_now
):
    """The fixture debate, filled in: evidence in every state, claims, citations and votes."""
    grant_create(moderator)
    start = source.text.index("“a temporary recourse”")
    approved = EvidenceFactory(source=source, start=start, end=start + 22)
    proposed = EvidenceFactory(source=source, start=0, end=10, status=EvidenceStatus.PROPOSED)
    rejected = EvidenceFactory(source=source, start=11, end=20, status=EvidenceStatus.REJECTED)
    hidden = EvidenceFactory(source=source, start=21, end=30, is_hidden=True)
    claim = ClaimFactory(debate=debate, position=position_now, author=debater_now, team=team_now)
    CitationFactory(claim=claim, evidence=approved)
    VoteFactory(user=observer, claim=claim)
    return {"approved": approved, "left_out": [proposed, rejected, hidden], "claim": claim}


def clone(debate, moderator, title="Ukraine and NATO, seminar B"):
    return client_as(moderator).post(manage(debate), {"action": "clone", "title": title})


def test_clone_brings_positions_teams_sources_and_approved_evidence(
    debate, moderator, source, template
):
    response = clone(debate, moderator)

    copy = Debate.objects.get(title="Ukraine and NATO, seminar B")
    assert response.status_code == 302
    assert response["Location"] == manage(copy)
    assert copy.phase == Phase.SETUP and copy.motion == debate.motion
    assert list(copy.positions.values_list("key", "title", "order")) == list(
        debate.positions.values_list("key", "title", "order")
    )
    teams = {t.name: t.position.key for t in copy.teams.select_related("position")}
    assert teams == {"Team Now": "now", "Team After": "after"}
    assert all(t.position.debate_id == copy.pk for t in copy.teams.select_related("position"))
    copied = Source.objects.get(debate=copy)
    assert (copied.title, copied.text_sha256, copied.publication) == (
        source.title, source.text_sha256, source.publication
    )  # fmt: skip
    evidence = Evidence.objects.get(debate=copy)
    original = template["approved"]
    assert (evidence.source_id, evidence.start, evidence.end, evidence.quote) == (
        copied.pk, original.start, original.end, original.quote
    )  # fmt: skip
    assert evidence.status == EvidenceStatus.APPROVED and not evidence.is_hidden
    assert AuditEvent.objects.get(action="debate.clone").after == {"cloned_from": debate.slug}


def test_clone_leaves_claims_votes_members_and_other_evidence_behind(debate, moderator, template):
    clone(debate, moderator)

    copy = Debate.objects.get(title="Ukraine and NATO, seminar B")
    assert not Claim.objects.filter(debate=copy).exists()
    assert not Vote.objects.filter(claim__debate=copy).exists()
    assert not Citation.objects.filter(claim__debate=copy).exists()
    assert list(copy.memberships.values_list("user__username", "role")) == [
        ("moderator", Role.MODERATOR)
    ]
    left_out = {e.quote for e in template["left_out"]}
    assert not Evidence.objects.filter(debate=copy, quote__in=left_out).exists()
    assert Evidence.objects.filter(debate=copy).count() == 1
    # The template itself is untouched.
    assert Claim.objects.filter(debate=debate).count() == 1
    assert Evidence.objects.filter(debate=debate).count() == 4


def test_clone_gets_new_invite_codes(debate, moderator, template):
    old = set(debate.teams.values_list("invite_code", flat=True))

    clone(debate, moderator)

    copy = Debate.objects.get(title="Ukraine and NATO, seminar B")
    new = set(copy.teams.values_list("invite_code", flat=True))
    assert len(new) == 2
    assert not new & old


def test_clone_takes_the_latest_revision_of_each_source(debate, moderator, source, template):
    source_revise(actor=moderator, source=source, text=source.text + "A late correction.\n")

    clone(debate, moderator)

    copy = Debate.objects.get(title="Ukraine and NATO, seminar B")
    copied = Source.objects.get(debate=copy)
    assert copied.text.endswith("A late correction.\n")
    assert copied.revision == 1


def test_clone_with_a_taken_title_is_refused(debate, moderator, template):
    clone(debate, moderator)
    before = rows_of()
    response = clone(debate, moderator)
    assert response.status_code == 422
    assert "A debate with this slug exists already." in response.content.decode()
    assert rows_of() == before


def test_moderator_without_the_create_permission_cannot_clone(debate, moderator, source):
    before = rows_of()
    response = clone(debate, moderator)
    assert response.status_code == 403
    assert NOT_ALLOWED in response.content.decode()
    assert rows_of() == before


def test_non_moderator_with_the_create_permission_cannot_clone(debate, creator):
    before = rows_of()
    response = clone(debate, creator)
    assert response.status_code == 404
    assert rows_of() == before
