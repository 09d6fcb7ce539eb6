"""The judgement on a start-up file remedy cannot, or should not alone, change (issue 24,
item 7), as a pure function of observed facts: engine.managed_dotfiles. The homes laid out
the way home-manager, chezmoi, stow and yadm lay them out, with real shells, are in
tests/test_managed_homes.py; the fact-gathering parsers are tested here on files."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from remedies.engine import dotfile_facts
from remedies.engine.envedit import EnvEdit
from remedies.engine.managed_dotfiles import (
    Blocked,
    Facts,
    Kind,
    Managed,
    Owner,
    Place,
    Tools,
    Why,
    guidance,
    nix_store_entry,
    nix_string,
    render_blocked,
    render_managed,
    session_variables,
)

HOME = Path("/home/ann")
ANN = Owner(1000, "ann")
ROOT = Owner(0, "root")
STORE = Path("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-home-manager-files")
MANTLE = EnvEdit(
    unset=("CLAUDE_CODE_USE_BEDROCK",),
    set=(("CLAUDE_CODE_USE_MANTLE", "1"), ("AWS_REGION", "us-east-1")),
)


def facts(**given: object) -> Facts:
    """~/.zshrc, ann's, in her writable home: nothing to say, unless `given` says otherwise."""
    base = Facts(
        path=HOME / ".zshrc",
        target=HOME / ".zshrc",
        exists=True,
        folder=HOME,
        me=ANN,
        file_owner=ANN,
        folder_owner=ANN,
        folder_mode=0o755,
        folder_writable=True,
    )
    return replace(base, **given)  # type: ignore[arg-type]


def test_an_ordinary_file_needs_nothing() -> None:
    assert guidance(facts()) is None


def test_a_link_into_the_nix_store_is_blocked_even_when_writable() -> None:
    # root could write the store's file (a store not mounted read-only): its hash would lie.
    found = guidance(facts(target=STORE / ".zshrc", me=ROOT, file_owner=ROOT))
    assert isinstance(found, Blocked) and found.why is Why.NIX_STORE and found.home_manager


def test_home_manager_gets_its_session_variables_and_switch() -> None:
    hm = Tools(
        home_manager=HOME / ".config/home-manager/home.nix",
        set_in_nix=(Place("CLAUDE_CODE_USE_BEDROCK", HOME / ".config/home-manager/zsh.nix", 7),),
    )
    found = guidance(facts(target=STORE / ".zshrc", tools=hm, file_owner=ROOT))
    assert isinstance(found, Blocked)
    line = render_blocked(found, MANTLE, HOME, also=(HOME / ".zshenv",))
    assert line == (
        f"~/.zshrc cannot be changed: it links to {STORE}/.zshrc, a file in the read-only Nix "
        "store (home-manager made it) (so is ~/.zshenv); nothing was changed. Next: in "
        "~/.config/home-manager/home.nix put `home.sessionVariables = { "
        'CLAUDE_CODE_USE_MANTLE = "1"; AWS_REGION = "us-east-1"; };`; remove '
        "CLAUDE_CODE_USE_BEDROCK from ~/.config/home-manager/zsh.nix:7, then run "
        "`home-manager switch`"
    )


def test_home_manager_without_its_configuration_found() -> None:
    found = guidance(facts(target=STORE / ".zshrc"))
    assert isinstance(found, Blocked) and found.home_manager, "the store entry's name says so"
    line = render_blocked(found, MANTLE, HOME)
    assert "in your home-manager configuration put `home.sessionVariables" in line
    assert "remove CLAUDE_CODE_USE_BEDROCK from where your configuration sets it" in line


def test_a_nix_file_not_of_home_manager() -> None:
    other = Path("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-zshrc")
    found = guidance(facts(target=other))
    assert isinstance(found, Blocked) and not found.home_manager
    line = render_blocked(found, MANTLE, HOME)
    assert "(Nix built it)" in line and "change the Nix configuration that builds it" in line


def test_a_store_kept_elsewhere_is_a_store() -> None:
    assert nix_store_entry(Path("/tmp/x/nix/store/" + "a" * 32 + "-hm/.zshrc")) == (
        "/tmp/x/nix/store/" + "a" * 32 + "-hm"
    )
    assert nix_store_entry(Path("/home/ann/nix/store/notahash-x/.zshrc")) is None
    assert nix_store_entry(Path("/nix/store/" + "e" * 32 + "-x")) is None, "not Nix's base32"


def test_nix_strings_and_secrets() -> None:
    assert nix_string('a"b\\c${d}') == '"a\\"b\\\\c\\${d}"'
    body = '{"thinking":{"type":"adaptive"}}'
    edit = EnvEdit(set=(("CLAUDE_CODE_EXTRA_BODY", body), ("ANTHROPIC_API_KEY", "sk-ant-x")))
    assert session_variables(edit) == (
        'home.sessionVariables = { CLAUDE_CODE_EXTRA_BODY = "{\\"thinking\\":{\\"type\\":'
        '\\"adaptive\\"}}"; ANTHROPIC_API_KEY = "<your value>"; };'
    )


