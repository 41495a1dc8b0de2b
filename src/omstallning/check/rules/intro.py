"""The shared introduction: every standard part exists, is listed, is not empty."""

from __future__ import annotations

from collections.abc import Iterator

from omstallning.check.rules.registry import E, W, at, rule
from omstallning.findings import Finding
from omstallning.load.loader import CONFIG_FILE, LoadResult
from omstallning.model import INTRO_PARTS


@rule
def intro_parts(result: LoadResult) -> Iterator[Finding]:
    """Every standard part exists, is listed, is not empty; listed ids exist; ids are unique."""
    region = result.region
    cfg_map = result.maps.get(CONFIG_FILE)
    listed = region.config.intro if result.config_ok else list(INTRO_PARTS)
    by_id: dict[str, str] = {}
    for part in region.intro_parts:
        fm = result.maps.get(part.file)
        if part.id in by_id:
            yield at(
                fm,
                part.file,
                ("id",),
                "dubblett-id",
                E,
                f"Inledningsdelen ”{part.id}” finns redan i {by_id[part.id]}. Ge den här "
                "delen ett eget id.",
            )
            continue
        by_id[part.id] = part.file
        if not part.text.strip():
            yield Finding(
                part.file,
                part.body_line,
                1,
                "tom-del",
                E,
                f"Inledningsdelen ”{part.id}” har ingen text. Skriv texten under front matter.",
            )
        if part.id not in listed:
            yield at(
                fm,
                part.file,
                ("id",),
                "del-ej-listad",
                W,
                f"Delen ”{part.id}” står inte under inledning i omstallning.yaml och "
                "kommer inte med i planen. Lägg till den där, eller ta bort filen.",
            )
    if not result.config_ok:
        return
    seen: set[str] = set()
    for i, part_id in enumerate(listed):
        if part_id in seen:
            yield at(
                cfg_map,
                CONFIG_FILE,
                ("inledning", i),
                "dubblett-id",
                E,
                f"”{part_id}” står två gånger under inledning. Ta bort den ena.",
            )
        seen.add(part_id)
        if part_id not in by_id:
            yield at(
                cfg_map,
                CONFIG_FILE,
                ("inledning", i),
                "okand-del",
                E,
                f"Inledningsdelen ”{part_id}” finns inte: ingen fil i inledning/ har "
                f"”id: {part_id}” i sin front matter. Skapa filen eller rätta id:t.",
            )
    for part_id, title in INTRO_PARTS.items():
        if part_id not in listed:
            yield at(
                cfg_map,
                CONFIG_FILE,
                ("inledning",),
                "del-saknas",
                E,
                f"Den gemensamma inledningen måste ha delen ”{part_id}” ({title}). "
                f"Lägg till {part_id} under inledning i omstallning.yaml.",
                key=True,
            )
