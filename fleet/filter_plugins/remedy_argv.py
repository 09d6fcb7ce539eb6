"""Ansible filters: remedy's arguments are a list on the controller, one word per argument.

`make rollout ARGS=...` used to reach each host as one string spliced into a shell command
line (issue 22, item 4): `; id #` in ARGS ran `id` on every host (as root with
SCOPE=machine), quotes were stripped (`--value '{"a":"b"}'` arrived as `{a:b}`), and the
task's exit code was the last command's. Now:

- `remedy_words` splits ARGS once, on the controller, by POSIX shell-word rules
  (`shlex.split`: quotes group, a backslash escapes, `#` is an ordinary character, nothing
  is expanded), the way a person reads what they typed. An unbalanced quote is one line and
  a failed run before any host is touched. A list is taken as it is, a word per item.
- `remedy_script_cmd` quotes every word on its own (`shlex.quote`, what Ansible's `quote`
  filter does) for `ansible.builtin.script`, which runs its `cmd` through `/bin/sh -c` on
  the host (Ansible's `sh` shell type, the default): sh turns each quoted word back into
  exactly one argument, and there is no other command on the line, so the task's exit code
  is remedy's.

Run as a program (`python fleet/filter_plugins/remedy_argv.py`), it checks REMEDY_ARGS the
same way: the Makefile does so before Ansible starts, so a bad ARGS is one line on stderr.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Sequence

from ansible.errors import AnsibleFilterError


class BadArgs(AnsibleFilterError):  # type: ignore[misc]
    """ARGS cannot be split into words (an unbalanced quote, a trailing backslash)."""


def words(args: str | Sequence[str] | None) -> list[str]:
    """ARGS as remedy's argv: split by POSIX shell-word rules, or a list taken as it is."""
    if args is None:
        return []
    if not isinstance(args, str):
        return [str(word) for word in args]
    try:
        return shlex.split(args)  # posix=True, comments=False: `#` is data, as is `$`
    except ValueError as e:  # shlex: "No closing quotation", "No escaped character"
        raise BadArgs(
            f"ARGS cannot be split into arguments ({str(e).lower()}): quote an argument "
            "that holds spaces or quotes as in a shell, e.g. --value '{\"a\": 1}'"
        ) from None


def script_cmd(program: str, argv: Sequence[str]) -> str:
    """`program` and its arguments as one sh command line, each word quoted on its own.

    ansible.builtin.script finds the first word of its `cmd` on the controller and replaces
    that text everywhere in `cmd` with the host's copy's path (`str.replace`): an argument
    holding the controller's path of the zipapp would be rewritten, so it is refused.
    """
    for word in argv:
        if program in word:
            raise BadArgs(f"an argument for remedy holds the zipapp's own path ({program})")
    return " ".join(shlex.quote(word) for word in (program, *argv))


def name_or_file(remedy: str) -> str:
    """A remedy's name as it is; a remedy file (`*.toml`) made absolute, for the copy task.

    Here rather than in the Makefile: make's $(abspath) splits a path at its spaces.
    """
    return os.path.abspath(remedy) if remedy.endswith(".toml") else remedy


class FilterModule:
    def filters(self) -> dict[str, object]:
        return {
            "remedy_words": words,
            "remedy_script_cmd": script_cmd,
            "remedy_abspath": name_or_file,
        }


def main() -> int:
    """The Makefile's check of ARGS (REMEDY_ARGS): one line and exit 2 when it cannot split."""
    try:
        words(os.environ.get("REMEDY_ARGS", ""))
    except BadArgs as e:
        print(f"remedy: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
