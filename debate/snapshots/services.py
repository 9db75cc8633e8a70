from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from django.db import transaction
from django.db.models import Max
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from debate import permissions
from debate.audit.services import audit_record, debate_lock, rate_check
from debate.debates.models import Debate
from debate.errors import Conflict
from debate.mapview import cache, visibility
from debate.mapview.cache import debate_map
from debate.snapshots.documents import build_document, content_hash
from debate.snapshots.models import Snapshot
from debate.snapshots.names import claim_authors, name_document

FORMATS = ("json", "aif", "argdown", "graphml")
CONTENT_TYPES = {
    "json": "application/json",
    "aif": "application/json",
    "argdown": "text/plain; charset=utf-8",
    "graphml": "application/graphml+xml",
}


def document_bytes(document: dict, fmt: str) -> bytes:
    """A snapshot document written in one of the formats."""
    from debate.snapshots.aif import to_aif
    from debate.snapshots.argdown import to_argdown
    from debate.snapshots.graphml import to_graphml

    if fmt == "argdown":
        return to_argdown(document).encode()
    if fmt == "graphml":
        return to_graphml(document)
    return orjson.dumps(to_aif(document) if fmt == "aif" else document)


def live_snapshot(
    debate: Debate, *, include_hidden: bool, fmt: str, with_text: bool = False
) -> tuple[int, bytes]:
    """The live snapshot in one format and the version it is of, written once per debate
    version, audience and shape (mapview.cache), so a large debate costs one build per
    change. `with_text` (JSON only): each source's text too, which makes the document
    importable (`POST /api/v1/debates/import/`)."""
    dmap = debate_map(debate, include_hidden=include_hidden)

    def build() -> bytes:
        document = _named_live(_as_shown(dmap), dmap.debate, include_hidden=include_hidden)
        if with_text:
            attach_source_texts(document)
        return document_bytes(document, fmt)

    audience = visibility.Audience(moderator=include_hidden).key
    name = f"snapshot:{audience}:{fmt}:{'t' if with_text else '-'}"
    return dmap.version, cache.per_version(debate, dmap.version, name, build)


def live_document(debate: Debate, *, include_hidden: bool, with_text: bool = False) -> dict:
    """The live state of the whole debate, from the one read model."""
    dmap = debate_map(debate, include_hidden=include_hidden)
    document = _named_live(_as_shown(dmap), dmap.debate, include_hidden=include_hidden)
    if with_text:
        attach_source_texts(document)
    return document


def _named_live(document: dict, debate: Debate, *, include_hidden: bool) -> dict:
    """The live document with its authors named as the audience may read them (2 queries in
    an anonymous debate, none else; `debate` is the map's row, of the map's version)."""
    return named_for(document, debate, visibility.Audience(moderator=include_hidden),
                     anonymous=debate.anonymous)  # fmt: skip


def named_for(
    document: dict, debate: Debate, audience: visibility.Audience, *, anonymous: bool
) -> dict:
    """A document (live or frozen) with its claims' authors named for `audience`, where
    `anonymous` (the debate's setting, or `visibility.snapshot_anonymous` for a frozen one)."""
    if not anonymous:
        return document
    names = visibility.names_for(audience, debate, anonymous=True)
    return name_document(document, names, claim_authors(debate.pk))


def _as_shown(dmap) -> dict:
    """The live document of a map, without strengths where its audience may not see them yet
    (`visibility.strengths_shown`); its content hash then covers what it carries."""
    document = build_document(dmap)
    if not dmap.strengths_shown:
        document = visibility.redact_strengths(document)
        document["content_hash"] = content_hash(document)
    return document


@dataclass(frozen=True)
class FrozenView:
    """A frozen snapshot as one audience may read it today, and the ETag of that reading."""

    number: int
    document: dict
    etag: str


