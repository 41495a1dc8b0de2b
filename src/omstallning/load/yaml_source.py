"""Read YAML with source positions, and catch what PyYAML would silently get wrong.

`parse_yaml` composes the node tree once and builds the data from it by hand, so that every
value keeps its line and column (in a `SourceMap`, beside the data rather than inside it),
duplicate keys are reported instead of the last one winning, and YAML 1.1 surprises (`no`
read as false, `0114` read as the octal number 76, `12:30` read as 750) are reported with the
quoted fix. Pure: it takes text, not paths.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from omstallning.findings import Finding, Severity
from omstallning.load.pasted import (
    NbspFix,
    ValueSlip,
    nbsp_findings,
    scalar_slips,
    slip_findings,
    syntax_nbsp,
)
from omstallning.load.yaml_compose import alias_blowup, compose_fast
from omstallning.load.yaml_messages import SYNTAX_MESSAGES

Path_ = tuple[str | int, ...]

BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"

# Characters that YAML or XML (and so DOCX) forbid: C0 controls but tab and line feed, C1
# controls but NEL (they come with mis-decoded text: "â€™" holds U+0080 and U+0099), lone
# surrogates (only reachable through \u escapes) and the noncharacters U+FDD0–U+FDEF, U+FFFE
# and U+FFFF (no text holds them; U+FDD0–U+FDD2 also serve as stand-ins below).
FORBIDDEN_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)

# An alias can make a small file describe a huge tree ("billion laughs"); we refuse to
# expand more nodes, or nest deeper, than any real plan does.
MAX_NODES = 200_000
MAX_DEPTH = 60

# PyYAML (YAML 1.1) also breaks lines at NEL, LS and PS, which would shift every position
# after one; editors, and YAML 1.2, treat them as ordinary characters. They are read through
# stand-ins (Unicode noncharacters) and given back in the values.
_YAML_BREAKS = {0x85: "\ufdd0", 0x2028: "\ufdd1", 0x2029: "\ufdd2"}
_YAML_BREAKS_BACK = {ord(v): chr(k) for k, v in _YAML_BREAKS.items()}


_SLIP_HINTS = re.compile("[ \t]#|[”“„‘’»«•◦▪●]")


class Place(NamedTuple):
    """Where a value or key stands in its file, and what of its node messages need.

    A loaded region keeps a place for every value of every plan until the process ends
    (for findings), so the nodes themselves are not kept: with their marks, tags and a
    second copy of every text they took 125 MB for 290 plans. `tag` and `value` are kept
    only for a plain scalar that YAML read as something other than text (`describe_scalar`).
    """

    line: int  # 0-based, as in PyYAML's marks
    column: int
    kind: str  # "scalar", "mapping" or "sequence"
    style: str | None = None
    tag: str = ""
    value: str = ""
    key_line: int = -1  # the key that names the value in its mapping, if it has one
    key_column: int = -1


_new_place = tuple.__new__  # a C call; Place(...) goes through a Python-level __new__


def _place(node: Node, key: Node | None) -> Place:
    mark = node.start_mark
    at = (-1, -1) if key is None else (key.start_mark.line, key.start_mark.column)
    fields: tuple[Any, ...]
    if isinstance(node, ScalarNode):
        if not node.style and node.tag != STR_TAG:  # plain: None, or "" from libyaml
            fields = (mark.line, mark.column, "scalar", None, sys.intern(node.tag), node.value)
        else:
            fields = (mark.line, mark.column, "scalar", node.style or None, "", "")
    elif isinstance(node, MappingNode):
        fields = (mark.line, mark.column, "mapping", None, "", "")
    else:
        fields = (mark.line, mark.column, "sequence", None, "", "")
    return _new_place(Place, fields + at)


@dataclass
class SourceMap:
    """Where each value of one YAML document stands in its file.

    Paths are tuples of mapping keys and list indexes, as in pydantic's `loc`.
    `line_offset` shifts every line, for front matter that is not at the top of its file.
    """

    file: str
    encoded: bytes = b""  # the text as UTF-8: half the size of a str with “ ” or – in it
    values: dict[Path_, Place] = field(default_factory=dict)
    line_offset: int = 0

    @classmethod
    def of(cls, file: str, text: str, line_offset: int = 0) -> SourceMap:
        """The (still empty) map of `text`, the document as parsed."""
        return cls(file, text.encode("utf-8", "surrogatepass"), {}, line_offset)

    @property
    def text(self) -> str:
        """The document's text."""
        return self.encoded.decode("utf-8", "surrogatepass")

    @functools.cached_property
    def lines(self) -> list[str]:
        """The file's lines, split only when a finding or a rule needs them.

        A region keeps every map until the process ends; 290 plans' lines as separate
        strings took 45 MB, their text as UTF-8 takes 26 MB.
        """
        return self.text.split("\n")

    def _mark(self, where: Node | Place) -> tuple[int, int]:
        """1-based line and column of a node (while building) or of a place."""
        if isinstance(where, Place):
            return where.line + 1 + self.line_offset, where.column + 1
        return where.start_mark.line + 1 + self.line_offset, where.start_mark.column + 1

    def exact(self, path: Path_) -> Place | None:
        """The place of the value at exactly `path`."""
        return self.values.get(tuple(path))

    def pos(self, path: Path_) -> tuple[int, int]:
        """Line and column of the value at `path`, or of its nearest ancestor."""
        for n in range(len(path), -1, -1):
            place = self.values.get(tuple(path[:n]))
            if place is not None:
                # A mapping value starts at its first key; point at the key that names it.
                if place.kind != "scalar" and place.key_line >= 0:
                    return place.key_line + 1 + self.line_offset, place.key_column + 1
                return self._mark(place)
        return 1 + self.line_offset, 1

    def key_pos(self, path: Path_) -> tuple[int, int]:
        """Line and column of the key that names `path` (falls back to `pos`)."""
        place = self.values.get(tuple(path))
        if place is not None and place.key_line >= 0:
            return place.key_line + 1 + self.line_offset, place.key_column + 1
        return self.pos(path)

    def text_pos(self, path: Path_, line: int, column: int) -> tuple[int, int]:
        """Map a position inside a scalar's text (1-based) to a position in the file."""
        node = self.values.get(tuple(path))
        if node is None or node.kind != "scalar":
            return self.pos(path)
        first_line, first_col = self._mark(node)
        if node.style in ("|", ">"):
            content_line = first_line + line  # the text starts below the indicator
            src = self.source_line(content_line)
            indent = len(src) - len(src.lstrip(" ")) if src is not None else 0
            if node.style == "|":
                return content_line, indent + column
            return first_line + 1, indent + 1
        quote = 1 if node.style in ("'", '"') else 0
        if line == 1:
            return first_line, first_col + quote + column - 1
        return first_line + line - 1, 1

    def only(self, paths: Iterable[Path_]) -> SourceMap:
        """A map of the same file that knows only the places of `paths`, without the text.

        What a worker process sends back of a file it checked: what the region rules
        still read, a few bytes instead of the whole map.
        """
        kept = {tuple(p): self.values[tuple(p)] for p in paths if tuple(p) in self.values}
        return SourceMap(self.file, b"", kept, self.line_offset)

    def source_line(self, line: int) -> str | None:
        """The text of a file line (1-based), without its line ending."""
        index = line - 1 - self.line_offset
        return self.lines[index] if 0 <= index < len(self.lines) else None


