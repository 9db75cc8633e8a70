"""The reading pages, as an anonymous visitor sees them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from debate.arguments.models import Stance
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    EvidenceFactory,
    UserFactory,
    VoteFactory,
)


def build_map(debate, source, size: int) -> None:
    """A map of `size` claims over both positions, each with a citation and two votes."""
    positions = list(debate.positions.all())
    teams = list(debate.teams.all())
    evidence = EvidenceFactory(source=source, start=size, end=size + 20)
    voters = [UserFactory(), UserFactory()]
    previous = None
    for index in range(size):
        position = positions[index % 2]
        parent = previous if previous is not None and previous.position_id == position.pk else None
        claim = ClaimFactory(
            debate=debate,
            position=position,
            parent=parent if index % 3 else None,
            stance=Stance.CON if index % 4 == 0 else Stance.PRO,
            team=teams[index % 2],
        )
        CitationFactory(claim=claim, evidence=evidence)
        for voter in voters:
            VoteFactory(user=voter, claim=claim, value=index % 5)
        previous = claim


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_home_lists_public_debates(client, debate):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert escape(debate.title) in response.content.decode()


def test_home_hides_private_debates_from_anonymous_visitors(client, debate):
    debate.is_public = False
    debate.save()
    response = client.get(reverse("home"))
    assert escape(debate.title) not in response.content.decode()


def test_private_debate_is_not_found_for_anonymous_visitors(client, debate):
    debate.is_public = False
    debate.save()
    assert client.get(reverse("debate", args=[debate.slug])).status_code == 404


def test_unknown_debate_is_404(client, db):
    assert client.get(reverse("debate", args=["no-such-debate"])).status_code == 404


def test_debate_page_shows_positions_nested_claims_and_quotes(client, debate, source):
    position = debate.positions.get(key="now")
    root = ClaimFactory(debate=debate, position=position, text="Talks now deny Moscow a veto.")
    reply = ClaimFactory(parent=root, stance=Stance.CON, text="Talks now invite escalation.")
    evidence = EvidenceFactory(source=source, start=0, end=30)
    CitationFactory(claim=reply, evidence=evidence)

    response = client.get(reverse("debate", args=[debate.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    for position in debate.positions.all():
        assert position.title in html
    assert f'id="claim-{root.pk}"' in html
    # The reply is nested inside its parent's list item, marked as an attack.
    root_at = html.index(f'id="claim-{root.pk}"')
    assert (
        root_at
        < html.index('class="claim-children"', root_at)
        < html.index(f'id="claim-{reply.pk}"')
    )
    assert "Attacks" in html
    source_url = reverse("source", args=[debate.slug, source.pk])
    assert f'href="{source_url}#evidence-{evidence.pk}"' in html
    assert evidence.quote in html


def test_debate_page_escapes_claim_text(client, debate):
    payload = '<img src=x onerror=alert(1)> <b hx-get="/admin/" hx-trigger="load">x</b>'
    ClaimFactory(debate=debate, position=debate.positions.first(), text=payload)
    html = client.get(reverse("debate", args=[debate.slug])).content.decode()
    assert "<img src=x" not in html
    assert 'hx-get="/admin/"' not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_hidden_claim_text_is_not_served_to_visitors(client, debate):
    position = debate.positions.first()
    hidden = ClaimFactory(debate=debate, position=position, text="Secret slur", is_hidden=True)
    ClaimFactory(parent=hidden, text="A reply that stays reachable")
    html = client.get(reverse("debate", args=[debate.slug])).content.decode()
    assert "Secret slur" not in html
    assert "A reply that stays reachable" in html
    assert "hidden by a moderator" in html


@pytest.mark.parametrize("name", ["debate", "source"])
def test_page_query_count_does_not_grow_with_claims(client, debate, source, name):
    url = (
        reverse("debate", args=[debate.slug])
        if name == "debate"
        else reverse("source", args=[debate.slug, source.pk])
    )
    build_map(debate, source, 10)
    small = count_queries(client, url)
    build_map(debate, source, 190)
    large = count_queries(client, url)
    assert debate.claims.count() == 200
    assert small == large


def test_login_page_renders(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_logout_needs_a_post_with_csrf(debate, debater_now):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(debater_now)
    assert client.post(reverse("logout")).status_code == 403