def test_an_immutable_file() -> None:
    bashrc = HOME / ".bashrc"
    found = guidance(facts(immutable=bashrc, path=bashrc, target=bashrc))
    assert isinstance(found, Blocked) and found.why is Why.IMMUTABLE
    line = render_blocked(found, MANTLE, HOME)
    assert line.startswith("~/.bashrc cannot be changed: ~/.bashrc has the immutable flag")
    assert line.endswith(
        "Next: an administrator must run `sudo chattr -i ~/.bashrc`, then run remedy again"
    )


def test_an_append_only_file() -> None:
    found = guidance(facts(immutable=HOME / ".zshrc", append_only=True))
    assert isinstance(found, Blocked) and found.why is Why.IMMUTABLE
    line = render_blocked(found, MANTLE, HOME)
    assert "~/.zshrc has the append-only flag (chattr +a)" in line
    assert "`sudo chattr -a ~/.zshrc`" in line


def test_an_immutable_flag_stops_root_too() -> None:
    found = guidance(facts(immutable=HOME, me=ROOT))
    assert isinstance(found, Blocked) and found.why is Why.IMMUTABLE


def test_a_read_only_filesystem_behind_a_link() -> None:
    shared = Path("/mnt/ro/bashrc")
    found = guidance(
        facts(
            path=HOME / ".bashrc",
            target=shared,
            folder=shared.parent,
            read_only_mount=Path("/mnt/ro"),
        )
    )
    assert isinstance(found, Blocked) and found.why is Why.READ_ONLY_FS
    line = render_blocked(found, MANTLE, HOME)
    assert "it links to /mnt/ro/bashrc, /mnt/ro/bashrc is on a read-only filesystem" in line
    assert "remount /mnt/ro read-write" in line
    assert "`cp --remove-destination /mnt/ro/bashrc ~/.bashrc`" in line


def test_a_file_of_another_owner() -> None:
    found = guidance(facts(file_owner=ROOT))
    assert isinstance(found, Blocked) and found.why is Why.OTHER_OWNER
    line = render_blocked(found, MANTLE, HOME)
    assert "~/.zshrc belongs to root, not to ann" in line
    assert "Next: run `sudo chown ann ~/.zshrc` (or ask root to), then run remedy again" in line


def test_root_keeps_owners_so_another_owner_is_no_bar_to_root() -> None:
    assert guidance(facts(me=ROOT)) is None


def test_a_folder_of_another_owner() -> None:
    found = guidance(facts(exists=False, file_owner=None, folder_owner=ROOT, folder_writable=False))
    assert isinstance(found, Blocked) and found.why is Why.OTHER_OWNER
    assert "its folder ~ belongs to root, not to ann" in render_blocked(found, MANTLE, HOME)


def test_a_folder_of_ones_own_without_write_permission() -> None:
    found = guidance(facts(folder_writable=False, folder_mode=0o555))
    assert isinstance(found, Blocked) and found.why is Why.NO_PERMISSION
    line = render_blocked(found, MANTLE, HOME)
    assert "ann may not write in ~ (mode 0555)" in line and "`chmod u+w ~`" in line


def test_chezmoi_notes_the_source_and_the_template() -> None:
    source = HOME / ".local/share/chezmoi/dot_zshrc"
    found = guidance(facts(tools=Tools(chezmoi_source=source)))
    assert isinstance(found, Managed) and found.kind is Kind.CHEZMOI
    assert render_managed(found, HOME) == (
        "~/.zshrc is made by chezmoi from ~/.local/share/chezmoi/dot_zshrc, "
        "and chezmoi apply would undo the change; to keep it: `chezmoi add ~/.zshrc`"
    )
    template = guidance(facts(tools=Tools(chezmoi_source=source.with_name("dot_zshrc.tmpl"))))
    assert isinstance(template, Managed)
    assert "from the template ~/.local/share/chezmoi/dot_zshrc.tmpl: make the same change" in (
        render_managed(template, HOME)
    )


def test_a_link_into_a_repository() -> None:
    repo = HOME / "dotfiles"
    found = guidance(facts(target=repo / "zsh/.zshrc", tools=Tools(repo=repo)))
    assert isinstance(found, Managed) and found.kind is Kind.REPO
    assert render_managed(found, HOME) == (
        "~/.zshrc links to ~/dotfiles/zsh/.zshrc: the change is in that file of the repository "
        "~/dotfiles; to commit it there: `git -C ~/dotfiles commit zsh/.zshrc`"
    )


def test_yadm() -> None:
    found = guidance(facts(tools=Tools(yadm_repo=HOME / ".local/share/yadm/repo.git")))
    assert isinstance(found, Managed) and found.kind is Kind.YADM
    assert render_managed(found, HOME) == (
        "~/.zshrc is tracked by yadm; to commit the change: `yadm commit ~/.zshrc`"
    )


def test_a_blocked_file_wins_over_its_tool() -> None:
    tools = Tools(chezmoi_source=HOME / ".local/share/chezmoi/dot_zshrc")
    assert isinstance(guidance(facts(tools=tools, immutable=HOME / ".zshrc")), Blocked)


