"""What a command means in fish, for the static walk (see walker)."""

from __future__ import annotations

from shells.sourcing.tokens import Token, bare, simple_command, substitution_follows
from shells.sourcing.walker import NAME, PREFIXES, Frame, Walker


class FishWalker(Walker):
    def _command(self, toks: list[Token], i: int) -> int:
        word = bare(toks[i].text)
        if word == "and":
            self.chain_guards, self.chain_unset = set(self.last_chain[0]), set(self.last_chain[1])
            self.conditional = True
            return i + 1
        if word == "or":
            self.conditional = True
            return i + 1
        if word == "not":
            self.negated = True
            return i + 1
        if word in ("if", "else", "begin", "while", "switch", "function", "end", "for"):
            return self._fish_block(toks, i, word)
        j, words = simple_command(toks, i)
        command, args = word, words[1:]
        while command in PREFIXES and args:
            command, args = bare(args[0]), args[1:]
        if command in (".", "source"):
            # `source (cmd)`: a command substitution follows the word directly.
            if args and not substitution_follows(toks, args[0]):
                self._ref(args[0])
        elif command in ("test", "["):
            self._test(args)
        elif command == "set":
            self._fish_set(args)
        elif command == "read":
            self._poison_names(args)
        self.at_command = False
        return j

    def _fish_block(self, toks: list[Token], i: int, word: str) -> int:
        if word == "if":
            self._push(Frame("if", b"end", collecting=True))
            return i + 1
        if word == "else":
            top = self._top_if()
            if top is not None:
                top.guards, top.unset = frozenset(), frozenset()
                if i + 1 < len(toks) and toks[i + 1].word and bare(toks[i + 1].text) == "if":
                    top.collecting = True
                    return i + 2
            return i + 1
        if word == "end":
            if self.frames:
                self._pop()
            self.at_command = False
            return i + 1
        j, words = simple_command(toks, i)
        if word in ("begin", "while"):
            self._push(Frame("group" if word == "begin" else "loop", b"end"))
            return i + 1
        if word == "for":
            name = bare(words[1]) if len(words) > 1 else ""
            patterns = None
            if len(words) > 2 and words[2] == b"in":
                patterns = self.expander.list_patterns(words[3:])
            self._push(Frame("loop", b"end", loop_var=name or None))
            if name:
                self.expander.loops[name] = patterns
        else:  # switch, function: the rest of the line is their arguments
            self._push(Frame("group" if word == "switch" else "function", b"end"))
        self.at_command = False
        return j

    def _fish_set(self, args: list[bytes]) -> None:
        k = 0
        erase = False
        while k < len(args) and args[k].startswith(b"-"):
            flag = args[k]
            if flag in (b"-q", b"--query", b"-n", b"--names", b"-S", b"--show"):
                return
            erase |= flag in (b"-e", b"--erase") or (
                not flag.startswith(b"--") and b"e" in flag[1:]
            )
            k += 1
        if k >= len(args):
            return
        name = bare(args[k])
        if not NAME.fullmatch(name):
            return
        values = args[k + 1 :]
        if erase or len(values) > 1:
            self._poison(name)  # erased, or a list: not one path
        else:
            self._assign(name, values[0] if values else b"")


__all__ = ["FishWalker"]
