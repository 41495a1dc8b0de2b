"""One small case per validation rule: its code, file, line and column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from omstallning.check.rules import RULE_CODES
from omstallning.check.validate import validate_region
from omstallning.findings import Finding, Severity

from .conftest import KLIPPAN

K = "kommuner/klippan.yaml"


def findings_for(root: Path) -> list[Finding]:
    return validate_region(root)[1]


def located(findings: list[Finding]) -> set[tuple[str, str, int, int]]:
    return {(f.code, f.file, f.line, f.column) for f in findings}


def test_the_base_region_is_valid(make_region: Callable[..., Path]) -> None:
    assert findings_for(make_region()) == []


def swap(old: str, new: str) -> str:
    assert old in KLIPPAN, old
    return KLIPPAN.replace(old, new, 1)


# (case id, Klippan's file text, expected (code, file, line, column))
KOMMUN_CASES = [
    (
        "duplicate key",
        swap("nämnd: Socialnämnden\n", "nämnd: Socialnämnden\nnämnd: Annan\n"),
        ("dubblett-nyckel", K, 4, 1),
    ),
    ("unknown key with suggestion", swap("mål:\n", "mal:\n"), ("okand-nyckel", K, 12, 1)),
    ("typo in ansvarig", swap("    ansvarig:", "    ansvarg:"), ("okand-nyckel", K, 24, 5)),
    (
        "missing required field points at its parent",
        swap("    rubrik: Fler får stöd tidigt\n", ""),
        ("saknat-falt", K, 13, 5),
    ),
    ("value outside its set", swap("status: utkast", "status: klar"), ("ogiltigt-varde", K, 4, 9)),
    (
        "boolean where text is expected",
        swap("ansvarig: Enhetschef", "ansvarig: no"),
        ("yaml-tolkning", K, 24, 15),
    ),
    ("float version", swap('version: "0.3"', "version: 1.10"), ("yaml-tolkning", K, 5, 10)),
    ("date version", swap('version: "0.3"', "version: 2025-11-20"), ("yaml-tolkning", K, 5, 10)),
    ("sexagesimal", swap("form: Skolsociala team", "form: 12:30"), ("yaml-tolkning", K, 35, 11)),
    ("octal kommunkod", swap('kommunkod: "1276"', "kommunkod: 0114"), ("yaml-tolkning", K, 2, 12)),
    (
        "wrong kommunkod",
        swap('kommunkod: "1276"', 'kommunkod: "1277"'),
        ("fel-kommunkod", K, 2, 12),
    ),
    ("unknown kommun", swap("kommun: Klippan", "kommun: Klipan"), ("okand-kommun", K, 1, 9)),
    ("undefined goal", swap("mål: [M1]", "mål: [M1, M9]"), ("okant-mal", K, 23, 15)),
    ("undefined source", swap("[@sol2025]", "[@sol2052]"), ("okand-kalla", K, 9, 23)),
    (
        "duplicate goal id",
        swap("aktiviteter:\n", "  - id: M1\n    rubrik: Igen\naktiviteter:\n"),
        ("dubblett-id", K, 20, 9),
    ),
    ("impossible date", swap("start: 2025-09", "start: 2025-13"), ("ogiltigt-datum", K, 25, 12)),
    (
        "activity ends before it starts",
        swap("slut: 2026-06", "slut: 2024-06"),
        ("slut-fore-start", K, 26, 11),
    ),
    (
        "missing required section",
        swap("  - id: samverkan\n    text: Vi samverkar.\n", "").replace(
            "samverkan:\n  - part: Elevhälsan\n    form: Skolsociala team\n", ""
        ),
        ("avsnitt-saknas", K, 6, 1),
    ),
    (
        "empty required section",
        swap("text: Vi samverkar.", 'text: ""').replace(
            "samverkan:\n  - part: Elevhälsan\n    form: Skolsociala team\n", ""
        ),
        ("tomt-avsnitt", K, 11, 11),
    ),
    (
        "beslutad without beslut",
        swap("status: utkast", "status: beslutad"),
        ("beslut-saknas", K, 4, 9),
    ),
    ("list where a mapping belongs", "- kommun: Klippan\n", ("fel-typ", K, 1, 1)),
    ("empty file", "", ("tom-fil", K, 1, 1)),
    (
        "forbidden control character",
        swap("Vi samverkar.", "Vi\x0bsamverkar."),
        ("otillatet-tecken", K, 11, 13),
    ),
    (
        "syntax error at the opening quote",
        swap('version: "0.3"', 'version: "0.3'),
        ("yaml-syntax", K, 5, 10),
    ),
    ("tabs for indentation", swap("  - id: nulage", "\t- id: nulage"), ("yaml-syntax", K, 7, 1)),
    (
        "no goals",
        swap(
            "mål:\n  - id: M1\n    rubrik: Fler får stöd tidigt\n    indikatorer:\n"
            "      - namn: Andel\n        utgångsvärde: 10 %\n        målvärde: 30 %\n"
            "        år: 2027\n",
            "",
        ).replace("mål: [M1]", "mål: []"),
        ("mal-saknas", K, 1, 1),
    ),
    # warnings
    ("placeholder", swap("Vi samverkar.", "TODO skriv"), ("platshallare", K, 11, 11)),
    (
        "activity outside the period",
        swap("slut: 2026-06", "slut: 2030-06"),
        ("utanfor-perioden", K, 26, 11),
    ),
    (
        "activity without owner",
        swap("    ansvarig: Enhetschef\n", ""),
        ("ansvarig-saknas", K, 21, 5),
    ),
    ("activity linked to no goal", swap("    mål: [M1]\n", ""), ("aktivitet-utan-mal", K, 21, 5)),
    (
        "goal without indicator",
        swap(
            "    indikatorer:\n      - namn: Andel\n        utgångsvärde: 10 %\n"
            "        målvärde: 30 %\n        år: 2027\n",
            "",
        ),
        ("mal-utan-indikator", K, 13, 5),
    ),
    (
        "indicator without target",
        swap("        målvärde: 30 %\n", ""),
        ("malvarde-saknas", K, 16, 9),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in KOMMUN_CASES], ids=[c[0] for c in KOMMUN_CASES]
)
def test_rule_in_municipality_file(
    make_region: Callable[..., Path], text: str, expected: tuple[str, str, int, int]
) -> None:
    found = findings_for(make_region(kommun=text))
    assert expected in located(found), "\n".join(map(str, found))


def test_goal_without_activity(make_region: Callable[..., Path]) -> None:
    text = swap(
        "aktiviteter:\n",
        "  - id: M2\n    rubrik: Ett till\n    indikatorer:\n"
        "      - namn: x\n        målvärde: 1\naktiviteter:\n",
    )
    assert ("mal-utan-aktivitet", K, 20, 5) in located(findings_for(make_region(kommun=text)))


def test_file_name_that_does_not_match(make_region: Callable[..., Path]) -> None:
    root = make_region(kommuner__klippan_DOT_yaml=None, kommuner__klipan_DOT_yaml=KLIPPAN)
    assert ("filnamn", "kommuner/klipan.yaml", 1, 1) in located(findings_for(root))


def test_every_code_a_rule_emits_is_listed_with_its_severity() -> None:
    # Each finding a rule makes names its code and then its severity (E or W) as arguments
    # side by side; RULE_CODES, which README's table comes from, must say the same.
    import ast

    import omstallning.check.rules as package

    severities = {"E": Severity.ERROR, "W": Severity.WARNING}
    emitted: dict[str, Severity] = {}
    for module in sorted(Path(package.__file__).parent.glob("*.py")):
        if module.name == "followup.py":  # status's checks, not validate's (FOLLOW_UP_CODES)
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for code, severity in zip(node.args, node.args[1:], strict=False):
                if (
                    isinstance(code, ast.Constant)
                    and isinstance(code.value, str)
                    and isinstance(severity, ast.Name)
                    and severity.id in severities
                ):
                    said = severities[severity.id]
                    assert emitted.setdefault(code.value, said) is said, (module.name, code.value)
    assert len(emitted) > 20  # the rules were found
    for code, severity in emitted.items():
        assert code in RULE_CODES, code
        assert RULE_CODES[code][0] is severity, code


def test_intro_part_missing_from_inledning_list(make_region: Callable[..., Path]) -> None:
    from .conftest import CONFIG

    root = make_region(omstallning_DOT_yaml=CONFIG.replace("angransande_lagstiftning, ", ""))
    found = located(findings_for(root))
    assert ("del-saknas", "omstallning.yaml", 5, 1) in found
    assert ("del-ej-listad", "inledning/angransande_lagstiftning.md", 2, 5) in found


def test_listed_intro_part_without_file(make_region: Callable[..., Path]) -> None:
    root = make_region(inledning__lagen_DOT_md=None)
    assert ("okand-del", "omstallning.yaml", 5, 20) in located(findings_for(root))


def test_empty_intro_part(make_region: Callable[..., Path]) -> None:
    root = make_region(inledning__lagen_DOT_md="---\nid: lagen\nrubrik: Lagen\n---\n\n")
    assert ("tom-del", "inledning/lagen.md", 5, 1) in located(findings_for(root))


def test_duplicate_intro_part_id(make_region: Callable[..., Path]) -> None:
    root = make_region(inledning__lagen2_DOT_md="---\nid: lagen\nrubrik: Igen\n---\nText.\n")
    assert ("dubblett-id", "inledning/lagen2.md", 2, 5) in located(findings_for(root))


def test_citation_in_intro_points_into_the_markdown_body(make_region: Callable[..., Path]) -> None:
    root = make_region(
        inledning__lagen_DOT_md="---\nid: lagen\nrubrik: Lagen\n---\nRad ett.\n\n"
        "Se [@okand] och [@sol2025].\n"
    )
    assert ("okand-kalla", "inledning/lagen.md", 7, 5) in located(findings_for(root))


def test_front_matter_error_is_positioned_in_the_file(make_region: Callable[..., Path]) -> None:
    root = make_region(
        inledning__lagen_DOT_md="---\nid: lagen\nrubrik: Lagen\nrubrik: Igen\n---\nText.\n"
    )
    assert ("dubblett-nyckel", "inledning/lagen.md", 4, 1) in located(findings_for(root))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("../../etc/passwd", "pekar ut ur"),
        ("/etc/passwd", "absolut"),
        ("mall/saknas.docx", "finns inte"),
        ("mall/fel.docx", "ingen giltig Word-fil"),
    ],
)
def test_template_must_be_a_docx_inside_the_repository(
    make_region: Callable[..., Path], value: str, expected: str
) -> None:
    from .conftest import CONFIG

    root = make_region(
        omstallning_DOT_yaml=CONFIG + f"  mall: {value}\n", mall__fel_DOT_docx=b"not a zip"
    )
    found = [f for f in findings_for(root) if f.code == "mall-fel"]
    assert [(f.file, f.line, f.column) for f in found] == [("omstallning.yaml", 12, 9)]
    assert expected in found[0].message


def test_template_symlink_pointing_outside_is_refused(
    make_region: Callable[..., Path], tmp_path: Path
) -> None:
    from .conftest import CONFIG

    outside = tmp_path / "outside.docx"
    outside.write_bytes(b"x")
    root = make_region(omstallning_DOT_yaml=CONFIG + "  mall: mall/ref.docx\n")
    (root / "mall").mkdir()
    (root / "mall" / "ref.docx").symlink_to(outside)
    found = [f for f in findings_for(root) if f.code == "mall-fel"]
    assert found and "pekar ut ur" in found[0].message


def test_logo_that_is_not_an_image(make_region: Callable[..., Path]) -> None:
    from .conftest import CONFIG

    root = make_region(
        omstallning_DOT_yaml=CONFIG + "  logotyp: mall/logo.png\n",
        mall__logo_DOT_png=b"GIF? no, text",
    )
    assert ("logotyp-fel", "omstallning.yaml", 12, 12) in located(findings_for(root))


def test_one_broken_file_does_not_hide_the_others(make_region: Callable[..., Path]) -> None:
    root = make_region(
        kommuner__bjuv_DOT_yaml="kommun: Bjuv\nkommunkod: [\n",
        kommuner__astorp_DOT_yaml=KLIPPAN.replace("Klippan", "Åstorp").replace('"1276"', '"1276"'),
    )
    found = located(findings_for(root))
    assert any(f[0] == "yaml-syntax" and f[1] == "kommuner/bjuv.yaml" for f in found)
    assert ("fel-kommunkod", "kommuner/astorp.yaml", 2, 12) in found


def test_latin1_file_is_reported_at_the_first_bad_byte(make_region: Callable[..., Path]) -> None:
    root = make_region(kommuner__klippan_DOT_yaml=KLIPPAN.encode("latin-1"))
    assert ("inte-utf8", K, 3, 2) in located(findings_for(root))


def test_utf16_file_is_reported(make_region: Callable[..., Path]) -> None:
    root = make_region(kommuner__klippan_DOT_yaml=KLIPPAN.encode("utf-16"))
    assert ("inte-utf8", K, 1, 1) in located(findings_for(root))


def test_bom_and_crlf_are_fine(make_region: Callable[..., Path]) -> None:
    data = b"\xef\xbb\xbf" + KLIPPAN.replace("\n", "\r\n").encode("utf-8")
    assert findings_for(make_region(kommuner__klippan_DOT_yaml=data)) == []


def test_alias_bomb_is_refused_quickly(make_region: Callable[..., Path]) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    found = findings_for(make_region(kommun="\n".join(lines) + "\n"))
    assert any(f.code == "for-stor" and f.file == K for f in found)
