"""Redaction takes time linear in the length of the text: a multi-megabyte line is ordinary.

Each case runs in a child process; the timeout is a hang guard (a quadratic redactor took
about 40 s for an 80 KB line and never finished a megabyte), not a timing assertion.
"""

from __future__ import annotations

import pytest

from tests.support.guarded import run_python

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
    # secrets by their shape (issue 22, item 7)
    "Bearer repeated": "'Bearer ' * (MB4 // 7)",
    "bearer and 4 MB of blanks": "'bearer' + ' ' * MB4 + 'x'",
    "Basic and a 4 MB credential": "'Basic ' + 'A' * MB4",
    "Basic and a word, repeated": "'Basic a ' * (MB4 // 8)",
    "sk-ant- repeated": "'sk-ant-' * (MB4 // 7)",
    "sk-ant- and a 4 MB key": "'sk-ant-' + 'a' * MB4",
    "AKIA repeated": "'AKIA' * (MB4 // 4)",
    "AKIA and 4 MB of capitals": "'AKIA' + 'A' * MB4",
    "a 4 MB header name": "'x-' * (MB4 // 2) + ': v'",
    "header names and blanks": "'a-b  ' * (MB4 // 5)",
    "credential-like headers": "'x-api-key: a\\n' * (MB4 // 13)",
    "a header list": "'a=1,' * (MB4 // 4)",
    "${ repeated": "'${' * (MB4 // 2)",
    "${NAME without an operator": "'${A_TOKEN' * (MB4 // 9)",
    "secret defaults": "'${A_TOKEN:-' * (MB4 // 11)",
    "URLs with userinfo in one word": "'http://u@' * (MB4 // 9)",
    "a 4 MB dotted authority": "'x://' + 'a.' * (MB4 // 2) + ':@'",
    "links with @ in their path": "'https://a.b/@' * (MB4 // 13)",
    "a URL and 4 MB of @": "'x://' + '@' * MB4",
    "a URL and 4 MB without a blank": "'http://' + 'a' * MB4 + '@'",
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


@pytest.mark.slow
@pytest.mark.parametrize("expression", list(CASES.values()), ids=list(CASES))
def test_a_multi_megabyte_line_is_redacted_in_linear_time(expression: str) -> None:
    terminal = expression == CASES["terminal escapes"] or expression == CASES["a:// repeated"]
    done = run_python(CHILD.format(mb4=MB4, expression=expression, printable=terminal))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok")
