"""Errors a user can act on. Each carries its exit code; the CLI prints one line, no traceback."""

from __future__ import annotations

# Exit codes, documented in docs/exit-codes.md: 0 success or nothing to do, 1 a failure,
# 2 bad input or usage (the same code click uses for usage errors).
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
# `remedy check`: the proof holds without the remedy because the client that ran is outside
# the file's [when] versions: this client does not have the problem.
EXIT_NOT_HERE = 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


class RemedyError(Exception):
    """Something stopped the command; nothing was changed unless the message says so."""

    exit_code = EXIT_FAILURE


class BadInput(RemedyError):
    """The user asked for something that cannot be done as asked (a bad value, an unknown name)."""

    exit_code = EXIT_USAGE


class CorruptFile(RemedyError):
    """A start-up file holds remedy markers that do not pair up; we refuse to guess."""


class FileProblem(RemedyError):
    """A path cannot be read or written as a regular file."""


class Conflict(RemedyError):
    """Someone else changed a file while we were working, or another run holds the lock."""


class Interrupted(RemedyError):
    """Ctrl-C: the message says exactly what is in place now."""

    exit_code = EXIT_INTERRUPTED


class Declined(RemedyError):
    """The person said no: not an error, but nothing was done (exit 1, no "error:")."""

    def __init__(self) -> None:
        super().__init__("nothing changed: you said no")
