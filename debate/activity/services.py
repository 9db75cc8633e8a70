from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from debate import permissions
from debate.activity.models import DebateVisit, DigestSubscription, Notice
from debate.activity.selectors import Pending, pending_for_debate
from debate.audit.models import AuditEvent
from debate.audit.services import audit_record, model_state, rate_check
from debate.debates.models import Debate, Membership, Phase, Role

logger = logging.getLogger(__name__)


def notice_send(
    *,
    user_id: int | None,
    actor: Any,
    debate: Debate,
    kind: str,
    params: dict | None = None,
    message: str | None = None,
    url: str = "",
    event: AuditEvent | None = None,
) -> Notice | None:
    """Tell one participant that something happened to their work (never about their own act).

    A message that quotes someone else's object names the `event` that wrote it, so that the
    panel shows the words only while the reader may still see that object.

    `params` holds what the kind's sentence needs (debate/activity/notices.py words it when
    it is read); `message` is a fixed line kept verbatim, for kinds without a sentence."""
    actor_id = getattr(actor, "pk", None)
    if user_id is None or user_id == actor_id or not _may_hear(debate, [user_id]):
        return None
    return Notice.objects.create(
        user_id=user_id, debate=debate, kind=kind, params=_params(params, message),
        url=url[:300], event=event,
    )  # fmt: skip


def _params(params: dict | None, message: str | None) -> dict:
    """What a notice stores: its params, or a fixed line as {"text": ...} (shown verbatim)."""
    if message is not None:
        return {"text": message[:500]}
    return dict(params or {})


def notice_many(
    *, user_ids: Iterable[int], actor: Any, debate: Debate, kind: str, params: dict | None = None,
    message: str | None = None, url: str = "", event: AuditEvent | None = None,
) -> int:  # fmt: skip
    """`notice_send` to each of `user_ids` at once: two queries however many there are (none
    for nobody). Returns how many were told."""
    actor_id = getattr(actor, "pk", None)
    wanted = {uid for uid in user_ids if uid is not None and uid != actor_id}
    if not wanted:
        return 0
    notices = [
        Notice(
            user_id=uid, debate=debate, kind=kind, params=_params(params, message), url=url[:300],
            event=event,
        )
        for uid in sorted(_may_hear(debate, wanted))
    ]
    Notice.objects.bulk_create(notices)
    return len(notices)


def _may_hear(debate: Debate, user_ids: Iterable[int]) -> set[int]:
    """Of `user_ids`, those who may be told about `debate`: everyone but a removed member
    (who took part and whose every membership ended), since a notice would quote a debate
    they may not read now. Someone who never was a member (a superuser's claim) still
    hears. One query."""
    user_ids = set(user_ids)
    current, ended = set(), set()
    rows = Membership.all_objects.filter(debate=debate, user_id__in=user_ids)
    for uid, ended_at in rows.values_list("user_id", "ended_at"):
        (current if ended_at is None else ended).add(uid)
    return user_ids - (ended - current)


def notice_members(
    *, actor: Any, debate: Debate, kind: str, params: dict | None = None,
    message: str | None = None, url: str = "",
) -> int:  # fmt: skip
    """Tell every member of the debate at once, in one insert."""
    actor_id = getattr(actor, "pk", None)
    user_ids = Membership.objects.filter(debate=debate).exclude(user_id=actor_id)
    notices = [
        Notice(user_id=user_id, debate=debate, kind=kind, params=_params(params, message),
               url=url[:300])  # fmt: skip
        for user_id in user_ids.values_list("user_id", flat=True)
    ]
    Notice.objects.bulk_create(notices)
    return len(notices)


@transaction.atomic
def notices_mark_read(*, user: Any) -> int:
    count = Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        audit_record(
            actor=user, debate=None, action="notices.read", obj=user, before=None,
            after={"count": count},
        )  # fmt: skip
    return count


# A break longer than this ends a visit: the next page starts a new one, and what was added
# meanwhile is "new since your last visit". Shorter gaps (a reload, a look at a thread) belong
# to the same visit, so the marks stay while the reader works through them.
VISIT_GAP = timedelta(minutes=30)
# Within a visit, `seen_at` is written at most this often: a page view is not a write each.
VISIT_TOUCH = timedelta(minutes=1)


