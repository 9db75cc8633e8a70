"""The "Freeze a snapshot" button and the diff pages: the API's diff, drawn as HTML."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from debate.arguments import services as claim_services
from debate.audit.models import AuditEvent
from debate.audit.services import debate_version_bump
from debate.debates.models import Debate, Phase, StandingsFrom
from debate.errors import Conflict
from debate.snapshots.models import Snapshot
from debate.snapshots.services import snapshot_take
from tests.api.helpers import session_client, url
from tests.factories import ClaimFactory, VoteFactory
from tests.helpers import client_as

pytestmark = pytest.mark.django_db

SLUG = "ukraine-nato"
FREEZE = reverse("snapshot-freeze", args=[SLUG])
HX = {"HTTP_HX_REQUEST": "true"}


def numbers(debate) -> list[int]:
    return list(Snapshot.objects.filter(debate=debate).values_list("number", flat=True))


# --- freezing ---------------------------------------------------------------------------------


def test_moderator_freezes_by_button_and_is_sent_back_to_the_page(snap_world):
    client = client_as(snap_world.moderator)

    response = client.post(FREEZE, {"seen": "0"})

    assert response.status_code == 302
    assert response["Location"] == reverse("debate-exports", args=[SLUG])
    assert numbers(snap_world.debate) == [1]
    assert AuditEvent.objects.filter(action="snapshot.take").count() == 1
    page = client.get(response["Location"])
    assert "Snapshot 1 is frozen." in page.content.decode()
    assert 'name="seen" value="1"' in page.content.decode()


def test_htmx_freeze_returns_the_frozen_versions_region_only(snap_world):
    response = client_as(snap_world.moderator).post(FREEZE, {"seen": "0"}, **HX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="panel" id="frozen-versions"')
    assert "<html" not in html
    assert "Snapshot 1 is frozen." in html and 'id="snapshot-1"' in html


@pytest.mark.parametrize("htmx", [False, True])
def test_a_double_click_freezes_once_and_the_second_is_refused_clearly(snap_world, htmx):
    client = client_as(snap_world.moderator)
    headers = HX if htmx else {}

    first = client.post(FREEZE, {"seen": "0"}, **headers)
    second = client.post(FREEZE, {"seen": "0"}, **headers)

    assert first.status_code in (200, 302)
    assert second.status_code == 409
    assert "Snapshot 1 was frozen a moment ago" in second.content.decode()
    assert numbers(snap_world.debate) == [1]
    # The refusal's page carries the new number: the next click freezes snapshot 2.
    assert 'name="seen" value="1"' in second.content.decode()
    assert client.post(FREEZE, {"seen": "1"}).status_code == 302
    assert numbers(snap_world.debate) == [1, 2]


@pytest.mark.parametrize("role", ["debater_now", "observer", "outsider"])
def test_non_moderators_cannot_freeze(snap_world, role):
    response = client_as(getattr(snap_world, role)).post(FREEZE, {"seen": "0"})

    assert response.status_code == 403
    assert "Only moderators freeze snapshots." in response.content.decode()
    assert "Freeze a snapshot" not in response.content.decode()
    assert numbers(snap_world.debate) == []


def test_anonymous_freeze_is_refused(snap_world):
    assert client_as(None).post(FREEZE, {"seen": "0"}).status_code == 403
    assert numbers(snap_world.debate) == []


def test_freeze_of_a_private_debate_is_404_for_outsiders(snap_world):
    snap_world.debate.is_public = False
    snap_world.debate.save(update_fields=["is_public"])

    assert client_as(snap_world.outsider).post(FREEZE, {"seen": "0"}).status_code == 404
    assert numbers(snap_world.debate) == []


@pytest.mark.parametrize("seen", ["", "²", "-1", "x" * 1000])
def test_a_malformed_freeze_is_refused_and_freezes_nothing(snap_world, seen):
    response = client_as(snap_world.moderator).post(FREEZE, {"seen": seen})

    assert response.status_code == 422
    assert "x" * 100 not in response.content.decode()
    assert numbers(snap_world.debate) == []


def test_the_button_needs_its_csrf_token(snap_world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(snap_world.moderator)

    assert client.post(FREEZE, {"seen": "0"}).status_code == 403
    assert numbers(snap_world.debate) == []


def test_closed_debate_is_frozen_as_the_service_allows(snap_world):
    """snapshot_take only reads the debate, so a closed debate may be frozen again."""
    snap_world.debate.phase = Phase.CLOSED
    snap_world.debate.save(update_fields=["phase"])

    assert client_as(snap_world.moderator).post(FREEZE, {"seen": "0"}).status_code == 302
    assert numbers(snap_world.debate) == [1]


def test_the_results_page_links_to_the_exports_page_not_the_api(snap_world):
    html = client_as(snap_world.observer).get(reverse("debate-results", args=[SLUG])).content

    assert b"through the API" not in html
    assert reverse("debate-exports", args=[SLUG]).encode() in html


def test_the_debate_page_toolbar_links_to_exports_and_summary(snap_world):
    html = client_as(None).get(reverse("debate", args=[SLUG])).content.decode()

    assert f'href="{reverse("debate-exports", args=[SLUG])}">Exports</a>' in html
    assert f'href="{reverse("debate-summary", args=[SLUG])}">Printable summary</a>' in html


# --- diffs ----------------------------------------------------------------------------------


@pytest.fixture
def two_snapshots(snap_world):
    """Snapshot 1; then a new claim, an edit, a vote; snapshot 2."""
    w = snap_world
    snapshot_take(actor=w.moderator, debate=w.debate)
    w.added = ClaimFactory(parent=w.claim, stance="pro", author=w.own, team=w.team_now,
                           text="Added <script>alert(1)</script> 🇺🇦 עברית")  # fmt: skip
    claim_services.claim_edit(actor=w.debater_after, claim=w.rebuttal,
                              text="Talks during a war invite escalation, say critics.",
                              version=w.rebuttal.version)  # fmt: skip
    VoteFactory(user=w.debater_now, claim=w.rebuttal, value=4)
    debate_version_bump(w.debate.pk)
    snapshot_take(actor=w.moderator, debate=w.debate)
    return w


def test_diff_page_shows_added_changed_claims_votes_and_strengths(two_snapshots):
    w = two_snapshots
    response = client_as(w.observer).get(reverse("snapshot-diff", args=[SLUG, 1, 2]))

    html = response.content.decode()
    assert response.status_code == 200
    assert f"<strong>#{w.added.pk}</strong>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 🇺🇦 עברית" in html
    assert "<script>alert(1)" not in html
    assert "<del>Talks during a war invite escalation.</del>" in html
    assert "<ins>Talks during a war invite escalation, say critics.</ins>" in html
    assert "Votes on each claim" in html
    assert "Strengths that moved" in html


def test_diff_page_lists_what_the_apis_diff_returns(two_snapshots):
    w = two_snapshots
    api = session_client(w.observer).get(url("snapshots/1/diff/2/")).json()
    html = client_as(w.observer).get(reverse("snapshot-diff", args=[SLUG, 1, 2])).content.decode()

    for row in api["claims_added"]:
        assert f"<strong>#{row['id']}</strong>" in html
    for row in api["claims_changed"]:
        assert f"<strong>#{row['id']}</strong>" in html
    for row in api["votes_changed"]:
        assert f"#{row['claim_id']}" in html
    assert html.count("<tr><th scope=\"row\">claim #") + html.count("position “") >= len(
        api["strength_changed"])  # fmt: skip


def test_diff_to_live_shows_changes_since_the_snapshot(two_snapshots):
    w = two_snapshots
    later = ClaimFactory(parent=w.claim, stance="con", author=w.other, team=w.team_after,
                         text="A claim after the last snapshot.")  # fmt: skip
    debate_version_bump(w.debate.pk)

    response = client_as(w.observer).get(reverse("snapshot-diff-live", args=[SLUG, 2]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "to the live debate" in html
    assert f"<strong>#{later.pk}</strong>" in html


def test_an_unchanged_diff_says_so(snap_world):
    snapshot_take(actor=snap_world.moderator, debate=snap_world.debate)

    html = client_as(None).get(reverse("snapshot-diff", args=[SLUG, 1, 1])).content.decode()

    assert "Nothing changed that you may see." in html


def test_a_claim_hidden_since_is_not_in_the_publics_diff(two_snapshots):
    w = two_snapshots
    claim_services.claim_hide(actor=w.moderator, claim=w.added, reason="Spam")

    public = client_as(None).get(reverse("snapshot-diff", args=[SLUG, 1, 2])).content.decode()
    moderators = client_as(w.moderator).get(reverse("snapshot-diff", args=[SLUG, 1, 2]))

    assert "alert(1)" not in public
    assert "alert(1)" in moderators.content.decode()


def test_strengths_withheld_from_the_viewer_are_not_in_the_diff(two_snapshots):
    w = two_snapshots
    Debate.objects.filter(pk=w.debate.pk).update(standings_from=StandingsFrom.VOTING)
    diff = reverse("snapshot-diff", args=[SLUG, 1, 2])

    debaters = client_as(w.debater_now).get(diff).content.decode()
    moderators = client_as(w.moderator).get(diff).content.decode()

    assert session_client(w.debater_now).get(url("snapshots/1/diff/2/")).json()[
        "strength_changed"] == []  # fmt: skip
    assert "Strengths that moved" not in debaters
    assert "Strengths that moved" in moderators


@pytest.mark.parametrize("path", [
    f"/d/{SLUG}/snapshots/7/diff/live/", f"/d/{SLUG}/snapshots/1/diff/7/",
    f"/d/{SLUG}/snapshots/99999999999999999999/diff/1/",
])  # fmt: skip
def test_a_diff_of_a_snapshot_that_does_not_exist_is_a_404_saying_so(snap_world, path):
    snapshot_take(actor=snap_world.moderator, debate=snap_world.debate)

    response = client_as(None).get(path)

    assert response.status_code == 404
    assert "There is no snapshot" in response.content.decode()


def test_the_compare_form_goes_to_the_diffs_address(two_snapshots):
    client = client_as(None)
    pick = reverse("snapshot-diff-pick", args=[SLUG])

    to_two = client.get(pick, {"a": "1", "b": "2"})
    to_live = client.get(pick, {"a": "2", "b": "live"})

    assert to_two.status_code == 302 and to_two["Location"] == reverse(
        "snapshot-diff", args=[SLUG, 1, 2])  # fmt: skip
    assert to_live["Location"] == reverse("snapshot-diff-live", args=[SLUG, 2])


@pytest.mark.parametrize(("query", "words"), [
    ({"a": "²", "b": "1"}, "A snapshot's number is a whole number"),
    ({"a": "1", "b": "later"}, "A snapshot's number is a whole number"),
    ({"b": "1"}, "Choose the snapshot to compare from."),
    ({"a": "1"}, "Choose what to compare it with"),
    ({"a": "1", "b": "9" * 25}, "A snapshot's number is a whole number"),
    ({"a": "9" * 12, "b": "1"}, "No snapshot has a number that large."),
])  # fmt: skip
def test_a_bad_compare_form_is_a_400_with_a_clear_message(two_snapshots, query, words):
    response = client_as(None).get(reverse("snapshot-diff-pick", args=[SLUG]), query)

    assert response.status_code == 400
    assert escape(words) in response.content.decode()


def test_snapshot_take_refuses_a_stale_seen_number_and_freezes_nothing(snap_world):
    snapshot_take(actor=snap_world.moderator, debate=snap_world.debate, seen=0)

    with pytest.raises(Conflict, match="Snapshot 1 was frozen a moment ago"):
        snapshot_take(actor=snap_world.moderator, debate=snap_world.debate, seen=0)

    assert numbers(snap_world.debate) == [1]
    assert AuditEvent.objects.filter(action="snapshot.take").count() == 1


def test_snapshot_take_without_seen_freezes_an_unchanged_debate_again(snap_world):
    """The API's POST …/snapshots/ keeps its meaning: each call freezes the next number."""
    first = snapshot_take(actor=snap_world.moderator, debate=snap_world.debate)
    second = snapshot_take(actor=snap_world.moderator, debate=snap_world.debate)

    assert (first.number, second.number) == (1, 2)
    assert first.content_hash == second.content_hash
