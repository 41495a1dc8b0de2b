from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from omstallning.findings import Finding
from omstallning.followup.files import (
    KoladaValue,
    load_outcome_files,
    merge_region,
    render_kolada_snapshot,
)
from omstallning.followup.importer import (
    column_letter,
    import_rows,
    read_table,
    sniff_delimiter,
    write_outcome_files,
)
from omstallning.load.loader import load_region
from omstallning.model import Region

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "nordvastra-skane"
BISTAND = "Andel hushåll med långvarigt ekonomiskt bistånd"
VANTETID = "Genomsnittlig väntetid till första samtal, dagar"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    target = tmp_path / "region"
    shutil.copytree(EXAMPLE, target)
    astorp = target / "kommuner" / "astorp.yaml"
    text = astorp.read_text(encoding="utf-8")
    # A Kolada-backed indicator, to place rows by KPI id and to merge the snapshot into.
    if "kolada: N31807" not in text:  # the example may carry it already
        text = text.replace(
            f"      - namn: {BISTAND}\n", f"      - namn: {BISTAND}\n        kolada: N31807\n"
        )
    astorp.write_text(text, encoding="utf-8")
    return target


def region_of(root: Path) -> Region:
    result = load_region(root)
    assert not [f for f in result.findings if f.is_error]
    return result.region


def run_import(root: Path, name: str, content: bytes) -> tuple[list[Path], list[Finding], int]:
    path = root.parent / name
    path.write_bytes(content)
    rows, problems = read_table(path)
    current = load_outcome_files(root)
    changes, more = import_rows(rows, region_of(root), current, name)
    written = write_outcome_files(root, changes, current)
    return written, problems + more, len(changes)


GOOD = (
    "\ufeffKommun;INDIKATOR;Period;Varde;kön;Källa;Kommentar\n"
    f"Klippan;{VANTETID.upper()};2025;12;;Eget verksamhetssystem;\n"
    f"1276;{VANTETID};2026H1;9,5;;Eget verksamhetssystem;Nytt arbetssätt\n"
    "astorp;N31807;2025;2,9 %;totalt;Kolada;\n"
    "Åstorp;N31807;2025;3,1;Kvinnor;Kolada;\n"
    ";;;;;;\n"
).encode()


def test_csv_is_imported_into_one_generated_file_per_municipality(root: Path) -> None:
    written, problems, count = run_import(root, "utfall.csv", GOOD)
    assert problems == []
    assert count == 4
    assert sorted(p.name for p in written) == ["astorp.yaml", "klippan.yaml"]
    klippan = (root / "utfall" / "klippan.yaml").read_text(encoding="utf-8")
    assert klippan.endswith(
        'kommun: "Klippan"\n'
        "indikatorer:\n"
        f'  - namn: "{VANTETID}"\n'
        "    utfall:\n"
        '      - period: "2025"\n'
        "        värde: 12\n"
        '        källa: "Eget verksamhetssystem"\n'
        '      - period: "2026H1"\n'
        "        värde: 9.5\n"
        '        källa: "Eget verksamhetssystem"\n'
        '        kommentar: "Nytt arbetssätt"\n'
    )
    data = load_outcome_files(root)
    assert data.findings == []
    region = region_of(root)
    merge_region(region, data)
    plan = region.municipality("klippan")
    assert plan is not None
    merged = [i for g in plan.plan.goals for i in g.indicators if i.name == VANTETID][0]
    assert [(str(o.period), o.value) for o in merged.outcomes] == [("2025", 12), ("2026H1", 9.5)]
    # The hand-written plan is never touched.
    assert (root / "kommuner" / "klippan.yaml").read_bytes() == (
        EXAMPLE / "kommuner" / "klippan.yaml"
    ).read_bytes()


def test_reimporting_the_same_table_changes_nothing(root: Path) -> None:
    run_import(root, "utfall.csv", GOOD)
    before = {p.name: p.read_bytes() for p in (root / "utfall").iterdir()}
    written, problems, count = run_import(root, "utfall.csv", GOOD)
    assert (written, problems, count) == ([], [], 0)
    assert {p.name: p.read_bytes() for p in (root / "utfall").iterdir()} == before


def test_a_later_table_adds_to_and_updates_earlier_values(root: Path) -> None:
    run_import(root, "utfall.csv", GOOD)
    later = (
        "kommun,indikator,period,värde\n"
        f'Klippan,"{VANTETID}",2025,11\nKlippan,"{VANTETID}",2026,8\n'
    )
    written, problems, count = run_import(root, "senare.csv", later.encode())
    assert problems == [] and count == 2 and [p.name for p in written] == ["klippan.yaml"]
    text = (root / "utfall" / "klippan.yaml").read_text(encoding="utf-8")
    assert text.count("period:") == 3 and "värde: 11\n" in text and "värde: 12\n" not in text


