"""Shared helpers for the load and fault scripts (bench/load_*.py, bench/faults.py).

Not a script by itself. It gives each script:

- `fresh_database(name)`: a dedicated PostgreSQL database (`debate_load_*`), dropped and
  created again on every run so that numbers do not depend on earlier runs, then migrated;
  Django is set up in this process against it (to create users, tokens and check results).
- `Server`: the app under gunicorn with production settings and the deployed worker model
  (gunicorn.conf.py, as `make serve` uses it: 2 gthread workers of THREADS threads, DEBUG off,
  a random SECRET_KEY, Redis db 15 as the shared cache, the rate limits raised so that the
  load measures the app and not the limiter), started with Popen of the gunicorn executable
  and stopped by its pid (terminate, wait, kill) when the `with` block ends, whatever happens.
- `call()`: one HTTP request to 127.0.0.1 only (a fresh connection each time, so that each
  request pays what a new visitor pays and no client holds a worker's thread between calls).
- `hard_limit()`: a wall-clock bound for the whole script (SIGALRM raises `TimeLimit` in the
  main thread; from then on `call()` sends nothing, so client threads end at once).
- `percentiles()` and `latency_line()` for the printed results.

Environment: LOAD_DATABASE_URL overrides the database (its name must start with debate_load);
LOAD_REDIS_URL overrides the Redis URL (default redis://127.0.0.1:6379/15).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"  # the only host any script talks to
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/15")
WORKERS = 2
THREADS = 8  # per worker; gunicorn.conf.py reads it from the environment, as `make serve` sets it
GUNICORN_CONFIG = ROOT / "gunicorn.conf.py"
# High enough that neither the app's limits (per user, heavy reads per address) nor DRF's
# throttle refuse anything.
RATE_ENV = {
    "RATE_LIMIT_VOTES": "1000000",
    "RATE_LIMIT_CLAIMS": "1000000",
    "RATE_LIMIT_EVIDENCE": "1000000",
    "API_WRITE_RATE": "100000/minute",
    "HEAVY_READS_PER_MINUTE": "1000000",
}
# What a failure body must never show.
LEAKS = ("Traceback", "OperationalError", "InterfaceError", "psycopg", 'File "/', "Exception")


class TimeLimit(Exception):
    """The script ran past its hard limit."""


STOP = threading.Event()  # set when the hard limit fires: clients send nothing more


def hard_limit(seconds: int) -> None:
    """Raise TimeLimit in the main thread after `seconds`; `finally` blocks still run."""

    def expired(signum, frame):
        STOP.set()
        raise TimeLimit(f"hard limit of {seconds} s reached")

    signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)


def database_url(name: str) -> str:
    url = os.environ.get("LOAD_DATABASE_URL") or f"postgres://postgres@127.0.0.1:5432/{name}"
    host = url.split("@", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"refusing a non-loopback database host: {host}")
    if not url.rsplit("/", 1)[1].startswith("debate_load"):
        raise SystemExit("the load database's name must start with debate_load (it is dropped)")
    return url


def fresh_database(name: str) -> str:
    """Drop and create the dedicated database, point Django at it, set Django up, migrate."""
    import psycopg

    url = database_url(name)
    db_name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db_name}"')
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "debate.settings"
    os.environ["DEBUG"] = "false"
    os.environ.pop("DJANGO_ENV", None)  # this process only sets up and checks: development
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def server_env(url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update({
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "debate.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
        **RATE_ENV,
    })  # fmt: skip
    env.pop("DEBUG", None)
    env.update(extra or {})
    return env


def ensure_static(url: str) -> None:
    """Production serves hashed static names from a manifest (`make serve` runs collectstatic);
    pages fail without it. Run collectstatic only when the manifest is missing or stale."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    newest = max(p.stat().st_mtime for p in (ROOT / "static").rglob("*") if p.is_file())
    if manifest.exists() and manifest.stat().st_mtime >= newest:
        return
    subprocess.run(
        [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT, env=server_env(url), check=True, timeout=120,
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Result:
    status: int  # 0: no HTTP response (connection refused, reset, timeout)
    seconds: float
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: str = ""
    started: float = 0.0  # time.monotonic() when sent

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self):
        return json.loads(self.body)


def call(
    port: int,
    method: str,
    path: str,
    *,
    body: object = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> Result:
    """One request to 127.0.0.1:port on a fresh connection; never raises for network errors."""
    payload = None if body is None else json.dumps(body).encode()
    sent_headers = {"Accept": "application/json, text/html;q=0.9", **(headers or {})}
    if payload is not None:
        sent_headers["Content-Type"] = "application/json"
    started = time.monotonic()
    if STOP.is_set():
        return Result(0, 0.0, error="stopped: the script's hard limit was reached", started=started)
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=payload, headers=sent_headers)
        response = conn.getresponse()
        data = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return Result(response.status, time.monotonic() - started, data, headers, started=started)
    except (OSError, http.client.HTTPException) as exc:
        return Result(0, time.monotonic() - started, error=f"{type(exc).__name__}: {exc}",
                      started=started)  # fmt: skip
    finally:
        conn.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Server:
    """gunicorn serving the app on a free loopback port, as a `with` block.

    The log (gunicorn's error log, Django's warnings) goes to a file kept after the run;
    `log_text()` reads it, `tracebacks()` counts Python tracebacks in it."""

    def __init__(
        self, url: str, *, name: str, workers: int = WORKERS, threads: int = THREADS,
        extra_env=None, access_log=False,
    ):  # fmt: skip
        self.url, self.workers, self.threads = url, workers, threads
        self.extra_env = {"THREADS": str(threads), **(extra_env or {})}
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        log_dir = Path(tempfile.gettempdir()) / "debate-bench-logs"
        log_dir.mkdir(exist_ok=True)
        self.log_path = log_dir / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.log"
        # One "status method path?query" line per request when asked for (schemathesis_run.py).
        self.access_path = self.log_path.with_suffix(".access.log") if access_log else None

    @property
    def kind(self) -> str:
        """How it serves, for the scripts' "server:" lines."""
        return f"{self.workers} gthread workers x {self.threads} threads"

    def __enter__(self) -> Server:
        ensure_static(self.url)
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in __exit__
        command = [
            str(BIN / "gunicorn"), "debate.wsgi:application", "--config", str(GUNICORN_CONFIG),
            "--workers", str(self.workers), "--bind", f"{HOST}:{self.port}",
            "--graceful-timeout", "5", "--error-logfile", "-",
        ]  # fmt: skip
        if self.access_path is not None:
            command += ["--access-logfile", str(self.access_path),
                        "--access-logformat", "%(s)s %(m)s %(U)s?%(q)s"]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=server_env(self.url, self.extra_env),
            stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see "
                                   f"{self.log_path}:\n{self.log_text()[-3000:]}")  # fmt: skip
            result = call(self.port, "GET", "/api/v1/debates/", timeout=10)
            if result.status == 200:
                # One request per worker is not guaranteed by this; warm both up a little.
                for _ in range(2 * self.workers):
                    call(self.port, "GET", "/api/v1/debates/", timeout=10)
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {seconds} s; see {self.log_path}")

    def stop(self) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()  # SIGTERM to the gunicorn master: graceful stop of workers
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if getattr(self, "_log", None) is not None and not self._log.closed:
            self._log.close()

    def __exit__(self, *exc) -> None:
        signal.alarm(0)  # the hard limit must not interrupt the clean-up itself
        self.stop()

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def tracebacks(self) -> int:
        return self.log_text().count("Traceback (most recent call last)")


