"""What a command means in csh and tcsh, for the static walk (see walker)."""

from __future__ import annotations

from shells.sourcing.tokens import Token, bare, parenthesised, simple_command
from shells.sourcing.walker import NAME, Frame, Walker


class CshWalker(Walker):
    def _command(self, toks: list[Token], i: int) -> int:
        word = bare(toks[i].text)
        if word in ("if", "while", "switch", "foreach"):
            return self._csh_block(toks, i, word)
        if word == "else":
            top = self._top_if()
            if top is not None:
                top.guards, top.unset = frozenset(), frozenset()
            if i + 1 < len(toks) and toks[i + 1].word and bare(toks[i + 1].text) == "if":
                j, expression = parenthesised(toks, i + 2)
                self._new_chain()
                self._test(expression)
                if top is not None:
                    top.guards = frozenset(self.chain_guards)
                    top.unset = frozenset(self.chain_unset)
                self._new_chain()
                self.at_command = False
                return j + 1  # `then`
            return i + 1
        if word in ("endif", "end", "endsw"):
            self._close({"endif": b"endif", "end": b"end", "endsw": b"endsw"}[word])
            self.at_command = False
            return i + 1
        j, words = simple_command(toks, i)
        args = words[1:]
        if word == "source":
            if args and args[0] != b"-h":  # -h reads the file into the history, runs nothing
                self._ref(args[0])
        elif word == "setenv" and args:
            if NAME.fullmatch(bare(args[0])):
                self._assign(bare(args[0]), args[1] if len(args) > 1 else b"")
        elif word == "set":
            self._csh_set(args, toks, j)
        elif word in ("unset", "unsetenv"):
            self._poison_names(args)
        self.at_command = False
        return j

    def _csh_block(self, toks: list[Token], i: int, word: str) -> int:
        if word == "foreach":
            name = bare(toks[i + 1].text) if i + 1 < len(toks) and toks[i + 1].word else ""
            j, items = parenthesised(toks, i + 2)
            self._push(Frame("loop", b"end", loop_var=name or None))
            if name:
                self.expander.loops[name] = self.expander.list_patterns(items)
            self.at_command = False
            return j
        j, expression = parenthesised(toks, i + 1)
        if word == "while":
            self._push(Frame("loop", b"end"))
        if word == "switch":
            self._push(Frame("group", b"endsw"))
        if word != "if":
            self.at_command = False
            return j
        saved = (self.chain_guards, self.chain_unset)
        self._new_chain()
        self._test(expression)
        frame = Frame("if", b"endif", frozenset(self.chain_guards), frozenset(self.chain_unset))
        self.chain_guards, self.chain_unset = saved
        if j < len(toks) and toks[j].word and bare(toks[j].text) == "then":
            self._push(frame)
            self.at_command = False
            return j + 1
        # `if ( expr ) command`: the one command runs under the test.
        frame.kind, frame.closer = "short", b""
        self._push(frame)
        self.at_command = True
        return j

    def _csh_set(self, args: list[bytes], toks: list[Token], j: int) -> None:
        if not args:
            return
        name, eq, value = args[0].partition(b"=")
        rest = args[1:]
        if not eq and rest and rest[0].startswith(b"="):
            eq, value, rest = b"=", rest[0][1:], rest[1:]
        if eq and not value and rest:
            value, rest = rest[0], rest[1:]
        text = bare(name)
        if not NAME.fullmatch(text):
            return
        if j < len(toks) and toks[j].text == b"(":
            self._poison(text)  # `set x = ( list )`
        else:
            self._assign(text, value if eq else b"")


__all__ = ["CshWalker"]
