"""The POSIX family: bash, zsh, and sh-like shells (dash, ksh, mksh) share quoting and syntax."""

from __future__ import annotations

import re
import shlex
from functools import lru_cache
from pathlib import Path

from shells.base import (
    MARK,
    Family,
    Mover,
    Reach,
    Shell,
    Where,
    check_name,
    check_value,
    print_env_argv,
)
from shells.lexing import Syntax
from shells.words import Word, posix_word

POSIX_SYNTAX = Syntax(substitutions=True, heredocs=True)

# One shell word as it looks after lexing.scan masked quoted and substituted text ("_").
_WORD = rb"""(?:[^\s;&|<>()`'"$]|\$[A-Za-z_0-9@*#?$!-]|'_*'|"_*"|`_*`|\$\(_*\)|\$\{_*\})*"""


@lru_cache(maxsize=256)
def _mention_pattern(name: str) -> re.Pattern[bytes]:
    # `NAME=` or `NAME+=` anywhere in code, but not `$NAME=` or `OTHER_NAME=`.
    return re.compile(rb"(?<![\w$])" + name.encode() + rb"\+?=")


@lru_cache(maxsize=256)
def _simple_pattern(name: str) -> re.Pattern[bytes]:
    n = name.encode()
    return re.compile(
        rb"\s*(?:(?:export|readonly)\s+|(?:declare|typeset|local)\s+(?:-[A-Za-z]+\s+)*)?"
        + n
        + rb"\+?="
        + _WORD
        + rb"(?:\s*;\s*export\s+"
        + n
        + rb")?\s*;?\s*\Z"
    )


@lru_cache(maxsize=256)
def _value_start(name: str) -> re.Pattern[bytes]:
    return re.compile(
        rb"\s*(?:(?:export|readonly)\s+|(?:declare|typeset|local)\s+(?:-[A-Za-z]+\s+)*)?"
        + name.encode()
        + rb"\+?="
    )


@lru_cache(maxsize=256)
def _unset_pattern(name: str) -> re.Pattern[bytes]:
    return re.compile(rb"(?:^|[;&|(]|\s)unset\s+(?:-v\s+)?(?:\w+\s+)*" + name.encode() + rb"\b")


class PosixShell(Shell):
    """What bash, zsh, dash and ksh have in common."""

    syntax = POSIX_SYNTAX
    family: Family | None = Family.POSIX
    brace_expansion = True
    # `:` is the null command: a commented-out line must still be a command, because
    # `if ...; then` followed directly by `fi` is a syntax error in every POSIX shell.
    neutralise_template = ": # disabled by remedy {remedy}: "

    def quote(self, value: str) -> str:
        # Single quotes keep every byte literal (POSIX 2.2.2); shlex closes and reopens them
        # around a single quote. Nothing inside is expanded, `!` included (bash, zsh).
        return shlex.quote(check_value(value))

    def render_set(self, name: str, value: str) -> str:
        return f"export {check_name(name)}={self.quote(value)}"

    def render_unset(self, name: str) -> str:
        return f"unset {check_name(name)}"

    def mentions(self, code: bytes, name: str) -> bool:
        return _mention_pattern(name).search(code) is not None

    def is_simple_assignment(self, code: bytes, name: str) -> bool:
        return _simple_pattern(name).match(code) is not None

    def assigned_value(self, line: bytes, name: str) -> Word | None:
        found = _value_start(name).match(line)
        return None if found is None else posix_word(line, found.end())

    def unsets(self, code: bytes, name: str) -> bool:
        return _unset_pattern(name).search(code) is not None

    def syntax_check_argv(self, executable: str, path: str) -> list[str] | None:
        return [executable, "-n", path]

    # Run before the environment is printed (zsh exports ZDOTDIR so that we learn it).
    probe_prefix = ""

    def _probe_command(self, python: str) -> str:
        return f"{self.probe_prefix}exec {shlex.join(print_env_argv(python))}"

    def probe_argv(self, executable: str, python: str, login: bool) -> list[str]:
        command = self._probe_command(python)
        return [executable, *(["-l"] if login else []), "-i", "-c", command]

    def traced(self, argv: list[str]) -> list[str]:
        # -x (xtrace) from the first command of the first start-up file on; every POSIX
        # shell prints `. FILE` with FILE expanded, and trace_ps4 adds file:line where the
        # shell has them.
        return [argv[0], "-x", *argv[1:]]


def first_existing(paths: list[Path]) -> Path | None:
    return next((p for p in paths if p.exists() or p.is_symlink()), None)


class Bash(PosixShell):
    name = "bash"
    executables: tuple[str, ...] = ("bash",)
    # Ignored when bash runs as root: its lines then carry the default `+ ` prefix.
    trace_ps4 = "+" + MARK + "${BASH_SOURCE}" + MARK + "${LINENO}" + MARK + " "

    def _login_files(self, where: Where) -> list[Path]:
        # bash(1) INVOCATION: a login shell reads the first of these that exists.
        return [where.home / f for f in (".bash_profile", ".bash_login", ".profile")]

    def read_set(self, where: Where) -> list[Path]:
        return [*self._login_files(where), where.home / ".bashrc"]

    def write_set(self, where: Where) -> list[Path]:
        # ~/.bashrc serves interactive non-login shells (Linux terminals, IDE terminals).
        # Login shells (macOS Terminal, ssh) read only the first login file, which may or may
        # not source ~/.bashrc, so the block goes there too. If none exists we create
        # ~/.profile, never ~/.bash_profile: creating .bash_profile would stop bash reading an
        # existing or future .profile (userpath #19, pipx #456).
        login = first_existing(self._login_files(where)) or where.home / ".profile"
        return [where.home / ".bashrc", login]


