"""The shape of what the source reader is sent, through debate.sources.forms: huge quotes
and notes are refused without being echoed, an odd offset is no hint rather than an error,
and a private debate's source answers as a missing one."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from debate.sources.models import Evidence
from tests.conftest import SOURCE_TEXT
from tests.factories import DebateFactory, SourceFactory
from tests.helpers import client_as, rows_of

HX = {"HTTP_HX_REQUEST": "true"}
HUGE = "x" * 1_000_000
SMALL = 60_000
QUOTE = "Critics want the war"


def propose_url(source) -> str:
    return reverse("evidence-propose", args=[source.debate.slug, source.pk])



@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
@pytest.mark.parametrize(
    ("data", "field"),
    [({"quote": HUGE}, "quote"), ({"quote": QUOTE, "note": HUGE}, "note")],
    ids=["quote", "note"],
)
def test_a_huge_value_is_refused_without_echoing_it(source, debater_now, data, field, headers):
    before = rows_of()

    response = client_as(debater_now).post(propose_url(source), data, **headers)

    body = response.content.decode()
    assert response.status_code == 422, body[:500]
    assert len(response.content) < SMALL
    assert "x" * 5001 not in body
    assert "Ensure this value has at most" in body
    assert rows_of() == before


@pytest.mark.parametrize("start", ["²", "１", "٣", "9" * 40, "1e3"])
def test_an_offset_in_other_digits_is_no_hint_and_no_error(source, debater_now, start):
    response = client_as(debater_now).post(
        propose_url(source), {"quote": QUOTE, "start": start, "end": start}
    )

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert SOURCE_TEXT[evidence.start : evidence.end] == QUOTE


def test_a_null_character_in_the_note_is_refused(source, debater_now):
    before = rows_of()

    response = client_as(debater_now).post(propose_url(source), {"quote": QUOTE, "note": "\x00"})

    assert response.status_code in (400, 422)
    assert "Null characters are not allowed." in response.content.decode()
    assert rows_of() == before


def test_a_source_id_beyond_any_row_is_not_found(source):
    response = client_as(None).get(reverse("source", args=[source.debate.slug, 10**30]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["source", "evidence-propose"])
def test_a_private_debate_answers_as_a_missing_one(source, outsider, name):
    hidden = SourceFactory(debate=DebateFactory(slug="behind-closed-doors", is_public=False))
    client = client_as(outsider)
    send = client.get if name == "source" else client.post

    private = send(reverse(name, args=[hidden.debate.slug, hidden.pk]))
    missing = send(reverse(name, args=["no-such-debate", hidden.pk]))

    assert private.status_code == missing.status_code == 404
    masked = [re.sub(rb"[A-Za-z0-9]{64}", b"<token>", r.content) for r in (private, missing)]
    assert masked[0] == masked[1]
