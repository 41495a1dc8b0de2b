"""The generated data files that hold outcomes, beside the hand-written plans.

`utfall/<slug>.yaml` holds one municipality's imported outcomes, keyed by indicator name;
`kolada.yaml` holds the region's Kolada snapshot, keyed by municipality code and KPI id. Both
are written by the tool only (sorted, plain, the same bytes for the same data), so the
hand-written `kommuner/*.yaml` keep their comments and layout. The loader merges them into
the indicators' `utfall`; `validate` and `build` read only these files, never the network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

from omstallning.findings import Finding
from omstallning.load.loader import read_text
from omstallning.load.model_errors import validate_model
from omstallning.load.yaml_source import SourceMap, parse_yaml
from omstallning.model import (
    Day,
    Indicator,
    Municipality,
    MunicipalityEntry,
    Outcome,
    Region,
    Sex,
    Text,
    Value,
)
from omstallning.text import fold, yaml_quoted

OUTCOME_DIR = "utfall"
KOLADA_FILE = "kolada.yaml"
KOLADA_SOURCE = "Kolada"
KOLADA_CREDIT = "Källa: Kolada"
SEX_ORDER = {None: 0, "totalt": 1, "kvinnor": 2, "män": 3}
M = TypeVar("M", bound=BaseModel)
_OUTCOME_HEADER = (
    "# Utfall för {name}, skrivna av omstallning. Ändra inte här: rätta källfilen och\n"
    "# importera den igen (omstallning data importera FIL).\n"
)
_KOLADA_HEADER = (
    "# Ögonblicksbild från Koladas öppna API, skriven av omstallning data hamta.\n"
    "# validate och build läser bara den här filen, aldrig nätet. Källa: Kolada.\n"
)


class _FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IndicatorOutcomes(_FileModel):
    """The imported outcomes of one indicator (matched by name)."""

    name: Text = Field(alias="namn", description="Indikatorns namn, som i kommunens fil.")
    outcomes: list[Outcome] = Field(alias="utfall", description="Utfall per period.")


class OutcomeFile(_FileModel):
    """`utfall/<slug>.yaml`: one municipality's imported outcomes."""

    municipality: Text = Field(alias="kommun", description="Kommunens namn.")
    indicators: list[IndicatorOutcomes] = Field(
        default_factory=list, alias="indikatorer", description="Indikatorer med utfall."
    )


class KoladaValue(_FileModel):
    """One value from Kolada: a KPI for one municipality, period and sex."""

    code: Text = Field(alias="kommunkod", description="Kommunkoden, fyra siffror.")
    kpi: Text = Field(description="Koladas nyckeltals-id, t.ex. N31807.")
    period: int = Field(description="Året.")
    sex: Sex = Field(alias="kön", description="kvinnor, män eller totalt.")
    value: float = Field(alias="värde", description="Värdet.")


class KoladaSnapshot(_FileModel):
    """`kolada.yaml`: the values fetched from Kolada, with the day they were fetched."""

    source: Text = Field(alias="källa", description="Källa: Kolada.")
    fetched: Day = Field(alias="hämtad", description="Dagen då värdena hämtades.")
    values: list[KoladaValue] = Field(
        default_factory=list, alias="värden", description="Värden per kommun, nyckeltal, år."
    )


@dataclass
class OutcomeData:
    """The outcome files of a region as read, with positions for findings."""

    files: dict[str, OutcomeFile] = field(default_factory=dict)  # by municipality slug
    kolada: KoladaSnapshot | None = None
    maps: dict[str, SourceMap] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def outcome_path(root: Path, slug: str) -> Path:
    """Where a municipality's imported outcomes are written."""
    return root / OUTCOME_DIR / f"{slug}.yaml"


def load_outcome_files(root: Path) -> OutcomeData:
    """Read `utfall/*.yaml` and `kolada.yaml`; broken files become findings, not exceptions."""
    data = OutcomeData()
    folder = root / OUTCOME_DIR
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    for path in paths:
        parsed = _read(root, path, OutcomeFile, data)
        if parsed is not None:
            data.files[path.stem] = parsed
    kolada = root / KOLADA_FILE
    if kolada.is_file():
        data.kolada = _read(root, kolada, KoladaSnapshot, data)
    return data


def _read(root: Path, path: Path, model: type[M], data: OutcomeData) -> M | None:
    rel = path.relative_to(root).as_posix()
    text, findings = read_text(path, rel)
    data.findings += findings
    if text is None:
        return None
    parsed = parse_yaml(text, rel)
    data.findings += parsed.findings
    data.maps[rel] = parsed.source
    result, model_findings = validate_model(model, parsed)
    data.findings += model_findings
    return result


# --- Merging into the plans ----------------------------------------------------------------


def _sort_key(outcome: Outcome) -> tuple[object, ...]:
    return (outcome.period, SEX_ORDER.get(outcome.sex, 9))


