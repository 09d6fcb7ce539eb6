"""What a command means in sh, bash, ksh and zsh, for the static walk (see walker)."""

from __future__ import annotations

import re

from shells.sourcing.tokens import Token, bare, next_is, simple_command
from shells.sourcing.walker import NAME, PREFIXES, Frame, Walker

_ASSIGNMENT = re.compile(rb"([A-Za-z_][A-Za-z0-9_]*)(\+?)=")
_DECLARE = frozenset({"export", "declare", "typeset", "local", "readonly", "integer", "float"})


class PosixWalker(Walker):
    def _command(self, toks: list[Token], i: int) -> int:
        word = bare(toks[i].text)
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if word in ("if", "while", "until"):
            self._push(Frame("if" if word == "if" else "loop", b"fi" if word == "if" else b"done"))
            return i + 1
        if word == "then":
            top = self._top_if()
            if top is not None:
                top.guards, top.unset = self.last_chain
            self._new_chain()
            self.conditional = False
            return i + 1
        if word in ("elif", "else"):
            top = self._top_if()
            if top is not None:
                top.guards, top.unset = frozenset(), frozenset()
            return i + 1
        if word in ("do", "time"):
            return i + 1
        if word == "!":
            self.negated = True
            return i + 1
        if word == "{":
            kind = "function" if self.pending_function else "group"
            self.pending_function = False
            self._push(Frame(kind, b"}"))
            return i + 1
        if word in ("fi", "done", "esac", "}"):
            self._close(word.encode())
            self.at_command = False
            return i + 1
        if word in ("for", "select"):
            return self._posix_for(toks, i)
        if word == "case":
            self._push(Frame("case", b"esac", patterns=True))
            while i < len(toks) and not (toks[i].word and toks[i].text == b"in"):
                i += 1
            self.at_command = False
            return i + 1
        if word == "function":
            self.pending_function = True
            i += 2  # the name
            while i < len(toks) and toks[i].text in (b"(", b")") and not toks[i].word:
                i += 1
            return i
        if word.endswith("()") or (
            nxt is not None and nxt.text == b"(" and not nxt.word and next_is(toks, i + 2, b")")
        ):
            self.pending_function = True  # `name() {` / `name () {`
            return i + 1 if word.endswith("()") else i + 3
        if word == "[[":
            j = i + 1
            while j < len(toks) and not (toks[j].word and toks[j].text == b"]]"):
                j += 1
            self._test([t.text for t in toks[i + 1 : j] if t.word])
            self.at_command = False
            return j + 1
        j, words = simple_command(toks, i)
        self._posix_simple(words)
        self.at_command = False
        return j

    def _posix_for(self, toks: list[Token], i: int) -> int:
        name_tok = toks[i + 1] if i + 1 < len(toks) else None
        if name_tok is None or not name_tok.word or not NAME.fullmatch(bare(name_tok.text)):
            self._push(Frame("loop", b"done"))  # `for ((...))`: no variable of ours
            self.at_command = False
            return i + 1
        name = bare(name_tok.text)
        j = i + 2
        nxt = toks[j] if j < len(toks) else None
        frame = Frame("loop", b"done", loop_var=name)
        if nxt is not None and not nxt.word and nxt.text == b"(":
            # zsh: `for f (list); do ... done`, `for f (list) cmd`, `for f (list) { ... }`.
            j += 1
            items: list[bytes] = []
            while j < len(toks) and toks[j].word:
                items.append(toks[j].text)
                j += 1
            j += 1  # the `)`
            after = toks[j] if j < len(toks) else None
            self._push(frame)
            self.expander.loops[name] = self.expander.list_patterns(items)
            if after is not None and after.word and bare(after.text) == "{":
                frame.closer = b"}"
                return j + 1
            if after is not None and after.word and bare(after.text) != "do":
                frame.kind, frame.closer = "short", b""
            self.at_command = True
            return j
        items = []
        if nxt is not None and nxt.word and nxt.text == b"in":
            j += 1
            while j < len(toks) and toks[j].word:
                items.append(toks[j].text)
                j += 1
            patterns = self.expander.list_patterns(items)
        else:
            patterns = None  # `for f; do`: the positional parameters
        self._push(frame)
        self.expander.loops[name] = patterns
        self.at_command = False
        return j

    def _posix_simple(self, words: list[bytes]) -> None:
        k = 0
        while k < len(words) and _ASSIGNMENT.match(words[k]):
            k += 1
        if k == len(words):
            for word in words:
                self._assignment_word(word)
            return
        # `X=1 cmd` only sets X for cmd.
        command = bare(words[k])
        args = words[k + 1 :]
        while command in PREFIXES and args:
            command, args = bare(args[0]), args[1:]
        if command in (".", "source"):
            if args and args[0] == b"--":
                args = args[1:]
            if args:
                self._ref(args[0])
        elif command in _DECLARE:
            for arg in args:
                if not arg.startswith((b"-", b"+")):
                    self._assignment_word(arg)
        elif command in ("[", "test"):
            self._test(args)
        elif command in ("unset", "read"):
            self._poison_names(args)
        elif command == ":":
            for arg in args:
                self._default_assign(arg)

    def _assignment_word(self, word: bytes) -> None:
        found = _ASSIGNMENT.match(word)
        if found is not None:
            name = found.group(1).decode()
            self._assign(name, word[found.end() :], append=bool(found.group(2)))


__all__ = ["PosixWalker"]
