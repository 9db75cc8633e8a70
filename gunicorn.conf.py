"""gunicorn's settings, shared by `make serve` and the benches (bench/run_server.py), so that what
is measured is what is deployed. The command line adds the rest (workers, bind, logs).

Threaded workers (gthread): a request that builds a whole large map holds one thread, and a
small request on the same worker (a live poll, a vote) is served by another thread instead of
queueing behind it. Readers that miss the same cached map or page wait for the one thread
building it (debate.mapview.cache), without using the CPU, so eight threads leave room for
small requests while a crowd asks for a new version. Django keeps one database connection per
thread (DB_CONN_MAX_AGE applies to each), so a server holds up to WORKERS x THREADS
connections: keep that below PostgreSQL's max_connections (100 by default) across all app
servers.
"""

import os


def _threads() -> int:
    raw = os.environ.get("THREADS") or "8"
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"THREADS must be a whole number of at least 1, not {raw!r}")
    return int(raw)


worker_class = "gthread"
threads = _threads()
timeout = 60  # seconds a worker may go silent before the master replaces it
