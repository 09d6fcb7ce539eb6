"""A claude's version is read from what its installer laid down (package.json, versions/<v>,
Caskroom/claude-code/<v>), a file read; `claude --version` runs only where the layout says
nothing. Measured with 2.1.111: `--version` is half a second of Node.js per claude, and
doctor asks it of every kind of new shell's claude."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from remedies.claude.installs import laid_down_version
from tests.conftest import Sandbox

# A claude that notes each time it runs, and prints a version of its own.
NOTING = '#!/bin/sh\necho ran >> "{marker}"\necho "{version} (Claude Code)"\n'


@pytest.mark.parametrize(
    ("path", "version"),
    [
        ("/p/lib/node_modules/@anthropic-ai/claude-code/cli.js", "MANIFEST"),
        ("/p/node_modules/@anthropic-ai/claude-code/cli.js", "MANIFEST"),
        ("/h/.local/share/claude/versions/2.1.332", "2.1.332"),
        ("/opt/homebrew/Caskroom/claude-code/2.1.300/claude", "2.1.300"),
        ("/h/.local/share/claude/versions/latest", None),
        ("/usr/local/bin/claude", None),
        ("/h/.local/share/claude/versions/2.1.332/claude", None),
    ],
)
def test_the_layout_names_the_version(tmp_path: Path, path: str, version: str | None) -> None:
    real = tmp_path / path.lstrip("/")
    if version == "MANIFEST":
        package = real.parents[0] if real.parent.name == "claude-code" else real.parents[1]
        package.mkdir(parents=True)
        (package / "package.json").write_text(
            json.dumps({"name": "@anthropic-ai/claude-code", "version": "2.1.111"})
        )
        version = "2.1.111"
    assert laid_down_version(str(real)) == version


@pytest.mark.parametrize(
    "manifest",
    [
        b'{"name": "left-pad", "version": "2.1.111"}',  # another package's manifest
        b'{"name": "@anthropic-ai/claude-code", "version": "2.1.111; rm -rf ~"}',
        b'{"name": "@anthropic-ai/claude-code", "version": 2}',
        b"not json",
        b"[]",
        b'{"name": "@anthropic-ai/claude-code", "version": "' + b"1" * 70_000 + b'"}',
    ],
)
def test_a_manifest_that_does_not_say_leaves_it_to_the_program(
    tmp_path: Path, manifest: bytes
) -> None:
    package = tmp_path / "lib/node_modules/@anthropic-ai/claude-code"
    package.mkdir(parents=True)
    (package / "package.json").write_bytes(manifest)
    assert laid_down_version(str(package / "cli.js")) is None


@pytest.mark.parametrize(
    ("program", "version"),
    [
        (b"placeholder: the install script did not run\n" * 10, None),
        (b"\x7fELF" + b"\0" * 8192, "2.1.332"),
        (b"\xcf\xfa\xed\xfe" + b"\0" * 8192, "2.1.332"),
        (b"\x7fELF", None),  # too small for a binary: a placeholder all the same
    ],
    ids=["placeholder", "ELF", "Mach-O", "short"],
)
def test_a_native_package_names_its_version_only_with_its_binary(
    tmp_path: Path, program: bytes, version: str | None
) -> None:
    """From 2.1.113 the package's bin is bin/claude.exe, a placeholder until its install
    script puts the platform's binary there: a placeholder leaves it to the program (which
    then says "Exec format error")."""
    package = tmp_path / "lib/node_modules/@anthropic-ai/claude-code"
    (package / "bin").mkdir(parents=True)
    (package / "package.json").write_text(
        json.dumps({"name": "@anthropic-ai/claude-code", "version": "2.1.332"})
    )
    (package / "bin/claude.exe").write_bytes(program)
    assert laid_down_version(str(package / "bin/claude.exe")) == version


def _npm_claude(home: Path, marker: Path, manifest: bool) -> Path:
    package = home / "npm/lib/node_modules/@anthropic-ai/claude-code"
    package.mkdir(parents=True)
    cli = package / "cli.js"
    cli.write_text(NOTING.format(marker=marker, version="2.1.111"))
    cli.chmod(0o755)
    if manifest:
        (package / "package.json").write_text(
            json.dumps({"name": "@anthropic-ai/claude-code", "version": "2.1.111"})
        )
    (home / "npm/bin").mkdir()
    (home / "npm/bin/claude").symlink_to(cli)
    return home / "npm/bin"


@pytest.mark.real_shell
@pytest.mark.parametrize("manifest", [True, False], ids=["package.json", "no package.json"])
def test_doctor_starts_the_client_only_where_the_layout_is_silent(
    sandbox: Sandbox, manifest: bool
) -> None:
    marker = sandbox.home / "claude-ran"
    bin_folder = _npm_claude(sandbox.home, marker, manifest)
    path = f"{bin_folder}:{sandbox.env['PATH']}"
    doc = sandbox.remedy("doctor", "--json", "--shell", "bash", env={"PATH": path}).json()
    assert doc["claude"]["version"] == "2.1.111", doc["claude"]
    assert doc["claude"]["install_method"] == "npm"
    assert marker.exists() is not manifest, "--version runs only without a package.json"
