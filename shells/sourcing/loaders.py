"""Loaders: start-up file lines that take variables from a data file without naming them.

    export $(grep -v '^#' ~/.config/claude.env | xargs)
    source <(cat ~/.secrets)            . <(sed 's/^/export /' ~/.env)
    eval "$(cat ~/.env)"                export $(< ~/.env)

A real shell's trace names such a line (or, for `source <(...)`, a pipe such as /dev/fd/63
that is gone once the shell has read it) as where the variable was set, while the value is
written in the data file. loaders() reads which data files a line loads, from its words
alone: nothing is run, and only a pipeline of filters that read files and print them (cat,
grep, sed, sort, tr, xargs echoing) is understood; anything else names no file.
data_path() expands such a word as far as reading can (`~`, `$HOME`), assigned_line() finds
the line of a data file that gives a variable the value a real shell ended with: the caller
names that line only when it does (remedies/claude/loaded_from.py).

Pure functions over text; they never raise on any input.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass
from enum import Enum

from shells.base import Family, Shell, Where
from shells.sourcing.expansion import Expander
from shells.sourcing.line_words import bare, command, group, split, tokens

# Longer than any loader line; also bounds the cost of matching parentheses on odd input.
_MAX_LINE = 4096


class LoaderKind(Enum):
    EXPORT = "export"  # export $(... FILE ...): the words the pipeline prints
    SOURCE = "source"  # source <(... FILE ...), . <(...): the shell reads what it prints
    EVAL = "eval"  # eval "$(... FILE ...)": the same, run where the eval is


@dataclass(frozen=True)
class Loader:
    kind: LoaderKind
    # The data files' words exactly as written on the line (`~/.env`, `"$HOME/.env"`), in
    # the order the pipeline reads them.
    files: tuple[str, ...]


# --- the filters a loader's pipeline may hold -----------------------------------------------


@dataclass(frozen=True)
class _Filter:
    reads_operands: bool  # its operands are files it reads (after its program, if any)
    program: bool = False  # the first operand is its program (grep's pattern, sed's script)
    program_options: frozenset[str] = frozenset()  # options whose value is the program
    valued: frozenset[str] = frozenset()  # options that take a value ("e", "--regexp")
    file_options: frozenset[str] = frozenset()  # options whose value is a file it reads
    runs: frozenset[str] | None = None  # xargs: the commands it may hand what it read


_GREP = _Filter(
    True,
    program=True,
    program_options=frozenset({"e", "f", "--regexp", "--file"}),
    valued=frozenset("efmABCdD")
    | frozenset({"--regexp", "--file", "--max-count", "--after-context", "--before-context"})
    | frozenset({"--context", "--directories", "--devices", "--label", "--binary-files"})
    | frozenset({"--exclude", "--include", "--exclude-dir", "--exclude-from"}),
)
_FILTERS = {
    "cat": _Filter(True),
    "grep": _GREP,
    "egrep": _GREP,
    "fgrep": _GREP,
    "sed": _Filter(
        True,
        program=True,
        program_options=frozenset({"e", "f", "--expression", "--file"}),
        valued=frozenset({"e", "f", "l", "--expression", "--file", "--line-length"}),
    ),
    "sort": _Filter(
        True,
        valued=frozenset(
            {"k", "t", "o", "S", "T", "--key", "--field-separator", "--output", "--buffer-size"}
        ),
    ),
    "tr": _Filter(False),
    "xargs": _Filter(
        False,
        valued=frozenset(
            {"a", "d", "E", "I", "L", "n", "P", "s", "--arg-file", "--delimiter", "--eof"}
            | {"--replace", "--max-lines", "--max-args", "--max-procs", "--max-chars"}
        ),
        file_options=frozenset({"a", "--arg-file"}),
        runs=frozenset({"echo"}),
    ),
}


def _stage_files(words: list[str]) -> list[str] | None:
    """The files one command of the pipeline reads, or None when it is not a known filter."""
    rule = _FILTERS.get(bare(words[0]))
    if rule is None:
        return None
    files: list[str] = []
    operands: list[str] = []
    program_given = False
    options_done = False
    i = 1
    while i < len(words):
        word = words[i]
        unquoted = bare(word)
        i += 1
        if not options_done and unquoted == "--":
            options_done = True
            continue
        if not options_done and unquoted.startswith("-") and len(unquoted) > 1 and word == unquoted:
            given, value_index, value = _option(rule, word, i, words)
            program_given |= given
            if value_index is not None:
                i = value_index + 1
            if value is not None:
                files.append(value)
            continue
        if rule.runs is not None:
            if unquoted not in rule.runs:
                return None  # xargs running something else
            break
        operands.append(word)
    if rule.program and not program_given:
        operands = operands[1:]
    if rule.reads_operands:
        files += [o for o in operands if bare(o) != "-"]
    return files


def _option(
    rule: _Filter, word: str, i: int, words: list[str]
) -> tuple[bool, int | None, str | None]:
    """One option word: whether it gives the program, the index of a value taken from the
    next word, and a file it names (as written)."""
    if word.startswith("--"):
        name, eq, value = word.partition("=")
        given = name in rule.program_options
        if name not in rule.valued:
            return given, None, None
        if eq:
            return given, None, value if name in rule.file_options else None
        if i >= len(words):
            return given, None, None
        return given, i, words[i] if name in rule.file_options else None
    for k in range(1, len(word)):
        letter = word[k]
        if letter not in rule.valued:
            continue
        given = letter in rule.program_options
        rest = word[k + 1 :]
        if rest:
            return given, None, rest if letter in rule.file_options else None
        if i >= len(words):
            return given, None, None
        return given, i, words[i] if letter in rule.file_options else None
    return False, None, None


def _plain(word: str) -> bool:
    """A path operand as written, with nothing in it that would run (or be) a command."""
    return bool(word) and not any(s in word for s in ("$(", "`", "<(", ">("))


def _pipeline_files(text: str) -> tuple[str, ...]:
    """The files a pipeline of filters reads (`grep -v '^#' FILE | xargs`, `< FILE`)."""
    toks = tokens(text)
    if any(not t.word and t.text in (";", "&&", "||", "&", "(", ")", ";;", "|&") for t in toks):
        return ()
    stages = [command(part) for part in split(toks, frozenset({"|"}))]
    files: list[str] = []
    for stage in stages:
        if stage is None:
            return ()
        files += stage.inputs
        if not stage.words:
            if len(stages) > 1:
                return ()
            continue  # `$(< FILE)`
        read = _stage_files(stage.words)
        if read is None:
            return ()
        files += read
    if not all(_plain(f) for f in files):
        return ()
    return tuple(files)


def _substitution(word: str, opener: str) -> str | None:
    """The command inside a word that is only `$(...)` (opener "$("), `"$(...)"` or `<(...)`."""
    quoted = opener == "$(" and word.startswith('"$(') and word.endswith(')"')
    body = word[1:-1] if quoted else word
    if not body.startswith(opener) or body.startswith("$(("):
        return None
    if group(body, 1) != len(body):
        return None
    return body[2:-1]


_PREFIXES = frozenset({"if", "then", "do", "else", "elif", "while", "until", "{", "!", "time"})
_WRAPPERS = frozenset({"builtin", "command"})


def loaders(line: str) -> list[Loader]:
    """The loaders on one line of a start-up file, in order (none for any other line)."""
    if len(line) > _MAX_LINE:
        return []
    try:
        return _loaders(line)
    except RecursionError:
        return []


def _loaders(line: str) -> list[Loader]:
    found: list[Loader] = []
    separators = frozenset({";", "&&", "||", "&", "|", "|&", "(", ")", ";;"})
    for part in split(tokens(line), separators):
        parsed = command(part)
        if parsed is None:
            continue
        words = parsed.words
        while words and bare(words[0]) in _PREFIXES | _WRAPPERS:
            words = words[1:]
        if len(words) < 2:
            continue
        name = bare(words[0])
        args = [w for w in words[1:] if not bare(w).startswith("-")]
        if name == "export":
            kind, opener = LoaderKind.EXPORT, "$("
        elif name == "eval":
            kind, opener = LoaderKind.EVAL, "$("
        elif name in ("source", "."):
            kind, opener, args = LoaderKind.SOURCE, "<(", args[:1]
        else:
            continue
        files: list[str] = []
        for arg in args:
            inner = _substitution(arg, opener)
            if inner is not None:
                files += _pipeline_files(inner)
        if files:
            found.append(Loader(kind, tuple(files)))
    return found


# --- the data file ---------------------------------------------------------------------------

# A pipe a shell hands to `source <(...)`: /dev/fd/63 (bash, macOS), /proc/self/fd/12 (zsh on
# Linux). Nothing is left at that path once the shell has read it; opened by remedy, the
# same path is one of remedy's own descriptors.
_PIPE = re.compile(r"/dev/(?:fd/[0-9]+|stdin)|/proc/(?:self|thread-self|[0-9]+)/fd/[0-9]+")


def is_pipe(path: str) -> bool:
    """Whether a path a trace names is a shell's pipe, not a file."""
    return _PIPE.fullmatch(path) is not None


