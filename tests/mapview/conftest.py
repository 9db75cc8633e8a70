"""The world that the visibility tests walk, over the API (test_visibility.py) and over the
pages (test_visibility_pages.py).

Built through the services, so that the audit trail and the activity notices are real. The
roles are the shared cast: nobody signed in, an observer, the debater of Team Now (its only
member), the rival debater of Team After, and the moderator.

- Team Now's opening claim, attacked by a claim of zz_author_hidden's,
  "SECRET-HIDDEN-CLAIM-7731", which cites approved evidence and is answered by a visible
  reply of the debater's; frozen into snapshot 1, then hidden by the moderator (snapshot 2
  has it as a placeholder);
- evidence the debater proposed and the moderator rejected with "REJECT-REASON-9931", and
  evidence the rival proposed that waits for review;
- in the voting phase, a poll answer by zz_poll_answerer, and the debater's vote of 4 on
  the rival's claim: Team Now's only vote, so a breakdown by Team Now would show it.
"""

from __future__ import annotations

import pytest

from tests.mapview.anonymous_world import anonymous_world  # noqa: F401 (the fixture)
from tests.mapview.helpers import populate


@pytest.fixture
def world(world, debate, position_now, position_after, team_after, moderator, debater_now,
          debater_after, source):  # fmt: skip
    return populate(world)