def kolada_outcomes(snapshot: KoladaSnapshot, code: str, kpi: str) -> list[Outcome]:
    """The snapshot's values for one municipality and KPI, as outcomes."""
    return [
        Outcome.model_validate(
            {
                "period": v.period,
                "värde": _plain_number(v.value),
                "källa": KOLADA_SOURCE,
                "kön": v.sex,
            }
        )
        for v in snapshot.values
        if v.code == code and v.kpi == kpi
    ]


def _merged_indicator(
    indicator: Indicator, imported: dict[str, list[Outcome]], kolada: list[Outcome]
) -> Indicator:
    extra = imported.get(fold(indicator.name), []) + kolada
    if not extra:
        return indicator
    outcomes = sorted([*indicator.outcomes, *extra], key=_sort_key)
    return indicator.model_copy(update={"outcomes": outcomes})


def merge_outcomes(plan: Municipality, slug: str, data: OutcomeData) -> Municipality:
    """The plan with its indicators' outcomes from the data files added after its own."""
    file = data.files.get(slug)
    imported = {fold(i.name): list(i.outcomes) for i in file.indicators} if file else {}
    goals = []
    for goal in plan.goals:
        indicators = []
        for indicator in goal.indicators:
            kolada: list[Outcome] = []
            if data.kolada is not None and indicator.kolada:
                kolada = kolada_outcomes(data.kolada, plan.code, indicator.kolada)
            indicators.append(_merged_indicator(indicator, imported, kolada))
        goals.append(goal.model_copy(update={"indicators": indicators}))
    return plan.model_copy(update={"goals": goals})


def merge_region(region: Region, data: OutcomeData) -> None:
    """Merge the outcome files into every loaded municipality of `region`, in place."""
    region.municipalities = [
        MunicipalityEntry(m.file, m.slug, merge_outcomes(m.plan, m.slug, data))
        for m in region.municipalities
    ]


# --- Writing -------------------------------------------------------------------------------


def _plain_number(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def yaml_value(value: Value | float) -> str:
    """A value as YAML reads it back: text quoted, numbers in plain decimal notation."""
    if isinstance(value, str):
        return yaml_quoted(value)
    if isinstance(value, bool):  # never produced; kept out of the number branch
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text or "E" in text:  # YAML 1.1 reads 1e-05 as text; write every digit
        text = f"{value:.20f}".rstrip("0")
    return text if "." in text else text + ".0"


def _outcome_lines(outcome: Outcome, indent: str) -> list[str]:
    lines = [f"{indent}- period: {yaml_quoted(str(outcome.period))}"]
    lines.append(f"{indent}  värde: {yaml_value(outcome.value)}")
    if outcome.sex is not None:
        lines.append(f"{indent}  kön: {outcome.sex}")
    if outcome.source is not None:
        lines.append(f"{indent}  källa: {yaml_quoted(outcome.source)}")
    if outcome.comment is not None:
        lines.append(f"{indent}  kommentar: {yaml_quoted(outcome.comment)}")
    return lines


def render_outcome_file(municipality: str, indicators: dict[str, list[Outcome]]) -> str:
    """The text of `utfall/<slug>.yaml`: indicators by name, outcomes by period and sex."""
    lines = [_OUTCOME_HEADER.format(name=municipality).rstrip("\n")]
    lines.append(f"kommun: {yaml_quoted(municipality)}")
    lines.append("indikatorer:" if indicators else "indikatorer: []")
    for name in sorted(indicators, key=lambda n: (fold(n), n)):
        lines.append(f"  - namn: {yaml_quoted(name)}")
        lines.append("    utfall:")
        for outcome in sorted(indicators[name], key=_sort_key):
            lines += _outcome_lines(outcome, "      ")
    return "\n".join(lines) + "\n"


def render_kolada_snapshot(fetched: dt.date, values: Iterable[KoladaValue]) -> str:
    """The text of `kolada.yaml`, sorted by municipality code, KPI, year and sex."""
    ordered = sorted(values, key=lambda v: (v.code, v.kpi, v.period, SEX_ORDER[v.sex]))
    lines = [_KOLADA_HEADER.rstrip("\n"), f"källa: {yaml_quoted(KOLADA_CREDIT)}"]
    lines.append(f"hämtad: {fetched.isoformat()}")
    lines.append("värden:" if ordered else "värden: []")
    for v in ordered:
        lines.append(f"  - kommunkod: {yaml_quoted(v.code)}")
        lines.append(f"    kpi: {v.kpi}")
        lines.append(f"    period: {v.period}")
        lines.append(f"    kön: {v.sex}")
        lines.append(f"    värde: {yaml_value(_plain_number(v.value))}")
    return "\n".join(lines) + "\n"


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` unless the file already holds exactly it; True when written."""
    from omstallning.load.safe_read import TEXT_FILE_BYTES, read_bytes
    from omstallning.writers.files import write_bytes_atomic

    data = text.encode("utf-8")
    try:
        if read_bytes(path, TEXT_FILE_BYTES) == data:
            return False
    except OSError:
        pass  # missing, or not a file to compare with: written anew
    write_bytes_atomic(path, data)
    return True
