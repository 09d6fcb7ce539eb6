"""Editing one key of a JSON document while keeping every other byte as the user wrote it.

`json.loads` + `json.dumps` would reorder nothing but re-indent everything, drop the user's
escapes and spacing, and make revert inexact. Instead we parse once to learn where each
member sits in the text, then replace, insert or delete exactly one member's text. Pure:
text in, text out. Insert then delete of the same key gives back the original text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from remedies.errors import FileProblem


class JsonProblem(ValueError):
    """The document is not valid JSON, or not shaped as an edit needs."""


@dataclass
class Node:
    start: int
    end: int  # exclusive
    kind: str  # object, array, string, number, literal
    members: list[Member] = field(default_factory=list)


@dataclass
class Member:
    key: str
    key_start: int
    key_end: int
    value: Node


_WHITESPACE = " \t\n\r"

# Settings files nest a handful of levels. json.loads, json.dumps and anything recursive fail
# with RecursionError near 1000 levels, less the stack already in use, so a document is
# refused, with its name, well before that: whatever passes here can be decoded and encoded
# again anywhere in remedy.
MAX_DEPTH = 256


def too_deep(where: str) -> str:
    return (
        f"{where} is not valid JSON remedy can read: arrays and objects nest more than "
        f"{MAX_DEPTH} levels deep (settings files nest a few)"
    )


class _Parser:
    """Maps where each value sits. Iterative, with its own stack: no depth can overflow it."""

    def __init__(self, text: str, where: str) -> None:
        self.text = text
        self.where = where
        self.i = 0

    def skip(self) -> None:
        while self.i < len(self.text) and self.text[self.i] in _WHITESPACE:
            self.i += 1

    def string(self) -> str:
        start = self.i
        self.i += 1
        while self.text[self.i] != '"':
            self.i += 2 if self.text[self.i] == "\\" else 1
        self.i += 1
        decoded: str = json.loads(self.text[start : self.i])
        return decoded

    def key(self) -> tuple[str, int, int]:
        """An object member's key and the colon after it; leaves i at its value."""
        key_start = self.i
        key = self.string()
        key_end = self.i
        self.skip()
        self.i += 1  # the colon
        return key, key_start, key_end

    def value(self) -> Node:
        # Each open object or array with the key its next value belongs to (objects only).
        open_nodes: list[tuple[Node, tuple[str, int, int] | None]] = []
        while True:
            self.skip()
            start = self.i
            c = self.text[self.i : self.i + 1]
            done: Node | None = None
            if c in ("{", "["):
                if len(open_nodes) >= MAX_DEPTH:
                    raise JsonProblem(too_deep(self.where))
                node = Node(start, start, "object" if c == "{" else "array")
                self.i += 1
                self.skip()
                if self.text[self.i] in "}]":
                    self.i += 1
                    node.end = self.i
                    done = node
                else:
                    open_nodes.append((node, self.key() if c == "{" else None))
                    continue
            elif c == '"':
                self.string()
                done = Node(start, self.i, "string")
            else:
                # numbers and literals: json.loads has validated them, so scan to the next
                # delimiter
                while self.i < len(self.text) and self.text[self.i] not in _WHITESPACE + ",]}":
                    self.i += 1
                done = Node(start, self.i, "number" if c not in "tfn" else "literal")
            # Hand the finished value to the node that holds it, closing every node it ends.
            while open_nodes:
                parent, key = open_nodes.pop()
                if key is not None:
                    parent.members.append(Member(key[0], key[1], key[2], done))
                self.skip()
                if self.text[self.i] == ",":
                    self.i += 1
                    self.skip()
                    open_nodes.append((parent, self.key() if parent.kind == "object" else None))
                    break
                self.i += 1  # the closing bracket
                parent.end = self.i
                done = parent
            else:
                return done


def parse(text: str, where: str = "document") -> Node:
    """Validate with json.loads (its messages name line and column), then map the spans."""
    try:
        json.loads(text)
    except ValueError as e:
        raise JsonProblem(f"{where} is not valid JSON: {e}") from e
    except RecursionError as e:
        raise JsonProblem(too_deep(where)) from e
    return _Parser(text, where).value()


