"""`omstallning new`: write a regional repository or a municipality from the templates.

Every file is planned in memory first. Nothing is written when any target exists (unless
`force`), and a write that fails halfway removes what this run created, so a refused or
broken `new` never leaves half a repository behind.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from omstallning import __version__, kommuner
from omstallning.commands.install_source import InstallSource, install_source
from omstallning.commands.schema import render_schemas
from omstallning.errors import ScaffoldError
from omstallning.text import yaml_quoted
from omstallning.writers.files import ensure_real_folders, write_text_atomic

DEFAULT_PERIOD = (2025, 2028)
_TOKEN = re.compile(r"__([A-Z]+)__")


@dataclass(frozen=True)
class PlannedFile:
    """A file `new` will write, relative to the region's folder."""

    path: str
    text: str


def templates() -> Traversable:
    """The packaged templates (from the wheel; from the source tree in a development install)."""
    packaged = resources.files("omstallning").joinpath("templates")
    if packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[3] / "templates"
    if source_tree.is_dir():
        return source_tree
    raise ScaffoldError("Mallarna saknas i installationen. Installera om omstallning.")


def _iter_template(folder: Traversable, prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        name = item.name
        # Dot-files are stored as dot-<name> so that packaging tools keep them.
        target = "." + name[len("dot-") :] if name.startswith("dot-") else name
        if item.is_dir():
            out += _iter_template(item, f"{prefix}{target}/")
        elif not name.endswith((".pyc", "~")):
            out.append((f"{prefix}{target}", item.read_text("utf-8")))
    return out


def _fill(text: str, values: dict[str, str]) -> str:
    # One pass over the template: a value (a region's name) is data and is never searched
    # for tokens itself, so a name containing `__VERSION__` stays as written.
    return _TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def resolve_kommun(name: str) -> kommuner.Kommun:
    """The official municipality for a name, or a stop with a suggestion."""
    found = kommuner.by_name(name)
    if found is None:
        close = kommuner.suggest(name)
        fix = f" Menade du {' eller '.join(close)}?" if close else ""
        raise ScaffoldError(
            f"”{name}” finns inte bland Sveriges 290 kommuner.{fix} Skriv namnet som SCB gör, "
            "utan ”kommun” eller ”stad” (t.ex. Upplands Väsby)."
        )
    return found


def plan_municipality(k: kommuner.Kommun, period: tuple[int, int] = DEFAULT_PERIOD) -> PlannedFile:
    """The guided file for one municipality."""
    text = templates().joinpath("kommun.yaml").read_text("utf-8")
    text = _fill(
        text,
        {
            # in comment lines only
            "KOMMUNGENITIV": kommuner.genitive(k.official_name),
            "OFFICIELLT": yaml_quoted(k.official_name),
            "SLUG": k.slug,
            "KOMMUNKOD": yaml_quoted(k.code),
            "KOMMUN": yaml_quoted(k.name),
            "BORJAR": str(period[0]),
            "SLUTAR": str(period[1]),
        },
    )
    return PlannedFile(f"kommuner/{k.slug}.yaml", text)


def plan_region(
    name: str, municipality_names: Sequence[str], period: tuple[int, int] = DEFAULT_PERIOD
) -> list[PlannedFile]:
    """Every file of a new regional repository."""
    if not name.strip():
        raise ScaffoldError('Regionens namn får inte vara tomt. Ange --namn "…".')
    from omstallning.check.report import visible

    if visible(name) != name:  # an escape sequence or a line break would break the files
        raise ScaffoldError(
            f"Regionens namn innehåller styrtecken ({visible(name)}). Skriv namnet som vanlig "
            'text, t.ex. --namn "Nordvästra Skåne".'
        )
    chosen = [resolve_kommun(n) for n in municipality_names]
    source = install_source()
    values = {
        "REGION": yaml_quoted(name.strip()),
        "BORJAR": str(period[0]),
        "SLUTAR": str(period[1]),
        "VERSION": __version__,
        "PAKET": yaml_quoted(source.requirement),
        "PAKETKOMMENTAR": source.comment,
    }
    prose = {
        **values,
        "REGION": name.strip(),
        "PAKETPROSA": source.requirement,
        "PAKETNOT": _install_note(source),
        "EXEMPELKOMMUN": _example_municipality(chosen),
    }
    files: list[PlannedFile] = []
    for rel, text in _iter_template(templates().joinpath("region")):
        if rel.endswith((".md",)) and not rel.startswith("inledning/"):
            text = _fill(text, prose)  # prose, not YAML
        else:
            text = _fill(text, values)
        files.append(PlannedFile(rel, text))
    for schema_name, text in render_schemas().items():
        files.append(PlannedFile(f"schemas/{schema_name}", text))
    seen: set[str] = set()
    for k in chosen:
        if k.code not in seen:
            seen.add(k.code)
            files.append(plan_municipality(k, period))
    return files


def _install_note(source: InstallSource) -> str:
    """The README's sentence on where CI installs the tool from."""
    if source.is_placeholder:
        return (
            "**Att göra:** repot skapades med ett verktyg som är installerat från en lokal "
            "mapp. Skriv in var omstallning ska hämtas i `OMSTALLNING_PAKET` i "
            "`.github/workflows/omstallning.yml` och `.gitlab-ci.yml` (och i raden ovan). "
            "`omstallning validate` varnar (`paket-saknas`) tills det är gjort."
        )
    return (
        "CI installerar samma version (`OMSTALLNING_PAKET` i `.github/workflows/omstallning.yml` "
        "och `.gitlab-ci.yml`). Byt där när regionen går över till en ny version."
    )


def _example_municipality(chosen: Sequence[kommuner.Kommun]) -> str:
    """A municipality to add, for the README: a neighbour (by code) in the first one's county."""
    if not chosen:
        return "NAMN"
    first = chosen[0]
    taken = {k.code for k in chosen}
    county = [k for k in kommuner.all_kommuner() if k.county_code == first.county_code]
    others = [k for k in county if k.code not in taken]
    if not others:
        return "NAMN"
    near = min(others, key=lambda k: (abs(int(k.code) - int(first.code)), k.code))
    return near.name if " " not in near.name else f'"{near.name}"'


def conflicts(root: Path, files: Sequence[PlannedFile]) -> list[str]:
    """Planned files that already exist."""
    return [f.path for f in files if (root / f.path).exists()]


def write_planned(root: Path, files: Sequence[PlannedFile], *, force: bool) -> list[Path]:
    """Write planned files; refuse without `force` if any exists; undo on failure.

    Raises:
        ScaffoldError: files exist and `force` is not given (nothing is written).
        OutputError: writing failed (what this run created is removed).
        UnsafeOutputError: a folder below `root` is a symbolic link (nothing is written).
    """
    existing = conflicts(root, files)
    if existing and not force:
        shown = ", ".join(existing[:5]) + (
            f" och {len(existing) - 5} till" if len(existing) > 5 else ""
        )
        raise ScaffoldError(
            f"Skriver inte över befintliga filer: {shown}. Inget skrevs. Ange --force för att "
            "skriva över dem."
        )
    root_existed = root.exists()
    created: list[Path] = []
    try:
        root.mkdir(parents=True, exist_ok=True)
        for f in files:
            target = root / f.path
            is_new = not target.exists()
            # Never through a link inside the region (a committed `kommuner` link).
            ensure_real_folders(root, target.parent)
            write_text_atomic(target, f.text)
            if is_new:
                created.append(target)
    except BaseException:
        for path in reversed(created):
            with contextlib.suppress(OSError):
                path.unlink()
        if not root_existed:
            shutil.rmtree(root, ignore_errors=True)
        else:
            _remove_empty_dirs(root, created)
        raise
    return [root / f.path for f in files]


def _remove_empty_dirs(root: Path, created: list[Path]) -> None:
    for path in created:
        for parent in path.parents:
            if parent == root or root not in parent.parents:
                break
            with contextlib.suppress(OSError):
                parent.rmdir()


def read_period(region_root: Path) -> tuple[int, int]:
    """The plan period of an existing region, for a new municipality's dates."""
    from omstallning.load.loader import CONFIG_FILE, read_text
    from omstallning.load.yaml_source import parse_yaml

    text, _ = read_text(region_root / CONFIG_FILE, CONFIG_FILE)
    data = parse_yaml(text, CONFIG_FILE).data if text else None
    try:
        period = data["plan"]["period"]  # type: ignore[index]
        return int(period["start"]), int(period["slut"])
    except (TypeError, KeyError, ValueError):
        return DEFAULT_PERIOD