def frozen_view(
    snapshot: Snapshot,
    audience: visibility.Audience,
    *,
    strengths_shown: bool = True,
    debate: Debate | None = None,
    anonymous: bool | None = None,
) -> FrozenView:
    """The stored document, redacted of what was hidden since it was frozen (the row itself is
    never changed: its content hash still names what was frozen). The ETag is the content
    hash while nothing is redacted, and changes with what is, so no cache keeps serving a
    reading from before a claim was hidden. Without `strengths_shown` (the debate's
    `visibility.strengths_shown` for this audience now) the strengths are blanked too.

    Names: pseudonyms (moderators: usernames with `author_pseudonym`) where the snapshot was
    frozen while the debate was anonymous, or the debate is anonymous now
    (`visibility.snapshot_anonymous`), or `anonymous` says so (a diff whose other side is
    anonymous names both sides alike). `debate`: the snapshot's, if the caller has it."""
    debate = debate or snapshot.debate
    if anonymous is None:
        anonymous = visibility.snapshot_anonymous(debate, frozen_anonymous=snapshot.anonymous)
    document = snapshot.document
    hidden = visibility.document_hidden(audience, snapshot.debate_id, document)
    etag = f'"{snapshot.content_hash}"'
    if hidden:
        document = visibility.redact_document(document, audience, hidden)
        parts = (sorted(hidden.claims), sorted(hidden.withdrawn), sorted(hidden.evidence))
        redacted = ";".join(map(str, parts)).encode()
        etag = f'"{snapshot.content_hash}.r{hashlib.sha256(redacted).hexdigest()[:16]}"'
    if not strengths_shown:
        document = visibility.redact_strengths(document)
        etag = f'{etag[:-1]}.s"'
    if anonymous:
        document = named_for(document, debate, audience, anonymous=True)
        # Pseudonyms are words of the reader's language («Учасник 7"): one ETag per language.
        etag = f'{etag[:-1]}.a{audience.key}.{get_language()}"'
    return FrozenView(number=snapshot.number, document=document, etag=etag)


@dataclass(frozen=True)
class DiffSides:
    """The two documents of a diff as one reader may see them, named alike."""

    old: FrozenView
    new: dict
    version: int | None  # the live version, where `new` is the live debate


def diff_sides(
    debate: Debate,
    audience: visibility.Audience,
    old: Snapshot,
    new: Snapshot | None,
    *,
    strengths_shown: bool = True,
) -> DiffSides:
    """Snapshot `old` and snapshot `new` (None: the live debate), each as this reader may
    read it. If either side names people by pseudonym, both do: a claim's author seen as
    "Participant 7" on one side and by username on the other would name the person."""
    anonymous = debate.anonymous or old.anonymous or bool(new is not None and new.anonymous)
    view = frozen_view(old, audience, strengths_shown=strengths_shown, debate=debate,
                       anonymous=anonymous)  # fmt: skip
    if new is not None:
        document = frozen_view(new, audience, strengths_shown=strengths_shown, debate=debate,
                               anonymous=anonymous).document  # fmt: skip
        return DiffSides(old=view, new=document, version=None)
    version, body = live_snapshot(debate, include_hidden=audience.moderator, fmt="json")
    live = named_for(orjson.loads(body), debate, audience, anonymous=anonymous)
    return DiffSides(old=view, new=live, version=version)


def attach_source_texts(document: dict) -> None:
    """Add each source's full text (exports carry it, so that an import can verify quotes)."""
    from debate.sources.models import Source

    texts = dict(
        Source.objects.filter(pk__in=[s["id"] for s in document["sources"]]).values_list(
            "id", "text"
        )
    )
    for source in document["sources"]:
        source["text"] = texts.get(source["id"], "")


@transaction.atomic
def snapshot_take(*, actor: Any, debate: Debate, seen: int | None = None) -> Snapshot:
    """Freeze what everyone sees now as the next numbered snapshot. Frozen means frozen:
    nothing in the app updates a Snapshot row. Allowed in the closed phase too: freezing
    only reads the debate (closing takes one).

    `seen` (the exports page's button): the newest snapshot number the moderator saw, 0 for
    none. A newer one means the click was a second one (or a colleague's came first), and
    is refused rather than freezing the same moment twice. Checked under the debate's lock,
    so of two clicks at once exactly one freezes."""
    debate = debate_lock(debate)  # no write slips in between the document and its number
    permissions.require(
        permissions.is_moderator(actor, debate), _("Only moderators freeze snapshots.")
    )
    rate_check(actor, "manage")
    newest = debate.snapshots.aggregate(n=Max("number"))["n"] or 0
    if seen is not None and newest > seen:
        raise Conflict(
            _(
                "Snapshot %(number)s was frozen a moment ago, after this page was loaded: it is in "
                "the list below. Freeze again only if you want another one."
            )
            % {"number": newest},
            current=newest,
        )
    number = newest + 1
    # With its strengths even before participants may see them: each reading of it asks the
    # visibility policy of its day (frozen_view).
    document = build_document(debate_map(debate, include_hidden=False))
    # Frozen while anonymous: the stored rows keep the usernames with the pseudonyms beside
    # them (moderators read both); each reading names them for its reader (frozen_view).
    document = named_for(document, debate, visibility.Audience(moderator=True),
                         anonymous=debate.anonymous)  # fmt: skip
    document["snapshot"] = number
    snapshot = Snapshot.objects.create(
        debate=debate, number=number, content_hash=document["content_hash"], document=document,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        anonymous=debate.anonymous,
    )  # fmt: skip
    audit_record(
        actor=actor, debate=debate, action="snapshot.take", obj=snapshot, before=None,
        after={"number": number, "content_hash": snapshot.content_hash},
    )  # fmt: skip
    return snapshot
