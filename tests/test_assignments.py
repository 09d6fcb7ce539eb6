"""Recognising a user's own assignment of a variable: simple (we disable it), unsafe (we refuse
and name the line), or none (not an assignment at all)."""

from __future__ import annotations

import pytest

from remedies.engine.blocks import split_lines
from shells import shell_named

NAME = "CLAUDE_CODE_USE_BEDROCK"


def verdicts(shell_name: str, text: str) -> list[str]:
    shell = shell_named(shell_name)
    assert shell is not None
    lines = split_lines(text.encode())
    return [shell.classify(info, NAME) for info in shell.scan(lines)]


@pytest.mark.parametrize(
    "line",
    [
        "export CLAUDE_CODE_USE_BEDROCK=1",
        "  export CLAUDE_CODE_USE_BEDROCK='1'  # work laptop",
        'CLAUDE_CODE_USE_BEDROCK="1"; export CLAUDE_CODE_USE_BEDROCK',
        "CLAUDE_CODE_USE_BEDROCK=1",
        "declare -x CLAUDE_CODE_USE_BEDROCK=1",
        "declare -gx CLAUDE_CODE_USE_BEDROCK=true",
        "typeset -x CLAUDE_CODE_USE_BEDROCK=1",
        "export CLAUDE_CODE_USE_BEDROCK=$(cat ~/.flag)",
        "export CLAUDE_CODE_USE_BEDROCK=${FLAG:-1}",
        "export CLAUDE_CODE_USE_BEDROCK=`cat ~/.flag`",
        "export CLAUDE_CODE_USE_BEDROCK=",
        "export CLAUDE_CODE_USE_BEDROCK=1;",
        "export CLAUDE_CODE_USE_BEDROCK=1\r",
    ],
)
@pytest.mark.parametrize("shell", ["bash", "zsh", "sh", "ksh"])
def test_posix_simple_assignments(shell: str, line: str) -> None:
    assert verdicts(shell, line + "\n") == ["simple"]


@pytest.mark.parametrize(
    "line",
    [
        "export PATH=$PATH:/opt/bin; export CLAUDE_CODE_USE_BEDROCK=1",
        "[ -f ~/.work ] && export CLAUDE_CODE_USE_BEDROCK=1",
        "export A=1 CLAUDE_CODE_USE_BEDROCK=1",
        "CLAUDE_CODE_USE_BEDROCK=1 claude",
        "cc() { CLAUDE_CODE_USE_BEDROCK=1 claude; }",
        "export CLAUDE_CODE_USE_BEDROCK=1 \\",
    ],
)
def test_posix_unsafe_lines(line: str) -> None:
    assert verdicts("bash", line + "\n")[0] == "unsafe"


@pytest.mark.parametrize(
    "line",
    [
        "# export CLAUDE_CODE_USE_BEDROCK=1",
        "echo 'export CLAUDE_CODE_USE_BEDROCK=1'",
        'echo "CLAUDE_CODE_USE_BEDROCK=1"',
        "unset CLAUDE_CODE_USE_BEDROCK",
        "export CLAUDE_CODE_USE_BEDROCK",
        "echo $CLAUDE_CODE_USE_BEDROCK",
        "export MY_CLAUDE_CODE_USE_BEDROCK=1",
        "alias cc='CLAUDE_CODE_USE_BEDROCK=1 claude'",
        "test $CLAUDE_CODE_USE_BEDROCK=1",
        ": # disabled by remedy mantle: export CLAUDE_CODE_USE_BEDROCK=1",
    ],
)
def test_posix_lines_that_do_not_assign(line: str) -> None:
    assert verdicts("bash", line + "\n") == ["none"]


def test_heredoc_bodies_are_text() -> None:
    text = (
        "cat > ~/x <<'EOF'\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\n"
        "EOF\n"
        "cat <<-END >> y\n"
        "\texport CLAUDE_CODE_USE_BEDROCK=1\n"
        "\tEND\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\n"
    )
    assert verdicts("bash", text) == ["none"] * 6 + ["simple"]


def test_here_strings_are_not_heredocs() -> None:
    assert verdicts("bash", "cat <<< x\nexport CLAUDE_CODE_USE_BEDROCK=1\n") == ["none", "simple"]


def test_text_inside_a_multiline_quote_is_data() -> None:
    text = "X='\nexport CLAUDE_CODE_USE_BEDROCK=1\n'\nexport CLAUDE_CODE_USE_BEDROCK=1\n"
    assert verdicts("bash", text) == ["none", "none", "none", "simple"]


def test_an_assignment_that_opens_a_multiline_quote_is_unsafe() -> None:
    text = "export CLAUDE_CODE_USE_BEDROCK='1\n'\n"
    assert verdicts("bash", text) == ["unsafe", "none"]


