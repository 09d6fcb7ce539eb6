"""`make rollout` and friends over Ansible, against several local hosts (each its own HOME)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from remedies.redact import printable
from tests.support import claude_client, figures, fleet
from tests.support.system import a_machine

pytestmark = [pytest.mark.fleet]

ARGS = {"remedy": "mantle", "args": "--shell bash"}


@pytest.fixture(autouse=True)
def _ansible() -> None:
    fleet.ansible_ready()


@pytest.mark.real_shell
def test_rollout_fixes_every_host_and_a_second_rollout_changes_nothing(tmp_path: Path) -> None:
    inventory, homes = fleet.local_inventory(tmp_path, [f"laptop{i}" for i in range(1, 6)])
    out = tmp_path / "reports"
    first = fleet.make("rollout", inventory, out, batch="2", **ARGS)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-2000:]
    # Nothing from the toolchain's own warnings: with cryptography 51 every ansible-core
    # printed a CryptographyDeprecationWarning on start (the fleet extra caps it).
    assert not re.search(r"\w+Warning: ", first.stdout + first.stderr), first.stderr[-2000:]
    found = fleet.reports(out)
    assert sorted(found) == sorted(homes)
    assert all(r["changed"] is True and r["rc"] == 0 for r in found.values())
    for name, home in homes.items():
        assert fleet.fixed(home), name

    second = fleet.make("rollout", inventory, out, batch="2", **ARGS)
    assert second.returncode == 0, second.stdout[-3000:]
    assert all(r["changed"] is False for r in fleet.reports(out).values())
    recap = second.stdout.split("PLAY RECAP")[-1]
    for name in homes:
        line = next(x for x in recap.splitlines() if x.startswith(name))
        assert "changed=0" in line.replace(" ", ""), "Ansible's changed follows remedy's"

    summary = fleet.make("fleet-report", inventory, out, json="1")
    assert summary.returncode == 0, summary.stderr
    assert '"already fine"' in summary.stdout


def test_a_failing_canary_stops_the_rollout(tmp_path: Path) -> None:
    inventory, homes = fleet.local_inventory(tmp_path, ["canary", "b1", "b2", "b3"])
    (homes["canary"] / ".bashrc").write_bytes(fleet.PLANTED + b"# <<< remedy mantle <<<\n")
    out = tmp_path / "reports"
    result = fleet.make("rollout", inventory, out, batch="3", **ARGS)
    assert result.returncode != 0
    found = fleet.reports(out)
    assert list(found) == ["canary"]
    assert found["canary"]["rc"] == 1 and "without a begin marker" in found["canary"]["error"]
    for name in ("b1", "b2", "b3"):
        assert (homes[name] / ".bashrc").read_bytes() == fleet.PLANTED, "later waves never ran"


@pytest.mark.real_shell
def test_a_batch_over_the_failure_share_stops_later_batches(tmp_path: Path) -> None:
    names = ["c", "a1", "a2", "a3", "a4", "z1", "z2"]
    inventory, homes = fleet.local_inventory(tmp_path, names)
    (homes["a2"] / ".bashrc").write_bytes(fleet.PLANTED + b"# <<< remedy mantle <<<\n")
    out = tmp_path / "reports"
    # 1 of 4 is 25 %: allowed with MAX_FAIL=30, not with MAX_FAIL=20.
    allowed = fleet.make("rollout", inventory, out, batch="4", max_fail="30", **ARGS)
    assert allowed.returncode != 0, "a failed host still fails the run"
    assert set(fleet.reports(out)) == set(names), "every batch ran"
    for name in ("c", "a1", "a3", "a4", "z1", "z2"):
        assert fleet.fixed(homes[name]), name

    inventory, homes = fleet.local_inventory(tmp_path / "again", names)
    (homes["a2"] / ".bashrc").write_bytes(fleet.PLANTED + b"# <<< remedy mantle <<<\n")
    out = tmp_path / "again" / "reports"
    stopped = fleet.make("rollout", inventory, out, batch="4", max_fail="20", **ARGS)
    assert stopped.returncode != 0
    found = fleet.reports(out)
    assert set(found) == {"c", "a1", "a2", "a3", "a4"}
    assert found["a2"]["rc"] == 1
    for name in ("z1", "z2"):
        assert (homes[name] / ".bashrc").read_bytes() == fleet.PLANTED


@pytest.mark.real_client
def test_check_verify_and_revert(tmp_path: Path) -> None:
    """rollout-check saves diffs and changes nothing; rollout-verify runs each host's real
    claude (2.1.111 from npm) offline; rollout-revert puts every byte back."""
    claude = claude_client.install()
    inventory, homes = fleet.local_inventory(tmp_path, ["h1", "h2"], claude=claude)
    planted = {name: (home / ".bashrc").read_bytes() for name, home in homes.items()}
    out = tmp_path / "reports"
    check = fleet.make("rollout-check", inventory, out, **ARGS)
    assert check.returncode == 0, check.stdout[-3000:]
    for name, report in fleet.reports(out).items():
        assert report["dry_run"] is True
        assert any("+export CLAUDE_CODE_USE_MANTLE=1" in f["diff"] for f in report["files"])
        assert (homes[name] / ".bashrc").read_bytes() == planted[name]
        assert not (homes[name] / ".profile").exists()

    before = fleet.make("rollout-verify", inventory, out, args="--shell bash")
    assert before.returncode == 0, "a failed verification is reported, not a failed host"
    assert all(r["ok"] is False for r in fleet.reports(out).values())
    assert fleet.make("rollout", inventory, out, **ARGS).returncode == 0
    after = fleet.make("rollout-verify", inventory, out, args="--shell bash")
    assert after.returncode == 0, after.stdout[-3000:]
    found = fleet.reports(out)
    assert all(r["action"] == "verify" and r["ok"] is True for r in found.values()), found

    revert = fleet.make("rollout-revert", inventory, out, remedy="mantle")
    assert revert.returncode == 0, revert.stdout[-3000:]
    for name, home in homes.items():
        assert (home / ".bashrc").read_bytes() == planted[name]
        assert not (home / ".profile").exists()


@pytest.mark.real_client
@pytest.mark.real_shell
def test_fleet_doctor_asks_every_host_and_the_page_counts_problems_and_versions(
    tmp_path: Path,
) -> None:
    """make fleet-doctor: `remedy doctor --check --json` on each host, changing nothing; a
    host that needs a remedy or cannot tell is an answer, not a failed host, and the reports
    carry what fleet-report counts by problem and by Claude Code version."""
    claude = claude_client.install()
    names = ["broken1", "broken2", "fine", "noclaude"]
    inventory, homes = fleet.local_inventory(tmp_path, names, claude=claude)
    (homes["fine"] / ".bashrc").write_text(f"export PATH={claude.parent}:$PATH\n")
    (homes["noclaude"] / ".bashrc").write_bytes(fleet.PLANTED)
    before = {name: fleet.files_under(home) for name, home in homes.items()}
    planted = {name: (home / ".bashrc").read_bytes() for name, home in homes.items()}
    out = tmp_path / "reports"
    done = fleet.make("fleet-doctor", inventory, out, args="--shell bash")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    found = fleet.reports(out)
    assert {name: found[name]["state"] for name in names} == {
        "broken1": "needs a remedy",
        "broken2": "needs a remedy",
        "fine": "compliant",
        "noclaude": "cannot tell",
    }, found
    assert all(r["action"] == "doctor" and r["error"] is None for r in found.values()), found
    for name, home in homes.items():
        assert fleet.files_under(home) == before[name], f"{name}: doctor wrote a file"
        assert (home / ".bashrc").read_bytes() == planted[name]

    summary = fleet.make("fleet-report", inventory, out, json="1")
    assert summary.returncode == 0, summary.stderr
    counts = json.loads(summary.stdout)["counts"]
    assert counts["outcome"] == {"needs a remedy": 2, "already fine": 1, "cannot tell": 1}
    assert counts["version"] == {claude_client.CLAUDE_VERSION: 3}, counts
    assert list(counts["problem"].values()) == [2], counts


def test_fleet_doctor_counts_a_crash_as_a_failed_host(tmp_path: Path) -> None:
    """Exit 1 without doctor's own JSON line is remedy failing (a crash, a Python that cannot
    run the zipapp), not "needs a remedy": the host fails, and its report says why (found
    by review: it was counted as an answer, and MAX_FAIL never stopped the waves)."""
    inventory, _homes = fleet.local_inventory(tmp_path, ["h1"])
    crash = tmp_path / "python"
    crash.write_text("#!/bin/sh\necho 'Traceback: remedy fell over' >&2\nexit 1\n")
    crash.chmod(0o755)
    inventory.write_text(inventory.read_text().replace(sys.executable, str(crash)))
    out = tmp_path / "reports"
    done = fleet.make("fleet-doctor", inventory, out)
    assert done.returncode != 0, done.stdout[-2000:]
    report = fleet.reports(out)["h1"]
    assert report["rc"] == 1 and "remedy fell over" in str(report["error"]), report


def test_fleet_doctor_refuses_machine_scope(tmp_path: Path) -> None:
    inventory, _homes = fleet.local_inventory(tmp_path, ["h1"])
    done = fleet.make("fleet-doctor", inventory, tmp_path / "reports", scope="machine")
    assert done.returncode != 0
    assert "SCOPE=machine does not apply" in done.stdout + done.stderr
    assert not list((tmp_path / "reports").glob("*.json"))


def test_make_rollout_needs_an_inventory(tmp_path: Path) -> None:
    result = fleet.make("rollout", "", tmp_path / "reports")
    assert result.returncode != 0 and "INVENTORY" in result.stderr


def test_an_unreachable_host_is_in_the_report(tmp_path: Path) -> None:
    inventory, _homes = fleet.local_inventory(tmp_path, ["good"])
    with open(inventory, "a") as hosts:
        hosts.write(
            "ghost ansible_host=127.0.0.1 ansible_port=9 ansible_connection=ssh "
            "ansible_ssh_args='-o ConnectTimeout=2 -o StrictHostKeyChecking=no'\n"
        )
    out = tmp_path / "reports"
    result = fleet.make("rollout", inventory, out, max_fail="100", **ARGS)
    assert result.returncode != 0
    found = fleet.reports(out)
    assert found["good"]["changed"] is True
    assert found["ghost"]["rc"] is None and found["ghost"]["error"].startswith("unreachable")
    summary = fleet.make("fleet-report", inventory, out)
    assert "changed 1, unreachable 1" in summary.stdout, summary.stdout
    assert "    unreachable: " in summary.stdout and "(1: ghost)" in summary.stdout


def test_reports_hold_no_secret(tmp_path: Path) -> None:
    secret = "AKIA-very-secret-value-42"
    inventory, homes = fleet.local_inventory(tmp_path, ["h1"])
    with open(homes["h1"] / ".bashrc", "ab") as bashrc:
        bashrc.write(f"export AWS_SECRET_ACCESS_KEY={secret}\n".encode())
    out = tmp_path / "reports"
    assert fleet.make("rollout-check", inventory, out, **ARGS).returncode == 0
    text = (out / "h1.json").read_text()
    assert secret not in text
    assert "AWS_SECRET_ACCESS_KEY=<redacted>" in text, "the diff shows the line, masked"
    assert fleet.make("rollout", inventory, out, **ARGS).returncode == 0
    assert secret not in (out / "h1.json").read_text()


def test_machine_scope_runs_once_per_host_as_root_and_reverts(tmp_path: Path) -> None:
    """SCOPE=machine: `apply --machine` once per host through become (su here: the test
    runs as root and has no sudo), each host's /etc under its own REMEDY_SYSTEM_ROOT."""
    roots = {}
    lines = ["[fleet]"]
    for name in ("host1", "host2", "host10"):
        root = tmp_path / "machines" / name
        a_machine(root)
        roots[name] = root
        lines.append(
            f"{name} ansible_connection=local ansible_become_method=su "
            f"remedy_system_root={root} remedy_python={sys.executable}"
        )
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("\n".join(lines) + "\n")
    out = tmp_path / "reports"
    machine = {"remedy": "mantle", "args": "--region eu-west-3", "scope": "machine"}
    first = fleet.make("rollout", inventory, out, **machine)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-2000:]
    found = fleet.reports(out)
    assert sorted(found) == sorted(roots)
    dropin = "etc/claude-code/managed-settings.d/zz-remedy-mantle.json"
    for name, root in roots.items():
        assert found[name]["changed"] is True and found[name]["scope"] == "machine", found[name]
        assert json.loads((root / dropin).read_bytes())["env"]["CLAUDE_CODE_USE_MANTLE"] == "1"
    again = fleet.make("rollout", inventory, out, **machine)
    assert again.returncode == 0, again.stdout[-3000:]
    assert all(r["changed"] is False for r in fleet.reports(out).values())
    back = fleet.make("rollout-revert", inventory, out, remedy="mantle", scope="machine")
    assert back.returncode == 0, back.stdout[-3000:]
    for root in roots.values():
        assert not (root / "etc/claude-code").exists()


