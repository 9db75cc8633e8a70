"""A missing outside tool skips its tests locally and fails them on CI (`CI=true`)."""

from __future__ import annotations

import sys

import pytest

from tests.snapshots import outside_tools


def test_a_missing_argdown_cli_fails_the_run_on_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(outside_tools, "ARGDOWN", tmp_path / "no-argdown")
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        outside_tools.require_argdown()


def test_a_missing_argdown_cli_skips_outside_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(outside_tools, "ARGDOWN", tmp_path / "no-argdown")
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match="make tools"):
        outside_tools.require_argdown()


def test_a_missing_arguebuf_fails_the_run_on_ci(monkeypatch):
    monkeypatch.setitem(sys.modules, "arguebuf", None)  # so `import arguebuf` fails
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="arguebuf"):
        outside_tools.require_arguebuf()
