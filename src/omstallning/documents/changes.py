"""The change list as a document: "Ändringar sedan version X".

One table per category (Mål, Indikatorer, Aktiviteter, Insatser, Samverkan, Avsnitt, and the
shared introduction once) with the columns Ändring | Id | Fält | Tidigare | Nu. A text is
shown word by word: in "Tidigare" its deleted words are struck through, in "Nu" its
inserted words are bold, and long unchanged stretches are shortened to a few words of
context around each change.

`change_blocks` gives the blocks for the plan's appendix; `assemble_changes` the document
of its own (`<slug>-andringar.docx/.md`). Pure: it reads the change list, never files.
"""

from __future__ import annotations

from collections.abc import Sequence

from omstallning import clock
from omstallning.changes.compare import (
    CATEGORIES,
    KIND_LABELS,
    FieldChange,
    ItemChange,
    PlanChanges,
    WordRun,
    by_category,
)
from omstallning.documents.blocks import header_cells, text_cell
from omstallning.documents.plan import build_date, municipality_title
from omstallning.documents.tree import (
    Block,
    Cell,
    Document,
    DocumentMeta,
    Heading,
    Paragraph,
    Run,
    Table,
)
from omstallning.model import MunicipalityEntry, Region

CONTEXT_WORDS = 6
"""Unchanged words kept on each side of a change in a shortened text."""
ELLIPSIS = "…"
COLUMNS = ("Ändring", "Id", "Fält", "Tidigare", "Nu")
WIDTHS = (1.5, 2.0, 1.9, 3.3, 3.3)


def version_label(changes: PlanChanges, ref_label: str) -> str:
    """How the old version is named: its `version` field, else the git ref or folder."""
    return changes.old_version or ref_label


def changes_title(changes: PlanChanges, ref_label: str) -> str:
    """`Ändringar sedan version 1.0`."""
    return f"Ändringar sedan version {version_label(changes, ref_label)}"


# --- Word diffs in cells ------------------------------------------------------------------------


def _shorten(text: str, *, keep_start: bool, keep_end: bool) -> str:
    """An unchanged stretch cut to the words next to the changes around it."""
    words = text.split()
    if len(words) <= 2 * CONTEXT_WORDS + 1:
        return text
    head = words[:CONTEXT_WORDS] if keep_start else []
    tail = words[-CONTEXT_WORDS:] if keep_end else []
    return " ".join([*head, ELLIPSIS, *tail])


def diff_runs(words: Sequence[WordRun], side: str) -> tuple[Run, ...]:
    """One side of a word diff as runs: "old" strikes deleted words, "new" bolds inserted ones."""
    hidden = "insert" if side == "old" else "delete"
    shown = [w for w in words if w.op != hidden]
    runs: list[Run] = []
    for k, word in enumerate(shown):
        if runs:
            runs.append(Run(" "))
        if word.op == "equal":
            text = _shorten(word.text, keep_start=k > 0, keep_end=k < len(shown) - 1)
            runs.append(Run(text))
        else:
            runs.append(Run(word.text, bold=side == "new", strike=side == "old"))
    return tuple(runs) or (Run("–"),)


def _value_cells(change: FieldChange) -> tuple[Cell, Cell]:
    if change.words is None:
        return text_cell(change.old), text_cell(change.new)
    return Cell(diff_runs(change.words, "old")), Cell(diff_runs(change.words, "new"))


def item_rows(item: ItemChange) -> list[tuple[Cell, ...]]:
    """The table rows of one item: one per changed field, or one for an added/removed item."""
    kind = text_cell(KIND_LABELS[item.kind])
    ident = text_cell(item.id)
    if item.kind == "added":
        return [(kind, ident, text_cell("–"), text_cell("–"), text_cell(item.name))]
    if item.kind == "removed":
        return [(kind, ident, text_cell("–"), text_cell(item.name), text_cell("–"))]
    return [(kind, ident, text_cell(f.field), *_value_cells(f)) for f in item.fields]


