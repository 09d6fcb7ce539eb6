"""Ansible callback: save each host's remedy JSON as <REMEDY_REPORTS>/<host>.json.

A callback costs nothing per host, where a report-writing task costs one controller-side
copy per host per batch (measured: it tripled a rollout's time, `make bench`). It sees every
outcome of the `remedy <action>` task: ok, failed, and unreachable hosts, so a failed host is
in the reports even when its wave stops the rollout.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ansible.plugins.callback import CallbackBase


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
        stderr_lines = str(outcome.get("stderr", "")).strip().splitlines()
        rc = None if unreachable else outcome.get("rc")
        error = None
        if unreachable:
            error = f"unreachable: {outcome.get('msg', '')}".strip()
        elif rc != 0:
            error = stderr_lines[-1] if stderr_lines else str(outcome.get("msg") or f"exit {rc}")
        host = result._host.get_name()
        report.update({"host": host, "action": name.split()[1], "rc": rc, "error": error})
        self.folder.mkdir(parents=True, exist_ok=True)
        temp = self.folder / f".{host}.json.tmp"
        temp.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
        temp.chmod(0o600)
        temp.replace(self.folder / f"{host}.json")

    def v2_runner_on_ok(self, result: Any) -> None:
        self._save(result)

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        self._save(result)

    def v2_runner_on_unreachable(self, result: Any) -> None:
        self._save(result, unreachable=True)
