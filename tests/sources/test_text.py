"""The text helpers: folding, paragraphs, hashing and finding a quote in a source."""

from __future__ import annotations

import hashlib

import pytest

from debate.sources.text import (
    QuoteNotFound,
    locate_quote,
    normalize,
    normalize_with_map,
    paragraph_starts,
    split_paragraphs,
    text_sha256,
)
from tests.conftest import SOURCE_TEXT


def test_exact_quote_gives_offsets_of_the_stored_text():
    quote = "“a temporary recourse” — never a replacement"

    span = locate_quote(SOURCE_TEXT, quote)

    assert SOURCE_TEXT[span.start : span.end] == quote
    assert span.quote == quote
    assert span.start == SOURCE_TEXT.index(quote)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Ukraine's allies", "Ukraine’s allies"),
        ('calls them "a temporary recourse"', "calls them “a temporary recourse”"),
        ("recourse” - never", "recourse” — never"),
        ("recourse\" -   never", "recourse” — never"),
        ("for membership. Accession talks", "for membership.\nAccession talks"),
        ("  so far.\n\n\nThe task force  ", "so far.\n\nThe task force"),
    ],
    ids=["straight-apostrophe", "straight-quotes", "hyphen-for-em-dash", "spaces", "newline",
         "blank-lines"],
)  # fmt: skip
def test_typographic_variants_match_and_return_the_exact_source_substring(typed, expected):
    span = locate_quote(SOURCE_TEXT, typed)

    assert span.quote == expected
    assert SOURCE_TEXT[span.start : span.end] == expected


def test_quote_not_in_text_raises_quote_not_found():
    with pytest.raises(QuoteNotFound, match="does not occur"):
        locate_quote(SOURCE_TEXT, "a permanent guarantee")


@pytest.mark.parametrize("quote", ["", "   ", "\n\t"])
def test_empty_quote_is_refused(quote):
    with pytest.raises(QuoteNotFound, match="empty"):
        locate_quote(SOURCE_TEXT, quote)


def test_paragraph_number_counts_blank_line_separated_paragraphs():
    assert locate_quote(SOURCE_TEXT, "Ukraine’s allies").paragraph == 1
    assert locate_quote(SOURCE_TEXT, "a temporary recourse").paragraph == 2
    # The second line of paragraph 2 belongs to paragraph 2: a single newline is no break.
    assert locate_quote(SOURCE_TEXT, "membership.\nAccession talks").paragraph == 2
    assert locate_quote(SOURCE_TEXT, "Critics want the war").paragraph == 3


def test_repeated_quote_takes_the_first_occurrence_without_a_hint():
    span = locate_quote(SOURCE_TEXT, "Accession talks should start now")

    assert span.start == SOURCE_TEXT.index("Accession talks should start now")
    assert span.paragraph == 2


def test_repeated_quote_takes_the_occurrence_nearest_the_hint():
    second = SOURCE_TEXT.rindex("Accession talks should start now")

    span = locate_quote(SOURCE_TEXT, "Accession talks should start now", near=second - 3)

    assert span.start == second
    assert span.paragraph == 3


def test_normalize_folds_whitespace_quotes_and_dashes():
    assert normalize("  “Now”\u00a0— isn’t\n\tit…  ") == '"Now"-isn\'t it...'


def test_normalize_map_points_each_folded_character_at_its_source_offset():
    text = "a—\n\n“b”…"

    folded, offsets = normalize_with_map(text)

    assert folded == 'a-"b"...'
    assert len(offsets) == len(folded) + 1
    assert offsets[-1] == len(text)
    assert [text[offsets[i]] for i in range(len(folded))] == list("a—“b”………")


def test_paragraphs_split_on_blank_lines_and_list_items():
    text = "Title\n\nIntro line one.\nIntro line two.\n\n  • first point\n  • second point\n"

    paragraphs = split_paragraphs(text)

    assert [text[start:end] for _, start, end in paragraphs] == [
        "Title",
        "Intro line one.\nIntro line two.",
        "• first point",
        "• second point",
    ]
    assert [number for number, _, _ in paragraphs] == [1, 2, 3, 4]
    assert paragraph_starts(text) == [start for _, start, _ in paragraphs]


def test_text_sha256_is_the_hex_digest_of_the_utf8_text():
    assert text_sha256(SOURCE_TEXT) == hashlib.sha256(SOURCE_TEXT.encode("utf-8")).hexdigest()
    assert text_sha256(SOURCE_TEXT) != text_sha256(SOURCE_TEXT + " ")


@pytest.mark.parametrize("typed", ["recourse” -- never", "recourse” - never", "recourse”—never"])
def test_dash_runs_and_spaces_around_dashes_still_match(typed):
    text = "They call it “a temporary recourse” — never a replacement."
    span = locate_quote(text, typed)
    assert span.quote == "recourse” — never"
