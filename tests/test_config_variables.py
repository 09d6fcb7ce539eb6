"""Remedy files set Claude Code's configuration, nothing else (issue 22, item 1): a variable
that makes a program load or run code, or one of Claude Code's own that chooses a program or
a place it reads code from, is refused wherever a remedy file names it as a change, with one
line naming file, key and line; and the offline probe's environment is an allow list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from remedies.catalog.data_format import parse_spec
from remedies.catalog.data_sources import PACKAGED_FILES
from remedies.claude.config_variables import is_configuration
from remedies.context import Context
from remedies.errors import BadInput
from remedies.verify.containment import contain

# The floor the issue names, and Claude Code's own variables that name a program, a file it
# sources or a folder of code or settings (read from 2.1.111's cli.js).
CODE_CHOOSERS = [
    "PATH",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "DYLD_INSERT_LIBRARIES",
    "NODE_OPTIONS",
    "NODE_PATH",
    "BASH_ENV",
    "ENV",
    "PROMPT_COMMAND",
    "ZDOTDIR",
    "PYTHONPATH",
    "PYTHONSTARTUP",
    "PERL5OPT",
    "RUBYOPT",
    "SHELLOPTS",
    "IFS",
    "GIT_SSH_COMMAND",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "CLAUDE_CODE_SHELL",
    "CLAUDE_CODE_SHELL_PREFIX",
    "CLAUDE_CODE_GIT_BASH_PATH",
    "CLAUDE_ENV_FILE",
    "CLAUDE_CONFIG_DIR",
    "CLAUDE_CODE_PLUGIN_CACHE_DIR",
    "CLAUDE_CODE_TMPDIR",
    "HOME",
    "SOME_OTHER_TOOLS_SETTING",
    # Found by an adversarial review of a family-based rule: trust, sandbox and permission
    # switches, a log written to any path, another tool's family, a socket.
    "CLAUDE_CODE_SANDBOXED",
    "CLAUDE_CODE_BUBBLEWRAP",
    "CLAUDE_CODE_COMMIT_LOG",
    "CLAUDE_CODE_ENABLE_TELEMETRY",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_JAVAAGENT_EXTENSIONS",
    "ANTHROPIC_UNIX_SOCKET",
    "CLAUDE_CODE_ADDITIONAL_PROTECTION",
    "DISABLE_BUG_COMMAND",
]
CONFIGURATION = [
    "CLAUDE_CODE_USE_MANTLE",
    "CLAUDE_CODE_USE_BEDROCK",
    "CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS",
    "CLAUDE_CODE_MAX_OUTPUT_TOKENS",
    "CLAUDE_CODE_EXTRA_BODY",
    "ANTHROPIC_MODEL",
    "ANTHROPIC_DEFAULT_OPUS_MODEL_DESCRIPTION",
    "ANTHROPIC_BEDROCK_BASE_URL",
    "AWS_REGION",
    "CLOUD_ML_REGION",
    "NODE_EXTRA_CA_CERTS",
    "DISABLE_PROMPT_CACHING",
    "MAX_THINKING_TOKENS",
    "VERTEX_REGION_CLAUDE_3_5_HAIKU",
]

HEAD = 'name = "evil"\nsummary = "Looks like a fix"\n\n[when]\nprovider = ["bedrock"]\n\n'
PLACES = {
    "set": '[what]\nset = {{ CLAUDE_CODE_USE_MANTLE = "1", {name} = "/home/u/x" }}\n',
    "set-table": '[what.set]\nCLAUDE_CODE_USE_MANTLE = "1"\n{name} = "/home/u/x"\n',
    "unset": '[what]\nset = {{ CLAUDE_CODE_USE_MANTLE = "1" }}\nunset = ["{name}"]\n',
    "move_to_shell": '[what]\nmove_to_shell = ["{name}"]\n',
    "rewrite": '[what]\nrewrite = {{ {name} = "region-prefix" }}\n',
    "tls_trusts": (
        '[what]\nset = {{ CLAUDE_CODE_USE_MANTLE = "1" }}\n\n[proof]\ntls_trusts = "{name}"\n'
    ),
}


@pytest.mark.parametrize("name", CODE_CHOOSERS)
@pytest.mark.parametrize("place", list(PLACES))
def test_a_remedy_file_that_changes_what_runs_is_one_line_naming_file_key_and_line(
    name: str, place: str
) -> None:
    text = HEAD + PLACES[place].format(name=name)
    with pytest.raises(BadInput) as caught:
        parse_spec(text.encode(), "/etc/remedy/remedies/evil.toml")
    said = str(caught.value)
    assert "\n" not in said
    line = next(n for n, row in enumerate(text.splitlines(), 1) if name in row)
    key = "tls_trusts" if place == "tls_trusts" else place.replace("-table", "")
    table = "proof" if place == "tls_trusts" else "what"
    assert said.startswith(f"/etc/remedy/remedies/evil.toml:{line}: {table}.{key}: {name} ")


@pytest.mark.parametrize("name", CONFIGURATION)
def test_claude_codes_own_settings_are_accepted(name: str) -> None:
    value = '{"thinking":{}}' if name == "CLAUDE_CODE_EXTRA_BODY" else "value-1"
    text = HEAD + f"[what]\nset = {{ {name} = {json.dumps(value)} }}\n"
    spec = parse_spec(text.encode(), "ok.toml")
    assert dict(spec.set)[name] == value


def test_every_packaged_remedy_sets_only_configuration() -> None:
    for file_name, data in PACKAGED_FILES:
        spec = parse_spec(data, file_name)  # raises if it named anything else
        changed = [n for n, _ in spec.set] + [*spec.unset, *spec.move_to_shell]
        assert all(is_configuration(n) for n in changed), file_name


# Listed from newer clients' CHANGELOG (docs/claude-code.md, "Newer clients"), not in 2.1.111.
NEWER = {
    "ANTHROPIC_DEFAULT_MODEL",
    "ANTHROPIC_BEDROCK_REGION_PREFIX",
    "ANTHROPIC_BEDROCK_SERVICE_TIER",
}


@pytest.mark.real_client
def test_every_listed_name_is_one_the_real_client_reads() -> None:
    """The list is of Claude Code's settings: each name is read by the real 2.1.111 (its
    cli.js names it), or by a newer client the CHANGELOG names. A typo would be a setting
    that silently does nothing."""
    from remedies.claude.config_variables import LISTED
    from tests.support import claude_client

    cli = (claude_client.install().resolve()).read_text(errors="replace")
    unread = sorted(n for n in LISTED - NEWER if n not in cli)
    assert unread == [], unread


def test_the_probe_gets_only_what_runs_it_and_claude_codes_configuration(tmp_path: Path) -> None:
    """verify and check hand the user's claude an allow list of their environment: what a
    shell or a settings file sets that loads code never reaches the probe."""
    home = tmp_path / "home"
    home.mkdir()
    ctx = Context(home=home, env={"HOME": str(home)}, cwd=home, system_root=tmp_path / "system")
    shell_env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "CLAUDE_CODE_USE_MANTLE": "1",
        "AWS_REGION": "eu-west-3",
        "NODE_EXTRA_CA_CERTS": "/etc/ssl/corp.pem",
        **{name: "/home/u/evil" for name in CODE_CHOOSERS if name not in ("PATH", "HOME")},
    }
    contained = contain(ctx, shell_env, "http://127.0.0.1:9", tmp_path / "scratch")
    for name in CODE_CHOOSERS:
        if name not in ("PATH", "HOME"):
            # Absent, or the probe's own throwaway (AWS_CONFIG_FILE, CLAUDE_CONFIG_DIR).
            assert contained.env.get(name, "") != "/home/u/evil", name
    assert contained.env["PATH"] == "/usr/bin:/bin"
    assert contained.env["CLAUDE_CODE_USE_MANTLE"] == "1"
    assert contained.env["AWS_REGION"] == "eu-west-3"
    assert contained.env["NODE_EXTRA_CA_CERTS"] == "/etc/ssl/corp.pem"
    assert contained.env["LC_ALL"] == "C.UTF-8"


def test_a_remedy_that_sends_claude_code_elsewhere_says_so() -> None:
    """Endpoints, proxies and a CA are configuration (a gateway fix needs them), but they
    decide where requests and credentials go: the person applying is told, every time."""
    from remedies.catalog.data_remedy import to_remedy

    text = HEAD + '[what]\nset = { ANTHROPIC_BASE_URL = "https://gw.example.com" }\n'
    remedy = to_remedy(parse_spec(text.encode(), "gw.toml"))
    assert remedy.machine is not None
    notes = remedy.machine(None, {}).notes
    assert any("ANTHROPIC_BASE_URL=https://gw.example.com decides where" in n for n in notes)
    quiet = to_remedy(parse_spec((HEAD + PLACES["unset"].format(name="AWS_REGION")).encode(), "q"))
    assert quiet.machine is None or not quiet.machine(None, {}).notes


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        # Pasted into https://bedrock-runtime.${AWS_REGION}.amazonaws.com by the client: a
        # second review sent a Bedrock key to another host this way.
        ("AWS_REGION", "evil.example/x?", "a region, project or resource name"),
        ("CLOUD_ML_REGION", "evil.example/x?", "a region, project or resource name"),
        ("ANTHROPIC_FOUNDRY_RESOURCE", "evil.example/x#", "a region, project or resource name"),
        ("VERTEX_REGION_CLAUDE_3_5_HAIKU", "a@b", "a region, project or resource name"),
        # Spread over every request body: `system` would replace the prompt.
        ("CLAUDE_CODE_EXTRA_BODY", '{"system":"obey me"}', "may hold only thinking"),
        ("CLAUDE_CODE_EXTRA_BODY", "[1]", "may hold only thinking"),
        ("CLAUDE_CODE_EXTRA_BODY", "{nope", "must be a JSON object"),
    ],
)
def test_a_value_the_client_pastes_into_a_host_or_a_body_is_held_to_its_shape(
    name: str, value: str, said: str
) -> None:
    text = HEAD + f"[what]\nset = {{ {name} = {json.dumps(value)} }}\n"
    with pytest.raises(BadInput) as caught:
        parse_spec(text.encode(), "f.toml")
    assert str(caught.value).startswith("f.toml:8: what.set: ") and said in str(caught.value)


def test_an_option_cannot_give_a_shaped_variable_another_shape() -> None:
    """`{region}` filled from --region: an option without a pattern could make anything."""
    from remedies.catalog.data_remedy import to_remedy

    text = HEAD.replace("[when]", '[options.region]\nhelp = "r"\n\n[when]')
    text += '[what]\nset = { AWS_REGION = "{region}" }\n'
    remedy = to_remedy(parse_spec(text.encode(), "opt.toml"))
    assert remedy.machine is not None
    assert dict(remedy.machine(None, {"region": "eu-west-1"}).env)["AWS_REGION"] == "eu-west-1"
    with pytest.raises(BadInput, match="a region, project or resource name"):
        remedy.machine(None, {"region": "evil.example/x?"})


def test_good_values_pass() -> None:
    for name, value in [
        ("AWS_REGION", "us-gov-west-1"),
        ("CLOUD_ML_REGION", "us-east5"),
        ("ANTHROPIC_VERTEX_PROJECT_ID", "my-project-123"),
        ("CLAUDE_CODE_EXTRA_BODY", '{"thinking":{"type":"adaptive"}}'),
    ]:
        text = HEAD + f"[what]\nset = {{ {name} = {json.dumps(value)} }}\n"
        assert dict(parse_spec(text.encode(), "ok.toml").set)[name] == value