def test_a_line_continued_from_the_previous_is_unsafe() -> None:
    text = "export A=1 \\\n  CLAUDE_CODE_USE_BEDROCK=1\n"
    assert verdicts("bash", text) == ["none", "unsafe"]


def test_assignment_inside_if_is_simple() -> None:
    text = 'if [ -n "$WORK" ]; then\n  export CLAUDE_CODE_USE_BEDROCK=1\nfi\n'
    assert verdicts("bash", text) == ["none", "simple", "none"]


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        ("set -gx CLAUDE_CODE_USE_BEDROCK 1", "simple"),
        ("set -x CLAUDE_CODE_USE_BEDROCK 1", "simple"),
        ("set -Ux CLAUDE_CODE_USE_BEDROCK 1", "simple"),
        ("set --global --export CLAUDE_CODE_USE_BEDROCK '1'", "simple"),
        ("set CLAUDE_CODE_USE_BEDROCK 1  # keep", "simple"),
        ("export CLAUDE_CODE_USE_BEDROCK=1", "simple"),
        ("set -e CLAUDE_CODE_USE_BEDROCK", "none"),
        ("set -q CLAUDE_CODE_USE_BEDROCK", "none"),
        ("set --erase CLAUDE_CODE_USE_BEDROCK", "none"),
        ("# set -gx CLAUDE_CODE_USE_BEDROCK 1", "none"),
        ("set -gx PATH $PATH; set -gx CLAUDE_CODE_USE_BEDROCK 1", "unsafe"),
        ("test -f ~/.w; and set -gx CLAUDE_CODE_USE_BEDROCK 1", "unsafe"),
        ("echo 'set -gx CLAUDE_CODE_USE_BEDROCK 1'", "none"),
    ],
)
def test_fish(line: str, verdict: str) -> None:
    assert verdicts("fish", line + "\n") == [verdict]


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        ("setenv CLAUDE_CODE_USE_BEDROCK 1", "simple"),
        ("  setenv CLAUDE_CODE_USE_BEDROCK '1' # work", "simple"),
        ("setenv CLAUDE_CODE_USE_BEDROCK", "simple"),
        ("unsetenv CLAUDE_CODE_USE_BEDROCK", "none"),
        ("# setenv CLAUDE_CODE_USE_BEDROCK 1", "none"),
        ("setenv A 1; setenv CLAUDE_CODE_USE_BEDROCK 1", "unsafe"),
        ("if ($?WORK) setenv CLAUDE_CODE_USE_BEDROCK 1", "unsafe"),
        ("setenv CLAUDE_CODE_USE_BEDROCKS 1", "none"),
    ],
)
def test_tcsh(line: str, verdict: str) -> None:
    assert verdicts("tcsh", line + "\n") == [verdict]


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        ("$env:CLAUDE_CODE_USE_BEDROCK = '1'", "simple"),
        ('$Env:CLAUDE_CODE_USE_BEDROCK="1"', "simple"),
        ("${env:CLAUDE_CODE_USE_BEDROCK} = 1", "simple"),
        ("Set-Item -Path Env:CLAUDE_CODE_USE_BEDROCK -Value 1", "unsafe"),
        ("[Environment]::SetEnvironmentVariable('CLAUDE_CODE_USE_BEDROCK', '1')", "unsafe"),
        ("if ($x) { $env:CLAUDE_CODE_USE_BEDROCK = '1' }", "unsafe"),
        ("# $env:CLAUDE_CODE_USE_BEDROCK = '1'", "none"),
        ("Remove-Item Env:CLAUDE_CODE_USE_BEDROCK", "none"),
        ("if ($env:CLAUDE_CODE_USE_BEDROCK -eq '1') { }", "none"),
    ],
)
def test_powershell(line: str, verdict: str) -> None:
    assert verdicts("pwsh", line + "\n") == [verdict]


def test_powershell_here_strings_and_block_comments_are_text() -> None:
    text = (
        "$s = @'\n$env:CLAUDE_CODE_USE_BEDROCK = '1'\n'@\n"
        "<#\n$env:CLAUDE_CODE_USE_BEDROCK = '1'\n#>\n"
        "$env:CLAUDE_CODE_USE_BEDROCK = '1'\n"
    )
    assert verdicts("pwsh", text) == ["none"] * 6 + ["simple"]


@pytest.mark.parametrize("shell", ["bash", "fish"])
@pytest.mark.parametrize("joiner", ["&&", "||", "|"])
def test_a_line_after_a_trailing_operator_is_unsafe(shell: str, joiner: str) -> None:
    assign = (
        "export CLAUDE_CODE_USE_BEDROCK=1"
        if shell == "bash"
        else "set -gx CLAUDE_CODE_USE_BEDROCK 1"
    )
    assert verdicts(shell, f"true {joiner}\n{assign}\n") == ["none", "unsafe"]
