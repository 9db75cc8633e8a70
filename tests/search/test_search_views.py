"""Search in a debate (`/d/<slug>/search/?q=`): what it finds, for whom, and how it answers bad
input; the read (debate/mapview/search.py) on PostgreSQL and in its fallback."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debate.arguments.models import Claim
from debate.mapview import search, visibility
from debate.sources.models import Evidence, EvidenceStatus, Source
from tests.factories import ClaimFactory, DebateFactory, EvidenceFactory
from tests.helpers import client_as

HX = {"HTTP_HX_REQUEST": "true"}
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    d, now = world.debate, world.position_now
    world.claim = ClaimFactory(
        debate=d,
        position=now,
        author=world.debater_now,
        text="Bilateral deals cannot replace the collective guarantee.",
    )
    world.other = ClaimFactory(debate=d, position=now, text="Delay invites escalation by Moscow.")
    world.hidden = ClaimFactory(
        debate=d, position=now, is_hidden=True, text="A hidden claim about bilateral zebras."
    )
    world.withdrawn = ClaimFactory(
        debate=d, position=now, is_withdrawn=True, text="A withdrawn claim about bilateral zebras."
    )
    world.ukrainian = ClaimFactory(
        debate=d, position=now, text="Україна має вступити до НАТО вже зараз."
    )
    text = world.source.text
    at = text.index("a temporary recourse")
    world.evidence = EvidenceFactory(source=world.source, start=at, end=at + 20)
    at = text.index("Critics want")
    world.proposed = EvidenceFactory(
        source=world.source,
        start=at,
        end=at + 34,
        status=EvidenceStatus.PROPOSED,
        proposer=world.debater_after,
    )
    return world


def url(world, q: str | None = None) -> str:
    base = reverse("debate-search", args=[world.debate.slug])
    return base if q is None else f"{base}?q={q}"


def test_finds_a_claim_by_a_word_in_it_with_a_link_to_its_thread(world):
    response = client_as(None).get(url(world, "guarantee"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("claim", args=[world.debate.slug, world.claim.pk]) in page
    assert "<mark>guarantee</mark>" in page
    assert "Delay invites" not in page


def test_finds_a_word_by_its_beginning_and_in_any_case(world):
    page = client_as(None).get(url(world, "BILAT")).content.decode()
    assert f"#{world.claim.pk}</a>" in page


def test_finds_evidence_by_a_word_in_its_quote_with_a_link_to_the_reader(world):
    page = client_as(None).get(url(world, "recourse")).content.decode()
    anchor = reverse("source", args=[world.debate.slug, world.source.pk])
    assert f'{anchor}#evidence-{world.evidence.pk}"' in page
    assert "<mark>recourse</mark>" in page


def test_finds_evidence_by_its_source_title(world):
    results = search.debate_search(world.debate, "accession", visibility.Audience(False))
    assert world.evidence.pk in [hit.id for hit in results.evidence]


def test_every_word_must_match(world):
    results = search.debate_search(world.debate, "bilateral moscow", visibility.Audience(False))
    assert results.claims == [] and results.claim_count == 0


def test_finds_ukrainian_words_by_their_beginning(world):
    results = search.debate_search(world.debate, "україн нато", visibility.Audience(False))
    assert [hit.id for hit in results.claims] == [world.ukrainian.pk]
    page = client_as(None).get(url(world, "україн")).content.decode()
    assert "<mark>Україна</mark>" in page


@pytest.mark.parametrize("role", ["anonymous", "observer", "debater", "rival"])
def test_hidden_and_withdrawn_claims_and_unapproved_evidence_stay_hidden(world, role):
    page = client_as(world.users[role]).get(url(world, "zebras")).content.decode()
    assert "zebras</p>" not in page and "Nothing in this debate matches" in page
    page = client_as(world.users[role]).get(url(world, "critics")).content.decode()
    # The proposer alone sees their own proposal (the visibility policy), marked as proposed.
    assert ("Proposed</span>" in page) == (role == "rival")


def test_moderators_find_hidden_content_marked(world):
    page = client_as(world.moderator).get(url(world, "zebras")).content.decode()
    assert "Hidden</span>" in page and "Withdrawn</span>" in page
    page = client_as(world.moderator).get(url(world, "critics")).content.decode()
    assert "Proposed</span>" in page


def test_a_query_too_long_is_a_400_that_says_why(world):
    response = client_as(None).get(url(world, "x" * 201))
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
    assert f'value="{"x" * 200}"' in response.content.decode()  # put back cut to the limit


def test_a_null_character_is_a_400(world):
    assert client_as(None).get(url(world, "a%00b")).status_code == 400


@pytest.mark.parametrize("q", [None, "", "   ", "%21%40%23"])
def test_an_empty_query_shows_the_box_and_no_results(world, q):
    response = client_as(None).get(url(world, q))
    assert response.status_code == 200
    assert 'role="search"' in response.content.decode()
    assert "match" not in response.content.decode().split('id="search-results"')[1]


def test_htmx_gets_the_results_only(world):
    response = client_as(None).get(url(world, "guarantee"), **HX)
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="search-results" id="search-results"')
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_user_html_is_escaped_and_highlighted_safely(world):
    ClaimFactory(
        debate=world.debate,
        position=world.position_now,
        text='<img src=x onerror=alert(1)> guarantee <b hx-get="/x">bold</b>',
    )
    page = client_as(None).get(url(world, "guarantee")).content.decode()
    assert "<img src=x" not in page and 'hx-get="/x"' not in page
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>guarantee</mark> &lt;b" in page


def test_other_debates_are_not_searched(world):
    other = DebateFactory(is_public=True)
    ClaimFactory(debate=other, text="Bilateral guarantee elsewhere.")
    results = search.debate_search(world.debate, "guarantee", visibility.Audience(True))
    assert [hit.id for hit in results.claims] == [world.claim.pk]


def test_many_results_are_capped_with_their_count(world):
    for n in range(search.RESULT_LIMIT + 5):
        ClaimFactory(debate=world.debate, position=world.position_now, text=f"Guarantee {n}.")
    results = search.debate_search(world.debate, "guarantee", visibility.Audience(False))
    assert len(results.claims) == search.RESULT_LIMIT
    assert results.claim_count == search.RESULT_LIMIT + 6
    page = client_as(None).get(url(world, "guarantee")).content.decode()
    assert f"{search.RESULT_LIMIT + 6} claims" in page and "the best 20 of each" in page


def test_the_query_count_does_not_grow_with_the_results(world, django_assert_num_queries):
    def count(n_claims: int) -> int:
        Claim.objects.filter(text__startswith="Guarantee ").delete()
        for n in range(n_claims):
            ClaimFactory(debate=world.debate, position=world.position_now, text=f"Guarantee {n}.")
        client = client_as(world.debater_now)
        client.get(url(world, "guarantee"))  # the session and membership, once
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world, "guarantee")).status_code == 200
        return len(queries)

    assert count(2) == count(15)


def test_the_read_takes_three_queries(world, django_assert_num_queries):
    with django_assert_num_queries(3):
        search.debate_search(world.debate, "guarantee", visibility.Audience(False))
    with django_assert_num_queries(0):
        search.debate_search(world.debate, "?!", visibility.Audience(False))


def test_the_fallback_without_postgresql_finds_the_same(world, monkeypatch):
    monkeypatch.setattr(search, "_full_text", lambda: False)
    results = search.debate_search(world.debate, "guarantee", visibility.Audience(False))
    assert [hit.id for hit in results.claims] == [world.claim.pk]
    results = search.debate_search(world.debate, "recourse", visibility.Audience(False))
    assert [hit.id for hit in results.evidence] == [world.evidence.pk]
    results = search.debate_search(world.debate, "zebras", visibility.Audience(False))
    assert results.claims == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes: PostgreSQL only")
def test_postgresql_can_answer_from_the_gin_indexes(world):
    """The query uses the very expressions the migrations indexed (seen with sequential scans
    and the plain indexes switched off, as on a table too large to scan)."""
    query = search.ts_query(["guarant"])
    claims = Claim.objects.alias(vector=search.CLAIM_VECTOR).filter(vector=query)
    evidence = Evidence.objects.alias(vector=search.QUOTE_VECTOR).filter(vector=query)
    titles = Source.objects.alias(vector=search.TITLE_VECTOR).filter(vector=query)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        try:
            assert "claim_text_search" in claims.explain()
            assert "evidence_quote_search" in evidence.explain()
            assert "source_title_search" in titles.explain()
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")


def test_highlight_marks_the_matching_words_and_leaves_escaping_to_the_template():
    pieces = search.highlight('<script>"x"</script> Accession & accessions', ["access"])
    assert pieces == [
        search.Piece('<script>"x"</script> ', False), search.Piece("Accession", True),
        search.Piece(" & ", False), search.Piece("accessions", True),
    ]  # fmt: skip
    html = render_to_string("debates/_marked.html", {"pieces": pieces})
    assert html == (
        "&lt;script&gt;&quot;x&quot;&lt;/script&gt; <mark>Accession</mark> &amp; "
        "<mark>accessions</mark>"
    )


def test_highlight_cuts_a_long_text_around_the_first_match():
    text = "word " * 200 + "needle " + "word " * 200
    pieces = search.highlight(text, ["needle"])
    assert search.Piece("needle", True) in pieces
    assert pieces[0].text == "…" and pieces[-1].text == "…"
    assert len("".join(piece.text for piece in pieces)) < search.SNIPPET + 5


def test_query_terms_keep_only_words():
    terms = search.query_terms("Ukraine's  'NATO':* & !x | (y)")
    assert terms == ["ukraine", "nato", "x", "y"]
    assert search.query_terms("") == []


def test_a_letter_after_an_apostrophe_is_no_search_word():
    assert search.query_terms("Ukraine’s allies don't") == ["ukraine", "allies", "don"]
    # A one-letter word of its own, or an apostrophe inside a Ukrainian word, still counts.
    assert search.query_terms("a об'єкт") == ["a", "об", "єкт"]


def test_searching_a_possessive_does_not_match_every_word_with_its_letter(world):
    ClaimFactory(debate=world.debate, position=world.position_now, text="Ukraine's security")
    ClaimFactory(debate=world.debate, position=world.position_now, text="Ukraine sells grain")

    found = search.debate_search(world.debate, "Ukraine's", visibility.Audience(moderator=False))

    assert sorted(hit.text for hit in found.claims) == ["Ukraine sells grain", "Ukraine's security"]
    assert all(piece.text.lower() != "sells" for hit in found.claims for piece in hit.marked
               if piece.mark)  # fmt: skip


# --- the API: GET /api/v1/debates/<slug>/search/?q= ------------------------------------------


def test_the_api_finds_claims_and_evidence_with_the_same_visibility(world):
    address = reverse("api:search", args=[world.debate.slug])
    body = client_as(None).get(address, {"q": "bilateral"}).json()
    assert [c["id"] for c in body["claims"]] == [world.claim.pk] and body["claim_count"] == 1
    assert "zebras" not in str(body)
    body = client_as(world.moderator).get(address, {"q": "zebras"}).json()
    assert {c["id"] for c in body["claims"]} == {world.hidden.pk, world.withdrawn.pk}
    body = client_as(None).get(address, {"q": "recourse"}).json()
    assert [e["id"] for e in body["evidence"]] == [world.evidence.pk]


def test_the_api_refuses_a_long_query_in_its_error_shape(world):
    response = client_as(None).get(
        reverse("api:search", args=[world.debate.slug]), {"q": "x" * 201}
    )
    assert response.status_code == 400 and "q" in str(response.json())
