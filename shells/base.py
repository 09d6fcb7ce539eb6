"""The interface every shell type implements, and the pieces they share.

Adding a shell: everything remedy knows of a shell is an attribute or a method of its
`Shell` subclass, in one module of its own (shells/posix.py holds the POSIX family,
shells/fish.py fish, ...); listing an instance in `shells.SHELLS` registers it. Nothing
outside that module names a shell (tests/test_one_home_per_shell.py holds it): code that
needs a fact asks the shell object. What each fact is for:

- where it reads and where we write start-up files (`read_set`, `write_set`), and the
  variables a start-up file sets that move the files read after it (`movers`: ZDOTDIR,
  ENV), which engine.new_shell learns before and after a shell runs;
- how it quotes (`quote`, `render_set`, `render_unset`) and recognises an assignment
  (`syntax`, `mentions`, `is_simple_assignment`, `assigned_value`, `unsets`);
- how remedies.redact reads a value written for it in free text (`value_quoting`,
  `set_commands`, `name_prefix`), to mask a secret a diff or an error message quotes;
- which family's statements the static walk of `source` lines reads (`family`,
  `brace_expansion`; shells.sourcing), and the PS4 that makes its trace name file and line
  (`trace_ps4`, with `traced`);
- how to ask the real shell (`syntax_check_argv`, `probe_argv`, `probe_modes`,
  `script_probe_argv`), and what its presence among remedy's ancestors says
  (`ancestor_is_a_launcher`, shells.detect).

A shell of a family the static walk does not know (family None) is still edited, checked and
asked; only its `source` lines are not followed by reading.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum, auto
from pathlib import Path
from typing import Literal

from shells.lexing import LineInfo, Syntax, scan
from shells.words import Word

Assignment = Literal["none", "simple", "unsafe"]

VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# The printed environment is framed by this sentinel so that whatever a start-up file prints
# (a greeting, `fortune`) cannot be mistaken for it.
ENV_SENTINEL = b"\0REMEDY-ENV-7f3a\0"

# Printing the environment with the Python running remedy is exact for every byte and works the
# same on Linux and macOS (macOS `env` has no `-0`).
_PRINT_ENV = (
    f"import os,sys;s={ENV_SENTINEL!r};sys.stdout.buffer.write(s+b'\\0'.join("
    "k+b'='+v for k,v in os.environb.items())+s)"
)


# Separates the file and the line in a traced shell's PS4 (Shell.trace_ps4), so that the
# trace reader (shells.sourcing.trace) can tell our prefix from a start-up file's own stderr.
MARK = "\x1f"


class Family(Enum):
    """Whose statements the static walk of `source` lines reads (shells.sourcing)."""

    POSIX = auto()  # sh, bash, ksh: `. FILE`, `[ -f F ] && . F`, `for f in ...; do`
    ZSH = auto()  # POSIX, plus glob qualifiers `*.zsh(N)`, `for f (list)`, extended globs
    FISH = auto()  # `source F`, `test -f F; and source F`, `for f in ...; ... end`
    CSH = auto()  # `source F`, `if ( -f F ) source F`, `foreach f ( ... )`


class Reach(Enum):
    """How far a variable set in a start-up file moves the files read after it."""

    # Only the files this same shell reads later: ZDOTDIR set in ~/.zshenv moves .zprofile,
    # .zshrc and .zlogin; the .zshenv read is the one where ZDOTDIR pointed before.
    LATER_FILES = auto()
    # Every shell the session starts afterwards: ENV exported by ~/.profile names the file
    # an interactive sh reads.
    SESSION = auto()


@dataclass(frozen=True)
class Mover:
    """A variable one start-up file sets that moves where the shell reads others."""

    variable: str
    set_in: str  # the start-up file that sets it, relative to HOME (read to learn it)
    reach: Reach


@dataclass(frozen=True)
class SetCommand:
    """A command that gives a variable a value: `set NAME value` (fish), `setenv NAME value`
    (csh); `equals`: an `=` stands between the name and the value (csh `set NAME = value`)."""

    word: str
    equals: bool = False


@dataclass(frozen=True)
class ValueQuoting:
    """How far a value written in a shell's syntax goes, as remedies.redact reads free text
    (a diff, a shell's error message, a fleet report) to mask a secret. Reading too far only
    masks more; stopping short would print the rest of the secret.

    The defaults are the POSIX shells' rules, which redaction also applies to text no
    shell's marks claim (dotenv files, headers, `${NAME:-value}`).
    """

    # The escape character outside quotes (it also carries a command onto the next line).
    escape: str = "\\"
    # Each quote that may open (`$'` opens on its last character), with what matters inside
    # it as a regular-expression character class: its closer, and its escape if it has one.
    # '...' has no escapes in POSIX shells; $'...' and `...` do.
    quotes: tuple[tuple[str, str], ...] = (
        ("'", "'"),
        ('"', r'\\"'),
        ("$'", r"\\'"),
        ("`", r"\\`"),
    )
    # PowerShell's @'...'@ and @"..."@, which run from a line's end to a line starting '@.
    here_strings: bool = False


@dataclass(frozen=True)
class Where:
    """Where a shell looks for its start-up files: a home folder and the environment."""

    home: Path
    env: Mapping[str, str]
    # Variables a shell's first start-up file sets that move the files it reads later:
    # ZDOTDIR set in ~/.zshenv sends .zprofile, .zshrc and .zlogin elsewhere, while the
    # .zshenv read is the one where ZDOTDIR pointed before (engine.new_shell learns them).
    later: Mapping[str, str] = field(default_factory=dict)

    def config_home(self) -> Path:
        # XDG Base Directory spec: a relative XDG_CONFIG_HOME is invalid and must be ignored.
        value = self.env.get("XDG_CONFIG_HOME", "")
        return Path(value) if value.startswith("/") else self.home / ".config"


def check_name(name: str) -> str:
    if not VARIABLE_NAME.match(name):
        raise ValueError(f"not a valid environment variable name: {name!r}")
    return name


# Linux MAX_ARG_STRLEN: the longest single "NAME=value" string execve() accepts. A shell takes
# a longer one, but then every program it starts fails with E2BIG ("Argument list too long").
MAX_ENV_STRING_BYTES = 131072


def check_value(value: str) -> str:
    if "\0" in value:
        raise ValueError("an environment variable cannot hold a NUL character")
    lone = next((c for c in value if "\ud800" <= c <= "\udfff"), None)
    if lone is not None:
        # Python reads a byte that is not UTF-8 (in an argument, a file name) as U+DC80-U+DCFF.
        byte = ord(lone) - 0xDC00
        from_bytes = 0x80 <= byte <= 0xFF
        origin = f", the byte 0x{byte:02X} of input that is not UTF-8" if from_bytes else ""
        raise ValueError(
            f"the value holds a lone surrogate (U+{ord(lone):04X}{origin}), which is not text "
            "and has no UTF-8 form"
        )
    if len(value.encode()) + 64 > MAX_ENV_STRING_BYTES:
        raise ValueError(
            f"the value is {len(value.encode())} bytes; Linux refuses environment strings "
            f"over {MAX_ENV_STRING_BYTES} bytes and every program started would fail"
        )
    return value


def print_env_argv(python: str) -> list[str]:
    """The command that prints the environment, framed by ENV_SENTINEL. -I -S: no site, no
    PYTHON* variable, no user folder is read, so nothing a start-up file set can run in it,
    and it starts in a third of the time (it runs once per kind of new shell asked)."""
    return [python, "-I", "-S", "-c", _PRINT_ENV]


def parse_env_dump(stdout: bytes) -> dict[str, str] | None:
    """Read the environment printed by the probe command, or None if it is not there."""
    parts = stdout.split(ENV_SENTINEL)
    if len(parts) < 3:
        return None
    env: dict[str, str] = {}
    body = parts[-2]
    for item in body.split(b"\0") if body else []:
        key, _, value = item.partition(b"=")
        env[key.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
    return env


class Shell(ABC):
    """One shell: where it reads start-up files, how it quotes, how to ask it for its env."""

    name: str = ""
    # Names of executables that run this shell, looked up on PATH in this order.
    executables: tuple[str, ...] = ()
    syntax: Syntax = Syntax()
    # Put before a user's line that sets a variable we take over. It must turn the line into a
    # no-op that still parses wherever the line stood (an `if` body may not be empty in sh).
    neutralise_template: str = "# disabled by remedy {remedy}: "

    # --- facts the rest of remedy asks for (the module's docstring says who asks) ----------
    # Whose statements the static walk reads; None: `source` lines are not followed.
    family: Family | None = None
    # Whether `{a,b}` in a word is two words (not in sh and dash).
    brace_expansion: bool = False
    # PS4 for a trace that names file and line, MARK-separated (see shells.sourcing.trace);
    # None: the trace (if `traced` makes one) carries no file:line.
    trace_ps4: str | None = None
    movers: tuple[Mover, ...] = ()
    value_quoting: ValueQuoting = ValueQuoting()
    set_commands: tuple[SetCommand, ...] = ()
    # What stands right before the name when a line sets a variable (`$env:NAME = v`); the
    # case of its letters does not matter.
    name_prefix: str = ""
    # Found among remedy's ancestors, this shell is nearly always a `-c` that make, npm or an
    # IDE task started, not the shell the user types into: $SHELL says more (shells.detect).
    ancestor_is_a_launcher: bool = False

    # --- start-up files -------------------------------------------------------------------
    @abstractmethod
    def read_set(self, where: Where) -> list[Path]:
        """Every user start-up file that can set a variable for this shell, in reading order."""

    @abstractmethod
    def write_set(self, where: Where) -> list[Path]:
        """Where our block goes so that login, interactive and IDE-started shells all get it."""

    def own_files(self, where: Where) -> list[Path]:
        """The start-up files only this shell reads: one of them present says the user
        starts this shell. ~/.profile is every POSIX shell's login file, so it says nothing."""
        shared = where.home / ".profile"
        store = self.variable_store(where)  # fish's universal variables: `set -Ux`
        own = [path for path in self.read_set(where) if path != shared]
        return [*own, *([store] if store is not None else [])]

    def own_variables(self, where: Where) -> dict[str, str]:
        """Variables the shell sets itself before its first start-up file, which a `source`
        line may use (the static walk expands them; HOME it knows for every shell)."""
        return {}

    # --- rendering --------------------------------------------------------------------------
    def _quoted(self, argv: list[str]) -> str:
        """A command line of words, each quoted for this shell."""
        return " ".join(self.quote(word) for word in argv)

    @abstractmethod
    def quote(self, value: str) -> str:
        """One word that this shell reads back as exactly `value`, expanding nothing."""

    @abstractmethod
    def render_set(self, name: str, value: str) -> str: ...

    @abstractmethod
    def render_unset(self, name: str) -> str: ...

    def neutralise_prefix(self, remedy: str) -> bytes:
        return self.neutralise_template.format(remedy=remedy).encode()

    def block_line_ending(self, file_line_ending: bytes) -> bytes:
        # Unix shells read a carriage return as part of a word (`unset X\r` fails), so our own
        # lines end in LF whatever the user's file uses; their lines keep their endings.
        return b"\n"

    # --- recognising assignments -------------------------------------------------------------
    def scan(self, lines: Sequence[bytes]) -> Sequence[LineInfo]:
        return scan(lines, self.syntax)

    @abstractmethod
    def mentions(self, code: bytes, name: str) -> bool:
        """Whether masked code (see lexing) may set `name`, however it does so."""

    @abstractmethod
    def is_simple_assignment(self, code: bytes, name: str) -> bool:
        """Whether masked code is one statement that only sets `name` (safe to comment out)."""

    @abstractmethod
    def assigned_value(self, line: bytes, name: str) -> Word | None:
        """The value a line judged simple gives `name` (line ending excluded)."""

    @abstractmethod
    def unsets(self, code: bytes, name: str) -> bool:
        """Whether masked code removes `name` from the environment."""

    def classify(self, info: LineInfo, name: str) -> Assignment:
        if info.is_text or not self.mentions(info.code, name):
            return "none"
        if info.starts_clean and info.ends_clean and self.is_simple_assignment(info.code, name):
            return "simple"
        return "unsafe"

    # --- a store of variables outside the start-up files (fish universal variables) --------
    def variable_store(self, where: Where) -> Path | None:
        """A file of the shell's own that can export variables to every new shell."""
        return None

    def store_exports(self, data: bytes) -> list[tuple[int, str, str]]:
        """Pure: (1-based line, name, value) of each variable the store exports."""
        return []

    def drop_from_store(self, data: bytes, names: tuple[str, ...]) -> tuple[bytes, list[bytes]]:
        """Pure: the store without exported entries for `names`, and the lines taken out."""
        return data, []

    def restore_to_store(self, data: bytes, lines: list[bytes]) -> bytes:
        """Pure: put lines taken out by drop_from_store back (unless set again since)."""
        return data

    # --- running the real shell ------------------------------------------------------------
    @abstractmethod
    def syntax_check_argv(self, executable: str, path: str) -> list[str] | None:
        """A command that parses `path` without running it, exit 0 when it parses."""

    @abstractmethod
    def probe_argv(self, executable: str, python: str, login: bool) -> list[str]:
        """A new interactive shell (a login one when asked) that prints its environment.

        argv[0] is the name the shell sees (`-tcsh` makes a login tcsh); run it with
        subprocess's executable=<path of the shell>.
        """

    def probe_modes(self) -> tuple[bool, ...]:
        """Which of (non-login, login) are worth probing for this shell."""
        return (False, True)

    def script_probe_argv(self, executable: str, python: str) -> list[str] | None:
        """A non-interactive `SHELL -c` (what IDEs, scripts, cron and Ansible start) that
        prints its environment, when this shell reads start-up files for one; else None."""
        return None

    def traced(self, argv: list[str]) -> list[str]:
        """The same probe with an execution trace on stderr (sourced files, file:line of
        each command), for shells that have one; argv unchanged otherwise."""
        return argv