@dataclass
class ParsedYaml:
    """The data of one YAML document, where it came from, and what was wrong with it."""

    data: Any
    source: SourceMap
    findings: list[Finding]
    # Paths whose value we already reported (YAML 1.1 surprises), so that the schema check
    # does not report the same value a second time.
    reported: set[Path_] = field(default_factory=set)
    # Pasted-text slips (load/pasted.py), for `validate --fix`: hard spaces read as spaces,
    # and values that are valid YAML but not what their author meant.
    nbsp: list[NbspFix] = field(default_factory=list)
    slips: list[ValueSlip] = field(default_factory=list)


def _finding(
    sm: SourceMap, line: int, col: int, code: str, message: str, severity: Severity = Severity.ERROR
) -> Finding:
    return Finding(sm.file, line, col, code, severity, message)


def find_forbidden_chars(text: str, file: str, line_offset: int = 0) -> list[Finding]:
    """One finding per line that holds characters YAML and Word documents cannot hold."""
    out: list[Finding] = []
    if FORBIDDEN_CHARS.search(text) is None:  # the usual case, in one pass
        return out
    for number, line in enumerate(text.split("\n"), start=1):
        m = FORBIDDEN_CHARS.search(line)
        if m:
            out.append(
                Finding(
                    file,
                    number + line_offset,
                    m.start() + 1,
                    "otillatet-tecken",
                    Severity.ERROR,
                    f"Raden innehåller ett osynligt styrtecken (U+{ord(m.group()):04X}) som "
                    "varken YAML eller Word tillåter. Ta bort det; det kommer ofta med text "
                    "som klistrats in från andra program.",
                )
            )
    return out


