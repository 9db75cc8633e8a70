"""Finding one's way around a map (issue 13): the thread view, "go to claim #", the
"new since your last visit" marks, deep branches collapsed by default."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache as django_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from debate.activity.models import DebateVisit
from debate.activity.services import VISIT_GAP, VISIT_TOUCH, visit_record
from debate.arguments.models import Claim, Stance
from debate.mapview import cache as maps
from debate.mapview import layout
from tests.factories import ClaimFactory
from tests.helpers import client_as

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def column(page: str, kind: str) -> str:
    """The HTML of the thread view's supports (pro) or attacks (con) column."""
    match = re.search(rf'<section class="thread-column thread-column--{kind}".*?</section>', page,
                      re.S)  # fmt: skip
    assert match, f"no {kind} column"
    return match[0]


@pytest.fixture
def thread(debate, position_now, debater_now, debater_after):
    """A claim with two supports and one attack; one support has a reply of its own."""
    root = ClaimFactory(debate=debate, position=position_now, author=debater_now,
                        text="The root of the thread.")  # fmt: skip
    support = ClaimFactory(parent=root, stance=Stance.PRO, author=debater_now,
                           text="A first support.")  # fmt: skip
    second = ClaimFactory(parent=root, stance=Stance.PRO, author=debater_now,
                          text="A second support.")  # fmt: skip
    attack = ClaimFactory(parent=root, stance=Stance.CON, author=debater_after,
                          text="An attack on the root.")  # fmt: skip
    deep = ClaimFactory(parent=support, stance=Stance.CON, author=debater_after,
                        text="A reply two levels down.")  # fmt: skip
    return root, support, second, attack, deep


# --- the thread view --------------------------------------------------------------------------


def test_thread_view_puts_supports_and_attacks_in_their_columns(client, debate, thread):
    root, support, second, attack, deep = thread
    page = html(client.get(reverse("claim", args=[debate.slug, root.pk])))
    assert f'id="claim-card-{root.pk}"' in page.split('class="thread-columns"')[0]
    pro, con = column(page, "pro"), column(page, "con")
    assert f'id="claim-{support.pk}"' in pro and f'id="claim-{second.pk}"' in pro
    assert f'id="claim-{attack.pk}"' not in pro and f'id="claim-{attack.pk}"' in con
    # One level deep: the reply's own reply opens on demand, and each reply links to its thread.
    assert "A reply two levels down." not in page
    assert f"claims/{support.pk}/?part=replies" in pro
    assert "Show 1 reply<" in pro
    assert f"Focus on #{support.pk} and its 1 reply" in pro
    assert f"Focus on #{attack.pk} (no replies yet)" in con
    # Live updates keep coming for this thread.
    assert f"&amp;root={root.pk}" in page


def test_thread_view_breadcrumb_goes_up_to_the_position_and_the_debate(client, debate, thread):
    root, support, *_, deep = thread
    page = html(client.get(reverse("claim", args=[debate.slug, deep.pk])))
    crumbs = page.split('aria-label="Path to this claim"')[1].split("</nav>")[0]
    assert reverse("debate", args=[debate.slug]) in crumbs
    assert "#position-now" in crumbs
    assert reverse("claim", args=[debate.slug, root.pk]) in crumbs
    # The last step up is the parent: the "u" key's way out of a thread view.
    assert f'href="{reverse("claim", args=[debate.slug, support.pk])}" data-up' in crumbs


def test_thread_view_fragment_of_replies_still_loads_in_place(client, debate, thread):
    root, support, *_rest, deep = thread
    url = reverse("claim", args=[debate.slug, support.pk]) + "?part=replies"
    fragment = html(client.get(url, HTTP_HX_REQUEST="true"))
    assert f'id="claim-{deep.pk}"' in fragment
    assert "<html" not in fragment and "thread-columns" not in fragment


@pytest.mark.parametrize("role", [None, "debater_now", "moderator"])
def test_thread_view_shows_hidden_replies_only_to_moderators(
    debate, thread, role, request, moderator
):
    root, support, second, attack, deep = thread
    attack.is_hidden = True
    attack.save()
    user = request.getfixturevalue(role) if role else None
    page = html(client_as(user).get(reverse("claim", args=[debate.slug, root.pk])))
    if role == "moderator":
        assert "An attack on the root." in column(page, "con")
        assert "claim--hidden" in column(page, "con")
    else:
        assert "An attack on the root." not in page
        assert f'id="claim-{attack.pk}"' not in page


def test_thread_view_of_a_hidden_claim_is_not_found_for_others(client, debate, thread, moderator):
    root, support, second, attack, deep = thread
    attack.is_hidden = True
    attack.save()
    url = reverse("claim", args=[debate.slug, attack.pk])
    assert client.get(url).status_code == 404
    assert client_as(moderator).get(url).status_code == 200


