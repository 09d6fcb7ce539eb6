"""The README is short and sends the rest to docs/; every link between them leads somewhere.

Issue 26: the README had grown to ~1,500 lines; it now says what remedy is, how to try and
install it, the five commands and the remedies, and links one page per topic in docs/. What
holds that shape:

- every relative link in README.md and docs/*.md names a file that exists and, with a
  `#anchor`, a heading of that file (the anchor GitHub makes of it);
- every page in docs/ is linked from the README (no page only a search would find);
- the README stays under README_MAX_LINES;
- docs/commands.md has a section for every command `remedy --help` lists, and each section
  names every option that command's `--help` shows (for `apply` and `export`, also those of
  the built-in remedies and `apply auto`), so `--help` and the docs agree.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from remedies.catalog.registry import BUILTIN
from remedies.commands import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
COMMANDS_PAGE = DOCS / "commands.md"

# "A few screens": three screens of a 50-line terminal or browser window, where the README is
# read before anything is installed. It is 111 lines now; the rest is headroom for the small
# additions others make, never for a section that belongs in docs/ (add a page and a row to
# the README's "Read more" table instead).
README_MAX_LINES = 150

_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
# [text](target) or ![alt](target "title"); the text may hold one level of [brackets].
_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]"
    r"\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.*?)[ \t]*#*[ \t]*$")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # https:, mailto:, ...


def prose_lines(markdown: str) -> Iterator[tuple[int, str]]:
    """(line number, line) outside fenced code, with inline code spans blanked (a `[x](y)`
    inside backticks is an example, not a link)."""
    fenced = False
    for number, line in enumerate(markdown.splitlines(), 1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced and not line.startswith("    "):
            yield number, _CODE_SPAN.sub(lambda m: "x" * len(m.group(0)), line)


def links(markdown: str) -> Iterator[tuple[int, str]]:
    """(line number, target) of each Markdown link outside code."""
    for number, line in prose_lines(markdown):
        for match in _LINK.finditer(line):
            yield number, match["target"]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, code ticks and punctuation dropped (a
    hyphen and an underscore kept), each space a hyphen."""
    text = heading.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """Every heading's anchor, outside fenced code; a repeated one gets -1, -2, as on GitHub."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    fenced = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)):
            base = slug(match["text"])
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def broken_links(path: Path, root: Path = ROOT) -> list[str]:
    """`file:line: target: why` for each relative link in `path` that leads nowhere."""
    bad: list[str] = []
    for number, target in links(path.read_text()):
        if _EXTERNAL.match(target):
            continue
        where = f"{path.relative_to(root)}:{number}: {target}"
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            bad.append(f"{where}: no such file")
        elif anchor and (linked.suffix != ".md" or anchor not in anchors(linked.read_text())):
            bad.append(f"{where}: no heading with anchor #{anchor}")
    return bad


def test_links_and_anchors_are_read_as_github_reads_them(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    (tmp_path / "other.md").write_text("# Other\n\n## `remedy apply upgrade`\n\n## A, b's c\n")
    page.write_text(
        "# Page\n\n## Same\n\n## Same\n\n"
        "[ok](other.md#remedy-apply-upgrade) [ok](other.md#a-bs-c) [ok](#same-1)\n"
        "[gone](missing.md) [no anchor](other.md#nope) [ok](https://example.com/x.md)\n"
        "`[code](missing.md)` is an example\n"
        "```\n[fenced](missing.md)\n# not a heading\n```\n"
        "[self](#not-a-heading)\n"
    )
    bad = [line.split(": ", 1)[1] for line in broken_links(page, tmp_path)]
    assert bad == [
        "missing.md: no such file",
        "other.md#nope: no heading with anchor #nope",
        "#not-a-heading: no heading with anchor #not-a-heading",
    ]


@pytest.mark.parametrize("path", pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_and_heading_that_exist(path: Path) -> None:
    bad = broken_links(path)
    assert not bad, "\n".join(bad)


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {
        (README.parent / target.partition("#")[0]).resolve()
        for _, target in links(README.read_text())
        if not _EXTERNAL.match(target)
    }
    unlinked = [p.name for p in sorted(DOCS.glob("*.md")) if p.resolve() not in linked]
    assert not unlinked, f"docs pages the README does not link: {unlinked}"


def test_the_readme_fits_on_a_few_screens() -> None:
    count = len(README.read_text().splitlines())
    assert count <= README_MAX_LINES, (
        f"README.md has {count} lines (at most {README_MAX_LINES}): move the detail to a page "
        "in docs/ and link it"
    )


# --- docs/commands.md and --help ---------------------------------------------------------


def sections(markdown: str) -> dict[str, str]:
    """Each `## ` section of a page (its `###` subsections included), by heading text."""
    found: dict[str, str] = {}
    heading = None
    body: list[str] = []
    for line in markdown.splitlines():
        if line.startswith("## "):
            if heading is not None:
                found[heading] = "\n".join(body)
            heading, body = line[3:].strip(), []
        elif heading is not None:
            body.append(line)
    if heading is not None:
        found[heading] = "\n".join(body)
    return found


def command_section(name: str) -> str:
    """The section of docs/commands.md whose heading names `remedy NAME`."""
    for heading, body in sections(COMMANDS_PAGE.read_text()).items():
        if re.search(rf"`remedy {re.escape(name)}`", heading):
            return body
    raise AssertionError(f"docs/commands.md has no section headed `remedy {name}`")


def documented_commands(name: str) -> Iterator[tuple[str, click.Command]]:
    """The command and, for a group, the subcommands the page documents: every built-in
    remedy and what is not a remedy at all (`apply auto`). A remedy file's options come from
    the file; docs/remedy-files.md describes them."""
    command = importlib.import_module(COMMANDS[name].module).command
    yield name, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for sub in command.list_commands(ctx):
            if sub in BUILTIN or sub == "auto":
                found = command.get_command(ctx, sub)
                assert found is not None
                yield f"{name} {sub}", found


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_docs_commands_has_each_command_and_every_option_its_help_shows(name: str) -> None:
    text = command_section(name)
    missing = [
        f"{shown}: {option}"
        for shown, command in documented_commands(name)
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden
        for option in (*param.opts, *param.secondary_opts)
        if option.startswith("--")
        and option != "--help"
        and not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text)
    ]
    assert not missing, f"docs/commands.md, `remedy {name}`, does not name: {missing}"
