"""@mentions in a comment's text: what the words say (`tokens`, `segments`) and whom they
name in one debate for one writer (`mentioned_ids`).

- `@username`: Django's usernames (letters, digits and @ . + - _); a trailing full stop or
  other end-of-sentence mark is not part of the name.
- `@Participant 7` or `@Participant7`: a pseudonym, in an anonymous debate, in the word of
  any language the site speaks (`@Учасник 7`), whatever the writer's or reader's language.

In an anonymous debate a username names nobody unless the writer moderates it: a mention
that resolved would confirm who is behind a pseudonym. Only current members are named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import translation

from debate.mapview.visibility import Names
from debate.people.models import pseudonym_label

# A mention starts at "@" not glued to a preceding word character (an e-mail address).
USERNAME = re.compile(r"(?<![\w@.+-])@([\w.@+-]{1,150})")
NUMBER = "%(number)s"
# Characters that end a sentence rather than a username ("ask @ana_k.").
TRAILING = ".@+-"


@cache
def pseudonym_words() -> tuple[str, ...]:
    """The word of people.models.pseudonym_label ("Participant") in every language of
    settings.LANGUAGES, from the catalogues: a mention may use any of them."""
    words = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            label = pseudonym_label(NUMBER)  # the placeholder itself, to split the label at
        word = label.split(NUMBER, 1)[0].strip()
        if word:
            words.add(word)
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


@cache
def _pseudonym_re() -> re.Pattern:
    words = "|".join(re.escape(word) for word in pseudonym_words())
    return re.compile(rf"(?<![\w@.+-])@(?:{words})\s?(\d{{1,9}})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Segment:
    """A run of a comment's text, and whether it is an @mention (the page highlights it; the
    template escapes both)."""

    text: str
    mention: bool = False


def _spans(text: str) -> list[tuple[int, int]]:
    """Where the mentions are, pseudonyms first (they may hold a space), never overlapping."""
    spans = [m.span() for m in _pseudonym_re().finditer(text)]
    for match in USERNAME.finditer(text):
        start, end = match.span()
        end -= len(match.group(1)) - len(match.group(1).rstrip(TRAILING))
        if end - start > 1 and not any(s <= start < e for s, e in spans):
            spans.append((start, end))
    return sorted(spans)


def segments(text: str) -> list[Segment]:
    """The text cut into plain runs and mentions, for drawing."""
    out: list[Segment] = []
    at = 0
    for start, end in _spans(text):
        if start > at:
            out.append(Segment(text[at:start]))
        out.append(Segment(text[start:end], mention=True))
        at = end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


def tokens(text: str) -> tuple[set[str], set[str]]:
    """The usernames and the pseudonyms the text mentions, each pseudonym as the current
    language labels it ("@Учасник 7" is "Participant 7" in English), as `Names` holds it."""
    pattern = _pseudonym_re()
    usernames: set[str] = set()
    pseudonyms = {pseudonym_label(int(m.group(1))) for m in pattern.finditer(text)}
    for start, end in _spans(text):
        word = text[start + 1 : end]
        if not pattern.fullmatch(text[start:end]):
            usernames.add(word)
    return usernames, pseudonyms


def mentioned_ids(text: str, *, debate, names: Names, writer_moderates: bool) -> set[int]:
    """The current members of `debate` that `text` names, for this writer (one query, plus
    none for pseudonyms: `names` holds them)."""
    from debate.debates.models import Membership

    usernames, pseudonyms = tokens(text)
    ids: set[int] = set()
    if names.anonymous:
        ids |= {uid for p in pseudonyms if (uid := names.user_of(p)) is not None}
        if not writer_moderates:
            usernames = set()
    if not usernames and not ids:
        return set()
    members = Membership.objects.filter(debate=debate)
    found = members.filter(user__username__in=usernames) if usernames else members.none()
    if ids:
        found = found | members.filter(user_id__in=ids)
    return set(found.values_list("user_id", flat=True))