def percentiles(values: list[float]) -> dict[str, float]:
    """Nearest-rank percentiles (p50, p90, p99) and the maximum."""
    ordered = sorted(values)
    if not ordered:
        return {"p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0}

    def rank(p: float) -> float:
        index = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))
        return ordered[index]

    return {"p50": rank(50), "p90": rank(90), "p99": rank(99), "max": ordered[-1]}


def latency_line(values: list[float]) -> str:
    p = percentiles(values)
    return (f"p50 {p['p50'] * 1000:.0f} ms, p90 {p['p90'] * 1000:.0f} ms, "
            f"p99 {p['p99'] * 1000:.0f} ms, max {p['max'] * 1000:.0f} ms")  # fmt: skip


def machine_line() -> str:
    load = os.getloadavg()
    return (f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / "
            f"{load[2]:.1f} (1/5/15 min) at start; other work shares the cores, so figures "
            f"are noisy")  # fmt: skip


def verdict(failures: list[str], started: float, limit: int, passed: str) -> None:
    """Print the run's time and verdict; exit 1 with the problems if there are any."""
    print(f"total {time.monotonic() - started:.0f} s (bound {limit} s)")
    if failures:
        print(f"FAIL: {len(failures)} problems")
        for line in failures[:30]:
            print("  " + line)
        raise SystemExit(1)
    print(f"PASS: {passed}")