def visit_record(*, user: Any, debate: Debate, now: datetime | None = None) -> DebateVisit | None:
    """Note that `user` is reading `debate` now, and return their visit (None for a visitor
    who is not signed in, or who may not see the debate: nobody else gets marks).

    Not audited: a reader's own bookmark, not a change to the debate. One query on most
    pages (the row), two when the visit starts or moves on, whatever the size of the debate.
    Two pages at once cannot lose a visit: the insert ignores a row that another one made
    first, and the update only applies to the row as it was read."""
    if not getattr(user, "is_authenticated", False) or not permissions.can_view_debate(
        user, debate
    ):
        return None
    now = now or timezone.now()
    visit = DebateVisit.objects.filter(user=user, debate=debate).first()
    if visit is None:
        visit = DebateVisit(user=user, debate=debate, seen_at=now)
        DebateVisit.objects.bulk_create([visit], ignore_conflicts=True)
        return visit
    read_at = visit.seen_at
    if now - read_at > VISIT_GAP:
        visit.previous_seen_at, visit.seen_at = read_at, now
    elif now - read_at >= VISIT_TOUCH:
        visit.seen_at = now
    else:
        return visit
    DebateVisit.objects.filter(pk=visit.pk, seen_at=read_at).update(
        seen_at=visit.seen_at, previous_seen_at=visit.previous_seen_at
    )
    return visit


# --- alerts for moderators -----------------------------------------------------------------

# The kinds of the moderators' "N wait for review" notices, by what waits.
REVIEW_KINDS = {"evidence": "review.evidence", "flags": "review.flags"}


def notice_moderators(
    *, actor: Any, debate: Debate, kind: str, params: dict | None = None,
    message: str | None = None, url: str = "",
) -> int:  # fmt: skip
    """Tell every current moderator of `debate` (not the actor) that something waits.

    Never a flood: a moderator who has an unread notice of this kind for this debate gets
    that one brought up to date (params, link, time) instead of another. Call it inside the
    write's transaction, so a write rolled back leaves no notice. The unread rows are locked
    first: a moderator marking them read meanwhile waits, so none is updated after it was
    read (and so missed). At most four queries, whatever the number of moderators."""
    actor_id = getattr(actor, "pk", None)
    moderator_ids = list(
        Membership.objects.filter(debate=debate, role=Role.MODERATOR)
        .exclude(user_id=actor_id)
        .values_list("user_id", flat=True)
    )
    if not moderator_ids:
        return 0
    unread = Notice.objects.filter(
        user_id__in=moderator_ids, debate=debate, kind=kind, read_at__isnull=True
    )
    current = dict(unread.select_for_update().values_list("pk", "user_id"))
    params, url = _params(params, message), url[:300]
    if current:
        Notice.objects.filter(pk__in=current).update(
            params=params, url=url, created_at=timezone.now()
        )
    told = set(current.values())
    Notice.objects.bulk_create(
        Notice(user_id=user_id, debate=debate, kind=kind, params=params, url=url)
        for user_id in moderator_ids
        if user_id not in told
    )
    return len(moderator_ids)


def notice_review_waiting(*, actor: Any, debate: Debate, what: str) -> int:
    """After a proposal (`what="evidence"`) or a flag (`what="flags"`): the debate's
    moderators hear how many of that kind now wait, with a link to the queue."""
    pending = pending_for_debate(debate)
    count = pending.evidence if what == "evidence" else pending.flags
    if not count:
        return 0
    return notice_moderators(
        actor=actor, debate=debate, kind=REVIEW_KINDS[what], params={"count": count},
        url=reverse("moderation-queue", args=[debate.slug]),
    )  # fmt: skip


# --- the email digest ----------------------------------------------------------------------

DIGEST_EVERY = timedelta(hours=24)
DIGEST_LIST_LIMIT = 20  # items of each list in one email; the rest as "and N more"
DIGEST_FIELDS = ["user", "debate", "last_sent_at"]


@transaction.atomic
def digest_subscribe(*, actor: Any, debate: Debate) -> DigestSubscription:
    """Ask for the daily email about `debate` (its moderators, while it is open)."""
    permissions.require(
        permissions.can_subscribe_digest(actor, debate),
        _("Only the debate's moderators can have its digest, while it is open."),
    )
    rate_check(actor, "manage")
    subscription, created = DigestSubscription.objects.get_or_create(user=actor, debate=debate)
    if created:
        _audit_digest(actor, subscription, "digest.subscribe", before=None,
                      after=model_state(subscription, DIGEST_FIELDS))  # fmt: skip
    return subscription


@transaction.atomic
def digest_unsubscribe(*, actor: Any, debate: Debate) -> bool:
    """Stop the daily email about `debate`. Any phase: stopping mail is never refused, and
    a moderator whose role changed may still stop theirs. Returns whether one was stopped."""
    permissions.require(
        permissions.can_unsubscribe_digest(actor), "Sign in to change your email digests."
    )
    rate_check(actor, "manage")
    subscription = DigestSubscription.objects.filter(user=actor, debate=debate).first()
    if subscription is None:
        return False
    subscription_id, before = subscription.pk, model_state(subscription, DIGEST_FIELDS)
    subscription.delete()
    subscription.pk = subscription_id  # the audit row names the one that was deleted
    _audit_digest(actor, subscription, "digest.unsubscribe", before=before, after=None)
    return True


