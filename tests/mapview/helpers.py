"""The secrets of the visibility world (tests/mapview/conftest.py `world`) and its cast.

Each secret is a distinctive string; the tests say which roles may find it in which
responses, and look for it in the raw bytes.
"""

from __future__ import annotations

HIDDEN_TEXT = b"SECRET-HIDDEN-CLAIM-7731"
HIDDEN_AUTHOR = b"zz_author_hidden"
REASON = b"REJECT-REASON-9931"
REJECTED_QUOTE = b"signed nine bilateral security agreements"
PROPOSED_QUOTE = b"Critics want the war to end first."
POLL_ANSWERER = b"zz_poll_answerer"
CITED_QUOTE = "never a replacement for membership"  # approved; the hidden claim cites it
LONE_VOTE = 4  # Team Now's only member rates the rival's claim this

ROLES = ("anonymous", "observer", "debater", "rival", "moderator")
NON_MODERATORS = [role for role in ROLES if role != "moderator"]
