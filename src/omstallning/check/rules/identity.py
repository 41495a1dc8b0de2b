"""Which municipality a file is: its name, code, file name, one file each; its decision."""

from __future__ import annotations

from collections.abc import Iterator

from omstallning import kommuner
from omstallning.check.rules.files import check_logo, check_template
from omstallning.check.rules.registry import E, W, at, municipalities, municipality_rule, rule
from omstallning.findings import Finding
from omstallning.load.loader import LoadResult
from omstallning.load.yaml_source import SourceMap
from omstallning.model import MunicipalityEntry


@municipality_rule
def municipality_identity(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """The name is a real municipality, the code is its official code, the file is its slug."""
    plan = entry.plan
    official = kommuner.by_name(plan.name)
    if official is None:
        close = kommuner.suggest(plan.name)
        fix = f" Menade du ”{close[0]}”?" if close else ""
        yield at(
            sm,
            entry.file,
            ("kommun",),
            "okand-kommun",
            E,
            f"”{plan.name}” finns inte i SCB:s lista över Sveriges 290 kommuner.{fix} "
            "Skriv kommunens namn utan ”kommun” eller ”stad”, t.ex. Klippan.",
        )
        return
    if plan.code != official.code:
        other = kommuner.by_code(plan.code)
        belongs = f" (det är {kommuner.genitive(other.name)} kod)" if other else ""
        if plan.code.strip("”“„‘’»«") == official.code:
            belongs = " (typografiska citattecken från Word räknas inte som citattecken i YAML)"
        yield at(
            sm,
            entry.file,
            ("kommunkod",),
            "fel-kommunkod",
            E,
            f'Kommunkoden för {official.name} är "{official.code}", inte '
            f'"{plan.code}"{belongs}. Skriv kommunkod: "{official.code}".',
        )
    if entry.slug != official.slug:
        yield Finding(
            entry.file,
            1,
            1,
            "filnamn",
            W,
            f"Filen för {official.name} bör heta {official.slug}.yaml. Byt "
            "namn på filen så att den är lätt att hitta.",
        )


@municipality_rule
def own_logo_and_template(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """A municipality's own `logotyp` and `mall` are safe, real files, like the region's."""
    root = result.region.root
    plan = entry.plan
    if plan.template:
        problem = check_template(root, plan.template)
        if problem:
            yield at(sm, entry.file, ("mall",), "mall-fel", E, problem)
    if plan.logo:
        problem = check_logo(root, plan.logo)
        if problem:
            yield at(sm, entry.file, ("logotyp",), "logotyp-fel", E, problem)


@rule
def one_file_per_municipality(result: LoadResult) -> Iterator[Finding]:
    """No municipality has two files (reads only REGION_RULE_PATHS of their source maps)."""
    files: dict[str, list[tuple[MunicipalityEntry, SourceMap | None]]] = {}
    for entry, sm in municipalities(result):
        official = kommuner.by_name(entry.plan.name)
        if official is not None:
            files.setdefault(official.code, []).append((entry, sm))
    for code, entries in files.items():
        if len(entries) < 2:
            continue
        official = kommuner.by_code(code)
        assert official is not None
        # The rightly named file is the kommun's own; the finding goes on the others.
        keep = next((e for e in entries if e[0].slug == official.slug), entries[0])
        for entry, sm in entries:
            if entry is keep[0]:
                continue
            yield at(
                sm,
                entry.file,
                ("kommun",),
                "dubblett-id",
                E,
                f"{official.name} har redan en fil: {keep[0].file}. En kommun ska bara ha "
                "en fil; slå ihop filerna eller ta bort den här.",
            )


@municipality_rule
def decision(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """A decided plan says which decision adopted it."""
    if entry.plan.status == "beslutad" and entry.plan.decision is None:
        yield at(
            sm,
            entry.file,
            ("status",),
            "beslut-saknas",
            E,
            "Planen har status beslutad men inget beslut. Lägg till ”beslut:” med "
            "organ, datum och diarienummer, eller ändra status till utkast eller remiss.",
        )
