"""The screenshot machinery: the suite writes screenshots to pytest's tmp dir, never into the
README's static/docs/screenshots/ (unless `make screenshots` asks), and the `screenshot`
fixture refuses a blank picture."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, SCREENSHOTS_ENV, png_pixels, screenshot_taker

README_SCREENSHOTS = ROOT / "static" / "docs" / "screenshots"


def write_png(path: Path, rows: list[bytes], width: int) -> None:
    """A greyscale PNG of `rows` (each `width` bytes), written with the standard library."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, len(rows), 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + row for row in rows))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_png_pixels_reads_size_and_tells_a_picture_from_a_flat_one(tmp_path):
    flat, busy = tmp_path / "flat.png", tmp_path / "busy.png"
    write_png(flat, [b"\xff" * 64] * 10, 64)
    write_png(busy, [bytes((x * 7 + y * 13) % 256 for x in range(64)) for y in range(10)], 64)

    assert png_pixels(flat)[:2] == (64, 10)
    assert len(set(png_pixels(flat)[2])) <= 2
    assert len(set(png_pixels(busy)[2])) > 32


def test_png_pixels_refuses_what_is_not_a_png(tmp_path):
    path = tmp_path / "fake.png"
    path.write_bytes(b"GIF89a not a png")
    with pytest.raises(AssertionError, match="not a PNG"):
        png_pixels(path)


def test_the_suite_writes_screenshots_outside_the_checkout(screenshots_dir):
    if os.environ.get(SCREENSHOTS_ENV):
        pytest.skip("SCREENSHOTS_DIR is set: this run refreshes the README's screenshots")
    assert README_SCREENSHOTS not in [screenshots_dir, *screenshots_dir.parents]
    assert ROOT not in screenshots_dir.parents


def test_screenshot_saves_the_page_and_refuses_a_blank_one(page, tmp_path):
    screenshot = screenshot_taker(tmp_path)
    page.set_content("<h1>Ukraine's NATO accession</h1><p>" + "Talks now. " * 200 + "</p>")
    path = screenshot(page, "test-page.png")
    assert path == tmp_path / "test-page.png" and path.stat().st_size > 1000

    page.set_content("<body style='background:#fff'></body>")
    with pytest.raises(AssertionError, match="looks blank"):
        screenshot(page, "test-blank.png")