@pytest.mark.real_shell
def test_a_remedy_file_in_a_temporary_folder_rolls_out(tmp_path: Path) -> None:
    """REMEDY=/some/fix.toml: the file travels to each host beside the zipapp, whatever
    characters its path holds; it changes only the hosts where its [when] holds (issue 25):
    the other is reported "not needed", byte for byte as it was."""
    fix = tmp_path / "my fixes" / "quiet.toml"  # a space: make split such a path once
    fix.parent.mkdir()
    fix.write_text(
        'name = "quiet-caching"\nsummary = "Caching back on"\n'
        '[when]\npresent = ["DISABLE_PROMPT_CACHING"]\n'
        '[what]\nunset = ["DISABLE_PROMPT_CACHING"]\n'
    )
    inventory, homes = fleet.local_inventory(tmp_path, ["host1", "host2", "host3"])
    for name in ("host1", "host2"):
        (homes[name] / ".bashrc").write_bytes(fleet.PLANTED + b"export DISABLE_PROMPT_CACHING=1\n")
    before = {name: (home / ".bashrc").read_bytes() for name, home in homes.items()}
    out = tmp_path / "reports"
    done = fleet.make("rollout", inventory, out, remedy=str(fix), args="--shell bash")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    found = fleet.reports(out)
    for name in ("host1", "host2"):
        assert found[name]["changed"] is True and found[name]["not_needed"] is None
        assert "DISABLE_PROMPT_CACHING" not in fleet.new_bash_env(homes[name])
    assert found["host3"]["changed"] is False, found["host3"]
    assert found["host3"]["not_needed"] == (
        "Claude Code gets no DISABLE_PROMPT_CACHING (in every new shell judged: bash, login bash)"
    )
    assert (homes["host3"] / ".bashrc").read_bytes() == before["host3"]
    summary = fleet.make("fleet-report", inventory, out, json="1")
    outcomes = json.loads(summary.stdout)["outcomes"]
    assert outcomes == {"changed": ["host1", "host2"], "not needed": ["host3"]}, outcomes
    back = fleet.make("rollout-revert", inventory, out, remedy=str(fix))
    assert back.returncode == 0, back.stdout[-3000:]
    for name, home in homes.items():
        assert (home / ".bashrc").read_bytes() == before[name]


