"""What `remedy apply NAME` did (or would do) for an EnvRemedy, for a person or as JSON: for
some shells of this user (catalog.env_apply), or for every user of the machine
(commands.apply_machine)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from remedies.engine.change_report import FileChanges
from remedies.output import Output


class WhyLeft(Enum):
    """Why apply left a shell the user may start alone."""

    NOT_NEEDED = "its new shells do not have what {remedy} fixes"
    NOT_ASKED = "it could not be asked; see why: `remedy doctor`"
    NOT_NAMED = "not named by --shell; its new shells still have what {remedy} fixes"


@dataclass(frozen=True)
class LeftAlone:
    shell: str
    why: WhyLeft

    def text(self, remedy: str) -> str:
        return f"{self.shell} ({self.why.value.format(remedy=remedy)})"

    def to_json(self, remedy: str) -> dict[str, str]:
        return {"shell": self.shell, "why": self.why.value.format(remedy=remedy)}


@dataclass(frozen=True)
class ApplyResult:
    remedy: str
    shells: tuple[str, ...]
    changes: FileChanges
    machine: bool = False  # --machine: the managed drop-in, for every user
    # Other shells the user may start, whose new shells do not have what the remedy fixes.
    left_alone: tuple[LeftAlone, ...] = ()
    # What the remedy fixes is not here at all (the condition of its [when] that fails):
    # nothing was changed.
    not_needed: str | None = None

    @property
    def changed(self) -> bool:
        return self.changes.stage == "done"

    def to_json(self) -> dict[str, Any]:
        return {
            "remedy": self.remedy,
            "changed": self.changed,
            "scope": "machine" if self.machine else "user",
            "shells": list(self.shells),
            "left_alone": [item.to_json(self.remedy) for item in self.left_alone],
            "not_needed": self.not_needed,
            **self.changes.to_json(),
        }

    def for_person(self, out: Output) -> None:
        where = "every user of this machine" if self.machine else ", ".join(self.shells)
        if self.not_needed is not None:
            out.say(
                f"{self.remedy} is not needed here: {self.not_needed}; nothing was changed "
                "(--force applies it anyway)."
            )
        elif self.changes.stage == "nothing":
            self.changes.show_notes(out)
            self._show_left_alone(out)
            out.say(f"{self.remedy} is already in place for {where}; nothing to do.")
        elif self.changes.stage == "dry-run":
            self.changes.show_dry_run(out)
            self._show_left_alone(out)
        else:
            out.say(f"Applied {self.remedy} for {where}:", bold=True)
            self.changes.show_files(out)
            self.changes.show_notes(out)
            self._show_left_alone(out)
            out.say(self._next())

    def _show_left_alone(self, out: Output) -> None:
        if self.left_alone:
            each = "; ".join(item.text(self.remedy) for item in self.left_alone)
            out.note(f"left alone: {each}; --shell NAME changes one anyway")

    def _next(self) -> str:
        if self.machine:
            return (
                "Every claude started here reads it (managed settings beat the shell and user "
                "settings). To prove it: `remedy verify --machine` To take it back: "
                f"`remedy revert --machine {self.remedy}`"
            )
        return (
            "New shells get the change (asked of them). To prove it with your claude: "
            f"`remedy verify` To take it back: `remedy revert {self.remedy}`"
        )
