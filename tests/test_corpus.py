"""Broken and hostile input: a corpus of small regions, each with one defect and its findings.

Every folder under `tests/cases/` holds the files that differ from the shared valid region
(`conftest.region_files()`) and an `expected.yaml`; see `tests/cases/README.md`. Large inputs
(a 10 MB text, 5,000 activities) are generated here rather than committed.
"""

from __future__ import annotations

import json
import shutil
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml

from omstallning.check.rules import RULE_CODES
from omstallning.check.validate import validate_region
from omstallning.findings import Finding, Severity
from omstallning.load import yaml_source

from .conftest import KLIPPAN, region_files, write_tree

CASES = Path(__file__).parent / "cases"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "expected.yaml").is_file())
SEVERITY = {"error": Severity.ERROR, "warning": Severity.WARNING}
Run = Callable[..., Any]


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _outside(tmp_path: Path) -> Path:
    """Real, valid files outside the region, for symbolic links and `..` paths to reach."""
    outside = tmp_path / "utanfor"
    outside.mkdir(exist_ok=True)
    docx.Document().save(str(outside / "reference.docx"))
    (outside / "logo.png").write_bytes(_png())
    (outside / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    return outside


def load_case(name: str) -> dict[str, Any]:
    data = yaml.safe_load((CASES / name / "expected.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict) and "findings" in data, name
    return data


def assemble_case(name: str, tmp_path: Path) -> Path:
    """The shared valid region with the case's files laid over it, in `tmp_path/region`."""
    case = load_case(name)
    root = write_tree(tmp_path / "region", region_files())
    _outside(tmp_path)
    for rel in case.get("remove", []):
        (root / rel).unlink()
    folder = CASES / name
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and rel.as_posix() != "expected.yaml":
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)  # bytes as stored: Latin-1, UTF-16, CRLF, NUL
    for link, target in (case.get("symlinks") or {}).items():
        at = root / link
        at.parent.mkdir(parents=True, exist_ok=True)
        at.symlink_to(target)
    return root


def _matches(finding: Finding, expected: dict[str, Any]) -> bool:
    if (finding.code, finding.file, finding.line) != (
        expected["code"],
        expected["file"],
        expected["line"],
    ):
        return False
    if "column" in expected and finding.column != expected["column"]:
        return False
    return "severity" not in expected or finding.severity is SEVERITY[expected["severity"]]


def check_invariants(root: Path, findings: list[Finding]) -> None:
    """What every finding must be: a known code at its severity, a line that is in the file."""
    for f in findings:
        assert f.code in RULE_CODES, f
        severity, _meaning = RULE_CODES[f.code]
        assert f.severity is severity, f
        assert f.message.strip() and f.file and not f.file.startswith("/"), f
        if f.line == 0:  # the whole file (it could not be read)
            assert f.column == 0 and f.code in ("oläsbar", "for-stor", "undermapp"), f
            continue
        raw = (root / f.file).read_bytes()
        lines = raw.count(b"\n") + 1 + raw.count(b"\r") - raw.count(b"\r\n")
        assert 1 <= f.line <= lines and f.column >= 1, (f, lines)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case(name: str, tmp_path: Path, run_cli: Run) -> None:
    case = load_case(name)
    root = assemble_case(name, tmp_path)
    found = validate_region(root)[1]
    check_invariants(root, found)
    unmatched = list(found)
    for expected in case["findings"]:
        hit = next((f for f in unmatched if _matches(f, expected)), None)
        assert hit is not None, f"expected {expected}, found:\n" + "\n".join(map(str, found))
        unmatched.remove(hit)
    assert not unmatched, "findings not in expected.yaml:\n" + "\n".join(map(str, unmatched))

    # The CLI says the same and exits with the right status.
    result = run_cli("validate", str(root), "--format", "json")
    assert result.exit_code == (1 if any(f.is_error for f in found) else 0), result.output
    listed = json.loads(result.stdout)["findings"]
    assert [(d["code"], d["file"], d["line"], d["column"]) for d in listed] == [
        (f.code, f.file, f.line, f.column) for f in found
    ]
    if case.get("build"):
        built = run_cli("build", str(root), "--format", "all")
        assert built.exit_code == 0, built.output


def test_every_rule_code_has_a_case() -> None:
    covered = {f["code"] for name in CASE_NAMES for f in load_case(name)["findings"]}
    assert set(RULE_CODES) - covered == set()


def test_the_base_region_is_valid(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "region", region_files())
    assert validate_region(root)[1] == []


# --- The alias bomb ------------------------------------------------------------------------


def test_alias_bomb_is_refused_without_expanding_it(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (CASES / "for-stor-alias-bomb" / "kommuner" / "klippan.yaml").read_text("utf-8")
    assert text.count("*a") == 81  # nine levels of nine: 9**9 = 387,420,489 leaves
    built = {"nodes": 0, "constructed": 0}
    real_build = yaml_source._Builder.build
    real_construct = yaml.constructor.SafeConstructor.construct_object

    def counting_build(self: Any, *args: Any, **kwargs: Any) -> Any:
        built["nodes"] += 1
        return real_build(self, *args, **kwargs)

    def counting_construct(self: Any, *args: Any, **kwargs: Any) -> Any:
        built["constructed"] += 1
        return real_construct(self, *args, **kwargs)

    monkeypatch.setattr(yaml_source._Builder, "build", counting_build)
    # SafeConstructor: both the Python and the libyaml loader construct through it.
    monkeypatch.setattr(yaml.constructor.SafeConstructor, "construct_object", counting_construct)
    tracemalloc.start()
    started = time.perf_counter()
    parsed = yaml_source.parse_yaml(text, "kommuner/klippan.yaml")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert parsed.data is None
    assert [(f.code, f.line) for f in parsed.findings] == [("for-stor", 6)]
    # Nothing was expanded: no value was built or constructed, and memory stayed small.
    assert built == {"nodes": 0, "constructed": 0}
    assert peak < 5 * 1024 * 1024, peak
    print(f"alias bomb refused in {seconds * 1000:.1f} ms, peak {peak / 1024:.0f} KiB")


def test_expansion_just_under_the_limit_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_source, "MAX_NODES", 1000)
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in (1, 2)]
    parsed = yaml_source.parse_yaml("\n".join(lines) + "\n", "f.yaml")  # 10 + 91 + 820 values
    assert parsed.findings == [] and len(parsed.data["a2"]) == 9
    lines.append("a3: &a3 [" + ", ".join(["*a2"] * 9) + "]")
    parsed = yaml_source.parse_yaml("\n".join(lines) + "\n", "f.yaml")
    assert [(f.code, f.line, f.column) for f in parsed.findings] == [("for-stor", 4, 5)]


# --- Pasted text and template syntax come out as written ---------------------------------


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_text_pasted_from_word_is_rendered_as_written(tmp_path: Path, run_cli: Run) -> None:
    root = assemble_case("giltig-text-fran-word", tmp_path)
    assert run_cli("build", str(root), "--format", "all").exit_code == 0
    word = _docx_text(root / "build" / "klippan.docx")
    markdown = (root / "build" / "klippan.md").read_text(encoding="utf-8")
    for expected in (
        "Vi kallar det \u201dförsta linjen\u201d och \u2019tidiga insatser\u2019"
        "\u00a0\u2013 se §\u00a05.",
        "Social\u00adtjänst\u00adlagen gäller från 1\u00a0juli\u00a02025\u2026",
        "\u201dÖppna\u201d en mottagning\u00a0\u2013 snart",
    ):
        assert expected in word, expected
        assert expected in markdown, expected
    assert "Kolumn ett\tkolumn två\tkolumn tre" in word  # a real tab in Word
    assert "Kolumn ett" in markdown and "kolumn tre" in markdown


def test_template_syntax_in_user_text_stays_literal(tmp_path: Path, run_cli: Run) -> None:
    root = assemble_case("giltig-mallsyntax-i-text", tmp_path)
    assert run_cli("build", str(root), "--format", "all").exit_code == 0
    word = _docx_text(root / "build" / "klippan.docx")
    markdown = (root / "build" / "klippan.md").read_text(encoding="utf-8")
    for text in (word, markdown.replace("\\", "")):
        assert "{{ 7*7 }} och {% if true %}ja{% endif %} och ${HOME} och {0}" in text
        assert "{{ config }}" in text
        assert "49" not in text


def test_template_syntax_in_a_region_name_stays_literal(tmp_path: Path, run_cli: Run) -> None:
    name = "Region {{ 7*7 }} __VERSION__ __KOMMUN__ {% raw %}"
    root = tmp_path / "ny"
    result = run_cli("new", "region", str(root), "--namn", name, "--kommun", "Bjuv")
    assert result.exit_code == 0, result.output
    assert f"# Omställningsplaner – {name}\n" in (root / "README.md").read_text("utf-8")
    loaded = validate_region(root)[0]
    assert loaded.config_ok and loaded.region.config.region == name
    assert run_cli("build", str(root), "--format", "md").exit_code == 0
    assert name in (root / "build" / "bjuv.md").read_text("utf-8")


# --- Large inputs: they must work ----------------------------------------------------------


def ten_megabyte_text() -> str:
    paragraph = "Det här är en mening om förebyggande arbete i socialtjänsten. " * 15
    body = "".join(f"      {paragraph}\n\n" for _ in range(10_000_000 // len(paragraph) + 1))
    return KLIPPAN.replace("    text: Vi samverkar.\n", "    text: |\n" + body)


def five_thousand_activities() -> str:
    extra = "".join(
        f"  - id: A{i}\n    rubrik: Aktivitet {i}\n    mål: [M1]\n    ansvarig: Enhetschef\n"
        f"    start: 2025-09\n    slut: 2026-06\n    status: planerad\n"
        for i in range(2, 5001)
    )
    return KLIPPAN.replace("insatser:\n", extra + "insatser:\n")


LARGE = {"tio-megabyte-text": ten_megabyte_text, "5000-aktiviteter": five_thousand_activities}


@pytest.mark.parametrize("name", list(LARGE))
def test_large_input_validates(name: str, tmp_path: Path) -> None:
    text = LARGE[name]()
    root = write_tree(tmp_path / "region", region_files(kommuner__klippan_DOT_yaml=text))
    started = time.perf_counter()
    result, found = validate_region(root)
    seconds = time.perf_counter() - started
    print(f"{name}: {len(text.encode()) / 1e6:.1f} MB validated in {seconds:.1f} s")
    assert found == []
    plan = result.region.municipalities[0].plan
    assert len(plan.activities) == (5000 if name == "5000-aktiviteter" else 1)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(LARGE))
def test_large_input_builds(name: str, tmp_path: Path, run_cli: Run) -> None:
    root = write_tree(tmp_path / "region", region_files(kommuner__klippan_DOT_yaml=LARGE[name]()))
    result = run_cli("build", str(root), "--format", "all")
    assert result.exit_code == 0, result.output
    markdown = (root / "build" / "klippan.md").read_text(encoding="utf-8")
    assert ("Aktivitet 5000" in markdown) if name == "5000-aktiviteter" else len(markdown) > 1e7
    docx.Document(str(root / "build" / "klippan.docx"))  # opens


# --- Fixes this suite found ----------------------------------------------------------------


def test_line_and_paragraph_separators_stay_in_the_text() -> None:
    # PyYAML breaks lines at NEL, LS and PS; editors do not. The text keeps them, and what
    # follows keeps its line.
    text = 'a: "x\u2028y"\nb: |\n  p\u0085q\u2029r\n"k\u2028": v\nc: [1,\n  2]\n'
    parsed = yaml_source.parse_yaml(text, "f.yaml")
    assert parsed.findings == []
    assert parsed.data == {"a": "x\u2028y", "b": "p\u0085q\u2029r\n", "k\u2028": "v", "c": [1, 2]}
    assert parsed.source.pos(("c", 1)) == (6, 3)


def test_escaped_control_characters_are_reported_and_kept_out_of_the_data() -> None:
    parsed = yaml_source.parse_yaml('a: "x\\0y"\n"k\\vl": 1\nb: "\\ud800"\n', "f.yaml")
    assert [(f.code, f.line, f.column) for f in parsed.findings] == [
        ("otillatet-tecken", 1, 4),
        ("otillatet-tecken", 2, 1),
        ("otillatet-tecken", 3, 4),
    ]
    assert parsed.data == {"a": "x y", "k l": 1, "b": " "}