# --- issue 22, item 4: ARGS are an argv list, never a shell string -----------------------


def test_shell_syntax_in_args_runs_nothing_on_a_host(tmp_path: Path) -> None:
    """`;`, `$(...)`, backticks, `|` and `#` in ARGS reach remedy as words: it refuses them
    (a usage error, in the host's report), the run fails, and nothing else ran. It used to
    run `touch` on every host and report the host as fine."""
    inventory, homes = fleet.local_inventory(tmp_path, ["h1"])
    marks = [tmp_path / f"pwned{i}" for i in range(4)]
    hostile = (
        f"--shell bash $(touch {marks[0]}) `touch {marks[1]}` ; touch {marks[2]} "
        f"| touch {marks[3]} #"
    )
    out = tmp_path / "reports"
    result = fleet.make("rollout", inventory, out, remedy="mantle", args=hostile)
    assert result.returncode != 0, "a host whose remedy refused its arguments fails the run"
    assert not [m for m in marks if m.exists()], "shell syntax in ARGS ran on the host"
    report = fleet.reports(out)["h1"]
    assert report["rc"] == 2, report
    assert report["error"].startswith("remedy: error: Got unexpected extra arguments ($(touch")
    assert (homes["h1"] / ".bashrc").read_bytes() == fleet.PLANTED
    figures.add("fleet ARGS with shell syntax, run on no host", 4)


