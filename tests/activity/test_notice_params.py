"""Notices are stored as a kind plus params and worded when they are read: in the reader's
language, naming people by the reader's names policy; old rows' English messages migrate
into params; a page of notices costs the same queries however many there are."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from debate.accounts.models import LanguagePreference
from debate.activity.models import Notice
from debate.activity.notices import notice_text, notice_texts
from debate.activity.services import digests_send, notice_many
from debate.arguments.models import Stance
from debate.arguments.services import claim_create
from debate.comments import services as comments
from debate.people.models import Pseudonym, pseudonym_label
from tests.factories import ClaimFactory
from tests.helpers import client_as

pytestmark = pytest.mark.django_db

migration = importlib.import_module("debate.activity.migrations.0004_notice_params")

ATTACKED_UK = "Ваше твердження №{claim} заперечено: «{quote}»"


def ukrainian_catalogue() -> None:
    """Skip until the Ukrainian catalogue holds the notices' sentences (the lead merges the
    areas' translations into debate/locale and compiles them)."""
    with translation.override("uk"):
        if notice_text("claim.rebutted", {"claim": 1, "quote": "x"}, title="t").startswith("Your"):
            pytest.skip("debate/locale/uk has no notice sentences yet")


@pytest.fixture
def claim(world):
    return ClaimFactory(debate=world.debate, position=world.position_now,
                        author=world.debater_now, team=world.team_now,
                        text="Talks now deter Russia.")  # fmt: skip


def attack(world, claim):
    return claim_create(actor=world.debater_after, debate=world.debate, parent=claim,
                        position=world.position_now,
                        stance=Stance.CON, text="Russia never had a veto.")  # fmt: skip


# --- the reader's language -------------------------------------------------------------------


