"""Create a new debate from a snapshot document (an export carries each source's text).

The document is checked against the JSON Schema that ships with the app, then for meaning:
every reference resolves, every tree rule holds, every quote is exactly its source's text at
its offsets, every text matches its SHA-256. Only then is anything written, in one
transaction, recorded as one audit event.

Nobody on this instance is ever credited with imported words: each author named in the
document becomes a placeholder account of this import (`imported-<debate id>-<name>`,
inactive, with no usable password), and vote tallies are rebuilt with placeholder voters of
the same kind, so that exporting the imported debate gives the same content hash. Claims
keep the `created_at` and `updated_at` of the document.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
from django.contrib.auth import get_user_model
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import DataError, IntegrityError, transaction
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from debate import permissions
from debate.arguments.models import MAX_REPLY_DEPTH, Citation, Claim, Vote
from debate.audit.services import audit_record, rate_check
from debate.debates.models import Debate, Membership, Position, Role, Team
from debate.errors import InvalidInput
from debate.people.services import pseudonyms_assign
from debate.snapshots.documents import SCHEMA, content_hash
from debate.sources.models import Evidence, Source
from debate.sources.text import text_sha256

SCHEMA_PATH = Path(__file__).parent / "schema" / "debate-snapshot-1.json"
# Limits of one import (the README's API section lists them): a 6 KB document once made
# 10,000 accounts and 200,000 votes. Each is well above the seeded debate and a seminar's.
MAX_ROWS = {
    "positions": 20,
    "teams": 50,
    "claims": 5_000,
    "sources": 50,
    "evidence": 5_000,
    "citations": 20_000,
}
MAX_AUTHORS = 500  # distinct author names: each becomes a placeholder account
MAX_VOTES_PER_CLAIM = 500  # placeholder voters are made for the busiest claim's tally
MAX_VOTES = 50_000
MAX_DESCRIPTION = 5_000  # characters of the debate's and each position's description
MAX_SOURCE_TEXT = 1_000_000  # characters of one source's text
MAX_AUTHOR_NAME = 100  # characters; the placeholder's username adds a prefix within 150
# A position key appears in the debate's URLs and anchors: `a/b?c#d` would break its pages.
POSITION_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
USERNAME_MAX = 150
# A hidden or withdrawn claim that still had replies is exported as a placeholder without its
# words.
PLACEHOLDER_TEXT = "(a hidden claim; its text was not exported)"


def _string_problem(value: str) -> str | None:
    """What is wrong with a string: "null", "surrogate", or None."""
    if "\x00" in value:
        return "null"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # JSON may spell a lone surrogate ("\ud800"); no database or hash can store it.
        return "surrogate"
    return None


# Translators: %(where)s is a path inside the JSON document, such as claims/3/text.
VALUE_PROBLEMS = {
    "null": gettext_lazy("%(where)s: null characters are not allowed."),
    "surrogate": gettext_lazy(
        "%(where)s: a lone surrogate (an unpaired \\ud800-\\udfff escape) is not text."
    ),
}
# Translators: %(where)s is a path inside the JSON document, such as claims/3.
KEY_PROBLEMS = {
    "null": gettext_lazy("%(where)s: a key holds null characters, which are not allowed."),
    "surrogate": gettext_lazy(
        "%(where)s: a key holds a lone surrogate (an unpaired \\ud800-\\udfff escape), which "
        "is not text."
    ),
}


def _check_strings(document: Any) -> None:
    """Refuse a null character or a lone surrogate in any string or key of the document,
    naming where it is. An explicit stack, not recursion: the document's shape is the
    sender's."""
    stack: list[tuple[Any, str]] = [(document, "document")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            problem = _string_problem(value)
            if problem:
                raise InvalidInput(VALUE_PROBLEMS[problem] % {"where": where}, field=where)
        elif isinstance(value, dict):
            for key, item in value.items():
                problem = _string_problem(str(key))
                if problem:
                    raise InvalidInput(KEY_PROBLEMS[problem] % {"where": where}, field=where)
                stack.append((item, f"{where}/{key}"))
        elif isinstance(value, list):
            stack.extend((item, f"{where}/{index}") for index, item in enumerate(value))


def _check_row_counts(document: dict) -> None:
    """Before anything walks the tables: at most MAX_ROWS rows in each."""
    for table, limit in MAX_ROWS.items():
        rows = document.get(table)
        if isinstance(rows, list) and len(rows) > limit:
            # Translators: %(table)s is the name of a list in the JSON document (claims,
            # sources, evidence...), left in English.
            message = _("The document has %(count)s %(table)s; an import takes at most %(limit)s.")
            raise InvalidInput(
                message % {"count": intcomma(len(rows)), "table": table, "limit": intcomma(limit)},
                field=table,
            )


def author_name(claim: dict) -> str | None:
    """The name an imported claim is credited to: its pseudonym where the document carries
    one (an anonymous debate's moderator exports usernames beside pseudonyms; importing the
    usernames would publish who wrote what), else its author."""
    return claim.get("author_pseudonym") or claim.get("author") or None


def _check_sizes(document: dict) -> None:
    """Field sizes the JSON Schema leaves open (it describes exports, which may be larger)."""
    texts = [("debate/description", document["debate"].get("description", ""), MAX_DESCRIPTION)]
    texts += [(f"positions/{i}/description", p.get("description", ""), MAX_DESCRIPTION)
              for i, p in enumerate(document["positions"])]  # fmt: skip
    texts += [(f"sources/{i}/text", s.get("text", ""), MAX_SOURCE_TEXT)
              for i, s in enumerate(document["sources"])]  # fmt: skip
    texts += [(f"claims/{i}/author", author_name(c) or "", MAX_AUTHOR_NAME)
              for i, c in enumerate(document["claims"])]  # fmt: skip
    for where, text, limit in texts:
        if len(text) > limit:
            raise InvalidInput(
                _("%(where)s: at most %(limit)s characters.")
                % {"where": where, "limit": intcomma(limit)},
                field=where,
            )
    authors = {author_name(c) for c in document["claims"] if author_name(c)}
    if len(authors) > MAX_AUTHORS:
        message = _("The document names %(count)s authors; an import takes at most %(limit)s.")
        raise InvalidInput(message % {"count": intcomma(len(authors)),
                                      "limit": intcomma(MAX_AUTHORS)}, field="claims")  # fmt: skip
    for index, position in enumerate(document["positions"]):
        if not POSITION_KEY_PATTERN.fullmatch(position["key"]):
            raise InvalidInput(
                _(
                    "positions/%(index)s/key: %(key)s is not a slug: use only letters, digits, - "
                    "and _ (the key appears in the debate's web addresses)."
                )
                % {"index": index, "key": repr(position["key"])},
                field=f"positions/{index}/key",
            )


def _timestamp(value: Any, where: str) -> datetime:
    """An ISO 8601 date and time with its UTC offset (the JSON Schema's `format: date-time`
    is not checked by jsonschema without an extra package)."""
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or parsed.tzinfo is None:
        message = _("%(where)s: not a date and time with a UTC offset.")
        raise InvalidInput(message % {"where": where}, field=where)
    return parsed


def _check_unique(document: dict) -> None:
    """What the database holds unique must be unique in the document too."""
    checks = [
        ("positions", lambda p: p["key"], _("The document repeats position keys.")),
        ("teams", lambda t: t["name"], _("The document repeats team names.")),
        (
            "evidence",
            lambda e: (e["source_id"], e["start"], e["end"]),
            _("The document repeats evidence spans."),
        ),
        (
            "citations",
            lambda c: (c["claim_id"], c["evidence_id"]),
            _("The document repeats citations."),
        ),
        ("positions", lambda p: p["id"], _("The document repeats position ids.")),
        ("claims", lambda c: c["id"], _("The document repeats claim ids.")),
        ("sources", lambda s: s["id"], _("The document repeats source ids.")),
        ("evidence", lambda e: e["id"], _("The document repeats evidence ids.")),
    ]
    for table, key, what in checks:
        keys = [key(row) for row in document[table]]
        if len(keys) != len(set(keys)):
            raise InvalidInput(what, field=table)


def _check_depth(claims: list[dict]) -> None:
    """No claim may sit deeper than MAX_REPLY_DEPTH, as in the app. Every parent is an earlier
    claim (checked before this runs), so one pass in id order knows each parent's depth."""
    depth: dict[int, int] = {}
    for claim in sorted(claims, key=lambda c: c["id"]):
        parent_id = claim["parent_id"]
        depth[claim["id"]] = 0 if parent_id is None else depth[parent_id] + 1
        if depth[claim["id"]] > MAX_REPLY_DEPTH:
            raise InvalidInput(
                _(
                    "Claim %(id)s is %(depth)s replies deep; replies can go at most %(limit)s "
                    "deep, so this document cannot be imported."
                )
                % {"id": claim["id"], "depth": depth[claim["id"]], "limit": MAX_REPLY_DEPTH},
                field="claims",
            )


def snapshot_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_document(document: Any) -> None:
    if not isinstance(document, dict):
        raise InvalidInput(_("Send a snapshot document: a JSON object."), field="document")
    if document.get("schema") != SCHEMA:
        message = _("The document's schema must be %(schema)s.")
        raise InvalidInput(message % {"schema": repr(SCHEMA)}, field="schema")
    _check_row_counts(document)
    _check_strings(document)
    try:
        jsonschema.validate(document, snapshot_schema(), format_checker=jsonschema.FormatChecker())
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "document"
        raise InvalidInput(f"{where}: {exc.message}", field=where) from exc
    _check_sizes(document)
    _check_unique(document)
    positions = {p["id"] for p in document["positions"]}
    teams = {t["id"] for t in document["teams"]}
    for team in document["teams"]:
        if team["position_id"] is not None and team["position_id"] not in positions:
            raise InvalidInput(_("Team %(name)s names an unknown position.")
                               % {"name": repr(team["name"])}, field="teams")  # fmt: skip
    claims = {c["id"]: c for c in document["claims"]}
    total_votes = 0
    for claim in document["claims"]:
        votes = claim["votes"]
        if votes["count"] != sum(votes["histogram"]):
            raise InvalidInput(_("Claim %(id)s: votes.count is not the histogram's sum.")
                               % {"id": claim["id"]},
                               field="claims")  # fmt: skip
        if votes["count"] > MAX_VOTES_PER_CLAIM:
            raise InvalidInput(_("Claim %(id)s: more than %(limit)s votes.")
                               % {"id": claim["id"], "limit": intcomma(MAX_VOTES_PER_CLAIM)},
                               field="claims")  # fmt: skip
        total_votes += votes["count"]
        if claim["text"] is not None and not claim["text"].strip():
            raise InvalidInput(_("Claim %(id)s has no text.") % {"id": claim["id"]}, field="claims")
        if claim["position_id"] not in positions:
            raise InvalidInput(_("Claim %(id)s names an unknown position.") % {"id": claim["id"]},
                               field="claims")  # fmt: skip
        if claim.get("team_id") is not None and claim["team_id"] not in teams:
            raise InvalidInput(_("Claim %(id)s names an unknown team.") % {"id": claim["id"]},
                               field="claims")  # fmt: skip
        parent = claims.get(claim["parent_id"]) if claim["parent_id"] is not None else None
        if claim["parent_id"] is not None and (
            parent is None
            or parent["position_id"] != claim["position_id"]
            or parent["id"] >= claim["id"]
        ):
            raise InvalidInput(
                _("Claim %(id)s: its parent must be an earlier claim of the same position.")
                % {"id": claim["id"]},
                field="claims",
            )
        if claim["text"] is None and not claim.get("hidden"):
            raise InvalidInput(_("Claim %(id)s has no text.") % {"id": claim["id"]}, field="claims")
        if claim.get("withdrawn") and not claim.get("hidden"):
            # `hidden` means "not shown": a withdrawn claim is never shown.
            message = _("Claim %(id)s is withdrawn, so it is hidden too.")
            raise InvalidInput(message % {"id": claim["id"]}, field="claims")
        for stamp in ("created_at", "updated_at"):
            _timestamp(claim[stamp], f"claims/{claim['id']}/{stamp}")
    if total_votes > MAX_VOTES:
        raise InvalidInput(_("More than %(limit)s votes in all.") % {"limit": intcomma(MAX_VOTES)},
                           field="claims")  # fmt: skip
    _check_depth(document["claims"])
    sources = {}
    for source in document["sources"]:
        if "text" not in source:
            raise InvalidInput(_("Sources need their text: export with GET "
                                 "…/snapshot/?format=json&include_text=1."),
                               field="sources")  # fmt: skip
        if text_sha256(source["text"]) != source["text_sha256"]:
            raise InvalidInput(_("Source %(id)s: its text does not match its SHA-256.")
                               % {"id": source["id"]},
                               field="sources")  # fmt: skip
        sources[source["id"]] = source
    evidence = {}
    for item in document["evidence"]:
        source = sources.get(item["source_id"])
        if source is None or source["text"][item["start"] : item["end"]] != item["quote"]:
            raise InvalidInput(_("Evidence %(id)s is not its source's text at its offsets.")
                               % {"id": item["id"]},
                               field="evidence")  # fmt: skip
        evidence[item["id"]] = item
    for citation in document["citations"]:
        if citation["claim_id"] not in claims or citation["evidence_id"] not in evidence:
            raise InvalidInput(_("A citation names an unknown claim or evidence."),
                               field="citations")  # fmt: skip
    # Last, so that a specific problem is named first: any other change since export.
    if content_hash(document) != document["content_hash"]:
        raise InvalidInput(_("content_hash does not match the document's content: it was "
                             "changed after export."), field="content_hash")  # fmt: skip


def _create_debate(wanted_slug: str, **fields: Any) -> Debate:
    """The debate row under the first free slug. Two imports at once may both find one slug
    free; the one that loses the insert takes the next (a few tries, then a clean refusal)."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Debate.objects.create(slug=_free_slug(wanted_slug), **fields)
        except IntegrityError:
            continue
    raise InvalidInput(_("No free slug for the imported debate; name one."), field="slug")


def _free_slug(wanted: str) -> str:
    base = slugify(wanted)[:70] or "imported-debate"
    slug, n = base, 1
    while Debate.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def debate_import(*, actor: Any, document: Any, slug: str = "") -> Debate:
    permissions.require(
        permissions.can_create_debate(actor), _("You are not allowed to create debates.")
    )
    rate_check(actor, "manage")
    validate_document(document)
    try:
        with transaction.atomic():
            return _import(actor, document, slug)
    except (IntegrityError, DataError) as exc:
        detail = (str(exc).splitlines() or [""])[0]
        raise InvalidInput(_("The database refused a value of the document: %(error)s")
                           % {"error": detail}, field="document") from exc  # fmt: skip


def _import(actor: Any, document: dict, slug: str) -> Debate:
    meta = document["debate"]
    debate = _create_debate(
        slug or meta["slug"], title=meta["title"][:200],
        motion=meta["motion"][:500], description=meta.get("description", ""),
        phase=meta["phase"], created_by=actor if getattr(actor, "is_authenticated", False)
        else None,
    )  # fmt: skip
    if getattr(actor, "is_authenticated", False):
        Membership.objects.create(user=actor, debate=debate, role=Role.MODERATOR)
        pseudonyms_assign(debate, [actor.pk])
    position_ids = {}
    for order, row in enumerate(document["positions"]):
        position_ids[row["id"]] = Position.objects.create(
            debate=debate, key=row["key"], title=row["title"],
            description=row.get("description", ""), order=order,
        ).pk  # fmt: skip
    team_ids = {
        row["id"]: Team.objects.create(
            debate=debate, name=row["name"], position_id=position_ids.get(row["position_id"])
        ).pk
        for row in document["teams"]
    }
    taken = _taken_usernames(debate)
    users = _placeholder_authors(
        debate, {author_name(c) for c in document["claims"] if author_name(c)}, taken
    )
    claim_ids: dict[int, int] = {}
    created: list[Claim] = []
    for row in sorted(document["claims"], key=lambda c: c["id"]):
        claim = Claim.objects.create(
            debate=debate, position_id=position_ids[row["position_id"]],
            parent_id=claim_ids.get(row["parent_id"]), stance=row["stance"],
            text=row["text"] if row["text"] is not None else PLACEHOLDER_TEXT,
            author_id=users.get(author_name(row)),
            team_id=team_ids.get(row.get("team_id")), **_claim_state(row),
        )  # fmt: skip
        # auto_now_add overrides a value given to create(); bulk_update below does not.
        claim.created_at = _timestamp(row["created_at"], "created_at")
        claim.updated_at = _timestamp(row["updated_at"], "updated_at")
        claim_ids[row["id"]] = claim.pk
        created.append(claim)
    Claim.objects.bulk_update(created, ["created_at", "updated_at"], batch_size=500)
    source_ids = {}
    for row in document["sources"]:
        source_ids[row["id"]] = Source.objects.create(
            debate=debate, title=row["title"], publication=row.get("publication", ""),
            volume=row.get("volume", ""), issue=row.get("issue", ""),
            published_on=row.get("published_on"), url=row.get("url", ""), text=row["text"],
            text_sha256=row["text_sha256"], revision=row.get("revision", 1),
        ).pk  # fmt: skip
    evidence_ids = {}
    for row in document["evidence"]:
        evidence_ids[row["id"]] = Evidence.objects.create(
            debate=debate, source_id=source_ids[row["source_id"]], quote=row["quote"],
            start=row["start"], end=row["end"], paragraph=row["paragraph"], status=row["status"],
        ).pk  # fmt: skip
    Citation.objects.bulk_create(
        Citation(claim_id=claim_ids[c["claim_id"]], evidence_id=evidence_ids[c["evidence_id"]],
                 relation=c["relation"])
        for c in document["citations"]
    )  # fmt: skip
    _rebuild_votes(debate, document["claims"], claim_ids, taken)
    audit_record(
        actor=actor, debate=debate, action="debate.import", obj=debate, before=None,
        after={"content_hash": content_hash(document), "claims": len(claim_ids),
               "sources": len(source_ids), "evidence": len(evidence_ids)},
    )  # fmt: skip
    return debate


def _claim_state(row: dict) -> dict[str, bool]:
    """A claim `withdrawn` comes in withdrawn (its author took it back), one only `hidden`
    comes in hidden (a moderator's doing); a document from before `withdrawn` was exported
    knows only `hidden`."""
    withdrawn = bool(row.get("withdrawn", False))
    return {"is_withdrawn": withdrawn, "is_hidden": bool(row.get("hidden")) and not withdrawn}


def _taken_usernames(debate: Debate) -> set[str]:
    """Usernames already holding this import's prefix (someone may have registered one)."""
    prefix = f"imported-{debate.pk}-"
    return set(
        get_user_model().objects.filter(username__startswith=prefix)
        .values_list("username", flat=True)
    )  # fmt: skip


def _free_username(wanted: str, taken: set[str]) -> str:
    """`wanted` (cut to fit), or with a number after it if that is taken; then taken too."""
    name, n = wanted[:USERNAME_MAX], 1
    while name in taken:
        n += 1
        suffix = f"-{n}"
        name = wanted[: USERNAME_MAX - len(suffix)] + suffix
    taken.add(name)
    return name


def _placeholders(usernames: list[str]) -> list[Any]:
    """Inactive accounts with no usable password: they hold imported content, nobody logs in."""
    user_model = get_user_model()
    users = []
    for username in usernames:
        user = user_model(username=username, is_active=False)
        user.set_unusable_password()
        users.append(user)
    return user_model.objects.bulk_create(users)


def _placeholder_authors(debate: Debate, names: set[str], taken: set[str]) -> dict[str, int]:
    """One placeholder account of this import per author name of the document: an existing
    account of the same name is never credited with words it did not write."""
    ordered = sorted(names)
    usernames = [_free_username(f"imported-{debate.pk}-{name}", taken) for name in ordered]
    return {name: user.pk for name, user in zip(ordered, _placeholders(usernames), strict=True)}


def _rebuild_votes(
    debate: Debate, claims: list[dict], claim_ids: dict[int, int], taken: set[str]
) -> None:
    """Placeholder voters, one per vote needed on the busiest claim, cast the tallies again."""
    needed = max((sum(c["votes"]["histogram"]) for c in claims), default=0)
    if not needed:
        return
    voters = _placeholders(
        [_free_username(f"imported-{debate.pk}-voter-{i}", taken) for i in range(1, needed + 1)]
    )
    votes = []
    for claim in claims:
        slot = 0
        for value, count in enumerate(claim["votes"]["histogram"]):
            for _vote in range(count):
                votes.append(Vote(user=voters[slot], claim_id=claim_ids[claim["id"]], value=value))
                slot += 1
    Vote.objects.bulk_create(votes)
