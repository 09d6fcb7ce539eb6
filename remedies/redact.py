"""Keeping secrets out of everything remedy prints.

A value is secret when its variable is named like one (a token, key, secret, password,
credential, authorization or cookie, or a list of headers: `*_HEADERS`), whatever the source.
Printed text that may quote a user's file (diffs, a shell's error message, a fleet report)
goes through `redact_text`, which masks the value of every secret-named assignment in the
syntaxes we read:

- sh, bash, zsh, ksh, dotenv: `NAME=value`, `NAME+=value`, several on a line
  (`export X=1 GITHUB_TOKEN=…`, `env A=1 B_TOKEN=… cmd`), values continued by a backslash
  or by a quote that spans lines; the operand of a parameter expansion that gives a
  secret-named variable a value (`: ${ANTHROPIC_API_KEY:=…}`, `${GITHUB_TOKEN:-…}`);
- fish `set -gx NAME value`, fish's universal variables `SETUVAR --export NAME:value`;
- csh `setenv NAME value`, `set NAME = value`; pwsh `$env:NAME = 'value'` (here-strings too);
- JSON and Python members `"name": "value"`, at any depth of escaping (JSON held in a JSON
  string: `\\"api_key\\":\\"…\\"`);
- HTTP headers and lists of them, `Name: value` and `name=value`, whose name is
  credential-like (`Authorization: …`, `x-api-key: …`, `Cookie: …`, `api-key=…,x-tenant=t`).

and, whatever the name, anything shaped like a secret:

- a URL's userinfo, user and password, whatever its characters (see `_url_spans` for how
  far it is taken to go): `http://TOKEN@proxy`, `http://user:pa/ss@proxy:3128`;
- the credential after `Bearer` or `Basic` (any case), unless it is a plain word
  (`Basic settings`, `the bearer of`);
- Anthropic keys (`sk-ant-…`) and AWS access key ids (`AKIA`/`ASIA` and 16 more).

An assignment's value is masked from its first character to the end of the line, and on
every line it continues onto, as far as the quotes and backslashes of its syntax say (more
is fine: nothing is lost by masking too much). A JSON value is masked inside its quotes.
Each masked piece of a line becomes `<redacted>`; newlines are kept, so a redacted text has
the lines of the original, one for one.

What is a shell's own (how far a value goes in its quotes, the command or prefix that marks
its assignments) is read from its Shell (`value_quoting`, `set_commands`, `name_prefix`):
a new shell brings its own. Text no shell's marks claim is read with the POSIX rules.

Everything here runs in time linear in the length of the text: each regular expression can
only start at the beginning of a run of the characters it consumes, and every scan resumes
where the last one ended. A megabyte-long line with no newline is an ordinary input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from shells import SHELLS
from shells.base import ValueQuoting

REDACTED = "set (redacted)"
_MASK = "<redacted>"
# Also a header's name (`x-api-key`, `Proxy-Authorization`, `Set-Cookie`) and a JSON key.
# HEADERS: ANTHROPIC_CUSTOM_HEADERS and OTEL_EXPORTER_OTLP_HEADERS carry `Authorization` and
# `api-key` headers. AUTH alone only as a whole word of a header's name (`x-auth: …`): as a
# part of a variable's name it is a switch (CLAUDE_CODE_SKIP_BEDROCK_AUTH=1), not a secret.
_SECRET_NAME = re.compile(
    r"(?i)(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|KEY|CREDENTIAL|AUTHORIZATION|COOKIE|HEADERS"
    r"|(?:^|-)AUTH(?:-|$))"
)
# A limit counted in tokens (CLAUDE_CODE_MAX_OUTPUT_TOKENS, MAX_THINKING_TOKENS) is a number,
# not a secret: hidden, doctor could not show it and verify's probe would drop it.
_TOKEN_COUNT = re.compile(r"(?i)MAX_(?:[A-Z]+_)*TOKENS\Z")


def is_secret(name: str) -> bool:
    return _SECRET_NAME.search(_TOKEN_COUNT.sub("", name)) is not None


def shown(name: str, value: str | None) -> str | None:
    """A variable's value as we may print it.

    A value that is not secret may still quote a whole line (a line doctor cannot evaluate:
    `export AWS_REGION=us-east-1 GITHUB_TOKEN=…`) or carry a URL's password: it is redacted.
    """
    if value is None:
        return None
    if is_secret(name):
        return REDACTED
    return inert(redact_text(value))


def holds_secret(name: str, value: str) -> bool:
    """Whether printing `value` as it is would print a secret: its name, or its shape."""
    return is_secret(name) or redact_text(value) != value


def inert(text: str) -> str:
    """Text from somewhere we do not control, with its backquotes made plain quotes: remedy
    prints a backquoted span as a command for the person to type (remedies.layout), and a
    value a project's settings file carries must never look like remedy's advice (found by
    review: a model of "see `curl … | sh` first" was printed as a command)."""
    return text.replace("`", "'")


def redact_text(text: str) -> str:
    """Mask secret values in text that may quote a start-up file, a settings file or a diff.

    The text is taken whole (a value may continue onto later lines); the result has exactly
    the newlines of `text`.
    """
    spans = _assignment_spans(text) + _url_spans(text) + _shape_spans(text)
    if not spans:
        return text
    out: list[str] = []
    done = 0
    for start, end in _union(spans):
        out.append(text[done:start])
        out.append(_masked(text[start:end]))
        done = end
    out.append(text[done:])
    return "".join(out)


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        elif end > start:
            merged.append((start, end))
    return merged


def printable(text: str, *, ours: bool = False) -> str:
    """Text from somewhere we do not control (a host's report, a file's line), safe for a
    terminal: secrets redacted, escape sequences and control characters gone, on one line,
    and no backquoted span that would read as a command (inert). `ours`: remedy's own words
    around values already shown (redact.shown): its commands stay commands."""
    text = _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))
    one_line = _LINE_BREAKS.sub(" ", redact_text(text))
    return one_line if ours else inert(one_line)


def _masked(piece: str) -> str:
    """Each line-part of a secret value becomes the mask; newlines (and a CR before one) stay."""
    parts = piece.split("\n")
    for index, part in enumerate(parts):
        if part.endswith("\r"):
            parts[index] = (_MASK if part[:-1] else "") + "\r"
        elif part:
            parts[index] = _MASK
    return "\n".join(parts)


# --- finding assignments -----------------------------------------------------------------

# Words before a name that set it and are no shell's (Shell.set_commands has those): cmd.exe's
# `setx NAME value` and `SET NAME=value`, and the lines of a variable store (fish_variables:
# `SETUVAR --export NAME:value`, whose value runs to the line's end).
_OTHER_SET_WORDS = frozenset({"setx", "SET", "SETUVAR", "SET_EXPORT"})
_SET_WORDS = _OTHER_SET_WORDS | {c.word for s in SHELLS for c in s.set_commands}
# Each alternative can only begin where its run begins (the look-behinds), so a failed try
# costs the length of one run, and runs do not overlap: the search is linear.
_TRIGGER = re.compile(
    # NAME=value, NAME+=value, NAME = value (dotenv, csh, pwsh), --token=value
    r"(?<![A-Za-z0-9_])(?P<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]*\+?="
    # set -gx NAME value (fish), setenv NAME value (csh), SETUVAR --export NAME:value (fish)
    r"|(?<![\w$-])(?P<keyword>" + "|".join(sorted(map(re.escape, _SET_WORDS))) + r")(?=[ \t])"
    # "name": value, 'name': value, \"name\": value (JSON in a JSON string), ...
    r"|(?<!\\)(?P<quote>\\*[\"'])(?P<key>[\w.-]+)(?P=quote)[ \t]*:"
    # ${NAME:=value}, ${NAME:-value} (and =, -, :+, :?): the operand may be the secret itself
    r"|\$\{(?P<param>[A-Za-z_][A-Za-z0-9_]*):?[-=+?]"
    # Name: value and name=value, a header (x-api-key: …) or one of a list (api-key=…,x=y).
    # Tried after NAME=value, which takes any name it can; this one takes the names with a
    # '-' (and those starting with a digit). No '_': `bash: GITHUB_TOKEN: unbound variable`
    # is a message, not a header.
    r"|(?<![\w-])(?P<header>[A-Za-z0-9][A-Za-z0-9-]*)[ \t]*[:=]"
)
_BLANKS = re.compile(r"[ \t]*")
_SPACE = re.compile(r"\s*")
_NON_BLANK = re.compile(r"\S*")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_JSON_QUOTE = re.compile(r"\\*[\"']")
_JSON_SCALAR = re.compile(r"[^,}\]\s\"']*")


def _skip(pattern: re.Pattern[str], text: str, at: int) -> int:
    """The end of a run of `pattern` (which matches the empty string) at `at`."""
    match = pattern.match(text, at)
    return at if match is None else match.end()


_ARRAY_END = re.compile(r"[\]\n]")
_QUOTE_OR_NEWLINE = {'"': re.compile(r'["\n]'), "'": re.compile(r"['\n]")}


_Span = tuple[int, int]
_Found = tuple[list[_Span], int]  # what to mask, where to read on


def _assignment_spans(text: str) -> list[_Span]:
    if not any(c in text for c in ("=", ":", "set", "SET", "${")):
        return []  # no alternative of _TRIGGER can match: spare the search
    spans: list[_Span] = []
    pos = 0
    while True:
        match = _TRIGGER.search(text, pos)
        if match is None:
            return spans
        if match.group("name") is not None:
            found = _assignment(text, match)
        elif match.group("keyword") is not None:
            found = _keyword(text, match)
        elif match.group("key") is not None:
            found = _json_member(text, match)
        elif match.group("param") is not None:
            found = _named_value(text, match, match.group("param"))
        else:
            found = _named_value(text, match, match.group("header"))
        spans += found[0]
        pos = max(found[1], match.end())


def _assignment(text: str, match: re.Match[str]) -> _Found:
    if not is_secret(match.group("name")):
        return [], match.end()  # its value may hold more assignments: read on from `=`
    start = match.start()
    dialect = next(
        (
            d
            for prefix, d in _BY_PREFIX
            if text[max(0, start - len(prefix)) : start].lower() == prefix
        ),
        _DEFAULT,
    )
    value = _skip(_BLANKS, text, match.end())
    return _value(text, start, value, dialect)


def _named_value(text: str, match: re.Match[str], name: str) -> _Found:
    """A header's value, or the operand of ${NAME:-…}: to the end of the command, read as sh
    reads it (a header quoted in a start-up file ends with its quote, or later)."""
    if not is_secret(name):
        return [], match.end()
    value = _skip(_BLANKS, text, match.end())
    return _value(text, match.start(), value, _DEFAULT)


def _keyword(text: str, match: re.Match[str]) -> _Found:
    keyword = match.group("keyword")
    at = _skip(_BLANKS, text, match.end())
    while text.startswith("-", at):  # options: -gx, --export, -U, --
        after = _skip(_NON_BLANK, text, at)
        at = _skip(_BLANKS, text, after)
        if at == after:
            return [], at
    name = _IDENT.match(text, at)
    if name is None or not is_secret(name.group()):
        return [], name.end() if name else at
    at = name.end()
    if text.startswith(":", at):  # SETUVAR NAME:value, the rest of the line (\xNN escaped)
        newline = text.find("\n", at)
        end = len(text) if newline < 0 else newline
        return [(at + 1, end)], end
    value = _skip(_BLANKS, text, at)
    equals = text.startswith("=", value)
    if equals:  # csh: set NAME = value
        value = _skip(_BLANKS, text, value + 1)
    elif value == at:
        return [], at  # NAME[1] or NAME; or the like: not a value we know
    if value >= len(text) or text[value] in "\r\n;|&":
        return [], value  # set -q NAME; set -e NAME
    dialect = _BY_COMMAND.get((keyword, equals), _DEFAULT)
    return _value(text, match.start(), value, dialect)


def _json_member(text: str, match: re.Match[str]) -> _Found:
    if not is_secret(match.group("key")):
        return [], match.end()
    at = _skip(_SPACE, text, match.end())
    quote = _JSON_QUOTE.match(text, at)
    if quote is not None:
        start = quote.end()
        end, resume = _string_end(text, start, quote.group())
        return [(start, end)], resume
    if text.startswith("{", at):
        return [], at  # an object: its own members are looked at one by one
    if text.startswith("[", at):
        found = _ARRAY_END.search(text, at)
        end = len(text) if found is None else found.start()
        return [(at, end)], end
    end = _skip(_JSON_SCALAR, text, at)
    return [(at, end)], end


def _string_end(text: str, start: int, quote: str) -> tuple[int, int]:
    """Where a string opened by `quote` (k backslashes and a quote) ends: (end of its
    contents, where to read on). At depth d (k = 2**d - 1) the closing quote is preceded by a
    run of backslashes r with r % (2k + 2) == k; a shorter run closes a shallower string. No
    closing quote on the line: the line's end (masking too much is fine)."""
    depth_escapes = len(quote) - 1
    char = quote[-1]
    at = start
    while True:
        found = _QUOTE_OR_NEWLINE[char].search(text, at)
        if found is None:
            return len(text), len(text)
        end = found.start()
        if text[end] == "\n":
            return end, end
        run = 0
        while end - run - 1 >= start and text[end - run - 1] == "\\":
            run += 1
        if run % (2 * depth_escapes + 2) == depth_escapes:
            return end - depth_escapes, end + 1
        if run < depth_escapes:
            return end - run, end + 1
        at = end + 1


