"""Schemathesis over the whole API of the app under gunicorn, as a moderator, looking for 5xx.

    .venv/bin/python bench/schemathesis_run.py [--max-examples 50] [--max-time 100]

Set-up (database debate_load_schema, dropped and created again each run): `seed` (the seeded
debate, no demo accounts: DEBUG is off), a moderator of the seeded debate created here with an
API token (debate.accounts.services.token_create) and two frozen snapshots, so that the paths
with snapshot numbers have something to find. The app runs under gunicorn, 2 threaded workers,
production settings (bench/run_server.py), on 127.0.0.1 only, with an access log.

Schemathesis 4 (`schemathesis run`, all phases, all checks, 2 workers, a fixed seed) reads
/api/v1/schema/ and sends `Authorization: Bearer <moderator token>` with every request; a
config file binds the path parameters to real values most of the time (the seeded slug, its
claim, evidence and snapshot ids), so that the writes reach the services instead of 404s.
Every API write is allowed to change the seeded debate: the database is the script's own.

Asserts: no 5xx answer in the whole run, counted two ways: gunicorn's access log (every status
of every request) and schemathesis's own not_a_server_error check. Any 5xx is printed with its
method and path, the server log's traceback, and schemathesis's reproduction (curl). Other
checks' findings (schema conformance and the like) are printed as a summary, not asserted.
Bounded: schemathesis --max-time (default 100 s) and a subprocess timeout; 180 s in all.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_server import (  # noqa: E402
    BIN,
    Server,
    fresh_database,
    hard_limit,
    machine_line,
    verdict,
)

LIMIT_SECONDS = 180


def set_up():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from debate.accounts.services import token_create
    from debate.debates.models import Debate, Membership, Role
    from debate.snapshots.services import snapshot_take

    call_command("seed", verbosity=0)
    debate = Debate.objects.order_by("id").first()
    moderator = get_user_model().objects.create(username="load-moderator", password="!")
    Membership.objects.create(user=moderator, debate=debate, role=Role.MODERATOR)
    token = token_create(actor=None, user=moderator, name="schemathesis")[1]
    for _ in range(2):
        snapshot_take(actor=moderator, debate=debate)
    ids = {
        "slug": [debate.slug],
        "claim": list(debate.claims.values_list("id", flat=True)[:50]),
        "evidence": list(debate.evidence.values_list("id", flat=True)[:50]),
        "snapshot": [1, 2],
    }
    return debate, token, ids


def config_text(ids: dict[str, list]) -> str:
    lines = []
    for name, values in ids.items():
        if values:
            lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    bindings = {"path.slug": ("slug", 0.9), "path.claim_id": ("claim", 0.8),
                "path.evidence_id": ("evidence", 0.8), "path.number": ("snapshot", 0.8),
                "path.other": ("snapshot", 0.8)}  # fmt: skip
    lines.append("[parameters]")
    for key, (name, probability) in bindings.items():
        if ids.get(name):
            lines.append(f'"{key}" = {{ dictionary = "{name}", probability = {probability} }}')
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--max-time", type=int, default=100)
    args = parser.parse_args()
    hard_limit(LIMIT_SECONDS)
    started = time.monotonic()
    print(machine_line())
    url = fresh_database("debate_load_schema")
    debate, token, ids = set_up()
    from django.db import connection

    connection.close()
    failures: list[str] = []
    work = Path(tempfile.mkdtemp(prefix="debate-schemathesis-"))
    config = work / "schemathesis.toml"
    config.write_text(config_text(ids))
    report = work / "report.ndjson"
    with Server(url, name="schemathesis", access_log=True) as server:
        print(f"server: gunicorn, {server.kind}, production settings, "
              f"127.0.0.1:{server.port}, log {server.log_path}")  # fmt: skip
        base = f"http://127.0.0.1:{server.port}"
        command = [
            str(BIN / "schemathesis"), "--no-color", "--config-file", str(config), "run",
            f"{base}/api/v1/schema/", "--url", base,
            "--max-examples", str(args.max_examples), "--max-time", str(args.max_time),
            "--workers", "2", "--seed", "20240521", "--checks", "all",
            "--generation-database", "none", "--request-timeout", "30",
            "--header", f"Authorization: Bearer {token}",
            "--report", "ndjson", "--report-ndjson-path", str(report),
        ]  # fmt: skip
        shown = " ".join(command).replace(token, "<token>").replace(str(BIN) + "/", "")
        print(f"command: {shown}")
        began = time.monotonic()
        try:
            done = subprocess.run(command, cwd=work, capture_output=True, text=True,
                                  timeout=args.max_time + 45)  # fmt: skip
            output, code = done.stdout + done.stderr, done.returncode
        except subprocess.TimeoutExpired as exc:
            output = (exc.stdout or b"").decode(errors="replace") if isinstance(
                exc.stdout, bytes) else (exc.stdout or "")  # fmt: skip
            code = "timeout"
            failures.append("schemathesis ran past its timeout")
        print(f"schemathesis: exit {code} after {time.monotonic() - began:.0f} s")
        server_log = server.log_text()
        access = server.access_path.read_text(errors="replace").splitlines()

    statuses = Counter(line.split(" ", 1)[0] for line in access if line[:3].isdigit())
    print(f"requests (gunicorn access log): {len(access)}; by status: "
          + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))  # fmt: skip
    server_errors = [line for line in access if line[:1] == "5"]
    print(f"5xx answers (access log): {len(server_errors)}")
    for line in Counter(server_errors).most_common(20):
        print(f"  {line[1]} x {line[0][:200]}")
    summary = re.search(r"=+ SUMMARY =+(.*)", output, re.S)
    tail = (summary.group(1) if summary else output[-3000:]).strip()
    print("schemathesis summary:")
    for line in tail.splitlines()[:40]:
        print(f"  {line}")
    mentions_5xx = "Server error" in output or "not_a_server_error" in tail
    print(f"schemathesis found a server error (5xx): {'yes' if mentions_5xx else 'no'}")
    if server_errors or mentions_5xx:
        failures.append(
            f"{len(server_errors)} x 5xx in the access log; schemathesis: "
            f"{'server error reported' if mentions_5xx else 'none reported'}"
        )
        blocks = server_log.split("Internal Server Error")
        for block in blocks[1:4]:
            print("server log, one 500:" + block[:3000])
        for block in re.findall(r"(?s)(\d+\. Server error.*?)(?=\n\s*\n\S|\Z)", output)[:5]:
            print("schemathesis reproduction:\n" + block[:3000])
    if code not in (0, 1):
        failures.append(f"schemathesis exit {code}")
        print(output[-4000:])
    (work / "output.txt").write_text(output)
    print(f"full schemathesis output: {work / 'output.txt'}; report {report}")
    verdict(failures, started, LIMIT_SECONDS, "no 5xx in the whole run")


if __name__ == "__main__":
    main()
