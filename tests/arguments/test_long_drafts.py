"""A long paste is refused, not cut: the claim box has no `maxlength` (a browser would cut a
5,000-character paste at 1,000 mid-word without a word) but `data-limit`, for the live counter
(static/js/counter.js); the server refuses the over-long text, says how many characters to
remove, and shows the draft IN FULL (up to DRAFT_KEPT characters, so that an answer to a
megabyte stays small), for the writer to shorten.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django import forms
from django.urls import reverse

from debate.inputs import DRAFT_KEPT, CappedForm, TextField
from tests.helpers import client_as, rows_of

# Words, with a sentence end every so often: what a pasted essay looks like.
ESSAY = ("Accession talks should start now, before the war ends. " * 100)[:5_000]


def textarea(html: str, name: str = "text") -> str:
    found = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, html[:2000]
    return found.group(1)


@pytest.fixture
def world(debate, position_now, debater_now):
    return SimpleNamespace(debate=debate, position_now=position_now, debater_now=debater_now)


def compose(world, text: str, **headers):
    data = {"position": world.position_now.pk, "stance": "pro", "text": text}
    return client_as(world.debater_now).post(
        reverse("compose", args=[world.debate.slug]), data, **headers
    )


@pytest.mark.parametrize("htmx", [False, True], ids=["full-page", "htmx"])
def test_a_5000_character_paste_is_refused_with_the_whole_draft_shown(world, htmx):
    before = rows_of()

    response = compose(world, ESSAY, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))

    html = response.content.decode()
    assert response.status_code == 422
    assert "A claim has at most 1,000 characters; this one has 5,000. " in html
    assert "Remove 4,000 characters to send it." in html
    shown = textarea(html)
    assert len(shown) == len(ESSAY.strip()), len(shown)
    assert shown == ESSAY.strip()
    assert rows_of() == before


def test_the_claim_box_counts_instead_of_cutting(world):
    page = client_as(world.debater_now).get(
        reverse("compose", args=[world.debate.slug]), {"position": world.position_now.pk}
    )
    tag = re.search(r'<textarea name="text"[^>]*>', page.content.decode()).group(0)

    assert 'data-limit="1000"' in tag
    assert "maxlength" not in tag


def test_one_character_over_says_one_character(world):
    html = compose(world, "y" * 1001).content.decode()

    assert "Remove 1 character to send it." in html


def test_a_huge_paste_comes_back_cut_to_the_kept_draft(world):
    response = compose(world, "x" * 1_000_000)

    html = response.content.decode()
    assert response.status_code == 422
    assert len(textarea(html)) == DRAFT_KEPT
    assert len(response.content) < 60_000


class NoteForm(CappedForm):
    note = TextField(max_length=10, widget=forms.Textarea)
    title = TextField(max_length=10)


def test_a_text_field_renders_data_limit_on_a_textarea_and_maxlength_on_an_input():
    form = NoteForm()

    assert 'data-limit="10"' in str(form["note"]) and "maxlength" not in str(form["note"])
    assert 'maxlength="10"' in str(form["title"])


def test_a_text_field_says_how_many_characters_to_remove():
    form = NoteForm({"note": "x" * 15, "title": "ok"})

    assert not form.is_valid()
    assert form.errors["note"] == [
        "Ensure this value has at most 10 characters (it has 15). Remove 5 characters to send it."
    ]


def test_line_breaks_count_as_the_counter_counts_them_whatever_the_browser_sends(world):
    """A form posted without htmx sends each line break as CR LF, htmx sends LF, and the
    counter counts the box's value, where a line break is one character. A claim the counter
    calls 1,000 characters is taken, and stored with LF line breaks either way (found by
    posting a three-line claim from Chromium with and without JavaScript)."""
    from debate.arguments.models import CLAIM_TEXT_MAX, Claim

    lines = ["x" * 99] * 10  # 990 characters and 9 line breaks, 999 as the counter counts
    text = "\r\n".join(lines) + "!"
    assert len(text.replace("\r\n", "\n")) == CLAIM_TEXT_MAX
    response = compose(world, text)
    assert response.status_code == 302, response.content[:1000]
    assert Claim.objects.get().text == "\n".join(lines) + "!"
