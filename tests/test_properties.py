"""Property-based tests: `validate` never raises on any input, and every finding is placed.

Hypothesis generates random YAML documents, random text, random bytes and random mutations
of a valid municipality file (deleted keys, wrong types, random Unicode, deep nesting, huge
numbers, broken lines). For each, the library must return findings without raising, and
every finding must name a file of the region and a line (and column) inside it. A smaller
number of examples goes through the CLI, which must exit with 0 or 1.

The examples are derandomized, so CI sees the same ones every run and a failure is
reproducible. To explore further locally, scale the budget and draw fresh examples:

    OMSTALLNING_FUZZ_SCALE=10 OMSTALLNING_FUZZ_RANDOM=1 .venv/bin/python -m pytest \
        tests/test_properties.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from omstallning.check.rules import RULE_CODES
from omstallning.check.validate import validate_region
from omstallning.cli import main as cli
from omstallning.findings import Finding
from omstallning.load import yaml_compose
from omstallning.load.yaml_source import ParsedYaml, parse_yaml

from .conftest import CONFIG, KLIPPAN, SOURCES, region_files, write_tree

SCALE = float(os.environ.get("OMSTALLNING_FUZZ_SCALE", "1"))


def budget(examples: int) -> Any:
    """Settings for one property: a fixed, reproducible sample unless asked for more."""
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,  # a slow example is not a failure; CI machines are noisy
        derandomize=not os.environ.get("OMSTALLNING_FUZZ_RANDOM"),
        database=None,  # nothing carried between runs or machines
        # Large generated files are the point here, and the region on disk is reused.
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )


# --- A region on disk, one file of it replaced per example ---------------------------------


class Region:
    """A valid region in a temporary folder; `with_file` swaps one file and validates."""

    def __init__(self, root: Path) -> None:
        self.root = write_tree(root, region_files())
        self.base = {rel: (root / rel).read_bytes() for rel in region_files()}

    def validate(self, rel: str, content: str | bytes) -> list[Finding]:
        path = self.root / rel
        data = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
        path.write_bytes(data)
        try:
            findings = validate_region(self.root)[1]
            check_findings(self.root, findings)
            return findings
        finally:
            if rel in self.base:
                path.write_bytes(self.base[rel])
            else:
                path.unlink()


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Region:
    return Region(tmp_path_factory.mktemp("fuzz") / "region")


def check_findings(root: Path, findings: list[Finding]) -> None:
    """Every finding names a file of the region and a place inside it."""
    lines: dict[str, list[str]] = {}
    for f in findings:
        assert f.code in RULE_CODES, f
        assert f.message.strip(), f
        path = root / f.file
        assert f.file and path.exists() and path.resolve().is_relative_to(root.resolve()), f
        if f.line == 0:  # the whole file: it could not be read
            assert f.column == 0 and f.code in ("oläsbar", "for-stor"), f
            continue
        if f.file not in lines:
            text = path.read_bytes().decode("utf-8-sig", "replace")
            lines[f.file] = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        assert 1 <= f.line <= len(lines[f.file]), (f, len(lines[f.file]))
        assert 1 <= f.column <= len(lines[f.file][f.line - 1]) + 1, (f, lines[f.file][f.line - 1])


# --- Strategies ----------------------------------------------------------------------------

# Characters that mean something to YAML or Markdown, with enough letters to form keys.
YAML_CHARS = ":-?[]{},&*!|>'\"%@`#\\ \t\n" + "åäöÅÄÖ" + string.ascii_letters + string.digits
yaml_text = st.text(alphabet=YAML_CHARS, max_size=200)
any_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(YAML_CHARS),
    max_size=80,
)
hostile_text = st.one_of(
    any_text,
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\x0b",
            "\x0c",
            "\ufeff",
            "\u2028",
            "\u0085",
            "\ud800",
            "\ufffe",
            "{{ 7*7 }}",
            "[@okand]",
            "TODO",
            "yes",
            "no",
            "0114",
            "12:30",
            "1.10",
            "2025-13-01",
            "~",
            "- a",
            "*a",
            "&a",
            "!!python/object:os.system",
        ]
    ),
)
huge_numbers = st.sampled_from(
    [10**400, -(10**30), 2**63, float("inf"), float("-inf"), float("nan"), 1e308, -0.0]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    huge_numbers,
    st.floats(allow_nan=True),
    st.dates(min_value=dt.date(1, 1, 1)),
    hostile_text,
)
KEYS = [
    "kommun", "kommunkod", "status", "version", "avsnitt", "id", "text", "rubrik", "mål",
    "mal", "aktiviteter", "start", "slut", "ansvarig", "insatser", "namn", "område",
    "utan_behovsprövning", "samverkan", "part", "beslut", "datum", "organ", "indikatorer",
    "målvärde", "år", "region", "plan", "period", "titel", "inledning", "krav", "export",
    "mall", "logotyp", "format", "<<",
]  # fmt: skip
keys = st.one_of(st.sampled_from(KEYS), any_text)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=6), st.dictionaries(keys, children, max_size=6)
    ),
    max_leaves=40,
)


def dump(data: Any, flow: bool | None) -> str:
    return yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=False)


# --- Mutations of a valid municipality -------------------------------------------------------

VALID = yaml.safe_load(KLIPPAN)


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into nested data, containers included."""
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += paths(v, (*prefix, i))
    return out


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return data


