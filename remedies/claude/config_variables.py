"""Which environment variables a remedy file may change: a reviewed list of Claude Code's
configuration, nothing else.

A remedy file (catalog.data_format) is data written by someone who is trusted to configure
Claude Code, not to run programs: a fleet's /etc/remedy/remedies, a colleague's file passed to
`remedy check`, a path in a rollout. Issue 22: `set = { PATH = ... }` or `LD_PRELOAD` ran the
author's code as whoever checked the file, root included, and `NODE_OPTIONS=--require ...`
went into a `--machine` drop-in, that is into every user's Claude Code.

Why an exact list and not Claude Code's name families: 2.1.111 reads 543 variables (every
`process.env.NAME` in its cli.js, counted for this module), and a family rule let through
switches no remedy needs and that lower Claude Code's own guard: CLAUDE_CODE_SANDBOXED=1
makes every folder trusted, so an untrusted repository's hooks run without the trust prompt
(shown by an adversarial review with the real client); CLAUDE_CODE_BUBBLEWRAP lifts the
refusal to skip permissions as root; CLAUDE_CODE_COMMIT_LOG appends to any path; OTEL_* is
OpenTelemetry's family (OTEL_JAVAAGENT_EXTENSIONS loads a jar into any JVM). Each name below
was read for what it does; none names a program, a command, a file Claude Code runs or
writes, a folder of code or settings, or a switch of trust, permissions or sandboxing. A
remedy for a setting not listed is one reviewed line here, not a file's say.

The same list builds the offline probe's environment (verify.containment), so nothing else a
shell or a settings file sets (telemetry exporters, a Unix socket, NODE_OPTIONS) reaches it.

Endpoint, proxy and CA variables are listed (gateway fixes are a main use of remedy files) but
they decide where Claude Code sends its requests, credentials included: REDIRECTING names
them, and apply says so each time a remedy sets one, as it does for a credential, which
decides whose account requests go to. Some values are held to a shape (value_refusal): a
region or project pasted into a host name, and the keys CLAUDE_CODE_EXTRA_BODY may carry.
"""

from __future__ import annotations

import re

# Variables that make a program (the dynamic loader, Node.js, a shell, an interpreter, git,
# an AWS SDK) load or run code of the value's choosing: named in the refusal, because a
# person who wrote one should read why, not only that it is not listed. Compiled when a
# name is refused, not when `remedy list` imports this.
_RUNS_CODE = (
    r"(?:PATH|LD_\w+|DYLD_\w+|NODE_OPTIONS|NODE_PATH|NODE_REPL_EXTERNAL_MODULE"
    r"|BASH_ENV|ENV|BASH_FUNC_\S+|PROMPT_COMMAND|PS[0-4]|ZDOTDIR|SHELLOPTS|BASHOPTS|IFS"
    r"|PYTHON\w*|PERL5OPT|PERL5LIB|PERLLIB|RUBYOPT|RUBYLIB|GIT_\w+|EDITOR|VISUAL|PAGER"
    r"|BROWSER|SHELL|HOME|XDG_CONFIG_HOME|XDG_CONFIG_DIRS|AWS_CONFIG_FILE"
    r"|AWS_SHARED_CREDENTIALS_FILE|GOOGLE_APPLICATION_CREDENTIALS|CLOUDSDK_CONFIG"
    r"|SSL_CERT_FILE|SSL_CERT_DIR|OPENSSL_CONF|OPENSSL_ENGINES|JAVA_TOOL_OPTIONS"
    r"|npm_config_\w+|NPM_CONFIG_\w+|CLAUDE_CODE_SHELL\w*|CLAUDE_ENV_FILE|CLAUDE_CONFIG_DIR"
    r"|CLAUDE_CODE_GIT_BASH_PATH|CLAUDE_CODE_PLUGIN_\w+_DIR)\Z"
)

