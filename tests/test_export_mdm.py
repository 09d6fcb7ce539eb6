"""The MDM scripts of `remedy export` (claude.mdm_posix), run for real as root for a throwaway
user, as Intune, Jamf and Kandji run them, against a home built as the real-client tests
build one (Bedrock on in ~/.bashrc, the real Claude Code 2.1.111 first on its PATH).

The user logs in for real at a console of the test's own (tests/support/console.py: a pty
bound over /dev/console in a private mount namespace, with its own utmp), and the scripts,
run there, find them by the record login writes: this container has no logind and is no
Mac. The other tests name the user the administrator's way (REMEDY_USER). logind's seat0,
macOS's /dev/console and other `who` lines are tested on recorded outputs
(test_export_mdm_parsing.py); that nobody is found with nobody logged in is tested below, in
such a console with nobody at it, with the one line it prints.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from remedies.commands.fleet_exports import rows_from_csv
from remedies.commands.fleet_hosts import Outcome
from tests.conftest import Result, Sandbox
from tests.support import claude_client, fake_installers
from tests.support.accounts import User
from tests.support.console import private_console

pytestmark = [pytest.mark.root, pytest.mark.real_shell, pytest.mark.real_client]

OPTIONS = ("--region", "us-east-1", "--model", "anthropic.claude-opus-4-7")
FORMATS = ("intune-detect", "intune-remediate", "jamf-ea", "jamf-policy", "intune-compliance")
RUNUSER = shutil.which("runuser", path="/usr/sbin:/usr/bin:/sbin:/bin") or "runuser"
NEEDED = {"RemedyNeeded": True, "RemedyState": "needs a remedy"}
COMPLIANT = {"RemedyNeeded": False, "RemedyState": "compliant"}


@dataclass
class Fleet:
    user: User
    folder: Path  # readable by all, as /usr/local/libexec is
    marker: Path  # every start-up file of the user's appends `id -u` to it
    scripts: dict[str, Path]
    user_named: bool = True  # False: as exported, user='' (the user at the console)
    enter: tuple[str, ...] = ()  # runs a script in a console of its own (support/console.py)

    def run(self, fmt: str, **env: str) -> Result:
        """The script as an MDM agent runs it: as root, `sh SCRIPT`, its own environment."""
        return self._run(fmt, env, as_user=False)

    def run_as_user(self, fmt: str) -> Result:
        """As the user (Intune runs Linux compliance scripts so), no user named."""
        return self._run(fmt, {}, as_user=True)

    def _run(self, fmt: str, env: dict[str, str], as_user: bool) -> Result:
        named = self.user_named and not as_user
        base = {"PATH": "/usr/bin:/bin", "REMEDY_USER": self.user.name if named else ""}
        base.update({"REMEDY_PYZ": str(self.folder / "remedy.pyz")})
        runner = (RUNUSER, "-u", self.user.name, "--") if as_user else ()
        done = subprocess.run(
            [*self.enter, *runner, "sh", str(self.scripts[fmt])],
            env={k: v for k, v in {**base, **env}.items() if v},
            cwd="/",
            capture_output=True,
            text=True,
            timeout=180,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        return Result(done.returncode, done.stdout, done.stderr)


def export(
    sandbox: Sandbox,
    fmt: str,
    out: Path,
    remedy: str = "mantle",
    options: tuple[str, ...] = OPTIONS,
) -> None:
    done = sandbox.remedy("export", remedy, "--format", fmt, *options, "--output", str(out))
    assert done.code == 0, done.stderr


@pytest.fixture
def fleet(user: User, sandbox: Sandbox) -> Iterator[Fleet]:
    claude = claude_client.install()
    folder = Path(tempfile.mkdtemp(prefix="remedy-mdm-"))
    folder.chmod(0o755)
    shutil.copy(user.pyz, folder / "remedy.pyz")
    (folder / "remedy.pyz").chmod(0o644)
    marks = folder / "marks"
    marks.mkdir(mode=0o777)
    marks.chmod(0o777)
    marker = marks / "uid"
    user.write(
        ".bashrc",
        f"id -u >> {marker}\nexport PATH={claude.parent}:$PATH\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n".encode(),
    )
    user.write(".profile", b". ~/.bashrc\n")
    scripts = {}
    for fmt in FORMATS:
        scripts[fmt] = folder / f"{fmt}.sh"
        export(sandbox, fmt, scripts[fmt])
    scripts["intune-compliance-rules"] = folder / "rules.json"
    export(sandbox, "intune-compliance-rules", scripts["intune-compliance-rules"])
    try:
        yield Fleet(user, folder, marker, scripts)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def home_files(home: Path) -> dict[str, tuple[bytes, int, int]]:
    """The user's files but remedy's own state: bytes, mode and owner."""
    found = {}
    for path in sorted(home.rglob("*")):
        inside = path.relative_to(home).as_posix()
        if inside.startswith(".local/state") or not path.is_file():
            continue
        st = path.stat()
        found[inside] = (path.read_bytes(), stat.S_IMODE(st.st_mode), st.st_uid)
    return found


def test_detect_fix_and_report_for_the_console_user(fleet: Fleet) -> None:
    """Every script as the MDM runs it, with no user named: the user logged in is found."""
    fleet.user_named = False
    with private_console(logged_in=fleet.user.name) as console:
        assert console.who().startswith(f"{fleet.user.name} console "), console.who()
        fleet.enter = console.enter
        detect_fix_and_report(fleet)


def detect_fix_and_report(fleet: Fleet) -> None:
    user = fleet.user
    detect = fleet.run("intune-detect")
    assert detect.code == 1, detect.stdout + detect.stderr
    assert detect.stdout.startswith("needs a remedy: mantle"), detect.stdout
    attribute = fleet.run("jamf-ea")
    assert attribute.code == 0, attribute.stderr
    assert attribute.stdout == f"<result>{detect.stdout.strip()}</result>\n", attribute.stdout
    assert discovered(fleet) == NEEDED
    assert not intune_rules_hold(fleet, discovered(fleet))

    fixed = fleet.run("intune-remediate")
    assert fixed.code == 0, fixed.stdout + fixed.stderr
    for path in (user.home / ".bashrc", *(user.home / ".local").rglob("*")):
        assert path.lstat().st_uid == user.uid, f"{path} is not the user's"

    again = fleet.run("intune-detect")
    assert (again.code, again.stdout) == (0, "compliant: mantle is not needed here\n"), again
    first_attribute = attribute.stdout
    attribute = fleet.run("jamf-ea")
    assert attribute.stdout == "<result>compliant: mantle is not needed here</result>\n"
    # What the MDMs export of these runs reads back on the fleet page (fleet_exports.py).
    export = io.StringIO()
    csv.writer(export).writerows(
        [
            ("Device name", "Pre-remediation detection output", "Post-remediation output"),
            ("laptop", detect.stdout.strip(), again.stdout.strip()),
            ("kiosk", first_attribute.strip(), ""),
        ]
    )
    exported = rows_from_csv(export.getvalue())
    assert exported is not None
    assert [(r.host, r.outcome) for r in exported] == [
        ("laptop", Outcome.CHANGED),
        ("kiosk", Outcome.NEEDS_REMEDY),
    ], exported
    assert discovered(fleet) == COMPLIANT
    assert intune_rules_hold(fleet, COMPLIANT)

    before = home_files(user.home)
    second = fleet.run("jamf-policy")
    assert second.code == 0, second.stdout + second.stderr
    assert home_files(user.home) == before, "a second remediation changes nothing"

    ran_as = set(fleet.marker.read_text().split())
    assert ran_as == {str(user.uid)}, f"the user's start-up files ran as {ran_as}"


def discovered(fleet: Fleet) -> dict[str, object]:
    """The compliance discovery script's output, run as root and as the user (Intune runs it
    as the user on Linux): the same JSON object, exit 0, nothing on stderr."""
    found: list[dict[str, object]] = []
    fmt = "intune-compliance"
    for as_user in (False, True):
        done = fleet.run_as_user(fmt) if as_user else fleet.run(fmt)
        assert (done.code, done.stderr) == (0, ""), (as_user, done)
        assert done.stdout.count("\n") == 1, done.stdout
        found.append(json.loads(done.stdout))
    assert found[0] == found[1], found
    return found[0]


def intune_rules_hold(fleet: Fleet, found: dict[str, object]) -> bool:
    """The exported rules file judged as Intune documents it (mocked: there is no Intune
    here), for the IsEquals rules on Booleans and Strings it holds."""
    rules = json.loads(fleet.scripts["intune-compliance-rules"].read_bytes())["Rules"]
    assert {rule["SettingName"] for rule in rules} <= set(found), (rules, found)
    assert all(rule["Operator"] == "IsEquals" for rule in rules)
    return all(found[rule["SettingName"]] == rule["Operand"] for rule in rules)


def test_a_user_another_remedy_is_for_is_left_alone(fleet: Fleet) -> None:
    """A Vertex user whose problem is vertex-region-missing: the mantle scripts neither flag
    nor change them (found by review: the remediation moved such a user to Mantle)."""
    user = fleet.user
    bashrc = (
        (user.home / ".bashrc")
        .read_bytes()
        .replace(
            b"export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n",
            b"export CLAUDE_CODE_USE_VERTEX=1\nexport ANTHROPIC_VERTEX_PROJECT_ID=proj-123\n",
        )
    )
    user.write(".bashrc", bashrc)
    detect = fleet.run("intune-detect")
    assert detect.code == 0, detect.stdout + detect.stderr
    assert detect.stdout.startswith("compliant: mantle is not needed here (others apply: ")
    assert discovered(fleet) == COMPLIANT
    before = home_files(user.home)
    for fmt in ("intune-remediate", "jamf-policy"):
        done = fleet.run(fmt)
        assert done.code == 0, done.stdout + done.stderr
        assert home_files(user.home) == before, f"{fmt} changed a home mantle is not for"


def test_nothing_to_run_with_is_one_line_and_not_zero(fleet: Fleet) -> None:
    """No console user (a console of the test's own, nobody logged in), no zipapp, no
    python3, root named: one line, exit 2 (an extension attribute: its <result>, exit 1),
    and nothing of the user's runs."""
    cases = {
        "no user at the console": {"REMEDY_USER": ""},
        f"no remedy zipapp at {fleet.folder}/none.pyz": {
            "REMEDY_PYZ": str(fleet.folder / "none.pyz")
        },
        "no python3": {"REMEDY_PYTHON": str(fleet.folder / "python3")},
        "remedy does not run as root (root)": {"REMEDY_USER": "root"},
        "not a user name remedy runs for: -x": {"REMEDY_USER": "-x"},
    }
    with private_console() as console:  # nobody logged in there
        fleet.enter = console.enter
        checked_each(fleet, cases)
    assert not fleet.marker.exists()


def checked_each(fleet: Fleet, cases: dict[str, dict[str, str]]) -> None:
    for why, env in cases.items():
        for fmt in FORMATS:
            done = fleet.run(fmt, **env)
            if fmt == "jamf-ea":
                assert (done.code, done.stderr) == (1, ""), done
                assert done.stdout.startswith(f"<result>not checked: {why}"), done.stdout
            elif fmt == "intune-compliance":
                # Its output is its JSON, whatever happened; the why goes to stderr.
                assert done.code == 0, done
                not_checked = {"RemedyNeeded": False, "RemedyState": "not checked"}
                assert json.loads(done.stdout) == not_checked, done.stdout
                assert done.stderr.startswith(f"remedy: {why}"), done.stderr
            else:
                assert (done.code, done.stdout) == (2, ""), done
                assert done.stderr.startswith(f"remedy: {why}"), done.stderr
                assert done.stderr.count("\n") == 1, done.stderr


def test_a_zipapp_the_user_cannot_read_is_named(fleet: Fleet) -> None:
    hidden = fleet.folder / "root-only"
    hidden.mkdir(mode=0o700)
    shutil.copy(fleet.folder / "remedy.pyz", hidden / "remedy.pyz")
    done = fleet.run("intune-detect", REMEDY_PYZ=str(hidden / "remedy.pyz"))
    assert done.code == 2 and done.stderr == (
        f"remedy: {fleet.user.name} cannot read {hidden}/remedy.pyz\n"
    ), done
    assert os.stat(hidden).st_uid == 0


def test_detection_writes_a_report_the_fleet_page_reads(fleet: Fleet, sandbox: Sandbox) -> None:
    """reports= (REMEDY_REPORTS): a folder of root's gets HOST.json, doctor --check --json's
    line with the host's name, which `remedy fleet-report` counts; a folder the user may
    write gets nothing (root would write through a link planted there)."""
    import socket

    reports = Path(tempfile.mkdtemp(prefix="remedy-reports-"))
    try:
        detect = fleet.run("intune-detect", REMEDY_REPORTS=str(reports))
        assert detect.code == 1, detect.stdout + detect.stderr
        (written,) = reports.glob("*.json")
        doc = json.loads(written.read_text())
        assert doc["state"] == "needs a remedy" and "mantle" in doc["remedies"], doc
        # Another remedy's script on the same laptop writes the same file: the whole host's
        # judgement, not "compliant" about its own remedy (which hid mantle's: review).
        other = fleet.folder / "disable-betas.jamf-ea.sh"
        export(sandbox, "jamf-ea", other, remedy="disable-betas", options=())
        fleet.scripts["other-ea"] = other
        assert fleet.run("other-ea", REMEDY_REPORTS=str(reports)).stdout.startswith(
            "<result>compliant: disable-betas is not needed here"
        )
        doc = json.loads(written.read_text())
        assert doc["state"] == "needs a remedy" and "mantle" in doc["remedies"], doc
        assert doc["host"] == "".join(c for c in socket.gethostname() if c.isalnum() or c in "._-")
        page = sandbox.remedy("fleet-report", str(reports), "--json").json()
        assert page["counts"]["outcome"], page
        written.unlink()
        os.chown(reports, fleet.user.uid, fleet.user.gid)  # the user's: refused
        detect = fleet.run("intune-detect", REMEDY_REPORTS=str(reports))
        assert detect.code == 1 and "report not written" in detect.stderr, detect.stderr
        assert list(reports.glob("*.json")) == []
    finally:
        shutil.rmtree(reports, ignore_errors=True)


def test_upgrade_exports_as_scripts_and_upgrades_as_the_user(user: User, sandbox: Sandbox) -> None:
    """A remedy with no machine-wide settings: upgrade's scripts check with its own
    --fixed-version, and upgrade the user's native install (a stand-in installer in their
    home: the real one downloads) as the user, never as root."""
    bin_dir = fake_installers.native(user.home, "2.1.120", latest="2.1.150")
    user.write(
        ".bashrc",
        f"export PATH={bin_dir}:$PATH\nexport CLAUDE_CODE_USE_BEDROCK=1\n"
        "export AWS_REGION=us-east-1\n".encode(),
    )
    subprocess.run(["chown", "-R", f"{user.uid}:{user.gid}", str(user.home)], check=True)
    folder = Path(tempfile.mkdtemp(prefix="remedy-mdm-"))
    try:
        folder.chmod(0o755)
        shutil.copy(user.pyz, folder / "remedy.pyz")
        (folder / "remedy.pyz").chmod(0o644)
        scripts = {}
        for fmt in ("intune-detect", "intune-remediate", "intune-compliance"):
            scripts[fmt] = folder / f"{fmt}.sh"
            done = sandbox.remedy(
                "export", "upgrade", "--format", fmt, "--fixed-version", "2.1.130",
                "--output", str(scripts[fmt]),
            )  # fmt: skip
            assert done.code == 0, done.stderr
        fleet = Fleet(user, folder, folder / "no-marker", scripts)

        # 2.1.120 is past doctor's own fixed version (2.1.113), not past the one given.
        detect = fleet.run("intune-detect")
        assert (detect.code, detect.stdout) == (1, "needs a remedy: upgrade\n"), detect
        assert discovered(fleet) == {"RemedyNeeded": True, "RemedyState": "needs a remedy"}
        fixed = fleet.run("intune-remediate")
        assert fixed.code == 0, fixed.stdout + fixed.stderr
        installed = (user.home / ".local/bin/claude").resolve()
        assert installed.name == "2.1.150", installed
        assert installed.stat().st_uid == user.uid, "installed as the user"
        again = fleet.run("intune-detect")
        assert (again.code, again.stdout) == (0, "compliant: upgrade is not needed here\n")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
