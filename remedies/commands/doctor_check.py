"""`remedy doctor --check`: doctor's judgement as a compliance contract (issue 27).

What an MDM's detection script, a Jamf extension attribute or a CI gate runs: it changes
nothing (doctor never does), and its exit code is the answer, the one contract for every
caller (Intune Remediations read exit 1 as "remediate"; flutter doctor #10621 and rocm-cli
#149 asked for the same):

    0  compliant: no problem a remedy fixes here
    1  a remedy applies (its names in the line and the JSON)
    2  bad usage (as every command)
    3  cannot tell: no claude on the PATH a new shell gets, a start-up file of the shell the
       user runs that waits or fails, a settings file or state remedy cannot read

A flag of doctor's rather than a command of its own: it is doctor's judgement, asked with
doctor's options (--shell, --env-file, --fixed-version), and `remedy check` already names
the command that checks a remedy file. With --json the answer is one line of JSON, what a
detection script logs and a report parses: `{"state": ..., "remedies": [...], ...}`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

import click

from remedies.errors import BadInput, RemedyError
from remedies.redact import redact_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from remedies.claude.diagnosis import Diagnosis
    from remedies.claude.installs import ClaudeOnPath
    from remedies.claude.verdict import Verdict
    from remedies.output import Output


class DoctorFound(Protocol):
    """What doctor found (commands.doctor.DoctorResult has it; named here so that doctor,
    which calls this module, is not imported by it)."""

    @property
    def claude(self) -> ClaudeOnPath: ...

    @property
    def diagnosis(self) -> Diagnosis: ...

    @property
    def verdict(self) -> Verdict | None: ...


EXIT_CANNOT_TELL = 3


class Compliance(Enum):
    COMPLIANT = "compliant"
    NEEDS_FIX = "needs a remedy"
    CANNOT_TELL = "cannot tell"

    @property
    def exit_code(self) -> int:
        return {"compliant": 0, "needs a remedy": 1}.get(self.value, EXIT_CANNOT_TELL)


@dataclass(frozen=True)
class Checked:
    """The answer, and what it rests on."""

    state: Compliance
    remedies: tuple[str, ...] = ()  # best first
    problems: tuple[str, ...] = ()  # the ids of the problems found
    claude: str | None = None  # the version of the claude that runs
    why: str | None = None  # for CANNOT_TELL: the reason, one line
    not_judged: tuple[str, ...] = ()  # other shells the user may start that could not be asked
    remedy: str | None = None  # --remedy: the one remedy asked about

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "exit": self.state.exit_code,
            "remedies": list(self.remedies),
            "problems": list(self.problems),
            "claude": self.claude,
            "why": self.why,
            "not_judged": list(self.not_judged),
            "remedy": self.remedy,
        }

    def line(self) -> str:
        """The one line for a person (and a Jamf extension attribute's <result>)."""
        if self.state is Compliance.COMPLIANT and self.remedy is not None:
            others = f" (others apply: {', '.join(self.remedies)})" if self.remedies else ""
            return f"compliant: {self.remedy} is not needed here{others}"
        if self.state is Compliance.COMPLIANT:
            return "compliant: no problem a remedy fixes here"
        if self.state is Compliance.NEEDS_FIX:
            return f"needs a remedy: {self.remedy or ', '.join(self.remedies)}"
        return f"cannot tell: {self.why}"

    def show(self, out: Output, json_mode: bool) -> None:
        if json_mode:  # one line, whatever Output does with documents
            click.echo(json.dumps(self.to_json(), separators=(",", ":"), sort_keys=True))
        else:
            out.say(self.line())


def judged(result: DoctorFound, remedy: str | None = None) -> Checked:
    """doctor's result as the contract's answer; with `remedy`, about that remedy alone (the
    others that apply are still listed)."""
    claude = result.claude.version if result.claude.path else None
    unasked = tuple(name for name, _why in result.verdict.unasked) if result.verdict else ()
    if result.claude.path is None:
        return Checked(
            Compliance.CANNOT_TELL, why="no claude on the PATH a new shell gets", not_judged=unasked
        )
    diagnosis = result.diagnosis
    remedies = tuple(dict.fromkeys(r.remedy for r in diagnosis.recommendations))
    problems = tuple(f.id for f in diagnosis.findings if f.severity == "problem")
    needed = remedy in remedies if remedy is not None else bool(remedies)
    if diagnosis.affected and needed:
        state = Compliance.NEEDS_FIX
    else:
        state = Compliance.COMPLIANT
        remedies = remedies if remedy is not None and diagnosis.affected else ()
    return Checked(state, remedies, problems, claude, not_judged=unasked, remedy=remedy)


def unknown(error: RemedyError) -> Checked:
    """A failure of doctor's own (a start-up file that waits, a file it cannot read): the
    contract's "cannot tell". Bad usage stays bad usage (exit 2)."""
    if isinstance(error, BadInput):
        raise error
    # Masked again: this line goes to an MDM's console and inventory (a Jamf <result>).
    return Checked(Compliance.CANNOT_TELL, why=redact_text(" ".join(str(error).split())))


def answer(run: Callable[[], DoctorFound], remedy: str | None = None) -> Checked:
    """`run()` is doctor's core: its result as the answer, or why it has none."""
    try:
        return judged(run(), remedy)
    except RemedyError as error:
        return unknown(error)
    except OSError as error:
        # A file or folder remedy cannot read (its own state, made by root in the user's
        # home): cannot tell, not the general failure's exit 1, which means "needs a
        # remedy" here (found by review).
        where = f"{error.filename}: " if error.filename else ""
        return unknown(RemedyError(f"{where}{error.strerror or error}"))
