"""Create a new debate from a snapshot document (an export carries each source's text).

The document is checked against the JSON Schema that ships with the app, then for meaning:
every reference resolves, every tree rule holds, every quote is exactly its source's text at
its offsets, every text matches its SHA-256. Only then is anything written, in one
transaction, recorded as one audit event. Authors are matched by username where such a user
exists; vote tallies are rebuilt with placeholder voters (inactive accounts that cannot log
in), so that exporting the imported debate gives the same content hash.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from django.contrib.auth import get_user_model
from django.db import DataError, IntegrityError, transaction
from django.utils.text import slugify

from debate import permissions
from debate.arguments.models import MAX_REPLY_DEPTH, Citation, Claim, Vote
from debate.audit.services import audit_record
from debate.debates.models import Debate, Membership, Position, Role, Team
from debate.errors import InvalidInput
from debate.snapshots.documents import SCHEMA, content_hash
from debate.sources.models import Evidence, Source
from debate.sources.text import text_sha256

SCHEMA_PATH = Path(__file__).parent / "schema" / "debate-snapshot-1.json"
MAX_VOTES_PER_CLAIM = 10_000
MAX_VOTES = 200_000
# A hidden claim that still had replies is exported as a placeholder without its words.
PLACEHOLDER_TEXT = "(a hidden claim; its text was not exported)"


def _check_no_nulls(document: Any) -> None:
    """Refuse a null character in any string of the document, naming where it is. An explicit
    stack, not recursion: the document's shape is the sender's."""
    stack: list[tuple[Any, str]] = [(document, "document")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise InvalidInput(f"{where}: null characters are not allowed.", field=where)
        elif isinstance(value, dict):
            stack.extend((item, f"{where}/{key}") for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, f"{where}/{index}") for index, item in enumerate(value))


def _check_unique(document: dict) -> None:
    """What the database holds unique must be unique in the document too."""
    checks = [
        ("positions", lambda p: p["key"], "position keys"),
        ("teams", lambda t: t["name"], "team names"),
        ("evidence", lambda e: (e["source_id"], e["start"], e["end"]), "evidence spans"),
        ("citations", lambda c: (c["claim_id"], c["evidence_id"]), "citations"),
        ("positions", lambda p: p["id"], "position ids"),
        ("claims", lambda c: c["id"], "claim ids"),
        ("sources", lambda s: s["id"], "source ids"),
        ("evidence", lambda e: e["id"], "evidence ids"),
    ]
    for table, key, what in checks:
        keys = [key(row) for row in document[table]]
        if len(keys) != len(set(keys)):
            raise InvalidInput(f"The document repeats {what}.", field=table)


def _check_depth(claims: list[dict]) -> None:
    """No claim may sit deeper than MAX_REPLY_DEPTH, as in the app. Every parent is an earlier
    claim (checked before this runs), so one pass in id order knows each parent's depth."""
    depth: dict[int, int] = {}
    for claim in sorted(claims, key=lambda c: c["id"]):
        parent_id = claim["parent_id"]
        depth[claim["id"]] = 0 if parent_id is None else depth[parent_id] + 1
        if depth[claim["id"]] > MAX_REPLY_DEPTH:
            raise InvalidInput(
                f"Claim {claim['id']} is {depth[claim['id']]} replies deep; replies can go at "
                f"most {MAX_REPLY_DEPTH} deep, so this document cannot be imported.",
                field="claims",
            )


