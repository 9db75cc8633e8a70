from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from debate import permissions
from debate.activity.services import notice_review_waiting, notice_send
from debate.audit.services import audit_record, debate_lock, model_state, rate_check
from debate.debates.models import Debate
from debate.errors import InvalidInput
from debate.sources.models import Evidence, EvidenceStatus, Source
from debate.sources.text import QuoteNotFound, locate_quote, text_sha256

SOURCE_FIELDS = ["title", "publication", "volume", "issue", "published_on", "url", "text_sha256"]
EVIDENCE_FIELDS = ["source", "quote", "start", "end", "paragraph", "status", "review_reason"]
SOURCE_TEXT_MAX = 2_000_000
REASON_MAX = 500


def _clean_text(text: str) -> str:
    if "\x00" in (text or ""):
        raise InvalidInput(_("The text contains a null character."), field="text")
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InvalidInput(_("The source text is empty."), field="text")
    if len(text) > SOURCE_TEXT_MAX:
        raise InvalidInput(_("The source text is longer than 2,000,000 characters."), field="text")
    return text


@transaction.atomic
def source_create(
    *,
    actor: Any,
    debate: Debate,
    title: str,
    text: str,
    publication: str = "",
    volume: str = "",
    issue: str = "",
    published_on: datetime.date | None = None,
    url: str = "",
) -> Source:
    debate = debate_lock(debate)
    permissions.require_open(debate)
    permissions.require(permissions.can_manage(actor, debate), _("Only moderators add sources."))
    rate_check(actor, "manage")
    if not isinstance(title, str) or not title.strip():
        raise InvalidInput(_("A source needs a title."), field="title")
    title = bounded(title, "title", 300)
    text = _clean_text(text)
    source = Source.objects.create(
        debate=debate,
        title=title,
        publication=bounded(publication, "publication", 200),
        volume=bounded(volume, "volume", 40),
        issue=bounded(issue, "issue", 40),
        published_on=published_on,
        url=clean_url(url),
        text=text,
        text_sha256=text_sha256(text),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        actor=actor, debate=debate, action="source.create", obj=source, before=None,
        after=model_state(source, SOURCE_FIELDS),
    )  # fmt: skip
    return source


@transaction.atomic
def source_update_text(*, actor: Any, source: Source, text: str) -> Source:
    """Correct a source's text, which is only possible while no evidence cites it."""
    debate_lock(source.debate)
    permissions.require_open(source.debate)
    permissions.require(
        permissions.can_manage(actor, source.debate), _("Only moderators correct sources.")
    )
    rate_check(actor, "manage")
    text = _clean_text(text)
    source = Source.objects.select_for_update().get(pk=source.pk)
    if source.evidence.exists():
        raise InvalidInput(
            _("Evidence cites this source, so its text can no longer change."), field="text"
        )
    before = model_state(source, SOURCE_FIELDS)
    source.text, source.text_sha256 = text, text_sha256(text)
    source.save(update_fields=["text", "text_sha256"])
    audit_record(
        actor=actor, debate=source.debate, action="source.update_text", obj=source,
        before=before, after=model_state(source, SOURCE_FIELDS),
    )  # fmt: skip
    return source


