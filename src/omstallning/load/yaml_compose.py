"""Compose a YAML document's node tree quickly and safely, before its data is built.

libyaml composes some 15 times faster than PyYAML's Python composer, but reads a few
constructs differently and recurses without limit; `compose_fast` uses it only where it
gives the same nodes. `alias_blowup` finds a "billion laughs" file without expanding it.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


def alias_blowup(root: Node, limit: int) -> Node | None:
    """The node where aliases would expand past `limit` values, found without expanding.

    Each distinct node is counted once (aliases share nodes), so a "billion laughs" file is
    measured in microseconds. A node that contains itself counts as endless.
    """
    sizes: dict[int, int] = {}
    endless = limit + 1

    def children(node: Node) -> list[Node]:
        if isinstance(node, MappingNode):
            return [value for _key, value in node.value]
        return list(node.value) if isinstance(node, SequenceNode) else []

    def size(node: Node) -> int:
        if id(node) not in sizes:
            sizes[id(node)] = endless  # until counted: a cycle through here is endless
            total = 1
            for child in children(node):
                total = min(total + size(child), endless)
            sizes[id(node)] = total
        return sizes[id(node)]

    try:
        if size(root) <= limit:
            return None
    except RecursionError:
        return root
    node, seen = root, {id(root)}
    while True:  # down to the innermost node that is too big by itself
        big = next((c for c in children(node) if sizes.get(id(c), 0) > limit), None)
        if big is None or id(big) in seen:
            return node
        node = big
        seen.add(id(big))


_CSafeLoader: Any = getattr(yaml, "CSafeLoader", None)
# libyaml's composer recurses in C without a limit: some 30,000 levels of nesting crash the
# process. Documents that might nest deeper than this are composed in Python, which stops
# with a RecursionError (a finding) instead.
_FAST_MAX_NESTING = 5_000
_LINE_START = re.compile(r"^[ ?-]*", re.MULTILINE)
_GOOD_HEADER = re.compile(r"[1-9+-]*(?:[ ]+#.*|[ ]*)")
_NODE_START = frozenset(" [{,\n")  # what may stand before a node's first character


def _python_only_syntax(text: str) -> bool:
    """Whether `text` uses syntax that libyaml reads differently from PyYAML.

    Found by comparing the two on generated documents (tests/test_properties.py): tabs,
    a BOM inside the text, tags (`!`), explicit keys (`? `), document markers (`---`,
    `...`) and malformed block scalar headers (`>#`), where a node may start. Plan files
    use none of them, so they take the fast way. Written with `str.find` rather than one
    regex: the characters are rare, and an alternation costs a millisecond per plan.
    """
    if "\t" in text or "\ufeff" in text:
        return True
    if text.startswith(("!", "?", "|", ">", "---", "...")):
        return True
    size = len(text)
    for marker in ("\n---", "\n..."):
        i = text.find(marker)
        while i >= 0:
            end = i + 4
            if end == size or text[end] in " \n":
                return True
            i = text.find(marker, end)
    for mark in "!?|>":
        i = text.find(mark, 1)
        while i >= 0:
            if text[i - 1] in _NODE_START:
                if mark == "!" or (mark == "?" and (i + 1 == size or text[i + 1] in " \n")):
                    return True
                if mark in "|>" and i >= 2 and text[i - 2] in ":-":
                    line_end = text.find("\n", i)
                    rest = text[i + 1 : None if line_end < 0 else line_end]
                    if _GOOD_HEADER.fullmatch(rest) is None:
                        return True
            i = text.find(mark, i + 1)
    return False


_BRACKETS = re.compile(r"[\[\]{}]")


def _flow_bound(text: str) -> int:
    """An upper bound on how deeply flow collections ([ ], { }) in `text` can nest.

    Every [ and { counts as opening one, except on a line without quotes or "#" whose
    brackets close in order by its end (`mål: [M1, M3]`): such a line leaves nothing open,
    so it adds only its own depth, once. On such a line a bracket is either a flow
    indicator or plain text throughout, so the real depth there is no greater. (Counting
    every bracket sent a plan of 5,000 activities to the Python composer: 2.3 s, not 0.4.)
    """
    opened = closed_depth = 0
    for line in text.split("\n"):
        marks = _BRACKETS.findall(line)
        if not marks:
            continue
        openers = sum(1 for m in marks if m in "[{")
        if "'" in line or '"' in line or "#" in line:
            opened += openers
            continue
        depth = deepest = 0
        for mark in marks:
            depth += 1 if mark in "[{" else -1
            if depth < 0:
                break
            deepest = max(deepest, depth)
        if depth == 0:
            closed_depth = max(closed_depth, deepest)
        else:
            opened += openers
    return opened + closed_depth


def _nesting_bound(text: str) -> int:
    """An upper bound on how deeply the YAML in `text` can nest.

    Flow collections are bounded by `_flow_bound`; a nested block collection starts
    further right than its parent, so it is bounded by the longest run of indentation and
    "- " or "? " that opens a line, and so by the longest line (measured first: it is much
    quicker).
    """
    flow = text.count("[") + text.count("{")
    if flow > _FAST_MAX_NESTING:
        flow = _flow_bound(text)  # tighter, and worth its cost only here
    longest = max(map(len, text.split("\n")))
    if flow + longest <= _FAST_MAX_NESTING:
        return flow + longest
    return flow + max(map(len, _LINE_START.findall(text)), default=0)


def libyaml_reads_alike(text: str) -> bool:
    """Whether libyaml reads `text` as PyYAML's Python side does, without deep C recursion."""
    return (
        _CSafeLoader is not None
        and not _python_only_syntax(text)
        and _nesting_bound(text) <= _FAST_MAX_NESTING
    )


def compose_fast(text: str) -> tuple[Any, Node | None, bool] | None:
    """The node tree composed by libyaml (some 15 times faster), or None to use Python.

    libyaml gives the same nodes, tags and positions (lines and columns in characters) as
    PyYAML's own composer, except that a plain scalar's style is "" instead of None (the
    builder and `_place` read both as plain). A document libyaml cannot compose is composed
    again in Python, whose error messages and positions the findings are written for. The
    last item tells whether the document uses aliases (a node reached twice); without an
    anchor (`&`) in the text there can be none, and the tree is not walked to find out.
    """
    if not libyaml_reads_alike(text):
        return None
    loader = _CSafeLoader(text)
    try:
        root = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()
    aliases = False
    if root is not None and "&" in text:
        seen: set[int] = set()
        stack: list[Node] = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen:  # an alias: the same node again
                aliases = True
                continue
            seen.add(id(node))
            if isinstance(node, ScalarNode):
                if node.style == "":
                    node.style = None
            elif isinstance(node, MappingNode):
                for key, value in node.value:
                    stack += (key, value)
            else:
                stack += node.value
    return loader, root, aliases