# Quotes of both kinds, an expansion, a command substitution, backslashes, a comment, a
# newline (between members) and an Ansible template: each is data all the way to the host.
HOSTILE_JSON = (
    '{"thinking":{"type":"adaptive"},\n'
    '"note":"it\'s $HOME $(id) `id` \\\\ ; # \\"q\\" {{ lookup(\'pipe\', \'id\') }}"}'
)


@pytest.mark.real_shell
@pytest.mark.parametrize(
    "value", ['{"thinking":{"type":"adaptive"}}', HOSTILE_JSON], ids=["adaptive", "hostile"]
)
def test_a_json_value_in_args_arrives_intact(tmp_path: Path, value: str) -> None:
    """`ARGS="--value '{...}'"` for extra-body: the value a new shell on the host gets is
    exactly the one typed (it arrived as `{thinking:{type:adaptive}}`, quotes stripped)."""
    inventory, homes = fleet.local_inventory(tmp_path, ["h1"])
    out = tmp_path / "reports"
    args = f"--shell bash --value {shlex.quote(value)}"
    done = fleet.make("rollout", inventory, out, remedy="extra-body", args=args)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert fleet.reports(out)["h1"]["changed"] is True
    assert fleet.new_bash_env(homes["h1"])["CLAUDE_CODE_EXTRA_BODY"] == value
    figures.add("fleet ARGS values read back on the host by a real shell")