class Zsh(PosixShell):
    name = "zsh"
    executables: tuple[str, ...] = ("zsh",)
    family = Family.ZSH
    trace_ps4 = "+" + MARK + "%x" + MARK + "%I" + MARK + " "
    # zsh(1): ZDOTDIR set in ~/.zshenv moves .zprofile, .zshrc and .zlogin (see _dotdir).
    movers = (Mover("ZDOTDIR", ".zshenv", Reach.LATER_FILES),)

    def _dotdir(self, where: Where, later: bool = False) -> Path:
        value = where.env.get("ZDOTDIR", "")
        if later:
            value = where.later.get("ZDOTDIR", value)
        return Path(value) if value.startswith("/") else where.home

    def read_set(self, where: Where) -> list[Path]:
        # zsh(1) STARTUP/SHUTDOWN FILES, in reading order. .zshenv is read where ZDOTDIR
        # pointed when zsh started; the others where .zshenv may have moved it.
        d = self._dotdir(where, later=True)
        return [self._dotdir(where) / ".zshenv", d / ".zprofile", d / ".zshrc", d / ".zlogin"]

    def write_set(self, where: Where) -> list[Path]:
        # zsh(1): "$ZDOTDIR/.zshenv is sourced on all invocations of the shell", login or not,
        # interactive or not, so shells started by IDEs and scripts get the block too. But
        # an interactive zsh reads .zshrc later, and what .zshrc sources (oh-my-zsh custom
        # files, ~/.zshrc.local) would set Bedrock again after it: an existing .zshrc gets
        # the block too, at its end. User lines in the read set are disabled as well.
        rc = self._dotdir(where, later=True) / ".zshrc"
        env = self._dotdir(where) / ".zshenv"
        return [env, *([rc] if rc.exists() or rc.is_symlink() else [])]

    # ZDOTDIR moves every later start-up file; set in ~/.zshenv it is often not exported.
    probe_prefix = "[[ -n ${ZDOTDIR-} ]] && export ZDOTDIR; "

    def probe_argv(self, executable: str, python: str, login: bool) -> list[str]:
        # zsh -i without a terminal still reads .zshrc; -l adds .zprofile and .zlogin.
        return super().probe_argv(executable, python, login)

    def script_probe_argv(self, executable: str, python: str) -> list[str] | None:
        # zsh(1): $ZDOTDIR/.zshenv is read by every zsh, `zsh -c` from an IDE included.
        return [executable, "-c", self._probe_command(python)]


class Sh(PosixShell):
    """sh and dash: ~/.profile for login shells, the file named by $ENV for interactive ones."""

    name = "sh"
    executables: tuple[str, ...] = ("sh", "dash")
    brace_expansion = False
    # ENV exported by ~/.profile names the file every interactive sh then reads (_env_file).
    movers = (Mover("ENV", ".profile", Reach.SESSION),)
    # `sh` among our ancestors is nearly always a `sh -c` from make, npm or an IDE task
    # (shellingham documents that such chains report sh).
    ancestor_is_a_launcher = True

    def _env_file(self, where: Where) -> list[Path]:
        # POSIX sh 2.5.3: an interactive shell reads the file named by $ENV (after parameter
        # expansion; we honour only a plain absolute path or ~/path, and never run anything).
        value = where.env.get("ENV", "")
        if value.startswith("~/"):
            return [where.home / value[2:]]
        return [Path(value)] if value.startswith("/") and "$" not in value else []

    def read_set(self, where: Where) -> list[Path]:
        return [where.home / ".profile", *self._env_file(where)]

    def own_files(self, where: Where) -> list[Path]:
        # ~/.profile and the $ENV file are read by ksh and `bash --posix` too: nothing says
        # a user starts sh, unless it is their login shell ($SHELL).
        return []

    def write_set(self, where: Where) -> list[Path]:
        # ~/.profile for every login shell; the $ENV file, when there is one, for interactive
        # shells that are not login shells.
        return [where.home / ".profile", *self._env_file(where)]

    def probe_modes(self) -> tuple[bool, ...]:
        # Without $ENV a non-login sh reads no start-up file at all, so only a login shell
        # shows what our files give.
        return (True,)


class Ksh(Sh):
    """ksh93: like sh, but an interactive shell reads ~/.kshrc when $ENV is unset."""

    name = "ksh"
    executables: tuple[str, ...] = ("ksh", "ksh93")
    rc_name = ".kshrc"
    brace_expansion = True
    trace_ps4: str | None = "+" + MARK + "${.sh.file}" + MARK + "${LINENO}" + MARK + " "
    ancestor_is_a_launcher = False  # make, npm and IDE tasks start sh, not ksh

    def _rc_file(self, where: Where) -> list[Path]:
        return self._env_file(where) or [where.home / self.rc_name]

    def read_set(self, where: Where) -> list[Path]:
        return [where.home / ".profile", *self._rc_file(where)]

    def own_files(self, where: Where) -> list[Path]:
        # ~/.kshrc (~/.mkshrc): read by this shell alone, unless $ENV names a file sh reads too.
        return [] if self._env_file(where) else [where.home / self.rc_name]

    def write_set(self, where: Where) -> list[Path]:
        # Both: a login ksh reads ~/.profile and then the rc file; a non-login interactive one
        # (a terminal tab, an IDE) reads only the rc file. Creating it shadows nothing.
        return [where.home / ".profile", *self._rc_file(where)]

    def probe_modes(self) -> tuple[bool, ...]:
        return (False, True)


class Mksh(Ksh):
    """mksh (the MirBSD Korn shell): its interactive rc file is ~/.mkshrc."""

    name = "mksh"
    executables: tuple[str, ...] = ("mksh",)
    rc_name = ".mkshrc"
    trace_ps4 = None  # mksh has no variable for the file being read (ksh93: ${.sh.file})