def test_rows_that_cannot_be_placed_are_reported_with_row_and_column(root: Path) -> None:
    bad = (
        "kommun;indikator;period;värde;kön\n"
        f"Malmö;{VANTETID};2025;1;\n"  # row 2: unknown municipality
        "Klippan;Något annat;2025;1;\n"  # row 3: unknown indicator
        f"Klippan;{VANTETID};2025H3;1;\n"  # row 4: bad period
        f"Klippan;{VANTETID};2025;många;\n"  # row 5: no number
        f"Klippan;{VANTETID};2025;1;båda\n"  # row 6: bad sex
        f"Klippan;{VANTETID};2026;7;\n"  # row 7: fine
        f"Klippan;{VANTETID};2026;8;\n"  # row 8: same key, another value
    ).encode()
    written, problems, count = run_import(root, "fel.csv", bad)
    where = [(f.line, f.column, f.code) for f in problems]
    assert where == [
        (2, 1, "import-okand-kommun"),
        (3, 2, "import-okand-indikator"),
        (4, 3, "import-ogiltig-period"),
        (5, 4, "import-ogiltigt-varde"),
        (6, 5, "import-ogiltigt-kon"),
        (8, 4, "import-dubblett"),
    ]
    assert all(f.file == "fel.csv" and f.is_error for f in problems)
    assert "”Malmö” finns inte i regionen" in problems[0].message
    assert "Rad 7" in problems[-1].message
    assert count == 1 and [p.name for p in written] == ["klippan.yaml"]


def test_missing_columns_stop_the_import_and_unknown_columns_warn(root: Path) -> None:
    _w, problems, count = run_import(root, "fel.csv", b"kommun;indikator;period;antal\n")
    assert count == 0
    codes = [(f.code, f.line, f.column, f.is_error) for f in problems]
    assert ("import-okand-kolumn", 1, 4, False) in codes
    missing = [f for f in problems if f.code == "import-saknad-kolumn"]
    assert missing and "värde" in missing[0].message


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_the_delimiter_is_sniffed(delimiter: str) -> None:
    header = delimiter.join(["kommun", "indikator", "period", "värde"])
    assert sniff_delimiter(header + "\nKlippan" + delimiter + "x,y\n") == delimiter


def test_windows_1252_is_read_with_a_warning(root: Path) -> None:
    text = f"kommun;indikator;period;värde\nÅstorp;{BISTAND};2025;3,0\n"
    written, problems, count = run_import(root, "ansi.csv", text.encode("cp1252"))
    assert count == 1 and [p.name for p in written] == ["astorp.yaml"]
    assert [(f.code, f.is_error) for f in problems] == [("import-teckenkodning", False)]


def test_excel_workbooks_are_imported(root: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Kommun", "Indikator", "Period", "Värde", "Källa"])
    sheet.append([1276, VANTETID, 2025, 12.0, "Eget"])
    sheet.append(["Klippan", VANTETID, "2026K1", 9.5, "Eget"])
    sheet.append(["Ingenstans", VANTETID, 2025, 1, None])
    path = root.parent / "utfall.xlsx"
    book.save(path)
    rows, problems = read_table(path)
    changes, more = import_rows(rows, region_of(root), load_outcome_files(root), "utfall.xlsx")
    assert [(c.outcome.value, str(c.outcome.period)) for c in changes] == [
        (12, "2025"),
        (9.5, "2026K1"),
    ]
    assert [(f.line, column_letter(f.column)) for f in problems + more] == [(4, "A")]


def test_a_broken_outcome_file_is_a_positioned_finding(root: Path) -> None:
    (root / "utfall").mkdir()
    (root / "utfall" / "klippan.yaml").write_text(
        'kommun: "Klippan"\nindikatorer:\n  - namn: "X"\n    utfall:\n'
        '      - period: "2025H5"\n        värde: 1\n',
        encoding="utf-8",
    )
    data = load_outcome_files(root)
    assert [(f.file, f.line, f.code) for f in data.findings] == [
        ("utfall/klippan.yaml", 5, "ogiltigt-period")
    ]


def test_the_kolada_snapshot_is_merged_by_code_and_kpi(root: Path) -> None:
    values = [
        KoladaValue.model_validate(
            {"kommunkod": "1277", "kpi": "N31807", "period": y, "kön": "totalt", "värde": v}
        )
        for y, v in ((2024, 3.0), (2023, 3.2))
    ]
    other = KoladaValue.model_validate(
        {"kommunkod": "1276", "kpi": "N31807", "period": 2024, "kön": "totalt", "värde": 9.0}
    )
    text = render_kolada_snapshot(dt.date(2026, 3, 1), [*values, other])
    assert 'källa: "Källa: Kolada"\nhämtad: 2026-03-01\n' in text
    (root / "kolada.yaml").write_text(text, encoding="utf-8")
    data = load_outcome_files(root)
    assert data.findings == [] and data.kolada is not None
    region = region_of(root)
    merge_region(region, data)
    astorp = region.municipality("astorp")
    assert astorp is not None
    ind = [i for g in astorp.plan.goals for i in g.indicators if i.kolada == "N31807"][0]
    assert [(str(o.period), o.value, o.source) for o in ind.outcomes] == [
        ("2023", 3.2, "Kolada"),
        ("2024", 3.0, "Kolada"),
    ]