# For these, the problem begins where the construct opened, not where the parser gave up.
_CONTEXT_FIRST = ("while scanning a quoted scalar", "while scanning a simple key")


def _tab_message(sm: SourceMap, line: int) -> str | None:
    """When the line holds a tab: say so, and show where it stands (as →)."""
    source = sm.source_line(line)
    if source is None or "\t" not in source:
        return None
    col = source.index("\t") + 1
    shown = source.replace("\t", "→").strip()
    if len(shown) > 60:
        shown = shown[:59] + "…"
    return (
        f"Raden har ett tabbtecken (visas som → här: ”{shown}”) på kolumn {col}. YAML "
        "tillåter bara vanliga mellanslag i indrag och före ett värde. Byt tabben mot mellanslag."
    )


def _syntax_finding(err: yaml.MarkedYAMLError, sm: SourceMap) -> Finding:
    problem = err.problem or ""
    mark = err.problem_mark
    if err.context in _CONTEXT_FIRST and err.context_mark is not None:
        mark = err.context_mark
    message = next((sv for en, sv in SYNTAX_MESSAGES if en in problem), None)
    if "'\\t'" in problem or "\t" in problem:
        tab_line = (mark.line + 1 if mark else 1) + sm.line_offset
        message = _tab_message(sm, tab_line) or message
    if message is None:
        message = "YAML-filen går inte att läsa här. Kontrollera raden och raden ovanför."
    line = (mark.line + 1 if mark else 1) + sm.line_offset
    col = mark.column + 1 if mark else 1
    return _finding(sm, line, col, "yaml-syntax", message)