# --- how far a value goes ----------------------------------------------------------------


@dataclass(frozen=True)
class _Dialect:
    """A shell's ValueQuoting, compiled: the characters that matter in each state."""

    escape: str
    code: re.Pattern[str]  # outside quotes
    opening: str  # the characters that open a quote
    ansi: bool  # `'` after `$` opens $'...', which has escapes
    inside: dict[str, re.Pattern[str]]  # in each open quote: its closer and its escape
    here_strings: bool


@cache
def _dialect(quoting: ValueQuoting) -> _Dialect:
    opening = "".join(sorted({quote[-1] for quote, _ in quoting.quotes}))
    specials = set(quoting.escape + opening + "()#\n" + ("@" if quoting.here_strings else ""))
    return _Dialect(
        escape=quoting.escape,
        code=re.compile("[" + "".join(re.escape(c) for c in sorted(specials)) + "]"),
        opening=opening,
        ansi=any(quote == "$'" for quote, _ in quoting.quotes),
        inside={quote: re.compile("[" + chars + "]") for quote, chars in quoting.quotes},
        here_strings=quoting.here_strings,
    )


# Text no shell's marks claim (a dotenv file, a header, `${NAME:-…}`, `NAME=value`) is read
# with the POSIX rules, ValueQuoting's defaults.
_DEFAULT = _dialect(ValueQuoting())
# `$env:NAME = …`: the shell whose assignments a prefix marks.
_BY_PREFIX = [(s.name_prefix.lower(), _dialect(s.value_quoting)) for s in SHELLS if s.name_prefix]
# `set NAME …`, `setenv NAME …`, `set NAME = …` (the bool): whose command it is.
_BY_COMMAND: dict[tuple[str, bool], _Dialect] = {}
for _shell in SHELLS:
    for _command in _shell.set_commands:
        _BY_COMMAND.setdefault((_command.word, _command.equals), _dialect(_shell.value_quoting))