def _delete(data: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    return data


@st.composite
def mutated_municipality(draw: st.DrawFn) -> Any:
    data = json.loads(json.dumps(VALID, default=str))  # a deep copy, dates as text
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(paths(data)))
        kind = draw(st.sampled_from(["delete", "replace", "nest", "rename", "text"]))
        if kind == "delete" and where:
            data = _delete(data, where)
        elif kind == "replace":
            data = _set(data, where, draw(documents))
        elif kind == "nest":
            depth = draw(st.integers(1, 120))
            value: Any = draw(scalars)
            for _ in range(depth):
                value = [value] if draw(st.booleans()) else {"x": value}
            data = _set(data, where, value)
        elif kind == "rename" and where and isinstance(where[-1], str):
            parent = data
            for part in where[:-1]:
                parent = parent[part]
            parent[draw(keys)] = parent.pop(where[-1])
        elif kind == "text":
            data = _set(data, where, draw(hostile_text))
    return data


@st.composite
def broken_text(draw: st.DrawFn, base: str = KLIPPAN) -> str:
    """A valid file's text with lines deleted, doubled, re-indented, cut or spliced."""
    lines = base.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "double", "indent", "tab", "insert", "cut"]))
        if kind == "delete":
            del lines[i]
        elif kind == "double":
            lines.insert(i, lines[i])
        elif kind == "indent":
            lines[i] = " " * draw(st.integers(0, 9)) + lines[i].lstrip(" ")
        elif kind == "tab":
            lines[i] = "\t" + lines[i]
        elif kind == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.one_of(yaml_text, hostile_text)) + lines[i][at:]
        elif kind == "cut":
            lines = lines[: i + 1]
        if not lines:
            lines = [""]
    return "\n".join(lines)


K = "kommuner/klippan.yaml"
FILES = [K, "omstallning.yaml", "kallor.yaml", "begrepp.yaml", "inledning/lagen.md"]


# --- Properties ----------------------------------------------------------------------------


@budget(2500)
@given(text=st.one_of(yaml_text, any_text, hostile_text, broken_text()))
def test_parse_yaml_never_raises_and_places_findings(text: str) -> None:
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as read_text hands it over
    parsed = parse_yaml(text, "f.yaml")
    lines = text.split("\n")
    for f in parsed.findings:
        assert 1 <= f.line <= len(lines), (f, len(lines))
        assert 1 <= f.column <= len(lines[f.line - 1]) + 1, (f, lines[f.line - 1])


def parse_in_python(text: str) -> ParsedYaml:
    """`parse_yaml` with libyaml switched off: PyYAML's own composer, the reference."""
    fast = yaml_compose._CSafeLoader
    yaml_compose._CSafeLoader = None
    try:
        return parse_yaml(text, "f.yaml")
    finally:
        yaml_compose._CSafeLoader = fast


