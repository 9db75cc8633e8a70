"""Text helpers for sources: paragraphs, hashing, and finding a quote in the stored text.

Quotes are matched leniently (whitespace runs, typographic quotes and dash variants count as
equal) but stored strictly: the result is always a span of the exact source text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_EQUIVALENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u0060": "'",
    "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
    "\u2026": "...",
}  # fmt: skip

# A paragraph starts after a blank line, or at a line that opens a list item (bullets are
# separate points even when no blank line divides them).
_PARAGRAPH_START = re.compile(
    r"(?:\A|\n[ \t\r\f\v]*\n)\s*(?=\S)|\n[ \t]*(?=(?:[\u2022*\-\u2013+]|\d+[.)])\s)"
)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Fold `text` for lenient comparison, with each folded character's offset in `text`.

    Whitespace runs become one space; typographic quotes, apostrophes and dashes become
    their ASCII forms; a run of dashes is one dash, and spaces around a dash are dropped, so
    "a -- b" matches "a—b". `offsets[i]` is where folded character i came from; one extra
    entry marks the end, so a folded span [a, b) maps back to [offsets[a], offsets[b-1] + 1).
    """
    folded: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        piece_chars = " " if char.isspace() else _EQUIVALENTS.get(char, char)
        for piece in piece_chars:
            previous = folded[-1] if folded else ""
            if piece == " " and previous in (" ", "-"):
                continue  # one space for a run; none after a dash
            if piece == "-" and previous == "-":
                continue  # one dash for a run of dashes
            if piece == "-" and previous == " ":
                folded.pop()  # no space before a dash
                offsets.pop()
            folded.append(piece)
            offsets.append(index)
    offsets.append(len(text))
    return "".join(folded), offsets


def normalize(text: str) -> str:
    return normalize_with_map(text)[0].strip()


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    quote: str
    paragraph: int


def paragraph_starts(text: str) -> list[int]:
    """Offsets where paragraphs begin."""
    starts: list[int] = []
    for match in _PARAGRAPH_START.finditer(text):
        if match.end() < len(text) and (not starts or match.end() > starts[-1]):
            starts.append(match.end())
    return starts


def paragraph_of(starts: list[int], offset: int) -> int:
    """The 1-based number of the paragraph that holds `offset`."""
    number = 0
    for number_index, start in enumerate(starts, start=1):
        if start > offset:
            break
        number = number_index
    return max(number, 1)


def split_paragraphs(text: str) -> list[tuple[int, int, int]]:
    """(number, start, end) of every paragraph, end exclusive and without trailing space."""
    starts = paragraph_starts(text)
    result = []
    for number, start in enumerate(starts, start=1):
        end = starts[number] if number < len(starts) else len(text)
        end = start + len(text[start:end].rstrip())
        result.append((number, start, end))
    return result


class QuoteNotFound(ValueError):
    pass


def locate_quote(text: str, quote: str, *, near: int | None = None) -> Span:
    """Find `quote` in `text` and return the exact span of `text` that it matches.

    If the quote occurs more than once, the occurrence nearest to `near` wins (the offsets a
    reader's selection sent), or the first when no hint is given.
    """
    needle = normalize(quote)
    if not needle:
        raise QuoteNotFound(_("The quote is empty."))
    haystack, offsets = normalize_with_map(text)
    hits = []
    position = haystack.find(needle)
    while position != -1:
        hits.append(position)
        position = haystack.find(needle, position + 1)
    if not hits:
        raise QuoteNotFound(_("The quote does not occur in the source text."))
    if near is not None:
        hits.sort(key=lambda hit: abs(offsets[hit] - near))
    hit = hits[0]
    start = offsets[hit]
    end = offsets[hit + len(needle) - 1] + 1
    return Span(
        start=start,
        end=end,
        quote=text[start:end],
        paragraph=paragraph_of(paragraph_starts(text), start),
    )
