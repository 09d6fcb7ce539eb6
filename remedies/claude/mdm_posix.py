"""The scripts an MDM runs on Linux and macOS laptops: remedy, run for the user at the console.

Five forms, each a POSIX `sh` script an MDM runs as root (Intune, Jamf and Kandji all do;
Intune's Linux compliance runs its discovery script as the user, and then each script runs
remedy for that user alone):
- `intune-detect`: Intune Remediations' detection half. `remedy doctor --check` as the user;
  exit 1 when a remedy applies (Intune then runs the remediation), 0 when compliant, and 0
  too when remedy cannot tell (below);
- `intune-remediate`: the remediation half, `remedy apply NAME --yes` with the options baked in;
- `jamf-ea`: a Jamf extension attribute: `<result>` and doctor --check's one line;
- `jamf-policy`: a Jamf (or Kandji custom script) policy: the same apply as the remediation;
- `intune-compliance`: the discovery script of an Intune custom compliance policy (Linux):
  one JSON object, `{"RemedyNeeded": ..., "RemedyState": ...}`, which the rules file
  (claude.intune_rules) judges. Its values are fixed words, never remedy's text: nothing
  a host says has to be escaped into JSON by sh.

"Cannot tell" (doctor --check exit 3: no claude on the PATH a new shell gets, a start-up file
that waits, state remedy cannot read) is exit 0 in Intune's contract, which has two answers
only: 1 means "run the remediation", and the remediation cannot help there (there is no
claude to fix, or apply stops at the same start-up file), while running it would edit the
files of a home remedy could not judge. The line `cannot tell: WHY` is what Intune shows as
the detection's output, so those laptops are found by that column, not hidden.

Everything baked in (the remedy's name, its options, the zipapp's path) is quoted by the
shell's own rule (single quotes, `'` written as `'\\''`, POSIX 2.2.2): a value is data,
never code. What no argument can hold (NUL, text that is not UTF-8) is refused.
The script finds the user (`console_user`, below, says in which order), then runs the zipapp
with a clean environment as that user (runuser, or sudo where there is none, as on macOS):
root never reads the user's start-up files, which remedy's shells run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from remedies import __version__
from remedies.claude.intune_rules import SETTING_NEEDED, SETTING_STATE
from remedies.claude.mdm_sh_library import LIBRARY, REPORT
from remedies.errors import BadInput
from remedies.layout import shell_word
from shells.base import check_value

SCRIPT_FORMATS = (
    "intune-detect",
    "intune-remediate",
    "jamf-ea",
    "jamf-policy",
    "intune-compliance",
)
# The scripts that only read, and write a report for `remedy fleet-report` when asked; the
# others apply the remedy.
_READING = ("intune-detect", "jamf-ea", "intune-compliance")
APPLYING_FORMATS = tuple(f for f in SCRIPT_FORMATS if f not in _READING)
DEFAULT_PYZ = "/usr/local/libexec/remedy.pyz"
# What the scripts print of their own, beside doctor --check's lines (fleet-report reads
# them back from an MDM's export: commands/fleet_exports.py).
NOT_CHECKED = "not checked"  # they could not run remedy (no user, zipapp or python3)
CHECK_FAILED = "remedy doctor --check failed"  # it ran, and gave no answer


@dataclass(frozen=True)
class ScriptSpec:
    """What a script runs: `remedy apply NAME ARGS... --yes` (remediation and policy)."""

    remedy: str
    args: tuple[str, ...] = ()  # the remedy's options, as a command line: ("--region", "x")
    pyz: str = DEFAULT_PYZ
    check_args: tuple[str, ...] = ()  # those doctor --check takes too (--fixed-version)


def quoted(word: str) -> str:
    """`word` as one sh word that reads back exactly: single quotes keep every byte literal,
    and shlex closes and reopens them around a `'` (remedies.layout.shell_word, which also
    quotes a word starting with `=` or `~`: zsh expands those, found by the property test).
    Refused: what no argument can hold."""
    try:
        check_value(word)
    except ValueError as e:
        raise BadInput(f"{word[:40]!r}: {e}; nothing was written") from None
    return shell_word(word)


# What each script says at the top: its name in the MDM's own words, and what it does.
_PURPOSE = {
    "intune-detect": (
        "Intune Remediations, detection script (Linux and macOS).",
        "Exit 1: a remedy applies here (Intune runs the remediation script); exit 0:",
        "compliant, or remedy cannot tell (the line says why); exit 2: not checked.",
    ),
    "intune-remediate": (
        "Intune Remediations, remediation script (Linux and macOS).",
        "Applies the remedy for the user at the console; exit 0 when it is applied (or was).",
    ),
    "jamf-ea": (
        "Jamf extension attribute (Linux and macOS): <result>compliant: ...</result>,",
        "<result>needs a remedy: NAME, ...</result> or <result>cannot tell: WHY</result>;",
        "<result>not checked: WHY</result> when there is no user, zipapp or python3.",
    ),
    "intune-compliance": (
        "Intune custom compliance, discovery script (Linux); judged by the rules file of",
        f'`--format intune-compliance-rules`. Prints {{"{SETTING_NEEDED}": true|false,',
        f'"{SETTING_STATE}": "compliant"|"needs a remedy"|"cannot tell"|"not checked"}};',
        "exit 0 (why it could not check goes to stderr).",
    ),
    "jamf-policy": (
        "Jamf policy script, or a Kandji custom script (Linux and macOS).",
        "Applies the remedy for the user at the console; exit 0 when it is applied (or was).",
    ),
}

_FAIL = {
    # Intune and Jamf policies: one line on stderr (their error column), exit 2.
    "plain": "fail() {\n    printf 'remedy: %s\\n' \"$1\" >&2\n    exit 2\n}\n",
    # An extension attribute's output is its <result>; Jamf keeps it whatever the exit code.
    # Its text (a user's name, the zipapp's path) with `<>` made `[]`, as the check's line.
    "ea": "fail() {\n"
    f"    printf '<result>{NOT_CHECKED}: %s</result>\\n' \"$(printf '%s' \"$1\" | tr '<>' '[]')\"\n"
    "    exit 1\n}\n",
    # A discovery script's output is its JSON: a fixed answer on stdout, the why on stderr.
    "compliance": "fail() {\n"
    "    printf 'remedy: %s\\n' \"$1\" >&2\n"
    f'    echo \'{{"{SETTING_NEEDED}": false, "{SETTING_STATE}": "{NOT_CHECKED}"}}\'\n'
    "    exit 0\n}\n",
}


def _check(spec: ScriptSpec) -> str:
    """doctor --check for this remedy alone: exit 1 only where it applies (another remedy's
    problem is not this script's to fix: review found a Vertex user moved to Mantle)."""
    return f"run_remedy doctor --check {_check_words(spec)}"


def _check_words(spec: ScriptSpec) -> str:
    return " ".join(quoted(w) for w in ("--remedy", spec.remedy, *spec.check_args))


# Exit 1 is also how remedy fails (an error it did not foresee, a zipapp this Python cannot
# run): only with doctor --check's own line is 1 "needs a remedy" and 3 "cannot tell"
# (found by review: a crash marked a laptop nobody judged as needing a fix).
_ANSWERED = 'answered "$code" "$out" || code="$code, not an answer"\n'


def _checked(spec: ScriptSpec) -> str:
    """The start both reading scripts share: ready, the check's line and code, its report."""
    return f"""
prepare
out=$({_check(spec)})
code=$?
{_ANSWERED}report {" ".join(quoted(w) for w in spec.check_args)}
"""


def _main_detect(spec: ScriptSpec) -> str:
    return (
        _checked(spec)
        + f"""case $code in
    0 | 1) printf '%s\\n' "$out"; exit "$code" ;;
    3) printf '%s\\n' "$out"; exit 0 ;;  # cannot tell: not Intune's 1 (see the top)
    *) fail "{CHECK_FAILED} (exit $code)" ;;
esac
"""
    )


def _main_ea(spec: ScriptSpec) -> str:
    return (
        _checked(spec)
        + f"""case $code in
    0 | 1 | 3) line=$(printf '%s\\n' "$out" | sed -n 1p | tr '<>' '[]') ;;
    *) line="error: {CHECK_FAILED} (exit $code)" ;;
esac
printf '<result>%s</result>\\n' "$line"
exit 0
"""
    )


def _main_compliance(spec: ScriptSpec) -> str:
    """ "Cannot tell" is not "needs a remedy", as in detection: a compliance policy may gate
    access, and a laptop without claude has nothing to fix."""
    return (
        _checked(spec)
        + f"""case $code in
    0) needed=false; state='compliant' ;;
    1) needed=true; state='needs a remedy' ;;
    3) needed=false; state='cannot tell' ;;
    *) fail "{CHECK_FAILED} (exit $code)" ;;
esac
printf '{{"{SETTING_NEEDED}": %s, "{SETTING_STATE}": "%s"}}\\n' "$needed" "$state"
exit 0
"""
    )


def _main_apply(spec: ScriptSpec) -> str:
    """Applies only where the check says this remedy applies: 0 and 3 (cannot tell) change
    nothing and say so."""
    words = " ".join(quoted(w) for w in ("apply", spec.remedy, *spec.args, "--yes"))
    return (
        "\nprepare\n"
        f"out=$({_check(spec)})\n"
        "code=$?\n"
        f"{_ANSWERED}"
        "case $code in\n"
        "    1) ;;\n"
        "    0 | 3) printf '%s\\n' \"$out\"; exit 0 ;;  # not needed here, or cannot tell\n"
        f'    *) fail "{CHECK_FAILED} (exit $code)" ;;\n'
        "esac\n"
        f"run_remedy {words}\n"
        "code=$?\n"
        f'[ "$code" = 0 ] || fail "remedy apply {simple_name(spec.remedy)} failed '
        '(exit $code)"\n'
    )


def simple_name(name: str) -> str:
    """A remedy name, as scripts print it in messages and comments: names are letters,
    digits, `.`, `_` and `-` (catalog.registry), so this only guards the rule that nothing
    a comment or a double quote would read differently reaches one."""
    if not re.fullmatch(r"[A-Za-z0-9._-]+", name):
        raise BadInput(f"{name!r} is not a remedy name a script can carry; nothing was written")
    return name


def script_bytes(fmt: str, spec: ScriptSpec) -> bytes:
    """The script `fmt` for `spec`: sh, LF lines, UTF-8."""
    if fmt not in SCRIPT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    quoted(spec.remedy)
    # Only the scripts that read write a report: the others would ignore the setting.
    reporting_settings = (
        [
            "reports=''  # a folder of root's for `remedy fleet-report` (host.json); empty: none",
            "reports=${REMEDY_REPORTS:-$reports}",
        ]
        if fmt in _READING
        else []
    )
    header = [
        "#!/bin/sh",
        *(f"# {line}" for line in _PURPOSE[fmt]),
        f"# Written by `remedy export {simple_name(spec.remedy)} --format {fmt}` "
        f"(remedy {__version__}).",
        "# Run as root, as MDMs run scripts: remedy runs as the user at the console, never as",
        "# root. Run as a user (Intune's Linux compliance does): remedy runs for that user.",
        "",
        "# What an administrator may change (REMEDY_PYZ, REMEDY_USER, REMEDY_PYTHON in the",
        "# environment win over these):",
        f"pyz={quoted(spec.pyz)}  # remedy's zipapp (`make pyz` builds it)",
        "user=''  # the user to run remedy for; empty: the user at the console",
        "python=''  # python3; empty: /usr/bin, /usr/local/bin or /opt/homebrew/bin",
        *reporting_settings[:1],
        "",
        "pyz=${REMEDY_PYZ:-$pyz}",
        *reporting_settings[1:],
        "user=${REMEDY_USER:-$user}",
        "python=${REMEDY_PYTHON:-$python}",
        "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
        "export PATH",
        "",
        "",
    ]
    fail = _FAIL[{"jamf-ea": "ea", "intune-compliance": "compliance"}.get(fmt, "plain")]
    if fmt == "intune-detect":
        main = _main_detect(spec)
    elif fmt == "jamf-ea":
        main = _main_ea(spec)
    elif fmt == "intune-compliance":
        main = _main_compliance(spec)
    else:
        main = _main_apply(spec)
    reporting = REPORT if fmt in _READING else ""
    return ("\n".join(header) + fail + LIBRARY + reporting + main).encode()


def library() -> str:
    """The functions every script shares (tests run them against recorded outputs)."""
    return _FAIL["plain"] + LIBRARY


def option_words(pairs: Sequence[tuple[str, str | bool]]) -> tuple[str, ...]:
    """A remedy's options as a command line: ("--flag", value) pairs, a True flag alone."""
    words: list[str] = []
    for flag, value in pairs:
        if value is True:
            words.append(flag)
        elif value is not False:
            words += [flag, value]
    return tuple(words)
