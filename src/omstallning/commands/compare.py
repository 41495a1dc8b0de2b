"""`build --jamfor REF`: the change lists and tracked-changes plans against an earlier version.

`prepare_comparison` reads the earlier version (git ref or another copy of the repo) and
compares it with the current region, for the municipalities being built. From that:

- `change_document` / `change_files`: each municipality's change list, as its own document
  (`<slug>-andringar.docx/.md`);
- `changes_appendix`: the same list as blocks for the plan's appendix;
- `tracked_plan`: the plan's DOCX with the differences as Word tracked changes
  (`<slug>-sparade-andringar.docx`);
- `job_summary`: the change lists as Markdown for a CI job summary of a pull request;
- `fingerprint`: what the comparison was made from, for the build manifest.

No printing here; the CLI prints.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from omstallning.changes.compare import ItemChange, PlanChanges, compare_intro, compare_plans
from omstallning.changes.git import OldVersion, load_version
from omstallning.documents.tree import Block, Document, DocumentMeta, Heading, Run
from omstallning.errors import UsageError
from omstallning.model import MunicipalityEntry, Region

CHANGES_STEM = "{slug}-andringar"
TRACKED_STEM = "{slug}-sparade-andringar"


@dataclass(frozen=True)
class Comparison:
    """An earlier version of the region and what changed since, per municipality (by slug)."""

    old: OldVersion
    intro: tuple[ItemChange, ...]
    plans: dict[str, PlanChanges]
    old_entries: dict[str, MunicipalityEntry]

    @property
    def label(self) -> str:
        """The earlier version as the user named it (`v1`, `../kopia`)."""
        return self.old.label

    def fingerprint(self) -> str:
        """What the comparison was made from, for the build cache (see `fingerprint`)."""
        return fingerprint(self)


def old_entry(old: Region, entry: MunicipalityEntry) -> MunicipalityEntry | None:
    """The municipality in the earlier version: same file name, else same municipality code."""
    found = old.municipality(entry.slug)
    if found is None:
        found = next((m for m in old.municipalities if m.plan.code == entry.plan.code), None)
    return found


def prepare_comparison(
    region: Region, ref: str, entries: Sequence[MunicipalityEntry]
) -> Comparison:
    """Read `ref` and compare each of `entries` with its earlier version.

    Raises:
        UsageError: `ref` cannot be read (see `changes.git.load_version`), or a
            municipality did not exist in it (or its file there cannot be read).
    """
    old = load_version(region.root, ref)
    plans: dict[str, PlanChanges] = {}
    olds: dict[str, MunicipalityEntry] = {}
    missing: list[MunicipalityEntry] = []
    for entry in entries:
        before = old_entry(old.region, entry)
        if before is None:
            missing.append(entry)
            continue
        olds[entry.slug] = before
        plans[entry.slug] = compare_plans(entry.slug, before.plan, entry.plan)
    if missing:
        raise _missing_error(missing, old, len(entries))
    return Comparison(old, compare_intro(old.region, region), plans, olds)


def _missing_error(
    missing: Sequence[MunicipalityEntry], old: OldVersion, chosen: int
) -> UsageError:
    names = ", ".join(f"{m.plan.name} ({m.file})" for m in missing)
    others = (
        " Bygg de andra kommunerna med --kommun, eller bygg utan --jamfor."
        if chosen > len(missing)
        else " Bygg utan --jamfor, eller jämför med en senare version."
    )
    return UsageError(
        f"{names} finns inte i versionen ”{old.label}”, eller har fel där som hindrar att "
        f"filen läses, så det finns inget att jämföra med.{others}"
    )


# --- The documents ------------------------------------------------------------------------------


def changes_appendix(comparison: Comparison, entry: MunicipalityEntry) -> list[Block]:
    """The change list as the plan's appendix: a chapter "Ändringar sedan version X"."""
    from omstallning.documents.changes import change_blocks

    return change_blocks(comparison.plans[entry.slug], comparison.intro, comparison.label)


