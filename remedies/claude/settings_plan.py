"""Planning edits to Claude Code's settings files: only the keys a remedy concerns.

A remedy supplies a SettingsPlanner (what to change in one loaded file); this module decides
which files may be changed: the user's always, the project's with --project, managed ones
only with --system and write access. A malformed settings file stops everything before any
file changes, with its name and the parser's message.
"""

from __future__ import annotations

import os

from remedies.claude.settings_files import (
    LoadedSettings,
    SettingsPlanner,
    js_string,
    load,
    settings_files,
)
from remedies.context import Context
from remedies.engine.jsonedit import apply_ops
from remedies.engine.transaction import Change
from remedies.engine.undo import JsonUndo
from remedies.errors import FileProblem, RemedyError
from remedies.output import display
from remedies.redact import printable, shown


def _keys(ops: list[tuple[tuple[str, ...], str, str | None]]) -> str:
    return ", ".join(".".join((*path, key)) for path, key, _ in ops)


def _what_it_sets(
    loaded: LoadedSettings, ops: list[tuple[tuple[str, ...], str, str | None]]
) -> str:
    """The keys the remedy changes that the file really sets, with their values (a key the
    remedy would only add is not the file's doing), secrets masked."""
    found = []
    for path, key, _new in ops:
        holder: object = loaded.document
        for part in path:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if isinstance(holder, dict) and key in holder:
            value = printable(shown(key, js_string(holder[key])) or "")
            found.append(f"{'.'.join((*path, key))}={value}")
    return ", ".join(found) or _keys(ops)


def plan_settings_changes(
    ctx: Context, planner: SettingsPlanner, *, remedy: str, project: bool, system: bool
) -> tuple[list[Change], list[str]]:
    changes: list[Change] = []
    notes: list[str] = []
    blocked: list[str] = []
    for file in settings_files(ctx):
        where = display(ctx, file.path)
        try:
            loaded = load(file, where)
        except FileProblem as e:
            if file.scope != "managed":
                raise
            notes.append(f"could not read managed settings: {e}")
            continue
        if loaded is None:
            continue
        ops = planner(loaded)
        if not ops:
            continue
        if file.scope in ("project", "local") and not project:
            notes.append(
                f"{where} sets {_what_it_sets(loaded, ops)} for this folder, over every shell: "
                f"apply did not fix this folder, where `claude` still gets it; run `remedy apply "
                f"{remedy} --project` here to change it too"
            )
            continue
        if file.scope == "managed":
            if not system:
                blocked.append(f"{where} ({_keys(ops)})")
                continue
            if not os.access(file.path, os.W_OK):
                raise RemedyError(
                    f"{where} is managed settings and this user cannot write it; run "
                    f"`remedy apply {remedy} --system` as an administrator"
                )
        new_text, undo = apply_ops(loaded.text, ops, where)
        if new_text != loaded.text:
            changes.append(
                Change(
                    state=loaded.state,
                    new=new_text.encode("utf-8"),
                    undo=JsonUndo(tuple(undo)),
                    summary=f"settings: {_keys(ops)}",
                )
            )
    if blocked:
        raise RemedyError(
            "managed settings override yours and only an administrator may change them: "
            f"{'; '.join(blocked)}. Ask one to run `remedy apply {remedy} --system`; "
            "nothing was changed"
        )
    return changes, notes