def find_object(root: Node, path: tuple[str, ...], where: str) -> Node | None:
    """The object at `path` (keys from the root), or None when a key on the way is missing."""
    node = root
    for key in path:
        if node.kind != "object":
            raise JsonProblem(f"{where}: {'.'.join(path)} is not inside an object")
        member = _only_member(node, key, where)
        if member is None:
            return None
        node = member.value
    if node.kind != "object":
        raise JsonProblem(f"{where}: {'.'.join(path) or 'the document'} is not an object")
    return node


def _only_member(node: Node, key: str, where: str) -> Member | None:
    found = [m for m in node.members if m.key == key]
    if len(found) > 1:
        raise JsonProblem(f"{where}: the key {key!r} appears {len(found)} times; remove the extras")
    return found[0] if found else None


def get_raw(text: str, path: tuple[str, ...], key: str, where: str = "document") -> str | None:
    """The raw JSON text of path.key's value, or None when absent."""
    obj = find_object(parse(text, where), path, where)
    member = None if obj is None else _only_member(obj, key, where)
    return None if member is None else text[member.value.start : member.value.end]


def set_raw(text: str, path: tuple[str, ...], key: str, raw: str, where: str = "document") -> str:
    """path.key := raw JSON text (the value as written). The object at `path` must exist."""
    root = parse(text, where)
    obj = find_object(root, path, where)
    if obj is None:
        raise JsonProblem(f"{where}: there is no {'.'.join(path)} object to put {key!r} in")
    member = _only_member(obj, key, where)
    if member is not None:
        return text[: member.value.start] + raw + text[member.value.end :]
    entry = json.dumps(key, ensure_ascii=False)
    if not obj.members:
        return text[: obj.start + 1] + entry + ": " + raw + text[obj.start + 1 :]
    last = obj.members[-1]
    # Copy the spacing the user's own last member has: before its key, and around its colon.
    # With a single member on one line there is no separator to copy: `, ` is the common one.
    before = obj.members[-2].value.end if len(obj.members) > 1 else obj.start + 1
    gap = text[before : last.key_start].lstrip(",")
    if len(obj.members) == 1 and "\n" not in gap:
        gap = " "
    colon = text[last.key_end : last.value.start]
    return text[: last.value.end] + "," + gap + entry + colon + raw + text[last.value.end :]


def delete(text: str, path: tuple[str, ...], key: str, where: str = "document") -> str:
    """Remove path.key (and one comma); a missing key or object is no change."""
    obj = find_object(parse(text, where), path, where)
    member = None if obj is None else _only_member(obj, key, where)
    if obj is None or member is None:
        return text
    index = obj.members.index(member)
    if len(obj.members) == 1:
        return text[: member.key_start] + text[member.value.end :]
    if index == len(obj.members) - 1:
        previous = obj.members[index - 1]
        return text[: previous.value.end] + text[member.value.end :]
    following = obj.members[index + 1]
    return text[: member.key_start] + text[following.key_start :]


# An edit of one JSON document: (object path, key, new raw JSON text or None to delete).
JsonOp = tuple[tuple[str, ...], str, "str | None"]


def apply_ops(text: str, ops: list[JsonOp], where: str) -> tuple[str, list[JsonOp]]:
    """Apply ops in order; also return the undo ops (old raw values), to run in reverse."""
    undo: list[JsonOp] = []
    for path, key, raw in ops:
        try:
            old = get_raw(text, path, key, where)
            if raw is None:
                text = delete(text, path, key, where)
            else:
                text = set_raw(text, path, key, raw, where)
        except JsonProblem as e:
            raise FileProblem(str(e)) from e
        undo.append((tuple(path), key, old))
    return text, undo


def undo_ops(text: str, undo: Sequence[JsonOp], where: str) -> str:
    """Put back the old raw values recorded by apply_ops, newest first."""
    for op in reversed(undo):
        text, _ = apply_ops(text, [op], where)
    return text
