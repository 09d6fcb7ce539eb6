"""Redaction takes time linear in the length of the text: a megabyte line is ordinary.

Each case runs in a child process; the timeout is a hang guard (a quadratic redactor took
about 40 s for an 80 KB line and never finished a megabyte), not a timing assertion. A
megabyte is enough to tell: at that length a quadratic redactor needs about 6,000 s, and one
of n^1.5 about 1,800 s, against the 60 s guard. (The cases were 1 MB until the suite had to
fit in 4 minutes: three quarters of this file's 43 s went to redacting the extra 3 MB.)
"""

from __future__ import annotations

import pytest

from tests.support.guarded import run_python

MB = 1_000_000

# Expressions evaluated in the child, each about 1 MB on one line (or many short ones).
CASES = {
    "1 MB of A with :// and = mixed in": (
        "'A' * (MB // 4) + '://' + 'A' * (MB // 4) + '=' + 'A' * (MB // 4) + '://u:'"
        " + 'A' * (MB // 4) + '=:// x'"
    ),
    "a long base64 blob": "'export X=' + 'QUJD' * (MB // 4)",
    "a:// repeated": "'a://' * (MB // 4)",
    "://user:password@ repeated": "'x://u:p@' * (MB // 8)",
    "=:// repeated": "'A=://' * (MB // 5)",
    "a secret's value 1 MB long": "'export GITHUB_TOKEN=' + 'A' * MB",
    "many assignments on one line": "'X=1 ' * (MB // 4)",
    "many secret assignments on one line": "'GITHUB_TOKEN=x ' * (MB // 15)",
    "quotes": "'\"' * MB",
    "JSON members": '\'"api_key":"\' * (MB // 11)',
    "escaped JSON members": '\'\\\\"api_key\\\\":\\\\"x\\\\",\' * (MB // 20)',
    "backslashes": "'\\\\' * MB",
    "fish set": "'set -gx ' * (MB // 8)",
    "parentheses after a secret": "'KEY=' + '(' * MB",
    "a quote left open on each line": "'KEY=\"\\n' * (MB // 6)",
    "a commented-out block": "'# KEY=\\'a\\n' + '#x\\n' * (MB // 3)",
    "terminal escapes": "'\\x1b[' * (MB // 2)",
    # secrets by their shape (issue 22, item 7)
    "Bearer repeated": "'Bearer ' * (MB // 7)",
    "bearer and 1 MB of blanks": "'bearer' + ' ' * MB + 'x'",
    "Basic and a 1 MB credential": "'Basic ' + 'A' * MB",
    "Basic and a word, repeated": "'Basic a ' * (MB // 8)",
    "sk-ant- repeated": "'sk-ant-' * (MB // 7)",
    "sk-ant- and a 1 MB key": "'sk-ant-' + 'a' * MB",
    "AKIA repeated": "'AKIA' * (MB // 4)",
    "AKIA and 1 MB of capitals": "'AKIA' + 'A' * MB",
    "a 1 MB header name": "'x-' * (MB // 2) + ': v'",
    "header names and blanks": "'a-b  ' * (MB // 5)",
    "credential-like headers": "'x-api-key: a\\n' * (MB // 13)",
    "a header list": "'a=1,' * (MB // 4)",
    "${ repeated": "'${' * (MB // 2)",
    "${NAME without an operator": "'${A_TOKEN' * (MB // 9)",
    "secret defaults": "'${A_TOKEN:-' * (MB // 11)",
    "URLs with userinfo in one word": "'http://u@' * (MB // 9)",
    "a 1 MB dotted authority": "'x://' + 'a.' * (MB // 2) + ':@'",
    "links with @ in their path": "'https://a.b/@' * (MB // 13)",
    "a URL and 1 MB of @": "'x://' + '@' * MB",
    "a URL and 1 MB without a blank": "'http://' + 'a' * MB + '@'",
}

CHILD = """
import sys
from remedies.redact import printable, redact_text
MB = {mb4}
text = {expression}
assert len(text) >= MB // 2, len(text)
out = redact_text(text)
assert out.count("\\n") == text.count("\\n")
if {printable}:
    printable(text)
print("ok", len(text))
"""


@pytest.mark.slow
@pytest.mark.parametrize("expression", list(CASES.values()), ids=list(CASES))
def test_a_megabyte_line_is_redacted_in_linear_time(expression: str) -> None:
    terminal = expression == CASES["terminal escapes"] or expression == CASES["a:// repeated"]
    done = run_python(CHILD.format(mb4=MB, expression=expression, printable=terminal))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok")
