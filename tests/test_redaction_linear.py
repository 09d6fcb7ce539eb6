"""Redaction takes time linear in the length of the text: a multi-megabyte line is ordinary.

Each case runs in a child process; the timeout is a hang guard (a quadratic redactor took
about 40 s for an 80 KB line and never finished a megabyte), not a timing assertion.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

MB4 = 4_000_000

# Expressions evaluated in the child, each about 4 MB on one line (or many short ones).
CASES = {
    "4 MB of A with :// and = mixed in": (
        "'A' * (MB4 // 4) + '://' + 'A' * (MB4 // 4) + '=' + 'A' * (MB4 // 4) + '://u:'"
        " + 'A' * (MB4 // 4) + '=:// x'"
    ),
    "a long base64 blob": "'export X=' + 'QUJD' * (MB4 // 4)",
    "a:// repeated": "'a://' * (MB4 // 4)",
    "://user:password@ repeated": "'x://u:p@' * (MB4 // 8)",
    "=:// repeated": "'A=://' * (MB4 // 5)",
    "a secret's value 4 MB long": "'export GITHUB_TOKEN=' + 'A' * MB4",
    "many assignments on one line": "'X=1 ' * (MB4 // 4)",
    "many secret assignments on one line": "'GITHUB_TOKEN=x ' * (MB4 // 15)",
    "quotes": "'\"' * MB4",
    "JSON members": '\'"api_key":"\' * (MB4 // 11)',
    "escaped JSON members": '\'\\\\"api_key\\\\":\\\\"x\\\\",\' * (MB4 // 20)',
    "backslashes": "'\\\\' * MB4",
    "fish set": "'set -gx ' * (MB4 // 8)",
    "parentheses after a secret": "'KEY=' + '(' * MB4",
    "a quote left open on each line": "'KEY=\"\\n' * (MB4 // 6)",
    "a commented-out block": "'# KEY=\\'a\\n' + '#x\\n' * (MB4 // 3)",
    "terminal escapes": "'\\x1b[' * (MB4 // 2)",
}

CHILD = """
import sys
from remedies.redact import printable, redact_text
MB4 = {mb4}
text = {expression}
assert len(text) >= MB4 // 2, len(text)
out = redact_text(text)
assert out.count("\\n") == text.count("\\n")
if {printable}:
    printable(text)
print("ok", len(text))
"""


@pytest.mark.parametrize("expression", list(CASES.values()), ids=list(CASES))
def test_a_multi_megabyte_line_is_redacted_in_linear_time(expression: str) -> None:
    terminal = expression == CASES["terminal escapes"] or expression == CASES["a:// repeated"]
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(mb4=MB4, expression=expression, printable=terminal)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok")
