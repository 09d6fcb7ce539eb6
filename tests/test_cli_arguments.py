"""The command line as a user types it: help, names, regions, typos, completion, which
shell, and the exit code and one-line error for what it refuses.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, Sandbox, require_program
from tests.support.cli import BASHRC, PLANTED, no_traceback


def test_help_for_every_command(sandbox: Sandbox) -> None:
    for args in (
        [],
        ["apply"],
        ["apply", "mantle"],
        ["apply", "extra-body"],
        ["revert"],
        ["status"],
        ["list"],
    ):
        result = sandbox.remedy(*args, "--help")
        assert result.code == 0, result.stderr
        assert "Usage: remedy" in result.stdout
    assert "community" in sandbox.remedy("apply", "extra-body", "--help").stdout.lower()


def test_list_names_the_remedies_best_first(sandbox: Sandbox) -> None:
    result = sandbox.remedy("list", "--json")
    # The code remedies, then the packaged catalogue by rank.
    assert [r["name"] for r in result.json()["remedies"]] == [
        "mantle",
        "upgrade",
        "extra-body",
        "pin",
        "aws-region-missing",  # rank 30
        "vertex-project-missing",  # 30, then by name
        "model-region-prefix",  # 35
        "disable-betas",  # 40
        "vertex-region-missing",  # 45
        "ca-certs-in-settings",  # 55
        "prompt-caching-off",  # 65
        "max-output-tokens-stale",  # 70
    ]


def test_unknown_shell_exits_2_with_the_supported_names(sandbox: Sandbox) -> None:
    result = sandbox.remedy("apply", "mantle", "--shell", "cmd.exe", "--region", "us-east-1")
    assert result.code == 2
    no_traceback(result.stderr)
    for name in ("bash", "zsh", "fish", "tcsh", "pwsh"):
        assert name in result.stderr


def test_unknown_remedy_exits_2(sandbox: Sandbox) -> None:
    assert sandbox.remedy("apply", "nonsense").code == 2
    result = sandbox.remedy("revert", "nonsense")
    assert result.code == 2
    no_traceback(result.stderr)


@pytest.mark.parametrize("value", ["not json", "[1, 2]", '"a string"', "{broken"])
def test_extra_body_value_that_is_not_a_json_object_exits_2_and_writes_nothing(
    sandbox: Sandbox, value: str
) -> None:
    sandbox.write(BASHRC, PLANTED)
    result = sandbox.remedy("apply", "extra-body", "--shell", "bash", "--value", value, "--yes")
    assert result.code == 2
    no_traceback(result.stderr)
    assert """for example: --value '{"thinking":{"type":"adaptive"}}'""" in result.stderr
    assert sandbox.read(BASHRC) == PLANTED
    assert not (sandbox.home / ".profile").exists()


@pytest.mark.real_shell
def test_mantle_without_any_region_exits_2_and_says_how(sandbox: Sandbox) -> None:
    sandbox.write(BASHRC, PLANTED)
    result = sandbox.remedy("apply", "mantle", "--shell", "bash", "--yes")
    assert result.code == 2
    no_traceback(result.stderr)
    assert "--region" in result.stderr
    assert sandbox.read(BASHRC) == PLANTED


def test_a_bad_region_exits_2(sandbox: Sandbox) -> None:
    result = sandbox.remedy("apply", "mantle", "--shell", "bash", "--region", "moon-1; rm -rf ~")
    assert result.code == 2
    no_traceback(result.stderr)


@pytest.mark.real_shell
def test_an_unknown_region_is_refused_and_a_newer_one_can_be_accepted(sandbox: Sandbox) -> None:
    """eu-west-99 is well formed but no AWS region: refused before anything is written,
    with the nearest real one; REMEDY_EXTRA_REGIONS accepts one announced since."""
    sandbox.write(BASHRC, b"export AWS_REGION=us-east-1\n")
    before = sandbox.snapshot()
    args = ("apply", "mantle", "--shell", "bash", "--region", "eu-west-99", "--yes")
    refused = sandbox.remedy(*args)
    assert refused.code == 2 and "not an AWS region remedy knows" in refused.stderr
    assert "REMEDY_EXTRA_REGIONS=eu-west-99" in refused.stderr
    assert sandbox.snapshot() == before and not (sandbox.home / ".local").exists()
    accepted = sandbox.remedy(*args, env={"REMEDY_EXTRA_REGIONS": "eu-west-99"})
    assert accepted.code == 0, accepted.stderr
    assert "differs from the region configured here (us-east-1" in accepted.stdout


@pytest.mark.real_shell
def test_region_from_the_environment_is_pinned_and_from_files_is_not(sandbox: Sandbox) -> None:
    result = sandbox.remedy(
        "apply", "mantle", "--shell", "bash", "--yes", env={"AWS_REGION": "ap-south-1"}
    )
    assert result.code == 0, result.stderr
    assert b"export AWS_REGION=ap-south-1" in sandbox.read(BASHRC)
    assert sandbox.remedy("revert", "--yes").code == 0

    # Provided by the user's files to every kind of new bash (the login one sources
    # ~/.bashrc, as Debian's ~/.profile does), it is not pinned.
    sandbox.write(BASHRC, b"export AWS_DEFAULT_REGION='eu-north-1'\n")
    sandbox.write(".profile", b". ~/.bashrc\n")
    result = sandbox.remedy("apply", "mantle", "--shell", "bash", "--yes")
    assert result.code == 0, result.stderr
    assert b"AWS_REGION" not in sandbox.read(BASHRC)
    assert "eu-north-1, from ~/.bashrc:1" in result.stdout


@pytest.mark.real_shell
@pytest.mark.parametrize("parent", ["zsh", "bash", "fish", "tcsh"])
def test_the_shell_is_detected_from_the_parent_process(sandbox: Sandbox, parent: str) -> None:
    """A shell a person types into (`-i`, reading what is typed: here its stdin) is theirs,
    whatever $SHELL says. (One that runs `-c` or a script is not: test_shell_detection.)"""
    program = require_program(parent)
    command = f"{sys.executable} -m remedies apply mantle --region us-east-1 --dry-run --json\n"
    done = subprocess.run(
        [program, "-i"],
        input=(command + "exit\n").encode(),
        env=sandbox.env,
        cwd=REPO,
        capture_output=True,
        check=False,
        timeout=120,
    )
    import json

    out = done.stdout.decode(errors="replace")
    # An interactive shell prints prompts around the document.
    doc, _end = json.JSONDecoder().raw_decode(out[out.index("{") :])
    assert doc["shells"] == [parent], out


@pytest.mark.real_shell
def test_sh_in_between_defers_to_the_login_shell(sandbox: Sandbox) -> None:
    """`sh -c` (make, npm scripts) is not the user's shell: $SHELL is the better answer."""
    require_program("zsh")
    command = f"{sys.executable} -m remedies apply mantle --region us-east-1 --dry-run --json; echo"
    env = {**sandbox.env, "SHELL": "/usr/bin/zsh"}
    done = subprocess.run(
        ["/bin/sh", "-c", command], env=env, cwd=REPO, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    import json

    assert json.loads(done.stdout)["shells"] == ["zsh"]


def test_python_dash_m_and_the_console_script_agree(sandbox: Sandbox) -> None:
    # `make test` installs the package (editable), console script included; a missing
    # script is a broken set-up, not a reason to pass.
    script = Path(sys.executable).parent / "remedy"
    assert script.exists(), f"{script} missing: install with `make test` (pip install -e .)"
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout == sandbox.remedy("--version").stdout


@pytest.mark.real_shell
def test_all_shells_configures_every_installed_shell(sandbox: Sandbox) -> None:
    for program in ("bash", "zsh", "fish", "tcsh", "ksh"):
        require_program(program)
    result = sandbox.remedy(
        "apply", "mantle", "--all-shells", "--region", "us-east-1", "--yes", "--json"
    )
    assert result.code == 0, result.stderr
    shells = result.json()["shells"]
    assert {"bash", "zsh", "sh", "ksh", "fish", "tcsh"} <= set(shells)
    for name in ("bash", "zsh", "fish", "tcsh", "ksh"):
        env = sandbox.shell_env(name, login=True)
        assert "CLAUDE_CODE_USE_BEDROCK" not in env and env["CLAUDE_CODE_USE_MANTLE"] == "1", name
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == {}


@pytest.mark.real_shell
def test_debug_shows_the_traceback(sandbox: Sandbox) -> None:
    sandbox.write(BASHRC, b"# <<< remedy mantle <<<\n")
    args = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes"]
    assert "Traceback" not in sandbox.remedy(*args).stderr
    for where in (["--debug", *args], [*args, "--debug"]):  # people add it at the end
        result = sandbox.remedy(*where)
        assert result.code == 1
        assert "Traceback" in result.stderr and "CorruptFile" in result.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["aply", "mantle"], "no command 'aply'; did you mean 'apply'? (`remedy --help` "),
        (["verfy"], "no command 'verfy'; did you mean 'verify'? (`remedy --help` lists them)"),
        (["apply", "mantel"], "no remedy 'mantel'; did you mean 'mantle'? (`remedy list` "),
        (["revert", "mantel"], "no remedy 'mantel'; did you mean 'mantle'? (applied here: "),
        (["doctor", "--shell", "zhs"], "no shell 'zhs'; did you mean 'zsh'? (one of: ash, "),
        (["completion", "tcsh"], "no completion for shell 'tcsh' (one of: bash, zsh, fish)"),
        (["export", "mantle", "--format", "jsn"], "no format 'jsn'; did you mean 'json'? (one "),
        (["export", "mantel"], "no remedy 'mantel'; did you mean 'mantle'? (these can be expo"),
    ],
)
def test_a_typo_gets_the_nearest_name(sandbox: Sandbox, args: list[str], said: str) -> None:
    """Every mistyped name in one form (typos.unknown): what it is not, the nearest name,
    where the names are; one line, no `--help` pointer stacked after it (issue 26)."""
    result = sandbox.remedy(*args)
    assert result.code == 2
    assert result.stderr.startswith(f"remedy: error: {said}"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.count("(") == 1, result.stderr
    assert not (sandbox.home / ".local").exists(), "bad input writes nothing"


@pytest.mark.real_shell
def test_completion_scripts_and_what_they_complete(sandbox: Sandbox) -> None:
    for shell in ("bash", "zsh", "fish"):
        script = sandbox.remedy("completion", shell)
        assert script.code == 0 and "_REMEDY_COMPLETE" in script.stdout, script.stderr
    # What a real bash asks when the user presses Tab after `remedy rev`.
    asked = {"_REMEDY_COMPLETE": "bash_complete", "COMP_WORDS": "remedy rev", "COMP_CWORD": "1"}
    assert "plain,revert" in sandbox.remedy(env=asked).stdout
    asked = {**asked, "COMP_WORDS": "remedy apply mantle --shell fi", "COMP_CWORD": "4"}
    assert sandbox.remedy(env=asked).stdout.split() == ["plain,fish"]
    assert sandbox.remedy("completion", "tcsh").code == 2


@pytest.mark.real_shell
def test_list_and_doctor_call_each_remedy_the_same(sandbox: Sandbox) -> None:
    sandbox.write(BASHRC, PLANTED)
    summaries = {
        r["name"]: r["summary"]
        for r in json.loads(sandbox.remedy("list", "--json").stdout)["remedies"]
    }
    doctor = json.loads(sandbox.remedy("doctor", "--shell", "bash", "--json").stdout)
    recommended = {r["remedy"] for r in doctor["recommendations"]}
    assert {"mantle", "upgrade", "extra-body"} <= recommended <= set(summaries)
    for item in doctor["recommendations"]:
        first = re.split(r"[:;(]", item["why"])[0].strip()
        assert first in summaries[item["remedy"]], (item, summaries)
    extra = next(r for r in doctor["recommendations"] if r["remedy"] == "extra-body")
    assert (
        "often does not work" in extra["why"] and "often does not work" in summaries["extra-body"]
    )


def test_every_usage_error_is_one_line(sandbox: Sandbox) -> None:
    """click lays "Choose from:" out as tab-indented lines (issue 26: `remedy export mantle`
    without --format printed five)."""
    result = sandbox.remedy("export", "mantle")
    assert result.code == 2
    assert result.stderr.strip() == (
        "remedy: error: Missing option '--format'. Choose from: json, mobileconfig, reg, ps1, "
        "intune-detect, intune-remediate, jamf-ea, jamf-policy, intune-compliance, "
        "intune-compliance-rules, intune-detect-ps1, intune-remediate-ps1 "
        "(see `remedy export mantle --help`)"
    ), result.stderr


@pytest.mark.real_shell
def test_a_folder_removed_under_remedy_is_named(tmp_path: Path) -> None:
    """Started in a folder removed since, remedy said only "No such file or directory"."""
    gone = tmp_path / "gone"
    gone.mkdir()
    script = f'cd "{gone}" && rmdir "{gone}" && exec "{sys.executable}" -m remedies status'
    done = subprocess.run(
        ["sh", "-c", script], capture_output=True, text=True, timeout=60, check=False,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PWD": str(gone)},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == (
        f"remedy: error: the folder you are in ({gone}) no longer exists: cd to one that "
        "does, then run remedy again"
    ), done.stderr
