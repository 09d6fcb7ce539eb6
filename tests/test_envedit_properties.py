"""Property tests for the byte transforms: apply then undo is the identity, apply is idempotent,
remedies compose in any order, and a user's later edits survive an undo."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remedies.engine.envedit import EnvEdit, RcEdit, plan_rc_edit, undo_rc_edit
from remedies.errors import CorruptFile
from shells import SHELLS, Shell

MANTLE = EnvEdit(
    unset=("CLAUDE_CODE_USE_BEDROCK",),
    set=(("CLAUDE_CODE_USE_MANTLE", "1"), ("AWS_REGION", "us-east-1")),
    comment="test",
)
EXTRA = EnvEdit(set=(("CLAUDE_CODE_EXTRA_BODY", '{"a": "$(x) `y` \'z\' \\\\ !"}'),))

ASSIGNMENTS = [
    b"export CLAUDE_CODE_USE_BEDROCK=1",
    b"  export CLAUDE_CODE_USE_MANTLE='0'  # old",
    b"CLAUDE_CODE_USE_BEDROCK=1; export CLAUDE_CODE_USE_BEDROCK",
    b"set -gx CLAUDE_CODE_USE_BEDROCK 1",
    b"set -Ux AWS_REGION eu-west-1",
    b"setenv CLAUDE_CODE_USE_BEDROCK 1",
    b"setenv CLAUDE_CODE_EXTRA_BODY '{}'",
    b"$env:CLAUDE_CODE_USE_BEDROCK = '1'",
    b"export CLAUDE_CODE_EXTRA_BODY='{}'",
]
LOOKALIKES = [
    b"# text about # >>> remedy mantle >>> in a comment",
    b"  # >>> remedy mantle >>>",
    b"echo '# <<< remedy mantle <<<'",
    b"# <<< remedy mantle <<< trailing",
    b"cat <<EOF",
    b"EOF",
    b"if true; then",
    b"fi",
    b"\xff\xfe invalid utf-8 \xc3\x28",
    b"\xef\xbb\xbfexport PATH=$PATH:/x",
    b"unicode \xe6\x97\xa5\xe6\x9c\xac",
]

# Lines that look exactly like ones we disabled, present before we ever ran: undo must
# re-enable ours, never these.
PREFIXES = sorted({s.neutralise_prefix("mantle") for s in SHELLS})
DISABLED_LOOKALIKES = [p + a for p in PREFIXES for a in ASSIGNMENTS]

line_text = st.one_of(
    st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"")),
    st.sampled_from(ASSIGNMENTS),
    st.sampled_from(LOOKALIKES),
    st.sampled_from(DISABLED_LOOKALIKES),
)
ending = st.sampled_from([b"\n", b"\n", b"\r\n"])


@st.composite
def files(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.tuples(line_text, ending), max_size=12))
    data = b"".join(text + end for text, end in lines)
    if data and draw(st.booleans()):
        data = data[: -len(lines[-1][1])]  # no final newline
    return data


shells = st.sampled_from(SHELLS)
relaxed = settings(max_examples=300, suppress_health_check=[HealthCheck.filter_too_much])


def apply(
    shell: Shell, data: bytes, remedy: str = "mantle", edit: EnvEdit = MANTLE
) -> RcEdit | None:
    try:
        return plan_rc_edit(
            data, shell=shell, remedy=remedy, edit=edit, write_block=True, where="f"
        )
    except CorruptFile:
        return None  # refused, and refusing writes nothing: also a correct outcome


def undo(shell: Shell, data: bytes, applied: RcEdit, remedy: str = "mantle") -> bytes:
    return undo_rc_edit(
        data,
        remedy=remedy,
        prefix=shell.neutralise_prefix(remedy),
        disabled=list(zip(applied.disabled, applied.disabled_at)),
        where="f",
    )


@relaxed
@given(shell=shells, old=files())
def test_apply_then_undo_is_the_identity(shell: Shell, old: bytes) -> None:
    applied = apply(shell, old)
    if applied is not None:
        assert undo(shell, applied.new, applied) == old


@relaxed
@given(shell=shells, old=files())
def test_apply_is_idempotent(shell: Shell, old: bytes) -> None:
    first = apply(shell, old)
    if first is not None:
        second = apply(shell, first.new)
        assert second is not None
        assert second.new == first.new
        assert second.disabled == ()


@relaxed
@given(shell=shells, old=files(), mantle_first=st.booleans(), undo_mantle_first=st.booleans())
def test_two_remedies_compose(
    shell: Shell, old: bytes, mantle_first: bool, undo_mantle_first: bool
) -> None:
    order = [("mantle", MANTLE), ("extra-body", EXTRA)]
    if not mantle_first:
        order.reverse()
    data = old
    applied: dict[str, RcEdit] = {}
    for name, edit in order:
        result = apply(shell, data, name, edit)
        if result is None:
            return
        applied[name] = result
        data = result.new
    for name in ["mantle", "extra-body"] if undo_mantle_first else ["extra-body", "mantle"]:
        data = undo(shell, data, applied[name], name)
    assert data == old


@relaxed
@given(shell=shells, old=files(), mine=st.sampled_from([b"# my own line", b"export FOO=1"]))
def test_undo_keeps_a_line_the_user_added_above(shell: Shell, old: bytes, mine: bytes) -> None:
    applied = apply(shell, old)
    if applied is None or shell.neutralise_prefix("mantle") in old:
        return
    edited = mine + b"\n" + applied.new
    assert undo(shell, edited, applied) == mine + b"\n" + old


@relaxed
@given(shell=shells, old=files())
def test_our_lines_never_touch_the_users_bytes(shell: Shell, old: bytes) -> None:
    """Every byte of the original is still there, in order, after apply (we only insert)."""
    applied = apply(shell, old)
    if applied is None:
        return
    it = iter(applied.new)
    assert all(byte in it for byte in old)
