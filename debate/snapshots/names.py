"""Who wrote each claim of a snapshot document, as one audience may be told.

In an anonymous debate (or a snapshot frozen while it was), non-moderators read pseudonyms
only ("Participant 7") and moderators the username with `author_pseudonym` beside it. The
names policy itself is `mapview.visibility.names_for`; this module only applies it to a
document's claim rows, for the live documents (`services.live_snapshot`) and the frozen ones
(`services.frozen_view`), so that every format written from them (JSON, AIF, Argdown,
GraphML) and every diff of them carries the same names.

The author is looked up by claim id in the database rather than read from the document: a
frozen document stores usernames only where it was frozen before anonymity, and the
participants' map carries pseudonyms only.
"""

from __future__ import annotations

from debate.arguments.models import Claim
from debate.mapview.visibility import NAMELESS, Names

# claim id → (author's user id, author's username): None, None for a claim without author.
Authors = dict[int, tuple[int | None, str | None]]


def claim_authors(debate_id: int) -> Authors:
    """Every claim's author in this debate (1 query)."""
    return {
        claim_id: (user_id, username)
        for claim_id, user_id, username in Claim.objects.filter(debate_id=debate_id).values_list(
            "id", "author_id", "author__username"
        )
    }


def name_document(document: dict, names: Names, authors: Authors) -> dict:
    """The document with each claim's author named for `names`' audience, the given one left
    untouched. Outside anonymity: as it is. Where names are hidden: `author` and
    `author_pseudonym` are the pseudonym. For moderators: `author` the username and
    `author_pseudonym` beside it. A row without author (a placeholder) stays without one;
    a pseudonym stored at freezing is kept (the same person, under the same name)."""
    if not names.anonymous:
        return document
    claims = []
    for row in document.get("claims", []):
        if row.get("author") is None:
            claims.append({**row, "author": None, "author_pseudonym": None})
            continue
        user_id, username = authors.get(row["id"], (None, None))
        # Nobody with a pseudonym here (an account deleted since): named by no username.
        pseudonym = row.get("author_pseudonym") or names.pseudonym(user_id) or str(NAMELESS)
        author = pseudonym if names.hidden else (username or row["author"])
        claims.append({**row, "author": author, "author_pseudonym": pseudonym})
    return {**document, "claims": claims}