def test_thread_view_query_count_does_not_grow_with_replies(debate, thread, debater_after):
    root = thread[0]
    client = client_as(debater_after)
    url = reverse("claim", args=[debate.slug, root.pk])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = count()
    for index in range(20):
        ClaimFactory(parent=root, stance=Stance.CON if index % 2 else Stance.PRO,
                     author=debater_after)  # fmt: skip
    client.get(url)  # the map of the new version built once, as for the first count
    assert count() == before


# --- deep branches collapsed -----------------------------------------------------------------


def test_replies_deeper_than_open_depth_start_collapsed(client, debate, position_now):
    node = ClaimFactory(debate=debate, position=position_now)
    chain = [node]
    for _ in range(layout.OPEN_DEPTH + 2):
        node = ClaimFactory(parent=node, stance=Stance.CON)
        chain.append(node)
    page = html(client.get(reverse("debate", args=[debate.slug])))
    opened = re.findall(r'<details class="replies"( open)?>', page)
    assert len(opened) == len(chain)
    assert [bool(flag) for flag in opened] == [d < layout.OPEN_DEPTH for d in range(len(chain))]
    # Collapsed, but drawn: the keys and "Expand all" open them without a request.
    assert f'id="claim-card-{chain[-1].pk}"' in page


def test_the_debate_page_offers_the_map_tools_and_the_jump_form(client, debate, thread):
    page = html(client.get(reverse("debate", args=[debate.slug])))
    assert 'data-tree="collapse"' in page and 'data-tree="expand"' in page
    assert "data-js-only hidden" in page  # shown by keys.js only
    assert 'id="keys-help"' in page
    assert f'action="{reverse("debate-jump", args=[debate.slug])}"' in page
    assert "js/keys.js" in page
    assert 'tabindex="-1"' in page  # cards are focusable, one tab stop (keys.js)


# --- go to claim #N --------------------------------------------------------------------------


def test_jump_redirects_to_the_thread_view(client, debate, thread):
    root = thread[0]
    url = reverse("debate-jump", args=[debate.slug])
    response = client.get(url, {"n": str(root.pk)})
    assert response.status_code == 302
    assert response["Location"] == reverse("claim", args=[debate.slug, root.pk])
    assert client.get(url, {"n": f"#{root.pk}"})["Location"] == response["Location"]


def test_jump_to_a_claim_that_is_not_there_is_404_with_the_form_refilled(
    client, debate, thread, position_now
):
    other = ClaimFactory(position__key="elsewhere")  # a claim of another debate
    url = reverse("debate-jump", args=[debate.slug])
    for number in (999_999, other.pk):
        response = client.get(url, {"n": str(number)})
        assert response.status_code == 404
        page = html(response)
        assert f"There is no claim #{number} in this debate" in page
        assert f'value="{number}"' in page


def test_jump_to_a_hidden_claim_obeys_the_visibility_policy(debate, thread, moderator):
    attack = thread[3]
    attack.is_hidden = True
    attack.save()
    url = reverse("debate-jump", args=[debate.slug])
    assert client_as(None).get(url, {"n": attack.pk}).status_code == 404
    assert client_as(moderator).get(url, {"n": attack.pk}).status_code == 302


@pytest.mark.parametrize("value", ["", "abc", "²", "-3", "0", "1" * 30, "1\x00"])
def test_jump_refuses_what_is_not_a_claim_number_with_a_400(client, debate, value):
    response = client.get(reverse("debate-jump", args=[debate.slug]), {"n": value})
    assert response.status_code == 400
    assert 'class="form-error"' in html(response)
    assert len(response.content) < 20_000


def test_jump_in_a_debate_one_may_not_see_is_404(client, debate, thread):
    debate.is_public = False
    debate.save()
    response = client.get(reverse("debate-jump", args=[debate.slug]), {"n": thread[0].pk})
    assert response.status_code == 404


# --- new since your last visit ---------------------------------------------------------------


def visit_long_ago(user, debate) -> None:
    """A visit that ended before a break, after every claim so far: the next page starts a
    new visit, and only claims written from now on are new to it."""
    ended = timezone.now() - VISIT_GAP - datetime.timedelta(minutes=1)
    Claim.objects.filter(debate=debate, created_at__gt=ended).update(
        created_at=ended - datetime.timedelta(minutes=1)
    )
    visit_record(user=user, debate=debate)
    DebateVisit.objects.filter(user=user, debate=debate).update(seen_at=ended)
    # The times were moved under the map's cache, which only a write's version bump clears.
    django_cache.clear()
    maps.clear()


def new_badges(page: str) -> set[int]:
    ids = set()
    for card in page.split('<article class="claim-card')[1:]:
        if "badge--new" in card.split("</header>")[0]:
            ids.add(int(re.search(r'id="claim-card-(\d+)"', card)[1]))
    return ids


