"""Where Claude Code's managed settings live, and how remedy names its own drop-in there.

Kept free of heavy imports: `remedy status` names the drop-ins in place and must stay light.
"""

from __future__ import annotations

from pathlib import Path

from remedies.context import Context

DROPIN_FOLDER = "managed-settings.d"
MAIN_FILE = "managed-settings.json"
# Administrators number their drop-ins (10-base.json, 50-proxy.json); "zz-" sorts after every
# such name, and the rest says who wrote it and for which remedy.
DROPIN_PREFIX = "zz-remedy-"


def managed_dir(ctx: Context) -> Path:
    if ctx.platform == "darwin":
        return ctx.system_path("/Library/Application Support/ClaudeCode")
    return ctx.system_path("/etc/claude-code")


def dropin_path(ctx: Context, remedy: str) -> Path:
    return managed_dir(ctx) / DROPIN_FOLDER / f"{DROPIN_PREFIX}{remedy}.json"


def is_ours(path: Path) -> bool:
    return path.parent.name == DROPIN_FOLDER and path.name.startswith(DROPIN_PREFIX)


def applied_on_machine(ctx: Context) -> list[str]:
    """The remedies whose drop-in is in place, from the files themselves (world-readable,
    unlike the administrator's journal)."""
    folder = managed_dir(ctx) / DROPIN_FOLDER
    found = folder.glob(f"{DROPIN_PREFIX}*.json")
    return sorted(p.name[len(DROPIN_PREFIX) : -len(".json")] for p in found)