def change_table(category: str, items: Sequence[ItemChange]) -> Table:
    """The table of one category's changes: Ändring | Id | Fält | Tidigare | Nu."""
    rows = tuple(row for item in items for row in item_rows(item))
    label = CATEGORIES[category]
    return Table(
        header=header_cells(*COLUMNS),
        rows=rows,
        widths=WIDTHS,
        caption=f"Ändringar: {label.lower()}",
        description=(
            f"Ändringar i {label.lower()}: vad som ändrats, id, fält, tidigare och nu. I "
            "texter är borttagna ord genomstrukna och nya ord i fetstil."
        ),
    )


def _count_text(items: Sequence[ItemChange]) -> str:
    counts = {k: sum(1 for i in items if i.kind == k) for k in KIND_LABELS}
    words = {"added": ("tillagd", "tillagda"), "removed": ("borttagen", "borttagna"),
             "changed": ("ändrad", "ändrade")}  # fmt: skip
    parts = [f"{n} {words[k][n != 1]}" for k, n in counts.items() if n]
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " och " + parts[-1]
    return parts[0]


# --- The blocks ---------------------------------------------------------------------------------


def change_blocks(
    changes: PlanChanges,
    intro: Sequence[ItemChange],
    ref_label: str,
    *,
    level: int = 1,
    anchor: str = "andringar",
) -> list[Block]:
    """The change list under one heading of `level`: for the plan's appendix or on its own.

    `intro` (the shared introduction's changes) is shown once, in its own table, as the
    region's change rather than the municipality's.
    """
    blocks: list[Block] = [Heading(level, (Run(changes_title(changes, ref_label)),), anchor)]
    was = version_label(changes, ref_label)
    now = changes.new_version or "nuvarande"
    source = "" if was == ref_label else f" ({ref_label})"
    blocks.append(
        Paragraph(
            (
                Run(
                    f"Jämförelse av {municipality_title(changes.name)}s plan i version {was}"
                    f"{source} med version {now}. I texter är borttagna ord genomstrukna och "
                    "nya ord i fetstil."
                ),
            )
        )
    )
    own = list(changes.items)
    if not own and not intro:
        blocks.append(Paragraph((Run(f"Inga ändringar sedan version {was}.", italic=True),)))
        return blocks
    total = [*own, *intro]
    blocks.append(Paragraph((Run(f"{len(total)} ändringar: {_count_text(total)}."),)))
    for category, items in by_category(own):
        blocks.append(Heading(level + 1, (Run(CATEGORIES[category]),), f"{anchor}-{category}"))
        blocks.append(change_table(category, items))
    if intro:
        blocks.append(Heading(level + 1, (Run(CATEGORIES["intro"]),), f"{anchor}-intro"))
        blocks.append(
            Paragraph(
                (
                    Run(
                        "Inledningen är gemensam för regionens alla kommuner; ändringarna "
                        "gäller alla planer."
                    ),
                ),
                role="note",
            )
        )
        blocks.append(change_table("intro", intro))
    return blocks


def assemble_changes(
    region: Region,
    entry: MunicipalityEntry,
    changes: PlanChanges,
    intro: Sequence[ItemChange],
    ref_label: str,
) -> Document:
    """The change list of one municipality as a document of its own."""
    plan = entry.plan
    cfg = region.config
    title = f"{changes_title(changes, ref_label)} – {municipality_title(plan)}"
    created = build_date(plan, cfg.plan.period.start)
    has_date = bool(plan.date or plan.decision or clock.source_date())
    front = {
        "title": title,
        "kommun": plan.name,
        "kommunkod": plan.code,
        "region": cfg.region,
        "jamfor": version_label(changes, ref_label),
        "version": plan.version or "",
        **({"date": created.date().isoformat()} if has_date else {}),
        "lang": "sv",
    }
    meta = DocumentMeta(
        title=title,
        subject="Ändringar i omställningsplanen enligt socialtjänstlagen (2025:400)",
        author=municipality_title(plan),
        keywords=f"socialtjänstlag; omställningsplan; ändringar; {plan.name}; {cfg.region}",
        created=created,
        front_matter=front,
    )
    return Document(meta, tuple(change_blocks(changes, intro, ref_label)))
