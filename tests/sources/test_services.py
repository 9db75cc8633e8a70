"""Sources and evidence: text is hashed and frozen once cited; quotes are verified exactly."""

from __future__ import annotations

import pytest

from debate.audit.models import AuditEvent
from debate.debates.models import Phase
from debate.errors import InvalidInput, NotAllowed
from debate.sources.models import Evidence, EvidenceStatus, Source
from debate.sources.services import (
    evidence_approve,
    evidence_propose,
    evidence_reject,
    source_create,
    source_update_text,
)
from debate.sources.text import text_sha256
from tests.conftest import SOURCE_TEXT
from tests.factories import EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db


# --- sources -------------------------------------------------------------------------------


def test_moderator_adds_source_with_hash_of_its_text(debate, moderator):
    source = source_create(actor=moderator, debate=debate, title="  An article  ", text=SOURCE_TEXT)

    source.refresh_from_db()
    assert source.title == "An article"
    assert source.text == SOURCE_TEXT
    assert source.text_sha256 == text_sha256(SOURCE_TEXT)
    assert source.created_by == moderator


def test_source_text_line_endings_are_normalised_before_hashing(debate, moderator):
    source = source_create(actor=moderator, debate=debate, title="CRLF", text="One.\r\n\r\nTwo.\r")

    assert source.text == "One.\n\nTwo.\n"
    assert source.text_sha256 == text_sha256("One.\n\nTwo.\n")


@pytest.mark.parametrize("text", ["", "   \n\n ", "bad\x00byte"])
def test_empty_or_null_source_text_is_refused(debate, moderator, text):
    with pytest.raises(InvalidInput) as error:
        source_create(actor=moderator, debate=debate, title="Broken", text=text)

    assert error.value.field == "text"
    assert not Source.objects.filter(title="Broken").exists()


def test_debater_cannot_add_source(debate, debater_now):
    with pytest.raises(NotAllowed):
        source_create(actor=debater_now, debate=debate, title="Mine", text=SOURCE_TEXT)

    assert not Source.objects.filter(title="Mine").exists()
    assert not AuditEvent.objects.exists()


def test_source_text_can_be_corrected_before_evidence_cites_it(source, moderator):
    corrected = SOURCE_TEXT.replace("nine", "ten")

    source_update_text(actor=moderator, source=source, text=corrected)

    source.refresh_from_db()
    assert source.text == corrected
    assert source.text_sha256 == text_sha256(corrected)
    event = AuditEvent.objects.get(action="source.update_text")
    assert event.before["text_sha256"] == text_sha256(SOURCE_TEXT)
    assert event.after["text_sha256"] == text_sha256(corrected)


def test_source_text_is_immutable_once_evidence_cites_it(source, moderator, debater_now):
    evidence_propose(actor=debater_now, source=source, quote="nine bilateral")
    events = AuditEvent.objects.count()

    with pytest.raises(InvalidInput, match="can no longer change"):
        source_update_text(actor=moderator, source=source, text="Something else entirely.")

    source.refresh_from_db()
    assert source.text == SOURCE_TEXT
    assert source.text_sha256 == text_sha256(SOURCE_TEXT)
    assert AuditEvent.objects.count() == events


def test_debater_cannot_correct_source_text(source, debater_now):
    with pytest.raises(NotAllowed):
        source_update_text(actor=debater_now, source=source, text="Rewritten.")

    source.refresh_from_db()
    assert source.text == SOURCE_TEXT


# --- proposing evidence --------------------------------------------------------------------


def test_exact_quote_is_stored_with_offsets_into_the_source(source, debater_now):
    quote = "“a temporary recourse” — never a replacement for membership."

    evidence, created = evidence_propose(actor=debater_now, source=source, quote=quote)

    assert created is True
    evidence.refresh_from_db()
    assert evidence.quote == quote
    assert source.text[evidence.start : evidence.end] == evidence.quote
    assert evidence.status == EvidenceStatus.PROPOSED
    assert evidence.proposer == debater_now
    assert evidence.debate_id == source.debate_id


@pytest.mark.parametrize(
    ("typed", "exact"),
    [
        ('calls them "a temporary recourse"', "calls them “a temporary recourse”"),
        ("Ukraine's allies have signed", "Ukraine’s allies have signed"),
        ('recourse" - never a replacement', "recourse” — never a replacement"),
        ("for   membership.\n\nAccession  talks", "for membership.\nAccession talks"),
    ],
    ids=["straight-double-quotes", "straight-apostrophe", "hyphen-for-em-dash", "whitespace"],
)
def test_typographic_variant_of_a_quote_stores_the_exact_source_substring(
    source, debater_now, typed, exact
):
    evidence, created = evidence_propose(actor=debater_now, source=source, quote=typed)

    assert created is True
    evidence.refresh_from_db()
    assert evidence.quote == exact
    assert source.text[evidence.start : evidence.end] == exact