_HERE_STRING = re.compile(r"@(['\"])[ \t]*\r?\n")  # pwsh @' ... '@
_COMMENT_LINE = re.compile(r"[ \t]*(?::[ \t]+)?#+[ \t]?")
_WORD_START = " \t\n;&|()<>"  # where `#` begins a comment


def _value(text: str, trigger: int, value: int, dialect: _Dialect) -> _Found:
    """A value runs to the newline that ends its command (or the text's end).

    The state at the value (inside a quote, a comment?) is read from the start of its line,
    then the line is read on: a backslash (a backtick in pwsh) before a newline, an open
    quote, or an open parenthesis carries the command onto the next line.

    A value in a comment (`# export TOKEN="abc`, a block commented out line by line) is read
    as code: while a quote or a backslash stays open at the end of the line, the next line,
    if a comment too, is part of it.
    """
    line_start = text.rfind("\n", 0, trigger) + 1
    at, state = _lex(text, line_start, value, dialect, ("code", 0))
    if state[0] != "comment":
        at, _ = _lex(text, max(at, value), len(text), dialect, state)
        end = min(at, len(text))
        return [(value, end)], end
    spans = []
    state = ("code", 0)
    while True:
        newline = text.find("\n", value)
        end = len(text) if newline < 0 else newline
        spans.append((value, end))
        at, state = _lex(text, value, end, dialect, state)
        closed = state[0] == "comment" or state == ("code", 0)
        if newline < 0 or (closed and at <= end):
            return spans, end
        comment = _COMMENT_LINE.match(text, newline + 1)
        if comment is None:
            return spans, end
        value = comment.end()


