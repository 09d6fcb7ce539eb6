"""What root may run, judged in this process on real files (remedies/root_programs.py): the
ways in an adversarial review found after the first fix of issue 22's item 3, each as the
smallest layout that shows it. Needs root, to give files to another uid."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from remedies.errors import RemedyError
from remedies.root_programs import env_for_root_run, root_safe_path, why_not_owned_alone
from tests.support import figures
from tests.support.system import require_root

pytestmark = [pytest.mark.root]

SOMEONE = 4242
ROOT = frozenset({0})


@pytest.fixture
def place(tmp_path: Path) -> Path:
    require_root("files given to another uid")
    tmp_path.chmod(0o755)
    return tmp_path


def folder(path: Path, owner: int = 0) -> Path:
    path.mkdir(parents=True)
    path.chmod(0o755)
    os.chown(path, owner, owner)
    return path


def program(path: Path, text: str = "#!/bin/sh\nexit 0\n", owner: int = 0) -> Path:
    path.write_text(text)
    path.chmod(0o755)
    os.chown(path, owner, owner)
    return path


def test_a_link_through_a_users_folder_is_refused(place: Path) -> None:
    """root's link -> a link in a user's folder -> root's program: the user can swap the
    middle link between the check and the exec (the review won 2 runs in 30)."""
    real = program(folder(place / "real") / "cli")
    users = folder(place / "users", SOMEONE)
    (users / "middle").symlink_to(real)
    os.lchown(users / "middle", SOMEONE, SOMEONE)
    (folder(place / "bin") / "claude").symlink_to(users / "middle")
    problem = why_not_owned_alone(place / "bin" / "claude", ROOT)
    assert problem is not None and f"uid {SOMEONE}" in problem and "users" in problem
    assert why_not_owned_alone(real, ROOT) is None, "the program itself is root's"
    figures.add("privilege attacks refused")


def test_a_root_folder_holding_a_users_program_is_not_searched(place: Path) -> None:
    clean = folder(place / "clean")
    program(clean / "node")
    mixed = folder(place / "mixed")
    program(mixed / "ps", owner=SOMEONE)
    writable = folder(place / "writable")
    program(writable / "git").chmod(0o777)
    dangling = folder(place / "dangling")
    (dangling / "rg").symlink_to(folder(place / "theirs", SOMEONE) / "rg")
    kept = root_safe_path(os.pathsep.join(map(str, (clean, mixed, writable, dangling))))
    assert kept == str(clean)
    figures.add("privilege attacks refused", 3)


@pytest.mark.parametrize(
    "line",
    [
        "/usr/bin/env -S ${NODE}",
        "/usr/bin/env --split-string=node x",
        "/usr/bin/env -P /usr/local/bin node",
        "/usr/bin/env -S PATH=/home/u/bin node",
        "/usr/bin/env FOO=1 node",
        "/usr/bin/env -i node",
        "/usr/bin/env nowhere-to-be-found",
        "bin/relative-interpreter",
    ],
)
def test_a_first_line_remedy_cannot_be_sure_of_is_not_run(place: Path, line: str) -> None:
    script = program(folder(place / "bin") / "claude", f"#!{line}\nconsole.log(1)\n")
    with pytest.raises(RemedyError) as caught:
        env_for_root_run(str(script), {"PATH": "/usr/bin:/bin"})
    assert "root does not run" in str(caught.value)
    figures.add("privilege attacks refused")


@pytest.mark.parametrize("line", ["/usr/bin/env sh", "/usr/bin/env -S sh -e", "/bin/sh"])
def test_a_plain_first_line_is_run(place: Path, line: str) -> None:
    script = program(folder(place / "bin") / "claude", f"#!{line}\nexit 0\n")
    env = env_for_root_run(str(script), {"PATH": "/usr/bin:/bin"})
    assert env["PATH"] == "/usr/bin:/bin"


def test_with_no_folder_left_a_program_is_looked_for_nowhere(place: Path) -> None:
    """An empty PATH is the working folder to sh and env; a missing one is Python's default
    (a second review ran a user's ./claude as root when every folder had been dropped)."""
    theirs = folder(place / "theirs", SOMEONE)
    program(theirs / "claude", owner=SOMEONE)
    env = env_for_root_run("claude", {"PATH": str(theirs)})
    assert env["PATH"].startswith("/nonexistent/"), env["PATH"]
    assert env_for_root_run("sh", {})["PATH"] in ("/bin:/usr/bin", "/usr/bin:/bin", "/bin")
    figures.add("privilege attacks refused")