def _audit_digest(actor, subscription, action: str, *, before, after) -> None:
    # Recorded without the debate (its id is in the state): a reader's own mail preference
    # changes nothing in the debate, so it must not move its version (caches, live polls,
    # the events feed).
    audit_record(actor=actor, debate=None, action=action, obj=subscription, before=before,
                 after=after)  # fmt: skip


@dataclass
class DigestContent:
    """What one digest lists: the debate's queue and the subscriber's unread notices."""

    evidence: list
    flags: list
    notices: list


def site_url(explicit: str | None = None) -> str:
    """The address links in emails start with: the command's --site-url, else
    settings.SITE_URL, else the SITE_URL environment variable, else the dev server's."""
    import os

    base = explicit or getattr(settings, "SITE_URL", "") or os.environ.get("SITE_URL", "")
    return (base or "http://localhost:8000").rstrip("/")


def digests_due(now: datetime):
    """Subscriptions whose last digest is older than a day, or that never had one."""
    return DigestSubscription.objects.filter(
        Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - DIGEST_EVERY)
    )


def digests_send(now: datetime | None = None, *, base_url: str | None = None) -> int:
    """Send each due subscriber ONE plain-text email about their debate, if something waits
    there for review or they have unread notices new since their last digest; returns the
    number sent. Only current moderators, with an email address. Each subscription is locked
    while its email goes (`skip_locked`), so two runs at once never send one twice; a failed
    send leaves it due for the next run. Not audited: the app's bookkeeping, not a change."""
    now = now or timezone.now()
    base = site_url(base_url)
    due = list(
        digests_due(now).select_related("user__language_preference", "debate").order_by("id")
    )
    moderating = set(
        Membership.objects.filter(
            role=Role.MODERATOR, user_id__in={s.user_id for s in due},
            debate_id__in={s.debate_id for s in due},
        ).values_list("user_id", "debate_id")
    )  # fmt: skip
    due = [
        s for s in due
        if (s.user_id, s.debate_id) in moderating and s.user.email and s.user.is_active
    ]  # fmt: skip
    contents = _digest_contents(due)
    sent = 0
    for subscription in due:
        content = contents[subscription.pk]
        if not (content.evidence or content.flags or _new_notices(subscription, content)):
            continue
        try:
            sent += _digest_send_one(subscription, content, now=now, base=base)
        except Exception:  # one bad address must not stop everyone else's digest
            logger.exception("The digest %s could not be sent", subscription.pk)
    return sent


def _new_notices(subscription: DigestSubscription, content: DigestContent) -> bool:
    since = subscription.last_sent_at
    return any(since is None or n.created_at > since for n in content.notices)


def _digest_contents(due: list[DigestSubscription]) -> dict[int, DigestContent]:
    """Every due digest's lists, in three queries for all of them."""
    from debate.moderation.models import Flag, FlagStatus
    from debate.sources.models import Evidence, EvidenceStatus

    open_ids = {s.debate_id for s in due if s.debate.phase != Phase.CLOSED}
    evidence: dict[int, list] = {}
    for row in (
        Evidence.objects.filter(
            debate_id__in=open_ids, status=EvidenceStatus.PROPOSED, is_hidden=False
        )
        .select_related("proposer")
        .order_by("id")
    ):
        evidence.setdefault(row.debate_id, []).append(row)
    flags: dict[int, list] = {}
    for row in Flag.objects.filter(debate_id__in=open_ids, status=FlagStatus.OPEN).order_by("id"):
        flags.setdefault(row.debate_id, []).append(row)
    notices: dict[tuple[int, int], list] = {}
    unread = Notice.objects.filter(
        read_at__isnull=True, user_id__in={s.user_id for s in due},
        debate_id__in={s.debate_id for s in due},
    ).order_by("-created_at", "-id")  # fmt: skip
    for row in unread.select_related("debate", "event"):
        notices.setdefault((row.user_id, row.debate_id), []).append(row)
    return {
        s.pk: DigestContent(
            evidence=evidence.get(s.debate_id, []),
            flags=flags.get(s.debate_id, []),
            notices=notices.get((s.user_id, s.debate_id), []),
        )  # fmt: skip
        for s in due
    }