def test_a_failing_remedy_fails_its_host_and_stops_the_rollout(tmp_path: Path) -> None:
    """A quoted value with a space reaches remedy as one argument; remedy refuses it, and its
    own one-line message is the canary's report; later waves never start."""
    inventory, homes = fleet.local_inventory(tmp_path, ["canary", "b1", "b2"])
    out = tmp_path / "reports"
    args = "--shell bash --region 'eu west 1'"
    result = fleet.make("rollout", inventory, out, remedy="mantle", batch="2", args=args)
    assert result.returncode != 0
    found = fleet.reports(out)
    assert list(found) == ["canary"], found
    assert found["canary"]["rc"] == 2
    assert found["canary"]["error"] == (
        "remedy: error: Invalid value for '--region': 'eu west 1' is not an AWS region name "
        "(e.g. us-east-1) (see `remedy apply mantle --help`)"
    )
    recap = result.stdout.split("PLAY RECAP")[-1]
    assert "failed=1" in next(x for x in recap.splitlines() if x.startswith("canary"))
    for home in homes.values():
        assert (home / ".bashrc").read_bytes() == fleet.PLANTED


def test_args_with_an_unbalanced_quote_are_one_line_and_touch_no_host(tmp_path: Path) -> None:
    """Through make: one `remedy: error:` line before Ansible starts. Through the playbook
    alone: the controller-side first task fails, before anything reaches a host."""
    fix = tmp_path / "quiet.toml"
    fix.write_text('name = "quiet"\nsummary = "s"\n[what]\nunset = ["DISABLE_PROMPT_CACHING"]\n')
    inventory, homes = fleet.local_inventory(tmp_path, ["h1", "h2"])
    out = tmp_path / "reports"
    bad = '--shell bash --value \'{"a": 1}'
    result = fleet.make("rollout", inventory, out, remedy="extra-body", args=bad)
    assert result.returncode == 2
    said = [line for line in result.stderr.splitlines() if line.startswith("remedy: ")]
    assert said == [
        "remedy: error: ARGS cannot be split into arguments (no closing quotation): quote an "
        "argument that holds spaces or quotes as in a shell, e.g. --value '{\"a\": 1}'"
    ], result.stderr
    assert "PLAY [" not in result.stdout, "Ansible never started"

    tmp = tmp_path / "host-tmp"
    tmp.mkdir()
    alone = fleet.playbook(
        inventory,
        out,
        "apply",
        {"REMEDY_NAME": str(fix), "REMEDY_ARGS": bad, "TMPDIR": str(tmp)},
    )
    assert alone.returncode != 0
    assert "ARGS cannot be split into arguments (no closing quotation)" in alone.stdout
    assert not list(tmp.iterdir()), "nothing reached a host, not even the remedy file"
    assert not list(out.glob("*.json"))
    for home in homes.values():
        assert (home / ".bashrc").read_bytes() == fleet.PLANTED