def same_parse(a: ParsedYaml, b: ParsedYaml) -> bool:
    # NaN is not equal to itself; compare its text instead.
    return (
        repr(a.data) == repr(b.data)
        and a.findings == b.findings
        and a.reported == b.reported
        and all(a.source.pos(p) == b.source.pos(p) for p in paths(a.data))
    )


@budget(1500)
@given(text=st.one_of(yaml_text, broken_text(), st.builds(dump, documents, st.just(None))))
def test_libyaml_parses_exactly_as_python_does(text: str) -> None:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    assert same_parse(parse_yaml(text, "f.yaml"), parse_in_python(text))


@budget(700)
@given(data=mutated_municipality(), flow=st.sampled_from([None, False, True]))
def test_mutated_municipality(region: Region, data: Any, flow: bool | None) -> None:
    region.validate(K, dump(data, flow))


@budget(700)
@given(text=broken_text())
def test_broken_municipality_text(region: Region, text: str) -> None:
    region.validate(K, text)


@budget(500)
@given(
    rel=st.sampled_from(FILES),
    data=documents,
    flow=st.sampled_from([None, False, True]),
)
def test_random_yaml_document_in_any_file(
    region: Region, rel: str, data: Any, flow: bool | None
) -> None:
    text = dump(data, flow)
    if rel.endswith(".md"):
        text = f"---\n{text}---\nText.\n"
    region.validate(rel, text)


@budget(300)
@given(
    rel=st.sampled_from(FILES),
    content=st.one_of(
        st.binary(max_size=300),
        broken_text(CONFIG).map(lambda t: t.encode("utf-16", "surrogatepass")),
        broken_text(SOURCES).map(lambda t: t.encode("latin-1", "replace")),
        broken_text().map(
            lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode("utf-8", "surrogatepass")
        ),
    ),
)
def test_random_bytes_in_any_file(region: Region, rel: str, content: bytes) -> None:
    region.validate(rel, content)


@budget(300)
@given(text=st.one_of(broken_text(CONFIG), st.builds(dump, documents, st.just(None))))
def test_broken_config(region: Region, text: str) -> None:
    region.validate("omstallning.yaml", text)


@budget(150)
@given(
    text=st.one_of(broken_text(), st.builds(dump, mutated_municipality(), st.just(None))),
    fmt=st.sampled_from(["text", "json", "github"]),
)
def test_cli_exits_with_0_or_1(region: Region, text: str, fmt: str) -> None:
    path = region.root / K
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        result = CliRunner().invoke(
            cli.app, ["validate", str(region.root), "--format", fmt], catch_exceptions=False
        )
    finally:
        path.write_bytes(region.base[K])
    assert result.exit_code in (0, 1), result.output
    if fmt == "json":
        doc = json.loads(result.stdout)
        assert (doc["summary"]["errors"] > 0) == (result.exit_code == 1)
        assert all(d["file"] and isinstance(d["line"], int) for d in doc["findings"])


# --- Which composer a long or a deep document takes ------------------------------------------


def test_a_plan_of_thousands_of_flow_lists_is_composed_by_libyaml() -> None:
    # 6,000 activities each with `mål: [M1, M3]` hold 6,000 brackets but nest two deep.
    text = "aktiviteter:\n" + "  - id: A1\n    mål: [M1, M3]\n" * 6_000
    assert yaml_compose.libyaml_reads_alike(text)
    assert yaml_compose.compose_fast(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "x: " + "[" * 6_000 + "]" * 6_000,  # deep on one line
        "x: [\n" + "  [\n" * 6_000 + "]" * 6_001,  # deep over many lines
        'x: [[[ "]]]" [[[\n' * 2_000,  # closers in quotes do not close
        "x: [[[ ]]] # ]]]\n" + "  [[[\n" * 2_000,
    ],
)
def test_a_document_that_may_nest_deeply_is_left_to_python(text: str) -> None:
    # libyaml recurses in C without a limit; such documents must go to Python's composer.
    assert not yaml_compose.libyaml_reads_alike(text)
