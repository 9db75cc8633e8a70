"""@mentions in a comment's text: what the words say (`tokens`, `segments`) and whom they
name in one debate for one writer (`mentioned_ids`).

- `@username`: Django's usernames (letters, digits and @ . + - _); a trailing full stop or
  other end-of-sentence mark is not part of the name.
- `@Participant 7` or `@Participant7`: a pseudonym, in an anonymous debate.

In an anonymous debate a username names nobody unless the writer moderates it: a mention
that resolved would confirm who is behind a pseudonym. Only current members are named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from debate.mapview.visibility import Names
from debate.people.models import pseudonym_label

# A mention starts at "@" not glued to a preceding word character (an e-mail address). The
# word is people.models.pseudonym_label's: a label in another wording needs this too.
PSEUDONYM = re.compile(r"(?<![\w@.+-])@(participant)\s?(\d{1,9})\b", re.IGNORECASE)
USERNAME = re.compile(r"(?<![\w@.+-])@([\w.@+-]{1,150})")
# Characters that end a sentence rather than a username ("ask @ana_k.").
TRAILING = ".@+-"


@dataclass(frozen=True)
class Segment:
    """A run of a comment's text, and whether it is an @mention (the page highlights it; the
    template escapes both)."""

    text: str
    mention: bool = False


def _spans(text: str) -> list[tuple[int, int]]:
    """Where the mentions are, pseudonyms first (they may hold a space), never overlapping."""
    spans = [m.span() for m in PSEUDONYM.finditer(text)]
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
    """The usernames and the pseudonyms ("Participant 7") the text mentions."""
    usernames: set[str] = set()
    pseudonyms = {pseudonym_label(int(m.group(2))) for m in PSEUDONYM.finditer(text)}
    for start, end in _spans(text):
        word = text[start + 1 : end]
        if not PSEUDONYM.fullmatch(text[start:end]):
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
