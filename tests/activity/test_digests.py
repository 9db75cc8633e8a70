"""The moderators' daily email digest: one plain-text email per subscription and day, about
what waits in that debate's queue and the subscriber's unread notices there, nothing else."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from debate import permissions
from debate.activity.models import DigestSubscription, Notice
from debate.activity.services import (
    digest_subscribe,
    digest_unsubscribe,
    digests_send,
    notice_send,
)
from debate.audit.models import AuditEvent
from debate.debates.models import Phase, Role
from debate.errors import NotAllowed
from debate.moderation.models import FlagStatus
from tests.activity.alerts import flagged, moderated_debate, proposed
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://debates.example.org"
HOSTILE = "Ukraine\r\nBcc: victim@example.org\n<script>alert(1)</script> ‏עברית‏ 🇺🇦"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def subscribed(debate, moderator):
    digest_subscribe(actor=moderator, debate=debate)
    return moderator


def only_mail():
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    return mail.outbox[0]


# --- what the email says -------------------------------------------------------------------


def test_the_digest_lists_the_queue_and_the_unread_notices_with_absolute_links(
    debate, subscribed, debater_now
):
    evidence = proposed(debate, 2)
    flag = flagged(debate, 1, reporter=debater_now)[0]
    notice_send(user_id=subscribed.pk, actor=debater_now, debate=debate, kind="test",
                message="Something happened.", url="/d/ukraine-nato/claims/1/")  # fmt: skip

    assert digests_send() == 1
    email = only_mail()
    assert email.to == [subscribed.email]
    assert email.subject == f"2 evidence proposals and 1 flag wait · “{debate.title}”"
    body = email.body
    assert f"Review them: {SITE}/d/{debate.slug}/moderate/" in body
    for item in evidence:
        assert f"“{item.quote.strip()}” (#{item.pk}, proposed by the app)" in body
    assert (
        f"- Claim #{flag.claim_id}: off-topic {SITE}/d/{debate.slug}/claims/{flag.claim_id}/"
        in body
    )
    assert f"- Something happened. {SITE}/d/ukraine-nato/claims/1/" in body
    assert f"{SITE}/activity/" in body  # where to switch it off
    assert DigestSubscription.objects.get().last_sent_at is not None


def test_unread_notices_alone_are_worth_a_digest(debate, subscribed, debater_now):
    notice_send(user_id=subscribed.pk, actor=debater_now, debate=debate, kind="test",
                message="Your claim was attacked.")  # fmt: skip
    assert digests_send() == 1
    assert only_mail().subject == f"1 unread notice · “{debate.title}”"


def test_nothing_new_no_email(debate, subscribed, debater_now):
    proposed(debate, 1, status="approved")
    flagged(debate, 1, reporter=debater_now, status=FlagStatus.DISMISSED)
    assert digests_send() == 0
    assert mail.outbox == []
    assert DigestSubscription.objects.get().last_sent_at is None  # due as soon as there is


def test_a_hostile_title_cannot_break_the_subject(debate, subscribed):
    debate.title = HOSTILE
    debate.save()
    proposed(debate, 1)

    assert digests_send() == 1
    email = only_mail()
    message = email.message()
    assert "\n" not in email.subject and "\r" not in email.subject
    assert message["Bcc"] is None and email.bcc == []
    assert email.subject.startswith("1 evidence proposal waits · “Ukraine Bcc: victim@")
    # Plain text: the words come as they are, on one line, never as markup of ours.
    assert "<script>alert(1)</script>" in email.body
    assert "\nBcc:" not in email.body


def test_quotes_and_notices_stay_on_one_line_each(debate, subscribed, debater_now):
    proposed(debate, 1)
    notice_send(user_id=subscribed.pk, actor=debater_now, debate=debate, kind="test",
                message="line one\n\nReview them: https://evil.example/")  # fmt: skip
    digests_send()
    lines = only_mail().body.splitlines()
    assert "Review them: https://evil.example/" not in lines
    assert "- line one Review them: https://evil.example/" in lines


def test_a_long_queue_is_cut_with_a_count_of_the_rest(debate, subscribed):
    proposed(debate, 23)
    digests_send()
    body = only_mail().body
    assert body.count("proposed by") == 20
    assert "… and 3 more" in body


# --- whose and when ------------------------------------------------------------------------


def test_once_a_day(debate, subscribed):
    proposed(debate, 1)
    now = timezone.now()
    assert digests_send(now) == 1
    assert digests_send(now + timedelta(hours=23)) == 0
    assert digests_send(now + timedelta(hours=24, seconds=1)) == 1
    assert len(mail.outbox) == 2


def test_nobody_elses_items_or_notices(debate, subscribed, debater_now, moderator):
    other = moderated_debate(UserFactory())
    proposed(other, 4, note="elsewhere")
    flagged(other, 2, reporter=debater_now)
    proposed(debate, 1)
    notice_send(user_id=debater_now.pk, actor=moderator, debate=debate, kind="test",
                message="For the debater only.")  # fmt: skip
    elsewhere = moderated_debate(subscribed)
    notice_send(user_id=subscribed.pk, actor=debater_now, debate=elsewhere, kind="test",
                message="About another debate.")  # fmt: skip

    digests_send()
    body = only_mail().body
    assert body.count("proposed by") == 1
    assert "Flags:" not in body
    assert "For the debater only." not in body and "About another debate." not in body


def test_one_email_per_subscription(debate, subscribed, debater_now):
    other = moderated_debate(subscribed)
    digest_subscribe(actor=subscribed, debate=other)
    second = MembershipFactory(debate=debate, role=Role.MODERATOR).user
    digest_subscribe(actor=second, debate=debate)
    proposed(debate, 1)
    proposed(other, 1)

    assert digests_send() == 3
    assert sorted((m.to[0], m.subject.split("“")[1]) for m in mail.outbox) == sorted(
        [(subscribed.email, f"{debate.title}”"), (subscribed.email, f"{other.title}”"),
         (second.email, f"{debate.title}”")]
    )  # fmt: skip


def test_the_unsubscribed_and_the_never_subscribed_get_nothing(debate, subscribed, debater_now):
    MembershipFactory(debate=debate, role=Role.MODERATOR)  # never asked
    digest_unsubscribe(actor=subscribed, debate=debate)
    proposed(debate, 3)
    assert digests_send() == 0
    assert mail.outbox == []


def test_no_email_address_no_email(debate, subscribed):
    subscribed.email = ""
    subscribed.save()
    proposed(debate, 1)
    assert digests_send() == 0


def test_a_former_moderator_gets_nothing(debate, subscribed, team_now):
    from debate.debates.models import Membership

    Membership.objects.filter(user=subscribed).update(role=Role.OBSERVER)
    proposed(debate, 1)
    assert digests_send() == 0


def test_a_closed_debates_queue_waits_for_nobody(debate, subscribed):
    proposed(debate, 2)
    debate.phase = Phase.CLOSED
    debate.save()
    assert digests_send() == 0


def test_a_failed_send_stays_due(debate, subscribed, monkeypatch):
    from debate.activity import services

    proposed(debate, 1)

    def broken(**kwargs):
        raise OSError("the mail server is down")

    monkeypatch.setattr(services, "send_mail", broken)
    assert digests_send() == 0
    assert DigestSubscription.objects.get().last_sent_at is None
    monkeypatch.undo()
    assert digests_send() == 1


def test_sending_records_no_audit_event_and_no_version(debate, subscribed):
    proposed(debate, 1)
    events, version = AuditEvent.objects.count(), type(debate).objects.get().version
    digests_send()
    assert (AuditEvent.objects.count(), type(debate).objects.get().version) == (events, version)


@pytest.mark.parametrize("debates", [1, 5])
def test_the_reads_do_not_grow_with_the_subscriptions(
    moderator, debater_now, debates, django_assert_num_queries
):
    for _ in range(debates):
        other = moderated_debate(moderator)
        DigestSubscription.objects.create(user=moderator, debate=other)
        proposed(other, 3)
        flagged(other, 2, reporter=debater_now)
    # Five reads for all (the due subscriptions, their moderators, evidence, flags, notices),
    # then per email its savepoint pair, its lock and its update (the notices' visibility
    # costs a moderator nothing).
    with django_assert_num_queries(5 + 4 * debates):
        assert digests_send() == debates


# --- subscribing ---------------------------------------------------------------------------


def test_subscribing_is_for_moderators_and_audited(debate, moderator, debater_now, observer):
    for user in (debater_now, observer, UserFactory()):
        with pytest.raises(NotAllowed):
            digest_subscribe(actor=user, debate=debate)
    with pytest.raises(NotAllowed):
        digest_subscribe(actor=permissions.SYSTEM, debate=debate)
    subscription = digest_subscribe(actor=moderator, debate=debate)
    event = AuditEvent.objects.get(action="digest.subscribe")
    assert (event.actor, event.object_id, event.debate) == (moderator, subscription.pk, None)
    assert event.after == {"user_id": moderator.pk, "debate_id": debate.pk, "last_sent_at": None}


def test_unsubscribing_what_is_not_there_records_nothing(debate, moderator):
    assert digest_unsubscribe(actor=moderator, debate=debate) is False
    assert not AuditEvent.objects.filter(action__startswith="digest.").exists()


# --- the command ---------------------------------------------------------------------------


def test_the_command_sends_and_says_how_many(debate, subscribed, settings):
    del settings.SITE_URL
    proposed(debate, 1)
    out = StringIO()
    call_command("send_digests", "--site-url", "https://seminar.example.edu/", stdout=out)
    assert out.getvalue().strip() == "1 digest sent (links to https://seminar.example.edu)."
    assert "https://seminar.example.edu/d/" in only_mail().body
    call_command("send_digests", stdout=out)
    assert len(mail.outbox) == 1  # not twice in a day
    assert Notice.objects.count() == 0
