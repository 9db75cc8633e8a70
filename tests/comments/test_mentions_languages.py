"""@mentions of a pseudonym in either language of the site: "@Participant 7" and "@Учасник 7"
(with or without the space, any case) name the same person, whatever language the writer or
the reader uses. The words come from the catalogues (people.models.pseudonym_label), and only
the number is stored: the label is made in the reader's language when it is read."""

from __future__ import annotations

import pytest
from django.utils import translation

from debate.activity.models import Notice
from debate.comments import services
from debate.comments.mentions import pseudonym_words, segments, tokens
from debate.comments.models import Mention
from debate.people.models import Pseudonym, pseudonym_label
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def ukrainian_catalogue() -> None:
    """Skip until the Ukrainian catalogue holds the pseudonym (the lead merges the areas'
    translations into debate/locale and compiles them)."""
    with translation.override("uk"):
        if pseudonym_label(7) == "Participant 7":
            pytest.skip("debate/locale/uk has no «Учасник %(number)s» yet")


@pytest.fixture
def world(world):
    world.claim = ClaimFactory(debate=world.debate, position=world.position_now,
                               author=world.debater_now, team=world.team_now,
                               text="Talks now deter Russia.")  # fmt: skip
    world.debate.anonymous = True
    world.debate.save(update_fields=["anonymous"])
    return world


def number_of(world, user) -> int:
    return Pseudonym.objects.get(debate=world.debate, user=user).number


def test_the_label_is_made_in_the_readers_language_and_only_the_number_is_stored():
    ukrainian_catalogue()
    assert pseudonym_label(7) == "Participant 7"  # English stays the default
    with translation.override("uk"):
        assert pseudonym_label(7) == "Учасник 7"
    assert {f.name for f in Pseudonym._meta.get_fields()} >= {"number"}
    assert not any("label" in f.name for f in Pseudonym._meta.get_fields())


def test_the_words_of_every_language_are_taken_from_the_catalogues():
    ukrainian_catalogue()
    assert set(pseudonym_words()) == {"Participant", "Учасник"}


@pytest.mark.parametrize("written", ["@Учасник 7", "@Учасник7", "@учасник 7", "@УЧАСНИК7",
                                     "@Participant 7", "@participant7"])  # fmt: skip
def test_a_pseudonym_in_either_language_is_one_mention(written):
    ukrainian_catalogue()
    text = f"Що скаже {written}? Дякую."
    assert tokens(text) == (set(), {"Participant 7"})
    assert [s.text for s in segments(text) if s.mention] == [written]
    with translation.override("uk"):
        assert tokens(text) == (set(), {"Учасник 7"})  # as Names labels it in Ukrainian


def test_an_email_address_or_a_longer_word_is_no_ukrainian_mention():
    ukrainian_catalogue()
    assert tokens("пишіть на x@Учасник7.ua") == (set(), set())
    assert tokens("@Учасники 7") == ({"Учасники"}, set())  # another word: a username


@pytest.mark.parametrize("language", ["en-gb", "uk"])
def test_a_ukrainian_mention_tells_the_person_whatever_the_writers_language(world, language):
    ukrainian_catalogue()
    observer = number_of(world, world.observer)
    moderator = number_of(world, world.moderator)
    with translation.override(language):
        comment = services.comment_add(
            actor=world.debater_now, claim=world.claim, kind="question",
            text=f"@Учасник {observer} і @participant{moderator}: звідки це?",
        )  # fmt: skip
    assert set(Mention.objects.filter(comment=comment).values_list("user_id", flat=True)) == {
        world.observer.pk, world.moderator.pk,
    }  # fmt: skip
    assert Notice.objects.filter(user=world.observer, kind="comment.mention").exists()


def test_a_ukrainian_mention_in_a_debate_that_is_not_anonymous_names_nobody(world):
    ukrainian_catalogue()
    world.debate.anonymous = False
    world.debate.save(update_fields=["anonymous"])
    comment = services.comment_add(actor=world.debater_now, claim=world.claim, kind="question",
                                   text="@Учасник 7 звідки це?")  # fmt: skip
    assert not Mention.objects.filter(comment=comment).exists()
