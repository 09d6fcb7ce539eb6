"""A remedy described as data: the TOML format, read and checked (pure: text in, spec out).

    name = "disable-betas"
    summary = "Turn off the experimental beta headers a gateway rejects."
    worth = "official setting"          # said wherever the remedy is named
    rank = 40                           # lower is tried first (mantle is 10)
    links = ["https://github.com/anthropics/claude-code/issues/21676"]

    [when]                              # every key given must hold
    provider = ["bedrock", "vertex"]    # the provider Claude Code would use
    versions = ">=2.0.42"               # the installed client (a packaging specifier)
    present = ["ANTHROPIC_BEDROCK_BASE_URL"]        # set to something
    absent = ["CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS"]
    matching = { CLAUDE_CODE_MAX_OUTPUT_TOKENS = "^4096$" }   # a regex on the value
    set_in = { NODE_EXTRA_CA_CERTS = "settings" }   # where it is set: settings (only) or shell

    [options.region]                    # becomes `--region`; `{region}` in values and proofs
    help = "the AWS region of your Bedrock models"
    pattern = "^[a-z]{2}(-gov)?-[a-z]+-[0-9]+$"     # a value must match (else exit 2)
    example = "eu-west-1"               # shown when it does not
    default_from = "aws-config-region"  # or "variable:NAME", or default = "..."; none: required

    [what]
    set = { CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS = "1", AWS_REGION = "{region}" }
    unset = ["CLAUDE_CODE_MAX_OUTPUT_TOKENS"]
    move_to_shell = ["NODE_EXTRA_CA_CERTS"]   # its settings value into the shells, out of settings
    rewrite = { ANTHROPIC_MODEL = "region-prefix" }  # a value changed by a named rule (below)
    rename = { ANTHROPIC_SMALL_FAST_MODEL = "ANTHROPIC_DEFAULT_HAIKU_MODEL" }  # OLD = "NEW"

    [proof]                             # what the request the real client sends must show
    endpoint = "bedrock"
    path_contains = ["/invoke"]
    header_lacks = { anthropic-beta = ["tool-search-tool-2025-10-19"] }
    body_lacks = ["anthropic_beta"]     # top-level keys of the JSON body
    betas_lack = ["tool-search-tool-2025-10-19"]    # neither in the header nor in the body
    body_omits = ['"max_tokens":4096']  # text the compact JSON body must not / must hold
    body_mentions = ['"cache_control"']
    model_fits_region = true            # the model id's us./eu./apac. prefix fits AWS_REGION
    tls_trusts = "NODE_EXTRA_CA_CERTS"  # a CA given where it is set is trusted (TLS stand-in)
    model = "claude-haiku-4-5"          # the probe asks for this model (default: verify's own)
    prompt = "say hello"                # and sends this prompt (default: "say hello")

Rules (`rewrite`) are code, because their logic is real: "region-prefix" gives a Bedrock model
id the inference-profile prefix Claude Code itself uses in the region the client runs in
(claude.model_ids.fit_to_region); a remedy with a rewrite applies only where it would change a
value, so it is idempotent by construction. Lookups (`default_from`) read a value the user
already configured elsewhere: "aws-config-region" (the profile's region in ~/.aws/config),
"gcloud-project" (gcloud's core/project), or "variable:NAME": the value NAME has for Claude
Code now, where doctor finds it (settings over the shells), checked against the option's
pattern like a value given; never for --machine or export, which read no one's home.

`rename` carries the user's value of a deprecated variable to its new name, in the start-up
files (OLD's line disabled, `unset OLD` and `NEW=value` in the block, quoted as a `set`
value is) and in the settings files (env gets NEW with OLD's value, OLD removed). Where the
user has no value for OLD nothing is written for it; where they set NEW too, NEW's value
wins and OLD's is dropped (a value chosen under the new name is never overwritten by the
old one). A rename implies its own condition: doctor flags it, and apply is needed, only
where Claude Code gets one of the old names (as a rewrite is needed only where it would
change a value). The new name is never a credential or a variable that redirects requests
(claude.config_variables: a value the user gave for one thing would become where their
requests and credentials go, or whose account), nor is the old name a credential.

Regexes (`matching`, an option's `pattern`) are searched for anywhere in the value, as
Python's `re.search` would, but by catalog.linear_regex, in time linear in the value: with
Python's re, `^(a+)+$` in one file hung `remedy doctor` on every host (issue 22). Its subset:
characters and escapes (`\\.`, `\\n`, `\\xhh`, `\\uhhhh`), `.`, classes `[a-z0-9]` and
`[^...]` (a literal `-` first or last), `\\d \\w \\s \\D \\W \\S`, `^` and `\\A`, `$`
(the end, or before a final newline) and `\\Z`, `|`, `(...)`, `(?:...)`, `*`, `+`, `?`,
`{m}`, `{m,}`, `{m,n}` (a `?` after one is allowed and changes nothing). Refused like any
other error: backreferences, lookarounds, `\\b`, inline flags such as `(?i)`, any other
`(?` group, possessive quantifiers, a bare `{`, `}` or `]`; a pattern over 1000 characters,
or over 500 characters and classes once each `{m,n}` is written out. A value over 4096
characters never matches (an option's value that long is refused).

Anything else is an error naming the file, the key and its line: a misspelt key silently
ignored would be a remedy that does not do what its author thinks.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from remedies.catalog.format_options import Option, read_options
from remedies.catalog.format_proof import read_proof
from remedies.catalog.format_reader import VARIABLE, Reader, line_of_word, regex_trouble
from remedies.claude.config_variables import CREDENTIALS, REDIRECTING, value_refusal
from remedies.claude.request_proof import Proof
from remedies.errors import BadInput

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the zipapp's Python 3.9
    import tomli as tomllib

NAME = re.compile(r"[a-z][a-z0-9-]{1,38}\Z")
PROVIDERS = ("anthropic", "bedrock", "mantle", "vertex", "foundry", "anthropic-aws")

_TOP = {"name", "summary", "worth", "rank", "links", "when", "what", "proof", "options"}
_WHEN = {"provider", "versions", "present", "absent", "matching", "set_in"}
_WHAT = {"set", "unset", "move_to_shell", "rewrite", "rename"}
RULES = ("region-prefix",)
# Comparisons with plain release numbers (">=2.1.81", "<2.1.172, !=2.1.100"): always a valid
# PEP 440 specifier set, so they need no packaging to check them (a test holds it to that).
_CLAUSE = r"\s*(?:[<>]=?|==|!=)\s*[0-9]+(?:\.[0-9]+)*\s*"
PLAIN_RANGE = re.compile(rf"{_CLAUSE}(?:,{_CLAUSE})*\Z")
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")
_PLACES = ("settings", "shell")


@dataclass(frozen=True)
class When:
    providers: tuple[str, ...] = ()
    versions: str | None = None
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    matching: tuple[tuple[str, str], ...] = ()
    set_in: tuple[tuple[str, str], ...] = ()  # (variable, "settings" | "shell")


@dataclass(frozen=True)
class RemedySpec:
    name: str
    summary: str
    worth: str
    rank: int
    links: tuple[str, ...]
    when: When
    set: tuple[tuple[str, str], ...]
    unset: tuple[str, ...]
    proof: Proof
    move_to_shell: tuple[str, ...] = ()
    rewrite: tuple[tuple[str, str], ...] = ()  # (variable, rule)
    rename: tuple[tuple[str, str], ...] = ()  # (old name, new name)
    options: tuple[Option, ...] = ()
    origin: str = ""  # the file it came from, for messages
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def listed(self) -> str:
        """Its line in `remedy list` (and its short help)."""
        return f"{self.summary} ({self.worth})."


@functools.lru_cache(maxsize=128)
def parse_spec(data: bytes, origin: str) -> RemedySpec:
    """A remedy file's bytes, checked; BadInput (one line: file, key, line) when it is wrong.

    Cached by content: one command asks for the catalogue many times (a name, a summary,
    a remedy) and a spec is frozen, so the same bytes are parsed once per run. A failure
    is not cached: it is raised again each time it is asked for."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadInput(f"{origin}: not UTF-8 (byte {e.start})") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise BadInput(f"{origin}: not valid TOML: {e}") from None
    read = Reader(text, origin)
    read.only(doc, _TOP, None)
    name = read.string(doc, "name")
    if not NAME.match(name):
        raise read.fail("name", "lower-case letters, digits and '-', 2 to 39 of them")
    rank = doc.get("rank", 50)
    if not isinstance(rank, int) or isinstance(rank, bool) or not 0 <= rank <= 1000:
        raise read.fail("rank", "must be a whole number from 0 to 1000")
    when_doc, what_doc, proof_doc = (read.table(doc, k) for k in ("when", "what", "proof"))
    options = read_options(read, read.table(doc, "options"))
    spec = RemedySpec(
        name=name,
        summary=read.string(doc, "summary"),
        worth=read.string(doc, "worth") if "worth" in doc else "community workaround",
        rank=rank,
        links=read.strings(doc, "links"),
        when=_when(read, when_doc),
        set=_sets(read, what_doc),
        unset=_unsets(read, what_doc),
        proof=read_proof(read, proof_doc),
        move_to_shell=_moves(read, what_doc),
        rewrite=_rewrites(read, what_doc),
        rename=_renames(read, what_doc),
        options=options,
        origin=origin,
    )
    _placeholders(read, spec)
    _each_variable_once(read, spec)
    _defaults_outlive_the_fix(read, spec)
    return spec


