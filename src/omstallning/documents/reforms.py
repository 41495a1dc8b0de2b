"""The register of reforms as a table, and the state of knowledge of an intro part.

An intro part shows the register where a line `<!-- reformer -->` stands: a comment, so the
Markdown preview in GitHub or VS Code shows nothing there, while the plan's parser (HTML
off) keeps it as a paragraph of its own that this module replaces with the table.
"""

from __future__ import annotations

from collections.abc import Sequence

from omstallning.documents.markdown_text import Cite, parse_inline
from omstallning.documents.tree import Block, Cell, Paragraph, Run, Table, plain_text
from omstallning.intro.reforms import part_knowledge, reforms_of, swedish_date
from omstallning.model import REFORM_STATUSES, IntroPart, PlanDate, Reform, Region

PLACEHOLDER = "<!-- reformer -->"
HEADER = ("Reform", "Vad det betyder för socialtjänsten", "Läge", "Datum", "Källa")


def knowledge_note(knowledge: PlanDate) -> Paragraph:
    """The line "Kunskapsläge: december 2026", shown under a part's heading."""
    return Paragraph((Run(f"Kunskapsläge: {swedish_date(knowledge)}", italic=True),), role="note")


def reform_state(reform: Reform, knowledge: PlanDate | None) -> str:
    """The status as the table shows it, in the words the part explains.

    A proposal whose start date had passed at the part's state of knowledge is "Datum
    passerat" (its adoption could not be confirmed); a decision "Beslutad, datum passerat".
    """
    label = REFORM_STATUSES[reform.status]
    passed = (
        knowledge is not None
        and reform.date is not None
        and reform.status in ("förslag", "beslutad")
        and reform.date.first_day() <= knowledge.last_day()
    )
    if not passed:
        return label
    return "Datum passerat" if reform.status == "förslag" else f"{label}, datum passerat"


def reform_table(reforms: Sequence[Reform], cite: Cite, knowledge: PlanDate | None) -> Table:
    """The register as a table: Reform | Vad det betyder | Läge | Datum | Källa."""
    rows: list[tuple[Cell, ...]] = []
    for reform in reforms:
        rows.append(
            (
                Cell((Run(reform.name),)),
                Cell(parse_inline(" ".join(reform.meaning.split())) or (Run(""),)),
                Cell((Run(reform_state(reform, knowledge)),)),
                Cell((Run(swedish_date(reform.date) if reform.date else "–"),)),
                Cell(cite(tuple(reform.sources)) if reform.sources else (Run("–"),)),
            )
        )
    when = f" i {swedish_date(knowledge)}" if knowledge else ""
    return Table(
        header=tuple(Cell((Run(h),)) for h in HEADER),
        rows=tuple(rows),
        widths=(2.2, 3.6, 1.3, 1.2, 0.9),
        caption=f"Reformer i angränsande lagstiftning{when}",
        description="Reformer som påverkar socialtjänsten, med läge, datum och källa.",
        wide=True,
    )


def _is_placeholder(block: Block) -> bool:
    return isinstance(block, Paragraph) and plain_text(block.runs).strip() == PLACEHOLDER


def intro_part_blocks(
    region: Region, part: IntroPart, blocks: list[Block], cite: Cite
) -> list[Block]:
    """A part's parsed blocks with its state of knowledge first and the register in place.

    Without `kunskapslage` and without the placeholder line the blocks stay as they are.
    """
    knowledge = part_knowledge(region, part)
    out: list[Block] = [knowledge_note(knowledge)] if knowledge else []
    for block in blocks:
        if _is_placeholder(block):
            reforms = reforms_of(region)
            if reforms:
                out.append(reform_table(reforms, cite, knowledge))
            continue
        out.append(block)
    return out