_State = tuple[str, int]  # what is open (code, comment, a quote...), open parentheses


def _lex(text: str, at: int, until: int, dialect: _Dialect, state: _State) -> tuple[int, _State]:
    """Read from `at` in `state` to `until`, or to a newline that ends the command.

    Returns where it stopped and the state there. What is open: code, a comment, a quote
    ("'", '"', "`", "$'") or a pwsh here-string ("@'", '@"'); and how many parentheses.
    """
    escape = dialect.escape
    mode, depth = state
    while at < until:
        if mode == "code":
            found = dialect.code.search(text, at, until)
            if found is None:
                return until, (mode, depth)
            at = found.start()
            char = text[at]
            if char == escape:  # before CR LF too (a file with DOS line endings)
                at += 3 if text.startswith("\r\n", at + 1) else 2
                continue
            if char == "\n":
                if depth == 0:
                    return at, (mode, depth)
            elif char in dialect.opening:
                ansi = char == "'" and dialect.ansi and text[at - 1 : at] == "$"
                mode = "$'" if ansi else char
            elif char == "(":
                depth += 1
            elif char == ")":
                depth = max(0, depth - 1)
            elif char == "#":
                if at == 0 or text[at - 1] in _WORD_START:
                    mode = "comment"
            elif char == "@" and dialect.here_strings:
                here = _HERE_STRING.match(text, at)
                if here is not None:
                    mode = "@" + here.group(1)
                    at = here.end() - 1  # the newline that opens it: '@ may follow at once
                    continue
            at += 1
        elif mode == "comment":
            newline = text.find("\n", at, until)
            if newline < 0:
                return until, (mode, depth)
            at, mode = newline, "code"  # the newline ends the command, or not: code decides
        elif mode in ("@'", '@"'):
            close = text.find("\n" + mode[1] + "@", at, until)
            if close < 0:
                return until, (mode, depth)
            at, mode = close + 3, "code"
        else:
            found = dialect.inside[mode].search(text, at, until)
            if found is None:
                return until, (mode, depth)
            at = found.start()
            if text[at] == mode[-1]:  # the closer: `'` closes $'...' too
                mode = "code"
                at += 1
            else:
                at += 2  # an escaped character
    return at, (mode, depth)