def _each_variable_once(read: Reader, spec: RemedySpec) -> None:
    """A variable is in one of set, unset, move_to_shell, rewrite and rename (a rename names
    two, each once): in two, the shells (where the last line wins) and the settings files
    could end up with different values, and a chain (A to B, B to C) would depend on order."""
    seen: dict[str, str] = {}
    for key, names in (
        ("set", [n for n, _v in spec.set]),
        ("unset", list(spec.unset)),
        ("move_to_shell", list(spec.move_to_shell)),
        ("rewrite", [n for n, _r in spec.rewrite]),
        ("rename", [n for pair in spec.rename for n in pair]),
    ):
        for name in names:
            if name in seen and (seen[name] != key or key == "rename"):
                raise read.fail(key, f"{name} is in {seen[name]} already: name it once", "what")
            seen[name] = key


def _defaults_outlive_the_fix(read: Reader, spec: RemedySpec) -> None:
    """An option may not default to a variable the remedy itself removes: once applied, a
    re-run (a fleet's next rollout) would find no value and stop; `rename` carries one."""
    removed = {*spec.unset, *spec.move_to_shell, *(old for old, _new in spec.rename)}
    for option in spec.options:
        if option.default_variable in removed:
            raise read.fail(
                "default_from",
                f"{option.name}: {option.default_variable} is removed by this remedy, so a "
                "re-run would find no value (to carry a value to a new name, use rename)",
                "options",
            )


