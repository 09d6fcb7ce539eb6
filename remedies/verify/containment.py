"""Keeping a probe of the user's `claude` on this machine.

The child gets the environment a new shell of the user's would get, but:
- only what the process needs to run (PATH, HOME, locale, terminal) and Claude Code's own
  configuration pass (an allow list: claude.config_variables), never LD_PRELOAD,
  NODE_OPTIONS or anything else that loads code;
- every endpoint variable points at the loopback stand-in, each at its own path, so the
  stand-in can tell which endpoint the client chose;
- authentication is skipped (CLAUDE_CODE_SKIP_*_AUTH=1) and credentials, AWS profile and
  config files, instance metadata and proxies are taken away, so no signing and no
  credential lookup can reach a network (the AWS config file the child gets holds the
  region of the user's profile alone, which clients from 2.1.172 read: claude.client_region).
  Credentials are every secret-named variable
  (redact.is_secret), lists of headers among them (ANTHROPIC_CUSTOM_HEADERS carries
  `Authorization: Bearer …`): nothing a proof judges depends on them (measured, 2.1.111: an
  `anthropic-beta` given in ANTHROPIC_CUSTOM_HEADERS is replaced by the client's own, on
  Bedrock and on Mantle), and the stand-in records every header it is sent;
- the first-party API's credentials are the exception: ANTHROPIC_API_KEY and
  ANTHROPIC_AUTH_TOKEN, where set, get stand-in values in the same place, so the client sends
  the request it would (a key as `x-api-key`, a token as `Authorization: Bearer`) to the
  stand-in, which takes any; with no provider on and neither set (a login kept in the real
  home the child does not get, an apiKeyHelper command it is not given), a stand-in key.
  Without one, 2.1.111 stops at "Not logged in" and sends nothing (measured): every gateway
  user failed verify, and no `endpoint = "anthropic"` proof could run;
- every other request goes to a proxy on a loopback port that refuses it (with a key,
  2.1.111 asks api.anthropic.com whether metrics are enabled, whatever else is set);
- CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1: measured to be the only switch that stops the
  client from looking up api.anthropic.com;
- HOME, CLAUDE_CONFIG_DIR and the working folder are throwaway folders: the user's settings
  `env` and `model` are copied there (already merged in Claude Code's precedence, redirected
  the same way), never their hooks, MCP servers or credential helpers, which run commands.
Managed settings are read from a fixed system path the child cannot be kept from; if they
set anything but a short list of harmless variables, the probe is refused, not sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from remedies.claude.client_region import region_only_config
from remedies.claude.config_variables import is_configuration
from remedies.claude.settings_files import load, settings_files
from remedies.claude.sources import MODEL_VARIABLES, PROVIDER_FLAGS, is_on
from remedies.context import Context
from remedies.errors import RemedyError
from remedies.output import display
from remedies.redact import is_secret

# Every claude remedy runs gets these: no MCP server but the (empty) set given here. In -p mode
# the client starts the stdio servers of every .mcp.json in its working folder and the folders
# above it without asking (an adversarial review ran a user's /tmp/.mcp.json as root that way,
# with 2.1.111); 2.1.69 and 2.1.111 both know the flags.
NO_MCP = ("--strict-mcp-config", "--mcp-config", '{"mcpServers":{}}')

# Each endpoint variable and the path prefix it gets at the stand-in.
ENDPOINTS = {
    "ANTHROPIC_BEDROCK_BASE_URL": "bedrock",
    "ANTHROPIC_BEDROCK_MANTLE_BASE_URL": "mantle",
    "ANTHROPIC_BASE_URL": "anthropic",
    "ANTHROPIC_VERTEX_BASE_URL": "vertex",
    "ANTHROPIC_FOUNDRY_BASE_URL": "foundry",
    "ANTHROPIC_AWS_BASE_URL": "anthropic-aws",
}
QUIET = {
    # The stand-in's answers are final: retrying only delays the verdict.
    "CLAUDE_CODE_MAX_RETRIES": "0",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    "DISABLE_TELEMETRY": "1",
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_ERROR_REPORTING": "1",
}
SKIP_AUTH = {
    "CLAUDE_CODE_SKIP_BEDROCK_AUTH": "1",
    "CLAUDE_CODE_SKIP_MANTLE_AUTH": "1",
    "CLAUDE_CODE_SKIP_VERTEX_AUTH": "1",
    "CLAUDE_CODE_SKIP_FOUNDRY_AUTH": "1",
    "CLAUDE_CODE_SKIP_ANTHROPIC_AWS_AUTH": "1",
}
# Every request not for the stand-in goes to a proxy that refuses it. With an API key
# (a stand-in one included) 2.1.111 asks api.anthropic.com whether metrics are enabled,
# whatever ANTHROPIC_BASE_URL says and with every traffic switch off (found by review,
# traced with strace): only this keeps that request on the machine.
_REFUSED = "http://127.0.0.1:9"
NOWHERE = {
    "HTTPS_PROXY": _REFUSED,
    "HTTP_PROXY": _REFUSED,
    "https_proxy": _REFUSED,
    "http_proxy": _REFUSED,
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}
# The first-party API's credentials, each given back as a stand-in value where it is set
# (not a secret: the stand-in is all it ever reaches).
STANDIN_CREDENTIALS = {
    "ANTHROPIC_API_KEY": "sk-ant-api03-remedy-stand-in-key",
    "ANTHROPIC_AUTH_TOKEN": "remedy-stand-in-token",
}
# Taken away from the child: anything that finds credentials, or routes traffic elsewhere.
_REMOVED = {
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_BEDROCK",
    "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "NODE_OPTIONS",
    "CLAUDE_CODE_USE_BEDROCK_SSO",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "CLOUDSDK_CONFIG",
}
# What managed settings may set without making a probe unsafe.
_HARMLESS_MANAGED_ENV = {
    *PROVIDER_FLAGS,
    *MODEL_VARIABLES,
    *QUIET,
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "CLOUD_ML_REGION",
    "ANTHROPIC_VERTEX_PROJECT_ID",
    "CLAUDE_CODE_EXTRA_BODY",
    "CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS",
    "CLAUDE_CODE_MAX_OUTPUT_TOKENS",
}
# Settings keys that run commands or reach out on their own.
_COMMAND_KEYS = (
    "apiKeyHelper",
    "awsAuthRefresh",
    "awsCredentialExport",
    "otelHeadersHelper",
    "hooks",
)


# What the child needs to run at all. Everything else it gets is Claude Code's configuration
# (claude.config_variables): an allow list, so that nothing else a shell or a settings file
# sets (LD_PRELOAD, NODE_OPTIONS, PYTHONPATH, whatever comes next) reaches the probe.
_PROCESS_BASICS = frozenset(
    {"PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "TZ", "TMPDIR", "NO_COLOR"}
)


def _kept(name: str) -> bool:
    allowed = name in _PROCESS_BASICS or name.startswith("LC_") or is_configuration(name)
    return (
        allowed
        and name not in _REMOVED
        and not is_secret(name)
        and name not in ENDPOINTS
        and not name.endswith("_BASE_URL")
    )


def _scrub(env: dict[str, str], standin_url: str) -> dict[str, str]:
    kept = {k: v for k, v in env.items() if _kept(k)}
    kept.update({name: f"{standin_url}/{prefix}" for name, prefix in ENDPOINTS.items()})
    kept.update(SKIP_AUTH)
    kept.update(QUIET)
    return kept


def _swapped(env: dict[str, str], swap: Mapping[str, str]) -> dict[str, str]:
    return {k: swap.get(k, v) for k, v in env.items()}


def _stand_in_credentials(env: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in STANDIN_CREDENTIALS.items() if env.get(name)}


def refuse_unsafe_managed_settings(ctx: Context) -> None:
    for file in settings_files(ctx):
        if file.scope != "managed":
            continue
        loaded = load(file, display(ctx, file.path))
        if loaded is None:
            continue
        unsafe = sorted(k for k in loaded.env if k not in _HARMLESS_MANAGED_ENV)
        unsafe += [k for k in _COMMAND_KEYS if k in loaded.document]
        if unsafe:
            raise RemedyError(
                f"managed settings {display(ctx, file.path)} set {', '.join(unsafe)}; Claude "
                "Code always reads them and they cannot be redirected to the loopback stand-in, "
                "so the offline probe was not run and nothing was sent. `remedy verify --live` "
                "checks against the real service instead"
            )


@dataclass(frozen=True)
class Contained:
    """Where and how to run the child: its environment and working folder."""

    env: dict[str, str]
    cwd: Path
    settings: dict[str, Any]  # what the throwaway settings.json holds


def merged_user_settings(ctx: Context) -> tuple[dict[str, str], str | None]:
    """The user, project and local settings' env merged in Claude Code's order, and model."""
    env: dict[str, str] = {}
    model: str | None = None
    if ctx.machine:
        return env, model  # as any user of the machine: no home, no user settings
    for file in settings_files(ctx):
        if file.scope == "managed":
            continue  # read by the child itself, from the system path
        loaded = load(file, display(ctx, file.path))
        if loaded is None:
            continue
        env.update(loaded.env)
        if isinstance(loaded.document.get("model"), str):
            model = loaded.document["model"]
    return env, model


def contain(
    ctx: Context,
    shell_env: dict[str, str],
    standin_url: str,
    scratch: Path,
    swap: Mapping[str, str] | None = None,
    *,
    given: tuple[Mapping[str, str], str | None] | None = None,
) -> Contained:
    """Prepare throwaway folders under `scratch` and the child's environment. `swap`: values
    replaced wherever the variable is set (a shell, settings), the place kept. `given`:
    the merged settings env and model to give the client instead of the user's (check's run
    with a remedy that changes settings files)."""
    refuse_unsafe_managed_settings(ctx)
    home, config, work = scratch / "home", scratch / "config", scratch / "work"
    for folder in (home, config, work):
        folder.mkdir(parents=True, exist_ok=True)
    given_env, model = given if given is not None else merged_user_settings(ctx)
    settings_env = dict(given_env)
    swap = swap or {}
    settings: dict[str, Any] = {}
    if settings_env or model is not None:
        # The user's settings, pointed at the stand-in (their env wins over the shell's, so
        # it must carry the stand-in too). None when they have none, as the client would
        # find it: reading a settings file costs it ~45 ms (measured, 2.1.111).
        settings["env"] = _swapped(_scrub(settings_env, standin_url), swap)
        settings["env"].update(_stand_in_credentials(settings_env))
        if model is not None:
            settings["model"] = model
        (config / "settings.json").write_text(json.dumps(settings, indent=2))
    empty = scratch / "empty"
    empty.write_text("")
    # The region of the user's AWS profile, nothing else of their AWS files: a client from
    # 2.1.172 reads it there when no variable names one (claude.client_region).
    aws_config = scratch / "aws-config"
    aws_config.write_text(region_only_config(ctx, {**shell_env, **settings_env}))
    env = _swapped(_scrub(shell_env, standin_url), swap)
    env.update(_stand_in_credentials(shell_env))
    merged = {**shell_env, **settings_env}
    provider = any(is_on(merged.get(flag)) for flag in PROVIDER_FLAGS)
    if not provider and not any(merged.get(name) for name in STANDIN_CREDENTIALS):
        env["ANTHROPIC_API_KEY"] = STANDIN_CREDENTIALS["ANTHROPIC_API_KEY"]
    env.update(
        {
            "HOME": str(home),
            "CLAUDE_CONFIG_DIR": str(config),
            "AWS_CONFIG_FILE": str(aws_config),
            "AWS_SHARED_CREDENTIALS_FILE": str(empty),
            "AWS_EC2_METADATA_DISABLED": "true",
            **NOWHERE,
        }
    )
    return Contained(env, work, settings)