# --- URLs --------------------------------------------------------------------------------

# A URL runs from "://" to the next blank: a URL holds none, and a quote or a backslash may
# be part of a password as written in a file (JSON escapes them). Its userinfo, user and
# password, runs to the last '@' of the URL, so a password may hold ':', '/', '?', '#' and
# '@' unencoded (`http://user:pa/ss@proxy:3128`, which no URL parser reads as its writer
# meant). The one exception keeps links to packages and profiles whole: when what precedes
# the first '/', '?' or '#' is a plain host name (localhost, a name with a dot, an IP
# address; no port, no '@'), an '@' after it is in the path:
# https://registry.npmjs.org/@anthropic-ai/claude-code. The price: a user alone with a dot
# and a '/' in it (`http://a.b/c@proxy`) is read as a host and a path; a URL with a port and
# an '@' in its path (`http://localhost:4873/@scope/pkg`) is masked to that '@'.
_URL_WORD = re.compile(r"\S*")
_AUTHORITY_END = re.compile(r"[/?#]")
_PLAIN_HOST = re.compile(r"localhost|[\w-]+(?:\.[\w-]+)+\.?|\[[0-9A-Fa-f:.]*\]|")


def _url_spans(text: str) -> list[tuple[int, int]]:
    """Each URL's userinfo. Linear: each URL (blank-free run) is read once for its last '@';
    an authority is searched for its end only up to the next "://" (whose '/' ends it)."""
    spans = []
    word_end = last_at = -1
    at = text.find("://")
    while at >= 0:
        start = at + 3
        if start > word_end:  # a new blank-free run: its end and its last '@'
            word_end = _skip(_URL_WORD, text, start)
            last_at = text.rfind("@", start, word_end)
        if last_at < start:
            at = text.find("://", max(start, word_end))  # no '@' ahead in this run
            continue
        found = _AUTHORITY_END.search(text, start, word_end)
        authority_end = word_end if found is None else found.start()
        if _PLAIN_HOST.fullmatch(text, start, authority_end) is None:
            spans.append((start, last_at))
        at = text.find("://", start)
    return spans