# The parsers behind the facts.


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("dot_zshrc", ".zshrc"),
        ("private_dot_zshrc.tmpl", ".zshrc"),
        ("executable_dot_profile", ".profile"),
        ("private_dot_config", ".config"),
        ("exact_fish", "fish"),
        ("literal_dot_x", "dot_x"),
        ("encrypted_private_dot_netrc.age", ".netrc"),
    ],
)
def test_chezmoi_names(source: str, target: str) -> None:
    assert dotfile_facts.chezmoi_target_name(source) == target


def test_chezmoi_source_found_through_folders(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "config"
    fish = data / "chezmoi/private_dot_config/fish"
    fish.mkdir(parents=True)
    (fish / "config.fish.tmpl").write_text("set -gx X 1\n")
    found = dotfile_facts.chezmoi_source(config, data, ".config/fish/config.fish")
    assert found == fish / "config.fish.tmpl"
    assert dotfile_facts.chezmoi_source(config, data, ".zshrc") is None


def test_chezmoiroot_and_source_dir(tmp_path: Path) -> None:
    config, repo = tmp_path / "config", tmp_path / "src"
    (config / "chezmoi").mkdir(parents=True)
    (config / "chezmoi/chezmoi.toml").write_text(f'sourceDir = "{repo}"\n')
    (repo / "home").mkdir(parents=True)
    (repo / ".chezmoiroot").write_text("home\n")
    (repo / "home/dot_bashrc").write_text("")
    found = dotfile_facts.chezmoi_source(config, tmp_path / "data", ".bashrc")
    assert found == repo / "home/dot_bashrc"


@pytest.mark.parametrize("version", ["2", "3", "4"])
def test_git_index_paths(tmp_path: Path, version: str) -> None:
    git = "git"
    subprocess.run([git, "init", "-q", str(tmp_path)], check=True)
    for name in ("a/.zshrc", "a/.zshrc.local", ".bashrc", "long/" + "x" * 120):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    subprocess.run([git, "-C", str(tmp_path), "config", "index.version", version], check=True)
    subprocess.run([git, "-C", str(tmp_path), "add", "-A"], check=True)
    subprocess.run(
        [git, "-C", str(tmp_path), "update-index", "--index-version", version], check=True
    )
    found = dotfile_facts.index_paths(tmp_path / ".git/index")
    assert found == {"a/.zshrc", "a/.zshrc.local", ".bashrc", "long/" + "x" * 120}


def test_a_broken_index_lists_nothing(tmp_path: Path) -> None:
    (tmp_path / "index").write_bytes(b"DIRC\0\0\0\2\0\0\0\5garbage")
    assert dotfile_facts.index_paths(tmp_path / "index") == frozenset()
    assert dotfile_facts.index_paths(tmp_path / "none") == frozenset()


def test_nix_places(tmp_path: Path) -> None:
    (tmp_path / "modules").mkdir()
    (tmp_path / "home.nix").write_text("{ ... }: {\n  imports = [ ./modules/zsh.nix ];\n}\n")
    (tmp_path / "modules/zsh.nix").write_text(
        "{\n  # CLAUDE_CODE_USE_BEDROCK in a comment\n"
        "  programs.zsh.initExtra = ''\n    export CLAUDE_CODE_USE_BEDROCK=1\n  '';\n"
        "  home.sessionVariables.XCLAUDE_CODE_USE_BEDROCK = 1;\n}\n"
    )
    found = list(dotfile_facts.nix_places(tmp_path, ["CLAUDE_CODE_USE_BEDROCK"]))
    assert found == [Place("CLAUDE_CODE_USE_BEDROCK", tmp_path / "modules/zsh.nix", 4)]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400), st.integers(min_value=2, max_value=4), st.integers(0, 9))
@example(bytes(62) + b"\x80", 4, 1)  # a version 4 entry cut inside its varint
def test_a_git_index_of_any_bytes_is_read_or_not_known_never_a_crash(
    tail: bytes, version: int, count: int
) -> None:
    """A yadm index cut short or made up: nothing known, never an exception (an
    IndexError from a cut varint reached the user as 'unexpected IndexError')."""
    import struct
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        index = Path(folder) / "index"
        index.write_bytes(b"DIRC" + struct.pack(">II", version, count) + tail)
        found = dotfile_facts.index_paths(index)
    assert isinstance(found, frozenset)


@given(
    st.text(
        alphabet=st.characters(blacklist_characters="\0/", blacklist_categories=["Cs"]),
        min_size=1,
        max_size=20,
    )
)
def test_a_path_in_a_printed_command_reads_back_as_that_path(name: str) -> None:
    """A command remedy prints for a person to copy quotes its paths as a shell reads them
    (review of issue 26: `remedy check /tmp/my fixes/x.toml` split at the space); a path
    in the home keeps its `~/`, which the shell expands."""
    import shlex

    from remedies.layout import home_word

    outside = Path("/srv") / name
    assert shlex.split(home_word(outside, HOME)) == [str(outside)]
    word = home_word(HOME / name, HOME)
    assert word.startswith("~/") and shlex.split(word[2:]) == [name]
