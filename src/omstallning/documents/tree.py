"""The intermediate document tree that both writers render.

The assembler turns a loaded region into one `Document` per municipality; `render_docx` and
`render_markdown` each write that tree. Keeping the order and content of the plan here means
the two outputs cannot drift apart. Pure data: no I/O, no third-party imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Run:
    """A piece of inline text with its formatting.

    `url` makes the run an external hyperlink; `anchor` makes it an internal link to the
    block whose `anchor` (a bookmark name) is the same.
    """

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    strike: bool = False
    url: str | None = None
    anchor: str | None = None


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a paragraph."""


@dataclass(frozen=True)
class Note:
    """A footnote. Its mark stands where it is referenced; `blocks` is the note's text.

    Writers number the notes of a document in order (Word footnotes, `[^n]` in Markdown).
    """

    blocks: tuple[Block, ...]


Inline = Run | LineBreak | Note


@dataclass(frozen=True)
class Heading:
    """A heading; level 1 is a chapter. `anchor` is a stable bookmark name for links and the TOC."""

    level: int
    runs: tuple[Inline, ...]
    anchor: str | None = None

    @property
    def text(self) -> str:
        """The heading as plain text."""
        return plain_text(self.runs)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of body text. `role` is a semantic hint: None (body), "note", "caption"."""

    runs: tuple[Inline, ...]
    role: str | None = None
    anchor: str | None = None


@dataclass(frozen=True)
class ListItem:
    """One item of a list; it may hold paragraphs and nested lists."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ListBlock:
    """A bullet (ordered=False) or numbered list. `start` is the first number of an ordered list."""

    ordered: bool
    items: tuple[ListItem, ...]
    start: int = 1


@dataclass(frozen=True)
class Quote:
    """A block quote."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class CodeBlock:
    """Preformatted text, shown as is."""

    text: str


@dataclass(frozen=True)
class Cell:
    """A table cell. `fill` is a background colour as six hex digits (timeline bars).

    `label` says in words what the cell stands for when its colour does (a timeline bar's
    status, "Pågår"): writers show it as text or to assistive technology, so that colour
    is never the only carrier of the meaning (WCAG 1.4.1). The runs then hold its short form.
    """

    runs: tuple[Inline, ...]
    fill: str | None = None
    align: str | None = None  # None, "left", "center", "right"
    label: str | None = None


@dataclass(frozen=True)
class Table:
    """A table with one header row that repeats on every page.

    `widths` are relative column widths (any unit; the writer scales them to the page).
    `wide` asks for a landscape page. `description` is the table's alt text.
    """

    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...] | None = None
    caption: str | None = None
    description: str | None = None
    wide: bool = False
    compact: bool = False  # small font, for dense tables such as the timeline
    numbered: bool = True  # False: the caption is not counted as "Tabell N" (a legend)


@dataclass(frozen=True)
class TableOfContents:
    """Where the table of contents goes; the writer lists the headings up to `levels`."""

    title: str = "Innehåll"
    levels: int = 2


@dataclass(frozen=True)
class PageBreak:
    """Start a new page."""


@dataclass(frozen=True)
class CoverPage:
    """The first page: title, municipality, facts as label/value pairs, a status marking.

    `marking` is a word printed large and clearly (EXEMPEL, UTKAST) or None.
    `logo` is a path to an image file, with `logo_alt` as its alt text.
    """

    title: str
    subtitle: str
    facts: tuple[tuple[str, str], ...]
    marking: str | None = None
    logo: str | None = None
    logo_alt: str | None = None


@dataclass(frozen=True)
class Image:
    """A picture (a chart, or an image from a plan text) in the body.

    `png` holds the file's bytes: PNG, or the format `media_type` names (`image/jpeg`,
    `image/svg+xml`). `name` is a file name for formats that keep the picture beside the
    document (`klippan-uppfoljning-1.png` next to the Markdown, `bilder/org-1a2b3c4d.png`);
    `caption` is shown under it. A writer that cannot embed the format (SVG in Word) shows
    the alt text and the name instead.
    """

    png: bytes
    alt: str
    width_cm: float = 16.0
    name: str = "bild.png"
    caption: str | None = None
    media_type: str = "image/png"


Block = (
    Heading
    | Paragraph
    | ListBlock
    | Quote
    | CodeBlock
    | Table
    | TableOfContents
    | PageBreak
    | CoverPage
    | Image
)


@dataclass(frozen=True)
class DocumentMeta:
    """Document properties: what Word shows under File > Info and what screen readers use."""

    title: str
    subject: str
    author: str
    keywords: str
    language: str = "sv-SE"
    created: datetime = datetime(2025, 1, 1)  # noqa: DTZ001 - naive UTC by convention
    front_matter: dict[str, str] = field(default_factory=dict)  # for the Markdown writer
    marking: str | None = None
    """A word for every page header of a document that is not decided (UTKAST), or None."""
    version: str = ""
    status: str = ""  # the plan's status as a word: "Beslutad", "Utkast"
    identifier: str = ""  # the diarienummer
    comments: str = ""  # the decision and document owner in a sentence


@dataclass(frozen=True)
class Document:
    """One assembled plan."""

    meta: DocumentMeta
    blocks: tuple[Block, ...]


def plain_text(runs: tuple[Inline, ...]) -> str:
    """Join the text of inline runs; line breaks become spaces, footnotes nothing."""
    return "".join(
        r.text if isinstance(r, Run) else " " if isinstance(r, LineBreak) else "" for r in runs
    )


def iter_images(blocks: tuple[Block, ...] | list[Block]) -> list[Image]:
    """Every picture of a block sequence, nested ones and those in footnotes too, in order."""
    found: list[Image] = []
    for block in blocks:
        if isinstance(block, Image):
            found.append(block)
        elif isinstance(block, Quote):
            found.extend(iter_images(block.blocks))
        elif isinstance(block, ListBlock):
            for item in block.items:
                found.extend(iter_images(item.blocks))
        if isinstance(block, Paragraph | Heading):
            for run in block.runs:
                if isinstance(run, Note):
                    found.extend(iter_images(run.blocks))
    return found


def iter_headings(blocks: tuple[Block, ...]) -> list[Heading]:
    """All headings at the top level of a block sequence, in order."""
    return [b for b in blocks if isinstance(b, Heading)]
