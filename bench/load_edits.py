"""Edits under contention: 20 API clients edit the same claim at once, each with the ETag it read.

    .venv/bin/python bench/load_edits.py

Set-up (database debate_load_edits, dropped and created again each run): a debate in the
rebuttal phase, one claim by a debater, and 20 moderators of the debate (moderators may edit any
claim), each with its own API token. The app runs under gunicorn, 2 threaded workers, production
settings (see bench/run_server.py), on 127.0.0.1 only.

Each of 10 rounds: all 20 clients GET /api/v1/debates/{slug}/claims/{id}/ (same ETag), wait at a
barrier until all have read, then all PATCH the claim at once with If-Match: <that ETag> and a
text of their own. Asserts, per round: exactly one 200 and 19 refusals, each 412 (the ETag
was stale when the view compared it) or 409 (the service's version check under the row lock
caught it); no other status. At the end: the claim's version is 1 + rounds and its text is the
last accepted one; the audit trail (AuditEvent, action "claim.edit", this claim) holds exactly
the accepted edits, in order (count, before/after texts, versions); every accepted response's
ETag is new. Prints latency percentiles of the PATCHes. Bounded: at most 180 s, 400 requests.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_server import (  # noqa: E402
    Server,
    bearer,
    call,
    fresh_database,
    hard_limit,
    latency_line,
    machine_line,
    verdict,
)

LIMIT_SECONDS = 180
CLIENTS = 20
ROUNDS = 10
SLUG = "load-edits"


def set_up():
    from django.contrib.auth import get_user_model

    from debate.accounts.services import token_create
    from debate.arguments.models import Claim
    from debate.debates.models import Debate, Membership, Phase, Position, Role, Team

    user_model = get_user_model()
    debate = Debate.objects.create(slug=SLUG, title="Load: edits", motion="Edits?",
                                   phase=Phase.REBUTTAL)  # fmt: skip
    position = Position.objects.create(debate=debate, key="now", title="Now", order=0)
    team = Team.objects.create(debate=debate, name="Team now", position=position)
    author = user_model.objects.create(username="load-author")
    Membership.objects.create(user=author, debate=debate, role=Role.DEBATER, team=team)
    claim = Claim.objects.create(debate=debate, position=position, stance="pro",
                                 text="The original text", author=author, team=team)  # fmt: skip
    editors = user_model.objects.bulk_create(
        user_model(username=f"load-editor-{i}", password="!") for i in range(CLIENTS)
    )
    Membership.objects.bulk_create(
        Membership(user=u, debate=debate, role=Role.MODERATOR) for u in editors
    )
    tokens = [token_create(actor=None, user=u, name="load")[1] for u in editors]
    return debate, claim, tokens


def main() -> None:
    hard_limit(LIMIT_SECONDS)
    started = time.monotonic()
    print(machine_line())
    url = fresh_database("debate_load_edits")
    from django.db import close_old_connections

    from debate.audit.models import AuditEvent

    debate, claim, tokens = set_up()
    close_old_connections()
    path = f"/api/v1/debates/{SLUG}/claims/{claim.pk}/"
    failures: list[str] = []
    accepted: list[tuple[int, str, str]] = []  # (round, text, new ETag)
    patch_times: list[float] = []
    statuses: Counter = Counter()
    examples: dict[int, bytes] = {}  # one refusal body per status, for the report

    with Server(url, name="load_edits") as server:
        print(f"server: gunicorn, {server.kind}, production settings, "
              f"127.0.0.1:{server.port}, log {server.log_path}")  # fmt: skip
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            for round_ in range(1, ROUNDS + 1):
                barrier = threading.Barrier(CLIENTS)

                def edit(index, round_=round_, barrier=barrier):
                    read = call(server.port, "GET", path, headers=bearer(tokens[index]))
                    barrier.wait(timeout=60)
                    if read.status != 200:
                        return read, None, None
                    etag = read.headers["etag"]
                    text = f"Round {round_}: the text of editor {index}"
                    write = call(server.port, "PATCH", path, body={"text": text},
                                 headers={**bearer(tokens[index]), "If-Match": etag})  # fmt: skip
                    return read, write, text

                outcomes = list(pool.map(edit, range(CLIENTS)))
                etags = {read.headers.get("etag") for read, _, _ in outcomes}
                codes = Counter(w.status if w else r.status for r, w, _ in outcomes)
                statuses.update(codes)
                winners = [(w, text) for _, w, text in outcomes if w is not None and w.ok]
                patch_times += [w.seconds for _, w, _ in outcomes if w is not None]
                print(f"round {round_:2}: read ETags {sorted(etags)}; PATCH statuses "
                      f"{sorted(codes.items())}")  # fmt: skip
                refused = sum(codes[s] for s in (409, 412))
                if len(winners) != 1 or refused != CLIENTS - 1:
                    failures.append(f"round {round_}: statuses {dict(codes)}")
                for read, write, _ in outcomes:
                    for r in (read, write):
                        if r is not None and r.status not in (200, 409, 412):
                            failures.append(f"round {round_}: {r.status} {r.error} "
                                            f"{r.body[:300]!r}")  # fmt: skip
                for _, write, _ in outcomes:
                    if write is not None and write.status in (409, 412):
                        examples.setdefault(write.status, write.body)
                for write, text in winners:
                    accepted.append((round_, text, write.headers.get("etag")))
        tracebacks = server.tracebacks()

    close_old_connections()
    claim.refresh_from_db()
    events = list(
        AuditEvent.objects.filter(
            action="claim.edit", object_type="arguments.claim", object_id=claim.pk
        ).order_by("id")  # fmt: skip
    )
    texts = [text for _, text, _ in accepted]
    trail = [e.after["text"] for e in events]
    befores = [e.before["text"] for e in events]
    versions = [e.after["version"] for e in events]
    print(f"PATCH: {sum(statuses.values())} requests, {CLIENTS} clients at once per round: "
          f"{latency_line(patch_times)}; statuses {sorted(statuses.items())}")  # fmt: skip
    print(f"accepted edits: {len(accepted)} of {ROUNDS} rounds; claim version {claim.version}; "
          f"audit trail: {len(events)} claim.edit events, texts equal to the accepted edits: "
          f"{trail == texts}")  # fmt: skip
    for status, body in sorted(examples.items()):
        print(f"refusal {status}: {body.decode(errors='replace')}")
    if trail != texts:
        failures.append(f"audit texts {trail} != accepted {texts}")
    if befores != ["The original text", *texts[:-1]]:
        failures.append(f"audit 'before' texts do not chain: {befores}")
    if versions != list(range(2, 2 + len(events))):
        failures.append(f"audit versions {versions}")
    if claim.version != 1 + ROUNDS or claim.text != (texts[-1] if texts else None):
        failures.append(f"claim ends at version {claim.version}, text {claim.text!r}")
    new_etags = [etag for _, _, etag in accepted]
    if new_etags != [f'"claim-{claim.pk}-v{v}"' for v in range(2, 2 + len(accepted))]:
        failures.append(f"ETags of accepted edits: {new_etags}")
    if tracebacks:
        failures.append(f"{tracebacks} tracebacks in the server log")
    print(f"server log: {tracebacks} tracebacks")
    verdict(
        failures,
        started,
        LIMIT_SECONDS,
        f"each round exactly one 200 and {CLIENTS - 1} x 412/409; "
        "the audit trail holds exactly the accepted edits",
    )


if __name__ == "__main__":
    main()