# --- issue 22, item 8: a host's name never chooses where its report goes ------------------

ODD_NAMES = [
    # The first left REPORTS before: `REPORTS/<name>.json` is two folders up, and the
    # temporary file beside it, `REPORTS/.<name>.json.tmp`, three. The second is the
    # issue's form (its temporary file needed a folder `REPORTS/...`).
    "./../../outside/evil",
    "../../outside/evil",
    "..",
    ".hidden",
    "Web1",
    "web1",
    "a/b",
    "a_b",
    "$(touch pwned)",
    "{{ 7 * 7 }}",
    "ünï cödé",
    "line\nbreak",
    "bell\x07\x1b]0;title",
    "x" * 300,
]


def test_odd_host_names_write_their_reports_inside_reports_only(tmp_path: Path) -> None:
    """Every host's report is one file directly in REPORTS whatever its name: `../` left it
    (a host named `../../../home/admin/.claude/settings` wrote there), `Web1` and `web1`
    would share a file on a case-insensitive disk. The JSON and fleet-report keep the real
    name, printed without its control characters."""
    reports_dir = tmp_path / "a" / "b" / "reports"
    for outside in (tmp_path / "a" / "outside", tmp_path / "outside"):
        outside.mkdir(parents=True)  # where `./../../outside/evil` and its temporary file go
    inventory, _homes = fleet.named_inventory(tmp_path / "fleet", ODD_NAMES)
    before = fleet.files_under(tmp_path)
    done = fleet.make("rollout-check", inventory, reports_dir, batch="100%", **ARGS)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    written = fleet.files_under(tmp_path) - before
    assert all(p.parent == reports_dir for p in written), sorted(map(str, written))
    assert len(written) == len(ODD_NAMES), "one report per host, none shared"
    for path in written:
        assert re.fullmatch(r"[a-z0-9_][a-z0-9._~-]*\.json", path.name), path.name
        assert len(path.name) <= 130
    found = fleet.reports_by_host(reports_dir)
    assert sorted(found) == sorted(ODD_NAMES), "the JSON keeps each host's real name"
    assert all(r["rc"] == 0 and r["dry_run"] is True for r in found.values())
    assert (reports_dir / "web1.json").exists(), "a safe name is kept as it is"

    summary = fleet.make("fleet-report", inventory, reports_dir, json="1")
    assert summary.returncode == 0, summary.stderr
    shown = json.loads(summary.stdout)["outcomes"]["would change"]
    assert len(shown) == len(ODD_NAMES)
    assert sorted(shown) == sorted(printable(n) for n in ODD_NAMES)
    assert not any(c in n for n in shown for c in "\x07\x1b\n")
    remedy = Path(sys.executable).parent / "remedy"
    person = subprocess.run(
        [str(remedy), "fleet-report", "--verbose", str(reports_dir)],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NO_COLOR": "1"},
    )
    assert person.returncode == 0, person.stderr
    assert " ./../../outside/evil," in person.stdout, person.stdout
    assert "\x1b" not in person.stdout and "\x07" not in person.stdout
    figures.add("hostile host names whose reports stayed inside REPORTS", len(ODD_NAMES))