def test_claims_by_others_since_the_previous_visit_are_marked_new(
    debate, thread, debater_now, debater_after, position_now
):
    visit_long_ago(debater_now, debate)
    theirs = ClaimFactory(parent=thread[0], stance=Stance.CON, author=debater_after,
                          text="Written while they were away.")  # fmt: skip
    mine = ClaimFactory(parent=thread[0], stance=Stance.PRO, author=debater_now,
                        text="Their own, written elsewhere.")  # fmt: skip
    client = client_as(debater_now)
    page = html(client.get(reverse("debate", args=[debate.slug])))
    assert new_badges(page) == {theirs.pk}
    assert "1 new since your last visit" in page
    assert f'href="#claim-{theirs.pk}">Go to the first (#{theirs.pk})' in page
    # A reload a moment later keeps the marks: it is the same visit.
    again = html(client.get(reverse("debate", args=[debate.slug])))
    assert new_badges(again) == {theirs.pk}
    # So does the thread view.
    thread_page = html(client.get(reverse("claim", args=[debate.slug, thread[0].pk])))
    assert new_badges(thread_page) == {theirs.pk}
    assert mine.pk not in new_badges(thread_page)


def test_the_first_visit_marks_nothing_and_a_later_visit_clears_the_marks(
    debate, thread, debater_now, debater_after
):
    client = client_as(debater_now)
    page = html(client.get(reverse("debate", args=[debate.slug])))
    assert new_badges(page) == set() and "since your last visit" not in page
    visit_long_ago(debater_now, debate)
    ClaimFactory(parent=thread[0], stance=Stance.CON, author=debater_after)
    assert len(new_badges(html(client.get(reverse("debate", args=[debate.slug]))))) == 1
    visit_long_ago(debater_now, debate)  # they came back after another break
    assert new_badges(html(client.get(reverse("debate", args=[debate.slug])))) == set()


def test_anonymous_readers_get_no_marks_and_the_cached_page_carries_none(
    debate, thread, debater_now, debater_after
):
    visit_long_ago(debater_now, debate)
    ClaimFactory(parent=thread[0], stance=Stance.CON, author=debater_after)
    url = reverse("debate", args=[debate.slug])
    assert new_badges(html(client_as(debater_now).get(url)))
    anonymous = client_as(None)
    for _ in range(2):  # rendered, then served from the visitors' cache
        page = html(anonymous.get(url))
        assert new_badges(page) == set() and "since your last visit" not in page
    assert DebateVisit.objects.count() == 1


def test_hidden_claims_are_never_marked_new(debate, thread, debater_now, debater_after):
    visit_long_ago(debater_now, debate)
    ClaimFactory(parent=thread[0], stance=Stance.CON, author=debater_after, is_hidden=True,
                 text="Hidden while they were away.")  # fmt: skip
    page = html(client_as(debater_now).get(reverse("debate", args=[debate.slug])))
    assert new_badges(page) == set() and "Hidden while they were away." not in page


def test_marks_take_the_same_queries_whatever_the_number_of_new_claims(
    debate, thread, debater_now, debater_after
):
    client = client_as(debater_now)
    url = reverse("debate", args=[debate.slug])

    def count(new: int) -> tuple[int, set[int]]:
        visit_long_ago(debater_now, debate)
        for _ in range(new):
            ClaimFactory(parent=thread[0], stance=Stance.CON, author=debater_after)
        with CaptureQueriesContext(connection) as captured:
            page = html(client.get(url))
        return len(captured), new_badges(page)

    few, marked = count(1)
    assert len(marked) == 1
    many, marked = count(16)
    assert len(marked) == 16
    assert many == few


def test_a_visit_rolls_over_only_after_a_break():
    from tests.factories import DebateFactory, UserFactory

    user, debate = UserFactory(), DebateFactory()
    start = timezone.now()
    first = visit_record(user=user, debate=debate, now=start)
    assert (first.seen_at, first.previous_seen_at) == (start, None)
    soon = start + VISIT_TOUCH / 2  # a reload: nothing written
    with CaptureQueriesContext(connection) as captured:
        visit_record(user=user, debate=debate, now=soon)
    assert len(captured) == 1
    later = start + VISIT_GAP  # still the same visit, which goes on
    visit = visit_record(user=user, debate=debate, now=later)
    assert (visit.seen_at, visit.previous_seen_at) == (later, None)
    back = later + VISIT_GAP + datetime.timedelta(seconds=1)  # after a break: a new visit
    visit = visit_record(user=user, debate=debate, now=back)
    assert (visit.seen_at, visit.previous_seen_at) == (back, later)
    stored = DebateVisit.objects.get(user=user, debate=debate)
    assert (stored.seen_at, stored.previous_seen_at) == (back, later)
    assert visit_record(user=None, debate=debate) is None
    assert Claim.objects.count() == 0
