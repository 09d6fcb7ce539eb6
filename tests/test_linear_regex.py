"""The regexes of remedy files: linear time, and exactly Python's `re.search` on the subset.

Patterns of the subset are generated from its grammar (hypothesis), with values over an
alphabet chosen where Python's answers are subtle: a final newline (`$`), `²` (a digit to
str.isdigit but not to `\\d`, which is str.isdecimal), `٣` (an Arabic-Indic digit), `Ⅻ`
(alphanumeric), a combining accent (not), `\\x1c` and U+2028 (white space to Python), and a
lone surrogate (how os.environ holds a byte that is not UTF-8).
"""

from __future__ import annotations

import json
import re
import subprocess
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remedies.catalog import linear_regex
from remedies.catalog.linear_regex import MAX_SIZE, MAX_TEXT, Unsupported, check, search
from tests.conftest import REPO, Sandbox
from tests.support import figures
from tests.support.guarded import run_python

VALUE_CHARS = "ab-_1 é\n\tA٣²Ⅻ\u0300\x1c\u2028.[\udc80"
SPECIAL = "\\.^$*+?{}[]()|"


def _outside(char: str) -> str:
    return "\\" + char if char in SPECIAL else char


def _inside(char: str) -> str:
    return "\\" + char if char in "\\]-[^&~|" else char


_chars = st.sampled_from("ab-_1 é\n٣.[{")
_literal = _chars.map(_outside)
_escape = st.sampled_from(["\\n", "\\t", "\\x61", "\\u00e9", "\\x0a", "\\-", "\\ ", "\\/"])
_category = st.sampled_from(["\\d", "\\D", "\\w", "\\W", "\\s", "\\S"])
_anchor = st.sampled_from(["^", "$", "\\A", "\\Z"])
_range = st.tuples(_chars, _chars).map(lambda t: "-".join(_inside(c) for c in sorted(t)))
_items = st.lists(st.one_of(_chars.map(_inside), _range, _category), min_size=1, max_size=3)
_class = st.builds(
    lambda negated, items, dash: "[" + "^" * negated + dash[0] + "".join(items) + dash[1] + "]",
    st.booleans(),
    _items,
    st.sampled_from([("", ""), ("-", ""), ("", "-")]),  # a bare - first or last is a literal
)
_leaf = st.one_of(_literal, _escape, st.just("."), _class, _category, _anchor, st.just(""))
_quantifier = st.builds(
    lambda q, lazy: q + "?" * lazy,
    st.sampled_from(["*", "+", "?", "{0}", "{1}", "{2}", "{0,}", "{2,}", "{0,1}", "{1,3}"]),
    st.booleans(),
)


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(inner, min_size=2, max_size=3).map("".join),
        st.lists(inner, min_size=2, max_size=3).map("|".join),
        st.builds(lambda x, capture: ("(" if capture else "(?:") + x + ")", inner, st.booleans()),
        # Wrapped first: a quantifier on a quantifier or an anchor is not a pattern.
        # Twice: quantifiers are what the automaton is about.
        st.builds(lambda x, q: f"(?:{x}){q}", inner, _quantifier),
        st.builds(lambda x, q: f"(?:{x}){q}", inner, _quantifier),
    )


# Anchored at either end more often than chance would: unanchored, `x*` and `x?` say alike.
PATTERNS = st.builds(
    lambda ends, inner: ends[0] + inner + ends[1],
    st.sampled_from([("", ""), ("^", ""), ("", "$"), ("^(?:", ")$"), ("\\A(?:", ")\\Z")]),
    st.recursive(_leaf, _extend, max_leaves=8),
)
# Few characters often (runs of them reach the counts), all the subtle ones as often.
VALUES = st.lists(
    st.one_of(
        st.text("ab\n", max_size=10),
        st.text("a1²٣_ \u2028\x1c", max_size=10),
        st.text(VALUE_CHARS, max_size=10),
    ),
    min_size=1,
    max_size=8,
)