def snapshot_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_document(document: Any) -> None:
    if not isinstance(document, dict):
        raise InvalidInput("Send a snapshot document: a JSON object.", field="document")
    if document.get("schema") != SCHEMA:
        raise InvalidInput(f"The document's schema must be {SCHEMA!r}.", field="schema")
    try:
        jsonschema.validate(document, snapshot_schema(), format_checker=jsonschema.FormatChecker())
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "document"
        raise InvalidInput(f"{where}: {exc.message}", field=where) from exc
    _check_no_nulls(document)
    _check_unique(document)
    positions = {p["id"] for p in document["positions"]}
    teams = {t["id"] for t in document["teams"]}
    for team in document["teams"]:
        if team["position_id"] is not None and team["position_id"] not in positions:
            raise InvalidInput(f"Team {team['name']!r} names an unknown position.", field="teams")
    claims = {c["id"]: c for c in document["claims"]}
    total_votes = 0
    for claim in document["claims"]:
        votes = claim["votes"]
        if votes["count"] != sum(votes["histogram"]):
            raise InvalidInput(f"Claim {claim['id']}: votes.count is not the histogram's sum.",
                               field="claims")  # fmt: skip
        if votes["count"] > MAX_VOTES_PER_CLAIM:
            raise InvalidInput(f"Claim {claim['id']}: more than {MAX_VOTES_PER_CLAIM:,} votes.",
                               field="claims")  # fmt: skip
        total_votes += votes["count"]
        if claim["text"] is not None and not claim["text"].strip():
            raise InvalidInput(f"Claim {claim['id']} has no text.", field="claims")
        if claim["position_id"] not in positions:
            raise InvalidInput(f"Claim {claim['id']} names an unknown position.", field="claims")
        if claim.get("team_id") is not None and claim["team_id"] not in teams:
            raise InvalidInput(f"Claim {claim['id']} names an unknown team.", field="claims")
        parent = claims.get(claim["parent_id"]) if claim["parent_id"] is not None else None
        if claim["parent_id"] is not None and (
            parent is None
            or parent["position_id"] != claim["position_id"]
            or parent["id"] >= claim["id"]
        ):
            raise InvalidInput(
                f"Claim {claim['id']}: its parent must be an earlier claim of the same position.",
                field="claims",
            )
        if claim["text"] is None and not claim.get("hidden"):
            raise InvalidInput(f"Claim {claim['id']} has no text.", field="claims")
    if total_votes > MAX_VOTES:
        raise InvalidInput(f"More than {MAX_VOTES:,} votes in all.", field="claims")
    _check_depth(document["claims"])
    sources = {}
    for source in document["sources"]:
        if "text" not in source:
            raise InvalidInput("Sources need their text: export with format json and "
                               "include_text=1.", field="sources")  # fmt: skip
        if text_sha256(source["text"]) != source["text_sha256"]:
            raise InvalidInput(f"Source {source['id']}: its text does not match its SHA-256.",
                               field="sources")  # fmt: skip
        sources[source["id"]] = source
    evidence = {}
    for item in document["evidence"]:
        source = sources.get(item["source_id"])
        if source is None or source["text"][item["start"] : item["end"]] != item["quote"]:
            raise InvalidInput(f"Evidence {item['id']} is not its source's text at its offsets.",
                               field="evidence")  # fmt: skip
        evidence[item["id"]] = item
    for citation in document["citations"]:
        if citation["claim_id"] not in claims or citation["evidence_id"] not in evidence:
            raise InvalidInput("A citation names an unknown claim or evidence.", field="citations")
    # Last, so that a specific problem is named first: any other change since export.
    if content_hash(document) != document["content_hash"]:
        raise InvalidInput("content_hash does not match the document's content: it was changed "
                           "after export.", field="content_hash")  # fmt: skip


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
        permissions.can_create_debate(actor), "You are not allowed to create debates."
    )
    validate_document(document)
    try:
        with transaction.atomic():
            return _import(actor, document, slug)
    except (IntegrityError, DataError) as exc:
        raise InvalidInput(f"The database refused a value of the document: {exc}".splitlines()[0],
                           field="document") from exc  # fmt: skip


def _import(actor: Any, document: dict, slug: str) -> Debate:
    meta = document["debate"]
    debate = Debate.objects.create(
        slug=_free_slug(slug or meta["slug"]), title=meta["title"][:200],
        motion=meta["motion"][:500], description=meta.get("description", ""),
        phase=meta["phase"], created_by=actor if getattr(actor, "is_authenticated", False)
        else None,
    )  # fmt: skip
    if getattr(actor, "is_authenticated", False):
        Membership.objects.create(user=actor, debate=debate, role=Role.MODERATOR)
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
    users = {u.username: u.pk for u in get_user_model().objects.filter(
        username__in={c["author"] for c in document["claims"] if c.get("author")})}  # fmt: skip
    claim_ids: dict[int, int] = {}
    for row in sorted(document["claims"], key=lambda c: c["id"]):
        claim_ids[row["id"]] = Claim.objects.create(
            debate=debate, position_id=position_ids[row["position_id"]],
            parent_id=claim_ids.get(row["parent_id"]), stance=row["stance"],
            text=row["text"] if row["text"] is not None else PLACEHOLDER_TEXT,
            author_id=users.get(row.get("author")),
            team_id=team_ids.get(row.get("team_id")), is_hidden=row.get("hidden", False),
        ).pk  # fmt: skip
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
    _rebuild_votes(debate, document["claims"], claim_ids)
    audit_record(
        actor=actor, debate=debate, action="debate.import", obj=debate, before=None,
        after={"content_hash": content_hash(document), "claims": len(claim_ids),
               "sources": len(source_ids), "evidence": len(evidence_ids)},
    )  # fmt: skip
    return debate


def _rebuild_votes(debate: Debate, claims: list[dict], claim_ids: dict[int, int]) -> None:
    """Placeholder voters, one per vote needed on the busiest claim, cast the tallies again."""
    needed = max((sum(c["votes"]["histogram"]) for c in claims), default=0)
    if not needed:
        return
    user_model = get_user_model()
    voters = []
    for index in range(1, needed + 1):
        voter = user_model(username=f"imported-{debate.slug}-voter-{index}"[:150], is_active=False)
        voter.set_unusable_password()
        voters.append(voter)
    voters = user_model.objects.bulk_create(voters)
    votes = []
    for claim in claims:
        slot = 0
        for value, count in enumerate(claim["votes"]["histogram"]):
            for _ in range(count):
                votes.append(Vote(user=voters[slot], claim_id=claim_ids[claim["id"]], value=value))
                slot += 1
    Vote.objects.bulk_create(votes)