def data_path(shell: Shell, word: str, where: Where) -> str | None:
    """The absolute path a data file's word names, when reading alone can tell (`~`, `$HOME`,
    `${XDG_CONFIG_HOME:-$HOME/.config}`, quotes); None otherwise (another variable, a glob)."""
    if shell.family not in (Family.POSIX, Family.ZSH):
        return None
    expander = Expander(
        shell.family, where, None, shell.brace_expansion, shell.own_variables(where)
    )
    patterns = expander.patterns(word.encode("utf-8", "surrogateescape"))
    if not patterns or len(patterns) != 1 or glob.has_magic(patterns[0]):
        return None  # any character glob.escape() had to escape counts: never guessed
    path = expander.absolute(patterns[0])
    if "\0" in path or path.startswith(("/dev/", "/proc/", "/sys/")):
        return None
    return path


def assigned_line(shell: Shell, data: bytes, name: str, value: str) -> int | None:
    """The line (1-based) of the last assignment of `name` in a data file, when it gives
    exactly `value` as written (no expansion in it); None otherwise."""
    lines = data.splitlines(keepends=True)
    encoded = name.encode()
    last: tuple[int, str | None] | None = None
    for index, info in enumerate(shell.scan(lines)):
        if encoded not in lines[index]:
            continue
        verdict = shell.classify(info, name)
        if verdict == "none":
            continue
        word = shell.assigned_value(lines[index].rstrip(b"\r\n"), name)
        given = None if word is None or word.dynamic else word.value
        last = (index + 1, given) if word is not None or verdict == "unsafe" else last
    if last is None or last[1] != value:
        return None
    return last[0]


__all__ = ["Loader", "LoaderKind", "assigned_line", "data_path", "is_pipe", "loaders"]
