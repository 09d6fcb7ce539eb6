"""Beside the cases issue 24's items 7, 9 and 10 were built for, found by an adversarial
review: each test failed on the commit reviewed (04a915c).

- a yadm index cut short (git writes it in place; a crash mid-write) crashed apply with
  "unexpected IndexError" (dotfile_facts._varint reads past the end);
- a named pipe among the files the managed-dotfile notes read (yadm's index, chezmoi.toml,
  .chezmoiroot, a .nix file beside home.nix) hung apply for ever (read without a stat);
- a `.envrc` line direnv does run but remedy cannot read as a plain assignment
  (`[ -n "$HOME" ] && export CLAUDE_CODE_USE_BEDROCK=1`) is left out of the folder's verdict:
  doctor says not affected and verify says ok while `claude` in that folder gets the 400.
"""

from __future__ import annotations

import os
import struct
import subprocess

import pytest

from tests.conftest import Sandbox
from tests.test_project_env import (  # noqa: F401  (fixtures)
    BEDROCK,
    ENVRC,
    PROJECT,
    claude,
    direnv,
    direnv_exports,
    home,
    remedy_json,
)

ZSHRC = b'export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION="us-east-1"\n'
APPLY_ZSH = ("apply", "mantle", "--shell", "zsh", "--yes")
HASH = "0123456789abcdfghijklmnpqrsvwxyz"


@pytest.mark.real_shell
def test_a_yadm_index_cut_short_is_not_a_crash(sandbox: Sandbox) -> None:
    sandbox.write(".zshrc", ZSHRC)
    # Version 4, one entry, cut inside the entry's path-prefix varint.
    index = b"DIRC" + struct.pack(">II", 4, 1) + bytes(62) + b"\x80"
    sandbox.write(".local/share/yadm/repo.git/index", index)
    result = sandbox.remedy(*APPLY_ZSH)
    assert "unexpected" not in result.stderr, result.stderr
    assert result.code == 0, result.stderr


def _store_linked_zshrc(sandbox: Sandbox) -> None:
    files = sandbox.path(f"store/nix/store/{HASH}-home-manager-files")
    files.mkdir(parents=True)
    (files / ".zshrc").write_bytes(ZSHRC)
    sandbox.path(".zshrc").symlink_to(files / ".zshrc")
    sandbox.write(".config/home-manager/home.nix", "{ home.sessionVariables = { }; }\n")


@pytest.mark.real_shell
@pytest.mark.parametrize(
    "fifo",
    [
        ".local/share/yadm/repo.git/index",
        ".config/chezmoi/chezmoi.toml",
        ".local/share/chezmoi/.chezmoiroot",
        ".config/home-manager/hosts.nix",
    ],
)
def test_a_named_pipe_among_a_tools_files_does_not_hang_apply(sandbox: Sandbox, fifo: str) -> None:

    if fifo.endswith(".nix"):
        _store_linked_zshrc(sandbox)
    else:
        sandbox.write(".zshrc", ZSHRC)
    sandbox.path(fifo).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(sandbox.path(fifo))
    try:
        result = sandbox.remedy(*APPLY_ZSH, process=True, timeout=40)
    except subprocess.TimeoutExpired:
        pytest.fail(f"apply hung on ~/{fifo}, a named pipe")
    assert "unexpected" not in result.stderr, result.stderr


ENVRC_COND = '[ -n "$HOME" ] && export CLAUDE_CODE_USE_BEDROCK=1\n'


@pytest.fixture
def conditional_envrc(home: Sandbox) -> Sandbox:  # noqa: F811
    home.write(f"{PROJECT}/.envrc", ENVRC_COND)
    direnv(home, "allow", ".")
    assert direnv_exports(home)[BEDROCK] == "1", "direnv runs the line: Bedrock is on here"
    return home


@pytest.mark.real_shell
@pytest.mark.real_client
def test_doctor_counts_a_conditional_envrc_line_direnv_runs(conditional_envrc: Sandbox) -> None:
    _, doc = remedy_json(conditional_envrc, "doctor", "--shell", "bash")
    problems = " ".join(str(p["message"]) for p in doc["problems"])
    assert doc["affected"] is True and f"{ENVRC}:1" in problems, (doc["affected"], problems)


@pytest.mark.real_shell
@pytest.mark.real_client
def test_verify_is_not_ok_in_a_folder_whose_envrc_runs_a_conditional_export(
    conditional_envrc: Sandbox,
) -> None:
    code, doc = remedy_json(conditional_envrc, "verify", "--shell", "bash")
    assert code != 0 and doc["verdict"] != "ok", (doc["verdict"], doc["message"])


@pytest.mark.real_shell
@pytest.mark.real_client
def test_verify_under_direnv_does_not_send_the_user_to_direnv_reload(
    conditional_envrc: Sandbox,
) -> None:
    """The .envrc was not changed (no --project): `direnv reload` turns Bedrock on again."""
    loaded = direnv_exports(conditional_envrc)
    done = conditional_envrc.remedy(
        "apply", "mantle", "--shell", "bash", "--yes", cwd=conditional_envrc.path(PROJECT)
    )
    assert done.code == 0, done.stderr
    result = conditional_envrc.remedy(
        "verify", "--shell", "bash", "--json", env=loaded, cwd=conditional_envrc.path(PROJECT)
    )
    import json

    doc = json.loads(result.stdout)
    assert result.code == 1, doc
    assert "--project" in str(doc["next"]), doc["next"]