def _rewrites(read: Reader, doc: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    found = read.mapping(doc, "rewrite", "what")
    for variable, rule in found.items():
        if not VARIABLE.match(variable) or rule not in RULES:
            rules = ", ".join(RULES)
            raise read.fail("rewrite", f"{variable}: must be NAME = one of {rules}", "what")
    read.configuration(tuple(found), "rewrite", "what")
    return tuple(found.items())


def _renames(read: Reader, doc: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """`rename = { OLD = "NEW" }`: both Claude Code's configuration; NEW never a credential
    nor a variable that redirects requests, OLD never a credential (module docstring)."""
    found = read.mapping(doc, "rename", "what")
    for old, new in found.items():
        if not VARIABLE.match(old) or not isinstance(new, str) or not VARIABLE.match(new):
            raise read.fail("rename", f'{old}: must be OLD_NAME = "NEW_NAME"', "what")
        if old == new:
            raise read.fail("rename", f"{old}: renamed to itself", "what")
    read.configuration(tuple(found), "rename", "what")
    read.configuration(tuple(found.values()), "rename", "what")
    for old, new in found.items():
        why = None
        if new in CREDENTIALS:
            why = f"{new} is a credential: a value given for {old} never becomes one"
        elif new in REDIRECTING:
            why = f"{new} decides where requests go: a value given for {old} never does"
        elif old in CREDENTIALS:
            why = f"{old} is a credential: its value is never carried to another name"
        if why is not None:
            line = line_of_word(read.text, old, "what")
            raise BadInput(f"{read.origin}:{line}: what.rename: {why}")
    return tuple(found.items())


def _placeholders(read: Reader, spec: RemedySpec) -> None:
    """Every `{name}` in a value or a proof is a declared option: a typo would otherwise be
    written into a start-up file as it stands."""
    declared = {o.name for o in spec.options}
    texts = [("what", "set", v) for _, v in spec.set]
    proof = spec.proof
    texts += [("proof", "path_contains", t) for t in proof.path_contains]
    texts += [("proof", "path_lacks", t) for t in proof.path_lacks]
    texts += [("proof", "body_mentions", t) for t in proof.body_mentions]
    texts += [("proof", "body_omits", t) for t in proof.body_omits]
    asked = (("model", proof.model), ("prompt", proof.prompt))
    texts += [("proof", key, text) for key, text in asked if text]
    for table, key, text in texts:
        for name in PLACEHOLDER.findall(text):
            if name not in declared:
                raise read.fail(key, f"{{{name}}} is not a declared [options.{name}]", table)


def _when(read: Reader, doc: Mapping[str, Any]) -> When:
    read.only(doc, _WHEN, "when")
    providers = read.strings(doc, "provider", "when")
    for provider in providers:
        if provider not in PROVIDERS:
            raise read.fail("provider", f"{provider!r} is none of {', '.join(PROVIDERS)}", "when")
    versions = doc.get("versions")
    if versions is not None and not PLAIN_RANGE.match(str(versions)):
        # Anything but the plain comparisons every catalogue entry uses goes to packaging
        # (whose import `remedy list` would otherwise pay for every time).
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        try:
            SpecifierSet(str(versions))
        except InvalidSpecifier:
            raise read.fail("versions", f"{versions!r} is not a version range", "when") from None
    matching = read.mapping(doc, "matching", "when")
    for variable, pattern in matching.items():
        if not VARIABLE.match(variable) or not isinstance(pattern, str):
            raise read.fail("matching", f'{variable}: must be NAME = "regex"', "when")
        why = regex_trouble(pattern)
        if why:
            raise read.fail("matching", f"{variable}: {why}", "when")
    set_in = read.mapping(doc, "set_in", "when")
    for variable, place in set_in.items():
        if not VARIABLE.match(variable) or place not in _PLACES:
            raise read.fail("set_in", f'{variable}: must be NAME = "settings" or "shell"', "when")
    return When(
        set_in=tuple(sorted(set_in.items())),
        providers=providers,
        versions=str(versions) if versions is not None else None,
        present=read.variables(doc, "present", "when"),
        absent=read.variables(doc, "absent", "when"),
        matching=tuple(sorted(matching.items())),
    )


def _sets(read: Reader, doc: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    read.only(doc, _WHAT, "what")
    found = read.mapping(doc, "set", "what")
    for variable, value in found.items():
        if not VARIABLE.match(variable) or not isinstance(value, str):
            raise read.fail("set", f'{variable}: must be NAME = "value"', "what")
        if "\0" in value or "\n" in value:
            raise read.fail("set", f"{variable}: a value cannot hold a NUL or a newline", "what")
    if not found and not any(doc.get(k) for k in ("unset", "move_to_shell", "rewrite", "rename")):
        raise read.fail("what", "a remedy must set or unset something", None)
    read.configuration(tuple(found), "set", "what")
    for variable, value in found.items():
        # A value with an {option} is held to its shape once filled (data_remedy.filled).
        why = None if PLACEHOLDER.search(value) else value_refusal(variable, value)
        if why is not None:
            line = line_of_word(read.text, variable, "what")
            raise BadInput(f"{read.origin}:{line}: what.set: {why}")
    return tuple(found.items())


def _unsets(read: Reader, doc: Mapping[str, Any]) -> tuple[str, ...]:
    found = read.variables(doc, "unset", "what")
    read.configuration(found, "unset", "what")
    return found


def _moves(read: Reader, doc: Mapping[str, Any]) -> tuple[str, ...]:
    found = read.variables(doc, "move_to_shell", "what")
    read.configuration(found, "move_to_shell", "what")
    return found