@transaction.atomic
def _digest_send_one(
    subscription: DigestSubscription, content: DigestContent, *, now: datetime, base: str
) -> int:
    locked = digests_due(now).select_for_update(skip_locked=True).filter(pk=subscription.pk).first()
    if locked is None:  # another run is sending it, or sent it a moment ago
        return 0
    from debate.mapview import visibility

    withheld = visibility.notices_withheld(subscription.user, content.notices)
    # In the subscriber's language (the one they chose, else the site's), not the sender's.
    with translation.override(_language(subscription.user)):
        subject = digest_subject(subscription.debate, content)
        body = digest_body(subscription, content, base=base, withheld=withheld)
    send_mail(subject=subject, message=body, from_email=None,
              recipient_list=[subscription.user.email])  # fmt: skip
    DigestSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=now)
    return 1


def _language(user: Any) -> str:
    """The language `user` chose (accounts.services.language_of, read with the
    subscription: no query), else the site's."""
    from debate.accounts.services import language_supported

    try:
        chosen = user.language_preference.language
    except ObjectDoesNotExist:
        chosen = None
    return language_supported(chosen) or settings.LANGUAGE_CODE


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def one_line(text: str, limit: int) -> str:
    """`text` on one line (no line break or control character can start a header), cut."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def digest_subject(debate: Debate, content: DigestContent) -> str:
    pending = Pending(evidence=len(content.evidence), flags=len(content.flags))
    count = len(content.notices)
    what = pending.phrase or ngettext(
        "%(count)s unread notice", "%(count)s unread notices", count) % {"count": count}
    # Translators: the digest's subject: what waits, then the debate's title.
    return one_line(_("%(what)s · “%(title)s”") % {"what": what, "title": debate.title}, 180)


def digest_body(
    subscription: DigestSubscription, content: DigestContent, *, base: str,
    withheld: set[int] = frozenset(),
) -> str:  # fmt: skip
    """The plain-text email: what waits in the queue, then the unread notices, with
    absolute links. Plain text is never rendered as HTML, so user text goes in as it is
    (on one line each, so that nobody's words can pose as a line of ours). Worded in the
    active language (digests_send makes it the subscriber's)."""
    from debate.activity.notices import notice_texts

    debate = subscription.debate
    queue = f"{base}{reverse('moderation-queue', args=[debate.slug])}"
    lines = [_("Hello %(username)s,") % {"username": subscription.user.username}, "",
             _("Your daily digest of “%(title)s”.") % {"title": one_line(debate.title, 200)},
             ""]  # fmt: skip
    if content.evidence or content.flags:
        pending = Pending(evidence=len(content.evidence), flags=len(content.flags))
        lines += [_("Waiting for review: %(what)s.") % {"what": pending.phrase},
                  _("Review them: %(url)s") % {"url": queue}, ""]  # fmt: skip
    if content.evidence:
        lines.append(_("Evidence proposals:"))
        for item in content.evidence[:DIGEST_LIST_LIMIT]:
            values = {"quote": one_line(item.quote, 160), "id": item.pk}
            if item.proposer:
                values["who"] = item.proposer.username
                # Translators: a line of the digest: the quote, its number and its proposer.
                lines.append(_("- “%(quote)s” (#%(id)s, proposed by %(who)s)") % values)
            else:
                lines.append(_("- “%(quote)s” (#%(id)s, proposed by the app)") % values)
        lines += _more(len(content.evidence)) + [""]
    if content.flags:
        lines.append(_("Flags:"))
        for flag in content.flags[:DIGEST_LIST_LIMIT]:
            claim = f"{base}{reverse('claim', args=[debate.slug, flag.claim_id])}"
            # Translators: a line of the digest: the claim's number, the kind of flag, a link.
            lines.append(_("- Claim #%(id)s: %(kind)s %(url)s") % {
                "id": flag.claim_id, "kind": flag.get_kind_display().lower(), "url": claim})
        lines += _more(len(content.flags)) + [""]
    if content.notices:
        texts = notice_texts(content.notices, subscription.user)
        lines.append(_("Unread notices (%(count)s):") % {"count": len(content.notices)})
        for notice in content.notices[:DIGEST_LIST_LIMIT]:
            text = (_("This notice quoted something that is no longer in the map.")
                    if notice.pk in withheld else one_line(texts[notice.pk], 300))  # fmt: skip
            link = f" {base}{notice.url}" if notice.url and notice.pk not in withheld else ""
            lines.append(f"- {text}{link}")
        lines += _more(len(content.notices)) + [""]
    lines += [
        "--",
        _("You get this email because you asked for the digest of this debate. To stop it, "
          "switch it off on your activity page: %(url)s") % {"url": f"{base}{reverse('activity')}"},
    ]
    return "\n".join(lines) + "\n"


def _more(count: int) -> list[str]:
    if count <= DIGEST_LIST_LIMIT:
        return []
    more = count - DIGEST_LIST_LIMIT
    return [ngettext("  … and %(count)s more", "  … and %(count)s more", more) % {"count": more}]