@transaction.atomic
def evidence_propose(
    *,
    actor: Any,
    source: Source,
    quote: str,
    start: int | None = None,
    note: str = "",
) -> tuple[Evidence, bool]:
    """Verify `quote` against the source and store its exact span as proposed evidence.

    Returns (evidence, created). A span that is already evidence returns the existing row
    instead of a twin. `start` is a hint from a reader's selection: among several matches
    the nearest wins.
    """
    debate = source.debate
    refusal = _("Only participants of this debate can propose evidence.")
    # Checked twice: here without a lock, so that a refusal and the rate limit come before
    # the search (seconds on a long source), and again under the debate's lock after it, so
    # the evidence lands in the phase it was checked against without the lock being held
    # through the search.
    permissions.require(permissions.can_propose_evidence(actor, debate), refusal)
    rate_check(actor, "evidence")
    if not isinstance(quote, str) or "\x00" in quote:
        raise InvalidInput(_("The quote must be text without null characters."), field="quote")
    if Source.objects.filter(previous=source).exists():
        raise InvalidInput(
            _("A newer revision of this source exists; propose evidence from that one."),
            field="quote",
        )
    try:
        span = locate_quote(source.text, quote or "", near=start)
    except QuoteNotFound as exc:
        raise InvalidInput(str(exc), field="quote") from exc
    debate = debate_lock(debate)
    permissions.require(permissions.can_propose_evidence(actor, debate), refusal)
    existing = Evidence.objects.filter(source=source, start=span.start, end=span.end).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                debate=debate,
                source=source,
                quote=span.quote,
                start=span.start,
                end=span.end,
                paragraph=span.paragraph,
                note=bounded(note, "note", 2000),
                proposer=actor if actor is not None and actor.is_authenticated else None,
            )
    except IntegrityError:
        # Someone proposed the same span a moment ago.
        return Evidence.objects.get(source=source, start=span.start, end=span.end), False
    audit_record(
        actor=actor, debate=debate, action="evidence.propose", obj=evidence, before=None,
        after=model_state(evidence, EVIDENCE_FIELDS),
    )  # fmt: skip
    # In this transaction: a proposal rolled back leaves no "waits for review" notice.
    notice_review_waiting(actor=actor, debate=debate, what="evidence")
    return evidence, True


def bounded(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    """Trimmed text of at most `limit` characters, or a clear refusal (never a silent cut)."""
    if value is not None and not isinstance(value, str):
        raise InvalidInput(_("This must be text."), field=field)
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), field=field)
    if len(value) > limit:
        raise InvalidInput(
            _("At most %(limit)s characters; this has %(length)s.")
            % {"limit": number_format(limit, force_grouping=True),
               "length": number_format(len(value), force_grouping=True)},
            field=field,
        )  # fmt: skip
    return value


