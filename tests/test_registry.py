"""A new remedy is one module: a package adds it with a `remedy.remedies` entry point."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import Sandbox

PLUGIN = """
from remedies.engine.envedit import EnvEdit
from remedies.catalog.interface import EnvRemedy, Proposal


def propose(ctx, shells, options):
    return Proposal(edit=EnvEdit(set=(("GREETING", "hello"),), comment="a plugin"))


REMEDY = EnvRemedy(name="greeting", summary="Say hello.", help="Set GREETING.", propose=propose)
"""


def install_plugin(folder: Path) -> None:
    (folder / "greeting_remedy.py").write_text(PLUGIN)
    info = folder / "greeting_remedy-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: greeting-remedy\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[remedy.remedies]\ngreeting = greeting_remedy:REMEDY\n")


@pytest.mark.real_shell
def test_a_plugin_remedy_is_listed_applied_and_reverted(sandbox: Sandbox, tmp_path: Path) -> None:
    plugins = tmp_path / "site"
    plugins.mkdir()
    install_plugin(plugins)
    env = {"PYTHONPATH": os.pathsep.join([str(plugins), os.environ.get("PYTHONPATH", "")])}

    listed = sandbox.remedy("list", "--json", env=env).json()
    names = [r["name"] for r in listed["remedies"]]
    # Built-ins first, then the packaged catalogue (best first), then the plugin.
    packaged = Path(__file__).resolve().parents[1] / "remedies" / "catalog" / "data"
    assert names[:4] == ["mantle", "upgrade", "extra-body", "pin"] and names[-1] == "greeting"
    assert set(names[4:-1]) == {p.stem for p in packaged.glob("*.toml")}

    applied = sandbox.remedy("apply", "greeting", "--shell", "bash", "--yes", env=env)
    assert applied.code == 0, applied.stderr
    assert b"export GREETING=hello" in sandbox.read(".bashrc")
    assert sandbox.shell_env("bash")["GREETING"] == "hello"
    assert sandbox.remedy("revert", "greeting", "--yes", env=env).code == 0
    assert sandbox.snapshot() == {}


def test_without_the_plugin_its_name_is_unknown(sandbox: Sandbox) -> None:
    assert sandbox.remedy("apply", "greeting").code == 2