# Whose account requests go to (a key names one).
CREDENTIALS = frozenset({"ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "AWS_BEARER_TOKEN_BEDROCK"})

# Where requests, and the credentials they carry, go.
REDIRECTING = frozenset(
    {
        "ANTHROPIC_BASE_URL",
        "ANTHROPIC_BEDROCK_BASE_URL",
        "ANTHROPIC_BEDROCK_MANTLE_BASE_URL",
        "ANTHROPIC_VERTEX_BASE_URL",
        "ANTHROPIC_FOUNDRY_BASE_URL",
        "ANTHROPIC_AWS_BASE_URL",
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "NO_PROXY",
        "NODE_EXTRA_CA_CERTS",  # a CA Node.js trusts: what ca-certs-in-settings moves
    }
)

LISTED = frozenset(
    {
        *REDIRECTING,
        # Which provider, and whether the client signs its requests (a gateway signs them).
        "CLAUDE_CODE_USE_BEDROCK",
        "CLAUDE_CODE_USE_VERTEX",
        "CLAUDE_CODE_USE_MANTLE",
        "CLAUDE_CODE_USE_FOUNDRY",
        "CLAUDE_CODE_USE_ANTHROPIC_AWS",
        "CLAUDE_CODE_SKIP_BEDROCK_AUTH",
        "CLAUDE_CODE_SKIP_VERTEX_AUTH",
        "CLAUDE_CODE_SKIP_MANTLE_AUTH",
        "CLAUDE_CODE_SKIP_FOUNDRY_AUTH",
        "CLAUDE_CODE_SKIP_ANTHROPIC_AWS_AUTH",
        # Regions, projects, accounts.
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_PROFILE",
        "CLOUD_ML_REGION",
        "ANTHROPIC_VERTEX_PROJECT_ID",
        "GOOGLE_CLOUD_PROJECT",
        "GCLOUD_PROJECT",
        "ANTHROPIC_FOUNDRY_RESOURCE",
        "ANTHROPIC_AWS_WORKSPACE_ID",
        "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION",
        "ANTHROPIC_BEDROCK_REGION_PREFIX",
        "ANTHROPIC_BEDROCK_SERVICE_TIER",
        # Credentials (a stale one is a remedy's to unset).
        *CREDENTIALS,
        # Models.
        "ANTHROPIC_MODEL",
        "ANTHROPIC_DEFAULT_MODEL",
        "ANTHROPIC_DEFAULT_OPUS_MODEL",
        "ANTHROPIC_DEFAULT_OPUS_MODEL_NAME",
        "ANTHROPIC_DEFAULT_OPUS_MODEL_DESCRIPTION",
        "ANTHROPIC_DEFAULT_SONNET_MODEL",
        "ANTHROPIC_DEFAULT_SONNET_MODEL_NAME",
        "ANTHROPIC_DEFAULT_SONNET_MODEL_DESCRIPTION",
        "ANTHROPIC_DEFAULT_HAIKU_MODEL",
        "ANTHROPIC_DEFAULT_HAIKU_MODEL_NAME",
        "ANTHROPIC_DEFAULT_HAIKU_MODEL_DESCRIPTION",
        "ANTHROPIC_SMALL_FAST_MODEL",
        "ANTHROPIC_CUSTOM_MODEL_OPTION",
        "ANTHROPIC_CUSTOM_MODEL_OPTION_NAME",
        "ANTHROPIC_CUSTOM_MODEL_OPTION_DESCRIPTION",
        "CLAUDE_CODE_SUBAGENT_MODEL",
        "CLAUDE_CODE_DISABLE_LEGACY_MODEL_REMAP",
        "CLAUDE_CODE_EFFORT_LEVEL",
        # What a request carries.
        "ANTHROPIC_BETAS",
        "ANTHROPIC_CUSTOM_HEADERS",
        "CLAUDE_CODE_EXTRA_BODY",
        "CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS",
        "CLAUDE_CODE_ATTRIBUTION_HEADER",
        "CLAUDE_CODE_MAX_OUTPUT_TOKENS",
        "CLAUDE_CODE_FILE_READ_MAX_OUTPUT_TOKENS",
        "MAX_THINKING_TOKENS",
        "MAX_MCP_OUTPUT_TOKENS",
        "CLAUDE_CODE_DISABLE_THINKING",
        "CLAUDE_CODE_DISABLE_ADAPTIVE_THINKING",
        "DISABLE_INTERLEAVED_THINKING",
        "CLAUDE_CODE_DISABLE_1M_CONTEXT",
        "CLAUDE_CODE_DISABLE_FAST_MODE",
        "CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK",
        "CLAUDE_CODE_ENABLE_FINE_GRAINED_TOOL_STREAMING",
        "ENABLE_TOOL_SEARCH",
        # Prompt caching.
        "DISABLE_PROMPT_CACHING",
        "DISABLE_PROMPT_CACHING_HAIKU",
        "DISABLE_PROMPT_CACHING_OPUS",
        "DISABLE_PROMPT_CACHING_SONNET",
        "ENABLE_PROMPT_CACHING_1H",
        "ENABLE_PROMPT_CACHING_1H_BEDROCK",
        # Time and size limits.
        "API_TIMEOUT_MS",
        "CLAUDE_CODE_MAX_RETRIES",
        "CLAUDE_STREAM_IDLE_TIMEOUT_MS",
        "BASH_DEFAULT_TIMEOUT_MS",
        "BASH_MAX_TIMEOUT_MS",
        "BASH_MAX_OUTPUT_LENGTH",
        "MCP_TIMEOUT",
        "MCP_TOOL_TIMEOUT",
        "TASK_MAX_OUTPUT_LENGTH",
        "SLASH_COMMAND_TOOL_CHAR_BUDGET",
        # Less traffic, fewer updates, quieter (each only turns something off).
        "DISABLE_AUTOUPDATER",
        "DISABLE_TELEMETRY",
        "DISABLE_ERROR_REPORTING",
        "DISABLE_COST_WARNINGS",
        "DISABLE_AUTO_COMPACT",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
        "CLAUDE_CODE_CERT_STORE",  # bundled or system CAs; trusts no new one
    }
)
# Vertex's per-model regions (VERTEX_REGION_CLAUDE_3_5_HAIKU, ...): a region name each.
_VERTEX_MODEL_REGION = "VERTEX_REGION_CLAUDE_"


def _vertex_model_region(name: str) -> bool:
    rest = name[len(_VERTEX_MODEL_REGION) :]
    plain = all("A" <= c <= "Z" or "0" <= c <= "9" or c == "_" for c in rest)
    return name.startswith(_VERTEX_MODEL_REGION) and bool(rest) and plain


# Values the client pastes into a host name (https://bedrock-runtime.${AWS_REGION}.amazonaws.com,
# https://${CLOUD_ML_REGION}-aiplatform..., the Foundry resource): a second review sent a
# Bedrock key to another host with AWS_REGION='evil.example/x?'. Such a value is a name.
_NAMES_A_HOST_PART = frozenset(
    {
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION",
        "CLOUD_ML_REGION",
        "ANTHROPIC_FOUNDRY_RESOURCE",
        "ANTHROPIC_VERTEX_PROJECT_ID",
        "GOOGLE_CLOUD_PROJECT",
        "GCLOUD_PROJECT",
        "ANTHROPIC_AWS_WORKSPACE_ID",
        "ANTHROPIC_BEDROCK_REGION_PREFIX",
    }
)
# What a remedy file may put in CLAUDE_CODE_EXTRA_BODY: the client spreads it over every
# request body, so `system` or `messages` there would replace the prompt (second review).
EXTRA_BODY_KEYS = ("thinking", "anthropic_beta", "service_tier")


def value_refusal(name: str, value: str) -> str | None:
    """Why a remedy file may not give `name` this value, in a phrase; None when it may."""
    names_a_host_part = name in _NAMES_A_HOST_PART or _vertex_model_region(name)
    if names_a_host_part and value and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", value):
        return f"{name} is a region, project or resource name, not {value!r}"
    if name == "CLAUDE_CODE_EXTRA_BODY":
        import json

        try:
            body = json.loads(value)
        except ValueError:
            return f"{name} must be a JSON object"
        if not isinstance(body, dict) or not set(body) <= set(EXTRA_BODY_KEYS):
            return f"{name} may hold only {', '.join(EXTRA_BODY_KEYS)} in a remedy file"
    return None


def refusal(name: str) -> str | None:
    """Why a remedy file may not change `name`, in a phrase; None when it may."""
    if name in LISTED or _vertex_model_region(name):
        return None
    if re.match(_RUNS_CODE, name):
        return f"{name} makes programs load or run code of its value's choosing"
    return (
        f"{name} is not on remedy's list of Claude Code settings a remedy file may change "
        "(remedies/claude/config_variables.py)"
    )


def is_configuration(name: str) -> bool:
    """Whether `name` is Claude Code configuration a remedy file may change."""
    return refusal(name) is None