def clean_url(value: Any) -> str:
    """An http(s) address of at most 500 characters, or nothing."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    url = bounded(value, "url", 500)
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as exc:
            raise InvalidInput(_("Give a web address starting with http:// or https://."),
                               field="url") from exc  # fmt: skip
    return url


def _evidence_review(*, actor: Any, evidence: Evidence, status: str, reason: str) -> Evidence:
    debate = debate_lock(evidence.debate)
    permissions.require(
        permissions.can_moderate(actor, debate), _("Only moderators review evidence.")
    )
    rate_check(actor, "review")
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    before = model_state(evidence, EVIDENCE_FIELDS)
    evidence.status = status
    evidence.review_reason = reason
    evidence.reviewer = actor if actor is not None and actor.is_authenticated else None
    evidence.reviewed_at = timezone.now()
    evidence.save(update_fields=["status", "review_reason", "reviewer", "reviewed_at"])
    audit_record(
        actor=actor, debate=evidence.debate, action=f"evidence.{status}", obj=evidence,
        before=before, after=model_state(evidence, EVIDENCE_FIELDS),
    )  # fmt: skip
    notice_send(
        user_id=evidence.proposer_id, actor=actor, debate=evidence.debate,
        kind=f"evidence.{status}",
        params={"quote": evidence.quote[:80], "reason": reason or ""},
        url=reverse("source", args=[evidence.debate.slug, evidence.source_id])
        + f"#evidence-{evidence.pk}",
    )  # fmt: skip
    return evidence


@transaction.atomic
def evidence_approve(*, actor: Any, evidence: Evidence, reason: str = "") -> Evidence:
    return _evidence_review(
        actor=actor,
        evidence=evidence,
        status=EvidenceStatus.APPROVED,
        reason=(reason or "").strip(),
    )


@transaction.atomic
def evidence_reject(*, actor: Any, evidence: Evidence, reason: str) -> Evidence:
    reason = bounded(reason, "reason", REASON_MAX)
    if not reason:
        raise InvalidInput(_("Say why the evidence is rejected."), field="reason")
    return _evidence_review(
        actor=actor, evidence=evidence, status=EvidenceStatus.REJECTED, reason=reason
    )


UPLOAD_MAX_BYTES = 2_000_000  # "2 MB", as the form says; the text limit matches it
UPLOAD_SUFFIXES = (".txt", ".md")


def source_text_from_upload(*, name: str, data: bytes) -> str:
    """The text of an uploaded .txt or .md file, or a clear error about what is wrong with it."""
    if not (name or "").lower().endswith(UPLOAD_SUFFIXES):
        raise InvalidInput(_("Upload a .txt or .md file."), field="file")
    if len(data) > UPLOAD_MAX_BYTES:
        raise InvalidInput(_("The file is larger than 2 MB."), field="file")
    if not data.strip():
        raise InvalidInput(_("The file is empty."), field="file")
    if b"\x00" in data:
        raise InvalidInput(_("The file looks binary, not text."), field="file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            _("The file is not UTF-8 text. Save it as UTF-8 and upload it again."), field="file"
        ) from exc


@transaction.atomic
def source_revise(*, actor: Any, source: Source, text: str) -> Source:
    """Correct a source by adding a new revision; the old one and its evidence stay as they are."""
    debate_lock(source.debate)
    permissions.require_open(source.debate)
    permissions.require(
        permissions.can_manage(actor, source.debate), _("Only moderators correct sources.")
    )
    rate_check(actor, "manage")
    text = _clean_text(text)
    source = Source.objects.select_for_update().get(pk=source.pk)
    if Source.objects.filter(previous=source).exists():
        raise InvalidInput(_("A newer revision of this source exists; correct that one."))
    if text == source.text:
        raise InvalidInput(_("The corrected text is the same as the current one."), field="text")
    revision = Source.objects.create(
        debate=source.debate, title=source.title, publication=source.publication,
        volume=source.volume, issue=source.issue, published_on=source.published_on,
        url=source.url, text=text, text_sha256=text_sha256(text),
        revision=source.revision + 1, previous=source,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    audit_record(
        actor=actor, debate=source.debate, action="source.revise", obj=revision,
        before=model_state(source, SOURCE_FIELDS + ["revision"]),
        after=model_state(revision, SOURCE_FIELDS + ["revision", "previous"]),
    )  # fmt: skip
    return revision


def _set_evidence_hidden(*, actor: Any, evidence: Evidence, hidden: bool, reason: Any) -> Evidence:
    debate = debate_lock(evidence.debate)
    permissions.require(
        permissions.can_moderate(actor, debate), _("Only moderators hide or restore evidence.")
    )
    rate_check(actor, "review")
    reason = bounded(reason, "reason", REASON_MAX)
    if not reason:
        raise InvalidInput(_("Give a reason."), field="reason")
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    before = model_state(evidence, EVIDENCE_FIELDS + ["is_hidden", "hidden_reason"])
    evidence.is_hidden, evidence.hidden_reason = hidden, reason
    evidence.save(update_fields=["is_hidden", "hidden_reason"])
    audit_record(
        actor=actor, debate=evidence.debate,
        action="evidence.hide" if hidden else "evidence.restore", obj=evidence, before=before,
        after=model_state(evidence, EVIDENCE_FIELDS + ["is_hidden", "hidden_reason"]),
    )  # fmt: skip
    return evidence


@transaction.atomic
def evidence_hide(*, actor: Any, evidence: Evidence, reason: Any) -> Evidence:
    return _set_evidence_hidden(actor=actor, evidence=evidence, hidden=True, reason=reason)


@transaction.atomic
def evidence_restore(*, actor: Any, evidence: Evidence, reason: Any) -> Evidence:
    return _set_evidence_hidden(actor=actor, evidence=evidence, hidden=False, reason=reason)
