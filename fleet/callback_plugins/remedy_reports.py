"""Ansible callback: save each host's remedy JSON as <REMEDY_REPORTS>/<name>.json.

`<name>` is the host's name made safe (`report_name`), never the name itself: a host named
with `../` wrote outside REMEDY_REPORTS on the controller (issue 22, item 8). The real name
stays in the report's "host" field, which `remedy fleet-report` shows.

A callback costs nothing per host, where a report-writing task costs one controller-side
copy per host per batch (measured: it tripled a rollout's time, `make bench`). It sees every
outcome of the `remedy <action>` task: ok, failed, and unreachable hosts, so a failed host is
in the reports even when its wave stops the rollout.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from ansible.plugins.callback import CallbackBase

# Lower-case letters, digits, `.`, `_` and `-`: safe in every file system and shell, and no
# two names differ only by case (a Mac's APFS and NTFS are case-insensitive: `Web1` and
# `web1` would share one file there).
_UNSAFE = re.compile(r"[^a-z0-9._-]")
_LONGEST = 100  # characters kept of a host's name; a file name may have 255 bytes
# `~` is never in a kept name, so a name ending in `~<hash>` came from a changed host name:
# it cannot be any other host's unchanged name, and two changed names differ by their hash.
_HASH_SEP = "~"
_HASH_HEX = 16
# `remedy doctor --check`'s exit codes that answer (1 a remedy applies, 3 cannot tell): its
# JSON line says why, and no run failed.
_DOCTOR_ANSWERS = (1, 3)


def report_name(host: str) -> str:
    """The report's file name (without .json) for a host: the name itself when it is safe, or
    the name made safe with a short hash of the real name appended.

    Safe: only `_UNSAFE`'s complement, no leading dot or dash, at most `_LONGEST`
    characters, not empty. Distinct hosts get distinct names.
    """
    kept = _UNSAFE.sub("_", host.lower())[:_LONGEST] or "_"
    if kept[0] in ".-":  # not hidden, not `.` or `..`, not taken for an option by `ls *`
        kept = "_" + kept[1:]
    if kept == host:
        return kept
    digest = hashlib.sha256(host.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_HEX]
    return f"{kept}{_HASH_SEP}{digest}"


def report_path(folder: Path, host: str) -> Path:
    """Where a host's report goes: always a file directly inside `folder` (checked, not
    assumed: a name with a separator, or one that resolves elsewhere, is refused)."""
    base = folder.resolve()
    target = base / f"{report_name(host)}.json"
    if target.parent != base or Path(os.path.normpath(target)).parent != base:
        raise ValueError(f"a report for host {host!r} would land outside {base}")
    return target


def answered(report: dict[str, Any], rc: object) -> bool:
    """doctor --check's 1 and 3 with its own JSON line saying so: an answer. Exit 1 alone is
    also how remedy fails (a crash, a Python that cannot run it): that host failed."""
    return (
        rc in _DOCTOR_ANSWERS and report.get("exit") == rc and isinstance(report.get("state"), str)
    )


def remedy_message(outcome: dict[str, Any], rc: object) -> str:
    """A failed run's one line: remedy's own `remedy: error: ...` (the last one on stderr, or
    on stdout where a pty merged the two), else stderr's last line, else Ansible's message."""
    lines = [
        line.strip()
        for key in ("stdout", "stderr")
        for line in str(outcome.get(key) or "").splitlines()
        if line.strip()
    ]
    own = [line for line in lines if line.startswith("remedy: error: ")]
    if own:
        return own[-1]
    stderr = str(outcome.get("stderr") or "").strip().splitlines()
    return stderr[-1] if stderr else str(outcome.get("msg") or f"exit {rc}")


class CallbackModule(CallbackBase):  # type: ignore[misc]
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "remedy_reports"
    CALLBACK_NEEDS_ENABLED = False  # on whenever rollout.yml runs (it sits beside it)

    def __init__(self) -> None:
        super().__init__()
        folder = os.environ.get("REMEDY_REPORTS")
        self.folder = Path(folder) if folder else None

    def _save(self, result: Any, unreachable: bool = False) -> None:
        name = result._task.get_name()
        if self.folder is None or not name.startswith("remedy "):
            return
        outcome = result._result
        stdout = str(outcome.get("stdout", "")).strip()
        try:
            report = json.loads(stdout) if stdout.startswith("{") else {}
        except ValueError:
            report = {}
        rc = None if unreachable else outcome.get("rc")
        action = name.split()[1]
        error = None
        if unreachable:
            error = f"unreachable: {outcome.get('msg', '')}".strip()
        elif rc != 0 and not (action == "doctor" and answered(report, rc)):
            error = remedy_message(outcome, rc)
        host = result._host.get_name()
        report.update({"host": host, "action": action, "rc": rc, "error": error})
        self.folder.mkdir(parents=True, exist_ok=True)
        target = report_path(self.folder, host)
        # A new file of our own (0600 from the start: diffs quote start-up files), then
        # renamed over the report: a rename replaces a link, never writes through it.
        fd, temp = tempfile.mkstemp(prefix=".report-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(json.dumps(report, indent=2, sort_keys=True) + "\n")
            os.replace(temp, target)
        except BaseException:
            os.unlink(temp)
            raise

    def v2_runner_on_ok(self, result: Any) -> None:
        self._save(result)

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        self._save(result)

    def v2_runner_on_unreachable(self, result: Any) -> None:
        self._save(result, unreachable=True)