def change_document(region: Region, entry: MunicipalityEntry, comparison: Comparison) -> Document:
    """One municipality's change list as a document of its own."""
    from omstallning.documents.changes import assemble_changes

    changes = comparison.plans[entry.slug]
    return assemble_changes(region, entry, changes, comparison.intro, comparison.label)


def change_files(
    region: Region,
    comparison: Comparison,
    entries: Sequence[MunicipalityEntry],
    formats: Sequence[str],
    *,
    tracked: bool = False,
) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every change file: the lists, and the tracked plans if asked."""
    from omstallning.commands.build import render_document

    files: list[tuple[str, bytes]] = []
    for entry in entries:
        document = change_document(region, entry, comparison)
        stem = CHANGES_STEM.format(slug=entry.slug)
        files += [(f"{stem}.{fmt}", render_document(region, document, fmt)) for fmt in formats]
        if tracked:
            name = f"{TRACKED_STEM.format(slug=entry.slug)}.docx"
            files.append((name, tracked_plan(region, entry, comparison)))
    return files


def tracked_plan(region: Region, entry: MunicipalityEntry, comparison: Comparison) -> bytes:
    """The plan's DOCX with the differences from the earlier version as tracked changes.

    Both versions are rendered with today's Word template and logo, so that only the
    plans' content differs; the revisions are dated with the plan's build date.
    """
    from omstallning.changes.tracked import tracked_docx
    from omstallning.commands.build import render_document
    from omstallning.documents.plan import assemble_plan

    old_region = dataclasses.replace(
        comparison.old.region,
        config=comparison.old.region.config.model_copy(update={"export": region.config.export}),
    )
    old_doc = assemble_plan(old_region, comparison.old_entries[entry.slug])
    new_doc = assemble_plan(region, entry)
    old_bytes = render_document(region, old_doc, "docx")
    new_bytes = render_document(region, new_doc, "docx")
    return tracked_docx(old_bytes, new_bytes, date=new_doc.meta.created)


def job_summary(
    region: Region, comparison: Comparison, entries: Sequence[MunicipalityEntry]
) -> str:
    """The change lists of `entries` as one Markdown text, for a CI job summary."""
    from omstallning import writers
    from omstallning.documents.changes import change_blocks

    blocks: list[Block] = [Heading(1, (Run(f"Ändringar sedan {comparison.label}"),), "andringar")]
    for entry in entries:
        changes = comparison.plans[entry.slug]
        blocks += change_blocks(changes, (), comparison.label, level=2, anchor=entry.slug)
    if comparison.intro:
        from omstallning.documents.changes import change_table

        blocks += [Heading(2, (Run("Gemensam inledning"),), "inledning")]
        blocks.append(change_table("intro", comparison.intro))
    meta = DocumentMeta(title="Ändringar", subject="", author="", keywords="")
    return writers.render(Document(meta, tuple(blocks)), "md").decode("utf-8")


def fingerprint(comparison: Comparison) -> str:
    """What the comparison was made from: the commit (or folder) and its plans' content."""
    digest = hashlib.sha256(f"{comparison.label}\0{comparison.old.commit or ''}".encode())
    for slug in sorted(comparison.old_entries):
        digest.update(comparison.old_entries[slug].plan.model_dump_json(by_alias=True).encode())
    for part in comparison.old.region.ordered_intro():
        digest.update(f"{part.id}\0{part.title}\0{part.text}".encode())
    return digest.hexdigest()


def output_names(slug: str, formats: Sequence[str], *, tracked: bool) -> list[Path]:
    """The file names a comparison writes for one municipality."""
    names = [Path(f"{CHANGES_STEM.format(slug=slug)}.{fmt}") for fmt in formats]
    if tracked:
        names.append(Path(f"{TRACKED_STEM.format(slug=slug)}.docx"))
    return names
