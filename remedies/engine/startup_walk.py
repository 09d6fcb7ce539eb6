"""Which files a shell reads when it starts: its own start-up files and every file they source.

People keep their variables in files a start-up file sources (`~/.extra`, `~/.bashrc.d/*.sh`,
oh-my-zsh's `custom/*.zsh`, `~/.zshrc.local`); a setting there is as real as one in
`~/.bashrc`. `source`/`.` lines with a literal path are followed here without running
anything (shells.sourcing); files only a real run shows (a framework's loop over a computed
folder) come from the shell's trace (engine.new_shell) as `extra`. Reads, never runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from remedies.context import Context
from remedies.engine.blocks import split_lines
from remedies.engine.fileio import read_bytes
from remedies.engine.startup_bounds import check_startup_file
from remedies.errors import RemedyError
from remedies.output import display
from shells.base import Shell, Where

# How deep `source` chains are followed, and how many files at most: a loop over a big
# folder, or files that source each other, must not make us read without end.
MAX_DEPTH = 8
MAX_FILES = 256


@dataclass
class StartupFile:
    shell: Shell
    path: Path
    lines: list[bytes]
    via: str | None = None  # the line that sources it, for a person: "~/.zshrc:12"
    # 0-based line index -> the files sourced there, in the order the shell reads them.
    children: dict[int, list[StartupFile]] = field(default_factory=dict)

    def flat(self) -> Iterator[StartupFile]:
        yield self
        for index in sorted(self.children):
            for child in self.children[index]:
                yield from child.flat()


@dataclass
class _Walker:
    ctx: Context
    shell: Shell
    where: Where
    seen: set[Path]
    count: int = 0

    def visit(self, path: Path, depth: int, via: str | None) -> StartupFile | None:
        from shells.sourcing import expand, static_sources

        if path in self.seen or depth > MAX_DEPTH or self.count >= MAX_FILES:
            return None
        self.seen.add(path)
        # stat first: a device or pipe here would hang or flood a shell we start, and a
        # huge file would cost gigabytes to read. Refused with one line, by name.
        check_startup_file(path, display(self.ctx, path))
        try:
            data = read_bytes(path)
        except RemedyError:
            return None  # a dangling link, a hard link, no permission: reported elsewhere
        if data is None:
            return None
        self.count += 1
        found = StartupFile(self.shell, path, split_lines(data), via)
        for ref in static_sources(self.shell, data, self.where):
            here = f"{display(self.ctx, path)}:{ref.line}"
            for target in expand(ref.pattern):
                child = self.visit(target, depth + 1, here)
                if child is not None:
                    found.children.setdefault(ref.line - 1, []).append(child)
        return found


def walk(
    ctx: Context,
    shells: list[Shell],
    where: Where,
    extra: dict[str, tuple[str, ...]] | None = None,
) -> list[StartupFile]:
    """Per shell, its start-up files in reading order, each with the files it sources.

    A file is read once however many shells or lines name it. `extra` adds, per shell name,
    files a real run of it sourced that no literal line names; they come after its own."""
    seen: set[Path] = set()
    roots: list[StartupFile] = []
    for shell in shells:
        walker = _Walker(ctx, shell, where, seen)
        for path in shell.read_set(where):
            root = walker.visit(path, 0, None)
            if root is not None:
                roots.append(root)
        for name in (extra or {}).get(shell.name, ()):
            root = walker.visit(Path(name), 1, f"a new {shell.name}")
            if root is not None:
                roots.append(root)
    return roots


def sourced_files(roots: list[StartupFile]) -> dict[Path, Shell]:
    """Every file reached by sourcing (not a shell's own start-up file), and its shell."""
    found: dict[Path, Shell] = {}
    for root in roots:
        for item in root.flat():
            if item.via is not None:
                found.setdefault(item.path, item.shell)
    return found
