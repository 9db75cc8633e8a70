"""What a moderator sees of what waits: the header's "To review" link, the debate page's
banner, the activity page's "Waiting for you" list and its digest switches."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debate.activity.models import DigestSubscription
from debate.audit.models import AuditEvent
from debate.debates.models import Phase
from tests.activity.alerts import flagged, moderated_debate, proposed
from tests.factories import DebateFactory, UserFactory
from tests.helpers import client_as

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
ACTIVITY_QUERIES = 6
HOSTILE = "<script>alert(1)</script> ‏مرحبا‏ 🇺🇦 “quoted”"


@pytest.fixture
def waiting(debate, debater_now):
    """Three proposals and one flag wait in the shared debate."""
    proposed(debate, 3)
    flagged(debate, 1, reporter=debater_now)
    return debate


def page(user, url: str, **extra) -> str:
    response = client_as(user).get(url, **extra)
    assert response.status_code == 200
    return response.content.decode()


# --- the header ----------------------------------------------------------------------------


def test_the_header_counts_what_waits_and_links_to_the_one_queue(waiting, moderator):
    html = page(moderator, reverse("home"))
    queue = reverse("moderation-queue", args=[waiting.slug])
    assert f'<a class="review-link" href="{queue}">To review <span class="count">4' in html


def test_with_two_debates_waiting_the_header_links_to_the_activity_page(waiting, moderator):
    proposed(moderated_debate(moderator), 2)
    html = page(moderator, reverse("home"))
    assert f'<a class="review-link" href="{reverse("activity")}#waiting">To review' in html
    assert '<span class="count">6<span class="visually-hidden"> waiting' in html


def test_an_emptied_queue_leaves_the_link_without_a_count(debate, moderator):
    html = page(moderator, reverse("home"))
    assert "To review</a>" in html


@pytest.mark.parametrize("who", ["debater_now", "observer", "outsider"])
def test_nobody_else_has_the_link(waiting, request, who):
    html = page(request.getfixturevalue(who), reverse("home"))
    assert "review-link" not in html


def test_signed_out_visitors_have_no_link(waiting):
    assert "review-link" not in Client().get(reverse("home")).content.decode()


def test_a_fragment_pays_nothing_for_the_badge(waiting, moderator):
    url = reverse("debate-live", args=[waiting.slug]) + "?since=0"
    with CaptureQueriesContext(connection) as captured:
        response = client_as(moderator).get(url, **HX)
    assert response.status_code in (200, 204) and b"review-link" not in response.content
    assert not [q for q in captured if "sources_evidence" in q["sql"] and "COUNT" in q["sql"]]
    with CaptureQueriesContext(connection) as captured:
        client_as(moderator).get(reverse("home"))
    assert [q for q in captured if "sources_evidence" in q["sql"] and "COUNT" in q["sql"]]


# --- the debate page's banner --------------------------------------------------------------


def test_moderators_see_the_banner_with_counts_and_a_review_link(waiting, moderator):
    html = page(moderator, reverse("debate", args=[waiting.slug]))
    queue = reverse("moderation-queue", args=[waiting.slug])
    assert "3 evidence proposals and 1 flag wait</span> · " in html
    assert f'<a href="{queue}">Review</a>' in html


def test_the_banner_speaks_in_the_singular(debate, moderator):
    proposed(debate, 1)
    html = page(moderator, reverse("debate", args=[debate.slug]))
    assert "1 evidence proposal waits</span>" in html


def test_no_banner_when_nothing_waits_or_the_debate_is_closed(debate, moderator):
    assert "pending-banner" not in page(moderator, reverse("debate", args=[debate.slug]))
    proposed(debate, 1)
    debate.phase = Phase.CLOSED
    debate.save()
    assert "pending-banner" not in page(moderator, reverse("debate", args=[debate.slug]))


@pytest.mark.parametrize("who", ["debater_now", "debater_after", "observer", "outsider"])
def test_nobody_else_sees_the_banner(waiting, request, who):
    html = page(request.getfixturevalue(who), reverse("debate", args=[waiting.slug]))
    assert "pending-banner" not in html and "wait for review" not in html


def test_the_cached_visitors_page_never_carries_the_banner(waiting, moderator):
    url = reverse("debate", args=[waiting.slug])
    # A moderator renders first, then visitors: the one the cache keeps is the visitors'.
    assert "pending-banner" in page(moderator, url)
    for _ in range(2):
        html = Client().get(url).content.decode()
        assert "pending-banner" not in html and "evidence proposals" not in html
    assert "pending-banner" in page(moderator, url)


# --- the activity page ---------------------------------------------------------------------


def test_the_activity_page_lists_what_waits_per_debate(waiting, moderator):
    quiet = moderated_debate(moderator, title=HOSTILE)
    closed = moderated_debate(moderator, phase=Phase.CLOSED)
    proposed(closed, 2)

    html = page(moderator, reverse("activity"))
    assert 'id="waiting"' in html
    assert "3 evidence proposals and 1 flag wait · " in html
    assert reverse("moderation-queue", args=[waiting.slug]) in html
    assert "Nothing waits for review." in html
    assert "Closed: nothing can be reviewed until it is reopened." in html
    assert reverse("moderation-queue", args=[closed.slug]) not in html
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert reverse("activity-digest", args=[quiet.slug]) in html


@pytest.mark.parametrize("who", ["debater_now", "observer", "outsider"])
def test_others_have_no_waiting_list(waiting, request, who):
    assert 'id="waiting"' not in page(request.getfixturevalue(who), reverse("activity"))


@pytest.mark.parametrize("debates", [1, 5])
def test_the_activity_page_takes_the_same_queries_for_any_number_of_debates(
    moderator, debater_now, debates, django_assert_num_queries
):
    for _ in range(debates):
        other = moderated_debate(moderator)
        proposed(other, 2)
        flagged(other, 2, reporter=debater_now)
    client = client_as(moderator)
    client.get(reverse("activity"))  # the session's first queries
    # session, user, notices, the waiting list, the header's unread count, its badge
    with django_assert_num_queries(ACTIVITY_QUERIES):
        assert client.get(reverse("activity")).status_code == 200


# --- the digest switch ---------------------------------------------------------------------


def digest(user, debate, state: str, **extra):
    return client_as(user).post(
        reverse("activity-digest", args=[debate.slug]), {"digest": state}, **extra
    )


def test_a_moderator_switches_the_digest_on_and_off(debate, moderator):
    response = digest(moderator, debate, "on")
    assert response.status_code == 302 and response["Location"] == reverse("activity")
    assert DigestSubscription.objects.filter(user=moderator, debate=debate).exists()
    assert "Daily email digest: on" in page(moderator, reverse("activity"))

    assert digest(moderator, debate, "off").status_code == 302
    assert not DigestSubscription.objects.exists()
    actions = list(AuditEvent.objects.filter(actor=moderator).values_list("action", flat=True))
    assert actions[-2:] == ["digest.subscribe", "digest.unsubscribe"]


def test_switching_twice_records_once(debate, moderator):
    digest(moderator, debate, "on")
    digest(moderator, debate, "on")
    assert DigestSubscription.objects.count() == 1
    assert AuditEvent.objects.filter(action="digest.subscribe").count() == 1


def test_the_digest_does_not_move_the_debates_version(debate, moderator):
    version = type(debate).objects.get(pk=debate.pk).version
    digest(moderator, debate, "on")
    assert type(debate).objects.get(pk=debate.pk).version == version


def test_htmx_gets_the_waiting_fragment_back(debate, moderator):
    response = digest(moderator, debate, "on", **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="waiting"')
    assert "<html" not in html
    assert "is on." in html and "Daily email digest: on" in html


@pytest.mark.parametrize("who", ["debater_now", "observer"])
def test_members_who_do_not_moderate_are_refused(debate, request, who):
    user = request.getfixturevalue(who)
    response = digest(user, debate, "on", **HX)
    assert response.status_code == 403
    assert "Only the debate&#x27;s moderators" in response.content.decode()
    assert not DigestSubscription.objects.exists()


def test_an_outsider_gets_a_private_debate_as_not_found(outsider):
    private = DebateFactory(is_public=False)
    assert digest(outsider, private, "on").status_code == 404
    assert not DigestSubscription.objects.exists()


def test_signed_out_visitors_are_sent_to_log_in(debate):
    response = Client().post(reverse("activity-digest", args=[debate.slug]), {"digest": "on"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_closed_debate_refuses_the_digest_but_lets_it_stop(debate, moderator):
    digest(moderator, debate, "on")
    debate.phase = Phase.CLOSED
    debate.save()
    DigestSubscription.objects.all().delete()
    response = digest(moderator, debate, "on", **HX)
    assert response.status_code == 403 and "while it is open" in response.content.decode()
    assert not DigestSubscription.objects.exists()

    DigestSubscription.objects.create(user=moderator, debate=debate)
    assert digest(moderator, debate, "off").status_code == 302
    assert not DigestSubscription.objects.exists()


def test_a_bad_switch_is_refused_with_the_reason(debate, moderator):
    response = digest(moderator, debate, "maybe", **HX)
    assert response.status_code == 422
    assert "maybe" in response.content.decode()
    assert not DigestSubscription.objects.exists()


def test_a_get_is_not_allowed(debate, moderator):
    assert (
        client_as(moderator).get(reverse("activity-digest", args=[debate.slug])).status_code == 405
    )


def test_someone_elses_subscription_is_untouched(debate, moderator):
    other = UserFactory()
    DigestSubscription.objects.create(user=other, debate=debate)
    digest(moderator, debate, "off")
    assert DigestSubscription.objects.filter(user=other).exists()


def test_the_switch_is_rate_limited_like_other_set_up_writes(debate, moderator, settings):
    from debate import ratelimit

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "manage": 1}
    ratelimit.check_rate(moderator, "manage")  # the minute's budget is spent
    response = digest(moderator, debate, "on", **HX)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert not DigestSubscription.objects.exists()
