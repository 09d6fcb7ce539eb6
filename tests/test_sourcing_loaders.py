"""shells.sourcing.loaders: which data files a loader line reads (from its words alone), and
the trace's pipes (`source <(...)`) named at the line that sourced them. No real shell here:
the traces are samples measured with bash 5.2.15 (not root) and zsh 5.9."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shells import shell_named
from shells.base import MARK, Where
from shells.sourcing import assignments, parse_trace, sourced_files
from shells.sourcing.loaders import (
    Loader,
    LoaderKind,
    assigned_line,
    data_path,
    is_pipe,
    loaders,
)

EXPORT, SOURCE, EVAL = LoaderKind.EXPORT, LoaderKind.SOURCE, LoaderKind.EVAL


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("export $(grep -v '^#' ~/.config/claude.env | xargs)", [(EXPORT, "~/.config/claude.env")]),
        ("export $(cat .env | grep -v '#' | xargs -d '\\n')", [(EXPORT, ".env")]),
        ("export $(xargs < ~/.env)", [(EXPORT, "~/.env")]),
        ("export $(< ~/.config/flags.env)", [(EXPORT, "~/.config/flags.env")]),
        ("export $(sed 's/#.*//' \"$HOME/.env\" | xargs)", [(EXPORT, '"$HOME/.env"')]),
        (
            "[ -f ~/.env ] && export $(grep -v '^#' ~/.env 2>/dev/null | xargs)",
            [(EXPORT, "~/.env")],
        ),
        ("source <(cat ~/.secrets)", [(SOURCE, "~/.secrets")]),
        (". <(sed 's/^/export /' ~/.env)", [(SOURCE, "~/.env")]),
        ("set -a; source <(cat a b); set +a", [(SOURCE, "a"), (SOURCE, "b")]),
        ('eval "$(cat ~/.config/aws.sh)"', [(EVAL, "~/.config/aws.sh")]),
        ("eval $(grep -e AWS_ -- ~/.aws.env)", [(EVAL, "~/.aws.env")]),
        ('eval "$(< ~/.env)"', [(EVAL, "~/.env")]),
        ("if true; then export $(cat ~/.e | xargs); fi # x", [(EXPORT, "~/.e")]),
    ],
)
def test_loader_forms(line: str, found: list[tuple[LoaderKind, str]]) -> None:
    got = [(loader.kind, f) for loader in loaders(line) for f in loader.files]
    assert got == found


@pytest.mark.parametrize(
    "line",
    [
        "export CLAUDE_CODE_USE_BEDROCK=1",
        "export FOO=$(cat ~/.x)",  # one variable, computed: the line itself is the source
        "export $(curl -s https://example.com/env | xargs)",  # not a filter of files
        'eval "$(ssh-agent -s)"',
        'eval "$(direnv hook zsh)"',
        "export $(cat ~/.env | xargs sh -c 'echo x')",  # xargs running something
        "eval $(cat $(ls ~/.envs))",  # the file's name is computed
        "source ~/.secrets",  # a plain source: the walk follows it
        "export $(cat ~/.env; echo A=1)",  # more than a pipeline
        "export $((1 + 2))",
        "echo 'export $(cat ~/.env | xargs)'",
        "# export $(cat ~/.env | xargs)",
    ],
)
def test_not_loaders(line: str) -> None:
    assert loaders(line) == []


def test_grep_and_sed_programs_are_not_files() -> None:
    # The pattern or script is the first operand unless an option gives it.
    assert loaders("export $(grep AWS ~/.env | xargs)") == [Loader(EXPORT, ("~/.env",))]
    assert loaders("export $(grep -e AWS -f pats ~/.env | xargs)") == [Loader(EXPORT, ("~/.env",))]
    assert loaders("export $(sed -n -e 's/a/b/p' ~/.env | xargs)") == [Loader(EXPORT, ("~/.env",))]
    assert loaders("export $(cat a | xargs -a ~/.more)") == [Loader(EXPORT, ("a", "~/.more"))]


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300))
@example("export $(")
@example('eval "$(cat "$(')
@example("source <(cat <(cat <(")
@example("export $(grep -e")
@example("export $(cat ${HOME")
def test_never_raises_and_names_only_what_is_written(line: str) -> None:
    for loader in loaders(line):
        assert loader.files
        for word in loader.files:
            assert word and word in line


_LOADERISH = st.lists(
    st.sampled_from(
        [
            "export ",
            "eval ",
            "source ",
            ". ",
            "$(",
            "<(",
            ")",
            '"',
            "'",
            "|",
            " ",
            ";",
            "cat ",
            "grep ",
            "-v ",
            "'^#' ",
            "sed ",
            "xargs",
            "<",
            "~/.env",
            "$HOME/x",
            "`",
            "\\",
            "&&",
            "#",
            "-e ",
            "--",
            "\n",
            "${",
            "}",
            "2>",
            "/dev/null",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_LOADERISH)
def test_loaderish_text_never_raises_nor_invents_a_path(line: str) -> None:
    for loader in loaders(line):
        for word in loader.files:
            assert word and word in line


def test_assigned_line_confirms_the_value() -> None:
    bash = shell_named("bash")
    assert bash is not None
    data = b"# c\nA=1\nexport B='two words'\nA=2 # later\nC=$(date)\n"
    assert assigned_line(bash, data, "A", "2") == 4  # the last one, with its value
    assert assigned_line(bash, data, "A", "1") is None  # not what the shell ended with
    assert assigned_line(bash, data, "B", "two words") == 3
    assert assigned_line(bash, data, "C", "$(date)") is None  # computed: not confirmed
    assert assigned_line(bash, data, "D", "1") is None
    assert assigned_line(bash, b"#A=1\n", "A", "1") is None


def test_data_path_expands_only_what_reading_can(tmp_path: Path) -> None:
    zsh = shell_named("zsh")
    assert zsh is not None
    where = Where(tmp_path, {})
    assert data_path(zsh, "~/.config/claude.env", where) == f"{tmp_path}/.config/claude.env"
    assert data_path(zsh, '"$HOME/.env"', where) == f"{tmp_path}/.env"
    assert data_path(zsh, ".env", where) == f"{tmp_path}/.env"  # a new shell starts in HOME
    assert data_path(zsh, "$SOMEWHERE/.env", where) is None
    assert data_path(zsh, "~/.env*", where) is None
    assert data_path(zsh, "/dev/stdin", where) is None
    assert data_path(zsh, "/proc/self/fd/0", where) is None


def test_is_pipe() -> None:
    for path in ("/dev/fd/63", "/proc/self/fd/12", "/proc/4242/fd/3", "/dev/stdin"):
        assert is_pipe(path)
    for path in ("/home/u/.secrets", "/dev/fd", "/proc/self/fd/x", "/tmp/dev/fd/63"):
        assert not is_pipe(path)


# --- the trace: a pipe is named at the line that sourced it ----------------------------------

M = MARK
# Measured: `source <(cat ~/.secrets)` on line 3 of ~/.bashrc, bash 5.2.15 run by a user.
BASH_PIPE = (
    f"+{M}/h/.bashrc{M}3{M} source /dev/fd/63\n"
    f"++{M}/h/.bashrc{M}3{M} cat /h/.secrets\n"
    f"++{M}/dev/fd/63{M}1{M} X=1\n"
    f"++{M}/dev/fd/63{M}2{M} export ANTHROPIC_MODEL=claude-opus-4-7\n"
    f"+{M}/h/.bashrc{M}5{M} source /dev/fd/63\n"
    f"++{M}/dev/fd/63{M}1{M} export AWS_REGION=eu-west-1\n"
).encode()
# The same in zsh 5.9, which traces the pipe as /proc/self/fd/N.
ZSH_PIPE = (
    f"+{M}/h/.zshrc{M}3{M} source /proc/self/fd/12\n"
    f"+{M}/h/.zshrc{M}3{M} cat /h/.secrets\n"
    f"+{M}/proc/self/fd/12{M}1{M} X=1 \n"
    f"+{M}/proc/self/fd/12{M}2{M} export ANTHROPIC_MODEL=claude-opus-4-7\n"
).encode()


def test_bash_pipe_assignments_name_the_sourcing_line() -> None:
    lines = parse_trace(BASH_PIPE, relevant_only=True)
    assert assignments(lines, ["ANTHROPIC_MODEL", "AWS_REGION"]) == [
        ("/h/.bashrc", 3, "ANTHROPIC_MODEL"),
        ("/h/.bashrc", 5, "AWS_REGION"),  # the descriptor's number is used again
    ]
    assert sourced_files(lines) == []  # a pipe is no file to read


def test_zsh_pipe_assignments_name_the_sourcing_line() -> None:
    lines = parse_trace(ZSH_PIPE, relevant_only=True)
    assert assignments(lines, ["ANTHROPIC_MODEL"]) == [("/h/.zshrc", 3, "ANTHROPIC_MODEL")]
    assert sourced_files(lines) == []


def test_a_pipe_no_line_sourced_is_never_named() -> None:
    trace = f"+{M}/dev/fd/63{M}1{M} export ANTHROPIC_MODEL=x\n".encode()
    assert assignments(parse_trace(trace), ["ANTHROPIC_MODEL"]) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_data_path_never_raises(word: str) -> None:
    zsh = shell_named("zsh")
    assert zsh is not None
    path = data_path(zsh, word, Where(Path("/h"), {}))
    assert path is None or path.startswith("/")
