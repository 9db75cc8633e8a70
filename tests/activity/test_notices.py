"""The activity panel: each kind of notice reaches the participant it concerns, never the
person who acted; the panel lists a user's own notices; "mark all as read" clears them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from debate.activity.models import Notice
from debate.arguments.models import Stance
from debate.arguments.services import claim_create, claim_hide, claim_restore, claim_withdraw
from debate.audit.models import AuditEvent
from debate.debates.models import Phase
from debate.debates.services import phase_change
from debate.errors import NotAllowed
from debate.moderation.services import claim_merge, flag_create
from debate.sources.services import evidence_approve, evidence_propose, evidence_reject
from tests.factories import ClaimFactory
from tests.helpers import client_as

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def notices() -> list[tuple[str, str]]:
    """(username, kind) of every notice, oldest first."""
    return list(Notice.objects.order_by("id").values_list("user__username", "kind"))


@pytest.fixture
def claim(debate, position_now, team_now, debater_now):
    """A claim by debater_now (Team Now) under position "now"."""
    return ClaimFactory(
        debate=debate, position=position_now, author=debater_now, team=team_now,
        text="Talks now deny Russia a veto over enlargement.",
    )  # fmt: skip


@pytest.fixture
def proposal(source, debater_now):
    evidence, _ = evidence_propose(
        actor=debater_now, source=source, quote="nine bilateral security agreements"
    )
    return evidence


# --- each kind, to the right person --------------------------------------------------------------


def test_approval_tells_the_proposer(proposal, moderator, debater_now, debate, source):
    evidence_approve(actor=moderator, evidence=proposal, reason="Exact and relevant.")

    notice = Notice.objects.get()
    assert (notice.user, notice.kind, notice.debate) == (debater_now, "evidence.approved", debate)
    assert notice.message == (
        "Your evidence “nine bilateral security agreements” was approved: Exact and relevant."
    )
    assert notice.url == (
        reverse("source", args=[debate.slug, source.pk]) + f"#evidence-{proposal.pk}"
    )
    assert notice.read_at is None


def test_approval_without_a_reason_ends_the_message_plainly(proposal, moderator):
    evidence_approve(actor=moderator, evidence=proposal)
    assert Notice.objects.get().message.endswith("was approved.")


def test_rejection_tells_the_proposer_the_reason(proposal, moderator, debater_now):
    evidence_reject(actor=moderator, evidence=proposal, reason="Cut mid-sentence.")

    notice = Notice.objects.get()
    assert (notice.user, notice.kind) == (debater_now, "evidence.rejected")
    assert notice.message.endswith("was rejected: Cut mid-sentence.")


def test_a_moderator_reviewing_their_own_proposal_gets_no_notice(source, moderator):
    evidence, _ = evidence_propose(actor=moderator, source=source, quote="Critics want the war")
    evidence_approve(actor=moderator, evidence=evidence)
    assert notices() == []


def test_rebuttal_tells_the_author_of_the_attacked_claim(claim, debater_after, debater_now):
    reply = claim_create(
        actor=debater_after, debate=claim.debate, position=claim.position, parent=claim,
        stance=Stance.CON, text="Russia never had a veto.",
    )  # fmt: skip

    notice = Notice.objects.get()
    assert (notice.user, notice.kind) == (debater_now, "claim.rebutted")
    assert f"#{claim.pk} was attacked" in notice.message
    assert "Russia never had a veto." in notice.message
    assert notice.url == reverse("claim", args=[claim.debate.slug, reply.pk])


WITHHELD = "This notice quoted something that is no longer in the map."


def test_a_hidden_rebuttal_keeps_its_words_out_of_the_panel(
    claim, debater_after, debater_now, moderator
):
    reply = claim_create(
        actor=debater_after, debate=claim.debate, position=claim.position, parent=claim,
        stance=Stance.CON, text="Words that a moderator will hide.",
    )  # fmt: skip
    panel = client_as(debater_now)
    assert "Words that a moderator will hide." in panel.get(reverse("activity")).content.decode()

    claim_hide(actor=moderator, claim=reply, reason="Abusive.")
    html = panel.get(reverse("activity")).content.decode()
    assert "Words that a moderator will hide." not in html
    assert WITHHELD in html
    assert f'href="{reverse("claim", args=[claim.debate.slug, reply.pk])}"' not in html

    claim_restore(actor=moderator, claim=reply, reason="On reflection, fair.")
    assert "Words that a moderator will hide." in panel.get(reverse("activity")).content.decode()


def test_a_withdrawn_rebuttal_keeps_its_words_out_of_the_panel(claim, debater_after, debater_now):
    reply = claim_create(
        actor=debater_after, debate=claim.debate, position=claim.position, parent=claim,
        stance=Stance.CON, text="Words their author takes back.",
    )  # fmt: skip
    claim_withdraw(actor=debater_after, claim=reply)

    html = client_as(debater_now).get(reverse("activity")).content.decode()
    assert "Words their author takes back." not in html and WITHHELD in html


def test_a_moderator_still_reads_a_hidden_rebuttal_in_their_panel(
    debate, position_now, moderator, debater_after
):
    own = claim_create(actor=moderator, debate=debate, position=position_now, stance="pro",
                       text="The moderator's own claim.")  # fmt: skip
    reply = claim_create(
        actor=debater_after, debate=debate, position=position_now, parent=own,
        stance=Stance.CON, text="Hidden, and still the moderator's to read.",
    )  # fmt: skip
    claim_hide(actor=moderator, claim=reply, reason="Off topic.")

    html = client_as(moderator).get(reverse("activity")).content.decode()
    assert "Hidden, and still the moderator&#x27;s to read." in html and WITHHELD not in html


def test_a_supporting_reply_is_not_a_rebuttal(claim, debater_after):
    claim_create(
        actor=debater_after, debate=claim.debate, position=claim.position, parent=claim,
        stance=Stance.PRO, text="And enlargement is NATO's own decision.",
    )  # fmt: skip
    assert notices() == []


def test_attacking_your_own_claim_sends_no_notice(claim, debater_now):
    claim_create(
        actor=debater_now, debate=claim.debate, position=claim.position, parent=claim,
        stance=Stance.CON, text="On reflection, a caveat.",
    )  # fmt: skip
    assert notices() == []


def test_flag_tells_the_author_but_not_who_flagged(claim, observer, debater_now):
    flag_create(actor=observer, claim=claim, kind="unsupported")

    notice = Notice.objects.get()
    assert (notice.user, notice.kind) == (debater_now, "claim.flagged")
    assert notice.message == (
        f"Your claim #{claim.pk} was flagged: unsupported. A moderator will look at it."
    )
    assert "observer" not in notice.message


def test_flagging_your_own_claim_sends_no_notice(claim, debater_now):
    with pytest.raises(NotAllowed):  # refused outright (tests/moderation/test_self_flag.py)
        flag_create(actor=debater_now, claim=claim, kind="off_topic")
    assert notices() == []


def test_hide_and_restore_tell_the_author_with_the_reason(claim, moderator, debater_now):
    claim_hide(actor=moderator, claim=claim, reason="Off topic.")
    claim_restore(actor=moderator, claim=claim, reason="Back on topic.")

    hidden, restored = Notice.objects.order_by("id")
    assert (hidden.user, hidden.kind) == (debater_now, "claim.hidden")
    assert hidden.message == f"A moderator hid your claim #{claim.pk}: Off topic."
    assert (restored.user, restored.kind) == (debater_now, "claim.restored")
    assert restored.message == f"A moderator restored your claim #{claim.pk}: Back on topic."


def test_a_moderator_hiding_their_own_claim_gets_no_notice(debate, position_now, moderator):
    own = ClaimFactory(debate=debate, position=position_now, author=moderator)
    claim_hide(actor=moderator, claim=own, reason="Posted by mistake.")
    assert notices() == []


def test_merge_tells_the_duplicates_author(claim, debate, position_now, debater_after, moderator):
    duplicate = ClaimFactory(debate=debate, position=position_now, author=debater_after)

    claim_merge(actor=moderator, duplicate=duplicate, original=claim, reason="Same point.")

    notice = Notice.objects.get()
    assert (notice.user, notice.kind) == (debater_after, "claim.merged")
    assert notice.url == reverse("claim", args=[debate.slug, claim.pk])


def test_phase_change_tells_every_member_but_the_moderator_who_changed_it(
    debate, moderator, debater_now, debater_after, observer, outsider
):
    phase_change(actor=moderator, debate=debate, phase=Phase.VOTING)

    assert sorted(notices()) == [
        ("debater-after", "debate.phase"),
        ("debater-now", "debate.phase"),
        ("observer", "debate.phase"),
    ]
    message = Notice.objects.first().message
    assert message == f"“{debate.title}” moved to the voting phase."


def test_a_seeded_claim_without_author_sends_no_notice(debate, position_now, debater_after):
    seeded = ClaimFactory(debate=debate, position=position_now, author=None)
    claim_create(
        actor=debater_after, debate=debate, position=position_now, parent=seeded,
        stance=Stance.CON, text="An attack on a seeded claim.",
    )  # fmt: skip
    assert notices() == []


# --- the panel -----------------------------------------------------------------------------------


@pytest.fixture
def panel(claim, proposal, moderator, debater_after, observer):
    """debater_now has three notices (approval, rebuttal, flag); debater_after has none."""
    evidence_approve(actor=moderator, evidence=proposal, reason="Exact.")
    claim_create(
        actor=debater_after, debate=claim.debate, position=claim.position, parent=claim,
        stance=Stance.CON, text="An <em>attack</em> on it.",
    )  # fmt: skip
    flag_create(actor=observer, claim=claim, kind="abusive")
    return claim


def test_panel_lists_my_notices_newest_first(panel, debater_now):
    response = client_as(debater_now).get(reverse("activity"))

    html = response.content.decode()
    assert response.status_code == 200
    flagged = html.index(f"Your claim #{panel.pk} was flagged: abusive.")
    attacked = html.index(f"Your claim #{panel.pk} was attacked")
    approved = html.index("Your evidence “nine bilateral security agreements” was approved")
    assert flagged < attacked < approved
    assert html.count("<strong>new</strong>") == 3
    assert "An &lt;em&gt;attack&lt;/em&gt; on it." in html
    assert '<span class="count" aria-label="3 unread">3</span>' in html


def test_panel_links_each_notice_to_what_it_is_about(panel, debater_now):
    html = client_as(debater_now).get(reverse("activity")).content.decode()
    for url in Notice.objects.filter(user=debater_now).values_list("url", flat=True):
        assert f'<a href="{url}">' in html


def test_panel_does_not_show_other_peoples_notices(panel, debater_after):
    html = client_as(debater_after).get(reverse("activity")).content.decode()
    assert "was attacked" not in html and "was flagged" not in html
    assert "Nothing yet." in html
    assert 'class="count"' not in html


def test_panel_needs_a_login(db):
    response = Client().get(reverse("activity"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_mark_all_as_read_clears_only_my_notices(panel, debater_now, debater_after, moderator):
    phase_change(actor=moderator, debate=panel.debate, phase=Phase.VOTING)  # both get one
    last_event = max(AuditEvent.objects.values_list("pk", flat=True))

    response = client_as(debater_now).post(reverse("activity"))

    assert response.status_code == 302
    assert response["Location"] == reverse("activity")
    assert not Notice.objects.filter(user=debater_now, read_at__isnull=True).exists()
    assert Notice.objects.filter(user=debater_after, read_at__isnull=True).count() == 1
    event = AuditEvent.objects.get(pk__gt=last_event)
    assert (event.action, event.actor, event.after) == ("notices.read", debater_now, {"count": 4})
    html = client_as(debater_now).get(reverse("activity")).content.decode()
    assert "<strong>new</strong>" not in html
    assert "was attacked" in html  # read notices stay in the panel


def test_htmx_mark_read_returns_the_notices_fragment(panel, debater_now):
    response = client_as(debater_now).post(reverse("activity"), **HX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="notices"')
    assert "<html" not in html
    assert "<strong>new</strong>" not in html
    assert "was attacked" in html


def test_marking_read_with_nothing_unread_records_nothing(panel, debater_after):
    before = AuditEvent.objects.count()
    client_as(debater_after).post(reverse("activity"))
    assert AuditEvent.objects.count() == before


def test_anonymous_cannot_mark_anything_read(panel):
    unread = Notice.objects.filter(read_at__isnull=True).count()  # the moderator's one too
    response = Client().post(reverse("activity"))
    assert response.status_code == 302
    assert Notice.objects.filter(read_at__isnull=True).count() == unread == 4
