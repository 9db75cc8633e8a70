"""The outside tools that are the test of record for our formats: Argdown's CLI and arguebuf.

`make tools` installs `@argdown/cli` into `.tools/` (never globally); arguebuf comes with the
test extras. Without a tool its tests are skipped with the reason, except on CI (`CI=true`),
where a missing tool fails the run: a green CI run must mean the formats were read by their
own tools, as tests/browser/conftest.py does for Chromium.
"""

from __future__ import annotations

import json
import os
import subprocess  # noqa: S404 - runs the pinned Argdown CLI from the project's .tools/
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARGDOWN = ROOT / ".tools" / "node_modules" / ".bin" / "argdown"
# Lines the CLI prints in --verbose mode for its own progress; anything else is a message
# about the input (a parser error, a warning) and fails the test.
_PROGRESS = ("[AsyncArgdownApplication]:", "[LoadFilePlugin]:", "Saved ", "\x1b[32m")


def missing(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: the format's own tool must run on CI)", pytrace=False)
    pytest.skip(message)


def require_argdown() -> Path:
    if not ARGDOWN.is_file():
        missing(f"Argdown's CLI not found at {ARGDOWN}; run `make tools`")
    return ARGDOWN


def require_arguebuf() -> ModuleType:
    try:
        import arguebuf
    except ImportError:
        missing("arguebuf is not installed; run `make install-test`")
    return arguebuf


def _argdown(command: list[str], text: str, workdir: Path) -> tuple[Path, list[str]]:
    """Run `argdown <command…> map.argdown out/` and return the output folder and every line
    the CLI printed that is not its own progress."""
    source = workdir / "map.argdown"
    source.write_text(text, encoding="utf-8")
    out = workdir / "out"
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [str(require_argdown()), *command, "--verbose", str(source), str(out)],
        capture_output=True, text=True, timeout=120, cwd=workdir, check=False,
    )  # fmt: skip
    printed = (result.stdout + result.stderr).splitlines()
    messages = [line for line in printed if line.strip() and not line.startswith(_PROGRESS)]
    assert result.returncode == 0, "\n".join(printed)
    return out, messages


def argdown_json(text: str, workdir: Path) -> dict[str, Any]:
    """What Argdown's own parser makes of `text`: its JSON export. Any error or warning fails."""
    out, messages = _argdown(["json"], text, workdir)
    assert not messages, "\n".join(messages)
    return json.loads((out / "map.json").read_text(encoding="utf-8"))


def argdown_map(text: str, workdir: Path) -> str:
    """`argdown map`: the DOT graph Argdown draws of `text`. Any error or warning fails."""
    out, messages = _argdown(["map", "--format", "dot"], text, workdir)
    assert not messages, "\n".join(messages)
    return (out / "map.dot").read_text(encoding="utf-8")
