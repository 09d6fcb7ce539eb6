"""Where the client finds its AWS region when its environment names none (AWS_REGION, then
AWS_DEFAULT_REGION): up to 2.1.171 nowhere (it uses us-east-1, whatever ~/.aws/config says);
from 2.1.172 (CHANGELOG: "region read from ~/.aws config") in the AWS config file, the
section of the profile AWS_PROFILE names, else [default]. Measured with a profile `work`
whose region is eu-west-1, AWS_PROFILE=work and no AWS_REGION: 2.1.111 asked for
us.anthropic.claude-sonnet-4-5-…, 2.1.332 for eu.anthropic.claude-opus-5-5.

The offline probe keeps the user's AWS files from the client (a profile may hold keys, a
credential_process or an SSO session, and AWS_PROFILE is taken away): so it gives the client
a config file holding that one region and nothing else (`region_only_config`), which a client
that reads it reads and an older one ignores, as each would at the user's. A proof that the
model fits the region then judges by the region the client that ran used (`region_read`).
"""

from __future__ import annotations

import configparser
from collections.abc import Mapping
from pathlib import Path

from packaging.version import Version

from remedies.claude.known_issues import parse_version
from remedies.claude.region import REGION, REGION_VARIABLES
from remedies.context import Context
from remedies.engine.fileio import read_bytes
from remedies.engine.startup_bounds import check_size
from remedies.errors import RemedyError
from remedies.output import display

READS_AWS_CONFIG = Version("2.1.172")


def config_region(ctx: Context, env: Mapping[str, str]) -> str | None:
    """The region the AWS config file gives the profile `env` selects (the client's own
    environment, settings merged in): AWS_CONFIG_FILE moves the file, AWS_PROFILE picks the
    section. Parsed as data, bounded; None where there is none, it cannot be read, or it is
    no region's name (the client falls back to its default for a malformed one, from
    2.1.232, and a probe's file and a host shown must not carry anything else)."""
    path = Path(env.get("AWS_CONFIG_FILE") or ctx.home / ".aws" / "config")
    try:
        check_size(path, display(ctx, path))
        data = read_bytes(path)
    except RemedyError:
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string((data or b"").decode("utf-8", "replace"))
    except configparser.Error:
        return None
    profile = env.get("AWS_PROFILE") or "default"
    section = "default" if profile == "default" else f"profile {profile}"
    region = parser.get(section, "region", fallback="").strip()
    return region if REGION.match(region) else None


def region_only_config(ctx: Context, env: Mapping[str, str]) -> str:
    """The text of an AWS config file for the probe: the region of the user's profile as its
    [default] (the probe runs with no AWS_PROFILE), nothing else; empty where there is none."""
    region = config_region(ctx, env)
    if region is None:
        return ""
    return f"[default]\nregion = {region}\n"


def region_read(ctx: Context, client_version: str | None, env: Mapping[str, str]) -> str | None:
    """The AWS config's region where the client that ran reads it there (2.1.172 and later)
    and its environment names none; else None (the environment's, or us-east-1, holds)."""
    version = parse_version(client_version)
    if version is None or version < READS_AWS_CONFIG:
        return None
    if any(env.get(name) for name in REGION_VARIABLES):
        return None
    return config_region(ctx, env)