def python_says(pattern: str, value: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a FutureWarning: outside the subset
        return re.search(pattern, value) is not None


@pytest.mark.slow
@settings(max_examples=2000, deadline=None)
@given(PATTERNS, VALUES)
def test_the_subset_answers_as_python_re_search(pattern: str, values: list[str]) -> None:
    check(pattern)
    for value in values:
        assert search(pattern, value) == python_says(pattern, value), (pattern, value)


ON_OTHER_PYTHON = """
import importlib.util, json, re, sys, warnings
spec = importlib.util.spec_from_file_location("linear_regex", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
differ = []
for pattern, values in json.load(sys.stdin):
    module.check(pattern)
    for value in values:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            said = re.search(pattern, value) is not None
        if module.search(pattern, value) != said:
            differ.append([pattern, value, said])
print(json.dumps(differ))
"""


@pytest.mark.parametrize("version", ["3.9", "3.13"])
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(cases=st.lists(st.tuples(PATTERNS, VALUES), min_size=60, max_size=60))
def test_the_same_answers_on_the_oldest_and_newest_python(
    version: str, cases: list[tuple[str, list[str]]]
) -> None:
    """Each Python's own re and Unicode tables: the zipapp runs on 3.9 (the module imports
    only the standard library, so the child loads it alone)."""
    from tests.test_zipapp_pythons import python_at

    done = subprocess.run(
        [python_at(version), "-c", ON_OTHER_PYTHON, linear_regex.__file__],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == []


@pytest.mark.slow
@settings(max_examples=1500, deadline=None)
@given(st.text("ab()[]{}|*+?^$.\\-,:0123dDwsSAZbxu^", max_size=12), VALUES)
def test_what_the_subset_accepts_python_reads_the_same(pattern: str, values: list[str]) -> None:
    """Any text at all: what we accept, Python accepts without a warning and answers alike."""
    try:
        check(pattern)
    except Unsupported:
        return
    for value in values:
        assert search(pattern, value) == python_says(pattern, value), (pattern, value)


@pytest.mark.parametrize(
    ("pattern", "said"),
    [
        ("(a)\\1", "position 3: \\1: backreferences"),
        ("(?P<m>a)(?P=m)", "position 0: only (...) and (?:...) groups"),
        ("(?=a)", "lookarounds"),
        ("(?<!a)b", "lookarounds"),
        ("(?i)claude", "inline flags"),
        ("(?i:claude)", "inline flags"),
        ("(?(1)a|b)", "conditionals"),
        ("(?>a+)", "atomic groups"),
        ("(?#note)", "comments"),
        ("a*+", "multiple repeat"),
        ("a{2}{3}", "multiple repeat"),
        ("\\bword\\b", "word boundaries"),
        ("\\B", "word boundaries"),
        ("\\0", "octal"),
        ("\\N{DIGIT ONE}", "\\N is not supported"),
        ("\\U0001F600", "\\U is not supported"),
        ("a{,3}", "{,n} is written {0,n}"),
        ("a{x}", "a literal { is written \\{"),
        ("a}", "a literal } is written \\}"),
        ("a]", "a literal ] is written \\]"),
        ("[]a]", "a literal ] is written \\]"),
        ("[[a]", "a literal [ inside a class"),
        ("[a&&b]", "&& inside a class"),
        ("[a-c-e]", "a literal - is written \\-"),
        ("[\\d-z]", "bad character range"),
        ("[z-a]", "bad character range"),
        ("[\\A]", "no meaning inside a class"),
        ("^*", "nothing to repeat"),
        ("(a", "missing )"),
        ("a)", "unbalanced parenthesis"),
        ("a\\", "cannot end with \\"),
        ("\\x4", "exactly 2 hex digits"),
        ("a{501}", f"a count above {MAX_SIZE}"),
        ("[a-z]{1,63}" * 8, "504 characters and classes once each {m,n} is written out"),
        ("((a{20}){20}){20}", "8000 characters and classes"),
        ("((?:){500}){500}", "250000 characters and classes"),
        ("(" * 40 + ")" * 40, "groups nested more than 32 deep"),
        ("a" * 1001, "longer than 1000 characters"),
    ],
)
def test_what_is_not_of_the_subset_is_refused_in_one_line(pattern: str, said: str) -> None:
    with pytest.raises(Unsupported) as caught:
        check(pattern)
    assert said in str(caught.value), str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_value_longer_than_the_bound_never_matches() -> None:
    assert search("a", "a" * MAX_TEXT)
    assert not search("a", "a" * (MAX_TEXT + 1))


def test_every_catalogue_pattern_is_of_the_subset() -> None:
    from remedies.catalog.data_format import parse_spec

    folder = REPO / "remedies" / "catalog" / "data"
    patterns = []
    for path in sorted(folder.glob("*.toml")):
        spec = parse_spec(path.read_bytes(), str(path))
        patterns += [p for _, p in spec.when.matching]
        patterns += [o.pattern for o in spec.options if o.pattern]
    assert len(patterns) >= 5
    for pattern in patterns:
        check(pattern)


# The worst the bounds allow, each in a child with a hang guard (not a timing assertion):
# Python's re does not finish the first within the guard.
WORST = {
    "the issue's nested quantifiers": ("^(a+)+$", "'a' * 40 + 'b'"),
    "nested quantifiers, a value of the longest": ("^(a+)+$", f"'a' * {MAX_TEXT - 1} + 'b'"),
    "every position alive, the longest value": (
        f"^(?:(?:a|a?)+){{{MAX_SIZE // 3}}}$",
        f"'a' * {MAX_TEXT - 1} + 'b'",
    ),
    "a new state at every character": (
        f"[ab]*a[ab]{{{MAX_SIZE - 3}}}c",
        f"''.join('ab'[(i * 7919 >> 3) % 2] for i in range({MAX_TEXT}))",
    ),
    "a distinct character each time, every class": (
        f"x(?:[^y]|[^z]){{{MAX_SIZE // 2 - 1}}}w",
        f"''.join(chr(0x4E00 + i) for i in range({MAX_TEXT}))",
    ),
    "the longest pattern, all of it optional": ("a?" * MAX_SIZE, "'b' * 10"),
}

CHILD = """
import sys, time
from remedies.catalog.linear_regex import search
value = {value}
started = time.perf_counter()
found = search({pattern!r}, value)
print(found, round((time.perf_counter() - started) * 1000, 1), "ms (compile and search)")
"""


@pytest.mark.parametrize(("pattern", "value"), list(WORST.values()), ids=list(WORST))
def test_the_worst_the_bounds_allow_finishes(pattern: str, value: str) -> None:
    done = run_python(CHILD.format(pattern=pattern, value=value))
    assert done.returncode == 0, done.stderr[-2000:]
    print(pattern[:40], "->", done.stdout.strip())


def test_the_module_is_pure() -> None:
    """Text in, yes or no out: it imports nothing of remedy and nothing that reads a file."""
    source = Path(linear_regex.__file__).read_text()
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert imports == [
        "from __future__ import annotations",
        "import functools",
        "from bisect import bisect_right",
        "from typing import Optional, Union",
    ]


# --- through the command line: a remedy file's regexes -------------------------------------

NESTED = "^(a+)+$"  # the issue's: Python's re tries every way of cutting 40 a's into runs
HOSTILE = "a" * 40 + "b"

MATCHING = """\
name = "slow-model"
summary = "A model regex that backtracks"

[when]
matching = {{ ANTHROPIC_MODEL = "{pattern}" }}

[what]
unset = ["ANTHROPIC_MODEL"]
"""

OPTION = """\
name = "slow-option"
summary = "An option pattern that backtracks"

[options.model]
help = "a model"
pattern = "{pattern}"

[what]
set = {{ ANTHROPIC_MODEL = "{{model}}" }}
"""


def _user_file(sandbox: Sandbox, text: str) -> Path:
    return sandbox.write(".config/remedy/remedies/slow.toml", text)


@pytest.mark.real_shell
def test_doctor_finishes_with_nested_quantifiers_in_a_users_file(sandbox: Sandbox) -> None:
    """The issue's file: Python's re never finished this doctor (a minute's hang guard here;
    on the old code it was still running after it)."""
    _user_file(sandbox, MATCHING.format(pattern=NESTED))
    sandbox.write(".bashrc", f"export ANTHROPIC_MODEL={HOSTILE}\n")
    doctor = sandbox.remedy("doctor", "--shell", "bash", "--json", timeout=60)
    assert doctor.code == 0, doctor.stderr
    assert "slow-model" not in [p.get("remedy") for p in doctor.json()["problems"]]
    figures.add("regexes: hostile patterns matched in linear time or refused")
    # The same pattern still means what it says: 40 a's match.
    sandbox.write(".bashrc", f"export ANTHROPIC_MODEL={'a' * 40}\n")
    doctor = sandbox.remedy("doctor", "--shell", "bash", "--json", timeout=60)
    assert "slow-model" in [p.get("remedy") for p in doctor.json()["problems"]], doctor.stdout


@pytest.mark.real_shell
def test_an_option_pattern_with_nested_quantifiers_refuses_a_value_at_once(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    path = tmp_path / "slow.toml"
    path.write_text(OPTION.format(pattern=NESTED))
    applied = sandbox.remedy(
        "apply", str(path), "--model", HOSTILE, "--shell", "bash", "--dry-run", timeout=60
    )
    assert applied.code == 2, (applied.stdout, applied.stderr)
    lines = applied.stderr.strip().splitlines()
    assert len(lines) == 1 and f"--model {HOSTILE!r} is not a model" in lines[0], lines
    figures.add("regexes: hostile patterns matched in linear time or refused")
    longest = sandbox.remedy(
        "apply", str(path), "--model", "a" * (MAX_TEXT + 1), "--shell", "bash", "--dry-run"
    )
    assert longest.code == 2 and "longer than any model (at most 4096)" in longest.stderr
    assert "a" * 100 not in longest.stderr  # the value is not echoed back
    fine = sandbox.remedy("apply", str(path), "--model", "aaaa", "--shell", "bash", "--dry-run")
    assert fine.code == 0, fine.stderr


REFUSED = {
    "a backreference": ("(a)\\\\1", "\\1: backreferences"),
    "a lookahead": ("claude(?=-opus)", "lookarounds"),
    "an inline flag": ("(?i)^opus", "inline flags"),
    "a word boundary": ("\\\\bopus\\\\b", "word boundaries"),
    "a count too big": ("(a{100}){100}", "10000 characters and classes"),
}


@pytest.mark.parametrize(("pattern", "said"), list(REFUSED.values()), ids=list(REFUSED))
def test_what_is_outside_the_subset_is_refused_when_the_file_is_read(
    sandbox: Sandbox, tmp_path: Path, pattern: str, said: str
) -> None:
    """One line naming the file, its line and the key, exit 2: in a user's folder (doctor)
    and on the command line (apply). Python's re took each of these."""
    _user_file(sandbox, MATCHING.format(pattern=pattern))
    doctor = sandbox.remedy("doctor", "--shell", "bash", timeout=60)
    assert doctor.code == 2, (doctor.stdout, doctor.stderr)
    line = doctor.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, line
    assert "slow.toml:5: when.matching: ANTHROPIC_MODEL: not a regex of the subset" in line
    assert said in line, line
    path = tmp_path / "option.toml"
    path.write_text(OPTION.format(pattern=pattern))
    applied = sandbox.remedy("apply", str(path), "--model", "a", "--dry-run", timeout=60)
    assert applied.code == 2, (applied.stdout, applied.stderr)
    line = applied.stderr.strip()
    assert "\n" not in line and said in line, line
    assert "option.toml:6: options.pattern: model: not a regex of the subset" in line, line
    figures.add("regexes: hostile patterns matched in linear time or refused", 2)


def test_the_docs_and_the_format_state_the_bounds_the_code_has() -> None:
    from remedies.catalog import data_format
    from remedies.catalog.linear_regex import MAX_PATTERN

    # The page on remedy files (docs/remedy-files.md, "Regexes"; the README's until issue 26).
    page = " ".join((REPO / "docs" / "remedy-files.md").read_text().split())
    docstring = " ".join((data_format.__doc__ or "").split())
    for text in (page, docstring):
        assert f"over {MAX_PATTERN} characters" in text
        assert f"over {MAX_SIZE} characters and classes" in text
        assert f"over {MAX_TEXT} characters never matches" in text