def test_quote_not_in_source_is_refused_and_saves_nothing(source, debater_now):
    evidence_before = Evidence.objects.count()
    events_before = AuditEvent.objects.count()

    with pytest.raises(InvalidInput) as error:
        evidence_propose(actor=debater_now, source=source, quote="a permanent guarantee")

    assert error.value.field == "quote"
    assert "does not occur in the source text" in error.value.message
    assert Evidence.objects.count() == evidence_before
    assert AuditEvent.objects.count() == events_before


def test_quote_with_null_character_is_refused(source, debater_now):
    with pytest.raises(InvalidInput):
        evidence_propose(actor=debater_now, source=source, quote="nine\x00 bilateral")

    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("quote", "paragraph"),
    [
        ("Ukraine’s allies", 1),
        ("a temporary recourse", 2),
        ("Accession talks should start now.", 2),
        ("Critics want the war to end first.", 3),
    ],
)
def test_evidence_records_the_paragraph_it_sits_in(source, debater_now, quote, paragraph):
    evidence, _ = evidence_propose(actor=debater_now, source=source, quote=quote)

    assert evidence.paragraph == paragraph


def test_start_hint_picks_the_nearest_of_two_occurrences(source, debater_now):
    second = SOURCE_TEXT.rindex("Accession talks should start now")

    evidence, _ = evidence_propose(
        actor=debater_now, source=source, quote="Accession talks should start now", start=second
    )

    assert evidence.start == second
    assert evidence.paragraph == 3


def test_proposing_an_existing_span_returns_the_existing_evidence(
    source, debater_now, debater_after
):
    first, created_first = evidence_propose(
        actor=debater_now, source=source, quote="“a temporary recourse”"
    )
    events = AuditEvent.objects.count()

    again, created_again = evidence_propose(
        actor=debater_after, source=source, quote='"a temporary recourse"'
    )

    assert created_first is True
    assert created_again is False
    assert again.pk == first.pk
    assert again.proposer == debater_now
    assert Evidence.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_observer_can_propose_evidence(source, observer):
    _, created = evidence_propose(actor=observer, source=source, quote="nine bilateral")

    assert created is True


def test_outsider_cannot_propose_evidence(source, outsider):
    with pytest.raises(NotAllowed):
        evidence_propose(actor=outsider, source=source, quote="nine bilateral")

    assert not Evidence.objects.exists()


def test_nobody_proposes_evidence_in_a_closed_debate(source, debater_now):
    source.debate.phase = Phase.CLOSED
    source.debate.save()

    with pytest.raises(NotAllowed):
        evidence_propose(actor=debater_now, source=source, quote="nine bilateral")

    assert not Evidence.objects.exists()


# --- reviewing evidence --------------------------------------------------------------------


def test_moderator_approves_proposed_evidence(source, debater_now, moderator):
    evidence, _ = evidence_propose(actor=debater_now, source=source, quote="nine bilateral")

    evidence_approve(actor=moderator, evidence=evidence, reason="  Checked.  ")

    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.APPROVED
    assert evidence.reviewer == moderator
    assert evidence.review_reason == "Checked."
    assert evidence.reviewed_at is not None
    assert Evidence.objects.citable().filter(pk=evidence.pk).exists()


def test_rejection_needs_a_reason(source, debater_now, moderator):
    evidence, _ = evidence_propose(actor=debater_now, source=source, quote="nine bilateral")

    with pytest.raises(InvalidInput) as error:
        evidence_reject(actor=moderator, evidence=evidence, reason="   ")

    assert error.value.field == "reason"
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.PROPOSED


def test_moderator_rejects_evidence_with_a_reason(source, debater_now, moderator):
    evidence, _ = evidence_propose(actor=debater_now, source=source, quote="nine bilateral")

    evidence_reject(actor=moderator, evidence=evidence, reason="Out of context.")

    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.REJECTED
    assert evidence.review_reason == "Out of context."
    assert not Evidence.objects.citable().filter(pk=evidence.pk).exists()


@pytest.mark.parametrize("who", ["debater_now", "observer", "outsider"])
def test_only_moderators_review_evidence(request, source, who):
    evidence = EvidenceFactory(source=source, status=EvidenceStatus.PROPOSED, reviewed_at=None)
    actor = request.getfixturevalue(who)

    with pytest.raises(NotAllowed):
        evidence_approve(actor=actor, evidence=evidence)

    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.PROPOSED


def test_evidence_of_another_source_keeps_its_own_offsets(debate, debater_now):
    other = SourceFactory(debate=debate, text="Short text: nine bilateral deals.")

    evidence, _ = evidence_propose(actor=debater_now, source=other, quote="nine bilateral")

    assert evidence.source == other
    assert other.text[evidence.start : evidence.end] == "nine bilateral"
    assert evidence.start == other.text.index("nine bilateral")