# --- secrets by their shape --------------------------------------------------------------

# Each alternative is a fixed word (bearer and basic only where a word begins, the
# look-behind) and consumes at most that word, the blanks after it or the 16 characters of a
# key id, so a failed try costs a few characters; what it masks is skipped by the scan.
_SHAPE = re.compile(
    # Authorization: Bearer …, Basic …; curl --oauth2-bearer …; Basic%20… (OTEL's headers)
    r"(?<![A-Za-z0-9_])(?i:bearer|basic)(?P<scheme>[ \t]+|%20)"
    r"|sk-ant-"  # sk-ant-api03-…, sk-ant-oat01-…, sk-ant-admin01-…
    r"|(?:AKIA|ASIA)(?=[A-Z0-9]{16})"  # an AWS access key id, long-lived or temporary
)
_CREDENTIAL = re.compile(r"[^\s\"'`]*")
_KEY_RUN = re.compile(r"[A-Za-z0-9_-]*")
# What follows "Basic" or "Bearer" in prose ("Basic settings.", "the bearer of") is a word:
# letters, lower case but the first, shorter than a credential is long; not masked.
_PLAIN_WORD = re.compile(r"[A-Za-z][a-z]{0,18}[.,;:!?)]*")


def _shape_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        match = _SHAPE.search(text, pos)
        if match is None:
            return spans
        if match.group("scheme") is not None:
            start = match.end()
            end = _skip(_CREDENTIAL, text, start)
            if _PLAIN_WORD.fullmatch(text, start, end) is None:
                spans.append((start, end))
        else:
            start = match.start()
            end = _skip(_KEY_RUN, text, match.end())
            spans.append((start, end))
        pos = max(end, match.end())


# --- terminal safety ---------------------------------------------------------------------

_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC: titles, hyperlinks
    r"|\x1b[@-Z\\-_]"  # other two-character sequences
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but \t \n \r, for now
_LINE_BREAKS = re.compile(r"[\t\n\r]")
