import pytest

from debate.grading import services
from tests.factories import ClaimFactory


@pytest.fixture
def claim_now(debate, position_now, debater_now, team_now):
    text = "Talks now keep the door open. <script>alert(1)</script> עברית 🎓"
    return ClaimFactory(
        debate=debate, position=position_now, author=debater_now, team=team_now, text=text
    )


@pytest.fixture
def claim_after(debate, position_after, debater_after, team_after):
    return ClaimFactory(debate=debate, position=position_after, author=debater_after,
                        team=team_after, text="A settlement first avoids escalation.")  # fmt: skip


@pytest.fixture
def graded(debate, moderator, debater_now, debater_after, claim_now, claim_after):
    """Both debaters graded and given feedback (author-only on one, everyone on the other),
    nothing released yet."""
    services.grade_set(actor=moderator, debate=debate, user_id=debater_now.pk, value="A",
                       comment="Clear and well sourced <b>bold</b>.")  # fmt: skip
    services.grade_set(actor=moderator, debate=debate, user_id=debater_after.pk, value="C",
                       comment="Needs evidence.")  # fmt: skip
    services.feedback_set(actor=moderator, claim=claim_now, text="Private note for now-author",
                          audience="author")  # fmt: skip
    services.feedback_set(actor=moderator, claim=claim_after, text="Public note on after claim",
                          audience="everyone")  # fmt: skip
    return debate