class _Builder:
    """Build plain data from a node tree, recording positions and surprises."""

    def __init__(self, sm: SourceMap, loader: yaml.SafeLoader) -> None:
        self.sm = sm
        self.loader = loader
        self.findings: list[Finding] = []
        self.reported: set[Path_] = set()
        self.visited = 0
        self.too_big = False
        self.stand_ins = False
        self.lines: list[str] | None = None  # set when scalars are to be checked for slips
        self.slips: list[ValueSlip] = []

    def build(self, node: Node, path: Path_, depth: int = 0, key: Node | None = None) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES or depth > MAX_DEPTH:
            if not self.too_big:
                self.too_big = True
                line, col = self.sm._mark(node)
                why = (
                    "för djupt nästlad"
                    if depth > MAX_DEPTH
                    else "för stor när alias (*namn) vecklas ut"
                )
                self.findings.append(
                    _finding(
                        self.sm,
                        line,
                        col,
                        "for-stor",
                        f"Filen är {why} för att läsas. Skriv ut innehållet utan alias och "
                        "med färre nivåer.",
                    )
                )
            return None
        if path not in self.sm.values:
            self.sm.values[path] = _place(node, key)
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        forbidden = node.style == '"' and self._check_escapes(node)
        value = self._scalar(node, path)
        if self.stand_ins and isinstance(value, str):
            value = value.translate(_YAML_BREAKS_BACK)
        if forbidden:  # reported; keep the character out of the data, as in parse_yaml
            value = FORBIDDEN_CHARS.sub(" ", value)
        if self.lines is not None:
            name = key.value if isinstance(key, ScalarNode) else None
            self.slips += scalar_slips(node, name, self.lines, value)
        return value

    def _check_escapes(self, node: ScalarNode) -> bool:
        r"""A \-escape in double quotes can write what the file itself may not hold (`"\0"`)."""
        value = node.value.translate(_YAML_BREAKS_BACK) if self.stand_ins else node.value
        m = FORBIDDEN_CHARS.search(value)
        if m:
            line, col = self.sm._mark(node)
            self.findings.append(
                _finding(
                    self.sm,
                    line,
                    col,
                    "otillatet-tecken",
                    f"Texten skriver ett styrtecken (U+{ord(m.group()):04X}) med en \\-sekvens, "
                    "och det tecknet tillåter varken YAML-text eller Word. Ta bort \\-sekvensen.",
                )
            )
        return m is not None

    def _mapping(self, node: MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                merged = self.build(value_node, path, depth + 1)
                for item in merged if isinstance(merged, list) else [merged]:
                    if isinstance(item, dict):
                        for k, v in item.items():
                            out.setdefault(k, v)
                continue
            if not isinstance(key_node, ScalarNode):
                line, col = self.sm._mark(key_node)
                self.findings.append(
                    _finding(
                        self.sm,
                        line,
                        col,
                        "fel-typ",
                        "En nyckel måste vara ett enkelt ord, inte en lista eller mappning.",
                    )
                )
                continue
            key = key_node.value  # the text as written: `no:` stays "no", `2025:` stays "2025"
            if key_node.style == '"' and self._check_escapes(key_node):
                key = FORBIDDEN_CHARS.sub(" ", key)
            if self.stand_ins:
                key = key.translate(_YAML_BREAKS_BACK)
            if key in first_seen:
                line, col = self.sm._mark(key_node)
                first_line = self.sm._mark(first_seen[key])[0]
                self.findings.append(
                    _finding(
                        self.sm,
                        line,
                        col,
                        "dubblett-nyckel",
                        f"Nyckeln ”{key}” finns redan på rad {first_line} i samma mappning. "
                        "Ta bort den ena eller slå ihop dem; annars skulle den sista tyst vinna.",
                    )
                )
                continue
            first_seen[key] = key_node
            out[key] = self.build(value_node, (*path, key), depth + 1, key_node)
        return out

    def _scalar(self, node: ScalarNode, path: Path_) -> Any:
        text = node.value
        if node.style or node.tag == STR_TAG:  # quoted or block; plain is None or ""
            return text
        tag = node.tag
        line, col = self.sm._mark(node)
        if tag == BOOL_TAG and text.lower() not in ("true", "false"):
            self._surprise(
                path,
                line,
                col,
                text,
                f"YAML läser det ociterade ”{text}” som sant/falskt (ja/nej). "
                f'Menar du texten, skriv "{text}" inom citattecken; menar du '
                "ja/nej, skriv true eller false.",
            )
            return text
        if tag == INT_TAG and ":" in text:
            self._surprise(
                path,
                line,
                col,
                text,
                f"YAML läser det ociterade ”{text}” som ett tal i bas 60 "
                f'({self._construct(node)}). Skriv "{text}" inom citattecken.',
            )
            return text
        if tag == INT_TAG and re.fullmatch(r"[-+]?0[0-7_]+", text):
            self._surprise(
                path,
                line,
                col,
                text,
                f"YAML läser det ociterade ”{text}” som ett oktalt tal "
                f"({self._construct(node)}) och tappar den inledande nollan. "
                f'Skriv "{text}" inom citattecken.',
            )
            return text
        return self._construct(node)

    def _construct(self, node: ScalarNode) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            # An impossible timestamp such as 2025-13-01: keep the text and let the model
            # report it as a date that does not exist.
            return node.value

    def _surprise(self, path: Path_, line: int, col: int, text: str, message: str) -> None:
        self.reported.add(path)
        self.findings.append(_finding(self.sm, line, col, "yaml-tolkning", message))


MAX_SYNTAX_ERRORS = 10


def _later_syntax_errors(text: str, sm: SourceMap, first: Finding) -> list[Finding]:
    """The syntax errors after the first one.

    Each line in error is blanked and the text read again. An error on the line just after a
    blanked one is taken as a consequence of the blanking and not reported.
    """
    lines = text.split("\n")
    out: list[Finding] = []
    last = first.line - 1 - sm.line_offset
    for _ in range(3 * MAX_SYNTAX_ERRORS):
        if not 0 <= last < len(lines) or len(out) >= MAX_SYNTAX_ERRORS:
            break
        lines[last] = ""
        loader = yaml.SafeLoader("\n".join(lines))
        try:
            loader.get_single_node()
            break
        except yaml.MarkedYAMLError as err:
            found = _syntax_finding(err, sm)
        except (yaml.YAMLError, RecursionError):
            break
        finally:
            loader.dispose()
        line = found.line - 1 - sm.line_offset
        if line <= last:
            break
        if line > last + 1:
            out.append(found)
        last = line
    return out


def parse_yaml(text: str, file: str, *, line_offset: int = 0) -> ParsedYaml:
    """Parse one YAML document with positions.

    Never raises for bad input: syntax errors and the rest become findings, and `data` is
    None when nothing usable could be read.
    """
    sm = SourceMap.of(file, text, line_offset)
    findings = find_forbidden_chars(text, file, line_offset)
    text, nbsp = syntax_nbsp(text)
    findings += nbsp_findings(nbsp, file, line_offset)
    if findings:
        text = FORBIDDEN_CHARS.sub(" ", text)
    stand_ins = "\x85" in text or "\u2028" in text or "\u2029" in text
    if stand_ins:
        text = text.translate(_YAML_BREAKS)
    fast = compose_fast(text)
    aliases = True  # unless libyaml's tree shows there are none
    if fast is not None:
        loader, root, aliases = fast
    else:
        loader = yaml.SafeLoader(text)
    try:
        if fast is None:
            root = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        first = _syntax_finding(err, sm)
        later = _later_syntax_errors(text, sm, first)
        return ParsedYaml(None, sm, [*findings, first, *later], nbsp=nbsp)
    except yaml.YAMLError as err:  # ReaderError and friends have no mark
        return ParsedYaml(
            None,
            sm,
            [
                *findings,
                _finding(
                    sm, 1 + line_offset, 1, "yaml-syntax", f"YAML-filen går inte att läsa ({err})."
                ),
            ],
        )
    except RecursionError:
        return ParsedYaml(
            None,
            sm,
            [
                *findings,
                _finding(
                    sm,
                    1 + line_offset,
                    1,
                    "for-stor",
                    "Filen är för djupt nästlad för att läsas. Skriv den med färre nivåer.",
                ),
            ],
        )
    finally:
        loader.dispose()
    if root is None:
        return ParsedYaml(None, sm, findings)
    blown = alias_blowup(root, MAX_NODES) if aliases else None
    if blown is not None:
        line, col = sm._mark(blown)
        message = (
            f"Aliasen (*namn) här vecklas ut till mer än {MAX_NODES:_} värden".replace("_", " ")
            + ", eller hänvisar till sig själva. Skriv ut innehållet utan alias."
        )
        return ParsedYaml(None, sm, [*findings, _finding(sm, line, col, "for-stor", message)])
    builder = _Builder(sm, loader)
    builder.stand_ins = stand_ins
    if _SLIP_HINTS.search(text):
        builder.lines = text.split("\n")
    data = builder.build(root, ())
    if builder.too_big:
        data = None
    findings += builder.findings + slip_findings(builder.slips, file, line_offset)
    return ParsedYaml(data, sm, findings, builder.reported, nbsp, builder.slips)


def describe_scalar(node: Place | None) -> tuple[str, str] | None:
    """For an unquoted scalar that YAML turned into a non-text value: (text, what it became).

    Used to explain a type error as the YAML 1.1 surprise it is (`version: 1.10`).
    """
    if node is None or node.kind != "scalar" or node.style is not None:
        return None
    kinds = {
        BOOL_TAG: "sant/falskt",
        INT_TAG: "ett heltal",
        FLOAT_TAG: "ett decimaltal",
        TIMESTAMP_TAG: "ett datum",
    }
    kind = kinds.get(node.tag)
    return (node.value, kind) if kind else None
