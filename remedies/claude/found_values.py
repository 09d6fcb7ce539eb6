"""Values a user has already configured for another tool, read as a remedy option's default
(`default_from` in a remedy file): the AWS profile's region, gcloud's project.

Both files are the user's data: parsed, never run; a file that is missing or unreadable
gives nothing, and the option then has to be given."""

from __future__ import annotations

import configparser
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from remedies.claude.sources import from_aws_config
from remedies.context import Context
from remedies.engine.fileio import read_bytes
from remedies.engine.startup_bounds import check_size
from remedies.errors import RemedyError
from remedies.output import display


@dataclass(frozen=True)
class Found:
    value: str
    where: str  # for a person: "~/.aws/config [default] region"


def aws_config_region(ctx: Context, env: Mapping[str, str]) -> Found | None:
    """The region of the profile a new shell selects (AWS_PROFILE, else default)."""
    profile = env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE") or "default"
    for source in from_aws_config(ctx, profile):
        if source.value:
            return Found(source.value, source.where(ctx.home))
    return None


def gcloud_project(ctx: Context, env: Mapping[str, str]) -> Found | None:
    """gcloud's core/project in its active configuration (CLOUDSDK_CONFIG moves the folder,
    CLOUDSDK_ACTIVE_CONFIG_NAME or the `active_config` file names the configuration)."""
    folder = Path(env.get("CLOUDSDK_CONFIG") or ctx.home / ".config" / "gcloud")
    name = env.get("CLOUDSDK_ACTIVE_CONFIG_NAME") or _text(ctx, folder / "active_config")
    path = folder / "configurations" / f"config_{(name or 'default').strip()}"
    text = _text(ctx, path)
    if not text:
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    project = parser.get("core", "project", fallback="").strip()
    return Found(project, f"{display(ctx, path)} [core] project") if project else None


def _text(ctx: Context, path: Path) -> str | None:
    check_size(path, display(ctx, path))
    try:
        data = read_bytes(path)
    except RemedyError:
        return None
    return data.decode("utf-8", "replace") if data else None


LOOKUPS: dict[str, Callable[[Context, Mapping[str, str]], Found | None]] = {
    "aws-config-region": aws_config_region,
    "gcloud-project": gcloud_project,
}
