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
from dataclasses import dataclass, field
from enum import Enum

from shells.base import Family, Shell, Where
from shells.sourcing.expansion import Expander

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


# --- words and operators --------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    text: str
    word: bool
    start: int
    end: int


_OPS = ("&&", "||", ";;", "|&", ">>", "<<", "&>", ">&", "<&", ";", "&", "|", "<", ">", "(", ")")
_WORD_END = frozenset(" \t\r\n;&|<>()")


def _group(text: str, i: int) -> int:
    """The index after the `)` that closes the `(` at text[i] (the end of the text when none
    does), quotes inside taken as quotes."""
    depth = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        elif c in "'\"`\\":
            i = _past(text, i)
            continue
        i += 1
    return n


def _past(text: str, i: int) -> int:
    """The index after the piece of a word that starts at text[i]: a quoted string, an
    escape, a substitution, or one character. Always more than i."""
    n = len(text)
    c = text[i]
    if c == "\\":
        return min(i + 2, n)
    if c == "'":
        end = text.find("'", i + 1)
        return n if end < 0 else end + 1
    if c == "`":
        j = i + 1
        while j < n and text[j] != "`":
            j += 2 if text[j] == "\\" else 1
        return min(j + 1, n)
    if text.startswith("$'", i):
        j = i + 2
        while j < n and text[j] != "'":
            j += 2 if text[j] == "\\" else 1
        return min(j + 1, n)
    if c == '"':
        j = i + 1
        while j < n and text[j] != '"':
            if text[j] == "\\":
                j += 2
            elif text.startswith("$(", j):
                j = _group(text, j + 1)
            elif text[j] == "`":
                j = _past(text, j)
            else:
                j += 1
        return min(j + 1, n)
    if text.startswith(("$(", "<(", ">("), i):
        return _group(text, i + 1)
    if text.startswith("${", i):
        end = text.find("}", i + 2)
        return n if end < 0 else end + 1
    return i + 1


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in " \t\r":
            i += 1
            continue
        if c == "#":
            break  # a comment, to the end of the line
        if c == "\n":
            out.append(_Tok(";", False, i, i + 1))
            i += 1
            continue
        if not text.startswith(("<(", ">("), i):
            op = next((o for o in _OPS if text.startswith(o, i)), None)
            if op is not None:
                out.append(_Tok(op, False, i, i + len(op)))
                i += len(op)
                continue
        start = i
        i = _past(text, i)  # a word may start with `<(`
        while i < n and text[i] not in _WORD_END:
            i = _past(text, i)
        out.append(_Tok(text[start:i], True, start, i))
    return out


def _bare(word: str) -> str:
    """A word without its quoting, for comparing with a command or option name."""
    return word.replace("\\", "").replace("'", "").replace('"', "")


def _split(toks: list[_Tok], separators: frozenset[str]) -> list[list[_Tok]]:
    parts: list[list[_Tok]] = [[]]
    for tok in toks:
        if not tok.word and tok.text in separators:
            parts.append([])
        else:
            parts[-1].append(tok)
    return [p for p in parts if p]


@dataclass
class _Command:
    words: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)  # `< FILE`


def _command(toks: list[_Tok]) -> _Command | None:
    """Words and input redirections; None when an operator other than a redirection is in it."""
    found = _Command()
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.word:
            following = toks[i + 1] if i + 1 < len(toks) else None
            adjacent = following is not None and following.start == tok.end
            if tok.text.isdigit() and adjacent and following is not None and not following.word:
                i += 1  # `2>/dev/null`: the number is the redirection's
                continue
            found.words.append(tok.text)
            i += 1
            continue
        if tok.text not in ("<", ">", ">>", "&>", ">&", "<&"):
            return None
        target = toks[i + 1] if i + 1 < len(toks) and toks[i + 1].word else None
        if target is None:
            return None
        if tok.text == "<":
            found.inputs.append(target.text)
        i += 2
    return found


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
    rule = _FILTERS.get(_bare(words[0]))
    if rule is None:
        return None
    files: list[str] = []
    operands: list[str] = []
    program_given = False
    options_done = False
    i = 1
    while i < len(words):
        word = words[i]
        bare = _bare(word)
        i += 1
        if not options_done and bare == "--":
            options_done = True
            continue
        if not options_done and bare.startswith("-") and len(bare) > 1 and word == bare:
            given, value_index, value = _option(rule, word, i, words)
            program_given |= given
            if value_index is not None:
                i = value_index + 1
            if value is not None:
                files.append(value)
            continue
        if rule.runs is not None:
            if bare not in rule.runs:
                return None  # xargs running something else
            break
        operands.append(word)
    if rule.program and not program_given:
        operands = operands[1:]
    if rule.reads_operands:
        files += [o for o in operands if _bare(o) != "-"]
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
    toks = _tokens(text)
    if any(not t.word and t.text in (";", "&&", "||", "&", "(", ")", ";;", "|&") for t in toks):
        return ()
    stages = [_command(part) for part in _split(toks, frozenset({"|"}))]
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
    if _group(body, 1) != len(body):
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
    for part in _split(_tokens(line), separators):
        command = _command(part)
        if command is None:
            continue
        words = command.words
        while words and _bare(words[0]) in _PREFIXES | _WRAPPERS:
            words = words[1:]
        if len(words) < 2:
            continue
        name = _bare(words[0])
        args = [w for w in words[1:] if not _bare(w).startswith("-")]
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