def test_a_notice_written_in_english_reads_in_ukrainian_for_a_ukrainian_reader(world, claim):
    ukrainian_catalogue()
    with translation.override("en-gb"):
        attack(world, claim)
    notice = Notice.objects.get(user=world.debater_now)
    assert notice.params == {"claim": claim.pk, "quote": "Russia never had a veto."}
    assert notice.message == f"Your claim #{claim.pk} was attacked: “Russia never had a veto.”"

    LanguagePreference.objects.create(user=world.debater_now, language="uk")
    client = client_as(world.debater_now)
    client.cookies["django_language"] = "uk"
    page = client.get(reverse("activity"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert ATTACKED_UK.format(claim=claim.pk, quote="Russia never had a veto.") in page
    assert "was attacked" not in page


def test_a_notice_written_in_ukrainian_reads_in_english_for_an_english_reader(world, claim):
    with translation.override("uk"):
        attack(world, claim)
    notice = Notice.objects.get(user=world.debater_now)
    assert "text" not in notice.params  # no sentence stored, in any language
    page = client_as(world.debater_now).get(reverse("activity")).content.decode()
    assert f"Your claim #{claim.pk} was attacked: “Russia never had a veto.”" in page


def test_the_digest_is_worded_in_the_moderators_language(world, claim, mailoutbox):
    ukrainian_catalogue()
    from debate.activity.models import DigestSubscription

    world.moderator.email = "m@example.org"
    world.moderator.save(update_fields=["email"])
    LanguagePreference.objects.create(user=world.moderator, language="uk")
    DigestSubscription.objects.create(user=world.moderator, debate=world.debate)
    notice_many(user_ids=[world.moderator.pk], actor=world.debater_after, debate=world.debate,
                kind="claim.rebutted", params={"claim": claim.pk, "quote": "q"})  # fmt: skip
    with translation.override("en-gb"):
        assert digests_send() == 1
    body = mailoutbox[0].body
    assert ATTACKED_UK.format(claim=claim.pk, quote="q") in body
    assert "Hello" not in body


# --- names by the reader's policy ------------------------------------------------------------


def test_an_anonymous_debates_comment_notice_names_by_the_readers_policy(world, claim):
    # Written while the debate named everyone by username...
    comments.comment_add(actor=world.debater_after, claim=claim, kind="question",
                         text="Which source? @moderator please look")  # fmt: skip
    student = Notice.objects.get(user=world.debater_now, kind="comment.new")
    moderator = Notice.objects.get(user=world.moderator, kind="comment.mention")
    assert student.message.startswith("debater-after commented on your claim")
    # ...read after it became anonymous.
    world.debate.anonymous = True
    world.debate.save(update_fields=["anonymous"])
    number = Pseudonym.objects.get(debate=world.debate, user=world.debater_after).number
    name = pseudonym_label(number)

    student = Notice.objects.select_related("debate").get(pk=student.pk)
    assert student.message == (
        f"{name} commented on your claim #{claim.pk}: “Talks now deter Russia.”."
    )
    moderator = Notice.objects.select_related("debate").get(pk=moderator.pk)
    assert moderator.message.startswith(f"debater-after ({name}) mentioned you in a comment")
    page = client_as(world.debater_now).get(reverse("activity")).content.decode()
    assert name in page and "debater-after" not in page


# --- old rows migrate ------------------------------------------------------------------------

OLD_ROWS = [  # fmt: skip
    ("claim.rebutted", "Your claim #12 was attacked: “Russia never had a veto.”",
     {"claim": 12, "quote": "Russia never had a veto."}),
    ("claim.hidden", "A moderator hid your claim #4: Off topic.",
     {"claim": 4, "reason": "Off topic."}),
    ("claim.restored", "A moderator restored your claim #4: Back.",
     {"claim": 4, "reason": "Back."}),
    ("claim.flagged",
     "Your claim #5 was flagged: fallacy (ad hominem). A moderator will look at it.",
     {"claim": 5, "flag_kind": "fallacy", "fallacy": "ad_hominem"}),
    ("claim.flagged", "Your claim #5 was flagged: off-topic. A moderator will look at it.",
     {"claim": 5, "flag_kind": "off_topic", "fallacy": ""}),
    ("claim.merged", "Your claim #7 was merged into #3: Same.",
     {"claim": 7, "into": 3, "reason": "Same."}),
    ("evidence.approved", "Your evidence “nine agreements” was approved.",
     {"quote": "nine agreements", "reason": ""}),
    ("evidence.rejected", "Your evidence “nine” was rejected: Cut mid-sentence.",
     {"quote": "nine", "reason": "Cut mid-sentence."}),
    ("debate.phase", "“Ukraine & NATO” moved to the voting phase.", {"phase": "voting"}),
    ("grade.released", "Your grade or feedback in “Ukraine” was released.", {}),
    ("group.placed", "You argue in small group 2 now: “Ukraine — group 2”.", {"group": 2}),
    ("review.evidence", "3 evidence proposals wait for review in “Ukraine”", {"count": 3}),
    ("review.flags", "1 flag waits for review in “Ukraine”", {"count": 1}),
    ("comment.new", "ana_k commented on your claim #9: “Talks now.”.",
     {"actor_id": 41, "claim": 9, "quote": "Talks now."}),
    ("comment.mention", "ana_k (Participant 3) mentioned you in a comment on #9: “Talks.”.",
     {"actor_id": 41, "claim": 9, "quote": "Talks."}),
]


@pytest.mark.parametrize(("kind", "message", "params"), OLD_ROWS)
def test_old_messages_become_params_that_read_the_same(kind, message, params):
    found = migration.params_from_message(kind, message, find_actor=lambda name: 41)
    assert found == params
    title = message.split("“")[1].split("”")[0] if kind in {
        "debate.phase", "grade.released", "group.placed", "review.evidence", "review.flags"
    } else "t"  # fmt: skip
    actor = "ana_k (Participant 3)" if "Participant" in message else "ana_k"
    with translation.override("en-gb"):
        assert notice_text(kind, found, title=title, actor=actor) == message


@pytest.mark.parametrize(("kind", "message"), [
    ("claim.rebutted", "Something else entirely"),
    ("claim.flagged", "Your claim #5 was flagged: weird. A moderator will look at it."),
    ("comment.new", "ghost commented on your claim #9: “x”."),  # nobody of that name
    ("made.up", "A line of a kind that has no sentence"),
])  # fmt: skip
def test_a_row_that_cannot_be_parsed_keeps_its_words_verbatim(kind, message):
    params = migration.params_from_message(kind, message, find_actor=lambda name: None)
    assert params == {"text": message}
    with translation.override("uk"):
        assert notice_text(kind, params, title="t") == message


def test_the_migration_converts_rows_and_finds_the_commenter(world, claim):
    """convert() on rows as they were: the old message in a stand-in column."""

    class Row:
        def __init__(self, notice, message):
            self.pk, self.kind, self.message = notice.pk, notice.kind, message
            self.debate_id, self.event_id, self.event = notice.debate_id, None, None
            self.params = None

    class Rows:
        def __init__(self, rows):
            self.rows, self.saved = rows, []

        def select_related(self, *args):
            return self

        def order_by(self, *args):
            return self

        def iterator(self):
            return iter(self.rows)

        def bulk_update(self, rows, fields, batch_size):
            self.saved = [(row.pk, row.params) for row in rows]

    world.debate.anonymous = True
    world.debate.save(update_fields=["anonymous"])
    number = Pseudonym.objects.get(debate=world.debate, user=world.debater_after).number
    made = [Notice.objects.create(user=world.debater_now, debate=world.debate, kind=kind)
            for kind in ("comment.new", "comment.new", "claim.hidden")]  # fmt: skip
    old = [f"debater-after commented on your claim #{claim.pk}: “x”.",
           f"Participant {number} commented on your claim #{claim.pk}: “x”.",
           "Not the pattern"]  # fmt: skip
    manager = Rows([Row(n, m) for n, m in zip(made, old, strict=True)])

    class Model:
        objects = manager

    from django.contrib.auth import get_user_model

    migration.convert(Model, get_user_model(), Pseudonym)
    assert manager.saved == [
        (made[0].pk, {"actor_id": world.debater_after.pk, "claim": claim.pk, "quote": "x"}),
        (made[1].pk, {"actor_id": world.debater_after.pk, "claim": claim.pk, "quote": "x"}),
        (made[2].pk, {"text": "Not the pattern"}),
    ]


# --- a page of notices -----------------------------------------------------------------------


def _panel_queries(user) -> int:
    client = client_as(user)
    client.get(reverse("activity"))  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("activity")).status_code == 200
    return len(queries)


def test_the_panel_costs_the_same_queries_for_5_and_50_notices(world, claim):
    world.debate.anonymous = True
    world.debate.save(update_fields=["anonymous"])
    kinds = [("comment.new", {"actor_id": world.debater_after.pk, "claim": claim.pk, "quote": "q"}),
             ("claim.rebutted", {"claim": claim.pk, "quote": "q"}),
             ("review.flags", {"count": 2}), ("debate.phase", {"phase": "voting"}),
             ("comment.mention", {"actor_id": world.observer.pk, "claim": claim.pk, "quote": "q"})]

    def write(count):
        Notice.objects.bulk_create(
            Notice(user=world.debater_now, debate=world.debate, kind=kinds[i % 5][0],
                   params=kinds[i % 5][1])
            for i in range(count)
        )  # fmt: skip

    write(5)
    five = _panel_queries(world.debater_now)
    write(45)
    assert _panel_queries(world.debater_now) == five
    assert len(notice_texts(Notice.objects.select_related("debate"), world.debater_now)) == 50
