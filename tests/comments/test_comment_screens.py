"""Comments through the boundaries people touch: the claim page and its htmx posts (with and
without JavaScript), CSRF, the page's query count, the API and the events feed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from debate.comments import services
from debate.comments.models import Comment
from tests.factories import ClaimFactory
from tests.helpers import client_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    world.claim = ClaimFactory(debate=world.debate, position=world.position_now,
                               author=world.debater_now, team=world.team_now,
                               text="Talks now deter Russia.")  # fmt: skip
    world.add_url = reverse("comment-add", args=[world.debate.slug, world.claim.pk])
    world.claim_url = reverse("claim", args=[world.debate.slug, world.claim.pk])
    return world


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def comments_api(world) -> str:
    return f"/api/v1/debates/{world.debate.slug}/claims/{world.claim.pk}/comments/"


# --- pages ---------------------------------------------------------------------------------


def test_the_claim_page_has_the_comments_section_and_form(world):
    html = client_as(world.observer).get(world.claim_url).content.decode()

    assert 'id="comments"' in html and "Comments (0)" in html
    assert f'hx-post="{world.add_url}"' in html and "@username" in html


def test_an_htmx_post_returns_the_thread_with_the_new_comment(world):
    response = client_as(world.observer).post(
        world.add_url, {"kind": "source_request", "text": "Source, @debater-now?"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    html = response.content.decode()
    comment = Comment.objects.get()

    assert response.status_code == 200 and "<html" not in html
    assert f'id="comment-{comment.pk}"' in html and "Comments (1)" in html
    assert '<mark class="mention">@debater-now</mark>' in html
    assert "Request for a source" in html


def test_without_javascript_a_post_redirects_back_to_the_comment(world):
    response = client_as(world.observer).post(world.add_url, {"kind": "question", "text": "Why?"})

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{world.claim_url}#comment-{comment.pk}"


@pytest.mark.parametrize("htmx", [True, False])
def test_a_refused_comment_is_a_422_with_the_draft_kept_under_its_field(world, htmx):
    draft = "Too long " + "x" * 2000
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client_as(world.observer).post(world.add_url, {"kind": "question", "text": draft},
                                              **headers)  # fmt: skip
    html = response.content.decode()

    assert response.status_code == 422 and not Comment.objects.exists()
    assert draft in html and 'id="comment-text-error"' in html and "Remove 9 characters" in html


def test_an_unknown_kind_is_a_422_under_the_kind(world):
    response = client_as(world.observer).post(world.add_url, {"kind": "rant", "text": "Hi"})

    assert response.status_code == 422 and 'id="comment-kind-error"' in response.content.decode()


def test_a_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.observer)
    response = client.post(world.add_url, {"kind": "question", "text": "Why?"})

    assert response.status_code == 403 and not Comment.objects.exists()


def test_a_visitor_cannot_post(world):
    response = Client().post(world.add_url, {"kind": "question", "text": "Why?"})

    assert response.status_code == 403 and not Comment.objects.exists()


def test_a_moderator_hides_through_the_page_and_others_see_the_placeholder(world):
    comment = services.comment_add(actor=world.observer, claim=world.claim, kind="question",
                                   text="Something rude")  # fmt: skip
    url = reverse("comment-hide", args=[world.debate.slug, world.claim.pk, comment.pk])
    refused = client_as(world.moderator).post(url, {"reason": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and "Say why" in refused.content.decode()

    client_as(world.moderator).post(url, {"reason": "Rude"}, HTTP_HX_REQUEST="true")
    html = client_as(world.debater_now).get(world.claim_url).content.decode()
    assert "A comment was hidden by a moderator" in html and "Something rude" not in html
    moderator_html = client_as(world.moderator).get(world.claim_url).content.decode()
    assert "Something rude" in moderator_html and "Rude" in moderator_html
    assert "comment--hidden" in moderator_html


def test_only_the_author_sees_the_edit_form(world):
    services.comment_add(actor=world.observer, claim=world.claim, kind="question", text="Why?")

    assert "comment-edit" in client_as(world.observer).get(world.claim_url).content.decode()
    assert "comment-edit" not in client_as(world.moderator).get(world.claim_url).content.decode()


def claim_page_queries(world, client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(world.claim_url).status_code == 200
    return len(queries)


def test_the_claim_pages_queries_do_not_grow_with_its_comments(world):
    client = client_as(world.observer)
    services.comment_add(actor=world.moderator, claim=world.claim, kind="question", text="One")
    claim_page_queries(world, client)  # warm the map cache
    one = claim_page_queries(world, client)
    Comment.objects.bulk_create([
        Comment(debate=world.debate, claim=world.claim, kind="clarification", text=f"@x {i}",
                author=(world.debater_now, world.debater_after, world.observer)[i % 3],
                is_hidden=i % 7 == 0)
        for i in range(49)
    ])  # fmt: skip
    client.get(world.claim_url)  # warm again (the version did not move: bulk_create)
    assert claim_page_queries(world, client) == one


# --- the API -------------------------------------------------------------------------------


def test_the_api_adds_lists_and_deduplicates(world):
    body = {"kind": "clarification", "text": "Meaning NATO 2028?"}
    first = api(world.observer).post(comments_api(world), body, format="json")
    second = api(world.observer).post(comments_api(world), body, format="json")

    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"] and Comment.objects.count() == 1
    listed = api().get(comments_api(world)).json()
    assert [c["text"] for c in listed] == ["Meaning NATO 2028?"]
    assert listed[0]["author"] == "observer" and listed[0]["author_id"] == world.observer.pk


def test_the_api_refuses_bad_input_in_the_error_shape(world):
    response = api(world.observer).post(comments_api(world), {"kind": "x", "text": ""},
                                        format="json")  # fmt: skip

    assert response.status_code == 400 and set(response.json()["error"]["fields"]) >= {"kind"}
    assert not Comment.objects.exists()


def test_the_api_edit_with_a_stale_version_is_a_409(world):
    comment = services.comment_add(actor=world.observer, claim=world.claim, kind="question",
                                   text="First")  # fmt: skip
    url = f"/api/v1/debates/{world.debate.slug}/comments/{comment.pk}/"
    ok = api(world.observer).patch(url, {"text": "Second", "version": 1}, format="json")
    stale = api(world.observer).patch(url, {"text": "Third", "version": 1}, format="json")

    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    assert Comment.objects.get().text == "Second"


def test_the_api_hides_and_restores_for_moderators_only(world):
    comment = services.comment_add(actor=world.observer, claim=world.claim, kind="question",
                                   text="Hmm")  # fmt: skip
    base = f"/api/v1/debates/{world.debate.slug}/comments/{comment.pk}"

    assert api(world.debater_now).post(f"{base}/hide/", {"reason": "x"}, format="json"
                                       ).status_code == 403  # fmt: skip
    hidden = api(world.moderator).post(f"{base}/hide/", {"reason": "Off topic"}, format="json")
    assert hidden.status_code == 200 and hidden.json()["hidden_reason"] == "Off topic"
    placeholder = api(world.debater_now).get(f"{base}/").json()
    assert placeholder["placeholder"] and placeholder["text"] == ""
    assert placeholder["author"] is None
    restored = api(world.moderator).post(f"{base}/restore/", {}, format="json")
    assert restored.status_code == 200 and not restored.json()["is_hidden"]


def test_in_an_anonymous_debate_the_api_names_by_pseudonym_only(world):
    world.debate.anonymous = True
    world.debate.save(update_fields=["anonymous"])
    services.comment_add(actor=world.observer, claim=world.claim, kind="question", text="Hi")

    [row] = api(world.debater_now).get(comments_api(world)).json()
    assert row["author"].startswith("Participant ") and row["author_id"] is None
    assert row["author_pseudonym"] is None
    [row] = api(world.moderator).get(comments_api(world)).json()
    assert row["author"].startswith("observer (Participant ")
    assert row["author_pseudonym"].startswith("Participant ")


# --- the events feed -----------------------------------------------------------------------


def comment_events(world, user):
    rows = api(user).get(f"/api/v1/debates/{world.debate.slug}/events/").json()["results"]
    return [row for row in rows if row["object_type"] == "comments.comment"]


def test_comment_events_show_while_the_comment_is_shown(world):
    comment = services.comment_add(actor=world.observer, claim=world.claim, kind="question",
                                   text="Visible words")  # fmt: skip
    [event] = comment_events(world, world.debater_now)
    assert event["action"] == "comment.add" and event["after"]["text"] == "Visible words"

    services.comment_hide(actor=world.moderator, comment=comment, reason="x")
    events = comment_events(world, world.debater_now)
    assert [e["action"] for e in events] == ["comment.add", "comment.hide"]
    assert all(e["after"] is None and e["actor"] is None for e in events)
    assert comment_events(world, world.moderator)[0]["after"]["text"] == "Visible words"


def test_comment_events_of_a_hidden_claim_are_withheld(world):
    services.comment_add(actor=world.moderator, claim=world.claim, kind="question",
                         text="On a claim hidden later")  # fmt: skip
    world.claim.is_hidden = True
    world.claim.save(update_fields=["is_hidden"])

    assert comment_events(world, world.observer)[0]["after"] is None
