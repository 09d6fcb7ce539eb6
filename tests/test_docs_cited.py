"""A comment that cites a fact cites something in the repository.

Comments name where the facts about Claude Code they rely on were measured, as
`docs/claude-code.md, "Provider precedence"`. Each such citation must name a file in docs/
and, when it names a section, a heading of that file: renaming a heading breaks the citations
of it here, not in a reader's head later. Issue 23: sixteen lines of code cited a FACTS.md that
was never in the repository, so no reader could follow them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Everything a reader of the code reads: the code, its tests, the tools around it, the README.
SCANNED = ("remedies", "shells", "tests", "bench", "demo", "fleet", "docs", "README.md")
SKIPPED = {".venv", ".cache", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
GONE = "FACTS.md"

# `docs/<file>`, then, when a section is named, a comma and the heading in double quotes; a
# comment line may break between the two (`docs/x.md,` / `# "Heading"`).
# Not a URL's path (`code.claude.com/docs/en/...`): docs/ at the start of a path.
_CITED = re.compile(r"(?<![\w./-])docs/(?P<file>[\w-]+(?:\.[\w-]+)*)")
_SECTION = re.compile(r',[ \t]*(?:\n[ \t]*(?:#[ \t]*)?)?"(?P<section>[^"\n]*)"')
_BROKEN_SECTION = re.compile(r',[ \t]*(?:\n[ \t]*(?:#[ \t]*)?)?"')
_HEADING = re.compile(r"#{1,6}[ \t]+(?P<text>.*?)[ \t]*#*[ \t]*\Z")


def scanned_files() -> Iterator[Path]:
    """Every file a reader of the code reads, but this one (its examples cite nothing)."""
    here = Path(__file__).resolve()
    for name in SCANNED:
        top = ROOT / name
        candidates = [top] if top.is_file() else sorted(top.rglob("*"))
        for path in candidates:
            skipped = SKIPPED.intersection(path.relative_to(ROOT).parts)
            if path.is_file() and not skipped and path.resolve() != here:
                yield path


def text_of(path: Path) -> str | None:
    data = path.read_bytes()
    return None if b"\0" in data else data.decode("utf-8", errors="replace")


def headings(markdown: str) -> set[str]:
    """The headings of a Markdown file, outside fenced code (where `#` starts a comment)."""
    found: set[str] = set()
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)):
            found.add(match["text"])
    return found


def citations(text: str) -> Iterator[tuple[int, str, str | None]]:
    """(line, file, section or None) for each `docs/...` citation in `text`; a section that
    opens a quote and does not close it on that line is returned as "" (never a heading)."""
    for match in _CITED.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        after = text[match.end() :]
        if section := _SECTION.match(after):
            yield line, match["file"], section["section"]
        elif _BROKEN_SECTION.match(after):
            yield line, match["file"], ""
        else:
            yield line, match["file"], None


def test_citations_are_read_as_written() -> None:
    text = (
        'one (docs/a.md, "First heading"): x\n'
        "# two (docs/b.md,\n"
        '# "Second heading").\n'
        "three docs/c.md, and more; not https://x.com/docs/en.\n"
        'four (docs/d.md, "broken\n'
        '# heading")\n'
    )
    assert list(citations(text)) == [
        (1, "a.md", "First heading"),
        (2, "b.md", "Second heading"),
        (4, "c.md", None),
        (5, "d.md", ""),
    ]
    assert headings("# Top\n\n```sh\n# not one\n```\n## Second heading ##\n") == {
        "Top",
        "Second heading",
    }


def test_every_citation_of_docs_names_a_file_and_a_heading_that_exist() -> None:
    bad: list[str] = []
    seen = 0
    for path in scanned_files():
        text = text_of(path)
        if text is None:
            continue
        for line, name, section in citations(text):
            seen += 1
            where = f"{path.relative_to(ROOT)}:{line}"
            target = DOCS / name
            if not target.is_file():
                bad.append(f"{where}: docs/{name} does not exist")
            elif section is not None and section not in headings(target.read_text()):
                bad.append(f"{where}: docs/{name} has no heading {section!r}")
    assert not bad, "\n".join(bad)
    assert seen >= 10, f"only {seen} citations of docs/ found: is the pattern still right?"


@pytest.mark.parametrize("name", ["claude-code.md"])
def test_each_doc_says_how_its_facts_were_measured(name: str) -> None:
    text = (DOCS / name).read_text()
    assert "How these were measured" in headings(text)
    assert re.search(r"Re-measured \d{4}-\d{2}-\d{2}", text), "a re-measured fact names its day"


def test_nothing_cites_notes_outside_the_repository() -> None:
    citing = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in scanned_files()
        if (text := text_of(path)) is not None
        for number, line in enumerate(text.splitlines(), 1)
        if GONE in line
    ]
    assert not citing, f"{GONE} is not in the repository; cite docs/ instead: {citing}"
