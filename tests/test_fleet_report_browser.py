"""The fleet report's page for 1,000 hosts in a real browser: headless Chromium (Debian's
`chromium`; .ci/run installs it) renders it to a PNG that is not blank, and the DOM it built
shows the counts of --json (read from the data-count marks). Marked `browser`
(tests/support/markers.py): Chromium takes seconds to start."""

from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Sandbox, require_program
from tests.support.fleet_reports import mixed_reports, parsed

pytestmark = pytest.mark.browser


def chromium(page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # As root Chromium needs --no-sandbox; a profile of its own keeps runs apart.
    argv = [require_program("chromium"), "--headless", "--no-sandbox", "--disable-gpu"]
    argv += [f"--user-data-dir={page.parent / 'profile'}", "--window-size=1280,1600", *args]
    return subprocess.run(
        [*argv, page.as_uri()], capture_output=True, text=True, timeout=120, check=False
    )


def pixels(png: bytes) -> set[bytes]:
    """The distinct pixels of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, data, width, height, channels = 8, b"", 0, 0, 0
    while at < len(png):
        (size,) = struct.unpack(">I", png[at : at + 4])
        kind, body = png[at + 4 : at + 8], png[at + 8 : at + 8 + size]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            data += body
        at += 12 + size
    raw, stride = zlib.decompress(data), width * channels
    seen: set[bytes] = set()
    previous = bytearray(stride)
    for y in range(height):
        line = raw[y * (stride + 1) : (y + 1) * (stride + 1)]
        method, row = line[0], bytearray(line[1:])
        for x in range(stride):
            a = row[x - channels] if x >= channels else 0
            b, c = previous[x], previous[x - channels] if x >= channels else 0
            if method == 1:
                row[x] = (row[x] + a) & 255
            elif method == 2:
                row[x] = (row[x] + b) & 255
            elif method == 3:
                row[x] = (row[x] + (a + b) // 2) & 255
            elif method == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[x] = (row[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        seen.update(bytes(row[x : x + channels]) for x in range(0, stride, channels * 7))
        previous = row
    return seen


@pytest.fixture
def page(sandbox: Sandbox, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    mixed_reports(tmp_path / "reports", 1000)
    said = sandbox.remedy("fleet-report", str(tmp_path / "reports"), "--json", "--html",
                          str(tmp_path / "fleet.html"))  # fmt: skip
    assert said.code == 0, said.stderr
    return tmp_path / "fleet.html", said.json()


def test_chromium_shows_the_counts_of_the_json(page: tuple[Path, dict[str, Any]]) -> None:
    path, doc = page
    dumped = chromium(path, "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    assert "<svg" in dumped.stdout, "Chromium built the charts"
    assert parsed(dumped.stdout).counts == {k: v for k, v in doc["counts"].items() if v}


def test_chromium_renders_a_page_that_is_not_blank(page: tuple[Path, dict[str, Any]]) -> None:
    path, _ = page
    shot = path.parent / "shot.png"
    done = chromium(path, f"--screenshot={shot}")
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    seen = pixels(shot.read_bytes())
    # Text, the bars' colours: a blank page is one colour.
    assert len(seen) > 20, len(seen)
    red = {p for p in seen if p[0] > 150 and p[1] < 80 and p[2] < 80}
    assert red, "the failed hosts' bar is drawn"
