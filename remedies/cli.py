"""The `remedy` command line. Subcommands are imported when used, so each pays only for itself.

Errors: one line on stderr and the documented exit code (0 done or nothing to do, 1 a
failure, 2 bad input or usage); `--debug` adds the traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NoReturn, cast

import click

from remedies import __version__
from remedies.commands import COMMANDS
from remedies.errors import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_USAGE, Declined, RemedyError
from remedies.layout import HelpFormatter
from remedies.typos import UnknownName

if TYPE_CHECKING:
    from remedies.context import Context, RunRecord

# Commands that read nothing in a home: root runs them as root. Every other command works in
# a home, and root does that only as the home's owner (remedies/privilege.py).
ROOT_MAY_STAY_ROOT = frozenset(name for name, c in COMMANDS.items() if c.reads_no_home)


# Every command's --help, by remedies.layout's rule: click's own formatter breaks long words
# and at hyphens ("anthropic.claude-" / "opus-4-7"). Set on the class, not per command, so
# that the subcommands of every group (apply's, export's, a plugin's) get it too.
click.Context.formatter_class = HelpFormatter


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of `remedy --help`, from a table: importing every command to
        ask its help line would make `--help` as slow as the slowest command's imports."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name].short_help) for name in sorted(COMMANDS)])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        registered = COMMANDS.get(cmd_name)
        if registered is None:
            from remedies.typos import unknown

            listed = "`remedy --help` lists them"
            raise UnknownName(unknown("command", cmd_name, COMMANDS, listed), ctx)
        return cast(click.Command, importlib.import_module(registered.module).command)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="remedy")
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
@click.pass_context
def cli(click_ctx: click.Context, debug: bool) -> None:
    """Repair a developer environment that breaks because of how a tool is configured.

    First job: Claude Code on AWS Bedrock failing with "400 invalid beta flag" (Opus 4.7).

    \b
      remedy doctor            what is wrong here, and where each setting comes from
      remedy list              the remedies, best first
      remedy apply mantle      fix it (--dry-run shows the diff)
      remedy verify            prove it, with your real claude
      remedy status            what is applied where
      remedy revert            put every byte back
    """
    how = click_ctx.obj if isinstance(click_ctx.obj, Invocation) else Invocation()
    ctx = how.given if how.given is not None else _context_of_process(click_ctx, how)
    if how.for_a_program:
        # A program reads the document, often through a pty that merges stderr into stdout
        # (Ansible over ssh -tt): no progress lines, even on a terminal.
        ctx = replace(ctx, progress=lambda _text: None)
    if how.machine:
        ctx = replace(ctx, machine=True)
    click_ctx.obj = replace(ctx, record=how.record)


def _context_of_process(click_ctx: click.Context, how: Invocation) -> Context:
    """The Context of this process, once root has become the owner of the home it is to
    work in (a Context given by a caller is theirs: it changes no one's privilege)."""
    from remedies.context import Context, home_from_environment

    # --machine works on /etc for every user and reads no home: root stays root for it.
    stays = click_ctx.invoked_subcommand in ROOT_MAY_STAY_ROOT or how.machine
    if os.geteuid() == 0 and not stays:
        from remedies.privilege import become, owner_of_home

        home = home_from_environment()
        account = owner_of_home(home)
        if account is not None:
            become(account, home)
    from shells.detect import process_tree_shell

    return Context.from_process(process_tree_shell)


# click >= 8.2 raises this for a group run without a command; 8.1 (the zipapp's, for Python
# 3.9) prints the help itself. A class no exception is an instance of stands in for it there.
_NO_ARGS_IS_HELP: type[Exception] = getattr(
    click.exceptions, "NoArgsIsHelpError", type("NoArgsIsHelpError", (Exception,), {})
)


def _fail(message: str, code: int) -> int:
    """The one line a failure gets on stderr; its exit code."""
    if code == EXIT_INTERRUPTED and sys.stderr.isatty():
        # The terminal echoed ^C where the cursor was (after a question, mid-line): the
        # message goes on a line of its own.
        click.echo("", err=True)
    click.echo(f"remedy: error: {message}", err=True)
    return code


def _new_record() -> RunRecord:
    from remedies.context import RunRecord

    return RunRecord()


@dataclass(frozen=True)
class Invocation:
    """What the root callback must know of the whole command line before the command's own
    options are read (click has consumed the arguments by then): main() looks."""

    for_a_program: bool = False  # --json: the output is a document for a program
    machine: bool = False  # --machine: stay root, work on the machine's managed settings
    # The Context a caller gave run() (a test), else None: the process's own is built.
    given: Context | None = None
    # Filled by the run (Context.record): what run() may say after a Ctrl-C.
    record: RunRecord = field(default_factory=_new_record)

    @classmethod
    def of(cls, args: list[str], given: Context | None = None) -> Invocation:
        """What click makes of the whole command line, parsed the way the run will parse it
        (never by looking for `--machine` in the text: `apply mantle --model --machine`
        pins a model called "--machine"), with nothing run: click's resilient parsing runs
        no command and swallows errors, which the real parse then reports. A line that
        cannot be read gives the safe answer: not --machine (root then works in a home
        only as its owner). Remedy names are resolved as root would resolve them for
        --machine, reading no one's home (catalog.data_sources)."""
        if "--machine" not in args and "--json" not in args:
            # Neither can be set without its own word on the line (click takes no
            # abbreviations, and no option reads the environment): no parse needed.
            return cls(given=given)
        leaf = _parsed(args, given)
        if leaf is None:
            return cls(given=given)
        json_mode = leaf.params.get("json_mode") is True
        return cls(json_mode, leaf.params.get("machine") is True, given)


def _parsed(args: list[str], given: Context | None) -> click.Context | None:
    """The innermost command's click context for `args`, or None when they do not parse."""
    from remedies.context import Context

    here = given if given is not None else Context.from_process()
    try:
        ctx = cli.make_context(
            "remedy",
            list(args),
            resilient_parsing=True,
            obj=replace(here, machine=True) if os.geteuid() == 0 else here,
        )
        while isinstance(ctx.command, click.Group):
            rest = [*_protected(ctx), *ctx.args]
            if not rest:
                break
            name, command, rest = ctx.command.resolve_command(ctx, rest)
            if command is None or name is None:
                return None
            ctx = command.make_context(name, rest, parent=ctx, resilient_parsing=True)
    except Exception:  # any failure here is reported by the real parse
        return None
    return ctx


def _protected(ctx: click.Context) -> list[str]:
    # click 8.2 renamed protected_args (8.1's, the zipapp's on Python 3.9) to a private name.
    found = getattr(ctx, "_protected_args", None)
    return list(found if found is not None else ctx.protected_args)


def debug_first(args: list[str]) -> list[str]:
    """`remedy apply mantle --debug` means what `remedy --debug apply mantle` does: people
    add the flag at the end of the line they just ran. Only before a `--`."""
    end = args.index("--") if "--" in args else len(args)
    if "--debug" not in args[:end]:
        return args
    return ["--debug", *(a for a in args[:end] if a != "--debug"), *args[end:]]


def _interrupted(how: Invocation) -> str:
    """Ctrl-C that no command turned into its own message: true about what is in place."""
    if not how.record.committed:
        return "interrupted; nothing was changed"
    return "interrupted; `remedy status` says what is applied here"


def _not_utf8(args: list[str]) -> str | None:
    """A command-line argument that is not UTF-8 reaches Python as lone surrogates, which no
    start-up file, settings file or export can hold: refused before anything reads it."""
    for number, arg in enumerate(args, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError as e:
            # Its value is not shown, only the byte: it may be anything, a secret included.
            # Python carries an undecodable byte b as the surrogate U+DC00 + b.
            code = ord(arg[e.start])
            what = (
                f"the byte 0x{code - 0xDC00:02X}"
                if 0xDC80 <= code <= 0xDCFF
                else "a lone surrogate"
            )
            after = f" (after {args[number - 2]})" if number > 1 else ""
            return (
                f"argument {number}{after} holds {what}, which is not UTF-8 text; remedy "
                "writes only text"
            )
    return None


def _code_root_did_not_choose() -> str | None:
    if os.geteuid() != 0:
        return None  # the common case pays for no import
    from remedies.root_programs import code_root_did_not_choose

    return code_root_did_not_choose()


def run(argv: list[str], ctx: Context | None = None) -> int:
    """`remedy ARGV`: its exit code, with its output on sys.stdout and sys.stderr. `ctx`, when
    given (a test's), is the Context the command runs with, in this process; otherwise the
    process's own is built, after the two checks only a process can make of itself: as root,
    that Python loaded no code another user can change, and becoming the home's owner. The
    command line never gives a ctx (main, remedies/__main__.py, the zipapp); a test whose
    run needs those checks runs remedy as a program (tests/support/inprocess.py)."""
    args = debug_first(argv)
    bad = _not_utf8(args)
    if bad:
        return _fail(bad, EXIT_USAGE)
    theirs = _code_root_did_not_choose() if ctx is None else None
    if theirs:
        return _fail(
            f"Python, run as root, looks for code in {theirs}, which another user can change, "
            "and may have run it before remedy started: run remedy as root with `python3 -I` "
            "or PYTHONNOUSERSITE=1 (the fleet playbook sets it) from a folder of root's, or "
            "as that user (sudo -u, with the user's name)",
            EXIT_FAILURE,
        )
    debug = args[:1] == ["--debug"]
    judged = sys.modules.get("remedies.root_programs")
    if judged is not None:
        judged.forget()  # a second run in this process (a test's) judges afresh
    how = Invocation()
    try:
        how = Invocation.of(args, ctx)
        result: Any = cli.main(
            args=args,
            prog_name="remedy",
            standalone_mode=False,
            obj=how,
            # A given Context's COLUMNS, not this process's (click would read os.environ).
            terminal_width=None if ctx is None else _columns(ctx.env),
        )
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.Abort as e:
        # click turns Ctrl-C anywhere in a command into Abort. Each transaction is all or
        # nothing, but a command may have committed one before: never claim nothing changed.
        if isinstance(e.__cause__ or e.__context__, KeyboardInterrupt):
            return _fail(_interrupted(how), EXIT_INTERRUPTED)
        return _fail("aborted; nothing changed", EXIT_FAILURE)
    except click.UsageError as e:
        if isinstance(e, _NO_ARGS_IS_HELP):
            e.show()  # `remedy` alone: the help, as a person expects
            return e.exit_code
        if isinstance(e, UnknownName):  # it says where the names are
            return _fail(_one_line(e.format_message()), e.exit_code)
        where = e.ctx.command_path if e.ctx else "remedy"
        return _fail(f"{_one_line(e.format_message())} (see `{where} --help`)", e.exit_code)
    except click.ClickException as e:
        return _fail(_one_line(e.format_message()), e.exit_code)
    except Declined as e:
        click.echo(str(e), err=True)  # a choice, not a failure: no "error:"
        return e.exit_code
    except RemedyError as e:
        if debug:
            _print_traceback()
        return _fail(str(e), e.exit_code)
    except KeyboardInterrupt:
        return _fail(_interrupted(how), EXIT_INTERRUPTED)
    except OSError as e:
        # A full disk, a read-only filesystem, a permission: the system said no. Name the
        # path and the reason; the transaction has already put every file back.
        if debug:
            _print_traceback()
        where = f"{e.filename}: " if e.filename else ""
        return _fail(f"{where}{e.strerror or e}; nothing was changed", EXIT_FAILURE)
    except Exception as e:
        if debug:
            _print_traceback()
        return _fail(
            f"unexpected {type(e).__name__}: {e} (run with --debug for details)", EXIT_FAILURE
        )
    return result if isinstance(result, int) else 0


def _one_line(message: str) -> str:
    """click lays some messages out on lines of their own ("Choose from:" and a tab-indented
    list): one line, for every usage error (issue 26)."""
    return " ".join(message.split())


def _columns(env: Mapping[str, str]) -> int:
    """The help's width for a run given its environment, as click finds it for a program:
    COLUMNS, else 80 (output that is not a terminal), at most 80, less 2, at least 50.
    (A width given to click is taken as it is: passing COLUMNS alone made the test
    process's help 2 columns wider than the program's, seen once a line met the edge.)"""
    value = env.get("COLUMNS", "")
    columns = int(value) if value.isdigit() and int(value) > 0 else 80
    return max(min(columns, 80) - 2, 50)


def _print_traceback() -> None:
    # Imported only when --debug asks: it costs every `remedy status` a few milliseconds.
    import traceback

    traceback.print_exc()


def main(argv: list[str] | None = None) -> NoReturn:
    """The `remedy` program: run() with this process's arguments, then exit with its code."""
    sys.exit(run(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    main()
